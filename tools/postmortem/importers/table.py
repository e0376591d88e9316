"""Merge imported events and write them as the post-mortem's Timeline table.

Times are written `YYYY-MM-DD HH:MM` in UTC, as in the post-mortem template; events in
the same minute keep their true order because rows are sorted on the full timestamp
before the seconds are dropped. `seconds=True` writes `YYYY-MM-DD HH:MM:SS` instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import ImportedEvent, format_time

HEADER = ("Time (UTC)", "Event", "Source", "Actor")


def escape_cell(text: str) -> str:
    """Cell text that cannot break the table: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def row_cells(event: ImportedEvent, *, seconds: bool = False) -> tuple[str, str, str, str]:
    """The four Markdown cells of an event's row."""
    return (
        format_time(event.time, seconds=seconds),
        escape_cell(event.event),
        escape_cell(event.source),
        escape_cell(event.actor),
    )


def merge_events(
    groups: Iterable[Iterable[ImportedEvent]], *, seconds: bool = False
) -> tuple[list[ImportedEvent], int]:
    """All events sorted by time, rows that would print identically kept once.

    Returns (events, number of duplicates dropped).
    """
    merged = sorted(event for group in groups for event in group)
    seen: set[tuple[str, str, str, str]] = set()
    unique: list[ImportedEvent] = []
    for event in merged:
        cells = row_cells(event, seconds=seconds)
        if cells in seen:
            continue
        seen.add(cells)
        unique.append(event)
    return unique, len(merged) - len(unique)


def render_row(cells: Iterable[str], widths: list[int]) -> str:
    """`| a | b |` with each cell padded to its column width (cells may be wider)."""
    padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=True)]
    return "| " + " | ".join(padded) + " |"


def format_table(events: Iterable[ImportedEvent], *, seconds: bool = False) -> str:
    """A complete, column-aligned Timeline table (header, separator, one row per event)."""
    rows = [row_cells(event, seconds=seconds) for event in events]
    widths = [max([len(HEADER[i])] + [len(row[i]) for row in rows]) for i in range(4)]
    lines = [render_row(HEADER, widths), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines.extend(render_row(row, widths) for row in rows)
    return "\n".join(lines) + "\n"
