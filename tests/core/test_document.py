"""The document model: what rules, sync and site rely on, with line numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from postmortem.document import load_document, parse_document

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "postmortems" / "2025-02-09-api-service-degradation.md"


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_frontmatter_values_and_lines():
    doc = load_document(SEED)
    text = SEED.read_text("utf-8")
    assert doc.problems == []
    assert doc.id == "2025-02-09-api-service-degradation"
    assert doc.started == datetime(2025, 2, 9, 14, 2, tzinfo=UTC)
    assert doc.meta_line("severity") == line_of(text, "severity:")
    assert doc.meta_line(["reviewers", 1]) == line_of(text, "reviewers:")
    assert doc.meta_line("no-such-key") == 1
    # timestamps stay text in the frontmatter; the model parses them
    assert isinstance(doc.meta["started"], str)


def test_sections_tables_and_cells():
    doc = load_document(SEED)
    text = SEED.read_text("utf-8")
    keys = [s.key for s in doc.sections]
    for wanted in (
        "summary",
        "impact",
        "root cause",
        "timeline",
        "contributing factors",
        "action items",
        "what went well",
        "lessons learned",
    ):
        assert wanted in keys
    assert len(doc.timeline) == 9
    first = doc.timeline[0]
    assert first.line == line_of(text, "| 2025-02-09 13:55 |")
    assert first.time == datetime(2025, 2, 9, 13, 55, tzinfo=UTC)
    assert first.actor == "deploy-bot"
    items = doc.action_items
    assert [i.id for i in items] == ["A1", "A2", "A3", "A4"]
    assert items[3].deadline == date(2025, 4, 30)
    assert items[3].owner == "@lena-fischer"
    row_text = text.splitlines()[items[3].line - 1]
    assert row_text[items[3].row.column("owner") - 1 :].startswith("@lena-fischer")
    assert {"maria-santos", "kenji-watanabe", "lena-fischer"} <= doc.people


def test_prose_excludes_code_urls_and_quotes():
    text = """---
id: x
---

## Summary

Alice ran `rm -rf /tmp/cache` after reading https://example.com/runbook carefully.

> bob: this is a quoted chat line that blames someone

```
careless code block
```

- A list item
  on two lines.
"""
    doc = parse_document(text, "x.md")
    prose = [b.text for b in doc.prose]
    assert "Alice ran CODE after reading URL carefully." in prose
    assert not any("quoted chat" in p for p in prose)
    assert not any("careless" in p for p in prose)
    item = next(b for b in doc.prose if b.kind == "list_item")
    assert item.position(item.text.index("on two")) == (line_of(text, "on two lines"), 3)


def test_table_time_offsets_and_bad_times():
    text = """---
id: x
---

## Timeline

| Time | Event | Source | Actor |
|---|---|---|---|
| 2025-02-09 14:00+01:00 | a | b | c |
| 2025-02-09T14:00:00Z | a | b | c |
| 14:00 | a | b | c |
"""
    entries = parse_document(text, "x.md").timeline
    assert (
        entries[0].time == datetime(2025, 2, 9, 13, 0, tzinfo=UTC)
        and entries[0].utc_offset == "+01:00"
    )
    assert (
        entries[1].time == datetime(2025, 2, 9, 14, 0, tzinfo=UTC) and entries[1].utc_offset is None
    )
    # A time-only row takes its date from the dated row above it.
    assert entries[2].time == datetime(2025, 2, 9, 14, 0, tzinfo=UTC)
    assert entries[2].dated_by == "row"


def test_bom_and_crlf_are_read():
    text = SEED.read_text("utf-8").replace("\n", "\r\n")
    doc = load_document(Path("x.md"), data=b"\xef\xbb\xbf" + text.encode())
    assert doc.problems == [] and len(doc.action_items) == 4
