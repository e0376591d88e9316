"""`postmortem new`: start a post-mortem from the template.

The new file is complete in structure (every section, empty tables with the right headers,
an id, UTC timestamps) so the author only writes what a tool cannot know. Those parts are
marked with `TODO:` placeholders that say what to write; the validator reports every one
left, so an unfinished report cannot pass review by accident.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from string import Template

import click

from .config import ConfigError, load_config
from .document import parse_instant
from .scales import Scale

# Every placeholder starts with this marker; the validator's placeholder rule looks for it.
PLACEHOLDER = "TODO:"
MAX_SLUG_LENGTH = 60
MAX_SUFFIX = 1000
DEFAULT_SCALE = ["P1", "P2", "P3", "P4"]
_HANDLE = re.compile(r"^@[A-Za-z0-9](-?[A-Za-z0-9]){0,38}$")
_NAME_WITH_HANDLE = re.compile(r"^[^@()]+ \(@[A-Za-z0-9](-?[A-Za-z0-9]){0,38}\)$")


class AuthoringError(Exception):
    """Input `new` cannot turn into a post-mortem; the message says what to change."""


@dataclass(frozen=True)
class NewPostmortem:
    """What `new` wrote: the file and the id it chose."""

    path: Path
    id: str


def slugify(title: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """ASCII slug of a title, cut at a word boundary so ids stay readable and short."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug.strip("-")


def parse_started(text: str) -> datetime:
    """An ISO 8601 time with an explicit offset, as UTC; a bare time is ambiguous, so refused."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise AuthoringError(
            f"--started `{text}` is not an ISO 8601 time; write e.g. 2025-02-09T14:02:00Z"
        ) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise AuthoringError(
            f"--started `{text}` has no UTC offset; add one, e.g. {text.strip()}Z or +02:00"
        )
    utc = parse_instant(text)  # None when UTC cannot hold it, or the rules could not use it
    if utc is None:
        raise AuthoringError(f"--started `{text}` is out of range; check the year")
    return utc


def format_instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_author(author: str) -> str:
    if not (_HANDLE.match(author) or _NAME_WITH_HANDLE.match(author)):
        raise AuthoringError(
            f"--author `{author}` is not a GitHub handle; write @handle or 'Full Name (@handle)'"
        )
    return author


def load_template() -> Template:
    text = resources.files("postmortem").joinpath("data/template.md").read_text("utf-8")
    return Template(text)


# Characters a YAML double-quoted scalar cannot hold as they are (not printable in YAML, or
# line breaks it would fold into a space): written as `\uXXXX` escapes instead.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def _quoted(value: object) -> str:
    """JSON quoting, which is valid YAML, with the characters YAML refuses escaped."""
    text = json.dumps(value, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def render(
    doc_id: str,
    title: str,
    severity: str | None,
    started: datetime,
    created: datetime,
    authors: list[str],
    scale: list[str] | None = None,
) -> str:
    """The template filled in; values go through JSON quoting so any title stays valid YAML."""
    levels = ", ".join(scale or DEFAULT_SCALE)
    severity_value = (
        severity or f"{PLACEHOLDER} incident severity, one of {levels} (first is most severe)"
    )
    author_values = authors or [f"{PLACEHOLDER} @your-github-handle"]
    return load_template().substitute(
        id=doc_id,
        title=_quoted(title),
        title_markdown=title,
        severity=_quoted(severity_value),
        started=format_instant(started),
        created=format_instant(created),
        authors=_quoted(author_values),
    )


def create_postmortem(
    title: str,
    directory: Path,
    severity: str | None = None,
    started: datetime | None = None,
    authors: list[str] | None = None,
    now: datetime | None = None,
    scale: list[str] | None = None,
) -> NewPostmortem:
    """Write `<directory>/<date>-<slug>.md`, adding -2, -3, ... when the id is taken."""
    title = " ".join(title.split())
    # Control characters (a pasted escape sequence, NUL) and lone surrogates (undecodable
    # bytes in the arguments) cannot be written into a text file that stays readable.
    title = "".join(c for c in title if unicodedata.category(c) not in ("Cc", "Cs"))
    slug = slugify(title)
    if not slug:
        raise AuthoringError(
            f"the title `{title}` has no letters or digits to build an id from; "
            "use a few words that say what happened, e.g. 'API latency spike'"
        )
    if not directory.is_dir():
        raise AuthoringError(
            f"the folder `{directory}` does not exist; run from the repository root "
            "or pass --dir with the post-mortem folder"
        )
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    started = started or now
    if started > now + timedelta(minutes=5):
        raise AuthoringError(f"--started {format_instant(started)} is in the future")
    checked_authors = [check_author(author) for author in authors or []]
    base_id = f"{started:%Y-%m-%d}-{slug}"
    for number in range(1, MAX_SUFFIX + 1):
        doc_id = base_id if number == 1 else f"{base_id}-{number}"
        path = directory / f"{doc_id}.md"
        text = render(doc_id, title, severity, started, now, checked_authors, scale)
        try:
            # Exclusive creation: two authors starting the same incident never overwrite each other.
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except FileExistsError:
            continue
        return NewPostmortem(path=path, id=doc_id)
    raise AuthoringError(f"ids {base_id} to {base_id}-{MAX_SUFFIX} are all taken in {directory}")


@click.command("new")
@click.argument("title")
@click.option("--severity", help="Incident severity on the configured scale, e.g. P2.")
@click.option(
    "--started",
    metavar="ISO",
    help="When impact began, ISO 8601 with offset (e.g. 2025-02-09T14:02Z). Default: now.",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="The post-mortem folder. Default: the configured archive (postmortems/).",
)
@click.option(
    "--author",
    "authors",
    multiple=True,
    metavar="@HANDLE",
    help="Author's GitHub handle; repeat for several.",
)
def new(
    title: str,
    severity: str | None,
    started: str | None,
    directory: Path | None,
    authors: tuple[str, ...],
) -> None:
    """Start a post-mortem from the template and print the path of the new file.

    Every part only a person can write is marked `TODO:`; `postmortem validate` lists the ones
    left until the report is complete.
    """
    try:
        config = load_config(check_prose=False)
        scale = Scale.from_setting(config["severity_scale"])
        if severity is not None and severity not in scale:
            raise AuthoringError(
                f"--severity `{severity}` is not on the configured scale ({scale.describe()})"
            )
        if directory is None:
            directory = config.root / config["archive"]
            if directory.is_relative_to(Path.cwd()):
                directory = directory.relative_to(Path.cwd())
        created = create_postmortem(
            title,
            directory,
            severity=severity,
            started=parse_started(started) if started is not None else None,
            authors=list(authors),
            scale=[level[0] for level in scale.levels],
        )
    except (AuthoringError, ConfigError) as error:
        click.echo(f"postmortem new: {error}", err=True)
        raise SystemExit(2) from None  # a usage error, like every other command's
    except OSError as error:
        click.echo(f"postmortem new: cannot write in {directory}: {error.strerror}", err=True)
        raise SystemExit(1) from None
    click.echo(created.path.as_posix())
    click.echo(
        f"Fill in the {PLACEHOLDER} lines, then run: postmortem validate {created.path.as_posix()}",
        err=True,
    )
