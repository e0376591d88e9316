"""The GitHub side of the sync: find the managed issues, apply a plan, survive faults.

A thin adapter over PyGithub's requester (real HTTP, its connection handling and redirects);
the decisions live in `plan.py`. Every request goes through `GitHubIssues._call`, which sends
``Accept: application/vnd.github+json`` and ``X-GitHub-Api-Version: 2022-11-28`` and counts it.

Where the item -> issue mapping lives. A CI runner starts empty, and people remove labels,
delete markers, rename and transfer issues. So the mapping is kept *in git*: after every run
that changed it, the sync writes ``issues.json`` (key -> issue number, URL, state) to a branch
of the repository (``postmortem-sync`` by default) through the contents API, and the next run
reads it first. An issue number survives every edit a person can make; a transferred issue
answers with a redirect, and a deleted one with 404/410. Listing the issues that carry the
managed label (100 a page) then gives the current state of all of them in ceil(N/100)
requests; an issue in the mapping but not in that list (label removed) is read by number.
Issues found by marker but missing from the mapping (a run that died before saving it) are
adopted. See the README, "Where the mapping lives".

Failures:
- No write is ever retried blindly: a 502 or a reset after GitHub stored a create would make
  a twin. A write with an unknown outcome is followed by a pause (lists lag writes), a fresh
  listing and a new plan, and a create whose outcome is still unknown is not repeated in the
  same run: the next run finds it, or creates it.
- A 403 that is not a rate limit means the token lacks a permission: the run stops at once
  and names it (``issues: write``, ``contents: write``). 401 (bad token), 404 (no repository)
  and 410 (issues disabled) stop it too.
- A 422 fails one item (a label, an assignee, a body GitHub refuses); the rest go on. A 422
  about the assignee is retried once without it (a validation failure wrote nothing).
- ``Retry-After`` and ``x-ratelimit-*`` are waited out through an injectable clock (tests
  never sleep), each wait bounded by ``max_wait``. Writes are at least ``pace`` seconds apart
  (1 s by default, as GitHub asks), and one run makes at most ``max_writes`` writes (450 by
  default, under GitHub's 500 content-creating requests an hour): the rest is left to the
  next run, and the output says so.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import quote

import requests

from .options import (  # noqa: F401 (re-exported)
    DEFAULT_API_URL,
    DEFAULT_MAX_WAIT,
    DEFAULT_MAX_WRITES,
    DEFAULT_PACE,
    DEFAULT_SETTLE,
    DEFAULT_STATE_BRANCH,
)
from .plan import (
    CLOSE_COMMENT_RE,
    DRIFT_COMMENT_RE,
    Action,
    DocumentLike,
    Drift,
    ListedIssue,
    Plan,
    SyncSettings,
    plan_sync,
)

API_VERSION = "2022-11-28"
ACCEPT = "application/vnd.github+json"
STATE_PATH = "issues.json"
SECONDARY_LIMIT_WAIT = 60.0  # GitHub: wait at least a minute when no Retry-After is given
MAX_ROUNDS = 8  # list -> plan -> apply rounds; a new round follows a write of unknown outcome
MAX_PAGES = 1_000  # 100,000 issues: a bound on pagination, never reached in practice
READ_ATTEMPTS = 3  # a GET is safe to repeat; backoff 0.25 s, then 0.5 s
RATE_LIMIT_ATTEMPTS = 3  # a write refused by a rate limit is sent again at most this often

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

    def __init__(self, message: str, unreachable: bool = False, permission: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable
        self.permission = permission


class WriteFailed(Exception):
    """A write failed. ``unknown`` when it may have been committed (5xx, reset, timeout)."""

    def __init__(
        self,
        message: str,
        unknown: bool,
        wait: float | None = None,
        status: int = 0,
        data: Any = None,
    ) -> None:
        super().__init__(message)
        self.unknown = unknown
        self.wait = wait
        self.status = status
        self.data = data

    @property
    def assignee_refused(self) -> bool:
        data = self.data if isinstance(self.data, dict) else {}
        return self.status == 422 and any(
            isinstance(e, dict) and e.get("field") in ("assignees", "assignee")
            for e in data.get("errors") or []
        )


class NotFound(Exception):
    """A read answered 404 or 410 (the issue, label or file is not there)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def message_of(status: int, data: Any) -> str:
    """GitHub's error as one line: "HTTP 422: Validation Failed (assignees invalid)"."""
    data = data if isinstance(data, dict) else {}
    text = str(data.get("message") or "").strip()
    details = [
        e.get("message") or f"{e.get('field')} {e.get('code')}"
        for e in data.get("errors") or []
        if isinstance(e, dict)
    ]
    return f"HTTP {status}: {text}" + (f" ({'; '.join(details)})" if details else "")


def _header(headers: dict[str, Any] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value)
    return None


def _scope(url: str) -> str:
    return "contents" if "/contents/" in url or "/git/" in url else "issues"


class GitHubIssues:
    """The managed issues of one repository, with pacing, rate limits and a request count."""

    def __init__(
        self,
        repo: str,
        token: str,
        api_url: str = DEFAULT_API_URL,
        clock: Clock | None = None,
        pace: float = DEFAULT_PACE,
        max_wait: float = DEFAULT_MAX_WAIT,
        timeout: int = 30,
        max_writes: int | None = None,
    ) -> None:
        self.name = repo
        self.clock = clock or SystemClock()
        self.pace = pace
        self.max_wait = max_wait
        self.max_writes = max_writes
        self.requests = 0
        self.writes = 0
        self.waited = 0.0
        self.paced: list[float] = []  # every pause made to keep writes apart, in seconds
        self._last_write: float | None = None
        self._assignable: dict[str, bool] = {}
        self._labels: set[str] | None = None
        self._token = token
        from github import Auth, Github  # PyGithub only when talking to GitHub

        self.github = Github(
            auth=Auth.Token(token),
            base_url=api_url.rstrip("/"),
            retry=None,  # never retry a write: see the module docstring
            per_page=100,
            seconds_between_requests=None,  # pacing is ours, through the injectable clock
            seconds_between_writes=None,
            lazy=True,
            timeout=timeout,
            user_agent="postmortem-sync",
            api_version=API_VERSION,
        )
        self.requester = self.github.requester

    def close(self) -> None:
        self.github.close()

    def scrub(self, text: str) -> str:
        """Never let the token reach output, whatever an exception message contains."""
        return text.replace(self._token, "***") if self._token else text

    @property
    def repo_path(self) -> str:
        return f"/repos/{self.name}"

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
            pause = max(self._last_write + self.pace - self.clock.now(), 0)
            if pause > 0:
                self.paced.append(pause)
                self.clock.sleep(pause)

    def _limit_wait(self, status: int, headers: dict[str, Any], data: Any) -> float | None:
        """Seconds to wait when the answer is a rate limit, else None."""
        if status not in (403, 429):
            return None
        retry_after = _header(headers, "retry-after")
        if retry_after is not None and retry_after.strip().isdigit():
            return float(retry_after)
        if _header(headers, "x-ratelimit-remaining") == "0":
            reset = _header(headers, "x-ratelimit-reset")
            if reset and reset.isdigit():
                return max(int(reset) - self.clock.now(), 0) + 1
        message = str(data.get("message", "") if isinstance(data, dict) else "")
        if status == 429 or "rate limit" in message.lower():
            return SECONDARY_LIMIT_WAIT
        return None

    # ------------------------------------------------------------------ requests
    def _call(
        self, verb: str, url: str, params: dict[str, Any] | None = None, body: Any = None
    ) -> tuple[int, dict[str, Any], Any]:
        """One request with GitHub's media type and API version; transport errors raised."""
        write = verb != "GET"
        self._before_request(write)
        self.requests += 1
        if write:
            self.writes += 1
        headers = {"Accept": ACCEPT}
        try:
            status, response_headers, text = self.requester.requestJson(
                verb, url, parameters=params, headers=headers, input=body
            )
        finally:
            if write:
                self._last_write = self.clock.now()
        try:
            data = json.loads(text) if text else None
        except ValueError:
            data = {"message": str(text)[:200]}
        return status, response_headers, data

    def _stop(self, verb: str, url: str, status: int, data: Any) -> SyncAborted | None:
        """The error that ends the run for this answer, or None when it is not fatal."""
        if status == 401:
            return SyncAborted(
                "GitHub refused the token (401 Bad credentials): check GITHUB_TOKEN",
                unreachable=True,
            )
        if status == 403:
            scope = _scope(url)
            level = "read" if verb == "GET" else "write"
            return SyncAborted(
                f"{verb} {url.split('?')[0]}: {message_of(status, data)}. The token lacks the "
                f"`{scope}: {level}` permission on {self.name}: grant it in the workflow's "
                f"`permissions:` ({scope}: {level}), or give the token that access",
                unreachable=True,
                permission=True,
            )
        if status == 410 and "disabled" in message_of(status, data).lower():
            return SyncAborted(f"issues are disabled in {self.name}", unreachable=True)
        return None

    def _get(self, url: str, params: dict[str, Any] | None = None) -> tuple[dict, Any]:
        """One GET, retried (GETs are safe) on transient failures, waiting out rate limits."""
        last = ""
        for attempt in range(READ_ATTEMPTS):
            try:
                status, headers, data = self._call("GET", url, params)
            except (requests.RequestException, OSError) as error:
                last = f"{type(error).__name__}: {error}"
                if attempt + 1 < READ_ATTEMPTS:
                    self.clock.sleep(0.25 * 2**attempt)
                continue
            if status < 300:
                return headers, data
            wait = self._limit_wait(status, headers, data)
            if wait is None:
                stop = self._stop("GET", url, status, data)
                if stop is not None:
                    raise stop
                if status in (404, 410):
                    raise NotFound(status, message_of(status, data))
                if status < 500:
                    raise SyncAborted(f"GET {url}: {message_of(status, data)}", unreachable=True)
            last = message_of(status, data)
            if attempt + 1 < READ_ATTEMPTS:
                self.wait(wait if wait is not None else 0.25 * 2**attempt, f"GET {url}")
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

    def send_once(self, verb: str, url: str, body: dict[str, Any], what: str) -> Any:
        """One write, never repeated here; a refusal that ends the run is raised as such."""
        try:
            status, headers, data = self._call(verb, url, body=body)
        except (requests.RequestException, OSError) as error:
            raise WriteFailed(
                self.scrub(f"{what}: {type(error).__name__}: {error}"), unknown=True
            ) from None
        if status < 300:
            return data
        wait = self._limit_wait(status, headers, data)
        if wait is not None:
            raise WriteFailed(f"{what}: rate limited ({message_of(status, data)})", False, wait)
        stop = self._stop(verb, url, status, data)
        if stop is not None:
            raise stop
        unknown = status >= 500
        raise WriteFailed(f"{what}: {message_of(status, data)}", unknown, None, status, data)

    def send(self, verb: str, url: str, body: dict[str, Any], what: str) -> Any:
        """A write; a rate limit (nothing stored) is waited out and the write sent again."""
        for attempt in range(RATE_LIMIT_ATTEMPTS):
            try:
                return self.send_once(verb, url, body, what)
            except WriteFailed as failure:
                if failure.wait is None or attempt + 1 == RATE_LIMIT_ATTEMPTS:
                    raise
                self.wait(failure.wait, str(failure))
        raise AssertionError("unreachable")  # pragma: no cover

    # -------------------------------------------------------------------- reads
    def check_access(self) -> dict[str, Any]:
        try:
            _headers, data = self._get(self.repo_path)
        except NotFound as error:
            raise SyncAborted(
                f"repository {self.name} not found, or the token cannot see it ({error})",
                unreachable=True,
            ) from None
        if isinstance(data, dict) and data.get("has_issues") is False:
            raise SyncAborted(f"issues are disabled in {self.name}", unreachable=True)
        return data if isinstance(data, dict) else {}

    def list_managed(self, label: str) -> list[ListedIssue]:
        """All issues with the managed label, open and closed; pull requests left out."""
        return self._list_issues({"state": "all", "labels": label})

    def list_all(self) -> list[ListedIssue]:
        """Every issue of the repository, open and closed (pull requests left out)."""
        return self._list_issues({"state": "all"})

    def _list_issues(self, params: dict[str, Any]) -> list[ListedIssue]:
        try:
            listed = list(self._pages(f"{self.repo_path}/issues", params))
        except NotFound as error:
            raise SyncAborted(f"cannot list the issues of {self.name}: {error}") from None
        return [i for i in map(ListedIssue.from_json, listed) if not i.is_pull_request]

    def fetch(self, number: int) -> tuple[str, ListedIssue | None]:
        """("here" | "moved" | "gone", issue): one issue by number; a transfer is followed."""
        try:
            _headers, data = self._get(f"{self.repo_path}/issues/{number}")
        except NotFound:
            return "gone", None
        if not isinstance(data, dict) or "pull_request" in data:
            return "gone", None
        issue = ListedIssue.from_json(data)
        home = str(data.get("repository_url") or "").rstrip("/").lower()
        if home and not home.endswith(f"/repos/{self.name}".lower()):
            # Keep the number it had here: that is what the mapping knows it by.
            return "moved", replace(issue, number=number, moved_to=issue.url or home)
        return "here", issue

    def can_assign(self, login: str) -> bool | None:
        """True, False (GitHub answered 404), or None when the check itself failed."""
        key = login.lower()
        if key not in self._assignable:
            try:
                self._get(f"{self.repo_path}/assignees/{quote(login)}")
            except NotFound:
                self._assignable[key] = False
            except SyncAborted as error:
                if error.permission or "401" in str(error):
                    raise
                return None  # unknown: send it; GitHub's 422 on the write is handled
            else:
                self._assignable[key] = True
        return self._assignable[key]

    def comments(self, number: int) -> list[dict[str, Any]]:
        try:
            return list(self._pages(f"{self.repo_path}/issues/{number}/comments", {}))
        except NotFound as error:
            raise WriteFailed(f"read comments of #{number}: {error}", unknown=False) from None

    def last_comment(self, number: int) -> str | None:
        found = self.comments(number)
        return found[-1].get("body") if found else None

    # ------------------------------------------------------------------- writes
    def missing_labels(self, names: Iterable[str]) -> int:
        """How many of these labels a write would have to create (all, before the first list)."""
        names = set(names)
        if self._labels is None:
            return len(names)
        return sum(1 for name in names if name.lower() not in self._labels)

    def ensure_labels(self, names: Iterable[str]) -> None:
        """Create missing managed labels with our colours; a refused label raises WriteFailed."""
        wanted = sorted(set(names))
        if not wanted:
            return
        if self._labels is None:
            self._labels = {
                label["name"].lower() for label in self._pages(f"{self.repo_path}/labels", {})
            }
        for name in wanted:
            if name.lower() in self._labels:
                continue
            suffix = name.rsplit(":", 1)[-1].strip()
            color = LABEL_COLORS.get(suffix, LABEL_COLOR) if ":" in name else LABEL_COLOR
            description = "Action item from a post-mortem, kept in sync by postmortem sync"
            body = {"name": name, "color": color, "description": description}
            try:
                self.send("POST", f"{self.repo_path}/labels", body, f"create label {name!r}")
            except WriteFailed as failure:
                if "already_exists" not in json.dumps(failure.data or {}):
                    raise
            self._labels.add(name.lower())

    def create(self, action: Action, warn: Callable[[str], None]) -> ListedIssue:
        data = self._unassigned_if_refused(
            "POST",
            f"{self.repo_path}/issues",
            dict(action.changes),
            f"create issue for {action.key}",
            lambda why: warn(f"{action.key}: {why}; created unassigned"),
        )
        return ListedIssue.from_json(data)

    def _unassigned_if_refused(
        self, verb: str, url: str, fields: dict[str, Any], what: str, warn: Callable[[str], None]
    ) -> Any:
        """Send a create or edit; if GitHub refuses the assignee, send it once more without.

        A 422 is a validation failure: nothing was written, so the second send cannot
        duplicate anything. Any other failure is raised for the caller.
        """
        try:
            return self.send(verb, url, fields, what)
        except WriteFailed as failure:
            if not failure.assignee_refused or "assignees" not in fields:
                raise
            for login in fields.pop("assignees", []):
                self._assignable[login.lower()] = False
            warn(f"GitHub refused the assignee ({message_of(failure.status, failure.data)})")
            return self.send(verb, url, fields, what)

    def edit(self, action: Action, warn: Callable[[str], None]) -> ListedIssue:
        assert action.number is not None
        url = f"{self.repo_path}/issues/{action.number}"
        if action.comment and not self._commented(action.number, action.comment):
            self.send("POST", f"{url}/comments", {"body": action.comment},
                      f"comment on #{action.number}")  # fmt: skip
        data = self._unassigned_if_refused(
            "PATCH",
            url,
            dict(action.changes),
            f"{action.kind} #{action.number} ({action.key})",
            lambda why: warn(f"{action.key}: {why}"),
        )
        return ListedIssue.from_json(data)

    def _commented(self, number: int, comment: str) -> bool:
        """True when the sync's comment is already on the issue (a run that failed after it)."""
        wanted = CLOSE_COMMENT_RE.search(comment)
        if wanted:
            match = CLOSE_COMMENT_RE.search(self.last_comment(number) or "")
            return bool(match and match[1] == wanted[1])
        drift = DRIFT_COMMENT_RE.search(comment)
        if drift:
            for found in self.comments(number):
                match = DRIFT_COMMENT_RE.search(found.get("body") or "")
                if match and match[1] == drift[1]:
                    return True
        return False

    # ------------------------------------------------------------- the mapping
    def read_state(self, branch: str, path: str = STATE_PATH) -> tuple[dict[str, Any], str | None]:
        """The mapping file on its branch: (payload, blob sha), or ({}, None) when absent."""
        try:
            _headers, data = self._get(f"{self.repo_path}/contents/{path}", {"ref": branch})
        except NotFound:
            return {}, None
        if not isinstance(data, dict) or data.get("type", "file") != "file":
            return {}, None
        try:
            text = base64.b64decode(data.get("content") or "").decode("utf-8")
            payload = json.loads(text) if text.strip() else {}
        except (ValueError, UnicodeDecodeError):
            return {}, data.get("sha")  # unreadable: rebuilt from GitHub and overwritten
        return (payload if isinstance(payload, dict) else {}), data.get("sha")

    def write_state(
        self,
        branch: str,
        payload: dict[str, Any],
        sha: str | None,
        default_branch: str,
        path: str = STATE_PATH,
    ) -> None:
        """Save the mapping on its branch (created from the default branch the first time)."""
        if sha is None:
            try:
                self._get(f"{self.repo_path}/git/ref/heads/{quote(branch)}")
            except NotFound:
                _h, head = self._get(f"{self.repo_path}/git/ref/heads/{quote(default_branch)}")
                self.send(
                    "POST",
                    f"{self.repo_path}/git/refs",
                    {"ref": f"refs/heads/{branch}", "sha": head["object"]["sha"]},
                    f"create branch {branch}",
                )
        text = json.dumps(payload, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        body: dict[str, Any] = {
            "message": "postmortem sync: issue mapping",
            "content": base64.b64encode(text.encode("utf-8")).decode("ascii"),
            "branch": branch,
        }
        if sha:
            body["sha"] = sha
        self.send("PUT", f"{self.repo_path}/contents/{path}", body, f"save {path} on {branch}")


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
    plan: Plan  # the plan this run set out to apply (after the assignee checks)
    applied: dict[str, int] = field(default_factory=dict)  # writes done, by action kind
    failures: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # failed writes a later round made good
    warnings: list[str] = field(default_factory=list)
    issues: dict[str, ListedIssue] = field(default_factory=dict)  # final state, by key
    drift: list[Drift] = field(default_factory=list)
    deferred: int = 0  # writes left to the next run (the per-run write budget)
    gone: dict[str, int] = field(default_factory=dict)  # key -> number of a deleted issue
    state_saved: bool = False
    rounds: int = 0
    requests: int = 0
    writes: int = 0
    waited: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def unchanged(self) -> int:
        return self.plan.counts()["unchanged"]


Progress = Callable[[int, int, Action], None]


def _by_key(issues: Iterable[ListedIssue]) -> dict[str, ListedIssue]:
    found: dict[str, ListedIssue] = {}
    for issue in sorted(issues, key=lambda i: i.number):
        if issue.key and not issue.is_pull_request:
            found.setdefault(issue.key, issue)
    return found


def _replace(issues: list[ListedIssue], new: ListedIssue) -> list[ListedIssue]:
    return [i for i in issues if i.number != new.number] + [new]


@dataclass
class Mapping:
    """The item -> issue mapping read from git at the start of a run."""

    numbers: dict[str, int] = field(default_factory=dict)
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    gone: dict[str, int] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)
    sha: str | None = None

    @classmethod
    def from_payload(cls, payload: dict[str, Any], repo: str, sha: str | None) -> Mapping:
        mapping = cls(payload=payload, sha=sha)
        if payload.get("repo", repo) != repo:
            return mapping
        items = payload.get("items")
        for key, entry in (items if isinstance(items, dict) else {}).items():
            if isinstance(entry, dict) and isinstance(entry.get("number"), int):
                mapping.numbers[str(key)] = entry["number"]
                mapping.entries[str(key)] = entry
        gone = payload.get("gone")
        for key, number in (gone if isinstance(gone, dict) else {}).items():
            if isinstance(number, int):
                mapping.gone[str(key)] = number
        return mapping


def find_managed(
    api: GitHubIssues, label: str, mapping: Mapping, warn: Callable[[str], None]
) -> tuple[list[ListedIssue], dict[str, int]]:
    """Every managed issue: the labelled ones in one listing, plus mapped ones it missed.

    Returns the issues and the keys whose issue was deleted (key -> old number).
    """
    issues = api.list_managed(label)
    by_number = {i.number: i for i in issues}
    keys_by_number = {number: key for key, number in mapping.numbers.items()}
    gone = dict(mapping.gone)
    found: list[ListedIssue] = []
    for issue in issues:
        key = keys_by_number.get(issue.number)
        entry = mapping.entries.get(key or "", {})
        stale = bool(entry.get("updated_at")) and issue.updated_at < str(entry["updated_at"])
        if stale:  # the list lags a write of ours: read the issue itself
            where, fresh = api.fetch(issue.number)
            issue = fresh if where == "here" and fresh else issue
        found.append(replace(issue, mapped_key=key) if key else issue)
    listed_keys = {i.key for i in found}
    for key, number in sorted(mapping.numbers.items(), key=lambda kv: kv[1]):
        if number in by_number or key in listed_keys:
            continue
        entry = mapping.entries[key]
        if entry.get("moved_to"):
            found.append(
                ListedIssue(
                    number,
                    str(entry.get("title") or ""),
                    "",
                    "closed" if entry.get("state") == "closed" else "open",
                    state_reason=entry.get("state_reason"),
                    assignees=tuple(a for a in entry.get("assignees") or [] if isinstance(a, str)),
                    url=str(entry["moved_to"]),
                    mapped_key=key,
                    updated_at=str(entry.get("updated_at") or ""),
                    moved_to=str(entry["moved_to"]),
                )
            )
            continue
        where, issue = api.fetch(number)
        if where == "gone" or issue is None:
            gone[key] = number
            warn(
                f"{key}: issue #{number} was deleted on GitHub; the sync does not create it "
                "again (give the row a new ID to have a new issue)"
            )
            continue
        if issue.key not in (None, key):
            continue  # the number now carries another item's marker: trust the marker
        found.append(replace(issue, mapped_key=key))
    return found, gone


def read_mapping(api: GitHubIssues, settings: SyncSettings, state_branch: str | None) -> Mapping:
    """The item -> issue mapping saved on the state branch (empty without one)."""
    if not state_branch:
        return Mapping()
    payload, sha = api.read_state(state_branch)
    return Mapping.from_payload(payload, settings.repo, sha)


def plan_over(
    documents: Sequence[DocumentLike],
    issues: Sequence[ListedIssue],
    gone: dict[str, int],
    settings: SyncSettings,
    unassignable: set[str],
) -> Plan:
    """The plan over these issues with the owners known to be unassignable; an item whose
    issue was deleted on GitHub is not created again."""
    plan = plan_sync(documents, issues, replace(settings, unassignable=frozenset(unassignable)))
    plan.actions = [a for a in plan.actions if not (a.kind == "create" and a.key in gone)]
    return plan


def sync(
    documents: Sequence[DocumentLike],
    settings: SyncSettings,
    api: GitHubIssues,
    progress: Progress | None = None,
    max_rounds: int = MAX_ROUNDS,
    state_branch: str | None = DEFAULT_STATE_BRANCH,
    settle: float = DEFAULT_SETTLE,
    max_writes: int = DEFAULT_MAX_WRITES,
) -> SyncResult:
    """Read the mapping, find the issues, plan, apply; save the mapping when it changed."""
    repo = api.check_access()
    mapping = read_mapping(api, settings, state_branch)
    warnings: list[str] = []
    issues, gone = find_managed(api, settings.label, mapping, warnings.append)
    unassignable: set[str] = set(settings.unassignable)

    def make_plan() -> Plan:
        return plan_over(documents, issues, gone, settings, unassignable)

    # Owners are checked one write at a time, just before it (never a batch of checks before
    # the first write: a token that cannot write is told so within a few requests).
    plan = make_plan()
    initial = list(issues)
    known_unassignable = set(unassignable)
    result = SyncResult(
        plan=plan, applied=dict.fromkeys(("create", "update", "close", "reopen"), 0)
    )
    result.failures.extend(plan.errors)
    finished: set[str] = set()  # keys written, or refused for a reason a retry will not fix
    uncertain: set[str] = set()  # creates of unknown outcome: never sent twice in one run
    unknown: dict[str, str] = {}  # key -> the failure of a write of unknown outcome
    done, total = 0, len(plan.writes)
    exhausted = False
    reserve = 2 if state_branch else 0  # the mapping's save stays inside the budget
    current = True  # `plan` is what make_plan() would give now (no issue changed since)

    for round_number in range(1, max_rounds + 1):
        result.rounds = round_number
        pending = [a for a in plan.writes if a.key not in finished and a.key not in uncertain]
        if not pending:
            break
        retry = False
        for index, planned in enumerate(pending):
            listed = {i.number: i for i in issues}.get(planned.number or 0)
            action = assignable_only(api, planned, listed, unassignable)
            if action is None:  # only an assignee GitHub refuses: nothing left to write
                finished.add(planned.key)
                continue
            labels = plan.labels_of(action)
            cost = 1 + (1 if action.comment else 0) + api.missing_labels(labels) + reserve
            if api.writes > 0 and api.writes + cost > max_writes:
                result.deferred = len(pending) - index
                break
            try:
                api.ensure_labels(labels)
                if action.kind == "create":
                    new = api.create(action, warnings.append)
                else:
                    new = api.edit(action, warnings.append)
            except WriteFailed as failure:
                text = api.scrub(str(failure))
                if failure.unknown:
                    unknown[action.key] = text
                    if action.kind == "create":
                        uncertain.add(action.key)
                    retry = True
                    break
                finished.add(action.key)
                result.failures.append(text)
                continue
            finished.add(action.key)
            issues = _replace(issues, replace(new, mapped_key=action.key))
            current = False
            result.applied[action.kind] += 1
            done += 1
            if progress:
                progress(done, max(total, done), action)
        if not retry or result.deferred:
            break
        if round_number == max_rounds:
            exhausted = True
            break
        # The write may or may not have happened: let GitHub's lists catch up, then ask GitHub,
        # not our memory, and plan again.
        api.clock.sleep(settle)
        issues, gone = find_managed(api, settings.label, mapping, lambda _w: None)
        plan = make_plan()
        current = True

    learned = unassignable != known_unassignable  # owners GitHub refused during the run
    final = plan if current and not learned else make_plan()  # a no-op re-sync plans once
    if learned:
        # What this run set out to do, with what it learnt about owners GitHub cannot assign.
        result.plan = plan_over(documents, initial, gone, settings, unassignable)
        result.plan.errors = list(plan.errors)
    still = {a.key: a for a in final.writes}
    for key, text in unknown.items():
        if key not in still:
            result.recovered.append(text)  # the write happened, or a re-plan made it good
        elif key in uncertain:
            result.failures.append(
                f"{text}; the outcome is unknown and the issue is not listed yet: the next run "
                "creates it if it is still missing (never twice)"
            )
    leftover = [k for k in still if k not in finished and k not in uncertain]
    if exhausted and leftover:
        last = next(reversed(unknown.values()), "")
        result.failures.append(
            f"{len(leftover)} change(s) not applied after {result.rounds} round(s)"
            + (f"; last error: {last}" if last else "")
        )
    result.drift = final.drift
    result.warnings = list(dict.fromkeys([*final.warnings, *warnings]))
    result.issues = _by_key(issues)
    result.gone = gone
    if state_branch:
        payload = state_payload(settings.repo, result.issues, "", gone)
        if _items(payload) != _items(mapping.payload):
            payload["synced_at"] = _utc_now()
            try:
                api.write_state(
                    state_branch, payload, mapping.sha, repo.get("default_branch") or "main"
                )
                result.state_saved = True
            except WriteFailed as failure:
                result.failures.append(
                    api.scrub(f"the issue mapping was not saved on {state_branch}: {failure}")
                )
    result.requests = api.requests
    result.writes = api.writes
    result.waited = api.waited
    return result


def assignable_only(
    api: GitHubIssues, action: Action, issue: ListedIssue | None, unassignable: set[str]
) -> Action | None:
    """The action without the assignees GitHub refuses (checked now, once per login); None
    when nothing is left to write. Only logins the write would add are checked."""
    wanted = action.changes.get("assignees")
    if not wanted:
        return action
    current = {a.lower() for a in issue.assignees} if issue else set()
    refused = set()
    for login in wanted:
        key = login.lower()
        if key not in current and (key in unassignable or api.can_assign(login) is False):
            refused.add(key)
    if not refused:
        return action
    unassignable |= refused
    kept = [a for a in wanted if a.lower() not in refused]
    changes = dict(action.changes)
    if action.kind == "create":
        changes["assignees"] = kept
        if not kept:
            changes.pop("assignees")
    elif {a.lower() for a in kept} != current:
        changes["assignees"] = kept  # e.g. the old owner handed over to someone unassignable
    else:
        changes.pop("assignees")
    if not changes and not action.comment:
        return None
    return replace(action, changes=changes)


def learn_assignees(
    api: GitHubIssues,
    make_plan: Callable[[], Plan],
    issues: list[ListedIssue],
    unassignable: set[str],
) -> Plan:
    """Check only the logins a write would add (none on a no-op run); re-plan without refusals."""
    plan = make_plan()
    current = {i.number: {a.lower() for a in i.assignees} for i in issues}
    logins: set[str] = set()
    for action in plan.writes:
        had = current.get(action.number or 0, set())
        logins |= {a.lower() for a in action.changes.get("assignees", []) if a.lower() not in had}
    refused = {login for login in sorted(logins - unassignable) if api.can_assign(login) is False}
    if refused:
        unassignable |= refused
        plan = make_plan()
    return plan


def _items(payload: dict[str, Any]) -> Any:
    """What a change of the mapping is: not ``updated_at``, which every comment moves."""
    items = payload.get("items")
    if isinstance(items, dict):
        items = {
            k: {f: v for f, v in e.items() if f != "updated_at"} if isinstance(e, dict) else e
            for k, e in items.items()
        }
    return (items, payload.get("gone") or {})


def _utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def prepare(
    documents: Sequence[DocumentLike],
    settings: SyncSettings,
    api: GitHubIssues,
    state_branch: str | None = DEFAULT_STATE_BRANCH,
) -> Plan:
    """The plan a real run would start with (for --dry-run): reads only, assignees checked."""
    api.check_access()
    mapping = read_mapping(api, settings, state_branch)
    warnings: list[str] = []
    issues, gone = find_managed(api, settings.label, mapping, warnings.append)
    unassignable: set[str] = set(settings.unassignable)

    def make_plan() -> Plan:
        return plan_over(documents, issues, gone, settings, unassignable)

    plan = learn_assignees(api, make_plan, issues, unassignable)
    plan.warnings = list(dict.fromkeys([*plan.warnings, *warnings]))
    return plan


def state_payload(
    repo: str, issues: dict[str, ListedIssue], synced_at: str, gone: dict[str, int] | None = None
) -> dict[str, Any]:
    """The mapping and the site's state file: issue number, link and state per action item."""
    items: dict[str, Any] = {}
    for key, issue in sorted(issues.items()):
        entry: dict[str, Any] = {
            "number": issue.number,
            "url": issue.moved_to or issue.url,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "assignees": list(issue.assignees),
            "title": issue.title,
        }
        if issue.updated_at:
            entry["updated_at"] = issue.updated_at
        if issue.moved_to:
            entry["moved_to"] = issue.moved_to
        items[key] = entry
    payload: dict[str, Any] = {"repo": repo, "synced_at": synced_at, "items": items}
    if gone:
        payload["gone"] = dict(sorted(gone.items()))
    return payload
