"""Property tests: no file, however broken, crashes the parser, a rule, the sync plan or the
site. Each broken file must become findings with real places, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from postmortem.document import parse_bytes

from fuzzing import (
    SEED,
    assert_downstream_survives,
    assert_findings_sound,
    awkward_text,
    mutated_body,
    mutated_seed,
    structured_document,
)

pytestmark = pytest.mark.slow  # property tests over hundreds of generated inputs

PATH = Path("postmortems/2025-02-09-api-service-degradation.md")
FUZZ = settings()  # the project's Hypothesis profile (tests/conftest.py)


def check_everything(data: bytes) -> None:
    doc = parse_bytes(data, PATH)
    for finding in doc.problems:
        assert finding.line >= 1 and finding.column >= 1, finding
    assert_findings_sound(doc, data)
    assert_downstream_survives(doc)


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes(data: bytes) -> None:
    check_everything(data)


@FUZZ
@given(st.text(max_size=3000))
def test_random_text(text: str) -> None:
    check_everything(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.lists(st.one_of(awkward_text, st.text(max_size=40)), max_size=40))
def test_random_text_behind_frontmatter(lines: list[str]) -> None:
    """Random body lines behind the seed's frontmatter: the rules see a real document."""
    head = SEED.split("\n# ", 1)[0]
    check_everything((head + "\n" + "\n".join(lines)).encode("utf-8", "surrogatepass"))


@FUZZ
@given(mutated_seed())
@example(SEED.encode())
def test_mutated_seed(data: bytes) -> None:
    check_everything(data)


@FUZZ
@given(mutated_body())
def test_mutated_body(data: bytes) -> None:
    """Valid frontmatter, damaged sections and tables: every rule runs on the damage."""
    check_everything(data)


@FUZZ
@given(structured_document())
def test_structured_documents(data: bytes) -> None:
    """Any set of frontmatter keys, sections in any order, tables with any header."""
    check_everything(data)


@pytest.mark.parametrize(
    "key", ["id", "title", "severity", "status", "authors", "services", "tags"]
)
def test_control_characters_from_yaml_escapes(key: str) -> None:
    """YAML double-quoted escapes put characters into values that the file bytes cannot
    hold (NUL, ESC, bell): every consumer must still cope."""
    value = '"a\\x00b\\e\\a\\x85c\\u2028d"'
    if key in ("authors", "services", "tags"):
        value = f"[{value}]"
    lines = SEED.split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith(f"{key}:"))
    lines[at] = f"{key}: {value}"
    check_everything("\n".join(lines).encode())
