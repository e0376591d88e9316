"""A stateful GitHub REST emulator for tests: a threaded HTTP server on 127.0.0.1.

Why an emulator and not mocks: the sync must survive what the real network and GitHub do
(pagination by ``Link`` header, 502 after a committed write, connection resets, secondary
rate limits). Pointing the real PyGithub client at a real HTTP server exercises the whole
path, including PyGithub's own retry and URL checks.

It behaves like GitHub where it matters for issue sync:
- issues and pull requests share one number sequence; ``GET /issues`` includes pull requests,
  each with a ``pull_request`` key;
- ``labels=a,b`` means both labels; ``state=open|closed|all``; pages of ``per_page`` (max 100)
  with ``Link`` headers built from the exact ``Host`` the client used;
- label and assignee sets are replaced on edit; labels unknown to the repository are created
  on use, as GitHub does;
- 422 for an unknown assignee, a missing or over-long title and an over-long body; 401 for a bad
  token; 403 + ``Retry-After`` (secondary limit), 403 with ``x-ratelimit-remaining: 0``
  (primary limit) and 429 on demand; a switch that answers 502 after committing a write;
  connection resets before or after the commit; hooks to stop the client process mid-request.
- ``state_reason`` only applies with a change of ``state`` (GitHub ignores it otherwise);
- an installation token with too few permissions (``Emulator.permissions``) gets 403
  "Resource not accessible by integration"; ``GET /user`` is 403 for it, as on GitHub;
- 410 when the repository has issues disabled, and for a deleted issue; 301 to
  ``/repositories/{id}/issues/{n}`` for a transferred issue;
- 422 for a label name over 50 characters;
- list endpoints lag writes by ``read_lag`` seconds of ``clock`` (injectable, so tests share
  the sync's fake clock and never sleep);
- the contents API and git refs, enough to keep a file on a branch;
- every request is counted by method and path, and logged with its headers, query, body and
  response (``Emulator.log``) for the OpenAPI conformance test.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

TITLE_MAX = 256
LABEL_MAX = 50
BODY_MAX = 65_536
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
DOCS = "https://docs.github.com/rest"
# API URLs are stored with this placeholder and rendered with the Host the client used.
API = "http://{API}"

# Fault kinds understood by Emulator.inject().
FAULT_KINDS = (
    "502_after_commit",  # the write is committed, then the client gets 502 Bad Gateway
    "reset_before_commit",  # the connection is reset before anything happens
    "reset_after_commit",  # the write is committed, then the connection is reset
    "secondary_limit",  # 403 + Retry-After, nothing committed
    "primary_limit",  # 403 with x-ratelimit-remaining: 0 and a reset time, nothing committed
    "too_many_requests",  # 429 + Retry-After, nothing committed
    "hook_before_commit",  # call fault.hook() then reset the connection, nothing committed
    "hook_after_commit",  # commit, call fault.hook(), then reset the connection
)


@dataclass
class Fault:
    """One planned fault: applies to the next request(s) matching ``method`` and ``path``."""

    kind: str
    method: str | None = None  # None: any write method
    path: str | None = None  # regular expression searched in the path; None: any path
    times: int = 1
    skip: int = 0  # let this many matching requests through first (a fault at a random point)
    retry_after: int = 1
    hook: Callable[[], None] | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.method is None:
            if method not in WRITE_METHODS:
                return False
        elif self.method != method:
            return False
        return self.path is None or re.search(self.path, path) is not None


class _Reset(Exception):
    """Raised inside the handler to drop the connection with a TCP reset."""


@dataclass
class Repo:
    owner: str
    name: str
    id: int
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower-case name -> label
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)  # number -> issue (or PR)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    assignable: set[str] = field(default_factory=set)
    next_number: int = 1
    has_issues: bool = True
    default_branch: str = "main"
    # branch -> {path: (bytes, blob sha)}; "main" holds nothing the sync reads
    branches: dict[str, dict[str, tuple[bytes, str]]] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)  # branch -> commit sha
    moved: dict[int, tuple[str, int]] = field(default_factory=dict)  # number -> (repo, number)
    deleted: set[int] = field(default_factory=set)
    history: dict[int, list[tuple[float, dict[str, Any]]]] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


class Emulator:
    """The server and its state. Use as a context manager or call start()/stop()."""

    def __init__(self, token: str = "test-token", login: str = "sync-bot") -> None:
        self.token = token
        self.login = login
        self.lock = threading.RLock()
        self.repos: dict[str, Repo] = {}
        self.requests: list[list] = []  # [method, path, status]
        self.faults: list[Fault] = []
        self.rate_limit = 5000
        self.rate_remaining = 5000
        self.rate_reset_in = 3600  # seconds from "now" for x-ratelimit-reset
        self.response_delay = 0.0  # seconds to wait before answering any request
        # An installation token's permissions (GITHUB_TOKEN): scope -> "read" | "write".
        self.permissions: dict[str, str] = {"issues": "write", "contents": "write"}
        self.integration = True  # GET /user answers 403, as for an installation token
        self.read_lag = 0.0  # list endpoints show writes this many seconds late
        self.clock: Callable[[], float] = time.time
        self.log: list[dict[str, Any]] = []  # every request and response, for conformance
        self._ids = 1000
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> Emulator:
        handler = type("Handler", (_Handler,), {"emulator": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "emulator not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------- set-up helpers
    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def add_repo(self, full_name: str, assignable: set[str] | None = None) -> Repo:
        owner, name = full_name.split("/", 1)
        with self.lock:
            repo = Repo(owner, name, self._next_id(), assignable=set(assignable or ()))
            repo.assignable.add(self.login)
            repo.branches["main"] = {}
            repo.heads["main"] = hashlib.sha1(full_name.encode()).hexdigest()
            self.repos[full_name.lower()] = repo
            return repo

    def repo(self, full_name: str) -> Repo:
        return self.repos[full_name.lower()]

    def add_issue(self, full_name: str, title: str, body: str = "", **kw: Any) -> dict[str, Any]:
        """Create an issue directly (as a person would), bypassing faults and counting."""
        with self.lock:
            repo = self.repo(full_name)
            return self._create_issue(repo, {"title": title, "body": body, **kw})

    def add_pull_request(
        self, full_name: str, title: str, body: str = "", labels: list[str] | None = None
    ) -> dict[str, Any]:
        with self.lock:
            repo = self.repo(full_name)
            pr = self._create_issue(repo, {"title": title, "body": body})
            pr["labels"] = [self._label(repo, n) for n in labels or []]
            base = f"https://github.com/{repo.full_name}/pull/{pr['number']}"
            pr["pull_request"] = {
                "url": pr["url"].replace("/issues/", "/pulls/"),
                "html_url": base,
                "diff_url": base + ".diff",
                "patch_url": base + ".patch",
                "merged_at": None,
            }
            pr["html_url"] = base
            return pr

    def person_edit(self, full_name: str, number: int, **changes: Any) -> dict[str, Any]:
        """What a person does in the web UI: edit fields, labels (names), assignees (logins)."""
        with self.lock:
            repo = self.repo(full_name)
            issue = repo.issues[number]
            if "labels" in changes:
                issue["labels"] = [self._label(repo, n) for n in changes.pop("labels")]
            if "assignees" in changes:
                self._set_assignees(issue, changes.pop("assignees"))
            state = changes.pop("state", None)
            if state is not None and state != issue["state"]:
                reason = changes.pop("state_reason", None)
                closed = state == "closed"
                issue.update(
                    state=state,
                    state_reason=(reason or "completed") if closed else "reopened",
                    closed_at=_now() if closed else None,
                )
            issue.update(changes)
            self._touch(repo, issue)
            return issue

    def transfer(self, full_name: str, number: int, to: str) -> dict[str, Any]:
        """Move an issue to another repository (created when missing); the old number redirects."""
        with self.lock:
            source = self.repo(full_name)
            target = self.repos.get(to.lower()) or self.add_repo(to)
            issue = source.issues.pop(number)
            source.history.pop(number, None)
            moved = self._create_issue(target, {"title": issue["title"], "body": issue["body"]})
            for key in ("labels", "assignees", "assignee", "state", "state_reason", "closed_at"):
                moved[key] = copy.deepcopy(issue[key])
            source.moved[number] = (target.full_name, moved["number"])
            return moved

    def delete_issue(self, full_name: str, number: int) -> None:
        with self.lock:
            repo = self.repo(full_name)
            repo.issues.pop(number)
            repo.history.pop(number, None)
            repo.deleted.add(number)

    def _touch(self, repo: Repo, issue: dict[str, Any]) -> None:
        issue["updated_at"] = _now()
        repo.history.setdefault(issue["number"], []).append((self.clock(), copy.deepcopy(issue)))

    def _visible(self, repo: Repo) -> list[dict[str, Any]]:
        """The issues as a list endpoint shows them: as they were read_lag seconds ago."""
        if not self.read_lag:
            return list(repo.issues.values())
        horizon = self.clock() - self.read_lag
        shown = []
        for number, issue in repo.issues.items():
            versions = [v for t, v in repo.history.get(number, []) if t <= horizon]
            if versions:
                shown.append(versions[-1])
            elif number not in repo.history:
                shown.append(issue)  # made by the test set-up, before any history
        return shown

    def inject(self, kind: str, **kw: Any) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        fault = Fault(kind, **kw)
        with self.lock:
            self.faults.append(fault)
        return fault

    # ---------------------------------------------------------------- inspection
    def issues(self, full_name: str, include_prs: bool = False) -> list[dict[str, Any]]:
        with self.lock:
            items = sorted(self.repo(full_name).issues.values(), key=lambda i: i["number"])
            return [i for i in items if include_prs or "pull_request" not in i]

    def comments(self, full_name: str, number: int) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.repo(full_name).comments.get(number, []))

    def count(self, method: str | None = None, path: str | None = None) -> int:
        """Requests seen, optionally filtered by method and a path regular expression."""
        with self.lock:
            return sum(
                1
                for m, p, _ in self.requests
                if (method is None or m == method) and (path is None or re.search(path, p))
            )

    def counts(self) -> Counter[tuple[str, str]]:
        with self.lock:
            return Counter((m, p) for m, p, _ in self.requests)

    @property
    def writes(self) -> int:
        with self.lock:
            return sum(1 for m, _, _ in self.requests if m in WRITE_METHODS)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def reset_counts(self) -> None:
        with self.lock:
            self.requests.clear()

    # ------------------------------------------------------------ state changes
    def _user(self, login: str) -> dict[str, Any]:
        api = f"{API}/users/{login}"
        return {
            "login": login,
            "id": int(hashlib.sha1(login.encode()).hexdigest()[:7], 16),
            "node_id": f"U_{login}",
            "avatar_url": f"https://avatars.githubusercontent.com/{login}",
            "gravatar_id": "",
            "url": api,
            "html_url": f"https://github.com/{login}",
            "followers_url": api + "/followers",
            "following_url": api + "/following{/other_user}",
            "gists_url": api + "/gists{/gist_id}",
            "starred_url": api + "/starred{/owner}{/repo}",
            "subscriptions_url": api + "/subscriptions",
            "organizations_url": api + "/orgs",
            "repos_url": api + "/repos",
            "events_url": api + "/events{/privacy}",
            "received_events_url": api + "/received_events",
            "type": "Bot" if login.endswith("[bot]") else "User",
            "site_admin": False,
        }

    def _label(self, repo: Repo, name: str, color: str = "ededed", description: str | None = None):
        key = name.lower()
        if key not in repo.labels:
            repo.labels[key] = {
                "id": self._next_id(),
                "node_id": f"LA_{self._ids}",
                "url": f"{API}/repos/{repo.full_name}/labels/{quote(name)}",
                "name": name,
                "color": color,
                "default": False,
                "description": description,
            }
        return repo.labels[key]

    def _create_issue(self, repo: Repo, data: dict[str, Any]) -> dict[str, Any]:
        number = repo.next_number
        repo.next_number += 1
        now = _now()
        api = f"{API}/repos/{repo.full_name}/issues/{number}"
        issue: dict[str, Any] = {
            "url": api,
            "repository_url": f"{API}/repos/{repo.full_name}",
            "labels_url": api + "/labels{/name}",
            "comments_url": api + "/comments",
            "events_url": api + "/events",
            "html_url": f"https://github.com/{repo.full_name}/issues/{number}",
            "id": self._next_id(),
            "node_id": f"I_{self._ids}",
            "number": number,
            "title": data["title"],
            "user": self._user(self.login),
            "labels": [self._label(repo, n) for n in data.get("labels") or []],
            "state": "open",
            "state_reason": None,
            "locked": False,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": 0,
            "created_at": now,
            "updated_at": now,
            "closed_at": None,
            "author_association": "MEMBER",
            "body": data.get("body"),
        }
        self._set_assignees(issue, data.get("assignees") or [])
        repo.issues[number] = issue
        self._touch(repo, issue)
        return issue

    def _set_assignees(self, issue: dict[str, Any], logins: list[str]) -> None:
        issue["assignees"] = [self._user(login) for login in dict.fromkeys(logins)]
        issue["assignee"] = issue["assignees"][0] if issue["assignees"] else None

    # ------------------------------------------------------------------ dispatch
    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.matches(method, path):
                    if fault.skip > 0:
                        fault.skip -= 1
                        continue
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                    return fault
        return None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class HttpError(Exception):
    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def _validation(field_name: str, code: str, value: Any = None, message: str | None = None):
    error: dict[str, Any] = {"resource": "Issue", "field": field_name, "code": code}
    if value is not None:
        error["value"] = value
    if message:
        error["message"] = message
    return HttpError(
        422, {"message": "Validation Failed", "errors": [error], "documentation_url": DOCS}
    )


def _integration() -> dict[str, Any]:
    return {
        "message": "Resource not accessible by integration",
        "documentation_url": DOCS,
        "status": "403",
    }


def _gone(message: str) -> HttpError:
    return HttpError(410, {"message": message, "documentation_url": DOCS, "status": "410"})


def _check_label_names(names: list[Any]) -> None:
    for name in names:
        if isinstance(name, str) and len(name) > LABEL_MAX:
            err = _validation("name", "invalid", name, f"name is too long (maximum is {LABEL_MAX})")
            err.body["errors"][0]["resource"] = "Label"
            raise err


def _not_found() -> HttpError:
    return HttpError(404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"})


class _Handler(BaseHTTPRequestHandler):
    emulator: Emulator
    protocol_version = "HTTP/1.1"
    # One write per response and no Nagle delay: otherwise each keep-alive request waits for
    # the peer's delayed ACK (~40 ms).
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    # ------------------------------------------------------------------ plumbing
    def _dispatch(self, method: str) -> None:
        em = self.emulator
        split = urlsplit(self.path)
        path = split.path.rstrip("/") or "/"
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        host = self.headers.get("Host") or f"127.0.0.1:{em.port}"
        # Counted before answering, so a client that has its answer sees its request counted.
        entry = [method, path, 0]
        record: dict[str, Any] = {
            "method": method,
            "path": path,
            "query": query,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": None,
            "status": None,
            "response": None,
            "fault": None,
        }
        try:
            record["body"] = json.loads(raw) if raw else None
        except ValueError:
            record["body"] = raw.decode("utf-8", "replace")
        with em.lock:
            em.requests.append(entry)
            em.log.append(record)
        try:
            if em.response_delay:
                time.sleep(em.response_delay)
            try:
                fault = em._take_fault(method, path)
                record["fault"] = fault.kind if fault else None
                status, body, headers = self._handle(method, path, query, raw, host, fault)
            except HttpError as err:
                status, body, headers = err.status, err.body, err.headers
            entry[2] = status
            record["status"] = status
            record["response"] = (
                json.loads(json.dumps(body).replace(API, f"http://{host}"))
                if body is not None
                else None
            )
            record["response_headers"] = dict(headers)
            self._send(status, body, headers, host)
        except _Reset:
            entry[2] = -1
            record["status"] = -1
            self._reset()

    def _reset(self) -> None:
        sock = self.connection
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        except OSError:
            pass
        self.close_connection = True
        # Whatever the base class still flushes goes nowhere.
        import io

        self.wfile = io.BytesIO()

    def _rate_headers(self) -> dict[str, str]:
        em = self.emulator
        return {
            "x-ratelimit-limit": str(em.rate_limit),
            "x-ratelimit-remaining": str(max(em.rate_remaining, 0)),
            "x-ratelimit-reset": str(int(time.time()) + em.rate_reset_in),
            "x-ratelimit-used": str(em.rate_limit - max(em.rate_remaining, 0)),
            "x-ratelimit-resource": "core",
        }

    def _send(self, status: int, body: Any, headers: dict[str, str], host: str) -> None:
        text = "" if body is None else json.dumps(body).replace(API, f"http://{host}")
        data = text.encode()
        self.send_response(status)
        all_headers = {**self._rate_headers(), **headers}
        if body is not None:
            all_headers["Content-Type"] = "application/json; charset=utf-8"
        for key, value in all_headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # ------------------------------------------------------------------ routing
    def _handle(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        raw: bytes,
        host: str,
        fault: Fault | None,
    ) -> tuple[int, Any, dict[str, str]]:
        em = self.emulator
        auth = self.headers.get("Authorization", "")
        if auth not in (f"token {em.token}", f"Bearer {em.token}"):
            raise HttpError(
                401, {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"}
            )
        with em.lock:
            em.rate_remaining -= 1
            exhausted = em.rate_remaining < 0
        if exhausted:
            raise HttpError(
                403,
                {
                    "message": "API rate limit exceeded for user ID 1.",
                    "documentation_url": DOCS,
                },
                {"x-ratelimit-remaining": "0"},
            )
        if fault is not None:
            self._fault_before(fault)
        self._check_permission(method, path)
        try:
            data = json.loads(raw) if raw else {}
        except ValueError as err:
            raise HttpError(400, {"message": "Problems parsing JSON"}) from err
        with em.lock:
            result = self._route(method, path, query, data, host)
        if fault is not None:
            self._fault_after(fault)
        return result

    def _check_permission(self, method: str, path: str) -> None:
        em = self.emulator
        if path == "/user" and em.integration:
            raise HttpError(403, _integration())
        scope = "contents" if re.search(r"^/repos/[^/]+/[^/]+/(contents|git)/", path) else "issues"
        if not path.startswith(("/repos/", "/repositories/")) or path.count("/") < 3:
            return
        if path.count("/") == 3 and scope == "issues":
            return  # GET /repos/{owner}/{repo}: metadata, always readable
        level = em.permissions.get(scope)
        needed = "read" if method == "GET" else "write"
        if level is None or (needed == "write" and level != "write"):
            raise HttpError(403, _integration())

    def _fault_before(self, fault: Fault) -> None:
        retry = {"Retry-After": str(fault.retry_after)}
        if fault.kind == "secondary_limit":
            raise HttpError(
                403,
                {
                    "message": "You have exceeded a secondary rate limit. Please wait a few "
                    "minutes before you try again.",
                    "documentation_url": DOCS,
                },
                retry,
            )
        if fault.kind == "too_many_requests":
            raise HttpError(429, {"message": "Too Many Requests"}, retry)
        if fault.kind == "primary_limit":
            reset = str(int(time.time()) + fault.retry_after)
            raise HttpError(
                403,
                {"message": "API rate limit exceeded for user ID 1.", "documentation_url": DOCS},
                {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset},
            )
        if fault.kind == "reset_before_commit":
            raise _Reset()
        if fault.kind == "hook_before_commit":
            if fault.hook:
                fault.hook()
            raise _Reset()

    def _fault_after(self, fault: Fault) -> None:
        if fault.kind == "502_after_commit":
            raise HttpError(502, {"message": "Server Error"})
        if fault.kind == "reset_after_commit":
            raise _Reset()
        if fault.kind == "hook_after_commit":
            if fault.hook:
                fault.hook()
            raise _Reset()

    def _route(
        self, method: str, path: str, query: dict[str, str], data: Any, host: str
    ) -> tuple[int, Any, dict[str, str]]:
        em = self.emulator
        if path == "/user" and method == "GET":
            return 200, em._user(em.login), {}
        if path == "/rate_limit" and method == "GET":
            core = {
                "limit": em.rate_limit,
                "remaining": max(em.rate_remaining, 0),
                "reset": int(time.time()) + em.rate_reset_in,
                "used": em.rate_limit - max(em.rate_remaining, 0),
            }
            return 200, {"resources": {"core": core}, "rate": core}, {}
        by_id = re.fullmatch(r"/repositories/(\d+)(/.*)?", path)
        if by_id:
            found = [r for r in em.repos.values() if r.id == int(by_id[1])]
            if not found:
                raise _not_found()
            repo, rest = found[0], by_id[2] or ""
        else:
            match = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", path)
            if not match:
                raise _not_found()
            found_repo = em.repos.get(f"{match[1]}/{match[2]}".lower())
            if found_repo is None:
                raise _not_found()
            repo, rest = found_repo, match[3] or ""
        if rest == "" and method == "GET":
            return 200, self._repo_json(repo, host), {}
        if rest.startswith("/issues") and not repo.has_issues:
            raise _gone("Issues are disabled for this repo")
        if m := re.fullmatch(r"/issues/(\d+)(/.*)?", rest):
            number = int(m[1])
            if number in repo.deleted:
                raise _gone("This issue was deleted")
            if number in repo.moved:
                target_name, target_number = repo.moved[number]
                target = em.repo(target_name)
                url = f"http://{host}/repositories/{target.id}/issues/{target_number}{m[2] or ''}"
                raise HttpError(
                    301,
                    {"message": "Moved Permanently", "url": url, "documentation_url": DOCS},
                    {"Location": url},
                )
        if rest.startswith(("/contents/", "/git/")):
            return self._git(repo, method, rest, query, data)
        if rest == "/issues":
            if method == "GET":
                return self._list_issues(repo, query, host, path)
            if method == "POST":
                return 201, self._post_issue(repo, data, host), {}
        if m := re.fullmatch(r"/issues/(\d+)", rest):
            issue = repo.issues.get(int(m[1]))
            if issue is None:
                raise _not_found()
            if method == "GET":
                return 200, issue, {}
            if method == "PATCH":
                return 200, self._patch_issue(repo, issue, data), {}
        if m := re.fullmatch(r"/issues/(\d+)/comments", rest):
            number = int(m[1])
            if number not in repo.issues:
                raise _not_found()
            comments = repo.comments.setdefault(number, [])
            if method == "GET":
                return self._page(comments, query, host, path)
            if method == "POST":
                if not isinstance(data.get("body"), str) or not data["body"]:
                    raise _validation("body", "missing_field")
                comment = {
                    "id": em._next_id(),
                    "node_id": f"IC_{em._ids}",
                    "issue_url": repo.issues[number]["url"],
                    "author_association": "NONE",
                    "body": data["body"],
                    "user": em._user(em.login),
                    "created_at": _now(),
                    "updated_at": _now(),
                    "html_url": f"{repo.issues[number]['html_url']}#issuecomment-{em._ids}",
                    "url": f"{API}/repos/{repo.full_name}/issues/comments/{em._ids}",
                }
                comments.append(comment)
                repo.issues[number]["comments"] = len(comments)
                em._touch(repo, repo.issues[number])
                return 201, comment, {}
        if rest == "/labels":
            if method == "GET":
                return self._page(list(repo.labels.values()), query, host, path)
            if method == "POST":
                name = data.get("name")
                if not isinstance(name, str) or not name:
                    raise _validation("name", "missing_field")
                _check_label_names([name])
                if name.lower() in repo.labels:
                    err = _validation("name", "already_exists", name)
                    err.body["errors"][0]["resource"] = "Label"
                    raise err
                label = em._label(
                    repo, name, data.get("color") or "ededed", data.get("description")
                )
                return 201, label, {}
        if m := re.fullmatch(r"/labels/(.+)", rest):
            label = repo.labels.get(unquote(m[1]).lower())
            if label is None or method != "GET":
                raise _not_found()
            return 200, label, {}
        if m := re.fullmatch(r"/assignees/([^/]+)", rest):
            if method == "GET":
                if m[1].lower() in {a.lower() for a in repo.assignable}:
                    return 204, None, {}
                raise _not_found()
        raise _not_found()

    def _git(self, repo: Repo, method: str, rest: str, query: dict[str, str], data: Any):
        """The contents API and git refs, enough to keep one file on a branch."""
        if m := re.fullmatch(r"/git/ref/heads/(.+)", rest):
            branch = unquote(m[1])
            if method != "GET" or branch not in repo.heads:
                raise _not_found()
            return 200, self._ref_json(repo, branch), {}
        if rest == "/git/refs" and method == "POST":
            ref, sha = data.get("ref"), data.get("sha")
            if not isinstance(ref, str) or not ref.startswith("refs/heads/"):
                raise _validation("ref", "invalid", ref)
            branch = ref.removeprefix("refs/heads/")
            if branch in repo.heads:
                raise HttpError(422, {"message": "Reference already exists", "status": "422"})
            source = next((b for b, head in repo.heads.items() if head == sha), None)
            if source is None:
                raise HttpError(422, {"message": "Object does not exist", "status": "422"})
            repo.heads[branch] = sha
            repo.branches[branch] = dict(repo.branches[source])
            return 201, self._ref_json(repo, branch), {}
        if m := re.fullmatch(r"/contents/(.+)", rest):
            path = unquote(m[1])
            if method == "GET":
                branch = query.get("ref") or repo.default_branch
                files = repo.branches.get(branch)
                if files is None or path not in files:
                    raise _not_found()
                content, sha = files[path]
                return 200, self._content_json(repo, path, content, sha, branch), {}
            if method == "PUT":
                branch = data.get("branch") or repo.default_branch
                files = repo.branches.get(branch)
                if files is None:
                    raise _not_found()
                if not isinstance(data.get("message"), str) or "content" not in data:
                    raise _validation("content", "missing_field")
                current = files.get(path)
                if current is not None and data.get("sha") != current[1]:
                    raise HttpError(409, {"message": f"{path} does not match {data.get('sha')}",
                                          "documentation_url": DOCS, "status": "409"})  # fmt: skip
                if current is None and data.get("sha"):
                    raise HttpError(422, {"message": "sha wasn't supplied.", "status": "422"})
                content = base64.b64decode(data["content"])
                sha = hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()
                files[path] = (content, sha)
                commit = hashlib.sha1((repo.heads[branch] + sha).encode()).hexdigest()
                repo.heads[branch] = commit
                body = {
                    "content": self._content_json(repo, path, content, sha, branch),
                    "commit": self._commit_json(repo, commit, data["message"]),
                }
                return (200 if current else 201), body, {}
        raise _not_found()

    def _ref_json(self, repo: Repo, branch: str) -> dict[str, Any]:
        sha = repo.heads[branch]
        return {
            "ref": f"refs/heads/{branch}",
            "node_id": f"REF_{sha[:8]}",
            "url": f"{API}/repos/{repo.full_name}/git/refs/heads/{branch}",
            "object": {
                "type": "commit",
                "sha": sha,
                "url": f"{API}/repos/{repo.full_name}/git/commits/{sha}",
            },
        }

    def _content_json(self, repo: Repo, path: str, content: bytes, sha: str, branch: str):
        api = f"{API}/repos/{repo.full_name}/contents/{quote(path)}?ref={quote(branch)}"
        html = f"https://github.com/{repo.full_name}/blob/{quote(branch)}/{quote(path)}"
        git = f"{API}/repos/{repo.full_name}/git/blobs/{sha}"
        return {
            "type": "file",
            "encoding": "base64",
            "size": len(content),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": base64.b64encode(content).decode("ascii"),
            "sha": sha,
            "url": api,
            "git_url": git,
            "html_url": html,
            "download_url": f"https://raw.githubusercontent.com/{repo.full_name}/{branch}/{path}",
            "_links": {"self": api, "git": git, "html": html},
        }

    def _commit_json(self, repo: Repo, sha: str, message: str) -> dict[str, Any]:
        person = {"name": "postmortem-sync", "email": "sync@example.com", "date": _now()}
        url = f"{API}/repos/{repo.full_name}/git/commits/{sha}"
        return {
            "sha": sha,
            "node_id": f"C_{sha[:8]}",
            "url": url,
            "html_url": f"https://github.com/{repo.full_name}/commit/{sha}",
            "author": person,
            "committer": person,
            "message": message,
            "tree": {
                "sha": sha[::-1],
                "url": f"{API}/repos/{repo.full_name}/git/trees/{sha[::-1]}",
            },
            "parents": [],
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },  # fmt: skip
        }

    def _repo_json(self, repo: Repo, host: str) -> dict[str, Any]:
        """GET /repos/{owner}/{repo}: every property GitHub's "full-repository" requires."""
        api = f"{API}/repos/{repo.full_name}"
        templates = {
            "archive": "/{archive_format}{/ref}", "assignees": "{/user}", "blobs": "{/sha}",
            "branches": "{/branch}", "collaborators": "{/collaborator}", "comments": "{/number}",
            "commits": "{/sha}", "compare": "/{base}...{head}", "contents": "/{+path}",
            "contributors": "", "deployments": "", "downloads": "", "events": "", "forks": "",
            "git_commits": "{/sha}", "git_refs": "{/sha}", "git_tags": "{/sha}", "hooks": "",
            "issue_comment": "{/number}", "issue_events": "{/number}", "issues": "{/number}",
            "keys": "{/key_id}", "labels": "{/name}", "languages": "", "merges": "",
            "milestones": "{/number}", "notifications": "{?since,all,participating}",
            "pulls": "{/number}", "releases": "{/id}", "stargazers": "", "statuses": "/{sha}",
            "subscribers": "", "subscription": "", "tags": "", "teams": "", "trees": "{/sha}",
        }  # fmt: skip
        paths = {"git_commits": "git/commits", "git_refs": "git/refs", "git_tags": "git/tags",
                 "issue_comment": "issues/comments", "issue_events": "issues/events"}  # fmt: skip
        urls = {f"{k}_url": f"{api}/{paths.get(k, k)}{t}" for k, t in templates.items()}
        open_count = sum(1 for i in repo.issues.values() if i["state"] == "open")
        return {
            "id": repo.id,
            "node_id": f"R_{repo.id}",
            "name": repo.name,
            "full_name": repo.full_name,
            "owner": self.emulator._user(repo.owner),
            "private": False,
            "html_url": f"https://github.com/{repo.full_name}",
            "description": None,
            "fork": False,
            "url": api,
            **urls,
            "git_url": f"git://github.com/{repo.full_name}.git",
            "ssh_url": f"git@github.com:{repo.full_name}.git",
            "clone_url": f"https://github.com/{repo.full_name}.git",
            "svn_url": f"https://github.com/{repo.full_name}",
            "mirror_url": None,
            "homepage": None,
            "language": "Python",
            "forks": 0,
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers": 0,
            "watchers_count": 0,
            "size": 1,
            "default_branch": repo.default_branch,
            "open_issues": open_count,
            "open_issues_count": open_count,
            "has_issues": repo.has_issues,
            "has_projects": False,
            "has_wiki": False,
            "has_pages": False,
            "has_discussions": False,
            "archived": False,
            "disabled": False,
            "license": None,
            "pushed_at": "2025-01-01T00:00:00Z",
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2025-01-01T00:00:00Z",
            "network_count": 0,
            "subscribers_count": 0,
        }

    def _list_issues(self, repo: Repo, query: dict[str, str], host: str, path: str):
        state = query.get("state", "open")
        if state not in ("open", "closed", "all"):
            raise _validation("state", "invalid", state)
        wanted = [n.strip().lower() for n in query.get("labels", "").split(",") if n.strip()]
        items = []
        for issue in self.emulator._visible(repo):
            if state != "all" and issue["state"] != state:
                continue
            names = {label["name"].lower() for label in issue["labels"]}
            if all(w in names for w in wanted):
                items.append(issue)
        reverse = query.get("direction", "desc") == "desc"
        items.sort(key=lambda i: i["number"], reverse=reverse)
        return self._page(items, query, host, path)

    def _page(self, items: list[Any], query: dict[str, str], host: str, path: str):
        try:
            per_page = min(max(int(query.get("per_page", 30)), 1), 100)
            page = max(int(query.get("page", 1)), 1)
        except ValueError as err:
            raise HttpError(400, {"message": "Invalid page parameters"}) from err
        last = max((len(items) + per_page - 1) // per_page, 1)
        chunk = items[(page - 1) * per_page : page * per_page]

        def link(n: int) -> str:
            params = {**query, "page": str(n), "per_page": str(per_page)}
            qs = "&".join(f"{k}={quote(v, safe=',')}" for k, v in params.items())
            return f"<http://{host}{path}?{qs}>"

        rels = []
        if page < last:
            rels += [f'{link(page + 1)}; rel="next"', f'{link(last)}; rel="last"']
        if page > 1:
            rels += [f'{link(1)}; rel="first"', f'{link(page - 1)}; rel="prev"']
        return 200, chunk, ({"Link": ", ".join(rels)} if rels else {})

    def _check_assignees(self, repo: Repo, data: dict[str, Any]) -> list[str] | None:
        logins = data.get("assignees")
        if logins is None and data.get("assignee"):
            logins = [data["assignee"]]
        if logins is None:
            return None
        if not isinstance(logins, list) or not all(isinstance(x, str) for x in logins):
            raise _validation("assignees", "invalid")
        known = {a.lower() for a in repo.assignable}
        for login in logins:
            if login.lower() not in known:
                raise _validation("assignees", "invalid", login)
        return logins

    def _check_text(self, data: dict[str, Any], required: bool) -> None:
        title = data.get("title")
        if required and (not isinstance(title, str) or not title.strip()):
            raise _validation("title", "missing_field")
        if isinstance(title, str) and len(title) > TITLE_MAX:
            raise _validation("title", "custom", message="title is too long (maximum is 256)")
        body = data.get("body")
        if isinstance(body, str) and len(body) > BODY_MAX:
            raise _validation(
                "body", "custom", message="body is too long (maximum is 65536 characters)"
            )

    def _post_issue(self, repo: Repo, data: dict[str, Any], host: str) -> dict[str, Any]:
        self._check_text(data, required=True)
        _check_label_names(data.get("labels") or [])
        assignees = self._check_assignees(repo, data)
        return self.emulator._create_issue(repo, {**data, "assignees": assignees or []})

    def _patch_issue(self, repo: Repo, issue: dict[str, Any], data: dict[str, Any]):
        self._check_text(data, required=False)
        _check_label_names(data.get("labels") or [])
        assignees = self._check_assignees(repo, data)
        state = data.get("state")
        if state is not None and state not in ("open", "closed"):
            raise _validation("state", "invalid", state)
        reason = data.get("state_reason")
        if reason is not None and reason not in ("completed", "not_planned", "reopened"):
            raise _validation("state_reason", "invalid", reason)
        for key in ("title", "body"):
            if key in data:
                issue[key] = data[key]
        if "labels" in data:
            issue["labels"] = [self.emulator._label(repo, n) for n in data["labels"] or []]
        if assignees is not None:
            self.emulator._set_assignees(issue, assignees)
        # GitHub: "state_reason ... Ignored unless `state` is changed."
        if state == "closed" and issue["state"] != "closed":
            issue.update(state="closed", closed_at=_now(), state_reason=reason or "completed")
        elif state == "open" and issue["state"] != "open":
            issue.update(state="open", closed_at=None, state_reason="reopened")
        self.emulator._touch(repo, issue)
        return issue
