"""Regression tests for the crashes and wrong places the fuzz tests found, one per fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortem.document import parse_bytes

from fuzzing import CONFIG, SEED, TODAY, assert_findings_sound, file_lines
from postmortem.validation import check_document

PATH = Path("postmortems/2025-02-09-api-service-degradation.md")


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\x1c", "\x1e", "\x85", "\u2028", "\u2029"])
def test_unusual_line_separators_do_not_shift_line_numbers(separator: str) -> None:
    """Python's splitlines() breaks lines at form feeds, NEL and U+2028; editors, GitHub and
    Markdown do not. A report pasted from a word processor must keep its findings on the
    lines GitHub shows."""
    text = SEED.replace("## Summary\n", f"## Summary{separator}\n")
    text = text.replace("## Timeline", "## Timeline\n\nTODO: the on-call engineer failed to act.")
    data = text.encode()
    findings = assert_findings_sound(parse_bytes(data, PATH), data)
    placeholder = [f for f in findings if f.rule == "ST102"]
    assert [f.line for f in placeholder] == [line_of(text, "TODO: the on-call")]
    assert max(f.line for f in findings) <= file_lines(data)


def test_suppression_comment_after_a_form_feed_silences_its_own_line() -> None:
    text = SEED.replace("## Impact\n", "## Impact\x0c\n").replace(
        "## Timeline", "## Timeline\n\nTODO: fill in <!-- postmortem: disable=ST102 -->"
    )
    findings = check_document(parse_bytes(text.encode(), PATH), CONFIG, TODAY)
    assert not [f for f in findings if f.rule == "ST102"]
