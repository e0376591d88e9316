"""The body parser's shortcuts give what markdown-it itself gives.

- Block rules are tried only where a line's first character lets them match, inline rules
  only where the character at the position does (`_FirstCharRuler`), and the setext heading
  rule only where a later line of the paragraph starts with `-` or `=` (`_lheading`): the
  same block and inline tokens as a stock markdown-it. Line endings and NUL characters are
  normalised only where there are any.
- Tables are read by `_table_rows` (one token per row, cells split by `_escaped_split`)
  instead of markdown-it's table rule (tokens per cell, `escapedSplit`): the same sections,
  tables, rows, cells and prose blocks.
- A block's readable text is found without the inline parser when it has no inline markup
  (`_plain_text`) or backticks only (`_code_span_text`), and URLs are looked for only where
  "://" or "www." is: the same text as a stock markdown-it's inline tokens through
  `prose_text`.

Each is compared with markdown-it on the project's post-mortems and test documents, generated
reports, the shared corpus (when present) and generated Markdown.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit

from postmortem.body import (
    _MD,
    _URL,
    ProseBlock,
    _escaped_split,
    _without_urls,
    parse_body,
    prose_text,
)
from postmortem.document import load_document, split_lines

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

STOCK = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")
STOCK_INLINE = MarkdownIt("commonmark", {"html": True})


def inline_tokens(md: MarkdownIt, raw: str, references: dict) -> list:
    found: list = []
    md.inline.parse(raw, md, {"references": references}, found)
    return [flat(token) for token in found]


def flat(t) -> tuple:
    children = [flat(child) for child in t.children or []]
    return (t.type, t.tag, t.nesting, t.content, t.markup, t.info, t.attrs, t.level, children)


def stock_text(raw: str, references: dict) -> str:
    """A block's readable text read with a stock markdown-it's inline parser."""
    found: list = []
    STOCK_INLINE.inline.parse(raw, STOCK_INLINE, {"references": references}, found)
    return prose_text(found)


def same_inline(raw: str, references: dict) -> None:
    assert inline_tokens(_MD, raw, references) == inline_tokens(STOCK_INLINE, raw, references)
    assert ProseBlock(raw, 1, "paragraph", "", references=references).text == stock_text(
        raw, references
    )


def project_documents(tmp_path: Path) -> list[Path]:
    return (
        sorted((ROOT / "postmortems").glob("*.md"))
        + sorted(ROOT.glob("tests/**/*.md"))
        + generate(tmp_path, 20, 1600, seed=11)
    )


def tokens(md: MarkdownIt, text: str) -> list[tuple]:
    """The block tokens outside tables, and each table's lines and cells."""
    found = []
    cells: list[str] | None = None  # the cells of the row being read
    for t in md.parse(text, {}):
        if t.type == "table_row":
            found.append(("row", t.map, t.meta["cells"]))
        elif t.type == "tr_open":
            cells, row_map = [], t.map
        elif t.type == "inline" and cells is not None:
            cells.append(t.content)
        elif t.type == "tr_close":
            found.append(("row", row_map, cells))
            cells = None
        elif not t.type.startswith(("thead", "tbody", "th_", "td_", "tr_")):
            found.append(
                (t.type, t.tag, t.map, t.content, t.markup, t.info, t.level, t.hidden, t.attrs)
            )
    return found


def bodies(text: str) -> tuple:
    lines = split_lines(text)
    return parse_body(lines, 0), parse_body(lines, 0, STOCK)


def same_blocks_and_texts(paths: list[Path]) -> int:
    """Assert both shortcuts on every file; the number of blocks compared."""
    blocks = 0
    for path in paths:
        text = path.read_text("utf-8", errors="replace")
        ours, stock = bodies(text)
        assert ours == stock, path
        doc = load_document(path)
        for block in [*doc.prose, *doc.headings, *doc.cells]:
            assert block.text == stock_text(block.raw, block.references), (path, block.line)
            assert inline_tokens(_MD, block.raw, block.references) == inline_tokens(
                STOCK_INLINE, block.raw, block.references
            ), (path, block.line)
            blocks += 1
    return blocks


def test_same_tokens_and_texts_on_the_project_documents(tmp_path: Path) -> None:
    assert same_blocks_and_texts(project_documents(tmp_path)) > 1000


@pytest.mark.shared
def test_same_tokens_and_texts_on_the_shared_corpus() -> None:
    assert same_blocks_and_texts(sorted(CORPUS.rglob("*.md"))) > 1000


CELLS = st.text(alphabet="ab |\\`-:", max_size=30)


@given(CELLS)
def test_escaped_split_is_markdown_its(line: str) -> None:
    assert _escaped_split(line) == escapedSplit(line)


# Markdown made of the pieces that decide tables and inline text: pipes, escapes, backticks,
# spaces and tabs before line breaks, emphasis, links, HTML, entities and URLs.
PIECES = st.sampled_from(
    [
        "a", "word", " ", "  ", "\t", "\n", "|", "\\|", "\\", "`", "``", "```", "*", "_", "[x]",
        "(u)", "<b>", "&amp;", "https://example.com/a", "www.x.org", "|---|", ":-:", "-", "#",
        "> ", "1. ", "\n\n", "!", "**", "~", "&#35;", "<a@b.c>", "<https://a.b>", "[x](y)",
        "WWW.X.ORG", "ftp://f", "ä",
    ]
)  # fmt: skip


# Lines that start (or nearly start) each kind of block, indented or not, in a list or a quote.
LINE_STARTS = st.sampled_from(
    [
        "", " ", "   ", "    ", "\t", "- ", "-", "* ", "+ ", "1. ", "2) ", "10.", "> ", ">", "# ",
        "## ", "#x", "```", "~~~", "``", "---", "***", "___", "- - -", "===", "=", "[a]: /u",
        "[a]", "<div>", "<!-- ", "-->", "<b>", "</div>", "| a |", "|---|", ":-", "a",
    ]
)  # fmt: skip
LINE_RESTS = st.sampled_from(["", "x", " word", " `c`", " | b", " ~~~", "\t-"])
BLOCK_LINES = st.lists(st.tuples(LINE_STARTS, LINE_STARTS, LINE_RESTS), max_size=12)


@given(BLOCK_LINES)
def test_same_tokens_and_body_on_generated_blocks(lines: list[tuple[str, str, str]]) -> None:
    text = "\n".join(a + b + rest for a, b, rest in lines) + "\n"
    assert tokens(_MD, text) == tokens(STOCK, text)
    ours, stock = bodies("## Timeline\n\n" + text)
    assert ours == stock


@pytest.mark.parametrize(
    "text",
    [
        "a\n---\n", "a\nb\n===\n", "a\n- b\n---\n", "- a\n  ---\n", "> a\n---\n",
        "a\n    ---\n", "a\n\n---\n", "a\n+ b\n", "a\n2. b\n1. c\n", "a\n<div>\n", "a\n# b\n",
        "a\n```\nb\n```\n", "[a]: /u\n[a]\n", "* a\n\n  b\n* c\n", "> - a\n> b\n---\n",
        "- a\n - b\n  - c\n   - d\n    - e\n", "\ta\n-\tb\n", "a\r\n---\r\n",
        "a\rb\r\r# c\0d\r\n", "\0\n\0",
    ],
)  # fmt: skip
def test_same_tokens_and_body_on_block_examples(text: str) -> None:
    assert tokens(_MD, text) == tokens(STOCK, text)
    ours, stock = bodies("## Timeline\n\n" + text)
    assert ours == stock


@given(st.lists(PIECES, max_size=40))
def test_same_tokens_and_body_on_generated_markdown(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert tokens(_MD, text) == tokens(STOCK, text)
    ours, stock = bodies("## Timeline\n\n" + text)
    assert ours == stock


# Tables: rows of cells, a delimiter row of any shape, rows shorter and longer than the header,
# escaped pipes and code spans, and what may end a table or stand around it.
CELL = st.text(alphabet="ab `\\|*-:", max_size=6)
ROW = st.lists(CELL, min_size=0, max_size=5).map(lambda cells: "|".join(cells))
DELIMITER = st.lists(st.sampled_from(["---", ":--", "--:", ":-:", "-", " --- ", ""]), max_size=4)
AROUND = st.sampled_from(["", "text\n", "> quote\n", "- item\n", "# Title\n", "\n", "    code\n"])


@given(
    st.tuples(
        AROUND,
        ROW,
        DELIMITER.map(lambda cells: "|".join(cells)),
        st.lists(st.tuples(ROW, AROUND), max_size=4),
        st.sampled_from(["", "  ", "    ", "- ", "> "]),
    )
)
def test_same_tables_on_generated_tables(parts) -> None:
    before, header, delimiter, rows, indent = parts
    lines = [header, delimiter] + [line for row, after in rows for line in (row, after) if line]
    text = before + "\n".join(indent + line for line in lines) + "\n"
    assert tokens(_MD, text) == tokens(STOCK, text)
    ours, stock = bodies("## Timeline\n\n" + text)
    assert ours == stock


@pytest.mark.parametrize(
    "table",
    [
        "| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |\n",  # short and long rows
        "a | b\n--|--\nx | y\n",  # no outer pipes
        "| a |\n|:-:|\n| `x|y` |\n| x \\| y |\n",  # code spans and escaped pipes
        "| a | b |\n| - | - |\n| 1 | 2 |\n> quoted\n",  # ended by a quote
        "- | a | b |\n  |---|---|\n  | 1 | 2 |\n",  # in a list item
        "text\n| a |\n|---|\n| 1 |\n\n| a |\n| - |\n",  # after a paragraph; header only
        "| a | b |\n|---||---|\n",  # an empty column between: not a table
        "    | a |\n    |---|\n",  # indented code
    ],
)
def test_same_tables_on_examples(table: str) -> None:
    assert tokens(_MD, table) == tokens(STOCK, table)
    ours, stock = bodies("## Timeline\n\n" + table)
    assert ours == stock


@given(st.lists(PIECES, max_size=40))
def test_same_text_on_generated_markdown(pieces: list[str]) -> None:
    raw = "".join(pieces).strip()
    same_inline(raw, {})
    same_inline(raw, {"X": {"href": "/u", "title": ""}})


@pytest.mark.parametrize(
    "raw",
    [
        "plain text",
        "two  \nlines\twith   \n   breaks \nand https://example.com/x?y=1 end",
        "tabs\n\t start \n \t\tlines\t \nend",
        "a `code` b ``more ` code`` c ` unmatched",
        "`a\n  b` spans lines, ```` alone",
        "https://x.y/`z` and `https://x.y` ",
        "HTTPS://X.Y and WwW.example.org, ftp://f and http:/x www x.www.y",
        "See WwW.Example.org now",
        "![img](/u) ![x] [x] [x][] [x](</a b> 'title') <https://a.b> <a@b.c> <span a=1>",
        "*a* _b_ **c** __d__ ***e*** a*b*c a_b_c \\*x\\* &amp; &#35; &nosuch; &#xZZ;",
        "a  \nb\\\nc ~~d~~ ~e~ [a](b)(c) [[x]](y) ![a ![b](c)](d) `a\nb`",
        "ünï *cödé* `ß` https://ex.ample/ä?ö=1 ½",
    ],
)
def test_shortcut_examples(raw: str) -> None:
    same_inline(raw, {})
    assert _without_urls(raw) == _URL.sub("URL", raw)


@given(st.text(alphabet="wW.:/hHtpsfS xä\u017f\u212a-", max_size=30))
def test_urls_are_looked_for_where_they_can_be(text: str) -> None:
    assert _without_urls(text) == _URL.sub("URL", text)


def test_escaped_pipes_stay_in_their_cell() -> None:
    from postmortem.document import parse_document

    text = "---\nid: x\n---\n\n## Timeline\n\n| a | b \\| c |\n|---|---|\n| 1 | 2 \\| 3 |\n"
    (table,) = parse_document(text, "x.md").sections[0].tables
    assert table.headers == ["a", "b | c"]
    assert table.rows[0].text("b | c") == "2 | 3"
