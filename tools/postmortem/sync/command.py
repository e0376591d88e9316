"""`postmortem sync` and `postmortem review`: the click layer over plan, adapter and review.

Exit codes: 0 done (or dry run printed); 1 some writes failed or the run had to stop; 2 usage
problems or GitHub unreachable (no token, bad token, unknown repository, network down).
The token is read from GITHUB_TOKEN or GH_TOKEN only and never printed.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

from ..config import Config, ConfigError, load_config
from ..document import Document, load_archive
from ..scales import priority_scale
from .escalation import post_escalations
from .github import (
    GitHubIssues,
    SyncAborted,
    SyncResult,
    find_managed,
    prepare,
    read_mapping,
    state_payload,
    sync,
)
from .options import (
    DEFAULT_API_URL,
    DEFAULT_MAX_WAIT,
    DEFAULT_MAX_WRITES,
    DEFAULT_PACE,
    DEFAULT_SETTLE,
    DEFAULT_STATE_BRANCH,
    DEFAULT_STATE_FILE,
    SyncOptions,
    resolve,
)
from .plan import Plan, SyncSettings, document_link, plan_sync
from .review import (
    DEFAULT_DUE_SOON_DAYS,
    DEFAULT_FOLLOWUP_REVIEW_DAYS,
    DEFAULT_GRACE_DAYS,
    RENDERERS,
    CommentOutcome,
    ReviewSettings,
    SettingsError,
    build_review,
    review_settings,
)


class Failure(click.ClickException):
    """A clear one-line error with a chosen exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(f"postmortem: {self.format_message()}", err=True)


# ------------------------------------------------------------------------------ helpers
def _config() -> Config:
    try:
        return load_config(check_prose=False)  # reading settings never loads proselint
    except ConfigError as error:
        raise Failure(str(error), 2) from None


def _sync_settings(config: Config) -> dict[str, Any]:
    """The `sync:` section, already checked against `options.SYNC` when the file was loaded."""
    return config.values.get("sync") or {}


def _token() -> str:
    token = (os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or "").strip()
    return token


def _repo_name(name: str | None) -> str | None:
    if name is None:
        return None
    name = str(name).strip()
    owner, _, rest = name.partition("/")
    if not owner or not rest or "/" in rest:
        raise Failure(f"--repo must be OWNER/NAME, not {name!r}", 2)
    return name


def _git_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _server_url(api_url: str) -> str:
    """The web address for links in issue bodies, from the API address."""
    if os.environ.get("GITHUB_SERVER_URL"):
        return os.environ["GITHUB_SERVER_URL"].rstrip("/")
    api = api_url.rstrip("/")
    if api == DEFAULT_API_URL:
        return "https://github.com"
    return api.removesuffix("/api/v3")


def _documents(paths: Sequence[str], config: Config) -> tuple[list[Document], bool]:
    """The documents to sync; full_archive is True when the whole archive was read."""
    if paths:
        return load_archive(paths), False
    archive = config.archive_path()
    if not archive.is_dir():
        raise Failure(f"{archive.as_posix()}: archive folder not found", 2)
    return load_archive([archive]), True


def _settings(repo: str, chosen: SyncOptions, full: bool) -> SyncSettings:
    root = _git_root(Path.cwd().resolve())
    return SyncSettings(
        repo=repo,
        statuses=chosen.statuses,
        label=chosen.label,
        link_base=f"{_server_url(chosen.api_url)}/{repo}/blob/{chosen.ref}/",
        root=root,
        base=Path.cwd().resolve().relative_to(root),
        full_archive=full,
    )


def _write_state(path: Path, result: SyncResult, repo: str) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    payload = state_payload(repo, result.issues, now, result.gone)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", "utf-8")
    temporary.replace(path)  # atomic: the site never reads half a file


def _plan_lines(plan: Plan) -> list[str]:
    lines = []
    order = {"create": 0, "update": 1, "close": 2, "reopen": 3, "unchanged": 4}
    for action in sorted(plan.actions, key=lambda a: (order[a.kind], a.key)):
        number = f"#{action.number}" if action.number else "-"
        lines.append(f"{action.kind:<9} {number:>6}  {action.key}  ({action.reason})")
    return lines


def _counts_line(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts.get(k, 0)} {k}" for k in ("create", "update", "close", "reopen"))


def _summary_markdown(repo: str, result: SyncResult, dry_run: bool = False) -> str:
    applied = result.applied
    lines = [
        f"### postmortem sync: {repo}",
        "",
        "| Created | Updated | Closed | Reopened | Unchanged | Failed |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {applied.get('create', 0)} | {applied.get('update', 0)} | {applied.get('close', 0)} "
        f"| {applied.get('reopen', 0)} | {result.unchanged} "
        f"| {len(result.failures)} |",
        "",
        f"{result.requests} API requests, {result.writes} writes, {result.rounds} round(s).",
    ]
    if result.deferred:
        lines += ["", f"**{_deferred_text(result.deferred)}**"]
    if result.drift:
        lines += [
            "",
            "**Changed on GitHub, not in the post-mortem (drift, left as is):**",
            *(f"- [#{d.number}]({d.url}) `{d.key}`: {d.message}" for d in result.drift),
        ]
    if result.failures:
        lines += ["", "**Failed:**", *(f"- {f}" for f in result.failures)]
    if result.recovered:
        lines += ["", "Recovered after a re-list:", *(f"- {f}" for f in result.recovered)]
    if result.warnings:
        lines += ["", "**Warnings:**", *(f"- {w}" for w in result.warnings)]
    writes = result.plan.writes[:50]
    if writes:
        lines += ["", "| Action | Item | Issue | Reason |", "|---|---|---|---|"]
        for action in writes:
            issue = result.issues.get(action.key)
            link = f"[#{issue.number}]({issue.url})" if issue else "—"
            lines.append(f"| {action.kind} | `{action.key}` | {link} | {action.reason} |")
    return "\n".join(lines) + "\n"


def _deferred_text(count: int) -> str:
    return (
        f"{count} change(s) left for the next run: one run makes at most --max-writes writes, "
        "to stay under GitHub's 500 content-creating requests an hour"
    )


def _progress_reporter():
    """A rich progress bar on a terminal (stderr); nothing when output is redirected."""
    if not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = Progress(
        TextColumn("[bold]sync[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("", total=None)

    def update(done: int, total: int, action: Any) -> None:
        progress.update(task, completed=done, total=total, description=action.key)

    return progress, update


def _open_api(repo: str, api_url: str, pace: float, max_wait: float) -> GitHubIssues:
    token = _token()
    if not token:
        raise Failure("no token: set GITHUB_TOKEN (or GH_TOKEN) in the environment", 2)
    return GitHubIssues(repo, token, api_url=api_url, pace=pace, max_wait=max_wait)


# ----------------------------------------------------------------------------- commands
@click.command("sync")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=str))
@click.option("--repo", metavar="OWNER/NAME", help="Repository for the issues "
              "(default: config sync.repo, then $GITHUB_REPOSITORY).")  # fmt: skip
@click.option("--api-url", metavar="URL", help="REST API root (GitHub Enterprise Server, tests).")
@click.option("--dry-run", is_flag=True, help="Print the plan and change nothing.")
@click.option("--offline", is_flag=True,
              help="With --dry-run: plan without GitHub, as if no issue existed yet.")  # fmt: skip
@click.option("--status", "statuses", multiple=True, metavar="STATUS",
              help="Post-mortem status to sync (repeatable; default: published).")  # fmt: skip
@click.option("--label", default=None, help="The managed label (default: post-mortem).")
@click.option("--pace", type=click.FloatRange(min=0), default=None,
              help=f"Seconds between writes (default {DEFAULT_PACE:g}, as GitHub asks).")  # fmt: skip
@click.option("--max-writes", type=click.IntRange(min=1), default=None,
              help=f"Most writes in one run (default {DEFAULT_MAX_WRITES}); the rest is left "
              "to the next run.")  # fmt: skip
@click.option("--settle", type=click.FloatRange(min=0), default=None,
              help=f"Seconds to let GitHub's lists catch up after a write of unknown outcome "
              f"(default {DEFAULT_SETTLE:g}).")  # fmt: skip
@click.option("--state-branch", default=None, metavar="BRANCH",
              help=f"Branch that keeps the item -> issue mapping (default {DEFAULT_STATE_BRANCH}; "
              "'' to keep none).")  # fmt: skip
@click.option("--max-wait", type=click.FloatRange(min=0), default=None,
              help=f"Longest rate-limit wait in seconds (default {DEFAULT_MAX_WAIT:.0f}).")  # fmt: skip
@click.option("--state-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"Where to write issue numbers and states (default {DEFAULT_STATE_FILE}).")  # fmt: skip
@click.option("--ref", default=None, help="Branch for links to post-mortems (default: main).")
def sync_command(
    paths: tuple[str, ...],
    repo: str | None,
    api_url: str | None,
    dry_run: bool,
    offline: bool,
    statuses: tuple[str, ...],
    label: str | None,
    pace: float | None,
    max_writes: int | None,
    settle: float | None,
    state_branch: str | None,
    max_wait: float | None,
    state_file: Path | None,
    ref: str | None,
) -> None:
    """Create, update, close or reopen one GitHub issue per action item.

    Idempotent: a second run changes nothing. Issues are matched by a hidden marker, never by
    title; an issue without the marker is never touched.
    """
    config = _config()
    chosen = resolve(
        _sync_settings(config),
        repo=repo,
        api_url=api_url,
        ref=ref,
        statuses=statuses,
        label=label,
        pace=pace,
        max_wait=max_wait,
        state_file=str(state_file) if state_file else None,
        max_writes=max_writes,
        settle=settle,
        state_branch=state_branch,
    )
    if offline and not dry_run:
        raise Failure("--offline only plans: use it with --dry-run", 2)
    name = _repo_name(chosen.repo)
    if name is None and offline:
        name = "OWNER/NAME"
    if name is None:
        raise Failure("no repository: pass --repo OWNER/NAME (or set GITHUB_REPOSITORY)", 2)
    documents, full = _documents(paths, config)
    settings = _settings(name, chosen, full)
    run_options = {
        "max_writes": chosen.max_writes,
        "settle": chosen.settle,
        "state_branch": chosen.state_branch,
    }
    state_path = Path(chosen.state_file)
    if offline:
        _print_plan(plan_sync(documents, [], settings), settings, "offline dry run", 0)
        return
    import requests
    from github import GithubException  # PyGithub only when talking to GitHub

    api = _open_api(name, chosen.api_url, chosen.pace, chosen.max_wait)
    try:
        if dry_run:
            _dry_run(documents, settings, api, run_options["state_branch"])
            return
        _run(documents, settings, api, state_path, run_options)
    except (GithubException, requests.RequestException, OSError) as error:
        # Anything the adapter did not classify: one clear line, never a traceback.
        detail = f"HTTP {error.status}" if isinstance(error, GithubException) else str(error)
        code = 2 if dry_run or api.writes == 0 else 1
        raise Failure(api.scrub(f"GitHub request failed: {detail}; run again"), code) from None
    finally:
        api.close()


def _dry_run(
    documents: list[Document], settings: SyncSettings, api: GitHubIssues, branch: str | None
) -> None:
    try:
        plan = prepare(documents, settings, api, branch)
    except SyncAborted as error:
        raise Failure(api.scrub(str(error)), 2) from None
    _print_plan(plan, settings, "dry run", api.requests)


def _print_plan(plan: Plan, settings: SyncSettings, what: str, requests: int) -> None:
    for warning in plan.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in plan.errors:
        click.echo(f"error: {error}", err=True)
    for drift in plan.drift:
        click.echo(f"drift: {drift.message}", err=True)
    click.echo(f"Plan for {settings.repo} ({what}, nothing changed):")
    for line in _plan_lines(plan):
        click.echo(f"  {line}")
    counts = plan.counts()
    click.echo(
        f"{what} {settings.repo}: {_counts_line(counts)}, {counts['unchanged']} unchanged "
        f"({requests} requests, 0 writes)"
    )


def _run(
    documents: list[Document],
    settings: SyncSettings,
    api: GitHubIssues,
    state_path: Path,
    options: dict[str, Any],
) -> None:
    progress, update = _progress_reporter()
    try:
        if progress:
            progress.start()
        result = sync(documents, settings, api, update, **options)
    except SyncAborted as error:
        code = 2 if error.permission or (error.unreachable and api.writes == 0) else 1
        detail = f" ({api.requests} requests, {api.writes} writes)"
        raise Failure(api.scrub(str(error)) + detail, code) from None
    finally:
        if progress:
            progress.stop()
    _write_state(state_path, result, settings.repo)
    for warning in result.warnings:
        click.echo(f"warning: {api.scrub(warning)}", err=True)
    for drift in result.drift:
        click.echo(f"drift: {drift.message}", err=True)
    for failure in result.failures:
        click.echo(f"error: {failure}", err=True)
    if result.deferred:
        click.echo(f"note: {_deferred_text(result.deferred)}", err=True)
    applied = result.applied
    click.echo(
        f"sync {settings.repo}: {applied['create']} created, {applied['update']} updated, "
        f"{applied['close']} closed, {applied['reopen']} reopened, "
        f"{result.unchanged} unchanged, {len(result.failures)} failed, "
        f"{len(result.drift)} drifted, {result.deferred} deferred "
        f"({result.requests} requests, {result.writes} writes)"
    )
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(api.scrub(_summary_markdown(settings.repo, result)))
        except OSError as error:
            click.echo(f"warning: cannot write the job summary: {error.strerror}", err=True)
    if result.failures:
        sys.exit(1)


def _review_settings(config: Config, options: dict[str, Any], **overrides: Any) -> ReviewSettings:
    lines = config.lines
    source = config.source or ".postmortem.yml"
    if Path(source).is_absolute() and Path(source).is_relative_to(Path.cwd()):
        source = Path(source).relative_to(Path.cwd()).as_posix()

    def where(key: str) -> str:
        line = lines.get(key)
        return f"{source}:{line}" if line else source

    try:
        scale = priority_scale(config.values.get("priority_scale"))
        return review_settings(options, where, scale=scale, **overrides)
    except SettingsError as error:
        raise Failure(str(error), 2) from None


@click.command("review")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=str))
@click.option("--repo", metavar="OWNER/NAME", help="Read the issues' state from this repository.")
@click.option("--api-url", metavar="URL", help="REST API root (GitHub Enterprise Server, tests).")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text",
              show_default=True)  # fmt: skip
@click.option("--today", metavar="YYYY-MM-DD", help="Review as of this date (default: today, UTC).")
@click.option("--status", "statuses", multiple=True, metavar="STATUS",
              help="Post-mortem status to review (repeatable; default: published).")  # fmt: skip
@click.option("--label", default=None, help="The managed label (default: post-mortem).")
@click.option("--due-soon-days", type=click.IntRange(min=0), default=None,
              help="List items due within this many days (default: config "
              f"sync.due_soon_days, else {DEFAULT_DUE_SOON_DAYS}).")  # fmt: skip
@click.option("--followup-review-days", type=click.IntRange(min=1), default=None,
              help="The follow-up review is due this many days after `resolved` (default: "
              f"config sync.followup_review_days, else {DEFAULT_FOLLOWUP_REVIEW_DAYS}).")  # fmt: skip
@click.option("--escalation-contact", metavar="@HANDLE", default=None,
              help="Who escalated items are mentioned to, e.g. @acme/sre-leads "
              "(default: config sync.escalation.contact).")  # fmt: skip
@click.option("--escalation-priority", "escalation_priorities", multiple=True, metavar="PRIORITY",
              help="Priority that escalates (repeatable; default: config "
              "sync.escalation.priorities, else P1).")  # fmt: skip
@click.option("--grace-days", type=click.IntRange(min=0), default=None,
              help="Escalate items overdue by more than this many days (default: config "
              f"sync.escalation.grace_days, else {DEFAULT_GRACE_DAYS}).")  # fmt: skip
@click.option("--escalate", is_flag=True,
              help="Comment on the issue of each escalated item, mentioning the contact "
              "(once per item; needs --repo and a token).")  # fmt: skip
def review_command(
    paths: tuple[str, ...],
    repo: str | None,
    api_url: str | None,
    fmt: str,
    today: str | None,
    statuses: tuple[str, ...],
    label: str | None,
    due_soon_days: int | None,
    followup_review_days: int | None,
    escalation_contact: str | None,
    escalation_priorities: tuple[str, ...],
    grace_days: int | None,
    escalate: bool,
) -> None:
    """The weekly review: escalations, overdue items by owner, items due soon, follow-up reviews.

    Item state comes from the issues' real state on GitHub; without a repository or a token,
    the post-mortems' own status column is used instead, and the output says so. With
    --escalate, each escalated item's issue gets one comment mentioning the contact; the exit
    code is 1 when such a comment failed (the review is printed all the same).
    """
    try:
        day = date.fromisoformat(today) if today else datetime.now(UTC).date()
    except ValueError:
        raise Failure(f"--today: {today!r} is not a date (YYYY-MM-DD)", 2) from None
    config = _config()
    options = _sync_settings(config)
    chosen = resolve(options, repo=repo, api_url=api_url, statuses=statuses, label=label)
    settings = _review_settings(
        config,
        options,
        due_soon_days=due_soon_days,
        followup_review_days=followup_review_days,
        contact=escalation_contact,
        priorities=escalation_priorities,
        grace_days=grace_days,
    )
    name = _repo_name(chosen.repo)
    token = _token()
    if escalate and not (name and token):
        missing = "--repo OWNER/NAME" if not name else "a token (GITHUB_TOKEN or GH_TOKEN)"
        raise Failure(f"--escalate comments on the items' issues: it needs {missing}", 2)
    documents, _full = _documents(paths, config)
    wanted = chosen.statuses
    issues = None
    link = None
    api = None
    if name and token:
        api = GitHubIssues(name, token, api_url=chosen.api_url, pace=chosen.pace)
        sync_settings = _settings(name, chosen, True)
        try:
            api.check_access()
            mapping = read_mapping(api, sync_settings, chosen.state_branch)
            listed, _gone = find_managed(api, chosen.label, mapping, lambda _w: None)
        except SyncAborted as error:
            api.close()
            raise Failure(api.scrub(str(error)), 2) from None
        issues = {}
        for issue in sorted(listed, key=lambda i: i.number):
            if issue.key:
                issues.setdefault(issue.key, issue)
        link = lambda doc: document_link(doc, sync_settings)  # noqa: E731
        note = f"State from the GitHub issues of {name}; items without an issue use the table."
    else:
        missing = "no repository (--repo)" if not name else "no token (GITHUB_TOKEN or GH_TOKEN)"
        note = f"State from the post-mortems' status column: {missing}, so GitHub was not read."
    review = build_review(documents, day, issues, wanted, name, note, settings, link)
    from ..learning.themes import review_themes

    review.themes = review_themes(documents, config.values, day)
    try:
        if escalate and api is not None:
            if settings.contact:
                review.comments = post_escalations(
                    api, review.escalated, settings.contact, settings.grace_days
                )
            else:
                review.comments = {i.key: CommentOutcome("no-contact") for i in review.escalated}
                if review.escalated:
                    click.echo(
                        "warning: no escalation contact (sync.escalation.contact or "
                        "--escalation-contact): no issue comments posted",
                        err=True,
                    )
    finally:
        if api is not None:
            api.close()
    click.echo(RENDERERS[fmt](review), nl=fmt != "markdown")
    if fmt != "text":  # the text output says it already
        for why in review.unreadable:
            click.echo(f"warning: left out of the review, cannot be read: {why}", err=True)
    for drift in review.drift:
        click.echo(
            f"drift: {drift.path}:{drift.line}: {drift.key}: the row says {drift.status!r} but "
            f"issue #{drift.issue} is {drift.state} on GitHub",
            err=True,
        )
    for key in review.failed_comments:
        click.echo(f"error: escalation comment for {key}: {review.comments[key].detail}", err=True)
    if review.failed_comments:
        sys.exit(1)
