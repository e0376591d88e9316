"""The `postmortem` command: a thin click layer over the core library.

Each command parses its arguments, builds the pieces from the library and reports; exit codes
are 0 (no errors), 1 (findings with errors, or failed writes), 2 (usage or internal failure).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from . import __version__
from .console import help_width as _help_width
from .hook import (  # noqa: F401
    PROGRESS_MIN_FILES,
    CannotWrite,
    default_format,
    parse_day,
    progress_bar,
    split_codes,
    write_report,
)
from .reporters import FORMATS

# Only click is imported at startup: `postmortem --version` and `--help` are the pre-commit
# hook's and the user's first contact and must not pay for YAML, markdown-it, jsonschema,
# proselint or PyGithub (tests/test_cli_startup.py checks what gets imported).
if TYPE_CHECKING:
    from datetime import date

    from .config import Config


def parse_today(value: str | None) -> date:
    try:
        return parse_day(value)
    except ValueError:
        raise click.BadParameter(f"`{value}` is not a date (YYYY-MM-DD)") from None


def get_config(config_path: str | None) -> Config:
    from pathlib import Path

    from .config import ConfigError, load_config

    try:
        return load_config(Path(config_path) if config_path else None)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


def _codes(values: tuple[str, ...], option: str) -> list[str]:
    """hook.split_codes, a code that does not exist being a usage error."""
    from .options import ConfigError

    try:
        return split_codes(values, option)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


# Commands living in their own adapters, imported only when used: `validate` stays fast and
# does not pay for PyGithub or MkDocs.
LAZY_COMMANDS = {
    "new": ("postmortem.authoring", "new"),
    "timeline": ("postmortem.importers.command", "timeline"),
    "sync": ("postmortem.sync.command", "sync_command"),
    "review": ("postmortem.sync.command", "review_command"),
    "digest": ("postmortem.digest", "digest"),
    "render": ("postmortem.site.render", "render"),
    "similar": ("postmortem.learning.command", "similar_command"),
}
# Their one-line help for `postmortem --help`, so that listing them imports none of them
# (a test checks that each matches the command's own help).
LAZY_HELP = {
    "new": "Start a post-mortem from the template and print the path of the new file.",
    "timeline": "Turn raw incident data into Timeline rows (UTC, sorted, with Source).",
    "sync": "Create, update, close or reopen one GitHub issue per action item.",
    "review": "The weekly review: escalations, overdue items by owner, items due soon, "
    "follow-up reviews.",
    "digest": "Create or update the one weekly digest issue with the given Markdown.",
    "render": "Write the archive's generated pages as plain Markdown into OUT.",
    "similar": "List the published post-mortems closest to FILE, with a score and the reason.",
}


class ExitCodeGroup(click.Group):
    """Loads adapter commands lazily; ClickExceptions exit 2 (usage or internal failure)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS and name not in self.commands:
            import importlib

            module, attr = LAZY_COMMANDS[name]
            try:
                self.add_command(getattr(importlib.import_module(module), attr), name)
            except (ImportError, AttributeError):
                return None  # not installed in this build: click reports "No such command"
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's listing, with the lazy commands' help taken from LAZY_HELP (no import)."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max((len(n) for n in names), default=0)
        rows = []
        for name in names:
            command = self.commands.get(name)
            if command is None and name in LAZY_HELP:
                command = click.Command(name, help=LAZY_HELP[name])
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):  # noqa: D102
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            if type(error) is click.ClickException:
                error.exit_code = 2
            raise


@click.group(
    cls=ExitCodeGroup,
    context_settings={"help_option_names": ["-h", "--help"], "terminal_width": _help_width()},
)
@click.version_option(__version__, prog_name="postmortem")
def main() -> None:
    """Blameless incident post-mortems as code: validate, sync, publish."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, allow_dash=True, path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: github inside GitHub Actions, else text).",
)
@click.option(
    "--changed-since",
    metavar="REF",
    help="Fully check only files changed since this git ref; archive-wide checks still "
    "see every file.",
)
@click.option(
    "--today", metavar="YYYY-MM-DD", help="Check dates as of this day (reproducible runs)."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Configuration file (default: nearest .postmortem.yml or pyproject.toml).",
)
@click.option(
    "--select", multiple=True, metavar="CODE", help="Only these rules (codes or prefixes)."
)
@click.option(
    "--ignore", multiple=True, metavar="CODE", help="Skip these rules (codes or prefixes)."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for parallel checking (default: one per core).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Apply the repairs the validator knows (UTC times, YAML quoting, table cells), "
    "then report what is left to do by hand.",
)
@click.option("--diff", is_flag=True, help="Print the repairs --fix would make; change nothing.")
@click.option(
    "--quiet", "-q", is_flag=True, help="Print the findings only: no totals, no progress."
)
@click.option("--statistics", is_flag=True, help="Count the findings per rule instead.")
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="The name of the post-mortem read from standard input (`-`), for the report.",
)
def validate(
    paths: tuple[str, ...],
    fmt: str | None,
    changed_since: str | None,
    today: str | None,
    config_path: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    workers: int | None,
    output: str | None,
    fix: bool,
    diff: bool,
    quiet: bool,
    statistics: bool,
    stdin_filename: str | None,
) -> None:
    """Check post-mortems (files or folders; default: the archive folder; `-`: standard input).

    Exit 0 when there are no errors (warnings allowed), 1 when any error, 2 for usage errors.
    With --diff: 1 when there is something to repair.
    """
    from pathlib import Path

    from .archive_index import GitError, git_changes
    from .validation import validate as run

    if fix and diff:
        raise click.UsageError("--fix and --diff do not go together: --diff only shows the repairs")
    if statistics and fmt not in (None, "text", "json"):
        raise click.UsageError("--statistics prints text or json, not " + str(fmt))
    from_stdin = "-" in paths
    if from_stdin and len(paths) > 1:
        raise click.UsageError("`-` (standard input) cannot be mixed with files or folders")
    if stdin_filename and not from_stdin:
        raise click.UsageError("--stdin-filename names the post-mortem read from `-`")
    if from_stdin and changed_since:
        raise click.UsageError("--changed-since does not apply to standard input")
    config = get_config(config_path)
    if select:
        config.values["select"] = _codes(select, "--select")
    if ignore:
        config.values["ignore"] = [*config.values["ignore"], *_codes(ignore, "--ignore")]
    day = parse_today(today)
    fmt = fmt or default_format()
    if from_stdin:
        sys.exit(_validate_stdin(config, day, fmt, stdin_filename, fix, diff, quiet, statistics))
    targets = [Path(p) for p in paths] or [config.archive_path()]
    for target in targets:
        if not target.exists():
            raise click.ClickException(f"{target}: no such file or folder")
    only = changes = None
    if changed_since:
        try:
            changes = git_changes(changed_since)
        except GitError as error:
            raise click.ClickException(str(error)) from None
        only = changes.changed
    if fix or diff:
        from .document import iter_markdown_files
        from .fix import fix_paths

        wanted = None if only is None else {os.fspath(p) for p in only}
        files = [
            f
            for f in iter_markdown_files(targets)
            if wanted is None or os.fspath(f.resolve()) in wanted
        ]
        repaired = fix_paths(files, config, write=fix)
        if config.is_enabled("LE101"):  # similar incidents: needs the archive, after the rest
            from .learning.related_fix import add_similar_related

            repaired = add_similar_related(repaired, targets, config, write=fix)
        if diff:
            for result in repaired:
                click.echo(result.diff(), nl=False)
            changed = sum(1 for r in repaired if r.changed)
            if not quiet:
                click.echo(_repair_totals(repaired, "would repair"), err=True)
            sys.exit(1 if changed else 0)
        # What changed goes to standard error when standard output is for machines.
        if not quiet:
            for result in repaired:
                for change in result.changes:
                    click.echo(
                        f"{result.path}:{change.line}: fixed: {change.what}", err=fmt != "text"
                    )
    progress = None if quiet else progress_bar()
    report = run(
        targets, config, day, only=only, workers=workers, changes=changes, progress=progress
    )
    _write_report(report, fmt, output, quiet, statistics)
    if fix and not quiet:
        click.echo(_repair_totals(repaired, "repaired", report), err=fmt != "text")
    sys.exit(report.exit_code)


def _validate_stdin(
    config: Config,
    day: date,
    fmt: str,
    name: str | None,
    fix: bool,
    diff: bool,
    quiet: bool,
    statistics: bool,
) -> int:
    """`postmortem validate -`: check (or repair, printing the repaired text) standard input."""
    from .validation import validate_text

    data = sys.stdin.buffer.read(MAX_STDIN_BYTES + 1)
    shown = name or "-"
    if fix or diff:
        from .fix import fix_text

        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and len(data) <= MAX_STDIN_BYTES:
            result = fix_text(text, shown, config)
            if diff:
                click.echo(result.diff(), nl=False)
                return 1 if result.changed else 0
            click.echo(result.fixed, nl=False)  # like `ruff --fix -`: the repaired text
            data = result.fixed.encode("utf-8")
            for change in result.changes if not quiet else ():
                click.echo(f"{shown}:{change.line}: fixed: {change.what}", err=True)
    report = validate_text(data, shown, config, day)
    if fix:  # standard output holds the repaired text: the findings go to standard error
        _write_report(report, fmt, None, quiet, statistics, stream=sys.stderr)
    else:
        _write_report(report, fmt, None, quiet, statistics)
    return report.exit_code


MAX_STDIN_BYTES = 2_000_000


def _write_report(report, fmt: str, output: str | None, quiet: bool, statistics: bool, stream=None):
    try:
        write_report(report, fmt, output, quiet, statistics, stream)
    except CannotWrite as error:
        raise click.ClickException(str(error)) from None


def _repair_totals(results, verb: str, report=None) -> str:
    changes = sum(len(r.changes) for r in results)
    files = sum(1 for r in results if r.changed)
    line = f"{verb} {changes} problem{'s' if changes != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    if report is not None:
        left = sum(1 for f in report.findings if f.severity == "error")
        line += (
            f"; {left} error{'s' if left != 1 else ''} left to fix by hand (listed above)"
            if left
            else "; no errors left"
        )
    return line


@main.command("rules")
@click.argument("code", required=False)
def list_rules(code: str | None) -> None:
    """List the rules, a family of them (`rules BL`), or one rule's documentation (`rules BL101`)."""
    from .options import ConfigError
    from .rules import REGISTRY
    from .settings import check_codes

    chosen = sorted(REGISTRY.values(), key=lambda r: r.code)
    if code:
        try:
            (prefix,) = check_codes([code], "postmortem rules")
        except ConfigError as error:
            raise click.ClickException(str(error)) from None
        rule = REGISTRY.get(prefix)
        if rule is not None:
            click.echo(f"{rule.code} {rule.name} ({rule.category}, default {rule.severity})\n")
            click.echo(rule.doc)
            if rule.options:
                click.echo("\nOptions (under `rules: {" + rule.code + ": {...}}`):")
                for name, spec in rule.options.items():
                    default = f" (default: {spec.default})" if spec.default is not None else ""
                    click.echo(f"  {name}{default}")
            return
        chosen = [r for r in chosen if r.code.startswith(prefix)]
    for rule in chosen:
        click.echo(
            f"{rule.code}  {rule.name:<26} {rule.category:<12} {rule.severity:<8} {rule.summary}"
        )


def run() -> None:
    """Console entry point: never a traceback for the user, exit 2 on internal failure."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # the last line of defence: report, don't crash
        click.echo(f"postmortem: internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    run()
