"""Timeline rules: the incident window is consistent, and the Timeline is UTC, ordered, inside it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ..document import Document, TimelineEntry
from ..options import project
from ..times import format_utc, resolve_rows
from .base import Context, Problem, rule

_WINDOW = ("started", "detected", "mitigated", "resolved")


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@rule("TL101", "timeline-time-format", "timeline", options=project("timezone"))
def time_format(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Every Timeline row has a time the reader can place: `2025-02-09 14:05`, or `14:05`.

    A time-only row (`HH:MM` or `HH:MM:SS`, as in the reference template) takes its date from
    the row with a full date above it, or else from the incident window when the incident
    lies within one UTC day. An incident that crosses midnight needs a dated row first.
    Zones other than UTC may be written as an offset (`+01:00`) or an abbreviation (`CET`);
    TL102 then asks for UTC, and `postmortem validate --fix` rewrites them. An abbreviation
    with several meanings (`IST`, `CST`, `BST`) needs `timezone:` in the configuration.
    """
    window = _window_text(doc)
    for entry in timeline(doc, ctx):
        text = entry.time_text.strip()
        if entry.time is not None:
            continue
        if not text:
            yield Problem(
                entry.line,
                "timeline row has no time",
                "Write it as HH:MM (UTC), or YYYY-MM-DD HH:MM when the incident spans days.",
                _column(entry),
            )
        elif entry.problem == "undated":
            day = doc.started or doc.detected or doc.resolved
            example = f"{day:%Y-%m-%d} {text}" if day else f"YYYY-MM-DD {text}"
            why = (
                f"the incident window ({window}) spans more than one day"
                if window
                else "the frontmatter has no incident window (`started`, `resolved`)"
            )
            yield Problem(
                entry.line,
                f"timeline time `{text}` has no date, and it cannot be known: {why}",
                f"Write the date on this row, e.g. `{example}`; the time-only rows after it "
                "take that date.",
                _column(entry),
            )
        else:
            problem = entry.problem
            if problem == "out of range":
                problem = "the date is out of range"
            if problem == "no time of day":
                yield Problem(
                    entry.line,
                    f"timeline time `{text}` has a date but no time of day",
                    f"Add the time: `{text} HH:MM` (UTC); time-only rows after it take its date.",
                    _column(entry),
                )
                continue
            yield Problem(
                entry.line,
                f"timeline time `{text}` "
                + (f"cannot be read: {problem}" if problem else "is not a date and time"),
                "Write it as HH:MM in UTC, or YYYY-MM-DD HH:MM, e.g. 2025-02-09 14:05.",
                _column(entry),
            )


@rule("TL102", "timeline-utc", "timeline", options=project("timezone"))
def timeline_utc(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Timeline times are in UTC; a row with another offset or zone is flagged with its UTC time.

    `postmortem validate --fix` rewrites such rows in UTC.
    """
    for entry in timeline(doc, ctx):
        if entry.utc_offset and entry.time is not None:
            yield Problem(
                entry.line,
                f"timeline time `{entry.time_text}` is not UTC ({entry.utc_offset})",
                f"Write it in UTC: {format_utc(entry.time)} (`postmortem validate --fix` does it)",
                _column(entry),
            )


def timeline(doc: Document, ctx: Context) -> list[TimelineEntry]:
    """The document's timeline, with zone abbreviations read in the configured `timezone`."""
    tz = str(ctx.option("timezone") or "")
    if not tz:
        return doc.timeline
    cache = ctx.cache  # shared by the timeline rules for this document
    if ("timeline", tz) not in cache:
        start, end = doc.started or doc.detected, doc.resolved or doc.mitigated
        rows = resolve_rows([e.time_text for e in doc.timeline], start, end, tz)
        cache["timeline", tz] = [
            replace(
                entry,
                time=row.time,
                utc_offset=row.cell.written_offset if row.cell else None,
                dated_by=row.dated_by,
                problem=row.problem,
            )
            for entry, row in zip(doc.timeline, rows, strict=True)
        ]
    return cache["timeline", tz]


def _column(entry: TimelineEntry) -> int:
    return entry.row.column("time") if entry.row else 1


def _window_text(doc: Document) -> str:
    start, end = doc.started or doc.detected, doc.resolved or doc.mitigated
    if start is None or end is None:
        return ""
    return f"{_utc(start)} – {_utc(end)}"


@rule("TL103", "timeline-order", "timeline", options=project("timezone"))
def timeline_order(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Timeline rows are in chronological order."""
    previous = None
    for entry in timeline(doc, ctx):
        if entry.time is None:
            continue
        if previous is not None and entry.time < previous.time:
            yield Problem(
                entry.line,
                f"timeline row at {_utc(entry.time)} comes after the row at "
                f"{_utc(previous.time)} (line {previous.line})",
                "Move the row up so the timeline reads in order.",
            )
        else:
            previous = entry


@rule(
    "TL104",
    "timeline-window",
    "timeline",
    options=project("timeline_lead_hours", "timeline_trail_hours", "timezone"),
)
def timeline_window(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Timeline rows fall inside the incident window.

    From `started` minus `timeline_lead_hours` (default 24: the change that triggered the
    incident usually precedes impact) to `resolved` plus `timeline_trail_hours` (default 0).
    A row outside is usually a typo in the date.
    """
    started, resolved = doc.started, doc.resolved
    if started is None or resolved is None:
        return
    first = started - timedelta(hours=float(ctx.option("timeline_lead_hours", 24)))
    last = resolved + timedelta(hours=float(ctx.option("timeline_trail_hours", 0)))
    for entry in timeline(doc, ctx):
        if entry.time is not None and not first <= entry.time <= last:
            yield Problem(
                entry.line,
                f"timeline row at {_utc(entry.time)} is outside the incident "
                f"window {_utc(started)} – {_utc(resolved)}",
                "Check the date of this row, or the window in the frontmatter.",
            )


@rule("TL105", "window-order", "timeline")
def window_order(doc: Document, ctx: Context) -> Iterator[Problem]:
    """The incident window is ordered: started <= detected <= mitigated <= resolved."""
    previous: tuple[str, datetime] | None = None
    for key in _WINDOW:
        value = getattr(doc, key)
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            yield Problem(
                doc.meta_line(key),
                f"`{key}` ({_utc(value)}) is before `{previous[0]}` ({_utc(previous[1])})",
                f"The window must read {' <= '.join(_WINDOW)}.",
            )
        else:
            previous = (key, value)


@rule("TL106", "timeline-coverage", "timeline", severity="warning", options=project("timezone"))
def timeline_coverage(doc: Document, ctx: Context) -> Iterator[Problem]:
    """The Timeline covers the incident: a row at or before detection and one at or after resolution.

    Readers use the timeline to see how long each phase took; a timeline that stops before the
    end hides the slowest part.
    """
    times = [e.time for e in timeline(doc, ctx) if e.time is not None]
    if not times:
        return
    section = doc.section("timeline")
    line = section.line if section else doc.body_line
    detected, end = doc.detected, doc.resolved or doc.mitigated
    if detected is not None and min(times) > detected:
        yield Problem(
            line,
            f"timeline starts at {_utc(min(times))}, after detection at {_utc(detected)}",
            "Add the first signal: the alert, page or report.",
        )
    if end is not None and max(times) < end:
        yield Problem(
            line,
            f"timeline ends at {_utc(max(times))}, before resolution at {_utc(end)}",
            "Add the rows up to the resolution.",
        )


@rule("TL107", "future-time", "timeline")
def future_time(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Incident times are not in the future (use `--today` to fix the date a check runs on)."""
    limit = datetime.combine(ctx.today, datetime.max.time(), tzinfo=UTC)
    for key in _WINDOW:
        value = getattr(doc, key)
        if value is not None and value > limit:
            yield Problem(
                doc.meta_line(key),
                f"`{key}` ({_utc(value)}) is in the future",
                "Check the year and month.",
            )


_ACTOR_HANDLES = re.compile(
    r"^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[\w.-]+)?"
    r"(?:\s*(?:,|&|\band\b)\s*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[\w.-]+)?)*$"
)
_ACTOR_BOT = re.compile(r"^[\w.-]*bot(?:\[bot\])?$|^[\w.-]+\[bot\]$", re.IGNORECASE)
_NO_ACTOR = {"-", "–", "—", "n/a", "none", "system", "automation", "automated"}


def actor_kind(
    actor: str, source: str = "", people: set[str] | frozenset[str] = frozenset()
) -> str:
    """`none`, `handle`, `bot`, `system` (a tool named in one word, or the row's source),
    `person` (a name the document gives a handle elsewhere) or `free text`."""
    text = actor.strip().strip("`*_ ").strip()
    if not text or text.lower() in _NO_ACTOR:
        return "none"
    if _ACTOR_HANDLES.match(text):
        return "handle"
    if _ACTOR_BOT.match(text):
        return "bot"
    if text in people:
        return "person"
    if " " not in text or text.lower() == source.strip().lower():
        return "system"
    return "free text"


@rule("TL108", "timeline-actor", "timeline", severity="warning")
def timeline_actor(doc: Document, ctx: Context) -> Iterator[Problem]:
    """The Actor column names who or what acted: a `@handle`, a bot, `system`, or `-`.

    A person is written as their GitHub handle, so readers and tools can tell people from
    systems; a tool named in one word (`PagerDuty`) or the row's own source also counts as a
    system. Free text ("the on-call engineer") and bare names of people are flagged.
    """
    people = {p for p in doc.people if not p.startswith("@")}
    for entry in timeline(doc, ctx):
        kind = actor_kind(entry.actor, entry.source, people)
        if kind not in ("free text", "person"):
            continue
        column = entry.row.column("actor") if entry.row else 1
        yield Problem(
            entry.line,
            f"actor `{entry.actor.strip()}` is "
            + ("a name without its handle" if kind == "person" else "free text"),
            "Write a @handle for a person, the bot's or tool's name, `system`, "
            "or `-` when no one acted.",
            column,
        )
