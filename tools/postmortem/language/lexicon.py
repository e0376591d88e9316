"""The language knowledge of the blameless-wording checker, read from data files.

Each language has a folder ``postmortem/data/blame/<code>/`` (shipped as package data):

- ``words.yml``: word classes (roles, pronouns, given names, verbs ...) by name;
- ``participles.yml``: the verb forms rewrites need that no spelling rule gives;
- ``patterns.yml``: blame patterns, each with its code, regular expression, conditions,
  message, neutral rewrite and examples that must and must not match.

The engine (``postmortem.language.blame``) knows only the class *names* and the pattern
*conditions*; adding a word or a pattern is a change to data. A second language is a second
folder with the same three files (the English engine's clause analysis reads the English
classes by name, so another language fills the same classes).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from postmortem.language.gates import _Gate

# libyaml when it is there: the data files are read at import, on every run.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DEFAULT_LANGUAGE = "en"

# Codes a data pattern may carry, with the tier their default severity gives them.
PATTERN_CODES = {
    "BL101": "error",
    "BL102": "error",
    "BL103": "error",
    "BL104": "error",
    "BL105": "warning",
    "BL106": "error",
    "BL107": "error",
    "BL108": "warning",
    "BL109": "warning",
    "BL110": "warning",
}
# How a pattern may restrict the person it is about (see Pattern.who / Pattern.subject).
AGENT_KINDS = ("person", "named", "not-thing", "none", "any")
FIRST_PERSON = ("keep", "warn", "skip")
_FIELDS = {
    "id",
    "code",
    "about",
    "keys",
    "regex",
    "who",
    "subject",
    "first_person",
    "opens_sentence",
    "needs_person",
    "unless",
    "anchor",
    "message",
    "rewrite",
    "examples",
}
_CLASS_REF = re.compile(r"\{([a-z][a-z_]*)\}")
_LETTERS = re.compile(r"[a-z]+")


class NameSet(AbstractSet[str]):
    """A large, read-only set of words (the ~19,800 given names of names.txt).

    Kept as one string per two-letter prefix, its words each between NUL characters: membership is a search
    in a short string, and datacache stores and reads the few hundred strings as they are. A
    frozenset of the names had to be built at every start: 3-5 ms of the pre-commit hook's
    CPU. It behaves as a set (``in``, ``len``, iteration, ``|``, ``-``, ``==``)."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        groups: dict[str, list[str]] = {}
        for word in sorted(set(words)):
            if word and "\0" not in word:
                groups.setdefault(word[:2], []).append(word)
        self.size = sum(len(group) for group in groups.values())
        self.groups = {key: "\0" + "\0".join(group) + "\0" for key, group in groups.items()}

    def __contains__(self, word: object) -> bool:
        if type(word) is not str or not word or "\0" in word:
            return False
        group = self.groups.get(word[:2])
        return group is not None and f"\0{word}\0" in group

    def __iter__(self) -> Iterator[str]:
        for group in self.groups.values():
            yield from group[1:-1].split("\0")

    def __len__(self) -> int:
        return self.size

    def __hash__(self) -> int:
        return self._hash()

    def __repr__(self) -> str:
        return f"NameSet(<{self.size} words>)"


class LanguageDataError(ValueError):
    """A language data file that cannot be used: the message names the file and the entry."""


@dataclass(frozen=True)
class Pattern:
    """One blame pattern from patterns.yml, compiled.

    ``who``: the class the named group ``who`` must have; ``subject``: the class the subject of
    the clause before the match must have ("person": a known person, role, pronoun or @handle;
    "named": that or a capitalised word used as a name; "not-thing": anything but a system;
    "none": a subjectless fragment or a person; "any": no condition, but "we"/"I" are noticed
    for ``first_person``). ``first_person``: what happens when that
    person is "we"/"I": "keep" the code, "warn" (report as BL108, self-blame, a warning) or
    "skip". ``opens_sentence``: the match must open its sentence (an imperative).
    ``unless``: a sentence matching it is not flagged. ``needs_person``: a person (a pronoun,
    role, name, @handle or known person) must appear in the sentence: for words that judge
    people in one sense and describe things in another ("greedy investors" and "a greedy
    regex").
    """

    id: str
    code: str
    regex: re.Pattern[str]
    # Its key words, each alone or with its partner words: "never+again" asks for both.
    gate: _Gate
    message: str
    rewrite: str
    about: str = ""
    who: str | None = None
    subject: str | None = None
    first_person: str = "keep"
    opens_sentence: bool = False
    needs_person: bool = False
    unless: re.Pattern[str] | None = None
    # Optional: a regex for the pattern's fixed words; when given, the pattern's regex is tried
    # only just before and at each anchor, not at every word of the block (a regex that opens
    # on "any word" as the person would otherwise test every word).
    anchor: re.Pattern[str] | None = None
    must_match: tuple[str, ...] = ()
    must_not_match: tuple[str, ...] = ()

    def may_match(self, words: frozenset[str]) -> bool:
        """The cheap prefilter: can the pattern match a block with these words?"""
        return self.gate.opens(words)


@dataclass(frozen=True)
class Language:
    """Word classes, verb forms and patterns of one language."""

    code: str
    classes: dict[str, AbstractSet[str]]
    participles: dict[str, str]
    past_to_participle: dict[str, str]
    other_participles: frozenset[str]
    patterns: tuple[Pattern, ...] = field(default=())

    def words(self, name: str) -> AbstractSet[str]:
        """The word class ``name`` (a KeyError names a class the data does not define)."""
        return self.classes[name]


def _read(code: str, name: str) -> tuple[str, Any]:
    where = f"postmortem/data/blame/{code}/{name}"
    try:
        text = (
            resources.files("postmortem").joinpath("data", "blame", code, name).read_text("utf-8")
        )
    except (FileNotFoundError, OSError) as error:
        raise LanguageDataError(f"{where}: cannot read language data: {error}") from None
    try:
        return where, yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        raise LanguageDataError(f"{where}: invalid YAML: {error}") from None


def _word_list(value: Any, where: str) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(value.lower().split())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(v.lower() for v in value)
    raise LanguageDataError(f"{where}: a word class is a string of words or a list of words")


def expand(regex: str, classes: dict[str, AbstractSet[str]], where: str = "") -> str:
    """Replace each ``{class_name}`` by an alternation of the class's words (longest first)."""

    def alternation(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in classes:
            raise LanguageDataError(f"{where}: unknown word class {{{name}}}")
        # Longest first; ties in alphabetical order, so that the regex is the same text in
        # every process (a set's order changes with the hash seed) and recache.py finds it.
        words = sorted(classes[name], key=lambda w: (-len(w), w))
        return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + ")"

    return _CLASS_REF.sub(alternation, regex)


def _pattern(entry: Any, classes: dict[str, AbstractSet[str]], where: str) -> Pattern:
    if not isinstance(entry, dict):
        raise LanguageDataError(f"{where}: a pattern is a mapping")
    pid = entry.get("id")
    where = f"{where} pattern {pid!r}"
    unknown = set(entry) - _FIELDS
    if unknown:
        raise LanguageDataError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    for required in ("id", "code", "regex", "keys", "message", "rewrite", "examples"):
        if required not in entry:
            raise LanguageDataError(f"{where}: `{required}` is required")
    if entry["code"] not in PATTERN_CODES:
        raise LanguageDataError(f"{where}: unknown code {entry['code']}")
    for name, allowed in (("who", AGENT_KINDS), ("subject", AGENT_KINDS)):
        if entry.get(name) is not None and entry[name] not in allowed:
            raise LanguageDataError(f"{where}: `{name}` is one of {', '.join(allowed)}")
    if entry.get("first_person", "keep") not in FIRST_PERSON:
        raise LanguageDataError(f"{where}: `first_person` is one of {', '.join(FIRST_PERSON)}")
    try:
        regex = re.compile(expand(entry["regex"], classes, where), re.I | re.X)
        unless = (
            re.compile(expand(entry["unless"], classes, where), re.I | re.X)
            if entry.get("unless")
            else None
        )
        anchor = (
            re.compile(expand(entry["anchor"], classes, where), re.I | re.X)
            if entry.get("anchor")
            else None
        )
    except re.error as error:
        raise LanguageDataError(f"{where}: invalid regular expression: {error}") from None
    if entry.get("who") and "who" not in regex.groupindex:
        raise LanguageDataError(f"{where}: `who` needs a (?P<who>...) group in the regex")
    keys: set[str] = set()
    together: dict[str, tuple[frozenset[str], ...]] = {}
    for key in _word_list(entry["keys"], where):
        if "+" in key:  # "never+again": both words must be in the block
            head, *tail = key.split("+")
            # "deleted+{stores}": any one word of the class with the head
            options: list[frozenset[str]] = [frozenset()]
            for part in tail:
                tref = _CLASS_REF.fullmatch(part)
                if tref and tref.group(1) in classes:
                    options = [
                        o | {w}
                        for o in options
                        for c in classes[tref.group(1)]
                        for w in _LETTERS.findall(c)[:1]
                    ]
                else:
                    options = [o | set(_LETTERS.findall(part)) for o in options]
            ref = _CLASS_REF.fullmatch(head)
            # "{fault_nouns}+s": any word of the class (by its first letter run) with "s"
            firsts = (
                {_LETTERS.findall(w)[0] for w in classes[ref.group(1)] if _LETTERS.findall(w)}
                if ref and ref.group(1) in classes
                else _LETTERS.findall(head)[:1]
            )
            for first in firsts:
                keys.add(first)
                together[first] = (*together.get(first, ()), *options)
            continue
        ref = _CLASS_REF.fullmatch(key)
        keys.update(classes[ref.group(1)] if ref and ref.group(1) in classes else {key})
    examples = entry["examples"] or {}
    must_match = tuple(examples.get("match") or ())
    if not must_match:
        raise LanguageDataError(f"{where}: give at least one example that must match")
    # The prefilter compares with the block's letter runs ("double-check" -> double, check;
    # "Victor's" -> victor, s), so keys are split the same way.
    words = frozenset(w for k in keys for w in _LETTERS.findall(k))
    return Pattern(
        id=str(pid),
        code=entry["code"],
        regex=regex,
        gate=_Gate(
            alternatives=[
                (key, partners) for key in words for partners in together.get(key, (frozenset(),))
            ]
        ),
        message=" ".join(str(entry["message"]).split()),
        rewrite=" ".join(str(entry["rewrite"]).split()),
        about=" ".join(str(entry.get("about", "")).split()),
        who=entry.get("who"),
        subject=entry.get("subject"),
        first_person=entry.get("first_person", "keep"),
        opens_sentence=bool(entry.get("opens_sentence", False)),
        needs_person=bool(entry.get("needs_person", False)),
        unless=unless,
        anchor=anchor,
        must_match=must_match,
        must_not_match=tuple(examples.get("no_match") or ()),
    )


def _names(code: str) -> NameSet:
    """``names.txt``: given names from a name library (one a line, ``#`` comments), written by
    benchmarks/blame_names.py. Optional: a language without one has only its word classes."""
    path = resources.files("postmortem").joinpath("data", "blame", code, "names.txt")
    if not path.is_file():
        return NameSet()
    text = path.read_text("utf-8")
    return NameSet(w for w in text.split("\n") if w and not w.startswith("#"))


@lru_cache(maxsize=4)
def load_language(code: str = DEFAULT_LANGUAGE) -> Language:
    """Read and compile the language data of ``code`` (cached: read once per process, and
    kept between runs by postmortem.datacache while its data files and the code of this
    package are unchanged)."""
    from postmortem import datacache

    here = Path(__file__).parent
    folder = here.parent / "data" / "blame" / code
    try:
        data = sorted(e.path for e in os.scandir(folder) if e.is_file())
    except OSError:  # no such language, or not files on a disk: read as usual
        return _load_language(code)
    code_files = sorted(e.path for e in os.scandir(here) if e.name.endswith(".py"))
    return datacache.cached(f"language-{code}", [*data, *code_files], lambda: _load_language(code))


def _load_language(code: str) -> Language:
    where, words = _read(code, "words.yml")
    if not isinstance(words, dict):
        raise LanguageDataError(f"{where}: a mapping of word classes is expected")
    classes: dict[str, AbstractSet[str]] = {}
    for name, entry in words.items():
        value = entry.get("words") if isinstance(entry, dict) else entry
        classes[name] = _word_list(value, f"{where} class {name!r}")
    classes["person_names"] = _names(code)
    pwhere, forms = _read(code, "participles.yml")
    if not isinstance(forms, dict):
        raise LanguageDataError(f"{pwhere}: a mapping is expected")
    patwhere, raw = _read(code, "patterns.yml")
    entries = (raw or {}).get("patterns") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise LanguageDataError(f"{patwhere}: a `patterns:` list is expected")
    extra = raw.get("classes") or {}
    for name, entry in extra.items():
        value = entry.get("words") if isinstance(entry, dict) else entry
        classes[name] = _word_list(value, f"{patwhere} class {name!r}")
    patterns = tuple(_pattern(e, classes, patwhere) for e in entries)
    ids = [p.id for p in patterns]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise LanguageDataError(f"{patwhere}: pattern id(s) used twice: {', '.join(duplicates)}")
    return Language(
        code=code,
        classes=classes,
        participles={str(k): str(v) for k, v in (forms.get("participles") or {}).items()},
        past_to_participle={
            str(k): str(v) for k, v in (forms.get("past_to_participle") or {}).items()
        },
        other_participles=_word_list(forms.get("other_participles", ""), pwhere),
        patterns=patterns,
    )
