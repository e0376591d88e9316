"""`postmortem digest`: keep one weekly digest issue up to date instead of opening a new one.

The weekly workflow renders `postmortem review --format markdown` and hands it to this
command, which finds the digest issue by a hidden marker (never by title, which people edit,
and never through the search API, whose index lags) and updates it in place. Deciding what to
do is a pure function of the listed issues, so it is tested without I/O; the one write is
never retried blindly (a 502 can follow a committed create): the next run lists again and
finds what was created.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any, TextIO

import click

from .sync.github import DEFAULT_API_URL, GitHubIssues, SyncAborted, WriteFailed
from .sync.plan import ListedIssue

MARKER = "<!-- postmortem:weekly-digest -->"
DEFAULT_LABEL = "post-mortem-digest"
MAX_BODY = 65_536
MAX_TITLE = 256


@dataclass(frozen=True)
class DigestAction:
    """What to do with the digest issue: create, update, reopen or leave it."""

    kind: str  # "create" | "update" | "unchanged"
    number: int | None
    fields: dict[str, Any]
    url: str = ""


def digest_body(markdown: str) -> str:
    """The issue body: the review, clipped to GitHub's limit, with the marker kept at the end."""
    tail = f"\n\n{MARKER}\n"
    text = markdown.strip()
    room = MAX_BODY - len(tail)
    if len(text) > room:
        note = "\n\n… (cut to fit GitHub's issue size limit; the job summary has it all)"
        text = text[: room - len(note)] + note
    return text + tail


def find_digest(issues: list[ListedIssue]) -> ListedIssue | None:
    """The digest issue: the oldest open one with the marker, else the newest closed one."""
    marked = [i for i in issues if MARKER in (i.body or "") and not i.is_pull_request]
    open_ones = sorted((i for i in marked if i.state == "open"), key=lambda i: i.number)
    if open_ones:
        return open_ones[0]
    closed = sorted(marked, key=lambda i: i.number, reverse=True)
    return closed[0] if closed else None


def plan_digest(issues: list[ListedIssue], title: str, markdown: str, label: str) -> DigestAction:
    body = digest_body(markdown)
    current = find_digest(issues)
    if current is None:
        return DigestAction("create", None, {"title": title, "body": body, "labels": [label]})
    changes: dict[str, Any] = {}
    if current.title != title:
        changes["title"] = title
    if current.body != body:
        changes["body"] = body
    if current.state != "open":
        # Someone closed it: the digest is reopened rather than duplicated.
        changes["state"] = "open"
    if not changes:
        return DigestAction("unchanged", current.number, {}, current.url)
    return DigestAction("update", current.number, changes, current.url)


def apply_digest(api: GitHubIssues, action: DigestAction, label: str) -> str:
    """Make the one write the plan asks for (never repeated); return the issue's URL."""
    if action.kind == "create":
        api.ensure_labels([label])
        data = api.send("POST", f"{api.repo_path}/issues", action.fields, "create the digest issue")
        return str(data.get("html_url") or "")
    url = f"{api.repo_path}/issues/{action.number}"
    if action.kind == "update":
        data = api.send("PATCH", url, action.fields, f"update digest issue #{action.number}")
        return str(data.get("html_url") or "")
    return action.url


def fail(message: str, code: int) -> None:
    click.echo(f"postmortem digest: {message}", err=True)
    sys.exit(code)


@click.command("digest")
@click.option("--repo", metavar="OWNER/NAME", help="Repository of the digest issue.")
@click.option("--title", required=True, help="Title of the digest issue.")
@click.option(
    "--body-file",
    type=click.File("r", encoding="utf-8"),
    default="-",
    show_default=True,
    help="Markdown of the digest, e.g. from `postmortem review --format markdown` ('-': stdin).",
)
@click.option(
    "--label", default=DEFAULT_LABEL, show_default=True, help="Label on the digest issue."
)
@click.option("--api-url", metavar="URL", help="REST API root (GitHub Enterprise Server, tests).")
def digest(
    repo: str | None, title: str, body_file: TextIO, label: str, api_url: str | None
) -> None:
    """Create or update the one weekly digest issue with the given Markdown.

    The token comes from GITHUB_TOKEN (or GH_TOKEN). Exit 0 when the issue is current, 1 when
    the write failed, 2 when GitHub cannot be reached or the input is unusable.
    """
    name = repo or os.environ.get("GITHUB_REPOSITORY")
    if not name or name.count("/") != 1:
        fail("give the repository as --repo OWNER/NAME", 2)
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        fail(f"the title must be 1 to {MAX_TITLE} characters", 2)
    markdown = body_file.read()
    if not markdown.strip():
        # An empty digest means the review step failed; never blank the issue.
        fail("the digest is empty; nothing was posted", 2)
    token = (os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or "").strip()
    if not token:
        fail("no token: set GITHUB_TOKEN (or GH_TOKEN)", 2)
    url = api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL
    api = GitHubIssues(name, token, api_url=url, pace=0)
    try:
        api.check_access()
        issues = api.list_managed(label)
        if find_digest(issues) is None:
            # Its label may have been removed by hand: look at every issue before making a twin
            # (a first run pays this once; later runs find the labelled digest at once).
            issues = api.list_all()
        action = plan_digest(issues, title, markdown, label)
        link = apply_digest(api, action, label)
    except SyncAborted as error:
        fail(api.scrub(str(error)), 2)
    except WriteFailed as failure:
        hint = (
            "it may have been stored: the next run finds it and does not post it twice"
            if failure.unknown
            else "nothing was changed; run again to retry"
        )
        fail(api.scrub(f"{failure}; {hint}"), 1)
    except OSError as error:
        fail(api.scrub(f"cannot reach GitHub: {error}; run again to retry"), 1)
    finally:
        api.close()
    verb = {"create": "created", "update": "updated", "unchanged": "unchanged"}[action.kind]
    click.echo(f"digest issue {verb}: {link}")
