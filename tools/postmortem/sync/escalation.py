"""Escalation comments: tell a lead, on the item's own issue, that a high-priority action stalled.

Exactly one comment per action item, whatever happens between runs:
- each comment carries a hidden marker with the item's key, and the issue's comments are read
  before posting; a marker already there means the escalation was made (by an earlier run, or
  by a run whose POST answered 502 after GitHub had stored the comment);
- a failed POST is never retried in the same run: its outcome may be unknown, and the next run
  reads the comments again before deciding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, unquote

from .github import GitHubIssues, SyncAborted, WriteFailed
from .review import CommentOutcome, ReviewItem

MARKER_RE = re.compile(r"<!--\s*postmortem-review:\s*escalated\s+key=(\S+?)\s*-->")


def escalation_marker(key: str) -> str:
    return f"<!-- postmortem-review: escalated key={quote(key, safe='/-._~:@')} -->"


def escalated_keys(bodies: Iterable[str | None]) -> set[str]:
    """Keys of the escalation markers found in comment bodies."""
    return {unquote(m[1]) for body in bodies for m in MARKER_RE.finditer(body or "")}


def escalation_comment(item: ReviewItem, contact: str, grace_days: int) -> str:
    """The comment: facts, who is asked to help, and the marker. Blameless: no judgement."""
    owner = item.owner if item.owner != "(no owner)" else "no owner recorded"
    return "\n".join(
        [
            f"**Escalation to {contact}:** this {item.priority} action item of the post-mortem "
            f"`{item.postmortem}` is {item.days_overdue} days past its deadline "
            f"({item.deadline}), beyond the {grace_days}-day grace period.",
            "",
            f"Stalled high-priority actions let incidents recur. {contact}, please help "
            f"unblock it (owner: {owner}): clear what is in the way, or agree a new deadline "
            "and record it in the post-mortem's action-item table.",
            "",
            "_Posted once by the weekly review (`postmortem review --escalate`)._",
            "",
            escalation_marker(item.key),
        ]
    )


def post_escalations(
    api: GitHubIssues, items: Iterable[ReviewItem], contact: str, grace_days: int
) -> dict[str, CommentOutcome]:
    """Comment on the issue of each escalated item that has none yet; report what happened."""
    outcomes: dict[str, CommentOutcome] = {}
    stop = ""  # after a rate limit or a refused token, later comments would fail the same way
    for item in items:
        if item.issue is None:
            outcomes[item.key] = CommentOutcome("no-issue")
            continue
        if stop:
            outcomes[item.key] = CommentOutcome("skipped", stop)
            continue
        number = item.issue
        try:
            comments = api.comments(number)
        except WriteFailed as error:  # 404: the issue is gone or hidden
            detail = f"cannot read the comments of #{number} ({error})"
            outcomes[item.key] = CommentOutcome("failed", api.scrub(detail))
            continue
        except SyncAborted as error:
            outcomes[item.key] = CommentOutcome("failed", api.scrub(str(error)))
            stop = "GitHub could not be read; the next run tries again"
            continue
        earlier = [
            c for c in comments if item.key in escalated_keys([c.get("body") if c else None])
        ]
        if earlier:
            outcomes[item.key] = CommentOutcome(
                "already", str(earlier[0].get("created_at") or "")[:10]
            )
            continue
        body = escalation_comment(item, contact, grace_days)
        try:
            api.send_once(
                "POST", f"{api.repo_path}/issues/{number}/comments", {"body": body},
                f"comment on #{number}",
            )  # fmt: skip
        except WriteFailed as failure:
            detail = api.scrub(str(failure))
            if failure.unknown:
                detail += " (it may have been stored; the next run checks before posting)"
            outcomes[item.key] = CommentOutcome("failed", detail)
            if failure.wait is not None:
                stop = "rate limited; the next run posts it"
            continue
        except SyncAborted as error:
            outcomes[item.key] = CommentOutcome("failed", api.scrub(str(error)))
            stop = "GitHub refused the request; the next run tries again"
            continue
        outcomes[item.key] = CommentOutcome("posted")
    return outcomes
