"""Property test: `postmortem new` with any title writes a file its own validator can read
(or refuses the title with a message), never a crash."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem.authoring import AuthoringError, create_postmortem
from postmortem.document import load_document
from postmortem.validation import INTERNAL, check_document

from fuzzing import CONFIG, TODAY, awkward_text

# The project's Hypothesis profile (tests/conftest.py), with fewer examples: each is slower.
FUZZ = settings(max_examples=max(1, settings().max_examples // 3))
NOW = datetime(2025, 2, 10, 12, 0, tzinfo=UTC)


@FUZZ
@given(
    st.one_of(st.text(max_size=200), awkward_text),
    st.one_of(st.none(), st.text(max_size=10), st.sampled_from(["P1", "P2"])),
)
def test_new_postmortem_from_any_title_is_readable(title: str, severity: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            created = create_postmortem(
                title, Path(folder), severity=severity, started=NOW, now=NOW
            )
        except AuthoringError as error:
            assert str(error)
            return
        doc = load_document(created.path)
        findings = check_document(doc, CONFIG, TODAY)
    assert doc.parsed
    assert not [f for f in findings if f.rule == INTERNAL or f.category == "input"], findings
    assert doc.id == created.id == created.path.stem
