"""The sync plan: post-mortem action items + the issues GitHub lists -> what to change.

This is a pure function of its inputs (no network, no clock, no files), so every decision the
sync makes is tested without I/O, and ``--dry-run`` prints exactly what a real run would do.

Principles, from the failures of other issue-sync tools (duplicates on re-runs and retries):
- every managed issue carries a hidden marker with the item's stable key
  (``<post-mortem id>/<item id>``); issues are matched by that marker only, and an issue without
  it is never touched;
- reconcile, do not append: one issue per key, created when missing, edited when it differs,
  closed when the item is done (``completed``), dropped (``not_planned``) or removed from its
  table, reopened when an item comes back;
- the action-item table is the source of truth for what it states. A row with an explicit
  status decides the issue's state; a row without one leaves the state to GitHub. Labels and
  assignees that the sync does not manage are kept.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, unquote

from .. import statuses

TITLE_MAX = 256
BODY_MAX = 65_536
ACTION_TEXT_MAX = 60_000  # leaves room for the rest of the body under BODY_MAX

MARKER_PREFIX = "<!-- postmortem-sync: key="
MARKER_RE = re.compile(r"<!--\s*postmortem-sync:\s*key=(\S+?)(\s+removed)?\s*-->")
CLOSE_COMMENT_RE = re.compile(r"<!--\s*postmortem-sync:\s*closed=(\w+)\s*-->")
# A GitHub login: alphanumeric or single hyphens, at most 39 characters; not a team (@org/team).
HANDLE_RE = re.compile(r"(?<![\w/.])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))(?![\w/-])")

WRITE_KINDS = ("create", "update", "close", "reopen")
KINDS = (*WRITE_KINDS, "unchanged")


# ------------------------------------------------------------------------------- inputs
class ActionItemLike(Protocol):
    line: int
    id: str
    action: str
    owner: str
    deadline: date | None
    deadline_text: str
    priority: str
    status: str


class DocumentLike(Protocol):
    """What the plan reads from `postmortem.document.Document`."""

    path: Path
    parsed: bool

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def started(self) -> datetime | None: ...
    @property
    def action_items(self) -> Sequence[ActionItemLike]: ...


@dataclass(frozen=True)
class ListedIssue:
    """An issue as GitHub listed it, reduced to what the plan compares."""

    number: int
    title: str
    body: str
    state: str  # "open" | "closed"
    state_reason: str | None = None
    labels: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    url: str = ""
    is_pull_request: bool = False

    @property
    def key(self) -> str | None:
        return marker_key(self.body)

    @property
    def removed(self) -> bool:
        """True when the sync closed this issue because its row left the table."""
        match = MARKER_RE.search(self.body or "")
        return bool(match and match[2])

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ListedIssue:
        """Build from the REST API's JSON for an issue (or a pull request listed as one)."""
        return cls(
            number=int(data["number"]),
            title=data.get("title") or "",
            body=data.get("body") or "",
            state=data.get("state") or "open",
            state_reason=data.get("state_reason"),
            labels=tuple(label["name"] for label in data.get("labels") or []),
            assignees=tuple(user["login"] for user in data.get("assignees") or []),
            url=data.get("html_url") or "",
            is_pull_request="pull_request" in data,
        )


@dataclass(frozen=True)
class SyncSettings:
    repo: str
    statuses: tuple[str, ...] = ("published",)
    label: str = "post-mortem"
    priority_prefix: str = "priority:"
    severity_prefix: str = "severity:"
    # Link to a post-mortem: link_base + its path relative to root (a blob URL on the repo).
    link_base: str = ""
    root: Path | None = None  # the repository root, for absolute document paths
    base: Path = Path(".")  # where relative document paths start, relative to the root
    # True when the whole archive was read: issues of post-mortems that are gone get closed.
    full_archive: bool = False
    # Logins GitHub refused as assignees (learned by the adapter); never planned as assignees.
    unassignable: frozenset[str] = frozenset()


# ------------------------------------------------------------------------------ outputs
@dataclass(frozen=True)
class Desired:
    """The issue an action item should have."""

    key: str
    title: str
    body: str
    labels: tuple[str, ...]  # the managed labels only
    assignees: tuple[str, ...] | None  # None: the row names nobody GitHub can assign
    state: str | None  # None: the row has no status, GitHub's state stands
    state_reason: str | None
    doc_id: str
    item_id: str


@dataclass(frozen=True)
class Action:
    kind: str  # create | update | close | reopen | unchanged
    key: str
    reason: str
    number: int | None = None
    url: str = ""
    title: str = ""
    changes: dict[str, Any] = field(default_factory=dict)  # REST fields to send
    comment: str | None = None  # posted (once) before closing

    @property
    def is_write(self) -> bool:
        return self.kind in WRITE_KINDS

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.kind,
            "key": self.key,
            "issue": self.number,
            "url": self.url or None,
            "title": self.title,
            "reason": self.reason,
            "changes": sorted(self.changes),
        }


@dataclass
class Plan:
    actions: list[Action] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    desired: dict[str, Desired] = field(default_factory=dict)

    @property
    def writes(self) -> list[Action]:
        return [a for a in self.actions if a.is_write]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for action in self.actions:
            counts[action.kind] += 1
        return counts

    def managed_labels(self) -> set[str]:
        """Every managed label some write of this plan puts on an issue."""
        names: set[str] = set()
        for action in self.writes:
            if action.key in self.desired and ("labels" in action.changes):
                names.update(self.desired[action.key].labels)
        return names


# ------------------------------------------------------------------------------ helpers
def marker(key: str, removed: bool = False) -> str:
    flag = " removed" if removed else ""
    return f"{MARKER_PREFIX}{quote(key, safe='/-._~:@')}{flag} -->"


def marker_key(body: str | None) -> str | None:
    match = MARKER_RE.search(body or "")
    return unquote(match[1]) if match else None


def owner_handles(owner: str) -> list[str]:
    """GitHub logins named in an owner cell: "@alice", "Alice Doe (@alice)", "@a, @b"."""
    return list(dict.fromkeys(HANDLE_RE.findall(owner or "")))


def item_state(status: str) -> tuple[str | None, str | None]:
    """The issue state a row's status asks for: (state, state_reason), or (None, None)."""
    if not (status or "").strip():
        return None, None  # an empty cell leaves the issue's state to GitHub
    meaning = statuses.meaning(status)
    if meaning == statuses.DONE:
        return "closed", "completed"
    if meaning == statuses.DROPPED:
        return "closed", "not_planned"
    if meaning == statuses.OPEN:
        return "open", None
    return None, None


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _cell(text: str) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ").strip() or "—"


def _link_text(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def document_link(doc: DocumentLike, settings: SyncSettings) -> str:
    path = Path(doc.path)
    if path.is_absolute():
        try:
            path = path.relative_to(settings.root) if settings.root else Path(path.name)
        except ValueError:
            path = Path(path.name)
    else:
        path = settings.base / path
    return settings.link_base + quote(posixpath.normpath(path.as_posix()))


def issue_title(action: str) -> str:
    return clip(" ".join((action or "").split()), TITLE_MAX)


def issue_body(doc: DocumentLike, item: ActionItemLike, settings: SyncSettings) -> str:
    """The issue body: where the item comes from, its facts, the action in full, the marker."""
    started = doc.started.date().isoformat() if doc.started else "unknown"
    title = doc.title or doc.id
    action = clip((item.action or "").strip(), ACTION_TEXT_MAX)
    quoted = "\n".join(f"> {line}" if line else ">" for line in action.splitlines())
    lines = [
        f"Action item **{_cell(item.id)}** of the post-mortem "
        f"[{_link_text(title)}]({document_link(doc, settings)}).",
        "",
        "| Incident | Severity | Owner | Deadline | Priority |",
        "|---|---|---|---|---|",
        f"| {started} | {_cell(doc.severity)} | {_cell(item.owner)} "
        f"| {_cell(item.deadline.isoformat() if item.deadline else item.deadline_text)} "
        f"| {_cell(item.priority)} |",
        "",
        quoted,
        "",
        "This issue mirrors a row of the post-mortem's action-item table and is kept up to date "
        "by `postmortem sync`: change the row in the post-mortem (owner, deadline, priority, "
        "status), not this issue.",
        "",
        marker(item_key(doc, item)),
    ]
    return "\n".join(lines)


def item_key(doc: DocumentLike, item: ActionItemLike) -> str:
    return f"{doc.id}/{item.id.strip()}"


def close_comment(reason: str, why: str) -> str:
    return f"{why}\n\n<!-- postmortem-sync: closed={reason} -->"


def _norm(text: str) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def _managed_family(name: str, settings: SyncSettings) -> bool:
    low = name.lower()
    return (
        low == settings.label.lower()
        or low.startswith(settings.priority_prefix.lower())
        or low.startswith(settings.severity_prefix.lower())
    )


def _fold(names: Iterable[str]) -> set[str]:
    return {n.lower() for n in names}


# --------------------------------------------------------------------------------- plan
def desired_issues(
    documents: Iterable[DocumentLike], settings: SyncSettings
) -> tuple[dict[str, Desired], dict[str, str], list[str], bool]:
    """Desired issues by key; the state of each document id; warnings; whether all docs read.

    The document state is "synced", "skipped:<why>" (present but not synced) or "unusable".
    """
    desired: dict[str, Desired] = {}
    doc_states: dict[str, str] = {}
    warnings: list[str] = []
    all_usable = True
    statuses = {s.lower() for s in settings.statuses}
    for doc in documents:
        shown = Path(doc.path).as_posix()
        if not getattr(doc, "parsed", True) or not doc.id:
            all_usable = False
            stem = Path(doc.path).stem
            doc_states.setdefault(stem, "unusable")
            warnings.append(f"{shown}: cannot be read as a post-mortem; its issues are left as is")
            continue
        if doc.id in doc_states:
            warnings.append(
                f"{shown}: post-mortem id {doc.id!r} is used twice; second copy skipped"
            )
            continue
        if doc.status.lower() not in statuses:
            doc_states[doc.id] = f"skipped:post-mortem is {doc.status or 'without status'}"
            continue
        doc_states[doc.id] = "synced"
        severity = doc.severity.strip()
        for item in doc.action_items:
            where = f"{shown}:{item.line}"
            if not item.id.strip():
                warnings.append(f"{where}: action item without an ID is not synced")
                continue
            key = item_key(doc, item)
            if key in desired:
                warnings.append(f"{where}: action item ID {item.id!r} repeats; row not synced")
                continue
            if not item.action.strip():
                warnings.append(f"{where}: action item {item.id} has no action text; not synced")
                continue
            labels = [settings.label]
            if item.priority.strip():
                labels.append(settings.priority_prefix + item.priority.strip())
            if severity:
                labels.append(settings.severity_prefix + severity)
            handles = owner_handles(item.owner)
            assignable = [h for h in handles if h.lower() not in settings.unassignable]
            for handle in handles:
                if handle.lower() in settings.unassignable:
                    warnings.append(
                        f"{where}: owner @{handle} cannot be assigned in {settings.repo}; "
                        "the issue is left without that assignee"
                    )
            state, reason = item_state(item.status)
            desired[key] = Desired(
                key=key,
                title=issue_title(item.action),
                body=issue_body(doc, item, settings),
                labels=tuple(labels),
                assignees=tuple(assignable) if assignable else None,
                state=state,
                state_reason=reason,
                doc_id=doc.id,
                item_id=item.id.strip(),
            )
    return desired, doc_states, warnings, all_usable


def plan_sync(
    documents: Iterable[DocumentLike],
    issues: Iterable[ListedIssue],
    settings: SyncSettings,
) -> Plan:
    """Decide, for every action item and every managed issue, what the sync does and why."""
    desired, doc_states, warnings, all_usable = desired_issues(documents, settings)
    plan = Plan(warnings=warnings, desired=desired)

    by_key: dict[str, ListedIssue] = {}
    for issue in sorted(issues, key=lambda i: i.number):
        key = issue.key
        if issue.is_pull_request or key is None:
            continue  # not ours: never touched
        if key in by_key:
            plan.warnings.append(
                f"issues #{by_key[key].number} and #{issue.number} both carry the marker of "
                f"{key}; #{by_key[key].number} is kept in sync, #{issue.number} is left as is"
            )
            continue
        by_key[key] = issue

    for key, want in desired.items():
        issue = by_key.get(key)
        if issue is None:
            plan.actions.append(_plan_missing(want))
        else:
            plan.actions.append(_plan_existing(want, issue, settings))

    for key, issue in sorted(by_key.items(), key=lambda kv: kv[1].number):
        if key in desired:
            continue
        plan.actions.append(_plan_orphan(key, issue, doc_states, settings, all_usable))
    return plan


def _plan_missing(want: Desired) -> Action:
    if want.state == "closed":
        return Action(
            "unchanged",
            want.key,
            f"marked {'done' if want.state_reason == 'completed' else 'dropped'} before it was "
            "ever synced; no issue needed",
            title=want.title,
        )
    changes: dict[str, Any] = {"title": want.title, "body": want.body, "labels": list(want.labels)}
    if want.assignees:
        changes["assignees"] = list(want.assignees)
    return Action("create", want.key, "new action item", title=want.title, changes=changes)


def _plan_existing(want: Desired, issue: ListedIssue, settings: SyncSettings) -> Action:
    changes: dict[str, Any] = {}
    why: list[str] = []
    if issue.title != want.title:
        changes["title"] = want.title
        why.append("title")
    if _norm(issue.body) != _norm(want.body):
        changes["body"] = want.body
        why.append("body")
    current_managed = {n for n in issue.labels if _managed_family(n, settings)}
    if _fold(current_managed) != _fold(want.labels):
        kept = [n for n in issue.labels if not _managed_family(n, settings)]
        changes["labels"] = [*kept, *want.labels]
        why.append("labels")
    if want.assignees is not None and _fold(issue.assignees) != _fold(want.assignees):
        changes["assignees"] = list(want.assignees)
        why.append("assignee")
    common = {"number": issue.number, "url": issue.url, "title": want.title}

    if want.state == "closed" and issue.state != "closed":
        changes.update(state="closed", state_reason=want.state_reason)
        if want.state_reason == "completed":
            text, what = "The action item is marked done in the post-mortem.", "marked done"
        else:
            text, what = "The action item is marked as not planned in the post-mortem.", "dropped"
        comment = close_comment(want.state_reason or "completed", text)
        return Action("close", want.key, f"{what} in the post-mortem", changes=changes,
                      comment=comment, **common)  # fmt: skip
    if issue.state == "closed" and (want.state == "open" or (want.state is None and issue.removed)):
        changes["state"] = "open"
        why_open = "back in the post-mortem" if issue.removed else "open again in the post-mortem"
        return Action("reopen", want.key, why_open, changes=changes, **common)
    if want.state == "closed" and issue.state_reason != want.state_reason:
        changes.update(state="closed", state_reason=want.state_reason)
        why.append("close reason")
    if changes:
        return Action("update", want.key, "changed: " + ", ".join(why), changes=changes, **common)
    return Action("unchanged", want.key, "up to date", **common)


def _plan_orphan(
    key: str,
    issue: ListedIssue,
    doc_states: dict[str, str],
    settings: SyncSettings,
    all_usable: bool,
) -> Action:
    """An issue with our marker whose action item is not among the synced rows."""
    doc_id = key.rsplit("/", 1)[0]
    common = {"number": issue.number, "url": issue.url, "title": issue.title}
    state = doc_states.get(doc_id)
    if state == "synced":
        why = "removed from the post-mortem's action items"
    elif state == "unusable":
        return Action("unchanged", key, "its post-mortem cannot be read; left as is", **common)
    elif state is not None:
        return Action("unchanged", key, state.split(":", 1)[1] + "; not synced", **common)
    elif settings.full_archive and all_usable:
        why = "its post-mortem is no longer in the archive"
    else:
        return Action("unchanged", key, "its post-mortem is not among the synced files", **common)
    if issue.state == "closed":
        return Action("unchanged", key, f"{why}; already closed", **common)
    text = f"Closed by `postmortem sync`: this action item was {why.split(';')[0]}."
    if not why.startswith("removed"):
        text = f"Closed by `postmortem sync`: {why}."
    body = MARKER_RE.sub(lambda _m: marker(key, removed=True), issue.body, count=1)
    return Action(
        "close",
        key,
        why,
        changes={"body": body, "state": "closed", "state_reason": "not_planned"},
        comment=close_comment("not_planned", text),
        **common,
    )
