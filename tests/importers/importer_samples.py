"""Shared helpers (a plain module, not conftest, so its name is unique in the suite) for the timeline importer tests: sample files written from the formats' docs.

The samples describe one invented incident (catalog-api errors while the Redis product
cache was at its memory limit, 2025-03-14 10:04-10:38 UTC) across all formats.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from markdown_it import MarkdownIt

DATA = Path(__file__).resolve().parent.parent / "data" / "importers"


def sample(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def table_rows(markdown):
    """Cell texts of every row (header first) of the tables in `markdown`, as markdown-it
    reads them: an independent check of what the importer writes."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    rows, row = [], None
    for tok in tokens:
        if tok.type == "tr_open":
            row = []
        elif tok.type == "inline" and row is not None:
            row.append(tok.content)
        elif tok.type == "tr_close":
            rows.append(row)
            row = None
    return rows
