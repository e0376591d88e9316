"""The GitHub side of the sync: list the managed issues, apply a plan, survive faults.

A thin adapter over PyGithub. The decisions live in `plan.py`; this module only talks to
the API, and it is careful about the one thing that turns issue sync into a duplicate factory:
a write whose outcome is unknown.

- PyGithub is built with ``retry=None``: its default `GithubRetry` retries POST on 5xx and
  secondary rate limits, and a 502 that GitHub returns *after* creating the issue would then
  create it twice. No write is ever retried blindly here.
- After any failed write (5xx, connection reset, timeout, rate limit) the managed issues are
  listed again and the plan recomputed: the listing, not our memory, says whether the create
  happened. Only a 422 about the assignee on a create is retried at once, without the assignee:
  a validation failure means GitHub created nothing.
- ``Retry-After`` and ``x-ratelimit-remaining``/``x-ratelimit-reset`` are honoured through an
  injectable clock (tests do not sleep), and every wait is bounded by ``max_wait``.
- Writes are paced (``pace`` seconds apart, about 80 a minute by default) to stay under
  GitHub's secondary limits for content-creating requests.
- Issues are read from the list endpoint only (``state=all``, label filter, 100 per page);
  never from the search API, whose index lags behind writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import requests
from github import Auth, Github, GithubException

from .options import DEFAULT_API_URL, DEFAULT_MAX_WAIT, DEFAULT_PACE  # noqa: F401 (re-exported)
from .plan import (
    CLOSE_COMMENT_RE,
    Action,
    DocumentLike,
    ListedIssue,
    Plan,
    SyncSettings,
    plan_sync,
)

SECONDARY_LIMIT_WAIT = 60.0  # GitHub: wait at least a minute when no Retry-After is given
MAX_ROUNDS = 8  # list -> plan -> apply rounds; a new round follows each failed write
MAX_PAGES = 1_000  # 100,000 issues: a bound on pagination, never reached in practice
READ_ATTEMPTS = 3  # a GET is safe to repeat; backoff 0.25 s, then 0.5 s

LABEL_COLORS = {"P1": "b60205", "P2": "d93f0b", "P3": "fbca04", "P4": "0e8a16"}
LABEL_COLOR = "5319e7"


class Clock(Protocol):
    def now(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class SyncAborted(Exception):
    """The sync cannot go on (no access, repository missing, rate limit too far away)."""

    def __init__(self, message: str, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


class WriteFailed(Exception):
    """A write failed. ``unknown`` when it may have been committed (5xx, reset, timeout)."""

    def __init__(self, message: str, unknown: bool, wait: float = 0.0) -> None:
        super().__init__(message)
        self.unknown = unknown
        self.wait = wait


def _message(error: GithubException) -> str:
    data = error.data if isinstance(error.data, dict) else {}
    text = str(data.get("message") or error.data or "").strip()
    details = [
        e.get("message") or f"{e.get('field')} {e.get('code')}"
        for e in data.get("errors") or []
        if isinstance(e, dict)
    ]
    return f"HTTP {error.status}: {text}" + (f" ({'; '.join(details)})" if details else "")


def _is_assignee_error(error: GithubException) -> bool:
    data = error.data if isinstance(error.data, dict) else {}
    return error.status == 422 and any(
        isinstance(e, dict) and e.get("field") in ("assignees", "assignee")
        for e in data.get("errors") or []
    )


def _header(headers: dict[str, Any] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value)
    return None


class GitHubIssues:
    """The managed issues of one repository, through PyGithub, with pacing and rate limits."""

    def __init__(
        self,
        repo: str,
        token: str,
        api_url: str = DEFAULT_API_URL,
        clock: Clock | None = None,
        pace: float = DEFAULT_PACE,
        max_wait: float = DEFAULT_MAX_WAIT,
        timeout: int = 30,
    ) -> None:
        self.name = repo
        self.clock = clock or SystemClock()
        self.pace = pace
        self.max_wait = max_wait
        self.requests = 0
        self.writes = 0
        self.waited = 0.0
        self._last_write: float | None = None
        self._assignable: dict[str, bool] = {}
        self._labels: set[str] | None = None
        self._token = token
        self.github = Github(
            auth=Auth.Token(token),
            base_url=api_url.rstrip("/"),
            retry=None,  # never retry a write: see the module docstring
            per_page=100,
            seconds_between_requests=None,  # pacing is ours, through the injectable clock
            seconds_between_writes=None,
            lazy=True,  # no request until we ask for one
            timeout=timeout,
            user_agent="postmortem-sync",
        )
        self.requester = self.github.requester
        self.repo = self.github.get_repo(repo)

    def close(self) -> None:
        self.github.close()

    def scrub(self, text: str) -> str:
        """Never let the token reach output, whatever an exception message contains."""
        return text.replace(self._token, "***") if self._token else text

    # -------------------------------------------------------------- rate limits
    def wait(self, seconds: float, why: str) -> None:
        if seconds > self.max_wait:
            raise SyncAborted(
                f"{why}: GitHub asks to wait {seconds:.0f} s, longer than the limit of "
                f"{self.max_wait:.0f} s (--max-wait); run again later"
            )
        if seconds > 0:
            self.waited += seconds
            self.clock.sleep(seconds)

    def _before_request(self, write: bool) -> None:
        remaining, _limit = self.requester.rate_limiting
        if remaining == 0:
            reset = self.requester.rate_limiting_resettime
            self.wait(max(reset - self.clock.now(), 0) + 1, "API rate limit used up")
        if write and self.pace and self._last_write is not None:
            self.clock.sleep(max(self._last_write + self.pace - self.clock.now(), 0))

    def _limit_wait(self, error: GithubException) -> float | None:
        """Seconds to wait when ``error`` is a rate limit, else None."""
        if error.status not in (403, 429):
            return None
        retry_after = _header(error.headers, "retry-after")
        if retry_after is not None and retry_after.strip().isdigit():
            return float(retry_after)
        if _header(error.headers, "x-ratelimit-remaining") == "0":
            reset = _header(error.headers, "x-ratelimit-reset")
            if reset and reset.isdigit():
                return max(int(reset) - self.clock.now(), 0) + 1
        message = str(error.data.get("message", "") if isinstance(error.data, dict) else "")
        if error.status == 429 or "rate limit" in message.lower():
            return SECONDARY_LIMIT_WAIT
        return None

    # -------------------------------------------------------------------- reads
    def _get(self, url: str, params: dict[str, Any] | None = None) -> tuple[dict, Any]:
        """One GET, retried (GETs are safe) on transient failures, waiting out rate limits."""
        last = ""
        for attempt in range(READ_ATTEMPTS):
            self._before_request(write=False)
            self.requests += 1
            try:
                return self.requester.requestJsonAndCheck("GET", url, parameters=params)
            except GithubException as error:
                if error.status == 401:
                    raise SyncAborted(
                        "GitHub refused the token (401 Bad credentials): check GITHUB_TOKEN",
                        unreachable=True,
                    ) from None
                if error.status == 404:
                    raise
                wait = self._limit_wait(error)
                if wait is None and error.status < 500:
                    raise SyncAborted(f"GET {url}: {_message(error)}", unreachable=True) from None
                last = _message(error)
                if attempt + 1 < READ_ATTEMPTS:
                    self.wait(wait if wait is not None else 0.25 * 2**attempt, f"GET {url}")
            except (requests.RequestException, OSError) as error:
                last = f"{type(error).__name__}: {error}"
                if attempt + 1 < READ_ATTEMPTS:
                    self.clock.sleep(0.25 * 2**attempt)
        raise SyncAborted(self.scrub(f"cannot reach GitHub at GET {url}: {last}"), unreachable=True)

    def _pages(self, url: str, params: dict[str, Any]) -> Iterable[Any]:
        next_url: str | None = url
        query: dict[str, Any] | None = {**params, "per_page": 100}
        for _page in range(MAX_PAGES):
            if next_url is None:
                return
            headers, data = self._get(next_url, query)
            yield from data or []
            next_url = _next_link(headers)
            query = None  # the next link carries the query

    def check_access(self) -> dict[str, Any]:
        try:
            _headers, data = self._get(f"/repos/{self.name}")
        except GithubException as error:
            raise SyncAborted(
                f"repository {self.name} not found, or the token cannot see it ({_message(error)})",
                unreachable=True,
            ) from None
        if isinstance(data, dict) and data.get("has_issues") is False:
            raise SyncAborted(f"issues are disabled in {self.name}", unreachable=True)
        return data

    def list_managed(self, label: str) -> list[ListedIssue]:
        """All issues with the managed label, open and closed; pull requests left out."""
        issues = []
        for data in self._pages(f"/repos/{self.name}/issues", {"state": "all", "labels": label}):
            issue = ListedIssue.from_json(data)
            if not issue.is_pull_request:
                issues.append(issue)
        return issues

    def fetch(self, number: int) -> ListedIssue | None:
        try:
            _headers, data = self._get(f"/repos/{self.name}/issues/{number}")
        except GithubException:
            return None
        issue = ListedIssue.from_json(data)
        return None if issue.is_pull_request else issue

    def can_assign(self, login: str) -> bool:
        key = login.lower()
        if key not in self._assignable:
            self._before_request(write=False)
            self.requests += 1
            try:
                self._assignable[key] = self.repo.has_in_assignees(login)
            except GithubException as error:
                wait = self._limit_wait(error)
                if wait is None:
                    raise SyncAborted(f"assignee check: {_message(error)}") from None
                self.wait(wait, "assignee check")
                return self.can_assign(login)
            except (requests.RequestException, OSError):
                return True  # unknown: try it; a 422 on create is handled
        return self._assignable[key]

    def last_comment(self, number: int) -> str | None:
        last = None
        for comment in self._pages(f"/repos/{self.name}/issues/{number}/comments", {}):
            last = comment.get("body")
        return last

    # ------------------------------------------------------------------- writes
    def _write(self, what: str, call: Callable[[], Any]) -> Any:
        self._before_request(write=True)
        self.requests += 1
        self.writes += 1
        try:
            return call()
        except GithubException as error:
            wait = self._limit_wait(error)
            if wait is not None:
                raise WriteFailed(
                    f"{what}: rate limited ({_message(error)})", False, wait
                ) from None
            if error.status == 401:
                raise SyncAborted("GitHub refused the token (401 Bad credentials)") from None
            unknown = error.status >= 500
            raise WriteFailed(f"{what}: {_message(error)}", unknown) from error
        except (requests.RequestException, OSError) as error:
            raise WriteFailed(
                self.scrub(f"{what}: {type(error).__name__}: {error}"), unknown=True
            ) from None
        finally:
            self._last_write = self.clock.now()

    def ensure_labels(self, names: Iterable[str]) -> None:
        wanted = sorted(set(names))
        if not wanted:
            return
        if self._labels is None:
            self._labels = {
                label["name"].lower() for label in self._pages(f"/repos/{self.name}/labels", {})
            }
        for name in wanted:
            if name.lower() in self._labels:
                continue
            suffix = name.rsplit(":", 1)[-1].strip()
            color = LABEL_COLORS.get(suffix, LABEL_COLOR) if ":" in name else LABEL_COLOR
            description = "Action item from a post-mortem, kept in sync by postmortem sync"
            try:
                self._write(
                    f"create label {name}",
                    lambda n=name, c=color, d=description: self.repo.create_label(n, c, d),
                )
            except WriteFailed as failure:
                if "already_exists" not in str(failure.__cause__ or failure):
                    raise
            self._labels.add(name.lower())

    def create(self, action: Action, warn: Callable[[str], None]) -> ListedIssue:
        issue = self._write_unassigned_if_refused(
            f"create issue for {action.key}",
            self.repo.create_issue,
            dict(action.changes),
            lambda why: warn(f"{action.key}: {why}; created unassigned"),
        )
        return _listed(issue)

    def _write_unassigned_if_refused(
        self,
        what: str,
        send: Callable[..., Any],
        fields: dict[str, Any],
        warn: Callable[[str], None],
    ) -> Any:
        """Send a create or edit; if GitHub refuses the assignee, send it once more without.

        A 422 is a validation failure: nothing was written, so the second send cannot
        duplicate anything. Any other failure is raised for the caller to re-list.
        """
        try:
            return self._write(what, lambda: send(**fields))
        except WriteFailed as failure:
            cause = failure.__cause__
            if not (isinstance(cause, GithubException) and _is_assignee_error(cause)):
                raise
            for login in fields.pop("assignees", []):
                self._assignable[login.lower()] = False
            warn(f"GitHub refused the assignee ({_message(cause)})")
            return self._write(what, lambda: send(**fields))

    def edit(self, action: Action, warn: Callable[[str], None]) -> ListedIssue:
        assert action.number is not None
        issue = self.repo.get_issue(action.number)  # lazy: no request
        if action.comment:
            try:
                last = self.last_comment(action.number)
            except GithubException as error:  # the issue is gone (404) or hidden
                message = f"read comments of #{action.number}: {_message(error)}"
                raise WriteFailed(message, unknown=False) from error
            match = CLOSE_COMMENT_RE.search(last or "")
            wanted = CLOSE_COMMENT_RE.search(action.comment)
            if not (match and wanted and match[1] == wanted[1]):
                self._write(
                    f"comment on #{action.number}", lambda: issue.create_comment(action.comment)
                )
        self._write_unassigned_if_refused(
            f"{action.kind} #{action.number} ({action.key})",
            issue.edit,
            dict(action.changes),
            lambda why: warn(f"{action.key}: {why}"),
        )
        return _listed(issue)


def _listed(issue: Any) -> ListedIssue:
    """A ListedIssue from a PyGithub Issue built from a write's response."""
    return ListedIssue(
        number=issue.number,
        title=issue.title or "",
        body=issue.body or "",
        state=issue.state,
        state_reason=issue.state_reason,
        labels=tuple(label.name for label in issue.labels),
        assignees=tuple(user.login for user in issue.assignees),
        url=issue.html_url or "",
    )


def _next_link(headers: dict[str, Any]) -> str | None:
    link = _header(headers, "link")
    if not link:
        return None
    for part in link.split(","):
        section = part.split(";")
        if len(section) >= 2 and section[1].strip() == 'rel="next"':
            return section[0].strip().strip("<>")
    return None


# ---------------------------------------------------------------------------- the run
@dataclass
class SyncResult:
    plan: Plan  # the first plan: what this run set out to do
    applied: dict[str, int] = field(default_factory=dict)  # writes done, by action kind
    failures: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # failed writes a later round made good
    warnings: list[str] = field(default_factory=list)
    issues: dict[str, ListedIssue] = field(default_factory=dict)  # final state, by key
    rounds: int = 0
    requests: int = 0
    writes: int = 0
    waited: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures


Progress = Callable[[int, int, Action], None]


def _by_key(issues: Iterable[ListedIssue]) -> dict[str, ListedIssue]:
    found: dict[str, ListedIssue] = {}
    for issue in sorted(issues, key=lambda i: i.number):
        if issue.key and not issue.is_pull_request:
            found.setdefault(issue.key, issue)
    return found


def _replace(issues: list[ListedIssue], new: ListedIssue) -> list[ListedIssue]:
    return [i for i in issues if i.number != new.number] + [new]


def sync(
    documents: Sequence[DocumentLike],
    settings: SyncSettings,
    api: GitHubIssues,
    known_numbers: dict[str, int] | None = None,
    progress: Progress | None = None,
    max_rounds: int = MAX_ROUNDS,
) -> SyncResult:
    """List, plan, apply; after a failed write list again and re-plan, for at most max_rounds."""
    api.check_access()
    issues = api.list_managed(settings.label)
    unassignable: set[str] = set(settings.unassignable)
    warnings: list[str] = []
    given_up: set[str] = set()  # keys whose write failed for a reason a retry will not fix

    def make_plan() -> Plan:
        return plan_sync(documents, issues, replace(settings, unassignable=frozenset(unassignable)))

    plan = make_plan()
    # An issue we created before but cannot list (someone removed the managed label): adopt it
    # by number from the state file, after checking its marker, instead of creating a twin.
    adopted = False
    for action in plan.writes:
        number = (known_numbers or {}).get(action.key)
        if action.kind == "create" and number:
            issue = api.fetch(number)
            if issue is not None and issue.key == action.key:
                issues.append(issue)
                adopted = True
    if adopted:
        plan = make_plan()
    result = SyncResult(
        plan=plan, applied=dict.fromkeys(("create", "update", "close", "reopen"), 0)
    )
    done, total = 0, len(plan.writes)
    last_error = ""

    for round_number in range(1, max_rounds + 1):
        result.rounds = round_number
        # Owners GitHub cannot assign are learned before writing, so the plan stays stable.
        logins = {
            login.lower()
            for action in plan.writes
            for login in action.changes.get("assignees", [])
            if login.lower() not in unassignable
        }
        refused = {login for login in sorted(logins) if not api.can_assign(login)}
        if refused:
            unassignable |= refused
            plan = make_plan()
        writes = [a for a in plan.writes if a.key not in given_up]
        if not writes:
            break
        try:
            api.ensure_labels(plan.managed_labels())
            for action in writes:
                try:
                    if action.kind == "create":
                        new = api.create(action, warnings.append)
                    else:
                        new = api.edit(action, warnings.append)
                except WriteFailed as failure:
                    if not failure.unknown and not failure.wait:
                        # Refused for a reason a new attempt will not fix (422, 404, ...).
                        given_up.add(action.key)
                        result.failures.append(api.scrub(str(failure)))
                    raise
                issues = _replace(issues, new)
                result.applied[action.kind] += 1
                done += 1
                if progress:
                    progress(done, max(total, done), action)
            break
        except WriteFailed as failure:
            last_error = api.scrub(str(failure))
            result.recovered.append(last_error)
            if failure.wait:
                api.wait(failure.wait, last_error)
            # The failed write may or may not have happened: ask GitHub, not our memory.
            issues = api.list_managed(settings.label)
            plan = make_plan()

    final = make_plan()
    leftover = [a for a in final.writes if a.key not in given_up]
    if leftover:
        result.failures.append(
            f"{len(leftover)} change(s) not applied after {result.rounds} round(s)"
            + (f"; last error: {last_error}" if last_error else ": GitHub did not keep them")
        )
    result.recovered = [e for e in result.recovered if e not in result.failures]
    result.warnings = list(dict.fromkeys([*final.warnings, *warnings]))
    result.issues = _by_key(issues)
    result.requests = api.requests
    result.writes = api.writes
    result.waited = api.waited
    return result


def state_payload(repo: str, issues: dict[str, ListedIssue], synced_at: str) -> dict[str, Any]:
    """The sync state file read by the site: issue number, link and state per action item."""
    return {
        "repo": repo,
        "synced_at": synced_at,
        "items": {
            key: {
                "number": issue.number,
                "url": issue.url,
                "state": issue.state,
                "state_reason": issue.state_reason,
                "assignees": list(issue.assignees),
                "title": issue.title,
            }
            for key, issue in sorted(issues.items())
        },
    }
