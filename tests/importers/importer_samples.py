"""Shared helpers (a plain module, not conftest, so its name is unique in the suite) for the timeline importer tests: sample files written from the formats' docs.

The samples describe one invented incident (catalog-api errors while the Redis product
cache was at its memory limit, 2025-03-14 10:04-10:38 UTC) across all formats.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "importers"


def sample(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)
