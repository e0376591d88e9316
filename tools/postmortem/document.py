"""The post-mortem document: a Markdown file with YAML frontmatter, parsed once with line numbers.

Everything downstream (rules, sync, site, statistics) reads a `Document`; nothing re-parses the
file. Parsing never raises for bad content: what cannot be read becomes a `Finding` in
`Document.problems` (category ``input``) and the rest of the document is still made available.

The frontmatter is read by `frontmatter.py`, the Markdown body by `body.py`; their public names
are re-exported here, so `from postmortem.document import ...` is the one import readers need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from . import statuses
from .body import Cell, ProseBlock, Row, Section, Table, parse_body
from .findings import Finding, input_error
from .frontmatter import MAX_YAML_DEPTH, MAX_YAML_NODES, load_frontmatter, path_key
from .times import resolve_rows

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "ActionItem",
    "Cell",
    "Document",
    "ProseBlock",
    "Row",
    "Section",
    "Table",
    "TimelineEntry",
    "iter_markdown_files",
    "load_archive",
    "load_document",
    "load_frontmatter",
    "parse_bytes",
    "parse_day",
    "parse_document",
    "parse_instant",
    "split_lines",
]

MAX_FILE_BYTES = 2_000_000

_HANDLE = re.compile(r"(?<![\w/.])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))")
_NAME_WITH_HANDLE = re.compile(r"^\s*(?P<name>[^@()]+?)\s*\(@(?P<handle>[A-Za-z0-9-]+)\)\s*$")


@dataclass(frozen=True)
class TimelineEntry:
    """One entry of the timeline, with its line."""

    line: int
    time: datetime | None
    time_text: str
    event: str
    source: str
    actor: str
    utc_offset: str | None = None  # the offset or zone as written, when it is not UTC
    # How the row got its date: "cell" (written), "row" (an earlier dated row), "window"
    # (the incident's day); and why it has no time, when it has none (see times.py).
    dated_by: str = ""
    problem: str | None = None
    row: Row | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ActionItem:
    """One action item, with its line."""

    line: int
    id: str
    action: str
    owner: str
    deadline: date | None
    deadline_text: str
    priority: str
    status: str
    issue: str = ""
    row: Row | None = field(default=None, compare=False, repr=False)

    @property
    def is_open(self) -> bool:
        return statuses.meaning(self.status) == statuses.OPEN

    @property
    def is_done(self) -> bool:
        return statuses.meaning(self.status) == statuses.DONE

    @property
    def is_dropped(self) -> bool:
        return statuses.meaning(self.status) == statuses.DROPPED

    def key(self, doc_id: str) -> str:
        return f"{doc_id}/{self.id}"


@dataclass
class Document:
    """One post-mortem file: its path, its text, its frontmatter and its parsed body."""

    path: Path
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    meta_lines: dict[str, int] = field(default_factory=dict)
    frontmatter_line: int = 1
    body_line: int = 1
    sections: list[Section] = field(default_factory=list)
    prose: list[ProseBlock] = field(default_factory=list)
    headings: list[ProseBlock] = field(default_factory=list)  # every heading, for wording rules
    cells: list[ProseBlock] = field(default_factory=list)  # table cells outside `prose`
    problems: list[Finding] = field(default_factory=list)
    parsed: bool = False  # False when the file could not be read as a post-mortem at all

    # -- locations -------------------------------------------------------------------------
    @property
    def display_path(self) -> str:
        return self.path.as_posix()

    def meta_line(self, key: str | Iterable[str | int]) -> int:
        """Line of a frontmatter key ("severity", or a path like ("authors", 1))."""
        parts = [key] if isinstance(key, str) else list(key)
        while parts:
            found = self.meta_lines.get(path_key(parts))
            if found:
                return found
            parts.pop()
        return self.frontmatter_line

    def section(self, key: str) -> Section | None:
        key = key.lower()
        for section in self.sections:
            if section.key == key:
                return section
        return None

    # -- frontmatter values ----------------------------------------------------------------
    def _str(self, key: str) -> str:
        value = self.meta.get(key)
        return value.strip() if isinstance(value, str) else ""

    def _list(self, key: str) -> list[str]:
        value = self.meta.get(key)
        if isinstance(value, list):
            return [str(v) for v in value if isinstance(v, str | int | float)]
        return []

    def _time(self, key: str) -> datetime | None:
        return parse_instant(self.meta.get(key))

    @property
    def id(self) -> str:
        return self._str("id")

    @property
    def title(self) -> str:
        return self._str("title")

    @property
    def status(self) -> str:
        return self._str("status").lower()

    @property
    def severity(self) -> str:
        return self._str("severity")

    @property
    def started(self) -> datetime | None:
        return self._time("started")

    @property
    def detected(self) -> datetime | None:
        return self._time("detected")

    @property
    def mitigated(self) -> datetime | None:
        return self._time("mitigated")

    @property
    def resolved(self) -> datetime | None:
        return self._time("resolved")

    @property
    def created(self) -> datetime | None:
        return self._time("created")

    @property
    def report_date(self) -> datetime | None:
        return self._time("report_date")

    @property
    def followup_review(self) -> datetime | None:
        return self._time("followup_review")

    @property
    def authors(self) -> list[str]:
        return self._list("authors")

    @property
    def reviewers(self) -> list[str]:
        return self._list("reviewers")

    @property
    def services(self) -> list[str]:
        return self._list("services")

    @property
    def tags(self) -> list[str]:
        return self._list("tags")

    @property
    def related(self) -> list[str]:
        return self._list("related")

    @property
    def restricted(self) -> bool:
        return self.meta.get("restricted") is True

    @property
    def summary(self) -> str:
        section = self.section("summary")
        return " ".join(b.text.replace("\n", " ") for b in section.blocks) if section else ""

    # -- body tables -------------------------------------------------------------------------
    def _first_table(self, key: str) -> Table | None:
        section = self.section(key)
        return section.tables[0] if section and section.tables else None

    @cached_property
    def timeline(self) -> list[TimelineEntry]:
        table = self._first_table("timeline")
        if table is None:
            return []
        texts = [row.text("time") for row in table.rows]
        start = self.started or self.detected
        end = self.resolved or self.mitigated
        entries = []
        for row, when in zip(table.rows, resolve_rows(texts, start, end), strict=True):
            entries.append(
                TimelineEntry(
                    line=row.line,
                    time=when.time,
                    time_text=row.text("time"),
                    event=row.text("event"),
                    source=row.text("source"),
                    actor=row.text("actor"),
                    utc_offset=when.cell.written_offset if when.cell else None,
                    dated_by=when.dated_by,
                    problem=when.problem,
                    row=row,
                )
            )
        return entries

    @cached_property
    def action_items(self) -> list[ActionItem]:
        table = self._first_table("action items")
        if table is None:
            return []
        items = []
        for row in table.rows:
            deadline_text = row.text("deadline")
            items.append(
                ActionItem(
                    line=row.line,
                    id=row.text("id"),
                    action=row.text("action"),
                    owner=row.text("owner"),
                    deadline=parse_day(deadline_text),
                    deadline_text=deadline_text,
                    priority=row.text("priority"),
                    status=row.text("status").strip().lower(),
                    issue=row.text("issue"),
                    row=row,
                )
            )
        return items

    @cached_property
    def people(self) -> set[str]:
        """Names and handles of the people this document mentions (for the wording rules)."""
        people: set[str] = set()
        sources = [*self.authors, *self.reviewers, *(i.owner for i in self.action_items)]
        sources += [e.actor for e in self.timeline]
        for value in sources:
            match = _NAME_WITH_HANDLE.match(value)
            if match:
                people.add(match["name"])
                first = match["name"].split()[0]
                people.add(first)
                people.add(match["handle"])
                continue
            for handle in _HANDLE.findall(value):
                people.add(handle)
        for block in self.prose:
            people.update(_HANDLE.findall(block.text))
        return {p for p in people if p}


# Rules shift instants by hours and days; years this far from datetime's limits (1 and 9999)
# cannot overflow, and no incident is dated outside them.
_YEARS = range(1000, 9000)


def _usable(moment: datetime) -> datetime | None:
    """The instant in UTC, or None when UTC cannot hold it (`0001-01-01T00:00+14:00`) or it
    is too close to the limits of datetime for the rules' arithmetic."""
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        return None
    return moment if moment.year in _YEARS else None


def parse_instant(value: Any) -> datetime | None:
    """An ISO 8601 instant with an explicit offset, as UTC; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return _usable(parsed)


def parse_day(text: str) -> date | None:
    text = _strip_markup(text)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _strip_markup(text: str) -> str:
    return text.strip().strip("`*_ ").strip()


# --------------------------------------------------------------------------------------------
# Reading bytes


def load_document(
    path: Path | str, data: bytes | None = None, max_bytes: int = MAX_FILE_BYTES
) -> Document:
    """Read and parse one post-mortem file; problems are findings, never exceptions."""
    path = Path(path)
    shown = path.as_posix()
    if data is None:
        try:
            size = path.stat().st_size
            if size > max_bytes:
                return _unreadable(
                    path,
                    input_error(
                        shown,
                        1,
                        "IN003",
                        f"file is {size:,} bytes, over the limit of {max_bytes:,}; a post-mortem this "
                        "large is almost certainly a pasted log or a wrong file",
                        "Move raw logs to an attachment or link, and keep the report itself short.",
                    ),
                )
            # Bounded read: a device or a pipe (`/dev/zero`, `<(cmd)`) reports size 0.
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
            if len(data) > max_bytes:
                return _unreadable(
                    path,
                    input_error(
                        shown,
                        1,
                        "IN003",
                        f"file has more than {max_bytes:,} bytes, the limit",
                        "Check that the path is a post-mortem, not a device or a stream.",
                    ),
                )
        except OSError as error:
            return _unreadable(
                path, input_error(shown, 1, "IN005", f"cannot read file: {error.strerror}")
            )
    return parse_bytes(data, path, max_bytes=max_bytes)


def _unreadable(path: Path, problem: Finding, text: str = "") -> Document:
    return Document(path=path, text=text, problems=[problem])


def parse_bytes(data: bytes, path: Path | str, max_bytes: int = MAX_FILE_BYTES) -> Document:
    path = Path(path)
    shown = path.as_posix()
    if len(data) > max_bytes:
        return _unreadable(
            path,
            input_error(
                shown, 1, "IN003", f"file is {len(data):,} bytes, over the limit of {max_bytes:,}"
            ),
        )
    nul = data.find(b"\x00")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        return _unreadable(
            path,
            input_error(
                shown, line, "IN001", "file contains NUL bytes: it looks binary, not Markdown"
            ),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return _unreadable(
            path,
            input_error(
                shown,
                line,
                "IN002",
                f"file is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
                "Save the file as UTF-8.",
                column=column,
            ),
        )
    return parse_document(text.removeprefix("\ufeff"), path)


_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of a file as editors, GitHub and Markdown count them (`\\n`, `\\r\\n`, `\\r`).

    Not `str.splitlines()`: it also breaks at form feeds, `\\x85` and U+2028 (pasted from
    word processors), which would shift every later line number of a finding.
    """
    lines = _LINE_END.split(text) if "\r" in text else text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def parse_document(text: str, path: Path | str) -> Document:
    """Parse post-mortem text: frontmatter, then the Markdown body."""
    path = Path(path)
    shown = path.as_posix()
    doc = Document(path=path, text=text)
    if not text.strip():
        doc.problems.append(
            input_error(
                shown,
                1,
                "IN004",
                "file is empty",
                "Start from the template: `postmortem new TITLE`.",
            )
        )
        return doc
    lines = split_lines(text)
    if lines[0].rstrip() != "---":
        doc.problems.append(
            input_error(
                shown,
                1,
                "IN010",
                "no YAML frontmatter: the file must start with a line `---`",
                "Add the metadata block from the template at the top of the file.",
            )
        )
        _body(doc, lines, 0)
        doc.parsed = True
        return doc
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        doc.problems.append(
            input_error(
                shown,
                1,
                "IN011",
                "frontmatter is not closed: no line `---` after the opening one",
                "End the metadata block with a line containing only `---`.",
            )
        )
        return doc
    doc.frontmatter_line = 1
    doc.body_line = end + 2
    meta, meta_lines, problems = load_frontmatter("\n".join(lines[1:end]), shown, first_line=2)
    doc.meta, doc.meta_lines = meta, meta_lines
    doc.problems.extend(problems)
    _body(doc, lines, end + 1)
    doc.parsed = True
    return doc


def _body(doc: Document, lines: list[str], start: int) -> None:
    body = parse_body(lines, start)
    doc.sections, doc.prose = body.sections, body.prose
    doc.headings, doc.cells = body.headings, body.cells


# --------------------------------------------------------------------------------------------
# Archives


def iter_markdown_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Post-mortem files under the given files and folders, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.md") if p.is_file() and not _hidden(p, path))
        else:
            yield path


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def load_archive(paths: Iterable[Path | str]) -> list[Document]:
    return [load_document(p) for p in iter_markdown_files(paths)]
