"""The body parser's shortcuts give what markdown-it itself gives.

- Table rows are split by `_escaped_split` instead of markdown-it's `escapedSplit`: the same
  cells, so the same block tokens.
- A block's readable text is found without the inline parser when it has no inline markup
  (`_plain_text`) or backticks only (`_code_span_text`): the same text as markdown-it's
  inline tokens through `prose_text`.

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

from postmortem.body import _MD, ProseBlock, _escaped_split, inline_text
from postmortem.document import load_document

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

STOCK = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")


def project_documents(tmp_path: Path) -> list[Path]:
    return (
        sorted((ROOT / "postmortems").glob("*.md"))
        + sorted(ROOT.glob("tests/**/*.md"))
        + generate(tmp_path, 20, 1600, seed=11)
    )


def tokens(md: MarkdownIt, text: str) -> list[tuple]:
    return [
        (t.type, t.tag, t.nesting, t.level, t.map, t.content, t.markup, t.info, t.attrs)
        for t in md.parse(text, {})
    ]


def same_blocks_and_texts(paths: list[Path]) -> int:
    """Assert both shortcuts on every file; the number of blocks compared."""
    blocks = 0
    for path in paths:
        text = path.read_text("utf-8", errors="replace")
        assert tokens(_MD, text) == tokens(STOCK, text), path
        doc = load_document(path)
        for block in [*doc.prose, *doc.headings, *doc.cells]:
            assert block.text == inline_text(block.raw, block.references), (path, block.line)
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
        "> ", "1. ", "\n\n",
    ]
)  # fmt: skip


@given(st.lists(PIECES, max_size=40))
def test_same_tokens_on_generated_markdown(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert tokens(_MD, text) == tokens(STOCK, text)


@given(st.lists(PIECES, max_size=40))
def test_same_text_on_generated_markdown(pieces: list[str]) -> None:
    raw = "".join(pieces).strip()
    block = ProseBlock(raw, 1, "paragraph", "")
    assert block.text == inline_text(raw, {})


@pytest.mark.parametrize(
    "raw",
    [
        "plain text",
        "two  \nlines\twith   \n   breaks \nand https://example.com/x?y=1 end",
        "tabs\n\t start \n \t\tlines\t \nend",
        "a `code` b ``more ` code`` c ` unmatched",
        "`a\n  b` spans lines, ```` alone",
        "https://x.y/`z` and `https://x.y` ",
    ],
)
def test_shortcut_examples(raw: str) -> None:
    assert ProseBlock(raw, 1, "paragraph", "").text == inline_text(raw, {})


def test_escaped_pipes_stay_in_their_cell() -> None:
    from postmortem.document import parse_document

    text = "---\nid: x\n---\n\n## Timeline\n\n| a | b \\| c |\n|---|---|\n| 1 | 2 \\| 3 |\n"
    (table,) = parse_document(text, "x.md").sections[0].tables
    assert table.headers == ["a", "b | c"]
    assert table.rows[0].text("b | c") == "2 | 3"
