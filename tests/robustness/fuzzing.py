"""Shared pieces of the robustness tests: broken-input strategies and the checks every
parsed document must survive (rules, sync plan, site pages).

The strategies start from the seed post-mortem and break it the ways real files break:
lines lost or repeated, stray control characters, Windows line ends, pasted binary, tables
with a pipe too many, frontmatter values that are any YAML at all.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import strategies as st

from postmortem.config import Config
from postmortem.document import Document
from postmortem.site.pages import SiteOptions, build_site
from postmortem.sync.plan import ListedIssue, SyncSettings, plan_sync
from postmortem.sync.review import build_review, render_json, render_markdown, render_text
from postmortem.validation import INTERNAL, check_document

ROOT = Path(__file__).resolve().parents[2]
SEED_PATH = ROOT / "postmortems" / "2025-02-09-api-service-degradation.md"
SEED = SEED_PATH.read_text("utf-8")
SEED_LINES = SEED.split("\n")
FRONTMATTER_END = SEED_LINES.index("---", 1)  # index of the closing `---`
TODAY = date(2025, 3, 1)
CONFIG = Config()
SETTINGS = SyncSettings(repo="acme/web", link_base="https://github.com/acme/web/blob/main/")

# --------------------------------------------------------------------------- text pieces
# Characters that trip parsers: line separators Python's splitlines() knows but editors and
# GitHub do not, Markdown punctuation, escapes, zero-width and right-to-left marks, emoji.
AWKWARD = (
    "\r",
    "\r\n",
    "\t",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u200b",
    "\u202e",
    "\x7f",
    "\x1b[31m",
    "|",
    "\\|",
    "\\",
    "`",
    "``",
    "*",
    "_",
    "#",
    "> ",
    "- ",
    "1. ",
    "[",
    "](",
    "<",
    "<!--",
    "-->",
    "&",
    "&#0;",
    "&#x110000;",
    "@",
    "@@",
    ":",
    "---",
    "...",
    "~~~",
    "```",
    "\U0001f525",
    "\u0301",
    "ﬁ",
    "İ",
    "ß",
)

awkward_text = st.lists(st.one_of(st.sampled_from(AWKWARD), st.text(max_size=8)), max_size=12).map(
    "".join
)

# Frontmatter values: any YAML, including what a safe loader must refuse or keep as text.
YAML_VALUES = (
    "[]",
    "{}",
    "[a, [b, [c, [d]]]]",
    "{a: {b: {c: 1}}}",
    "{? [a, b] : c}",
    "[{x: 1}, {y: [2, 3]}]",
    "- a\n  - b",
    "\n  - one\n  - two",
    "\n  nested: map\n  other: 2",
    "42",
    "-0",
    "3.14",
    "1e400",
    ".inf",
    "-.inf",
    ".nan",
    "0x1F",
    "0o17",
    "010",
    "0b101",
    "1_000",
    "190:20:30",
    "~",
    "null",
    "true",
    "no",
    "on",
    "Off",
    "y",
    "2025-02-09",
    "2025-02-09T14:02:00",
    "2025-02-09 14:02:00 +01:00",
    "2025-02-30T25:61:00Z",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+14:00",
    '"2025-02-09T14:02:00Z"',
    '"0001-01-01T00:00:00Z"',
    '"9999-12-31T23:59:59Z"',
    '"2025-02-30T10:00:00Z"',
    "&anchor [1, 2]",
    "*anchor",
    "&a x",
    "!!python/object:os.system ls",
    "!!python/object/apply:os.system [ls]",
    "!!python/name:os.system",
    "!!binary aGVsbG8=",
    "!!binary ////",
    "!!set {a, b}",
    "!!omap [a: 1, b: 2]",
    "!!pairs [a: 1]",
    "!!timestamp 2025-02-09",
    "!!float nan",
    "!!int 0x10",
    "!!str 12",
    "!!map {}",
    "!!seq []",
    "!custom thing",
    "!<tag:example.com,2000:x> y",
    '"\\ud800"',
    '"\\udfff lone"',
    '"\\x00 nul"',
    '"\\e\\a\\b"',
    '"\\U0001F525"',
    "'it''s'",
    '"unterminated',
    "'unterminated",
    "[unclosed",
    "{unclosed: 1",
    "|\n  block\n  text",
    ">-\n  folded",
    "| \n",
    "a: b: c",
    "- - -",
    "? complex",
    "%YAML 1.2",
    "@at-sign",
    "`backtick`",
    "<<: *a",
    "x" * 5000,
)

FRONTMATTER_KEYS = (
    "id",
    "title",
    "status",
    "severity",
    "started",
    "detected",
    "mitigated",
    "resolved",
    "created",
    "report_date",
    "followup_review",
    "authors",
    "reviewers",
    "services",
    "tags",
    "related",
    "restricted",
)

yaml_value = st.one_of(
    st.sampled_from(YAML_VALUES),
    awkward_text,
    st.lists(st.sampled_from(YAML_VALUES[:40]), min_size=1, max_size=4).map(
        lambda vs: "[" + ", ".join(v.replace("\n", " ") for v in vs) + "]"
    ),
)


# --------------------------------------------------------------------------- mutations
def _index(draw, lines: list[str]) -> int:
    return draw(st.integers(0, max(len(lines) - 1, 0)))


@st.composite
def _delete(draw, lines):
    i = _index(draw, lines)
    n = draw(st.integers(1, 5))
    return lines[:i] + lines[i + n :]


@st.composite
def _duplicate(draw, lines):
    i = _index(draw, lines)
    return lines[: i + 1] + lines[i : i + draw(st.integers(1, 3))] + lines[i + 1 :]


@st.composite
def _swap(draw, lines):
    if len(lines) < 2:
        return lines
    i, j = _index(draw, lines), _index(draw, lines)
    lines = list(lines)
    lines[i], lines[j] = lines[j], lines[i]
    return lines


@st.composite
def _insert_text(draw, lines):
    """Random unicode or awkward characters inside or between lines."""
    i = _index(draw, lines)
    piece = draw(st.one_of(awkward_text, st.text(max_size=30)))
    line = lines[i] if lines else ""
    at = draw(st.integers(0, len(line)))
    lines = list(lines) or [""]
    if draw(st.booleans()):
        lines[i] = line[:at] + piece + line[at:]
    else:
        lines.insert(i, piece)
    return lines


@st.composite
def _line_ends(draw, lines):
    """Windows or old-Mac line ends on some lines, tabs for indentation."""
    ending = draw(st.sampled_from(["\r", "\t", "\x0c", "\u2028", "\x85", " \\"]))
    chosen = draw(st.sets(st.integers(0, max(len(lines) - 1, 0)), max_size=10))
    return [line + ending if n in chosen else line for n, line in enumerate(lines)]


@st.composite
def _long_line(draw, lines):
    i = _index(draw, lines)
    unit = draw(st.sampled_from(["a", "a ", "@", "|", "x|", "`", "\\", "*", "word ", "é"]))
    return lines[:i] + [unit * draw(st.integers(1_000, 30_000))] + lines[i:]


@st.composite
def _nesting(draw, lines):
    """Deeply nested lists and block quotes."""
    depth = draw(st.integers(10, 300))
    marker = draw(st.sampled_from(["> ", "- ", "  - ", "1. ", ">- ", "* > "]))
    i = _index(draw, lines)
    block = [marker * d + "item @alice caused it" for d in range(1, depth, max(1, depth // 40))]
    if draw(st.booleans()):
        block = [marker * depth + "deep"]
    return lines[:i] + block + lines[i:]


TABLE_PIECES = (
    "|",
    "\\|",
    "\\",
    "`",
    "``",
    "` | `",
    "||",
    " ",
    "-",
    ":",
    "x",
    "@bob",
    "2025-02-09",
)


@st.composite
def _table_row(draw, lines):
    """A row of a Timeline or Action Items table rewritten with random pipes and escapes."""
    rows = [n for n, line in enumerate(lines) if line.startswith("|")]
    if not rows:
        return lines
    i = draw(st.sampled_from(rows))
    cells = draw(st.lists(st.sampled_from(TABLE_PIECES), max_size=30))
    lines = list(lines)
    lines[i] = draw(st.sampled_from(["", "|"])) + "".join(cells)
    return lines


@st.composite
def _frontmatter_value(draw, lines):
    """A frontmatter key set to any YAML value (or added, or renamed)."""
    key = draw(st.sampled_from(FRONTMATTER_KEYS))
    value = draw(yaml_value)
    lines = list(lines)
    end = lines.index("---", 1) if "---" in lines[1:] else None
    if end is None:
        return [f"{key}: {value}", *lines]
    for n in range(1, end):
        if lines[n].startswith(f"{key}:"):
            lines[n] = f"{key}: {value}"
            return lines
    lines.insert(end, f"{key}: {value}")
    return lines


@st.composite
def _delimiter(draw, lines):
    """The opening or closing `---` of the frontmatter rewritten."""
    closing = lines.index("---", 1) if "---" in lines[1:] else 0
    at = draw(st.sampled_from([0, closing]))
    lines = list(lines)
    if lines:
        lines[at] = draw(st.sampled_from(["----", "--- ", "...", "---\x0c", "--- x", "\u2014", ""]))
    return lines


MUTATIONS = (
    _delimiter,
    _delete,
    _duplicate,
    _swap,
    _insert_text,
    _line_ends,
    _long_line,
    _nesting,
    _table_row,
    _frontmatter_value,
    _frontmatter_value,
)


@st.composite
def mutated_seed(draw) -> bytes:
    """The seed post-mortem after one to five random mutations, as the bytes of a file."""
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 5))):
        lines = draw(draw(st.sampled_from(MUTATIONS))(lines))
    text = "\n".join(lines)
    encoding = draw(st.sampled_from(["plain", "plain", "plain", "bom", "crlf", "cr", "bytes"]))
    if encoding == "bom":
        return "\ufeff".encode() + text.encode("utf-8", "surrogatepass")
    if encoding in ("crlf", "cr"):
        text = text.replace("\n", "\r\n" if encoding == "crlf" else "\r")
    data = text.encode("utf-8", "surrogatepass")
    if encoding == "bytes":  # a pasted binary blob, a lone surrogate, a Latin-1 byte
        blob = draw(st.sampled_from([b"\xed\xa0\x80", b"\xff\xfe", b"\xe9", b"\xc3", b"\x00"]))
        at = draw(st.integers(0, len(data)))
        data = data[:at] + blob + data[at:]
    return data


BODY_MUTATIONS = (
    _delete,
    _duplicate,
    _swap,
    _insert_text,
    _line_ends,
    _long_line,
    _nesting,
    _table_row,
)


@st.composite
def mutated_body(draw) -> bytes:
    """The seed with its frontmatter intact and its body mutated, so that every rule (and
    the sync plan) works on the damaged sections instead of stopping at invalid YAML."""
    head, body = SEED_LINES[: FRONTMATTER_END + 1], SEED_LINES[FRONTMATTER_END + 1 :]
    for _ in range(draw(st.integers(1, 5))):
        body = draw(draw(st.sampled_from(BODY_MUTATIONS))(body))
    return "\n".join(head + body).encode("utf-8", "surrogatepass")


# --------------------------------------------------------------------------- properties
def file_lines(data: bytes) -> int:
    """Lines of the file as an editor or GitHub counts them (`\\n`, `\\r\\n` or `\\r`)."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


def assert_findings_sound(doc: Document, data: bytes) -> list:
    """Rules run without crashing, and every finding points at a real place in the file."""
    findings = check_document(doc, CONFIG, TODAY)
    internal = [f for f in findings if f.rule == INTERNAL]
    assert not internal, internal
    last = file_lines(data) + 1
    for f in findings:
        assert 1 <= f.line <= last, (f, last)
        assert f.column >= 1, f
        assert f.path == doc.display_path
        assert f.message
    return findings


def _issues_of_seed() -> list[ListedIssue]:
    """The issues a clean sync of the seed leaves on GitHub, so that plans also update."""
    from postmortem.document import parse_document

    seed = parse_document(SEED, Path("postmortems/2025-02-09-api-service-degradation.md"))
    issues = []
    for number, want in enumerate(plan_sync([seed], [], SETTINGS).desired.values(), start=1):
        issues.append(
            ListedIssue(
                number=number,
                title=want.title,
                body=want.body,
                state="open",
                state_reason=None,
                labels=tuple(want.labels),
                assignees=tuple(want.assignees or ()),
                url=f"https://github.com/acme/web/issues/{number}",
            )
        )
    assert issues, "the seed has action items"
    return issues


SEED_ISSUES = _issues_of_seed()


def assert_downstream_survives(doc: Document) -> None:
    """The sync plan, the weekly review and the site pages accept any parsed document, and
    what they produce can be sent to GitHub and written to disk (UTF-8)."""
    for issues in ([], SEED_ISSUES):
        plan = plan_sync([doc], issues, SETTINGS)
        for action in plan.actions:
            for value in action.changes.values():
                if isinstance(value, str):
                    value.encode("utf-8")
    review = build_review([doc], TODAY, None, statuses=("published", "draft", "in-review"))
    for text in (render_text(review), render_markdown(review), render_json(review)):
        text.encode("utf-8")
    for options in (SiteOptions(today=TODAY), SiteOptions(today=TODAY, preview=True)):
        site = build_site([doc], options)
        site.feed.encode("utf-8")
        for page in site.pages:
            page.markdown.encode("utf-8")
        for warning in site.warnings:
            warning.encode("utf-8")


# --------------------------------------------------------------------------- structured
# Documents assembled from parts, so that the rules see frontmatter, sections and tables in
# combinations the seed never has: any key set, any section order, any table header.
SEED_VALUES = {
    line.split(":", 1)[0]: line.split(":", 1)[1].strip()
    for line in SEED_LINES[1:FRONTMATTER_END]
    if ":" in line and not line.startswith("#")
}
SECTION_TITLES = (
    "Summary",
    "Impact",
    "Root Cause",
    "Timeline",
    "Contributing Factors",
    "Action Items",
    "What Went Well",
    "Lessons Learned",
    "Immediate cause",
    "Systemic issues",
    "",
    "Timeline (UTC)",
    "action items",
    "ACTION ITEMS",
)
HEADERS = (
    "Time",
    "Time (UTC)",
    "Event",
    "Source",
    "Actor",
    "ID",
    "Action",
    "Owner",
    "Deadline",
    "Due date",
    "Priority",
    "Status",
    "Issue",
    "",
    "Notes",
    "time time",
    "(UTC)",
)
CELLS = (
    "2025-02-09 14:02",
    "2025-02-09T14:02:00Z",
    "2025-02-09 14:02 +01:00",
    "2025-02-09 14:02 -2359",
    "2025-02-30 25:61",
    "14:02",
    "0001-01-01 00:00 +14:00",
    "`2025-02-09 14:02`",
    "@alice",
    "Alice Example (@alice)",
    "@",
    "@@",
    "@-",
    "@" + "a" * 60,
    "nobody",
    "2025-03-01",
    "2025-02-30",
    "9999-12-31",
    "0001-01-01",
    "P1",
    "P9",
    "open",
    "done",
    "wont-do",
    "in progress",
    "#12",
    "https://github.com/acme/web/issues/7",
    "javascript:alert(1)",
    "A1",
    "A1",
    "-",
    "",
    "Improve monitoring",
    "Be more careful",
    "Alice caused the outage",
    "human error",
    "The on-call engineer failed to restart the pool",
    "Alice acknowledged the page",
    "password=hunter2hunter2",
    "ghp_" + "A1b2" * 9,
    "<script>alert(1)</script>",
    "`code | pipe`",
    "a \\| b",
)
SENTENCES = (
    "Alice caused it.",
    "It was human error.",
    "Bob should have checked the dashboard.",
    "The on-call engineer failed to escalate.",
    "Obviously the deploy was wrong.",
    "Alice acknowledged the page at 10:12.",
    "We added a pool saturation alert.",
    "TODO: write this.",
    "See <!-- hidden --> and [link](javascript:alert(1)).",
    "Token: ghp_" + "A1b2" * 9 + ".",
)

cell = st.one_of(st.sampled_from(CELLS), awkward_text)


@st.composite
def _table(draw) -> list[str]:
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8))
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for _ in range(draw(st.integers(0, 6))):
        width = len(header) + draw(st.integers(-2, 2))
        cells = draw(st.lists(cell, min_size=max(width, 0), max_size=max(width, 0)))
        lines.append("| " + " | ".join(c.replace("\n", " ") for c in cells) + " |")
    return lines


@st.composite
def _block(draw) -> list[str]:
    kind = draw(st.sampled_from(["paragraph", "list", "table", "quote", "code", "heading3"]))
    if kind == "table":
        return draw(_table())
    if kind == "code":
        return ["```", draw(awkward_text), "```"]
    text = " ".join(draw(st.lists(st.one_of(st.sampled_from(SENTENCES), awkward_text), max_size=4)))
    if kind == "list":
        return ["- " + part for part in text.split(". ") if part] or ["- "]
    if kind == "quote":
        return ["> " + text]
    if kind == "heading3":
        return ["### " + text[:40]]
    return [text]


@st.composite
def structured_document(draw) -> bytes:
    """A post-mortem assembled from random frontmatter keys, sections and tables."""
    keys = draw(st.lists(st.sampled_from((*FRONTMATTER_KEYS, "extra", "Title")), max_size=20))
    lines = ["---"]
    for key in keys:
        seeded = SEED_VALUES.get(key)
        value = draw(st.one_of(st.just(seeded), yaml_value) if seeded else yaml_value)
        lines.append(f"{key}: {value}")
    lines += ["---", "", "# " + draw(awkward_text)]
    for _ in range(draw(st.integers(0, 10))):
        level = draw(st.sampled_from(["## ", "## ", "# ", "### "]))
        lines += ["", level + draw(st.one_of(st.sampled_from(SECTION_TITLES), awkward_text)), ""]
        for _ in range(draw(st.integers(0, 3))):
            lines += draw(_block()) + [""]
    return "\n".join(lines).encode("utf-8", "surrogatepass")
