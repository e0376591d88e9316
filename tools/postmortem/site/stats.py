"""Statistics of the archive as plain data: what the statistics page and the archive index show.

Pure functions of parsed documents, the sync state and "today", so that every figure can be
tested with fixed inputs and the charts only draw what is computed here.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from .. import statuses
from ..document import ActionItem, Document

# Action-item states shown on the site; "overdue" is an open item past its deadline.
DONE, OPEN, OVERDUE, WONT_DO = "done", "open", "overdue", "wont-do"


@dataclass(frozen=True)
class IssueRef:
    """What the sync state file knows about the GitHub issue of one action item."""

    number: int
    url: str
    state: str  # "open" | "closed"
    state_reason: str | None = None
    assignees: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.state == "closed":
            return "closed (not planned)" if self.state_reason == "not_planned" else "closed"
        return "open"


def issue_refs(state: Any) -> tuple[dict[str, IssueRef], list[str]]:
    """Issue references keyed "<doc id>/<item id>" from a sync state, and what was unusable.

    The state file is written by `postmortem sync`, but it is a file in a repository and can be
    edited or truncated by hand: entries of the wrong shape are reported and left out, and only
    http(s) URLs are kept because they end up in links.
    """
    problems: list[str] = []
    if state is None:
        return {}, problems
    items = state.get("items") if isinstance(state, dict) else None
    if not isinstance(items, dict):
        return {}, ['sync state has no "items" mapping']
    refs: dict[str, IssueRef] = {}
    for key, entry in items.items():
        if not isinstance(entry, dict):
            problems.append(f"sync state entry {key!r} is not a mapping")
            continue
        number, url, status = entry.get("number"), entry.get("url"), entry.get("state")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            problems.append(f"sync state entry {key!r} has no issue number")
            continue
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            problems.append(f"sync state entry {key!r} has no http(s) issue URL")
            continue
        reason = entry.get("state_reason")
        assignees = entry.get("assignees")
        refs[str(key)] = IssueRef(
            number=number,
            url=url,
            state="closed" if status == "closed" else "open",
            state_reason=reason if isinstance(reason, str) else None,
            assignees=tuple(a for a in assignees if isinstance(a, str))
            if isinstance(assignees, list)
            else (),
        )
    return refs, problems


def item_state(item: ActionItem, issue: IssueRef | None, today: date) -> str:
    """done | open | overdue | wont-do, by the sync's rule (README, "Action items on GitHub"):
    a row with a status decides, even when a person closed or reopened the issue (the sync and
    the weekly review report that as drift); a row without one takes its issue's state."""
    decided = statuses.meaning(item.status) if (item.status or "").strip() else None
    if decided is None and issue is not None and issue.state == "closed":
        return WONT_DO if issue.state_reason == "not_planned" else DONE
    if decided == statuses.DONE:
        return DONE
    if decided == statuses.DROPPED:
        return WONT_DO
    if item.deadline is not None and item.deadline < today:
        return OVERDUE
    return OPEN


@dataclass
class ActionCounts:
    done: int = 0
    open: int = 0  # open and not past its deadline
    overdue: int = 0
    wont_do: int = 0

    @property
    def total(self) -> int:
        return self.done + self.open + self.overdue + self.wont_do

    @property
    def unfinished(self) -> int:
        return self.open + self.overdue

    def add(self, state: str) -> None:
        if state == DONE:
            self.done += 1
        elif state == OVERDUE:
            self.overdue += 1
        elif state == WONT_DO:
            self.wont_do += 1
        else:
            self.open += 1

    def __iadd__(self, other: ActionCounts) -> ActionCounts:
        self.done += other.done
        self.open += other.open
        self.overdue += other.overdue
        self.wont_do += other.wont_do
        return self


def action_counts(doc: Document, refs: dict[str, IssueRef], today: date) -> ActionCounts:
    counts = ActionCounts()
    for item in doc.action_items:
        counts.add(item_state(item, refs.get(item.key(doc.id)), today))
    return counts


def duration(start: datetime | None, end: datetime | None) -> timedelta | None:
    """end - start, or None when either is unknown or the order is impossible."""
    if start is None or end is None or end < start:
        return None
    return end - start


def time_to_detect(doc: Document) -> timedelta | None:
    return duration(doc.started, doc.detected)


def time_to_resolve(doc: Document) -> timedelta | None:
    return duration(doc.started, doc.resolved)


def format_duration(value: timedelta | None) -> str:
    """ "7 min", "1 h 38 min", "2 d 3 h": readable at a glance in a table cell."""
    if value is None:
        return "–"
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def month_key(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from first to last inclusive ("2024-11", "2024-12", "2025-01")."""
    year, month = (int(p) for p in first.split("-"))
    end = tuple(int(p) for p in last.split("-"))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return months


def severity_order(docs: list[Document], scale: tuple[str, ...]) -> list[str]:
    """The configured scale, then any other severity found, so that nothing is dropped."""
    extra = sorted({d.severity or "unknown" for d in docs} - set(scale))
    return [*scale, *extra]


@dataclass(frozen=True)
class ResolvePoint:
    doc_id: str
    title: str
    started: datetime
    hours: float
    severity: str


# Time-to-detect buckets: (label, upper bound in minutes, exclusive).
DETECT_BUCKETS = (
    ("under 5 min", 5),
    ("5–15 min", 15),
    ("15–30 min", 30),
    ("30–60 min", 60),
    ("1–4 h", 240),
    ("4 h or more", float("inf")),
)


def detect_bucket(minutes: float) -> str:
    return next(label for label, bound in DETECT_BUCKETS if minutes < bound)


@dataclass
class ArchiveStats:
    count: int
    severities: list[str]
    months: list[str]
    per_month: dict[str, dict[str, int]]  # month -> severity -> count (every month present)
    resolve_points: list[ResolvePoint]
    monthly_median_hours: dict[str, float]  # only months with resolved incidents
    median_detect_minutes: float | None
    median_resolve_hours: float | None
    actions: ActionCounts
    actions_per_month: dict[str, ActionCounts]  # by the incident's month
    resolve_hours_by_month: dict[str, list[float]] = field(default_factory=dict)
    detect_buckets: dict[str, dict[str, int]] = field(default_factory=dict)  # label -> severity
    by_severity: dict[str, int] = field(default_factory=dict)
    by_service: list[tuple[str, int]] = field(default_factory=list)


def archive_stats(
    docs: list[Document], refs: dict[str, IssueRef], today: date, scale: tuple[str, ...]
) -> ArchiveStats:
    """Everything the statistics page draws, for the documents it is given."""
    severities = severity_order(docs, scale)
    dated = [d for d in docs if d.started is not None]
    months = (
        month_range(
            month_key(min(d.started for d in dated)), month_key(max(d.started for d in dated))
        )
        if dated
        else []
    )
    per_month = {m: dict.fromkeys(severities, 0) for m in months}
    actions_per_month = {m: ActionCounts() for m in months}
    points: list[ResolvePoint] = []
    detect_minutes: list[float] = []
    buckets: dict[str, dict[str, int]] = {label: {} for label, _ in DETECT_BUCKETS}
    totals = ActionCounts()
    by_severity: Counter[str] = Counter()
    by_service: Counter[str] = Counter()
    for doc in docs:
        counts = action_counts(doc, refs, today)
        totals += counts
        by_severity[doc.severity or "unknown"] += 1
        by_service.update(set(doc.services))
        if doc.started is None:
            continue
        month = month_key(doc.started)
        per_month[month][doc.severity or "unknown"] += 1
        actions_per_month[month] += counts
        resolve = time_to_resolve(doc)
        if resolve is not None:
            points.append(
                ResolvePoint(
                    doc.id, doc.title, doc.started, resolve.total_seconds() / 3600, doc.severity
                )
            )
        detect = time_to_detect(doc)
        if detect is not None:
            detect_minutes.append(detect.total_seconds() / 60)
            bucket = buckets[detect_bucket(detect.total_seconds() / 60)]
            severity = doc.severity or "unknown"
            bucket[severity] = bucket.get(severity, 0) + 1
    points.sort(key=lambda p: p.started)
    by_month: dict[str, list[float]] = {}
    for point in points:
        by_month.setdefault(month_key(point.started), []).append(point.hours)
    return ArchiveStats(
        count=len(docs),
        severities=severities,
        months=months,
        per_month=per_month,
        resolve_points=points,
        monthly_median_hours={m: statistics.median(v) for m, v in by_month.items()},
        median_detect_minutes=statistics.median(detect_minutes) if detect_minutes else None,
        median_resolve_hours=statistics.median(p.hours for p in points) if points else None,
        actions=totals,
        actions_per_month=actions_per_month,
        resolve_hours_by_month=by_month,
        detect_buckets=buckets,
        by_severity={s: by_severity[s] for s in severities if by_severity[s]},
        by_service=sorted(by_service.items(), key=lambda kv: (-kv[1], kv[0])),
    )
