"""The follow-up review: open and overdue action items across the archive.

The seed asks for a weekly review of action items. What counts is the state of the tracked
issue (people close issues when the work is done, and the table may lag behind), so the
review reads the issues' real state; without GitHub access it falls back to the post-mortems'
own status column and says so. Pure functions: documents + issues + today -> rows -> text,
JSON or Markdown (the Markdown is the body of the weekly digest issue).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from .plan import DocumentLike, ListedIssue, item_key, item_state, owner_handles


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

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass
class Review:
    today: date
    source: str  # "github" | "table"
    repo: str | None
    note: str  # where the state comes from, in one sentence
    items: list[ReviewItem] = field(default_factory=list)  # open items only, most overdue first
    total: int = 0  # action items considered

    @property
    def overdue(self) -> list[ReviewItem]:
        return [i for i in self.items if i.overdue]

    def to_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "source": self.source,
            "repo": self.repo,
            "note": self.note,
            "action_items": self.total,
            "open": len(self.items),
            "overdue": len(self.overdue),
            "items": [asdict(i) for i in self.items],
        }


def build_review(
    documents: Iterable[DocumentLike],
    today: date,
    issues: Mapping[str, ListedIssue] | None,
    statuses: Iterable[str] = ("published",),
    repo: str | None = None,
    note: str = "",
) -> Review:
    """Open items (by the issue's state when there is an issue, else by the table's status)."""
    wanted = {s.lower() for s in statuses}
    review = Review(today, "github" if issues is not None else "table", repo, note)
    for doc in documents:
        if not getattr(doc, "parsed", True) or not doc.id or doc.status.lower() not in wanted:
            continue
        for item in doc.action_items:
            if not item.id.strip():
                continue
            review.total += 1
            key = item_key(doc, item)
            issue = issues.get(key) if issues is not None else None
            if issue is not None:
                state, source = issue.state, "issue"
                owner = ", ".join(f"@{a}" for a in issue.assignees) or item.owner
            else:
                wanted_state, _reason = item_state(item.status)
                state = "closed" if wanted_state == "closed" else "open"
                source, owner = "table", item.owner
            if state != "open":
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
                )
            )
    review.items.sort(key=lambda i: (-i.days_overdue, i.deadline or "9999", i.key))
    return review


# ------------------------------------------------------------------------------ formats
def render_text(review: Review) -> str:
    lines = [
        f"{len(review.items)} open action item(s), {len(review.overdue)} overdue, "
        f"of {review.total} (as of {review.today.isoformat()})",
        review.note,
    ]
    for item in review.items:
        late = f"{item.days_overdue} day(s) overdue" if item.overdue else "on time"
        where = f"#{item.issue} {item.url}" if item.issue else "no issue"
        lines.append(
            f"  {item.key:<40} {item.owner:<20} due {item.deadline or 'unset':<10}  {late:<18}  "
            f"{where}"
        )
        lines.append(f"      {_short(item.action, 100)}")
    return "\n".join(line for line in lines if line is not None)


def render_json(review: Review) -> str:
    return json.dumps(review.to_dict(), indent=2)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_markdown(review: Review) -> str:
    """The weekly digest body: overdue first, then the rest of the open items."""
    out = [
        f"**{len(review.items)}** open action item(s), **{len(review.overdue)}** overdue, "
        f"across {review.total} action item(s) of published post-mortems "
        f"(as of {review.today.isoformat()}).",
        "",
        f"_{review.note}_",
        "",
    ]

    def table(items: list[ReviewItem], heading: str) -> None:
        out.extend([f"### {heading} ({len(items)})", ""])
        if not items:
            out.extend(["None.", ""])
            return
        out.append("| Action item | Owner | Deadline | Overdue | Issue |")
        out.append("|---|---|---|---|---|")
        for item in items:
            issue = f"[#{item.issue}]({item.url})" if item.issue and item.url else "—"
            late = f"{item.days_overdue} days" if item.overdue else "—"
            owners = " ".join(f"@{h}" for h in owner_handles(item.owner)) or _md(item.owner)
            out.append(
                f"| **{_md(item.postmortem)} {_md(item.item)}**: {_md(_short(item.action, 120))} "
                f"| {owners} | {item.deadline or '—'} | {late} | {issue} |"
            )
        out.append("")

    table(review.overdue, "Overdue")
    table([i for i in review.items if not i.overdue], "Open, not yet due")
    return "\n".join(out).rstrip() + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
