"""Timeline rules: the incident window is consistent, and the Timeline is UTC, ordered, inside it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from ..document import Document
from ..options import project
from .base import Context, Problem, rule

_WINDOW = ("started", "detected", "mitigated", "resolved")


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@rule("TL101", "timeline-time-format", "timeline")
def time_format(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Every Timeline row has a full date and time: `2025-02-09 14:05` (UTC).

    A time without a date is ambiguous once an incident crosses midnight.
    """
    for entry in doc.timeline:
        if entry.time is None and entry.time_text.strip() not in ("",):
            yield Problem(
                entry.line,
                f"timeline time `{entry.time_text}` is not a date and time",
                "Write it as YYYY-MM-DD HH:MM in UTC, e.g. 2025-02-09 14:05.",
            )
        elif entry.time is None:
            yield Problem(
                entry.line, "timeline row has no time", "Write it as YYYY-MM-DD HH:MM in UTC."
            )


@rule("TL102", "timeline-utc", "timeline")
def timeline_utc(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Timeline times are in UTC; a row with another offset is flagged with its UTC equivalent."""
    for entry in doc.timeline:
        if entry.utc_offset and entry.time is not None:
            yield Problem(
                entry.line,
                f"timeline time `{entry.time_text}` is not UTC (offset {entry.utc_offset})",
                f"Write it in UTC: {entry.time.strftime('%Y-%m-%d %H:%M')}",
            )


@rule("TL103", "timeline-order", "timeline")
def timeline_order(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Timeline rows are in chronological order."""
    previous = None
    for entry in doc.timeline:
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
    options=project("timeline_lead_hours", "timeline_trail_hours"),
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
    for entry in doc.timeline:
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


@rule("TL106", "timeline-coverage", "timeline", severity="warning")
def timeline_coverage(doc: Document, ctx: Context) -> Iterator[Problem]:
    """The Timeline covers the incident: a row at or before detection and one at or after resolution.

    Readers use the timeline to see how long each phase took; a timeline that stops before the
    end hides the slowest part.
    """
    times = [e.time for e in doc.timeline if e.time is not None]
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
