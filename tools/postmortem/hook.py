"""`postmortem validate FILE...` without click: the pre-commit hook's command line.

The hook runs `postmortem validate --format text FILE...` on every commit, in a fresh process;
importing click and building its command tree was 8-9 ms of that run. `run` handles the plain
forms the hook, the pull request's check and people use: existing files or folders, with
`--format`, `--today`, `--config`, `--select`, `--ignore`, `--changed-since` and `--quiet`. For anything else (another option, a path
that does not exist, `-`, `--help`, a value click would reject, a configuration error) it
returns None before doing any work, and the launcher hands the same arguments to click, which
then prints its own message and exit status. So both ways give the same output and exit
status (tests/cli/test_hook_fast_path.py compares them over a matrix of argument forms).

What the report writing needs is here, click-free, and `cli` uses it too.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

# Options taking one value (`--opt VALUE` or `--opt=VALUE`), and flags.
VALUE_OPTIONS = ("--format", "--today", "--config", "--select", "--ignore", "--changed-since")
FLAGS = ("--quiet", "-q")
PROGRESS_MIN_FILES = 200  # below this, checking is quick enough not to need a bar


class CannotWrite(Exception):
    """The report file cannot be written (cli turns it into a usage failure, exit 2)."""


def _parse(args: list[str]) -> dict | None:
    """The options and paths of a plain `validate` command line, or None (click's turn)."""
    values: dict[str, list[str]] = {name: [] for name in VALUE_OPTIONS}
    quiet = False
    paths: list[str] = []
    rest = list(args)
    while rest:
        token = rest.pop(0)
        if not token.startswith("-"):
            paths.append(token)
            continue
        if token in FLAGS:
            quiet = True
            continue
        name, equals, value = token.partition("=")
        if name not in VALUE_OPTIONS:
            return None  # `-`, `--`, `--help`, another option, a typo
        if not equals:
            if not rest or rest[0].startswith("-"):
                return None  # a missing value, or one click may read otherwise
            value = rest.pop(0)
        values[name].append(value)
    for path in paths:  # click.Path(exists=True): it exists and can be read
        if not os.access(path, os.R_OK):
            return None
    config = values["--config"]
    if config and (not os.access(config[-1], os.R_OK) or os.path.isdir(config[-1])):
        return None
    return {"values": values, "quiet": quiet, "paths": paths}


def run(args: list[str]) -> int | None:
    """Run `postmortem validate ARGS` and return its exit status; None: let click run it."""
    parsed = _parse(args)
    if parsed is None:
        return None
    values = parsed["values"]
    from pathlib import Path

    from .options import ConfigError
    from .reporters import FORMATS

    fmt = values["--format"][-1] if values["--format"] else None
    if fmt is not None and fmt not in FORMATS:
        return None
    try:
        day = parse_day(values["--today"][-1] if values["--today"] else None)
    except ValueError:
        return None
    from .config import load_config

    try:
        config = load_config(Path(values["--config"][-1]) if values["--config"] else None)
        if values["--select"]:
            config.values["select"] = split_codes(values["--select"], "--select")
        if values["--ignore"]:
            ignore = split_codes(values["--ignore"], "--ignore")
            config.values["ignore"] = [*config.values["ignore"], *ignore]
    except ConfigError:
        return None
    targets = [Path(p) for p in parsed["paths"]] or [config.archive_path()]
    if not all(target.exists() for target in targets):
        return None
    only = changes = None
    if values["--changed-since"]:
        from .archive_index import GitError, git_changes

        try:
            changes = git_changes(values["--changed-since"][-1])
        except GitError:
            return None
        only = changes.changed
    fmt = fmt or default_format()
    quiet = parsed["quiet"]
    # From here on as cli.run does it: no traceback, exit 2 on an internal failure.
    try:
        from .validation import validate

        progress = None if quiet else progress_bar()
        report = validate(
            targets, config, day, only=only, workers=None, changes=changes, progress=progress
        )
        write_report(report, fmt, None, quiet, False)
        return report.exit_code
    except KeyboardInterrupt:  # as click's main (standalone mode) reports it
        sys.stderr.write("\nAborted!\n")
        return 1
    except BrokenPipeError:  # as click's main: the reader went away, exit 1 quietly
        from click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        return 1
    except Exception as error:  # the last line of defence: report, don't crash
        sys.stderr.write(f"postmortem: internal error: {type(error).__name__}: {error}\n")
        return 2


def parse_day(value: str | None) -> date:
    """`--today`: a YYYY-MM-DD date (ValueError otherwise), or today in UTC when not given."""
    from datetime import UTC, date, datetime

    return datetime.now(UTC).date() if value is None else date.fromisoformat(value)


def split_codes(values: Sequence[str], option: str) -> list[str]:
    """Rule codes or prefixes from repeated and comma-separated options: `--select BL,TL`.
    Case-insensitive; a code that does not exist is a ConfigError (it would turn checks off)."""
    from .settings import check_codes

    return check_codes([c for v in values for c in v.split(",") if c.strip()], option)


def default_format() -> str:
    """Annotations in GitHub Actions, text elsewhere."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def progress_bar():
    """A progress bar on standard error for large archives, only on a terminal."""
    if not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
        return None

    def start(total: int):
        if total < PROGRESS_MIN_FILES:
            return None
        from rich.console import Console  # imported only when a bar is drawn
        from rich.progress import Progress

        bar = Progress(transient=True, console=Console(stderr=True))
        bar.start()
        task = bar.add_task("Checking post-mortems", total=total)
        done = [0]

        def advance() -> None:
            done[0] += 1
            bar.advance(task)
            if done[0] >= total:
                bar.stop()

        return advance

    return start


def write_report(
    report, fmt: str, output: str | None, quiet: bool, statistics: bool, stream=None
) -> None:
    """Write the report to `output` (CannotWrite if it cannot be) or to `stream`/stdout, and
    its summary to GITHUB_STEP_SUMMARY when that is set."""
    from . import reporters

    def emit(handle, colour: bool) -> None:
        if statistics:
            reporters.write_statistics(report, fmt, handle, quiet=quiet)
        else:
            reporters.write(report, fmt, handle, colour=colour, quiet=quiet)

    if output:
        try:
            with open(output, "w", encoding="utf-8") as handle:
                emit(handle, False)
        except OSError as error:
            raise CannotWrite(f"{output}: cannot write the report: {error.strerror}") from None
    else:
        out = stream or sys.stdout
        colour = fmt == "text" and out.isatty() and "NO_COLOR" not in os.environ
        emit(out, colour)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(reporters.markdown_summary(report))
