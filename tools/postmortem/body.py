"""The Markdown body of a post-mortem: sections, tables and prose blocks, with file lines.

The body is parsed into blocks once (markdown-it, CommonMark with tables); the token stream is
walked in named steps: a heading opens a section, a table collects its rows (cells keyed by
canonical column names), and every paragraph, list item and prose-bearing table cell becomes a
`ProseBlock`. Block quotes (pasted chat) are not prose.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from markdown_it import MarkdownIt
from markdown_it.common.utils import isStrSpace, mdTrim
from markdown_it.ruler import Ruler
from markdown_it.rules_block.lheading import lheading
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import MAX_AUTOCOMPLETED_CELLS
from markdown_it.rules_core import normalize
from markdown_it.rules_core.state_core import StateCore
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token


def _escaped_split(line: str) -> list[str]:
    """markdown-it's `escapedSplit` of a table row (cells split on `|` that no backslash
    precedes; `\\|` kept as `|`), with str.split instead of a loop over every character."""
    if "\\|" not in line:
        return line.split("|")
    return [cell.replace("\\|", "|") for cell in _UNESCAPED_PIPE.split(line)]


_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_ALIGNMENT = re.compile(r"^:?-+:?$")


def _table_rows(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's GFM table rule (rules_block/table.py), giving one `table_row` token per
    row (its cells' text in `meta`) instead of three tokens per cell and two per row: a
    post-mortem is mostly tables, and making tokens was most of the parser's time.

    Which lines make a table, and each cell's text, are markdown-it's:
    tests/core/test_body_parsing.py compares the bodies read both ways."""
    if start + 2 > end:
        return False
    second = start + 1
    if state.sCount[second] < state.blkIndent or state.is_code_block(second):
        return False
    # The delimiter row: `|`, `-`, `:` and spaces only, not a list item (`- `).
    pos = state.bMarks[second] + state.tShift[second]
    stop = state.eMarks[second]
    if pos + 1 >= stop:
        return False
    first_ch, second_ch = state.src[pos], state.src[pos + 1]
    if first_ch not in "|-:" or (second_ch not in "|-:" and not isStrSpace(second_ch)):
        return False
    if first_ch == "-" and isStrSpace(second_ch):
        return False
    for ch in state.src[pos + 2 : stop]:
        if ch not in "|-:" and not isStrSpace(ch):
            return False
    columns = state.src[pos:stop].split("|")
    aligned = 0
    for i, column in enumerate(columns):
        column = mdTrim(column)
        if not column:
            if i == 0 or i == len(columns) - 1:
                continue
            return False
        if not _ALIGNMENT.search(column):
            return False
        aligned += 1
    header = mdTrim(_line(state, start))
    if "|" not in header or state.is_code_block(start):
        return False
    cells = _row_cells(header)
    count = len(cells)
    if count == 0 or count != aligned:
        return False
    if silent:
        return True

    old_parent = state.parentType
    state.parentType = "table"
    terminators = state.md.block.ruler.getRules("blockquote")
    token = state.push("table_open", "table", 1)
    token.map = lines = [start, 0]
    _push_row(state, start, [mdTrim(c) for c in cells], True)
    autocompleted = 0
    line = start + 2
    while line < end:
        if state.sCount[line] < state.blkIndent:
            break
        if any(rule(state, line, end, True) for rule in terminators):
            break
        text = mdTrim(_line(state, line))
        if not text or state.is_code_block(line):
            break
        cells = _row_cells(text)
        autocompleted += count - len(cells)
        if autocompleted > MAX_AUTOCOMPLETED_CELLS:
            break
        cells = [mdTrim(c) for c in cells[:count]] + [""] * (count - len(cells))
        _push_row(state, line, cells, False)
        line += 1
    state.push("table_close", "table", -1)
    lines[1] = line
    state.parentType = old_parent
    state.line = line
    return True


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def _row_cells(text: str) -> list[str]:
    cells = _escaped_split(text)
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def _push_row(state: StateBlock, line: int, cells: list[str], head: bool) -> None:
    token = state.push("table_row", "tr", 0)
    token.map = [line, line + 1]
    token.meta = {"cells": cells, "head": head}


def _lheading(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's setext heading rule, tried only when a line of the paragraph below
    `start` begins with `-` or `=` (an underline must): it is tried on every paragraph, and
    its look for an underline (every later line through the terminator rules) was the
    paragraph rule's work done twice.

    When it cannot match it leaves `state.parentType` as markdown-it's rule leaves it."""
    if state.is_code_block(start):
        return False
    src, marks, shifts, ends = state.src, state.bMarks, state.tShift, state.eMarks
    line = start + 1
    while line < end:
        pos = marks[line] + shifts[line]
        if pos >= ends[line]:
            break  # an empty line ends the paragraph
        if src[pos] in "-=":
            return lheading(state, start, end, silent)
        line += 1
    state.parentType = "paragraph"
    return False


# The character that each rule needs at the start of a line (block rules) or at the parser's
# position (inline rules) to match at all; a rule not listed may match at any character. Each
# listed rule returns False without touching the state when the character is another.
_BLOCK_STARTS = {
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
}
_INLINE_STARTS = {
    "linkify": ":",
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "_*",
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
}


class _FirstCharRuler(Ruler):
    """A markdown-it ruler whose every chain (the rules tried at a line or a position, and
    each list of rules that may end a paragraph, quote or list) is one function that calls
    only the rules that can match the character there, in their order. markdown-it tries
    every rule at every line, and at every inline character that may start markup: a
    post-mortem's lines are mostly prose and table rows, that all but the table, lheading and
    paragraph rules turn down at once.

    tests/core/test_body_parsing.py compares the tokens with a stock markdown-it's."""

    def __init__(self, rules: Ruler, starts: dict[str, str], dispatch: Callable) -> None:
        super().__init__()
        self.__rules__ = rules.__rules__
        self.starts = starts
        self.dispatch = dispatch

    def __compile__(self) -> None:
        super().__compile__()
        starts = {rule.fn: self.starts.get(rule.name) for rule in self.__rules__}
        cache = self.__cache__ or {}
        self.__cache__ = {name: [self.dispatch(chain, starts)] for name, chain in cache.items()}


def _by_char(chain: list, starts: dict) -> Callable[[str], tuple]:
    """The rules of `chain` that can match at a character, looked up once per character."""
    found: dict[str, tuple] = {}

    def rules_for(char: str) -> tuple:
        rules = found.get(char)
        if rules is None:
            rules = found[char] = tuple(
                rule for rule in chain if starts[rule] is None or char in starts[rule]
            )
        return rules

    return rules_for


def _block_dispatch(chain: list, starts: dict) -> Callable[[StateBlock, int, int, bool], bool]:
    rules_for = _by_char(chain, starts)
    every = tuple(chain)

    def first_matching(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[line] + state.tShift[line]
        if pos >= state.eMarks[line] or state.sCount[line] - state.blkIndent >= 4:
            rules = every  # an empty or indented line: every rule, as markdown-it
        else:
            rules = rules_for(state.src[pos])
        for rule in rules:
            if rule(state, line, end, silent):
                return True
        return False

    return first_matching


def _inline_dispatch(chain: list, starts: dict) -> Callable[[StateInline, bool], bool]:
    rules_for = _by_char(chain, starts)
    every = tuple(chain)

    def first_matching(state: StateInline, silent: bool) -> bool:
        pos = state.pos
        rules = rules_for(state.src[pos]) if pos < len(state.src) else every
        for rule in rules:
            if rule(state, silent):
                return True
        return False

    return first_matching


def _normalize(state: StateCore) -> None:
    """markdown-it's first core rule (line endings to `\\n`, NUL to U+FFFD), run only where
    there is a `\\r` or a NUL: it rewrote every line break of every body as itself."""
    if "\r" in state.src or "\0" in state.src:
        normalize(state)


def _block_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")
    md.core.ruler.at("normalize", _normalize)
    md.block.ruler.at("table", _table_rows, {"alt": ["paragraph", "reference"]})
    md.block.ruler.at("lheading", _lheading)
    md.block.ruler = _FirstCharRuler(md.block.ruler, _BLOCK_STARTS, _block_dispatch)
    md.inline.ruler = _FirstCharRuler(md.inline.ruler, _INLINE_STARTS, _inline_dispatch)
    return md


# The body is parsed into blocks only; a block's inline markup is parsed when its prose is
# first read (rules read every block, the site only a few), with the same parser's inline
# rules and the document's link references.
_MD = _block_parser()
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>()]+|\bwww\.[^\s<>()]+", re.IGNORECASE)
# The characters at which one of markdown-it's CommonMark inline rules (escape, backticks,
# emphasis, link, image, autolink, HTML, entity) can start. A block without any is text and
# line breaks only, and its readable text is found without the inline parser (`_plain_text`).
_INLINE_MARKUP = re.compile(r"[\\`*_\[<&]")
_OTHER_MARKUP = re.compile(r"[\\*_\[<&]")
_BACKTICKS = re.compile(r"`+")

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
# Table columns whose cells are prose (read by the wording rules).
_PROSE_COLUMNS = ("event", "action")


@dataclass(frozen=True)
class Cell:
    """One cell of a Markdown table: its text and the line it is on."""

    text: str
    line: int
    column: int


@dataclass
class Row:
    """One row of a Markdown table: its line and its cells by column header."""

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
    """A Markdown table of a section: its line, its column headers and its rows."""

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
        markup = _INLINE_MARKUP.search(self.raw)
        if markup is None:
            return _plain_text(self.raw)
        if markup[0] == "`" and _OTHER_MARKUP.search(self.raw) is None:
            return _code_span_text(self.raw)
        return inline_text(self.raw, self.references)

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
    """A section of the body under one heading."""

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


@dataclass
class Body:
    """The parsed Markdown body of a post-mortem: its sections and its prose blocks."""

    sections: list[Section] = field(default_factory=list)
    prose: list[ProseBlock] = field(default_factory=list)
    # Headings of every level and the table cells outside the prose columns: short texts that
    # the wording rules read too (blame in a heading or a "Contributing factor" cell counts).
    headings: list[ProseBlock] = field(default_factory=list)
    cells: list[ProseBlock] = field(default_factory=list)


def parse_body(lines: list[str], start: int, parser: MarkdownIt = _MD) -> Body:
    """Sections, tables and prose blocks of the Markdown body (lines[start:]).

    `parser` may be a stock markdown-it (tables as cell tokens): the tests compare the two."""
    env: dict = {}
    tokens = parser.parse("\n".join(lines[start:]), env)
    walk = _BodyWalk(lines, start + 1, env.get("references", {}))
    i = 0
    while i < len(tokens):
        i = walk.step(tokens, i)
    if walk.body.sections:
        walk.body.sections[-1].end_line = len(lines)
    return walk.body


class _BodyWalk:
    """The state of one walk over a body's block tokens; each step consumes one or more."""

    def __init__(self, lines: list[str], offset: int, references: dict) -> None:
        self.lines = lines
        self.offset = offset  # token.map is 0-based within the body; file lines are 1-based
        self.references = references
        self.body = Body()
        self.section: Section | None = None
        self.stack: list[str] = []  # open containers: list_item_open, blockquote_open
        self.table: Table | None = None
        self.header: list[str] = []
        self.in_head = False
        self.row_texts: list[str] | None = None  # the cells of a stock parser's row
        self.row_line = 0

    def line_of(self, token: Token) -> int:
        return token.map[0] + self.offset if token.map else self.offset

    @property
    def quoted(self) -> bool:
        return "blockquote_open" in self.stack

    def step(self, tokens: list[Token], i: int) -> int:
        """Handle tokens[i]; the index of the next token to handle."""
        token = tokens[i]
        kind = token.type
        if kind == "heading_open":
            self.heading(token, tokens[i + 1])
            if not self.quoted:
                self.heading_text(token, tokens[i + 1])
            return i + 3  # heading_open, inline, heading_close
        if kind in ("list_item_open", "blockquote_open"):
            self.stack.append(kind)
        elif kind in ("list_item_close", "blockquote_close"):
            self.stack.pop()
        elif kind == "table_row" and self.table is not None:
            self.row_line = self.line_of(token)
            self.in_head = token.meta["head"]
            self.close_row(self.table, [text.strip() for text in token.meta["cells"]])
        elif kind == "table_open":
            self.open_table(token)
        elif kind == "thead_open":
            self.in_head = True
        elif kind == "thead_close":
            self.in_head = False
        elif kind == "tr_open":
            self.row_texts = []
            self.row_line = self.line_of(token)
        elif kind == "tr_close" and self.table is not None and self.row_texts is not None:
            self.close_row(self.table, self.row_texts)
            self.row_texts = None
        elif kind == "table_close":
            self.table = None
            self.in_head = False
        elif kind == "inline" and self.row_texts is not None:
            self.row_texts.append(_inline_text(token))
        elif kind == "inline" and token.map is not None and not self.quoted:
            self.prose_block(token)
        return i + 1

    def heading(self, token: Token, inline: Token) -> None:
        """A heading of level 1 or 2 starts a section; deeper headings belong to it."""
        level = int(token.tag[1])
        if level > 2:
            return
        title = _inline_text(inline)
        line = self.line_of(token)
        if self.section is not None:
            self.section.end_line = line - 1
        self.section = Section(
            key=_section_key(title), title=title, level=level, line=line, end_line=len(self.lines)
        )
        self.body.sections.append(self.section)

    def heading_text(self, token: Token, inline: Token) -> None:
        """Every heading, as a block of its own for the wording rules."""
        line = self.line_of(token)
        source = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        found = source.find(inline.content[:20]) if inline.content else -1
        self.body.headings.append(
            ProseBlock(
                inline.content,
                line,
                "heading",
                self.section.key if self.section else "",
                found + 1 if found >= 0 else 1,
                references=self.references,
            )
        )

    def open_table(self, token: Token) -> None:
        """A table belongs to the current section unless it is quoted."""
        self.table = Table(line=self.line_of(token), headers=[], rows=[])
        self.header = []
        if self.section is not None and not self.quoted:
            self.section.tables.append(self.table)

    def close_row(self, table: Table, texts: list[str]) -> None:
        """The header row names the columns; a body row is keyed by them."""
        line = self.row_line
        columns = _cell_columns(self.lines[line - 1] if line - 1 < len(self.lines) else "")
        width = len(columns)
        cells = [Cell(text, line, columns[n] if n < width else 1) for n, text in enumerate(texts)]
        if self.in_head:
            self.header = [_header_key(c.text) for c in cells]
            table.headers = self.header
            return
        keyed = {self.header[n]: cell for n, cell in enumerate(cells) if n < len(self.header)}
        table.rows.append(Row(line=self.row_line, cells=keyed, raw_cell_count=len(columns)))
        if self.section is None or self.quoted:
            return
        for n, cell in enumerate(cells):
            if not cell.text:
                continue
            prose = n < len(self.header) and self.header[n] in _PROSE_COLUMNS
            (self.body.prose if prose else self.body.cells).append(
                ProseBlock(
                    cell.text,
                    cell.line,
                    "table_cell",
                    self.section.key,
                    cell.column,
                    references=self.references,
                )
            )

    def prose_block(self, token: Token) -> None:
        """A paragraph or list item: prose of its section (or of the text before any)."""
        kind = "list_item" if "list_item_open" in self.stack else "paragraph"
        line = self.line_of(token)
        indents = _indents(token.content, self.lines, line)
        section = self.section
        block = ProseBlock(
            token.content,
            line,
            kind,
            section.key if section else "",
            indents[0],
            indents,
            self.references,
        )
        if section is not None:
            (section.items if kind == "list_item" else section.blocks).append(block)
            self.body.prose.append(block)
        elif token.content.strip():
            self.body.prose.append(block)


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


def inline_text(raw: str, references: dict) -> str:
    """Readable text of a block's Markdown: markdown-it's inline tokens, through `prose_text`."""
    tokens: list[Token] = []
    _MD.inline.parse(raw, _MD, {"references": references}, tokens)
    return prose_text(tokens)


def _plain_text(raw: str) -> str:
    """`inline_text` of Markdown without inline markup (see `_INLINE_MARKUP`): markdown-it's
    newline rule makes each line break a soft or a hard break, both read as a newline, drops
    the spaces before it and skips the spaces and tabs that start the next line.
    tests/core/test_body_parsing.py compares the two."""
    if "\n" not in raw:
        return _without_urls(raw)
    lines = raw.split("\n")
    last = len(lines) - 1
    for n, line in enumerate(lines):
        if n:
            line = line.lstrip(" \t")
        lines[n] = line.rstrip(" ") if n < last else line
    return _without_urls("\n".join(lines))


def _without_urls(text: str) -> str:
    """`text` with each URL replaced by "URL" (`_URL`), the pattern run only where one can
    start: "://" or "www." in any case (most blocks have neither, and `_URL` tries its
    alternatives at every word)."""
    if "://" in text or "www." in text.lower():
        return _URL.sub("URL", text)
    return text


def _code_span_text(raw: str) -> str:
    """`inline_text` of Markdown whose only inline markup is backticks: markdown-it's backticks
    rule makes a run of n backticks and the next run of exactly n a code span (CODE); a run
    with no such closer is text. The text between is read as `_plain_text`."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(raw)]
    later: dict[int, list[int]] = {}  # run length -> indices of the runs of that length
    for index, (start, end) in enumerate(runs):
        later.setdefault(end - start, []).append(index)
    seen = dict.fromkeys(later, 0)  # per length, how many of its runs are behind us
    parts = []
    text_start = 0
    index = 0
    while index < len(runs):
        start, end = runs[index]
        length = end - start
        same = later[length]
        while seen[length] < len(same) and same[seen[length]] <= index:
            seen[length] += 1
        if seen[length] == len(same):
            index += 1  # no closer: the run is text
            continue
        closer = same[seen[length]]
        parts.append(_plain_text(raw[text_start:start]))
        parts.append("CODE")
        text_start = runs[closer][1]
        index = closer + 1
    parts.append(_plain_text(raw[text_start:]))
    return "".join(parts)


def prose_text(children: list[Token]) -> str:
    """Readable text of inline tokens: code spans and URLs are replaced, link text kept."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "text_special"):
            parts.append(_without_urls(child.content))
        elif child.type == "code_inline":
            parts.append("CODE")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.children:
            parts.append(prose_text(child.children))
    return "".join(parts)


_PIPE_OR_MARK = re.compile(r"\\.|`|\|")


def _cell_columns(line: str) -> list[int]:
    """1-based column of the text of each cell of a table row (split on unescaped pipes
    outside code spans)."""
    stripped = line.lstrip()
    start = len(line) - len(stripped) + (1 if stripped.startswith("|") else 0)
    if "`" not in line and "\\" not in line:
        return _plain_cell_columns(line, start)
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


def _plain_cell_columns(line: str, start: int) -> list[int]:
    """`_cell_columns` of a row without backticks or backslashes: every pipe ends a cell."""
    columns = []
    *cells, last = line[start:].split("|")
    for cell in cells:
        columns.append(start + len(cell) - len(cell.lstrip(" ")) + 1)
        start += len(cell) + 1
    if last.strip():
        columns.append(start + len(last) - len(last.lstrip(" ")) + 1)
    return columns
