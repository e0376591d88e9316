"""`postmortem timeline`: turn raw incident data into Timeline rows (click adapter).

The command only parses options, reads files and reports; the importers, the table
writer and the Timeline merge do the work and are tested without the CLI.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import click

from .detect import FORMATS
from .insert import merge_into_timeline
from .model import ImportedEvent, TimelineImportError, parse_time
from .reader import ImportOptions, read_events
from .table import format_table, merge_events

MAX_INPUT_BYTES = 256 * 1024 * 1024


def read_text(path: Path, limit: int = MAX_INPUT_BYTES) -> str:
    """A file's text; binary, non-UTF-8 or oversized files raise TimelineImportError."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise TimelineImportError(
                f"file is {size // (1024 * 1024)} MiB; the limit is {limit // (1024 * 1024)} MiB "
                "(cut the time window first, e.g. with grep or jq)"
            )
        data = path.read_bytes()
    except OSError as err:
        raise TimelineImportError(f"cannot read: {err.strerror or err}") from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise TimelineImportError("binary data (NUL byte); expected text", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise TimelineImportError(
            f"not UTF-8 text (byte 0x{data[err.start]:02x}); convert it with iconv first", line
        ) from None


def _parse_bound(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = parse_time(value)
    if moment is None:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time (e.g. 2025-03-14T10:00Z)")
    return moment


def _fail(where: str, err: TimelineImportError) -> None:
    location = f"{where}:{err.line}" if err.line else where
    click.echo(f"{location}: {err.message}", err=True)
    sys.exit(1)


def _write_atomically(path: Path, text: str) -> None:
    """Replace the file's content without leaving a half-written post-mortem behind."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))  # mkstemp creates files as 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command("timeline")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("auto", *FORMATS)),
    default="auto",
    show_default=True,
    help="Input format; auto tells them apart by content.",
)
@click.option("--above", type=float, help="Prometheus: a row when a series goes above X and back.")
@click.option("--below", type=float, help="Prometheus: a row when a series drops below X and back.")
@click.option(
    "--metric",
    default="",
    help="Prometheus: name for series without __name__ (ratios, sums), e.g. 5xx_ratio.",
)
@click.option("--grep", help="Logs: keep only lines matching this regular expression.")
@click.option(
    "--level",
    type=click.Choice(("all", "debug", "info", "warn", "error", "fatal"), case_sensitive=False),
    help="Logs: lowest level kept [default: warn, or all with --grep].",
)
@click.option("--source", help='Logs: the Source column for log lines [default: "logs"].')
@click.option(
    "--since", callback=_parse_bound, help="Drop events before this ISO time (UTC if no offset)."
)
@click.option(
    "--until", callback=_parse_bound, help="Drop events after this ISO time (UTC if no offset)."
)
@click.option(
    "--into",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Merge the rows into this post-mortem's Timeline table instead of printing them.",
)
@click.option("--seconds", is_flag=True, help="Write times as YYYY-MM-DD HH:MM:SS.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Refuse to write more rows than this (narrow with --grep/--since/--until).",
)
def timeline(
    files: tuple[Path, ...],
    fmt: str,
    above: float | None,
    below: float | None,
    metric: str,
    grep: str | None,
    level: str | None,
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    into: Path | None,
    seconds: bool,
    limit: int,
) -> None:
    """Turn raw incident data into Timeline rows (UTC, sorted, with Source).

    FILE... are Prometheus query_range JSON, Alertmanager alerts JSON (amtool alert query
    -o json, /api/v2/alerts, webhook payloads), timestamped log lines, or PagerDuty log
    entries JSON. The table is printed, or merged into the Timeline of --into.
    """
    if above is not None and below is not None:
        raise click.UsageError("give --above or --below, not both")
    options = ImportOptions(fmt, above, below, grep, level, source, since, until, metric)
    groups: list[list[ImportedEvent]] = []
    total_source = 0
    for path in files:
        try:
            kind, result = read_events(read_text(path), options)
        except TimelineImportError as err:
            _fail(str(path), err)
        total_source += result.source_events
        notes = "".join(f"; {note}" for note in result.notes)
        click.echo(
            f"{path}: {kind}, {result.source_events} source event(s) -> "
            f"{len(result.events)} event(s){notes}",
            err=True,
        )
        groups.append(result.events)

    events, duplicates = merge_events(groups, seconds=seconds)
    click.echo(
        f"{total_source} source event(s) in {len(files)} file(s) became {len(events)} row(s)"
        f" ({duplicates} duplicate(s) removed)",
        err=True,
    )
    if len(events) > limit:
        click.echo(
            f"error: {len(events)} rows exceed --limit {limit}; narrow the input with "
            "--grep, --level, --since/--until, or raise --limit",
            err=True,
        )
        sys.exit(1)

    if into is None:
        click.echo(format_table(events, seconds=seconds), nl=False)
        return
    try:
        merge = merge_into_timeline(read_text(into), events, seconds=seconds)
    except TimelineImportError as err:
        _fail(str(into), err)
    if merge.added:
        _write_atomically(into, merge.text)
    click.echo(f"{into}: added {merge.added} rows ({merge.duplicates} duplicates skipped)")
