"""Times in the Timeline table: what a cell says, and which instant it means.

Authors write times the way their tools print them: `2025-02-09 10:05`, `10:05:23` (the
reference report: the date is the incident's), `2019-12-05 04:00 +01:00`, `10:05 CET`. This
module reads all of them; the timeline rules decide what to report and the fixer what to
rewrite. A time without a zone is UTC (the Timeline heading says so).

Dates of time-only rows: a row with a full date sets the date for the rows after it; before
any dated row, the date is the incident's, when the incident window (started .. resolved)
lies within one UTC day. An incident that crosses midnight needs a dated row first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

# Zone abbreviations and their UTC offsets in minutes. Several letters stand for more than one
# zone (IST: India, Israel or Ireland); those are read only with a configured `timezone:` whose
# own abbreviation on that day is the one written.
ZONE_ABBREVIATIONS: dict[str, tuple[int, ...]] = {
    "UTC": (0,),
    "GMT": (0,),
    "Z": (0,),
    "WET": (0,),
    "WEST": (60,),
    "CET": (60,),
    "CEST": (120,),
    "MEZ": (60,),
    "MESZ": (120,),
    "EET": (120,),
    "EEST": (180,),
    "MSK": (180,),
    "BST": (60, 360),  # British Summer Time, Bangladesh Standard Time
    "IST": (330, 120, 60),  # India, Israel, Irish Standard Time
    "JST": (540,),
    "KST": (540,),
    "HKT": (480,),
    "SGT": (480,),
    "AEST": (600,),
    "AEDT": (660,),
    "ACST": (570,),
    "AWST": (480,),
    "NZST": (720,),
    "NZDT": (780,),
    "EST": (-300,),
    "EDT": (-240,),
    "CST": (-360, 480),  # US Central, China Standard Time
    "CDT": (-300,),
    "MST": (-420,),
    "MDT": (-360,),
    "PST": (-480,),
    "PDT": (-420,),
    "AKST": (-540,),
    "AKDT": (-480,),
    "HST": (-600,),
    "BRT": (-180,),
    "ART": (-180,),
}

_CELL = re.compile(
    r"^(?:(?P<date>\d{4}-\d{2}-\d{2})(?:[T ]+|$))?"
    r"(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2}|(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[A-Za-z]{1,5})?\s*$",
)


@dataclass(frozen=True)
class CellTime:
    """What a Timeline time cell says. `offset` is in minutes east of UTC; None when the zone
    is unknown or ambiguous (`zone` says which was written)."""

    day: date | None  # the date written in the cell, if any
    clock: tuple[int, int, int, int] | None  # hour, minute, second, microsecond
    zone: str  # the zone as written ("" for none, i.e. UTC)
    offset: int | None
    seconds: bool  # the cell wrote seconds
    problem: str | None = None  # why the cell cannot be read, for messages

    @property
    def utc(self) -> bool:
        return self.offset == 0

    @property
    def written_offset(self) -> str | None:
        """The zone as written, when it is not UTC (for TL102's message)."""
        return None if self.offset == 0 or not self.zone else self.zone


def strip_markup(text: str) -> str:
    return text.strip().strip("`*_ ").strip()


def _offset(zone: str, on: date | None, tz: str | None) -> tuple[int | None, str | None]:
    """Minutes east of UTC of a written zone, or (None, why)."""
    upper = zone.upper().replace(" ", "")
    if upper in ("", "Z", "UTC", "GMT"):
        return 0, None
    sign_at = max(upper.find("+"), upper.find("-"))
    if sign_at >= 0:
        sign = 1 if upper[sign_at] == "+" else -1
        digits = upper[sign_at + 1 :].replace(":", "")
        if len(digits) <= 2:
            hours, minutes = int(digits), 0
        else:
            hours, minutes = int(digits[:-2]), int(digits[-2:])
        if hours > 14 or minutes >= 60:
            return None, f"`{zone}` is not a UTC offset"
        return sign * (hours * 60 + minutes), None
    choices = ZONE_ABBREVIATIONS.get(upper)
    if choices is None:
        return None, f"`{zone}` is not a time zone this tool knows"
    if len(choices) == 1:
        return choices[0], None
    if tz:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only for an ambiguous zone

        try:
            info = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            info = None
        if info is not None:
            moment = datetime.combine(on or date.today(), datetime.min.time().replace(hour=12))
            local = moment.replace(tzinfo=info)
            if (local.tzname() or "").upper() == upper:
                offset = local.utcoffset()
                if offset is not None:
                    return int(offset.total_seconds() // 60), None
    return None, (
        f"`{zone}` stands for more than one time zone"
        + ("" if tz else "; set `timezone:` (e.g. Europe/Dublin) in .postmortem.yml")
    )


def parse_cell(text: str, tz: str | None = None) -> CellTime | None:
    """A Timeline time cell, or None when it holds no date or time at all."""
    # Runs of spaces collapsed: the pattern then cannot backtrack over a long run of them.
    text = " ".join(strip_markup(text).split())
    if len(text) > 64:
        return None
    match = _CELL.match(text)
    if not match or not (match["time"] or match["date"]):
        return None
    day = None
    if match["date"]:
        try:
            day = date.fromisoformat(match["date"])
        except ValueError:
            return CellTime(None, None, "", None, False, f"`{match['date']}` is not a real date")
    clock = None
    if match["time"]:
        parts = match["time"].split(":")
        second, _, fraction = (parts[2] if len(parts) > 2 else "0").partition(".")
        hour, minute = int(parts[0]), int(parts[1])
        if hour > 23 or minute > 59 or int(second) > 59:
            return CellTime(day, None, "", None, False, f"`{match['time']}` is not a time of day")
        micro = int((fraction + "000000")[:6]) if fraction else 0
        clock = (hour, minute, int(second), micro)
    zone = match["zone"] or ""
    if zone and clock is None:
        return None
    offset, why = _offset(zone, day, tz)
    return CellTime(day, clock, zone, offset, len(match["time"] or "") > 5, why)


def window_day(start: datetime | None, end: datetime | None) -> date | None:
    """The one UTC date of the incident window, or None when it spans days or is unknown."""
    if start is None and end is None:
        return None
    first = (start or end).astimezone(UTC).date()  # type: ignore[union-attr]
    last = (end or start).astimezone(UTC).date()  # type: ignore[union-attr]
    return first if first == last else None


@dataclass(frozen=True)
class RowTime:
    """The instant of one Timeline row, or why it has none."""

    time: datetime | None  # in UTC
    cell: CellTime | None
    dated_by: str  # "cell" | "row" (an earlier dated row) | "window" | ""
    problem: str | None = None


def resolve_rows(
    texts: Sequence[str],
    start: datetime | None,
    end: datetime | None,
    tz: str | None = None,
) -> list[RowTime]:
    """The instant of each Timeline row, in order: dated rows date the rows after them."""
    incident_day = window_day(start, end)
    current: date | None = None
    rows: list[RowTime] = []
    for text in texts:
        cell = parse_cell(text, tz)
        if cell is not None and cell.clock is None and cell.day is not None:
            current = cell.day  # a date-only row ("2021-12-10") dates the rows after it
            rows.append(RowTime(None, cell, "cell", "no time of day"))
            continue
        if cell is None or cell.clock is None:
            rows.append(RowTime(None, cell, "", cell.problem if cell else None))
            continue
        if cell.day is not None:
            day, source = cell.day, "cell"
            current = cell.day
        elif current is not None:
            day, source = current, "row"
        elif incident_day is not None:
            day, source = incident_day, "window"
        else:
            rows.append(RowTime(None, cell, "", "undated"))
            continue
        if cell.offset is None:
            rows.append(RowTime(None, cell, source, cell.problem))
            continue
        hour, minute, second, micro = cell.clock
        try:
            local = datetime(
                day.year,
                day.month,
                day.day,
                hour,
                minute,
                second,
                micro,
                tzinfo=timezone(timedelta(minutes=cell.offset)),
            )
            when = local.astimezone(UTC)
        except (ValueError, OverflowError):
            rows.append(RowTime(None, cell, source, "out of range"))
            continue
        if when.year not in range(1000, 9000):
            rows.append(RowTime(None, cell, source, "out of range"))
            continue
        rows.append(RowTime(when, cell, source, None))
    return rows


def format_utc(when: datetime, seconds: bool = False, with_date: bool = True) -> str:
    """A Timeline cell in the form the validator reads: `2025-02-09 10:05` (UTC)."""
    when = when.astimezone(UTC)
    clock = when.strftime("%H:%M:%S" if seconds or when.second else "%H:%M")
    return f"{when:%Y-%m-%d} {clock}" if with_date else clock
