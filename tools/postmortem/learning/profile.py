"""What similarity reads of a post-mortem: a few frontmatter fields and the words of its root
cause, contributing factors and action items.

A `Profile` is built from the text of a file with a light reader (frontmatter through the
project's YAML loader, sections split at `#`/`##` headings outside code fences, the Action
column of the action-item table): the same function serves files the validator parsed fully
and the rest of the archive, so that a full run and `--changed-since` agree. Words are
lower-cased, abbreviations mapped (`data/similarity.yml`), stop words dropped and the rest
stemmed with Snowball (PyStemmer), so "exhausted" matches "exhaustion".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from operator import is_not
from pathlib import Path
from typing import Any

import yaml

from ..document import MAX_FILE_BYTES, parse_instant, split_lines
from ..frontmatter import load_frontmatter

# libyaml when it is there: the data files are read at import, on every run.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DATA = Path(__file__).resolve().parent.parent / "data" / "similarity.yml"

# The fields compared, and the section titles that hold them.
FIELDS = ("root cause", "contributing factors", "action items")
FIELD_TITLES = {
    "root cause": "root cause",
    "contributing factors": "contributing factors",
    "action items": "actions",
}
_HEADING = re.compile(r"^ {0,3}(#{1,2})\s+(.*?)\s*#*\s*$")
# _HEADING on every line of a text at once (whitespace other than the line break, as a line has)
_HEADING_LINE = re.compile(r"^ {0,3}(#{1,2})[^\S\n]+(.*?)[^\S\n]*#*[^\S\n]*$", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_URL = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+", re.IGNORECASE)
# Bounded: an unclosed "](" or "<!--" repeated through a huge paragraph must stay linear.
_LINK_TARGET = re.compile(r"\]\([^)\n]{0,400}\)")
_HANDLE = re.compile(r"(?<![\w/.])@[A-Za-z0-9][A-Za-z0-9-]*")
_WORD = re.compile(r"[a-z][a-z0-9]*(?:['’][a-z]+)?")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
# The frontmatter fields a profile reads (the rest of a frontmatter is not built).
META = ("id", "title", "status", "restricted", "started", "services", "tags", "related")
_MARKS = frozenset("#`~")  # the first character (after up to 3 spaces) of a heading or fence


@lru_cache(maxsize=1)
def vocabulary_data() -> tuple[frozenset[str], dict[str, str]]:
    with DATA.open(encoding="utf-8") as handle:
        raw = yaml.load(handle, Loader=_LOADER)
    return frozenset(raw["stop_words"]), dict(raw["synonyms"])


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer: Snowball in C

    return Stemmer.Stemmer("english")


_STEMS: dict[str, str] = {}


def stem_words(words: list[str]) -> list[str]:
    """Stems of words (memoised: an archive's vocabulary is small next to its word count)."""
    missing = [w for w in dict.fromkeys(words) if w not in _STEMS]
    if missing:
        for word, stem in zip(missing, _stemmer().stemWords(missing), strict=True):
            _STEMS[word] = stem
    return [_STEMS[w] for w in words]


def words(text: str) -> list[str]:
    """The comparable words of some Markdown text, in order, as written (lower case)."""
    stop, synonyms = vocabulary_data()
    return [
        word
        for found in _tokens(text)
        if len(word := synonyms.get(found, found)) > 1 and word not in stop
    ]


# token -> its stem, or None for a token that is not a comparable word (memoised)
_TOKEN_STEMS: dict[str, str | None] = {}
_NOT_NONE = partial(is_not, None)


def stems(text: str) -> list[str]:
    """`stem_words(words(text))`, with each distinct token looked at once: the words of a
    whole archive are read when a cache is cold."""
    tokens = _tokens(text)
    missing = set(tokens).difference(_TOKEN_STEMS)
    if missing:
        stop, synonyms = vocabulary_data()
        for token in missing:
            word = synonyms.get(token, token)
            _TOKEN_STEMS[token] = (
                stem_words([word])[0] if len(word) > 1 and word not in stop else None
            )
    return list(filter(_NOT_NONE, map(_TOKEN_STEMS.__getitem__, tokens)))


def _tokens(text: str) -> list[str]:
    """The lower-case tokens of some Markdown text (comments, link targets, URLs and
    @handles left out), before abbreviations and stop words."""
    text = _without_comments(text)
    # Each pattern only where its first characters occur: most blocks have no link or URL.
    if "](" in text:
        text = _LINK_TARGET.sub("]", text)
    if "://" in text or "www." in text.lower():
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _HANDLE.sub(" ", text)
    return _WORD.findall(text.lower().replace("_", " "))


def _without_comments(text: str) -> str:
    """The text without HTML comments (an unclosed one runs to the end), in linear time."""
    if "<!--" not in text:
        return text
    out, start = [], 0
    while True:
        opening = text.find("<!--", start)
        if opening < 0:
            out.append(text[start:])
            return " ".join(out)
        out.append(text[start:opening])
        closing = text.find("-->", opening + 4)
        if closing < 0:
            return " ".join(out)
        start = closing + 3


@dataclass(frozen=True)
class Profile:
    """A post-mortem as similarity sees it."""

    path: str
    id: str
    title: str = ""
    status: str = ""
    restricted: bool = False
    started: str = ""  # ISO date of `started`, or ""
    services: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    related_line: int = 1
    id_line: int = 1
    # field -> stems, in order; and a stem -> the first word it came from, for reasons
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    surface: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def published(self) -> bool:
        return self.status == "published" and not self.restricted

    @property
    def all_terms(self) -> list[str]:
        return [t for name in self.terms for t in self.terms[name]]


def _text_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if isinstance(v, str | int) and str(v).strip())
    return ()


def split_sections(lines: list[str]) -> dict[str, list[str]]:
    """Body lines by section key (`## Root Cause` -> "root cause"); the first section of a
    name wins, as in the document model. Fenced code is left out."""
    text = "\n".join(lines)
    if "```" in text or "~~~" in text:
        return _sections_line_by_line(lines)
    # No fence can open: the headings are found in the whole text at once (the same lines).
    sections: dict[str, list[str]] = {}
    found = list(_HEADING_LINE.finditer(text))
    for n, heading in enumerate(found):
        key = re.sub(r"\s+", " ", heading[2].strip().lower())
        if key in sections:
            continue
        start = heading.end() + 1
        end = found[n + 1].start() - 1 if n + 1 < len(found) else len(text)
        sections[key] = text[start:end].split("\n") if start <= end else []
    return sections


def _sections_line_by_line(lines: list[str]) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    fence = ""
    for line in lines:
        if line.lstrip(" ")[:1] not in _MARKS:  # neither a fence nor a heading: text
            if current is not None and not fence:
                current.append(line)
            continue
        opener = _FENCE.match(line)
        if fence:
            if opener and opener[1][0] == fence[0] and len(opener[1]) >= len(fence):
                fence = ""
            continue
        if opener:
            fence = opener[1]
            continue
        heading = _HEADING.match(line)
        if heading:
            key = re.sub(r"\s+", " ", heading[2].strip().lower())
            current = None if key in sections else sections.setdefault(key, [])
            continue
        if current is not None:
            current.append(line)
    return sections


def _action_cells(lines: list[str]) -> list[str]:
    """The Action column of the first table, and the text around it (owners, dates and ids
    are not words about the failure)."""
    out: list[str] = []
    column = None
    for line in lines:
        stripped = line.strip()
        if not stripped.startswith("|"):
            if column is None or not stripped:
                out.append(line)
            continue
        cells = [c.strip() for c in _CELL_SPLIT.split(stripped.strip("|"))]
        if column is None:
            names = [c.lower().split(" ")[0] if c else "" for c in cells]
            column = names.index("action") if "action" in names else -1
            continue
        if column >= 0 and column < len(cells) and not re.fullmatch(r":?-+:?", cells[column]):
            out.append(cells[column])
    return out


def field_texts(body: list[str]) -> dict[str, str]:
    """Root cause, contributing factors and actions as text; a report not in this format
    (no such sections) is read as its summary, or its whole body without the timeline."""
    sections = split_sections(body)
    texts = {}
    for name in FIELDS:
        lines = sections.get(name)
        if name == "root cause" and lines is None:
            lines = sections.get("root causes")
        if lines is None:
            continue
        texts[name] = "\n".join(_action_cells(lines) if name == "action items" else lines)
    if not texts.get("root cause", "").strip() and sections.get("summary"):
        # Reports without a Root Cause section (other templates) state it in their summary.
        texts["root cause"] = "\n".join(sections["summary"])
    if not any(t.strip() for t in texts.values()):
        rest = [line for key, lines in sections.items() if "timeline" not in key for line in lines]
        texts = {"root cause": "\n".join(sections.get("summary") or rest or body)}
    return texts


def _split_frontmatter(text: str) -> tuple[list[str] | None, list[str]]:
    """The frontmatter lines (None without a closed one) and the body lines."""
    lines = split_lines(text.removeprefix("\ufeff"))
    if lines and lines[0].rstrip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if end is not None:
            return lines[1:end], lines[end + 1 :]
    return None, lines


def profile_from_text(text: str, path: str) -> Profile:
    """The profile of a post-mortem's text (frontmatter and Markdown body)."""
    head, body = _split_frontmatter(text)
    meta: dict[str, Any] = {}
    meta_lines: dict[str, int] = {}
    if head is not None:
        fields, lines, _ = load_frontmatter("\n".join(head), path, first_line=2)
        meta = {k: v for k, v in fields.items() if k in META}
        meta_lines = {k: v for k, v in lines.items() if k in META}
    return profile_from_parts(path, meta, meta_lines, body)


def terms_from_text(text: str) -> dict[str, tuple[str, ...]]:
    """The `terms` of `profile_from_text(text, ...)` alone: what the archive's word counts
    need of a file that may never be compared closely (no frontmatter read)."""
    _, body = _split_frontmatter(text)
    return {name: tuple(stems(t)) for name, t in field_texts(body).items()}


def profile_from_parts(
    path: str, meta: dict[str, Any], meta_lines: dict[str, int], body: list[str]
) -> Profile:
    terms: dict[str, tuple[str, ...]] = {}
    surface: dict[str, str] = {}
    for name, text in field_texts(body).items():
        found = words(text)
        stems = stem_words(found)
        for stem, word in zip(stems, found, strict=True):
            if stem not in surface or len(word) < len(surface[stem]):
                surface[stem] = word  # the plainest form: "pool" rather than "pooled"
        terms[name] = tuple(stems)
    started = parse_instant(meta.get("started"))

    def text_of(key: str) -> str:
        value = meta.get(key)
        return value.strip() if isinstance(value, str) else ""

    return Profile(
        path=path,
        id=text_of("id"),
        title=text_of("title"),
        status=text_of("status").lower(),
        restricted=meta.get("restricted") is True,
        started=started.date().isoformat() if started else "",
        services=_text_list(meta.get("services")),
        tags=_text_list(meta.get("tags")),
        related=_text_list(meta.get("related")),
        related_line=meta_lines.get("related", meta_lines.get("id", 1)),
        id_line=meta_lines.get("id", 1),
        terms=terms,
        surface=surface,
    )


def read_bytes(path: str | Path) -> bytes | None:
    """The bytes of a file that can be a post-mortem (not too large, no NUL), else None."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES or b"\x00" in data:
        return None
    return data


def read_text(path: str | Path) -> str | None:
    """The text of such a file, or None when it cannot be read as UTF-8 text."""
    data = read_bytes(path)
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def profile_from_file(path: Path) -> Profile | None:
    """The profile of a file, or None when it cannot be read as text."""
    text = read_text(path)
    return None if text is None else profile_from_text(text, path.as_posix())


def profile_from_document(doc: Any) -> Profile:
    """The profile of a parsed `Document` (its frontmatter is not read again)."""
    lines = split_lines(doc.text.removeprefix("\ufeff"))
    body = lines[doc.body_line - 1 :] if doc.meta else lines
    return profile_from_parts(doc.display_path, doc.meta, doc.meta_lines, body)
