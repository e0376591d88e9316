"""Shared pieces of the timeline importers: the event record, the error, time and JSON helpers.

Every importer turns raw incident data (metrics, alerts, logs, paging history) into
`ImportedEvent`s. They are plain values so that merging, sorting and de-duplicating
events from different tools is ordinary list work.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any


@dataclass(frozen=True, order=True)
class ImportedEvent:
    """One row of a draft timeline. `time` is always timezone-aware UTC."""

    time: datetime
    event: str
    source: str
    actor: str


@dataclass
class ImportResult:
    """What an importer read: the events, and how many source records it looked at.

    `source_events` counts the records of the input (samples, alerts, log lines, log
    entries) so the command can tell the user how much raw data became how many rows.
    `notes` are short remarks worth showing (lines skipped, offsets assumed...).
    """

    events: list[ImportedEvent] = field(default_factory=list)
    source_events: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)


class TimelineImportError(Exception):
    """Bad input for an importer, with the 1-based line it was found on (0 if unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"{self.line}: {self.message}" if self.line else self.message


# --- time -----------------------------------------------------------------------------------

_ISO = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<h>\d{2}):(?P<m>\d{2})"
    r"(?::(?P<s>\d{2})(?:[.,](?P<frac>\d+))?)?"
    r"\s*(?P<tz>[Zz]|UTC|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_time(text: str, *, assume_utc: bool = True) -> datetime | None:
    """Parse an ISO 8601 / RFC 3339 timestamp into aware UTC, or None if it is not one.

    Accepts what the tools print: nanosecond fractions (Go, kubectl), `,` as decimal
    mark (Python logging), `Z`, `+01:00`, `+0100`, a space instead of `T`. A time without
    an offset is taken as UTC when `assume_utc` (incident tooling logs in UTC by
    convention); otherwise None.
    """
    m = _ISO.match(text.strip())
    if not m:
        return None
    frac = (m["frac"] or "0")[:6].ljust(6, "0")
    try:
        naive = datetime.fromisoformat(f"{m['date']}T{m['h']}:{m['m']}:{m['s'] or '00'}.{frac}")
    except ValueError:
        return None
    tz = m["tz"]
    if tz is None:
        if not assume_utc:
            return None
        return naive.replace(tzinfo=UTC)
    try:
        return naive.replace(tzinfo=parse_offset(tz)).astimezone(UTC)
    except (ValueError, OverflowError):  # an offset of 24 hours or more; a time UTC cannot hold
        return None


def parse_offset(tz: str) -> timezone:
    """`Z`, `UTC`, `+01:00`, `+0100` or `-05` as a fixed-offset timezone."""
    if tz in ("Z", "z", "UTC"):
        return UTC
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def from_epoch(value: float) -> datetime:
    """Unix seconds (or milliseconds / microseconds / nanoseconds, judged by size) as UTC.

    Raises ValueError for NaN and for times a datetime cannot hold, like float parsing does,
    so that callers treat them as bad values.
    """
    for _ in range(3):  # bounded: at most ns -> us -> ms -> s
        if abs(value) < 1e11:
            break
        value /= 1000
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"Unix time {value!r} is out of range") from None


def format_time(moment: datetime, *, seconds: bool = False) -> str:
    """Timeline time text, `YYYY-MM-DD HH:MM` in UTC as the post-mortem template uses."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


# --- JSON with line numbers ------------------------------------------------------------------


class LineDict(dict):
    """A JSON object that remembers the line it started on, for error messages."""

    line: int = 0


def load_json(text: str) -> Any:
    """Parse JSON, keeping each object's start line (`LineDict.line`).

    The C scanner gives no positions, so this uses the pure-Python scanner with a
    wrapped object parser; it is slower but the inputs (API responses) are small.
    Syntax errors become `TimelineImportError` with the decoder's line.
    """
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_of(pos: int) -> int:
        return bisect.bisect_left(newlines, pos) + 1

    decoder = json.JSONDecoder()

    def parse_object(s_and_end, *args, **kwargs):  # type: ignore[no-untyped-def]
        start = s_and_end[1] - 1  # index of the opening brace
        obj, end = json.decoder.JSONObject(s_and_end, *args, **kwargs)
        result = LineDict(obj)
        result.line = line_of(start)
        return result, end

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as err:
        raise TimelineImportError(
            f"invalid JSON: {err.msg} (column {err.colno})", err.lineno
        ) from None
    except RecursionError:
        raise TimelineImportError("invalid JSON: nested too deeply", 1) from None
    except ValueError as err:  # an integer of more than 4300 digits
        raise TimelineImportError(f"invalid JSON: {err}", 1) from None


def line_of(value: Any, default: int = 1) -> int:
    """The line a parsed JSON object started on, or `default`."""
    return value.line if isinstance(value, LineDict) else default


def text_of(value: Any) -> str:
    """A JSON scalar as display text ('' for null / containers)."""
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()
