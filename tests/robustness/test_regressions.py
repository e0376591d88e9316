"""Regression tests for the crashes and wrong places the fuzz tests found, one per fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzzing import CONFIG, SEED, TODAY, assert_findings_sound, file_lines

from postmortem.document import parse_bytes
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


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_yaml_line_breaks_inside_frontmatter_values_keep_key_lines(separator: str) -> None:
    """YAML counts NEL, U+2028 and U+2029 as line breaks; the file does not. A title pasted
    with one must not move the findings of the keys below it."""
    text = SEED.replace("title: API Service Degradation", f'title: "API{separator}Service"')
    text = text.replace("tags: [latency, database, connection-pool]", "tags: [no, latency]")
    text = text.replace("severity: P2", "severity: P2\nseverity: P1")
    data = text.encode()
    doc = parse_bytes(data, PATH)
    assert doc.meta_line("tags") == line_of(text, "tags: [no")
    findings = assert_findings_sound(doc, data)
    where = {f.rule: (f.line, f.column) for f in findings if f.rule in ("IN014", "IN016")}
    assert where == {
        "IN014": (line_of(text, "severity: P1"), 1),
        "IN016": (line_of(text, "tags:"), 8),
    }


def test_yaml_error_after_a_unicode_line_separator_points_at_the_file_line() -> None:
    """YAML reads `title: API<U+2028>Service` as a key without `:` on a line of its own and
    reports the next key, as it does for a real line break; that key's file line is the
    one after the title, not two after."""
    text = SEED.replace("title: API Service Degradation", "title: API\u2028Service")
    doc = parse_bytes(text.encode(), PATH)
    [problem] = doc.problems
    assert problem.rule == "IN012"
    assert problem.line == line_of(text, "status: published")
