"""The engine of the data patterns (`data/blame/<lang>/patterns.yml`).

The data says what to match and which person it must be about (`who`, `subject`,
`first_person`, `opens_sentence`, `unless`); this module only tests those conditions with the
clause analysis and fills the message and rewrite templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from postmortem.language.clauses import (
    _FIRST_PERSON,
    _LANG,
    _STAMP_ONLY,
    _TOKEN,
    _WORD_AT,
    NONE,
    PERSON,
    THING,
    _Context,
    _name_like,
    _normalise_people,
    _speaker_at,
    _word_before,
)
from postmortem.language.findings import BlameHit
from postmortem.language.lexicon import Pattern

# --------------------------------------------------------------------------- data patterns
#
# The patterns of patterns.yml: the data says what to match and which person it must be
# about; the code below only knows how to test those conditions.

# "We need to be more careful": the subject is the one of "need".
_TO_BEFORE = re.compile(
    r"\b(?:(?:need|needs|needed|have|has|had|ought|try|tries|tried|want|wants|going|got|able)"
    r"\s+)?to\s+$",
    re.I,
)


def _head_of(ctx: _Context, start: int, end: int) -> tuple[str, int, str | None] | None:
    """Head word of the noun phrase in text[start:end]: (word, offset, previous word)."""
    toks = [(m.group(), m.start()) for m in _TOKEN.finditer(ctx.text, start, end)]
    return ctx.np_head(toks)


def _agent_ok(
    ctx: _Context, kind: str | None, word: str, off: int, prev: str | None, cls: str | None = None
) -> bool:
    """Does the person condition ``kind`` of a pattern hold for this head word?"""
    if kind is None or kind == "any":
        return True
    if cls is None:
        cls = ctx.classify(word, prev, off == ctx.sentence(off)[0])
    if kind == "person":
        return cls == PERSON
    if kind == "named":
        return cls == PERSON or _name_like(ctx, word, prev)
    if kind == "not-thing":
        return cls != THING or _name_like(ctx, word, prev)
    return cls in (NONE, PERSON)  # "none"


# Key word -> (index, partner words) of the patterns it can open: one set intersection per
# block finds the few patterns worth running, and their partner words are tested right there
# (the same test as Pattern.may_match, without a second pass over each pattern's keys).
_BY_KEY: dict[str, list[tuple[int, tuple[frozenset[str], ...]]]] = {}
for _index, _pattern in enumerate(_LANG.patterns):
    for _key in _pattern.gate.keys:
        _BY_KEY.setdefault(_key, []).append((_index, _pattern.gate.together[_key]))
_KEYS = frozenset(_BY_KEY)


def _candidates(words: frozenset[str]) -> list[Pattern]:
    """The patterns whose keys the block holds (with their partner words), in data order."""
    found = {
        i
        for w in _KEYS.intersection(words)
        for i, partners in _BY_KEY[w]
        if any(rest <= words for rest in partners)
    }
    return [_LANG.patterns[i] for i in sorted(found)]


# How far before its anchor a pattern's match may start (the person and a few adverbs), and
# how far after it may end.
_ANCHOR_REACH = 120
_ANCHOR_TAIL = 300


def _matches(pat: Pattern, text: str) -> Iterator[re.Match[str]]:
    """The pattern's matches in the text; with an anchor, only those that hold one."""
    if pat.anchor is None:
        yield from pat.regex.finditer(text)
        return
    last_end = -1
    for a in pat.anchor.finditer(text):
        lo = max(last_end, a.start() - _ANCHOR_REACH, 0)
        for m in pat.regex.finditer(text, lo, min(len(text), a.end() + _ANCHOR_TAIL)):
            if m.start() > a.start():
                break
            if m.end() >= a.end() and m.start() >= last_end:
                last_end = m.end()
                yield m
                break


def _pattern_hits(ctx: _Context, patterns: Iterable[Pattern] | None = None) -> Iterator[BlameHit]:
    text = ctx.text
    for pat in _candidates(ctx.words) if patterns is None else patterns:
        for m in _matches(pat, text):
            if m.end() == m.start():
                continue
            ss, se = ctx.sentence(m.start())
            if pat.unless is not None and pat.unless.search(text, ss, se):
                continue
            if pat.opens_sentence and not _STAMP_ONLY.fullmatch(text, ss, m.start()):
                continue
            if pat.needs_person and not ctx.person_in(ss, se):
                continue
            first = False
            if pat.who:
                head = _head_of(ctx, m.start("who"), m.end("who"))
                if head is None:
                    continue
                word, off, prev = head
                word = re.sub(r"['’]s$", "", word)
                if not _agent_ok(ctx, pat.who, word, off, prev):
                    continue
                first = word.lower() in _FIRST_PERSON
            if pat.subject:
                to = _TO_BEFORE.search(text, ss, m.start())
                cls, off = ctx.subject(to.start() if to else m.start())
                word_m = _WORD_AT.match(text, off)
                word = word_m.group() if word_m else ""
                prev = _word_before(text, ss, off)
                if cls == NONE:
                    word = ""
                if not _agent_ok(ctx, pat.subject, word, off, prev, cls):
                    continue
                first = first or word.lower() in _FIRST_PERSON
            code = pat.code
            if first and pat.first_person == "skip":
                continue
            if first and pat.first_person == "warn":
                code = "BL108"
            fields = _Fields(m.groupdict(default=""))
            fields["match"] = " ".join(m.group().split())
            yield BlameHit(
                code,
                m.start(),
                m.end(),
                pat.message.format_map(fields),
                pat.rewrite.format_map(fields),
                pat.id,
            )


def match_pattern(pattern: Pattern, text: str, people: Iterable[str] = ()) -> list[BlameHit]:
    """The hits of one data pattern alone (with its conditions and first-person rule), before
    overlapping hits of other rules are merged: what the pattern's examples are tested with."""
    ctx = _Context(text, _normalise_people(frozenset(people)))
    return list(_pattern_hits(ctx, (pattern,)))


class _Fields(dict):
    """Template fields of a message or rewrite; an unknown field stays as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# Rules of code that judge the speaker: in the first person ("we forgot", "we should have")
# they are self-blame, a warning, not an accusation.
_DEMOTE_IN_FIRST_PERSON = frozenset({"BL101", "BL103", "BL104", "BL106"})


_ON_OUR_PART = re.compile(r"\bon\s+(?:my|our)\s+(?:own\s+)?part\b", re.I)
_SPEAKER_IN_SPAN = re.compile(r"\b(?:I|we|my|our)\b", re.I)


def _first_person(ctx: _Context, hit: BlameHit) -> bool:
    if _speaker_at(ctx.text, hit.start):
        return True
    if _SPEAKER_IN_SPAN.search(ctx.text, hit.start, hit.end):
        return True  # "a mistake on my part", "had we looked at the notice, we could have"
    cls, off = ctx.subject(hit.start)
    if cls == PERSON:
        return _speaker_at(ctx.text, off)
    if hit.code == "BL104":
        # A judgement word with no person as its subject ("that was a dumb mistake on my
        # part"): first person when the only people in the sentence are the speakers.
        ss, se = ctx.sentence(hit.start)
        people = ctx.people_in(ss, se)
        return (
            bool(people)
            and people <= _FIRST_PERSON
            and bool(people & {"i", "we"} or _ON_OUR_PART.search(ctx.text, ss, se))
        )
    return False


def _tiered(ctx: _Context, hit: BlameHit) -> BlameHit | None:
    if hit.code not in _DEMOTE_IN_FIRST_PERSON or not _first_person(ctx, hit):
        return hit
    return replace(hit, code="BL108")
