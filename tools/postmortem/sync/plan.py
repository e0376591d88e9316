"""The sync plan: post-mortem action items + the issues GitHub lists -> what to change.

This is a pure function of its inputs (no network, no clock, no files), so every decision the
sync makes is tested without I/O, and ``--dry-run`` prints exactly what a real run would do.

Principles, from the failures of other issue-sync tools (duplicates on re-runs and retries,
and fights with the people who use the issues):
- every managed issue carries a hidden marker with the item's stable key
  (``<post-mortem id>/<item id>``); issues are matched by that marker, or by the issue number
  the sync recorded for the key (see `github.py`), never by title; an issue with neither is
  never touched;
- reconcile, do not append: one issue per key, created when missing, edited when the table
  changed, closed when the item is done (``completed``), dropped (``not_planned``) or removed
  from its table, reopened when an item comes back;
- the issue body has two parts: a managed part between ``postmortem-sync: begin`` and
  ``end`` markers, rewritten from the table, and everything else, which is people's and is
  never changed;
- **the table is the source of truth for what it changes.** The managed part records what the
  sync last wrote (status, owners, managed labels, a hash of the title). A field is written
  only when the table's value differs from that record, so what people change on GitHub is
  kept: an edited title, labels and assignees they add, an issue they close or reopen;
- when the issue's state and the row's status disagree and the row did not change, a person
  acted on GitHub: that is *drift*. It is reported (in the run's output, in the weekly review
  and once as a comment on the issue), and never flipped silently;
- no write GitHub would ignore is planned: ``state_reason`` is only sent with a change of
  ``state``.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, unquote

from .. import statuses

TITLE_MAX = 256
BODY_MAX = 65_536
LABEL_MAX = 50  # GitHub answers 422 for a longer label name
ACTION_TEXT_MAX = 60_000  # leaves room for the rest of the body under BODY_MAX

MARKER_PREFIX = "<!-- postmortem-sync: key="
BEGIN = "<!-- postmortem-sync: begin -->"
END = "<!-- postmortem-sync: end -->"
MARKER_RE = re.compile(r"<!--\s*postmortem-sync:\s*key=(\S+?)((?:\s+\w+(?:=\S*)?)*)\s*-->")
FIELD_RE = re.compile(r"(\w+)(?:=(\S*))?")
CLOSE_COMMENT_RE = re.compile(r"<!--\s*postmortem-sync:\s*closed=(\w+)\s*-->")
DRIFT_COMMENT_RE = re.compile(r"<!--\s*postmortem-sync:\s*drift=(\w+)\s+key=(\S+?)\s*-->")
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
class Recorded:
    """What the sync last wrote for an item, kept in the marker of the issue's managed part."""

    status: str | None = None  # None: an older marker that did not record it
    owners: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    title: str | None = None  # a short hash of the title the sync last set
    removed: bool = False  # closed by the sync because its row left the table
    drift: str | None = None  # the issue state a drift comment was posted for

    @property
    def complete(self) -> bool:
        return None not in (self.status, self.owners, self.labels, self.title)


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
    mapped_key: str | None = None  # the key the sync's mapping gives this issue number
    updated_at: str = ""
    moved_to: str | None = None  # the issue was transferred: its address now

    @property
    def key(self) -> str | None:
        return marker_key(self.body) or self.mapped_key

    @property
    def recorded(self) -> Recorded:
        return recorded_facts(self.body)

    @property
    def removed(self) -> bool:
        """True when the sync closed this issue because its row left the table."""
        return self.recorded.removed

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
            updated_at=str(data.get("updated_at") or ""),
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
    body: str  # the managed part, as a whole body (for a new issue)
    labels: tuple[str, ...]  # the managed labels only
    assignees: tuple[str, ...] | None  # None: the row names nobody GitHub can assign
    state: str | None  # None: the row has no status, GitHub's state stands
    state_reason: str | None
    doc_id: str
    item_id: str
    status: str = ""  # the row's status, lower case
    owners: tuple[str, ...] = ()  # every login the owner cell names
    where: str = ""  # path:line of the row
    managed: str = ""  # the managed part without drift or removed flags


@dataclass(frozen=True)
class Drift:
    """An issue whose state a person changed on GitHub, against the row's status."""

    key: str
    number: int
    url: str
    status: str  # the row's status ("" when removed from the table)
    state: str  # the issue's state on GitHub
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "issue": self.number,
            "url": self.url or None,
            "status": self.status,
            "state": self.state,
            "message": self.message,
        }


@dataclass(frozen=True)
class Action:
    kind: str  # create | update | close | reopen | unchanged
    key: str
    reason: str
    number: int | None = None
    url: str = ""
    title: str = ""
    changes: dict[str, Any] = field(default_factory=dict)  # REST fields to send
    comment: str | None = None  # posted (once) before the edit

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
    errors: list[str] = field(default_factory=list)  # items that cannot be synced
    desired: dict[str, Desired] = field(default_factory=dict)
    drift: list[Drift] = field(default_factory=list)

    @property
    def writes(self) -> list[Action]:
        return [a for a in self.actions if a.is_write]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for action in self.actions:
            counts[action.kind] += 1
        return counts

    def labels_of(self, action: Action) -> list[str]:
        """The managed labels a write puts on its issue (to create them with our colours)."""
        want = self.desired.get(action.key)
        return list(want.labels) if want and "labels" in action.changes else []

    def managed_labels(self) -> set[str]:
        """Every managed label some write of this plan puts on an issue."""
        return {name for action in self.writes for name in self.labels_of(action)}


# ------------------------------------------------------------------------------ helpers
def _q(value: str) -> str:
    return quote(value, safe="/-._~:@")


def marker(
    key: str,
    removed: bool = False,
    recorded: Recorded | None = None,
) -> str:
    parts = [f"{MARKER_PREFIX}{_q(key)}"]
    if recorded is not None:
        if recorded.status is not None:
            parts.append(f"status={_q(recorded.status)}")
        if recorded.owners is not None:
            parts.append(f"owners={','.join(_q(o) for o in recorded.owners)}")
        if recorded.labels is not None:
            parts.append(f"labels={','.join(_q(n) for n in recorded.labels)}")
        if recorded.title is not None:
            parts.append(f"title={recorded.title}")
        removed = removed or recorded.removed
        if recorded.drift:
            parts.append(f"drift={recorded.drift}")
    if removed:
        parts.append("removed")
    return " ".join(parts) + " -->"


def marker_key(body: str | None) -> str | None:
    match = MARKER_RE.search(body or "")
    return unquote(match[1]) if match else None


def recorded_facts(body: str | None) -> Recorded:
    match = MARKER_RE.search(body or "")
    if not match:
        return Recorded()
    fields: dict[str, str | None] = {}
    for name, value in FIELD_RE.findall(match[2] or ""):
        fields[name] = value

    def items(name: str) -> tuple[str, ...] | None:
        value = fields.get(name)
        if value is None:
            return None
        return tuple(unquote(v) for v in value.split(",") if v)

    status = fields.get("status")
    return Recorded(
        status=unquote(status) if status is not None else None,
        owners=items("owners"),
        labels=items("labels"),
        title=fields.get("title") or None,
        removed="removed" in fields,
        drift=fields.get("drift") or None,
    )


def title_hash(title: str) -> str:
    return hashlib.sha256(title.encode("utf-8")).hexdigest()[:12]


def owner_handles(owner: str) -> list[str]:
    """GitHub logins named in an owner cell: "@alice", "Alice Doe (@alice)", "@a, @b"."""
    return list(dict.fromkeys(HANDLE_RE.findall(owner or "")))


def item_state(status: str | None) -> tuple[str | None, str | None]:
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


def managed_text(doc: DocumentLike, item: ActionItemLike, settings: SyncSettings) -> str:
    """The managed part's visible text: where the item comes from, its facts, the action."""
    started = doc.started.date().isoformat() if doc.started else "unknown"
    title = doc.title or doc.id
    action = clip((item.action or "").strip(), ACTION_TEXT_MAX)
    quoted = "\n".join(f"> {line}" if line else ">" for line in action.splitlines())
    status = (item.status or "").strip() or "—"
    return "\n".join(
        [
            f"Action item **{_cell(item.id)}** of the post-mortem "
            f"[{_link_text(title)}]({document_link(doc, settings)}).",
            "",
            "| Incident | Severity | Owner | Deadline | Priority | Status |",
            "|---|---|---|---|---|---|",
            f"| {started} | {_cell(doc.severity)} | {_cell(item.owner)} "
            f"| {_cell(item.deadline.isoformat() if item.deadline else item.deadline_text)} "
            f"| {_cell(item.priority)} | {_cell(status)} |",
            "",
            quoted,
            "",
            "_This part mirrors a row of the post-mortem's action-item table and is rewritten by "
            "`postmortem sync` when the row changes: change the row (owner, deadline, priority, "
            "status). Write your notes below the line; the sync never changes them._",
        ]
    )


def managed_part(text: str, key: str, recorded: Recorded) -> str:
    return "\n".join([BEGIN, text, "", marker(key, recorded=recorded), END, "", "---"])


def split_body(body: str | None) -> tuple[str, str | None, str]:
    """(before, managed part or None, after): people's text is before and after."""
    body = body or ""
    begin = body.find(BEGIN)
    end = body.find(END, begin + len(BEGIN)) if begin >= 0 else -1
    if begin >= 0 and end >= 0:
        stop = end + len(END)
        after = body[stop:]
        if after.lstrip("\r\n").startswith("---"):  # the rule under the managed part is ours
            after = after.lstrip("\r\n")[3:]
        return body[:begin], body[begin:stop], after
    match = MARKER_RE.search(body)
    if match:  # a body written before the managed part had markers: all of it up to the marker
        return "", body[: match.end()], body[match.end() :]
    return "", None, body


def join_body(before: str, managed: str, after: str) -> str:
    people = after.strip("\r\n")
    head = before.rstrip()
    text = (head + "\n\n" if head else "") + managed
    return text + ("\n\n" + people if people.strip() else "")


def item_key(doc: DocumentLike, item: ActionItemLike) -> str:
    return f"{doc.id}/{item.id.strip()}"


def close_comment(reason: str, why: str) -> str:
    return f"{why}\n\n<!-- postmortem-sync: closed={reason} -->"


def drift_comment(key: str, status: str, state: str) -> str:
    if status:
        said = f"the post-mortem's action-item table says **{status}**"
    else:
        said = "this action item was removed from the post-mortem's table"
    if state == "closed":
        act = "closed on GitHub"
        fix = (
            "If the work is finished, set the row's Status to `done` (or `wont-do`) in the "
            "post-mortem; otherwise reopen this issue."
        )
    else:
        act = "reopened on GitHub"
        fix = (
            "If the work goes on, set the row's Status to `open` in the post-mortem; otherwise "
            "close this issue again."
        )
    return (
        f"Heads-up from `postmortem sync`: {said}, but this issue was {act}. The sync leaves "
        f"the issue as it is and reports the difference in the weekly review. {fix}\n\n"
        f"<!-- postmortem-sync: drift={state} key={_q(key)} -->"
    )


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
) -> tuple[dict[str, Desired], dict[str, str], list[str], bool, list[str]]:
    """Desired issues by key; the state of each document id; warnings; whether all docs were
    read; errors (items that cannot be synced).

    The document state is "synced", "skipped:<why>" (present but not synced) or "unusable".
    """
    desired: dict[str, Desired] = {}
    doc_states: dict[str, str] = {}
    warnings: list[str] = []
    errors: list[str] = []
    all_usable = True
    wanted = {s.lower() for s in settings.statuses}
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
        if doc.status.lower() not in wanted:
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
            too_long = [name for name in labels if len(name) > LABEL_MAX]
            if too_long:
                errors.append(
                    f"{where}: action item {item.id.strip()}: the label {too_long[0]!r} is "
                    f"longer than GitHub's {LABEL_MAX} characters; shorten the priority or "
                    "severity. This item is not synced; the others are."
                )
                doc_states[doc.id] = "synced"
                continue
            handles = owner_handles(item.owner)
            assignable = [h for h in handles if h.lower() not in settings.unassignable]
            for handle in handles:
                if handle.lower() in settings.unassignable:
                    warnings.append(
                        f"{where}: owner @{handle} cannot be assigned in {settings.repo}; "
                        "the issue is left without that assignee"
                    )
            state, reason = item_state(item.status)
            status = (item.status or "").strip().lower()
            title = issue_title(item.action)
            text = managed_text(doc, item, settings)
            record = Recorded(status, tuple(handles), tuple(labels), title_hash(title))
            desired[key] = Desired(
                key=key,
                title=title,
                body=managed_part(text, key, record),
                labels=tuple(labels),
                assignees=tuple(assignable) if assignable else None,
                state=state,
                state_reason=reason,
                doc_id=doc.id,
                item_id=item.id.strip(),
                status=status,
                owners=tuple(handles),
                where=where,
                managed=text,
            )
    return desired, doc_states, warnings, all_usable, errors


def plan_sync(
    documents: Iterable[DocumentLike],
    issues: Iterable[ListedIssue],
    settings: SyncSettings,
) -> Plan:
    """Decide, for every action item and every managed issue, what the sync does and why."""
    desired, doc_states, warnings, all_usable, errors = desired_issues(documents, settings)
    plan = Plan(warnings=warnings, errors=errors, desired=desired)

    by_key: dict[str, ListedIssue] = {}
    for issue in sorted(issues, key=lambda i: i.number):
        key = issue.key
        if issue.is_pull_request or key is None:
            continue  # not ours: never touched
        if key in by_key:
            if by_key[key].number != issue.number:
                plan.warnings.append(
                    f"issues #{by_key[key].number} and #{issue.number} both carry the marker "
                    f"of {key}; #{by_key[key].number} is kept in sync, #{issue.number} is "
                    "left as is"
                )
            continue
        by_key[key] = issue

    for key, want in desired.items():
        issue = by_key.get(key)
        if issue is None:
            plan.actions.append(_plan_missing(want))
        elif issue.moved_to:
            plan.actions.append(_moved(key, issue))
        else:
            plan.actions.append(_plan_existing(want, issue, settings, plan))

    for key, issue in sorted(by_key.items(), key=lambda kv: kv[1].number):
        if key in desired:
            continue
        if issue.moved_to:
            plan.actions.append(_moved(key, issue))
            continue
        plan.actions.append(_plan_orphan(key, issue, doc_states, settings, all_usable, plan))
    return plan


def _moved(key: str, issue: ListedIssue) -> Action:
    return Action(
        "unchanged",
        key,
        f"transferred to {issue.moved_to}; no longer synced (never duplicated)",
        number=issue.number,
        url=issue.moved_to or issue.url,
        title=issue.title,
    )


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


def _body_with(issue: ListedIssue, managed: str) -> str:
    before, _old, after = split_body(issue.body)
    return join_body(before, managed, after)


def _plan_existing(want: Desired, issue: ListedIssue, settings: SyncSettings, plan: Plan) -> Action:
    rec = issue.recorded
    known = rec.complete
    changes: dict[str, Any] = {}
    why: list[str] = []

    # Title, labels, assignees: written only when the table changed them since the last sync.
    if (not known or rec.title != title_hash(want.title)) and issue.title != want.title:
        changes["title"] = want.title
        why.append("title")
    if not known or _fold(rec.labels or ()) != _fold(want.labels):
        current_managed = {n for n in issue.labels if _managed_family(n, settings)}
        if _fold(current_managed) != _fold(want.labels):
            kept = [n for n in issue.labels if not _managed_family(n, settings)]
            changes["labels"] = [*kept, *want.labels]
            why.append("labels")
    if not known or _fold(rec.owners or ()) != _fold(want.owners):
        gone = _fold(rec.owners or ()) - _fold(want.owners) if known else set()
        kept_people = [a for a in issue.assignees if a.lower() not in gone]
        new = kept_people + [a for a in want.assignees or () if a.lower() not in _fold(kept_people)]
        if _fold(new) != _fold(issue.assignees):
            changes["assignees"] = new
            why.append("assignee")

    # State: the table's change is applied; a person's change is drift, reported.
    status_changed = known and item_state(rec.status) != item_state(want.status)
    came_back = rec.removed
    drift: Drift | None = None
    state_change: str | None = None
    if want.state is not None and issue.state != want.state:
        if status_changed or came_back:
            state_change = want.state
        else:
            drift = Drift(
                want.key,
                issue.number,
                issue.url,
                want.status,
                issue.state,
                f"{want.where}: the row says {want.status!r} but issue #{issue.number} was "
                f"{'closed' if issue.state == 'closed' else 'reopened'} on GitHub; left as "
                "is (update the row, or the issue)",
            )
    elif want.state is None and came_back and issue.state == "closed":
        state_change = "open"  # back in the table without a status: as it was before removal

    noted = drift.state if drift else None
    record = Recorded(want.status, want.owners, want.labels, title_hash(want.title), drift=noted)
    managed = managed_part(want.managed, want.key, record)
    body = _body_with(issue, managed)
    if _norm(body) != _norm(issue.body):
        changes["body"] = body
        why.append("body")
    common = {"number": issue.number, "url": issue.url, "title": want.title}
    comment = None
    if drift is not None:
        plan.drift.append(drift)
        if rec.drift != drift.state:
            comment = drift_comment(want.key, want.status, drift.state)
            why.append(f"drift noted ({drift.state} on GitHub)")

    if state_change == "closed":
        changes.update(state="closed", state_reason=want.state_reason)
        if want.state_reason == "completed":
            text, what = "The action item is marked done in the post-mortem.", "marked done"
        else:
            text, what = "The action item is marked as not planned in the post-mortem.", "dropped"
        comment = close_comment(want.state_reason or "completed", text)
        return Action("close", want.key, f"{what} in the post-mortem", changes=changes,
                      comment=comment, **common)  # fmt: skip
    if state_change == "open":
        changes["state"] = "open"
        why_open = "back in the post-mortem" if came_back else "open again in the post-mortem"
        return Action("reopen", want.key, why_open, changes=changes, **common)
    if changes or comment:
        reason = "changed: " + ", ".join(why) if why else "drift noted"
        return Action("update", want.key, reason, changes=changes, comment=comment, **common)
    if drift is not None:
        return Action("unchanged", want.key, "drift reported earlier; left as is", **common)
    return Action("unchanged", want.key, "up to date", **common)


def _plan_orphan(
    key: str,
    issue: ListedIssue,
    doc_states: dict[str, str],
    settings: SyncSettings,
    all_usable: bool,
    plan: Plan,
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
    rec = issue.recorded
    if issue.state == "closed":
        return Action("unchanged", key, f"{why}; already closed", **common)
    if rec.removed:
        # The sync closed it when the row went away; a person reopened it since.
        drift = Drift(
            key,
            issue.number,
            issue.url,
            "",
            "open",
            f"{key}: removed from the post-mortem, but issue #{issue.number} was reopened on "
            "GitHub; left open",
        )
        plan.drift.append(drift)
        if rec.drift == "open":
            return Action("unchanged", key, "drift reported earlier; left as is", **common)
        body = _with_marker(issue, key, replace(rec, drift="open"))
        return Action(
            "update",
            key,
            "drift noted (reopened on GitHub)",
            changes={"body": body},
            comment=drift_comment(key, "", "open"),
            **common,
        )
    text = f"Closed by `postmortem sync`: this action item was {why.split(';')[0]}."
    if not why.startswith("removed"):
        text = f"Closed by `postmortem sync`: {why}."
    body = _with_marker(issue, key, replace(rec, removed=True, drift=None))
    return Action(
        "close",
        key,
        why,
        changes={"body": body, "state": "closed", "state_reason": "not_planned"},
        comment=close_comment("not_planned", text),
        **common,
    )


def _with_marker(issue: ListedIssue, key: str, rec: Recorded) -> str:
    """The issue's body with its marker rewritten (or added, when a person deleted it)."""
    new = marker(key, recorded=rec)
    if MARKER_RE.search(issue.body or ""):
        return MARKER_RE.sub(lambda _m: new, issue.body, count=1)
    return join_body("", "\n".join([BEGIN, new, END, "", "---"]), issue.body or "")
