"""Merge imported rows into a post-mortem's Timeline table, working on the text.

The document is edited line by line so that everything else in it stays byte for byte
as written: existing rows are kept verbatim and in their order, new rows are slotted in
before the first existing row that happens later, and rows that already exist (same
time, event, source and actor) are skipped. The document model locates the `## Timeline`
section and its table by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ..document import parse_document
from .model import ImportedEvent, TimelineImportError, format_time, parse_time
from .table import HEADER, format_table, merge_events, render_row, row_cells

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_COLUMNS = {
    "time": ("time",),
    "event": ("event", "what"),
    "source": ("source",),
    "actor": ("actor", "who"),
}


@dataclass(frozen=True)
class TimelineMerge:
    """The new document text and what the merge did."""

    text: str
    added: int
    duplicates: int


def split_row(line: str) -> list[str]:
    """The raw (still escaped) cell texts of a table row line."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip() for cell in _UNESCAPED_PIPE.split(body)]


def _normal(cell: str) -> str:
    return " ".join(cell.split())


def _time_key(cell: str, seconds: bool) -> str:
    moment = parse_time(cell.strip("` "))
    return format_time(moment, seconds=seconds) if moment else _normal(cell)


def _timeline_ranges(
    text: str,
) -> tuple[int, int, tuple[int, int] | None, dict[int, datetime]]:
    """0-based (first line after the Timeline heading, end of the section, table lines), and
    the instant of each existing row by its 0-based line (time-only rows dated as the
    validator dates them).

    The document model finds the section and its table, so headings or tables inside code
    blocks or block quotes, and the YAML frontmatter, are never mistaken for them.
    """
    doc = parse_document(text, "timeline.md")
    section = doc.section("timeline")
    if section is None:
        raise TimelineImportError(
            'the post-mortem has no "## Timeline" section; add the heading (the template has '
            "it) and run the import again"
        )
    if not section.tables:
        return section.line, section.end_line, None, {}
    table = section.tables[0]
    last = table.rows[-1].line if table.rows else table.line + 1
    instants = {e.line - 1: e.time for e in doc.timeline if e.time is not None}
    return section.line, section.end_line, (table.line - 1, last), instants


def _column_index(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = cell.strip("*_ ").lower()
        for key, prefixes in _COLUMNS.items():
            if key not in found and name.startswith(prefixes):
                found[key] = index
    return found


def merge_into_timeline(
    document_text: str, rows: list[ImportedEvent], *, seconds: bool = False
) -> TimelineMerge:
    """Merge `rows` into the document's Timeline table (see the module docstring)."""
    lines = document_text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    start, end, table, instants = _timeline_ranges("".join(lines))
    new_rows, repeated = merge_events([rows], seconds=seconds)

    if table is None:
        created = _create_table(lines, start, end, new_rows, newline, seconds)
        return TimelineMerge(created.text, created.added, repeated)

    first, last = table
    header = split_row(lines[first])
    columns = _column_index(header)
    if "time" not in columns or "event" not in columns:
        raise TimelineImportError(
            f"the Timeline table needs a Time and an Event column (found: {', '.join(header)})",
            first + 1,
        )
    widths = [max(len(seg) - 2, 1) for seg in split_row(lines[first + 1])]
    widths += [1] * (len(header) - len(widths))
    widths = widths[: len(header)]

    existing: list[tuple[datetime | None, str]] = []
    seen: set[tuple[str, ...]] = set()
    for number, line in enumerate(lines[first + 2 : last], start=first + 2):
        cells = split_row(line) + [""] * len(header)
        moment = instants.get(number) or parse_time(cells[columns["time"]].strip("` "))
        existing.append((moment, line))
        seen.add(_key(cells, columns, seconds))

    added: list[tuple[datetime, str]] = []
    duplicates = repeated
    for event in new_rows:
        time_cell, event_cell, source_cell, actor_cell = row_cells(event, seconds=seconds)
        cells = [""] * len(header)
        values = {
            "time": time_cell,
            "event": event_cell,
            "source": source_cell,
            "actor": actor_cell,
        }
        for key, index in columns.items():
            cells[index] = values[key]
        key = _key(cells, columns, seconds)
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        added.append((event.time, render_row(cells, widths) + newline))

    merged: list[str] = []
    pending = list(added)
    current: datetime | None = None
    for moment, line in existing:
        current = moment or current  # a row with an unreadable time stays after its predecessor
        while pending and current is not None and pending[0][0] < current:
            merged.append(pending.pop(0)[1])
        merged.append(line)
    merged.extend(line for _, line in pending)
    text = "".join(lines[: first + 2] + merged + lines[last:])
    return TimelineMerge(text, len(added), duplicates)


def _key(cells: list[str], columns: dict[str, int], seconds: bool) -> tuple[str, ...]:
    def cell(name: str) -> str:
        return _normal(cells[columns[name]]) if name in columns else ""

    return (
        _time_key(cells[columns["time"]], seconds),
        cell("event"),
        cell("source"),
        cell("actor"),
    )


def _create_table(
    lines: list[str], start: int, end: int, rows: list[ImportedEvent], newline: str, seconds: bool
) -> TimelineMerge:
    """Put a new table at the end of the section's existing content (kept as it is)."""
    last_content = start
    for index in range(start, end):
        if lines[index].strip():
            last_content = index + 1
    table = format_table(rows, seconds=seconds).replace("\n", newline)
    block = [newline, table]
    if end < len(lines):
        block.append(newline)
    # Blank lines between the section's content and the next heading are replaced.
    text = "".join(lines[:last_content] + block + lines[end:])
    return TimelineMerge(text, len(rows), 0)


def insert_timeline(document_text: str, rows: list[ImportedEvent]) -> str:
    """The document with `rows` merged into its Timeline table (created if missing)."""
    return merge_into_timeline(document_text, rows).text


__all__ = ["HEADER", "TimelineMerge", "insert_timeline", "merge_into_timeline", "split_row"]
