"""Deadline rules: the report is written on time, drafts don't rot, actions don't slip."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from ..document import Document
from ..options import project
from .base import Context, Problem, rule


def _today_end(ctx: Context) -> datetime:
    return datetime.combine(ctx.today, datetime.max.time(), tzinfo=UTC)


@rule(
    "DL101",
    "report-on-time",
    "deadline",
    severity="warning",
    options=project("publish_within_hours"),
)
def report_on_time(doc: Document, ctx: Context) -> Iterator[Problem]:
    """The report is published within `publish_within_hours` (default 48) of resolution.

    Memories fade and chat history scrolls away: the reference template asks for the report
    within 48 hours.
    For a report still in draft, the clock is today; once published, it is `report_date`.
    """
    resolved = doc.resolved
    if resolved is None:
        return
    hours = float(ctx.option("publish_within_hours"))
    due = resolved + timedelta(hours=hours)
    if doc.status == "draft":
        if _today_end(ctx) - timedelta(days=1) > due and doc.report_date is None:
            yield Problem(
                doc.meta_line("status"),
                f"report still a draft more than {hours:g} h "
                f"after resolution (due {due:%Y-%m-%d %H:%M} UTC)",
                "Finish the report and set `status: in-review`.",
            )
        return
    published = doc.report_date
    if published is not None and published > due:
        late = published - due
        yield Problem(
            doc.meta_line("report_date"),
            f"report dated {published:%Y-%m-%d %H:%M} UTC,"
            f" {late.total_seconds() / 3600:.0f} h after the {hours:g} h target",
            "Record why in the report if the delay mattered; the finding stays as a "
            "process signal.",
        )
    if published is not None and published < resolved:
        yield Problem(
            doc.meta_line("report_date"), "`report_date` is before `resolved`", "Check both dates."
        )


@rule("DL102", "stale-draft", "deadline", severity="warning", options=project("stale_draft_days"))
def stale_draft(doc: Document, ctx: Context) -> Iterator[Problem]:
    """A draft older than `stale_draft_days` (default 7) is stale.

    Age is counted from `created` (or `resolved` when `created` is missing).
    """
    if doc.status != "draft":
        return
    since = doc.created or doc.resolved
    if since is None:
        return
    days = int(ctx.option("stale_draft_days"))
    age = (ctx.today - since.date()).days
    if age > days:
        yield Problem(
            doc.meta_line("status"),
            f"draft is {age} days old (limit {days})",
            "Finish and publish it, or close it with a note saying why.",
        )


@rule("DL103", "overdue-action", "deadline", severity="warning")
def overdue_action(doc: Document, ctx: Context) -> Iterator[Problem]:
    """An open action item is past its deadline.

    A warning by default, so that an old report does not fail unrelated pull requests; the
    weekly review chases these items.
    """
    started = doc.started
    for item in doc.action_items:
        if started is not None and item.deadline is not None and item.deadline < started.date():
            continue  # a deadline before the incident is a typo, reported once by AI103
        if item.is_open and item.deadline is not None and item.deadline < ctx.today:
            days = (ctx.today - item.deadline).days
            column = item.row.column("deadline") if item.row else 1
            yield Problem(
                item.line,
                f"action {item.id or '?'} ({item.owner or 'no owner'}) is "
                f"{days} day(s) overdue (deadline {item.deadline})",
                "Finish it and mark it done, or agree a new deadline and record why.",
                column,
            )
