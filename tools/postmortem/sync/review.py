"""The weekly follow-up review: what needs attention across the archive, and who to tell.

The seed asks for a weekly review and a 4-week check, because stalled actions let incidents
recur. The review answers, in this order:

1. which high-priority items are overdue past a grace period (escalated to a lead or team);
2. which items are overdue, grouped by owner so each person finds their own;
3. which items fall due in the next days;
4. which post-mortems are due for their 4-week follow-up review (``resolved`` + 28 days) and
   have no ``followup_review`` recorded in the frontmatter.

What counts for an item follows the sync's rule (see `plan.py`): a row with a status decides
the item's state; a row without one takes the state of its issue. When the issue's state and
the row's status disagree (a person closed or reopened the issue on GitHub), the item is
listed by its row and the difference is reported as drift in its own section, for a person
to settle in the table or on the issue. Without GitHub access the review reads the
post-mortems' status column only, and says so.
Pure functions: documents + issues + today + settings -> a Review -> text, JSON or Markdown
(the Markdown is the body of the weekly digest issue). Posting escalation comments is the
adapter's job (`escalation.py`); it reports back through ``Review.comments``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from ..scales import DEFAULT_PRIORITIES, Scale
from .options import DEFAULT_DUE_SOON_DAYS, DEFAULT_FOLLOWUP_REVIEW_DAYS, DEFAULT_GRACE_DAYS
from .plan import DocumentLike, ListedIssue, item_key, item_state, owner_handles


@dataclass(frozen=True)
class DriftItem:
    """An item whose issue a person closed or reopened against the row's status."""

    key: str
    status: str  # the row's status
    state: str  # the issue's state on GitHub
    issue: int
    url: str | None
    path: str
    line: int


DEFAULT_ESCALATION_PRIORITIES = ("P1",)
# "@alice", "@acme/sre-leads": a GitHub user or an organisation's team.
CONTACT_RE = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?")
ESCALATION_KEYS = ("contact", "priorities", "grace_days")


class ReviewedDocument(DocumentLike, Protocol):
    """What the review reads from a document, beyond what the sync plan reads."""

    @property
    def resolved(self) -> datetime | None: ...
    @property
    def followup_review(self) -> datetime | None: ...


class SettingsError(ValueError):
    """A review setting that cannot be used; the message says where and what to write."""


@dataclass(frozen=True)
class ReviewSettings:
    """How far ahead the review looks, and when and to whom it escalates."""

    due_soon_days: int = DEFAULT_DUE_SOON_DAYS
    followup_review_days: int = DEFAULT_FOLLOWUP_REVIEW_DAYS
    contact: str | None = None  # who escalated items are mentioned to, e.g. "@acme/sre-leads"
    priorities: tuple[str, ...] = DEFAULT_ESCALATION_PRIORITIES
    grace_days: int = DEFAULT_GRACE_DAYS
    # The project's priority scale: `[P1]` escalates `Critical` items too (the same level).
    scale: Scale = DEFAULT_PRIORITIES

    def escalates(self, priority: str) -> bool:
        rank = self.scale.rank(priority)
        if rank is not None and rank in self.scale.ranks(self.priorities):
            return True
        wanted = {p.strip().upper() for p in self.priorities}
        return priority.strip().upper() in wanted

    def to_dict(self) -> dict[str, Any]:
        return {
            "due_soon_days": self.due_soon_days,
            "followup_review_days": self.followup_review_days,
            "escalation": {
                "contact": self.contact,
                "priorities": list(self.priorities),
                "grace_days": self.grace_days,
            },
        }


def _days(value: Any, label: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SettingsError(
            f"{label} must be a whole number of days, at least {minimum} (not {value!r})"
        )
    return value


def _contact(value: Any, label: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not CONTACT_RE.fullmatch(text):
        raise SettingsError(
            f"{label} must be one GitHub handle or team, such as "
            f'"@sre-lead" or "@acme/sre-leads" (quoted in YAML), not {value!r}'
        )
    return text


def _priorities(value: Any, label: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(p, str) and p.strip() for p in value)
    ):
        raise SettingsError(f"{label} must be a list of priorities, such as [P1] or [P1, P2]")
    return tuple(p.strip() for p in value)


def review_settings(
    sync: Mapping[str, Any],
    where: Callable[[str], str] = lambda key: ".postmortem.yml",
    *,
    due_soon_days: int | None = None,
    followup_review_days: int | None = None,
    contact: str | None = None,
    priorities: Iterable[str] = (),
    grace_days: int | None = None,
    scale: Scale | None = None,
) -> ReviewSettings:
    """Settings from the `sync:` mapping of the configuration, overridden by the CLI options.

    ``where(key)`` names the file and line of a key (e.g. "sync/escalation/grace_days") for
    error messages. A typo under `sync.escalation` is an error: it must not silently switch
    escalation off.
    """

    def label(key: str) -> str:
        return f"{where(key)}: `{key}`"

    values: dict[str, Any] = {}
    if "due_soon_days" in sync:
        values["due_soon_days"] = _days(sync["due_soon_days"], label("sync/due_soon_days"), 0)
    if "followup_review_days" in sync:
        values["followup_review_days"] = _days(
            sync["followup_review_days"], label("sync/followup_review_days"), 1
        )
    escalation = sync.get("escalation")
    if escalation is not None:
        if not isinstance(escalation, Mapping):
            raise SettingsError(
                f"{label('sync/escalation')} must be a mapping such as "
                '{contact: "@sre-leads", priorities: [P1], grace_days: 7}'
            )
        for key in escalation:
            if key not in ESCALATION_KEYS:
                raise SettingsError(
                    f"{where(f'sync/escalation/{key}')}: unknown setting `sync/escalation/{key}` "
                    f"(known: {', '.join(ESCALATION_KEYS)})"
                )
        if escalation.get("contact") is not None:
            values["contact"] = _contact(escalation["contact"], label("sync/escalation/contact"))
        if "priorities" in escalation:
            values["priorities"] = _priorities(
                escalation["priorities"], label("sync/escalation/priorities")
            )
        if "grace_days" in escalation:
            values["grace_days"] = _days(
                escalation["grace_days"], label("sync/escalation/grace_days"), 0
            )
    # The command-line options win over the configuration.
    if due_soon_days is not None:
        values["due_soon_days"] = _days(due_soon_days, "--due-soon-days", 0)
    if followup_review_days is not None:
        values["followup_review_days"] = _days(followup_review_days, "--followup-review-days", 1)
    if contact is not None:
        values["contact"] = _contact(contact, "--escalation-contact")
    chosen = list(priorities)
    if chosen:
        values["priorities"] = _priorities(chosen, "--escalation-priority")
    if grace_days is not None:
        values["grace_days"] = _days(grace_days, "--grace-days", 0)
    if scale is not None:
        values["scale"] = scale
    return ReviewSettings(**values)


@dataclass(frozen=True)
class ReviewItem:
    key: str
    postmortem: str
    postmortem_title: str
    item: str
    action: str
    owner: str
    deadline: str | None  # ISO date
    days_overdue: int  # 0 when not overdue
    state: str  # open | closed
    source: str  # "issue" | "table"
    issue: int | None = None
    url: str | None = None
    path: str = ""
    priority: str = ""
    days_left: int | None = None  # days until the deadline (0 = due today); None when overdue

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True)
class FollowupReview:
    """A post-mortem whose 4-week follow-up review is due (or overdue) and not recorded."""

    postmortem: str
    title: str
    severity: str
    path: str
    url: str | None
    resolved: str  # ISO date
    due: str  # ISO date: resolved + followup_review_days
    days_overdue: int  # negative: due in that many days
    action_items: int
    closed_items: int


@dataclass(frozen=True)
class CommentOutcome:
    """What happened to an escalated item's issue comment in this run."""

    status: str  # posted | already | no-issue | failed | skipped | no-contact
    detail: str = ""


@dataclass
class Review:
    today: date
    source: str  # "github" | "table"
    repo: str | None
    note: str  # where the state comes from, in one sentence
    items: list[ReviewItem] = field(default_factory=list)  # open items only, most overdue first
    total: int = 0  # action items considered
    settings: ReviewSettings = field(default_factory=ReviewSettings)
    followups: list[FollowupReview] = field(default_factory=list)
    comments: dict[str, CommentOutcome] = field(default_factory=dict)  # escalation comments
    unreadable: list[str] = field(default_factory=list)  # "path:line: why" of files left out
    themes: list[str] = field(default_factory=list)  # recurring themes (learning.themes)
    drift: list[DriftItem] = field(default_factory=list)

    @property
    def overdue(self) -> list[ReviewItem]:
        return [i for i in self.items if i.overdue]

    @property
    def escalated(self) -> list[ReviewItem]:
        """High-priority items overdue for longer than the grace period."""
        grace = self.settings.grace_days
        return [
            i
            for i in self.overdue
            if i.days_overdue > grace and self.settings.escalates(i.priority)
        ]

    @property
    def overdue_by_owner(self) -> list[tuple[str, list[ReviewItem]]]:
        """Overdue items per owner; the owner with the most overdue item first."""
        groups: dict[str, list[ReviewItem]] = {}
        for item in self.overdue:  # already most overdue first
            groups.setdefault(item.owner, []).append(item)
        return sorted(groups.items(), key=lambda g: (-g[1][0].days_overdue, g[0].lower()))

    @property
    def due_soon(self) -> list[ReviewItem]:
        limit = self.settings.due_soon_days
        return [i for i in self.items if i.days_left is not None and i.days_left <= limit]

    @property
    def later(self) -> list[ReviewItem]:
        """Open items due after the coming days, or without a deadline."""
        soon = {i.key for i in self.due_soon}
        return [i for i in self.items if not i.overdue and i.key not in soon]

    @property
    def failed_comments(self) -> list[str]:
        return [key for key, outcome in self.comments.items() if outcome.status == "failed"]

    def to_dict(self) -> dict[str, Any]:
        def entry(item: ReviewItem) -> dict[str, Any]:
            return asdict(item)

        def escalated(item: ReviewItem) -> dict[str, Any]:
            outcome = self.comments.get(item.key)
            return {**asdict(item), "comment": asdict(outcome) if outcome else None}

        return {
            "today": self.today.isoformat(),
            "source": self.source,
            "repo": self.repo,
            "note": self.note,
            "settings": self.settings.to_dict(),
            "action_items": self.total,
            "open": len(self.items),
            "overdue": len(self.overdue),
            "items": [entry(i) for i in self.items],
            "escalated": [escalated(i) for i in self.escalated],
            "overdue_by_owner": [
                {"owner": owner, "items": [entry(i) for i in items]}
                for owner, items in self.overdue_by_owner
            ],
            "due_soon": [entry(i) for i in self.due_soon],
            "later": [entry(i) for i in self.later],
            "followup_reviews": [asdict(f) for f in self.followups],
            "unreadable": list(self.unreadable),
            "drift": [asdict(d) for d in self.drift],
            "recurring_themes": list(self.themes),
        }


def build_review(
    documents: Iterable[ReviewedDocument],
    today: date,
    issues: Mapping[str, ListedIssue] | None,
    statuses: Iterable[str] = ("published",),
    repo: str | None = None,
    note: str = "",
    settings: ReviewSettings | None = None,
    link: Callable[[DocumentLike], str | None] | None = None,
) -> Review:
    """Open items (by the issue's state when there is an issue, else by the table's status),
    and the post-mortems whose 4-week follow-up review is due."""
    wanted = {s.lower() for s in statuses}
    settings = settings or ReviewSettings()
    review = Review(
        today, "github" if issues is not None else "table", repo, note, settings=settings
    )
    for doc in documents:
        if not getattr(doc, "parsed", True) or not doc.id:
            # Its action items would silently vanish from the review: say so instead.
            review.unreadable.append(_why_unreadable(doc))
            continue
        if doc.status.lower() not in wanted:
            continue
        counted = closed = 0
        for item in doc.action_items:
            if not item.id.strip():
                continue
            review.total += 1
            counted += 1
            key = item_key(doc, item)
            issue = issues.get(key) if issues is not None else None
            wanted_state, _reason = item_state(item.status)
            if issue is not None and not issue.moved_to:
                state, source = issue.state, "issue"
                owner = ", ".join(f"@{a}" for a in issue.assignees) or item.owner
                if wanted_state is not None and wanted_state != issue.state:
                    # The sync's rule: the row decides; the difference is drift, reported.
                    state, source = wanted_state, "table"
                    review.drift.append(
                        DriftItem(
                            key,
                            item.status.strip().lower(),
                            issue.state,
                            issue.number,
                            issue.url or None,
                            doc.path.as_posix(),
                            item.line,
                        )  # fmt: skip
                    )
            else:
                state = "closed" if wanted_state == "closed" else "open"
                source, owner = "table", item.owner
            if state != "open":
                closed += 1
                continue
            late = (today - item.deadline).days if item.deadline else 0
            review.items.append(
                ReviewItem(
                    key=key,
                    postmortem=doc.id,
                    postmortem_title=doc.title or doc.id,
                    item=item.id.strip(),
                    action=" ".join(item.action.split()),
                    owner=owner.strip() or "(no owner)",
                    deadline=item.deadline.isoformat() if item.deadline else None,
                    days_overdue=max(late, 0),
                    state=state,
                    source=source,
                    issue=issue.number if issue else None,
                    url=(issue.url or None) if issue else None,
                    path=doc.path.as_posix(),
                    priority=(item.priority or "").strip(),
                    days_left=-late if item.deadline and late <= 0 else None,
                )
            )
        followup = _followup(doc, today, settings, counted, closed, link)
        if followup is not None:
            review.followups.append(followup)
    # Most overdue first; on the same deadline, the most urgent priority first.
    order = settings.scale.sort_key
    review.items.sort(
        key=lambda i: (-i.days_overdue, i.deadline or "9999", order(i.priority), i.key)
    )
    review.followups.sort(key=lambda f: (f.due, f.postmortem))
    return review


def _why_unreadable(doc: ReviewedDocument) -> str:
    problems = getattr(doc, "problems", None) or []
    if problems:
        first = problems[0]
        return f"{doc.path.as_posix()}:{first.line}: {first.message}"
    return f"{doc.path.as_posix()}:1: no `id` in the frontmatter"


def _followup(
    doc: ReviewedDocument,
    today: date,
    settings: ReviewSettings,
    counted: int,
    closed: int,
    link: Callable[[DocumentLike], str | None] | None,
) -> FollowupReview | None:
    """The 4-week check: due within the coming days or past, and not yet recorded."""
    resolved = doc.resolved
    if resolved is None or doc.followup_review is not None:
        return None
    due = resolved.date() + timedelta(days=settings.followup_review_days)
    if due > today + timedelta(days=settings.due_soon_days):
        return None
    return FollowupReview(
        postmortem=doc.id,
        title=doc.title or doc.id,
        severity=doc.severity,
        path=doc.path.as_posix(),
        url=link(doc) if link else None,
        resolved=resolved.date().isoformat(),
        due=due.isoformat(),
        days_overdue=(today - due).days,
        action_items=counted,
        closed_items=closed,
    )


# ------------------------------------------------------------------------------ wording
def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _when(days_overdue: int) -> str:
    """Relative wording for a due date: "12 days ago", "today", "in 3 days"."""
    if days_overdue > 0:
        return f"{_plural(days_overdue, 'day')} ago"
    if days_overdue == 0:
        return "today"
    return f"in {_plural(-days_overdue, 'day')}"


def _due_in(item: ReviewItem) -> str:
    return "today" if item.days_left == 0 else f"in {_plural(item.days_left or 0, 'day')}"


def _comment_text(outcome: CommentOutcome | None) -> str:
    if outcome is None:
        return "not posted (run with --escalate)"
    return {
        "posted": "commented on the issue now",
        "already": f"commented earlier{' (' + outcome.detail + ')' if outcome.detail else ''}",
        "no-issue": "no issue to comment on (run `postmortem sync`)",
        "failed": f"comment failed: {outcome.detail}",
        "skipped": f"not posted: {outcome.detail}",
        "no-contact": "not posted: no escalation contact configured",
    }.get(outcome.status, outcome.status)


def _escalation_intro(review: Review) -> str:
    settings = review.settings
    what = "/".join(settings.priorities)
    grace = _plural(settings.grace_days, "day")
    if settings.contact:
        return (
            f"{what} action items more than {grace} past their deadline. Stalled high-priority "
            f"actions let incidents recur: {settings.contact}, please help the owners unblock "
            "them or agree new deadlines."
        )
    return (
        f"{what} action items more than {grace} past their deadline. No escalation contact "
        "is configured (`sync: escalation: contact:` in `.postmortem.yml`), so nobody was "
        "mentioned."
    )


def _escalation_heading(review: Review) -> str:
    contact = review.settings.contact
    return f"Escalated to {contact}" if contact else "Escalated"


def _followup_name(days: int) -> str:
    """ "4-week" for 28 days (the seed's wording), else "30-day"."""
    return f"{days // 7}-week" if days % 7 == 0 else f"{days}-day"


def _summary_counts(review: Review) -> str:
    return (
        f"{len(review.escalated)} escalated, "
        f"{len(review.due_soon)} due in the next {_plural(review.settings.due_soon_days, 'day')}, "
        f"{_plural(len(review.followups), 'post-mortem')} due for the "
        f"{_followup_name(review.settings.followup_review_days)} follow-up review"
    )


# ------------------------------------------------------------------------------ formats
def _item_line(item: ReviewItem) -> list[str]:
    if item.overdue:
        late = f"{item.days_overdue} day(s) overdue"
    elif item.days_left is not None:
        late = f"due {_due_in(item)}"
    else:
        late = "no deadline"
    where = f"#{item.issue} {item.url}" if item.issue else "no issue"
    priority = item.priority or "-"
    return [
        f"  {item.key:<40} {item.owner:<20} {priority:<3} due {item.deadline or 'unset':<10}  "
        f"{late:<18}  {where}",
        f"      {_short(item.action, 100)}",
    ]


def _drift_line(drift: DriftItem) -> str:
    where = f"#{drift.issue} {drift.url}" if drift.url else f"#{drift.issue}"
    return (
        f"  {drift.key:<40} row says {drift.status!r}, issue is {drift.state}  {where}  "
        f"({drift.path}:{drift.line})"
    )


def render_text(review: Review) -> str:
    """The same sections as the digest, for a terminal."""
    settings = review.settings
    lines = [
        f"{len(review.items)} open action item(s), {len(review.overdue)} overdue, "
        f"of {review.total} (as of {review.today.isoformat()}); {_summary_counts(review)}",
        review.note,
        *(f"warning: left out, cannot be read: {why}" for why in review.unreadable),
    ]

    def section(heading: str, body: list[str]) -> None:
        lines.extend(["", heading, *(body or ["  none"])])

    escalated = []
    for item in review.escalated:
        escalated += _item_line(item)
        escalated.append(f"      escalation: {_comment_text(review.comments.get(item.key))}")
    section(
        f"{_escalation_heading(review)} ({len(review.escalated)}): {_escalation_intro(review)}",
        escalated,
    )
    overdue = []
    for owner, items in review.overdue_by_owner:
        overdue.append(f" {owner} ({len(items)})")
        for item in items:
            overdue += _item_line(item)
    section(f"Overdue ({len(review.overdue)}), by owner:", overdue)
    section(
        f"Due in the next {_plural(settings.due_soon_days, 'day')} ({len(review.due_soon)}):",
        [line for item in review.due_soon for line in _item_line(item)],
    )
    name = _followup_name(settings.followup_review_days)
    section(
        f"{name.capitalize()} follow-up review due ({len(review.followups)}): resolved + "
        f"{settings.followup_review_days} days, no followup_review recorded",
        [
            f"  {f.postmortem:<40} {f.severity or '-':<3} resolved {f.resolved}, review due "
            f"{f.due} ({_when(f.days_overdue)}), {f.closed_items} of {f.action_items} action "
            "item(s) closed"
            for f in review.followups
        ],
    )
    if review.drift:
        section(
            f"Changed on GitHub, not in the post-mortem ({len(review.drift)}): "
            "listed by the row; update the row or the issue",
            [_drift_line(d) for d in review.drift],
        )
    if review.themes:
        section(f"Recurring themes, last 90 days ({len(review.themes)}):",
                [f"  {line}" for line in review.themes])  # fmt: skip
    section(
        f"Open, due later or without a deadline ({len(review.later)}):",
        [line for item in review.later for line in _item_line(item)],
    )
    return "\n".join(lines)


def render_json(review: Review) -> str:
    return json.dumps(review.to_dict(), indent=2)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _link_text(text: str) -> str:
    return _md(text).replace("[", "\\[").replace("]", "\\]")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _owners(item: ReviewItem) -> str:
    return " ".join(f"@{h}" for h in owner_handles(item.owner)) or _md(item.owner)


def _issue(item: ReviewItem) -> str:
    return f"[#{item.issue}]({item.url})" if item.issue and item.url else "—"


def _what(item: ReviewItem) -> str:
    return f"**{_md(item.postmortem)} {_md(item.item)}**: {_md(_short(item.action, 120))}"


def render_markdown(review: Review) -> str:
    """The weekly digest body: escalations, overdue by owner, due soon, follow-up reviews."""
    settings = review.settings
    soon = _plural(settings.due_soon_days, "day")
    out = [
        f"**{len(review.items)}** open action item(s), **{len(review.overdue)}** overdue, "
        f"across {review.total} action item(s) of published post-mortems "
        f"(as of {review.today.isoformat()}): **{len(review.escalated)}** escalated, "
        f"**{len(review.due_soon)}** due in the next {soon}, "
        f"**{len(review.followups)}** post-mortem(s) due for the "
        f"{_followup_name(settings.followup_review_days)} follow-up review.",
        "",
        f"_{review.note}_",
        "",
    ]
    if review.unreadable:
        out += [
            f"**{_plural(len(review.unreadable), 'file')} left out** (cannot be read; "
            "`postmortem validate` explains):",
            "",
            *(f"- `{why.replace('`', chr(39))}`" for why in review.unreadable),
            "",
        ]

    def none_or(rows: list[str]) -> None:
        out.extend(rows if len(rows) > 2 else ["None."])
        out.append("")

    escalated = review.escalated
    out += [f"### {_escalation_heading(review)} ({len(escalated)})", "",
            _escalation_intro(review), ""]  # fmt: skip
    rows = [
        "| Action item | Owner | Priority | Deadline | Overdue | Issue | Escalation |",
        "|---|---|---|---|---|---|---|",
    ]
    for item in escalated:
        rows.append(
            f"| {_what(item)} | {_owners(item)} | {_md(item.priority)} | {item.deadline} "
            f"| {item.days_overdue} days | {_issue(item)} "
            f"| {_md(_comment_text(review.comments.get(item.key)))} |"
        )
    none_or(rows)

    def item_rows(
        items: list[ReviewItem], when: Callable[[ReviewItem], str], column: str = "Overdue"
    ) -> list[str]:
        rows = [
            f"| Action item | Owner | Deadline | {column} | Issue | Priority |",
            "|---|---|---|---|---|---|",
        ]
        for item in items:
            rows.append(
                f"| {_what(item)} | {_owners(item)} | {item.deadline or '—'} | {when(item)} "
                f"| {_issue(item)} | {_md(item.priority) or '—'} |"
            )
        return rows

    groups = review.overdue_by_owner
    out += [f"### Overdue ({len(review.overdue)})", ""]
    if groups:
        owners = ", ".join(
            f"{_md(owner)} {len(items)} (up to {items[0].days_overdue} days)"
            for owner, items in groups
        )
        out += [f"By owner, most overdue first: {owners}.", ""]
    overdue = [item for _owner, items in groups for item in items]
    none_or(item_rows(overdue, lambda i: f"{i.days_overdue} days"))

    out += [f"### Due in the next {soon} ({len(review.due_soon)})", ""]
    none_or(item_rows(review.due_soon, lambda i: _due_in(i), "Due"))

    out += [
        f"### {_followup_name(settings.followup_review_days).capitalize()} follow-up review "
        f"due ({len(review.followups)})",
        "",
        f"Post-mortems resolved "
        f"{settings.followup_review_days} days ago or more (or within the next {soon}) with no "
        "`followup_review` in their frontmatter. Meet, check that the action items are done "
        "and worked, then record the date, e.g. "
        f'`followup_review: "{review.today.isoformat()}T10:00:00Z"`.',
        "",
    ]
    rows = ["| Post-mortem | Severity | Resolved | Review due | Action items closed |",
            "|---|---|---|---|---|"]  # fmt: skip
    for followup in review.followups:
        title = _link_text(_short(followup.title, 100))
        name = f"[{title}]({followup.url})" if followup.url else f"{title} (`{followup.path}`)"
        rows.append(
            f"| {name} | {_md(followup.severity) or '—'} | {followup.resolved} "
            f"| {followup.due} ({_when(followup.days_overdue)}) "
            f"| {followup.closed_items} of {followup.action_items} |"
        )
    none_or(rows)

    if review.drift:
        out += [
            f"### Changed on GitHub, not in the post-mortem ({len(review.drift)})",
            "",
            "A person closed or reopened these issues, but the row's status says otherwise. "
            "The sync leaves both as they are; the row decides what this review counts. "
            "Update the row's Status in the post-mortem, or the issue.",
            "",
            "| Action item | Row says | Issue is | Issue | Where |",
            "|---|---|---|---|---|",
            *(
                f"| `{_md(d.key)}` | {_md(d.status)} | {d.state} "
                f"| {f'[#{d.issue}]({d.url})' if d.url else f'#{d.issue}'} "
                f"| `{_md(d.path)}:{d.line}` |"
                for d in review.drift
            ),
            "",
        ]
    if review.themes:
        out += [f"### Recurring themes, last 90 days ({len(review.themes)})", "",
                *(f"- {_md(line)}" for line in review.themes), ""]  # fmt: skip
    later = review.later
    out += [
        "<details>",
        f"<summary>Open, due later or without a deadline ({len(later)})</summary>",
        "",
    ]
    none_or(item_rows(later, lambda i: _due_in(i) if i.days_left is not None else "—", "Due"))
    out.append("</details>")
    return "\n".join(out).rstrip() + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
