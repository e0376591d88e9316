"""The post-mortem document: a Markdown file with YAML frontmatter, parsed once with line numbers.

Everything downstream (rules, sync, site, statistics) reads a `Document`; nothing re-parses the
file. Parsing never raises for bad content: what cannot be read becomes a `Finding` in
`Document.problems` (category ``input``) and the rest of the document is still made available.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .findings import Finding
from .times import resolve_rows

MAX_FILE_BYTES = 2_000_000
MAX_YAML_NODES = 5_000
MAX_YAML_DEPTH = 32

_MD = MarkdownIt("commonmark", {"html": True}).enable("table")
# The body is parsed into blocks only; a block's inline markup is parsed when its prose is
# first read (rules read every block, the site only a few), with the same parser and the
# document's link references.
_MD_BLOCKS = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>()]+|\bwww\.[^\s<>()]+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w/.])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))")
_NAME_WITH_HANDLE = re.compile(r"^\s*(?P<name>[^@()]+?)\s*\(@(?P<handle>[A-Za-z0-9-]+)\)\s*$")

# Table headers are matched loosely ("Time (UTC)", "Due date") to these canonical keys.
_TIMELINE_HEADERS = {"time": "time", "event": "event", "source": "source", "actor": "actor"}
_ACTION_HEADERS = {
    "id": "id",
    "action": "action",
    "owner": "owner",
    "deadline": "deadline",
    "due": "deadline",
    "priority": "priority",
    "status": "status",
    "issue": "issue",
}
OPEN_STATUSES = ("", "open", "todo", "in-progress", "in progress", "blocked")


def _problem(
    path: str, line: int, rule: str, message: str, suggestion: str | None = None, column: int = 1
) -> Finding:
    return Finding(path, max(line, 1), max(column, 1), rule, "input", "error", message, suggestion)


@dataclass(frozen=True)
class Cell:
    text: str
    line: int
    column: int


@dataclass
class Row:
    line: int
    cells: dict[str, Cell]
    raw_cell_count: int

    def text(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell.text if cell else ""

    def column(self, key: str) -> int:
        cell = self.cells.get(key)
        return cell.column if cell else 1


@dataclass
class Table:
    line: int
    headers: list[str]
    rows: list[Row]


@dataclass(frozen=True)
class ProseBlock:
    """One unit of prose: a paragraph, a list item or a table cell, with code and URLs removed.

    `raw` is the block's Markdown; `text` its readable text. Soft line breaks are kept as
    newlines, so ``line + text[:offset].count("\\n")`` is the file line of any offset.
    """

    raw: str
    line: int
    kind: str
    section: str
    column: int = 1
    indents: tuple[int, ...] = ()  # column where each line of the block starts in the file
    references: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def text(self) -> str:
        tokens: list[Token] = []
        _MD.inline.parse(self.raw, _MD, {"references": self.references}, tokens)
        return _prose_text(tokens)

    @cached_property
    def _breaks(self) -> list[int]:
        return [i for i, c in enumerate(self.text) if c == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        """File line and column of a character offset into `text` (columns are approximate
        after a replaced code span or URL)."""
        # Bisection over the block's line breaks: counting them in `text[:offset]` for every
        # finding was quadratic in a long paragraph with thousands of findings.
        newlines = bisect.bisect_left(self._breaks, offset)
        if newlines:
            start = self.indents[newlines] if newlines < len(self.indents) else 1
            return self.line + newlines, start + offset - self._breaks[newlines - 1] - 1
        return self.line, self.column + offset


@dataclass
class Section:
    key: str
    title: str
    level: int
    line: int
    end_line: int
    tables: list[Table] = field(default_factory=list)
    items: list[ProseBlock] = field(default_factory=list)
    blocks: list[ProseBlock] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.tables or self.items or self.blocks)


@dataclass(frozen=True)
class TimelineEntry:
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
        return self.status in OPEN_STATUSES

    @property
    def is_done(self) -> bool:
        return self.status in ("done", "completed", "closed")

    def key(self, doc_id: str) -> str:
        return f"{doc_id}/{self.id}"


@dataclass
class Document:
    path: Path
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    meta_lines: dict[str, int] = field(default_factory=dict)
    frontmatter_line: int = 1
    body_line: int = 1
    sections: list[Section] = field(default_factory=list)
    prose: list[ProseBlock] = field(default_factory=list)
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
            found = self.meta_lines.get(_path_key(parts))
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


def _path_key(parts: Iterable[str | int]) -> str:
    return "/".join(str(p) for p in parts)


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
                    _problem(
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
                    _problem(
                        shown,
                        1,
                        "IN003",
                        f"file has more than {max_bytes:,} bytes, the limit",
                        "Check that the path is a post-mortem, not a device or a stream.",
                    ),
                )
        except OSError as error:
            return _unreadable(
                path, _problem(shown, 1, "IN005", f"cannot read file: {error.strerror}")
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
            _problem(
                shown, 1, "IN003", f"file is {len(data):,} bytes, over the limit of {max_bytes:,}"
            ),
        )
    nul = data.find(b"\x00")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        return _unreadable(
            path,
            _problem(
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
            _problem(
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
            _problem(
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
            _problem(
                shown,
                1,
                "IN010",
                "no YAML frontmatter: the file must start with a line `---`",
                "Add the metadata block from the template at the top of the file.",
            )
        )
        _parse_body(doc, lines, 0)
        doc.parsed = True
        return doc
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        doc.problems.append(
            _problem(
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
    _parse_body(doc, lines, end + 1)
    doc.parsed = True
    return doc


# --------------------------------------------------------------------------------------------
# Frontmatter: PyYAML composes nodes (keeping marks); we build values ourselves, so that
# duplicate keys, aliases and YAML 1.1 surprises become findings instead of silent data.

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML11_BOOLS = {"y", "yes", "n", "no", "on", "off"}
_TAG = "tag:yaml.org,2002:"


class _Places:
    """File line and column of a YAML mark.

    YAML also breaks lines at NEL, U+2028 and U+2029, the file (and GitHub) does not: when
    the frontmatter holds one of these, places are counted from the mark's character index.
    """

    def __init__(self, source: str):
        self.newlines: list[int] | None = None
        if any(c in source for c in "\x85\u2028\u2029"):
            self.newlines = [i for i, c in enumerate(source) if c == "\n"]

    def line(self, mark: yaml.Mark) -> int:
        """0-based line of the mark in the frontmatter source."""
        if self.newlines is None:
            return mark.line
        return bisect.bisect_left(self.newlines, mark.index)

    def column(self, mark: yaml.Mark) -> int:
        """1-based column of the mark."""
        if self.newlines is None:
            return mark.column + 1
        line = self.line(mark)
        return mark.index - (self.newlines[line - 1] + 1 if line else 0) + 1


class _Stop(Exception):
    def __init__(self, finding: Finding):
        self.finding = finding


def load_frontmatter(
    source: str, shown: str, first_line: int = 1
) -> tuple[dict[str, Any], dict[str, int], list[Finding]]:
    """Safe-load a YAML mapping, with the line of every key; problems as findings."""
    problems: list[Finding] = []
    lines: dict[str, int] = {}
    places = _Places(source)
    try:
        node = yaml.compose(source, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (places.line(mark) if mark else 0)
        column = places.column(mark) if mark else 1
        what = error.problem or "invalid YAML"
        return (
            {},
            lines,
            [
                _problem(
                    shown,
                    line,
                    "IN012",
                    f"invalid YAML in frontmatter: {what}",
                    "Check indentation, and quote values containing `: ` or `#`.",
                    column=column,
                )
            ],
        )
    except yaml.reader.ReaderError as error:  # a character YAML refuses: a control character
        # The C reader counts the position in UTF-8 bytes, the Python one in characters.
        before = (
            source[: error.position]
            if _Loader is yaml.SafeLoader
            else source.encode("utf-8", "surrogatepass")[: error.position].decode("utf-8", "ignore")
        )
        code = error.character if isinstance(error.character, int) else ord(error.character[0])
        return (
            {},
            lines,
            [
                _problem(
                    shown,
                    first_line + before.count("\n"),
                    "IN012",
                    f"invalid YAML in frontmatter: character U+{code:04X} is not allowed",
                    "Remove the control character (often pasted with text from a terminal).",
                    column=len(before) - before.rfind("\n"),
                )
            ],
        )
    except yaml.YAMLError as error:
        return (
            {},
            lines,
            [_problem(shown, first_line, "IN012", f"invalid YAML in frontmatter: {error}")],
        )
    except RecursionError:
        return {}, lines, [_problem(shown, first_line, "IN017", "frontmatter is nested too deeply")]
    if node is None:
        return {}, lines, [_problem(shown, first_line, "IN013", "frontmatter is empty")]
    if not isinstance(node, yaml.MappingNode):
        return (
            {},
            lines,
            [
                _problem(
                    shown,
                    first_line + places.line(node.start_mark),
                    "IN013",
                    "frontmatter must be a mapping of `key: value` lines, not a "
                    f"{'list' if isinstance(node, yaml.SequenceNode) else 'single value'}",
                )
            ],
        )
    builder = _Builder(shown, first_line, lines, problems, places)
    try:
        value = builder.build(node, [], 0)
    except _Stop as stop:
        problems.append(stop.finding)
        return {}, lines, problems
    return value, lines, problems


class _Builder:
    def __init__(
        self,
        shown: str,
        first_line: int,
        lines: dict[str, int],
        problems: list[Finding],
        places: _Places,
    ):
        self.shown = shown
        self.places = places
        self.first_line = first_line
        self.lines = lines
        self.problems = problems
        self.seen: set[int] = set()
        self.count = 0

    def line(self, node: yaml.Node) -> int:
        return self.first_line + self.places.line(node.start_mark)

    def build(self, node: yaml.Node, path: list[str | int], depth: int, at: int = 0) -> Any:
        # The composer returns the same node object for every alias of an anchor: seeing a
        # node twice means an alias, which a post-mortem never needs and a YAML bomb relies on.
        # `at` is the line of the enclosing key or list, where the alias was written.
        if id(node) in self.seen:
            raise _Stop(
                _problem(
                    self.shown,
                    at or self.line(node),
                    "IN015",
                    "YAML anchors and aliases (`&name`, `*name`) are not allowed in frontmatter",
                    "Write the value out in full.",
                )
            )
        self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_YAML_NODES or depth > MAX_YAML_DEPTH:
            raise _Stop(
                _problem(
                    self.shown,
                    self.line(node),
                    "IN017",
                    "frontmatter is too large or too deeply nested",
                )
            )
        if path:
            self.lines.setdefault(_path_key(path), self.line(node))
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Stop(
                        _problem(
                            self.shown,
                            self.line(key_node),
                            "IN013",
                            "frontmatter keys must be plain words",
                        )
                    )
                key = str(key_node.value)
                if key == "<<":
                    raise _Stop(
                        _problem(
                            self.shown,
                            self.line(key_node),
                            "IN015",
                            "YAML merge keys (`<<`) are not allowed in frontmatter",
                        )
                    )
                if key in result:
                    first = self.lines.get(_path_key([*path, key]), self.line(key_node))
                    self.problems.append(
                        _problem(
                            self.shown,
                            self.line(key_node),
                            "IN014",
                            f"duplicate key `{key}` (first defined on line {first}); "
                            "YAML would silently keep only the last one",
                            "Remove one of the two.",
                            column=self.places.column(key_node.start_mark),
                        )
                    )
                    continue
                self.lines[_path_key([*path, key])] = self.line(key_node)
                result[key] = self.build(value_node, [*path, key], depth + 1, self.line(key_node))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [
                self.build(item, [*path, i], depth + 1, self.line(node))
                for i, item in enumerate(node.value)
            ]
        return self.scalar(node, path)

    def scalar(self, node: yaml.ScalarNode, path: list[str | int]) -> Any:
        tag = node.tag.removeprefix(_TAG)
        raw = node.value
        plain = not node.style  # None (pure-Python parser) or "" (libyaml)
        where = ".".join(str(p) for p in path) or "value"
        if tag == "bool":
            if plain and raw.lower() in _YAML11_BOOLS:
                self.problems.append(
                    _problem(
                        self.shown,
                        self.line(node),
                        "IN016",
                        f"`{where}: {raw}` is read by YAML as the boolean {raw.lower() in ('y', 'yes', 'on')}, "
                        "not the word",
                        f'Quote it: "{raw}", or write true/false.',
                        column=self.places.column(node.start_mark),
                    )
                )
                return raw
            return raw.lower() == "true"
        if tag == "int":
            text = raw.replace("_", "")
            if plain and (
                re.fullmatch(r"[-+]?0[0-7]+", text)
                or ":" in text
                or text.startswith(("0o", "0x", "0b"))
            ):
                self.problems.append(
                    _problem(
                        self.shown,
                        self.line(node),
                        "IN016",
                        f"`{where}: {raw}` would be read by YAML 1.1 as a number in another base",
                        f'Quote it: "{raw}".',
                        column=self.places.column(node.start_mark),
                    )
                )
                return raw
            try:
                return int(text)
            except ValueError:
                return raw
        if tag == "float":
            try:
                return float(raw.replace("_", ""))
            except ValueError:
                return raw
        if tag == "null":
            return None
        # Timestamps, binary and everything else stay text: the schema checks their form.
        return raw


# --------------------------------------------------------------------------------------------
# Body


def _parse_body(doc: Document, lines: list[str], start: int) -> None:
    """Sections, tables and prose blocks of the Markdown body (lines[start:])."""
    body = "\n".join(lines[start:])
    offset = start + 1  # token.map is 0-based within the body; file lines are 1-based
    env: dict = {}
    tokens = _MD_BLOCKS.parse(body, env)
    references = env.get("references", {})
    section: Section | None = None
    stack: list[str] = []  # open container tokens (list_item, blockquote, table)
    table: Table | None = None
    header: list[str] = []
    row_cells: list[Cell] | None = None
    row_line = 0
    in_head = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == "heading_open":
            level = int(token.tag[1])
            title = _inline_text(tokens[i + 1])
            line = token.map[0] + offset if token.map else offset
            if level <= 2:
                if section is not None:
                    section.end_line = line - 1
                section = Section(
                    key=_section_key(title),
                    title=title,
                    level=level,
                    line=line,
                    end_line=len(lines),
                )
                doc.sections.append(section)
            i += 3
            continue
        if kind.endswith("_open") and kind in ("list_item_open", "blockquote_open"):
            stack.append(kind)
        elif kind in ("list_item_close", "blockquote_close"):
            stack.pop()
        elif kind == "table_open":
            table = Table(
                line=(token.map[0] + offset) if token.map else offset, headers=[], rows=[]
            )
            header = []
            if section is not None and "blockquote_open" not in stack:
                section.tables.append(table)
        elif kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            row_cells = []
            row_line = token.map[0] + offset if token.map else offset
        elif kind == "tr_close" and table is not None and row_cells is not None:
            source_line = lines[row_line - 1] if row_line - 1 < len(lines) else ""
            columns = _cell_columns(source_line)
            cells = [
                Cell(c.text, c.line, columns[n] if n < len(columns) else 1)
                for n, c in enumerate(row_cells)
            ]
            if in_head:
                header = [_header_key(c.text) for c in cells]
                table.headers = header
            else:
                keyed = {header[n]: cell for n, cell in enumerate(cells) if n < len(header)}
                table.rows.append(Row(line=row_line, cells=keyed, raw_cell_count=len(columns)))
                if section is not None and "blockquote_open" not in stack:
                    for n, cell in enumerate(cells[: len(header)]):
                        if header[n] in ("event", "action") and cell.text:
                            block = ProseBlock(
                                cell.text,
                                cell.line,
                                "table_cell",
                                section.key,
                                cell.column,
                                references=references,
                            )
                            doc.prose.append(block)
            row_cells = None
        elif kind == "table_close":
            table = None
        elif kind == "inline" and row_cells is not None:
            row_cells.append(Cell(_inline_text(token), row_line, 1))
        elif kind == "inline" and token.map is not None and "blockquote_open" not in stack:
            block_kind = "list_item" if "list_item_open" in stack else "paragraph"
            line = token.map[0] + offset
            indents = _indents(token.content, lines, line)
            block = ProseBlock(
                token.content,
                line,
                block_kind,
                section.key if section else "",
                indents[0],
                indents,
                references,
            )
            if section is not None:
                if block_kind == "list_item":
                    section.items.append(block)
                else:
                    section.blocks.append(block)
                doc.prose.append(block)
            elif token.content.strip():
                doc.prose.append(block)
        i += 1
    if doc.sections:
        doc.sections[-1].end_line = len(lines)


def _indents(content: str, lines: list[str], first: int) -> tuple[int, ...]:
    """1-based column where each line of an inline block's content starts in the file."""
    columns = []
    for number, raw in enumerate(content.split("\n"), start=first):
        source = lines[number - 1] if number - 1 < len(lines) else ""
        found = source.find(raw.strip()[:20]) if raw.strip() else -1
        columns.append(found + 1 if found >= 0 else 1)
    return tuple(columns)


# A qualifier after a section's name: "Timeline (all times UTC)", "Impact: customers",
# "Timeline - 9 February". The key is the name alone, so rules find the section either way.
_QUALIFIER = re.compile(r"\s*(?:\(.*\)|\[.*\]|[:\u2013\u2014]\s.*|\s-\s.*|:)$")


def _section_key(title: str) -> str:
    key = re.sub(r"\s+", " ", title.strip().lower())
    return _QUALIFIER.sub("", key) or key


def _header_key(text: str) -> str:
    words = re.sub(r"\(.*?\)", "", text).strip().lower()
    first = words.split()[0] if words.split() else words
    for known in (_TIMELINE_HEADERS, _ACTION_HEADERS):
        if words in known:
            return known[words]
        if first in known:
            return known[first]
    return words


def _inline_text(token: Token) -> str:
    return token.content.strip()


def _prose_text(children: list[Token]) -> str:
    """Readable text of inline tokens: code spans and URLs are replaced, link text kept."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "text_special"):
            parts.append(_URL.sub("URL", child.content))
        elif child.type == "code_inline":
            parts.append("CODE")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.children:
            parts.append(_prose_text(child.children))
    return "".join(parts)


_PIPE_OR_MARK = re.compile(r"\\.|`|\|")


def _cell_columns(line: str) -> list[int]:
    """1-based column of the text of each cell of a table row (split on unescaped pipes
    outside code spans)."""
    stripped = line.lstrip()
    start = len(line) - len(stripped) + (1 if stripped.startswith("|") else 0)
    starts = []
    in_code = False
    for match in _PIPE_OR_MARK.finditer(line, start):
        mark = match.group()
        if mark == "`":
            in_code = not in_code
        elif mark == "|" and not in_code:
            starts.append(start)
            start = match.end()
    if line[start:].strip():
        starts.append(start)
    # Point at the cell's text, after its leading spaces.
    return [len(line[s:]) - len(line[s:].lstrip(" ")) + s + 1 for s in starts]


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
