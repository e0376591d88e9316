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
- every request is counted by method and path.
"""

from __future__ import annotations

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
        return {
            "login": login,
            "id": abs(hash(login)) % 10_000_000,
            "node_id": f"U_{login}",
            "type": "User",
            "site_admin": False,
            "url": f"{API}/users/{login}",
            "html_url": f"https://github.com/{login}",
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
        with em.lock:
            em.requests.append(entry)
        try:
            if em.response_delay:
                time.sleep(em.response_delay)
            try:
                fault = em._take_fault(method, path)
                status, body, headers = self._handle(method, path, query, raw, host, fault)
            except HttpError as err:
                status, body, headers = err.status, err.body, err.headers
            entry[2] = status
            self._send(status, body, headers, host)
        except _Reset:
            entry[2] = -1
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
        try:
            data = json.loads(raw) if raw else {}
        except ValueError as err:
            raise HttpError(400, {"message": "Problems parsing JSON"}) from err
        with em.lock:
            result = self._route(method, path, query, data, host)
        if fault is not None:
            self._fault_after(fault)
        return result

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
        match = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", path)
        if not match:
            raise _not_found()
        repo = em.repos.get(f"{match[1]}/{match[2]}".lower())
        if repo is None:
            raise _not_found()
        rest = match[3] or ""
        if rest == "" and method == "GET":
            return 200, self._repo_json(repo, host), {}
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
                    "body": data["body"],
                    "user": em._user(em.login),
                    "created_at": _now(),
                    "updated_at": _now(),
                    "html_url": f"{repo.issues[number]['html_url']}#issuecomment-{em._ids}",
                    "url": f"{API}/repos/{repo.full_name}/issues/comments/{em._ids}",
                }
                comments.append(comment)
                repo.issues[number]["comments"] = len(comments)
                return 201, comment, {}
        if rest == "/labels":
            if method == "GET":
                return self._page(list(repo.labels.values()), query, host, path)
            if method == "POST":
                name = data.get("name")
                if not isinstance(name, str) or not name:
                    raise _validation("name", "missing_field")
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

    def _repo_json(self, repo: Repo, host: str) -> dict[str, Any]:
        return {
            "id": repo.id,
            "node_id": f"R_{repo.id}",
            "name": repo.name,
            "full_name": repo.full_name,
            "owner": self.emulator._user(repo.owner),
            "private": False,
            "html_url": f"https://github.com/{repo.full_name}",
            "url": f"{API}/repos/{repo.full_name}",
            "has_issues": True,
            "default_branch": "main",
        }

    def _list_issues(self, repo: Repo, query: dict[str, str], host: str, path: str):
        state = query.get("state", "open")
        if state not in ("open", "closed", "all"):
            raise _validation("state", "invalid", state)
        wanted = [n.strip().lower() for n in query.get("labels", "").split(",") if n.strip()]
        items = []
        for issue in repo.issues.values():
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
        assignees = self._check_assignees(repo, data)
        return self.emulator._create_issue(repo, {**data, "assignees": assignees or []})

    def _patch_issue(self, repo: Repo, issue: dict[str, Any], data: dict[str, Any]):
        self._check_text(data, required=False)
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
        if state == "closed" and issue["state"] != "closed":
            issue.update(state="closed", closed_at=_now(), state_reason=reason or "completed")
        elif state == "open" and issue["state"] != "open":
            issue.update(state="open", closed_at=None, state_reason="reopened")
        elif state in (None, "closed") and reason and issue["state"] == "closed":
            issue["state_reason"] = reason
        issue["updated_at"] = _now()
        return issue
