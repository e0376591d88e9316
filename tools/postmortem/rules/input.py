"""Input rules: files that cannot be read as a post-mortem at all.

The document parser finds these (it never raises); each code is declared here so that it is
documented, listed by `postmortem rules`, and configurable like any other rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..document import Document
from .base import Context, Problem, Rule, checker, rule

_PARSER_RULES = {
    "IN001": ("binary-file", "The file contains NUL bytes: it is binary, not Markdown."),
    "IN002": ("not-utf8", "The file is not valid UTF-8; the finding points at the first bad byte."),
    "IN003": ("file-too-large", "The file is over the size limit (2 MB): likely a pasted log."),
    "IN004": ("empty-file", "The file is empty."),
    "IN005": ("unreadable-file", "The file cannot be read (permissions, a broken link)."),
    "IN010": (
        "missing-frontmatter",
        "The file does not start with a `---` YAML frontmatter block.",
    ),
    "IN011": ("unclosed-frontmatter", "The frontmatter has no closing `---` line."),
    "IN012": ("invalid-yaml", "The frontmatter is not valid YAML."),
    "IN013": ("frontmatter-not-mapping", "The frontmatter is not a mapping of `key: value` lines."),
    "IN014": (
        "duplicate-key",
        "A key appears twice in the frontmatter; YAML would silently keep the last one.",
    ),
    "IN015": (
        "yaml-alias",
        "YAML anchors, aliases and merge keys are refused: a post-mortem never needs them and\n"
        "alias expansion is how a 'billion laughs' YAML bomb exhausts memory.",
    ),
    "IN016": (
        "yaml11-surprise",
        "An unquoted value that YAML 1.1 reads as something else: `no`, `on`, `yes`, `off` as\n"
        "booleans, `010` as octal 8, `1:20` as a base-60 number. Quote the value.",
    ),
    "IN017": ("yaml-too-large", "The frontmatter is too large or nested too deeply."),
}


@checker(
    "parser",
    [Rule(code, name, "input", doc=doc) for code, (name, doc) in _PARSER_RULES.items()],
)
def parser_problems(doc: Document, ctx: Context) -> Iterator[Problem]:
    """What the parser could not read (it records these as it parses, and never raises)."""
    for finding in doc.problems:
        if finding.rule in _PARSER_RULES:
            yield Problem(
                finding.line, finding.message, finding.suggestion, finding.column, finding.rule
            )


@rule("IN020", "table-cells", "input")
def table_cells(doc: Document, ctx: Context) -> Iterator[Problem]:
    """A table row has fewer or more cells than its header.

    Markdown silently pads missing cells and drops extra ones, so a row with a stray `|` or a
    forgotten column would otherwise lose data without a word.
    """
    for section in doc.sections:
        for table in section.tables:
            width = len(table.headers)
            for row in table.rows:
                if row.raw_cell_count < width:
                    yield Problem(
                        row.line,
                        f"row has {row.raw_cell_count} cells, the header has "
                        f"{width}: a cell is missing",
                        "Add the missing cell; write `-` for an intentionally empty one.",
                    )
                elif row.raw_cell_count > width:
                    yield Problem(
                        row.line,
                        f"row has {row.raw_cell_count} cells, the header has "
                        f"{width}: the extra cells are dropped",
                        "Escape a `|` inside a cell as `\\|`.",
                    )
