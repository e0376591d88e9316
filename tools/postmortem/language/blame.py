"""Blameless wording: find sentences that blame people, and suggest a neutral rewrite.

A blameless post-mortem may name people (``Alice acknowledged the page at 10:12``); what it
must not do is make a person the agent of a failure, call something "human error", judge
character, argue with hindsight, or ask "why did <person> ...". The detector is rule-based:
precompiled patterns find candidate phrases, then a small amount of clause analysis decides
whether the agent is a person (a listed person, an @handle, a role such as "the on-call
engineer", a pronoun such as "we", a common given name, or a capitalised word used as a name)
or a system ("the cache failed to warm up" is fine). A full NLP parser was not used: it costs
orders of magnitude more time per paragraph, and the decisive knowledge here (which words are
people, which verbs blame) is lexical anyway.

Where things are:

- ``data/blame/<lang>/*.yml``: the language knowledge (word classes, verb forms, and the
  data patterns with their messages, rewrites and examples); adding a pattern is a data change;
- ``lexicon.py`` reads and checks it; ``clauses.py`` is the clause analysis (who is the
  subject, is it a person) and the rewrite helpers; ``patterns.py`` applies the data patterns;
- the rules that need more than a pattern and a person test, one module per family:
  ``agents.py`` (BL101, agentive failures with their tailored rewrites), ``hindsight.py``
  (BL103 counterfactuals, BL105 hindsight), ``judgements.py`` (BL102 human error, BL104
  judgements, BL106 why-questions); ``gates.py`` holds their word prefilters;
- this module is the entry point ``find_blame``: it runs them all, merges overlapping hits
  (an error is not hidden by a warning on the same words) and sets the tier: first-person
  blame ("we forgot") is reported as BL108, a warning.

Codes (one per rule family; the rule engine exposes them in the ``blameless`` category):

- BL101 a person as the agent of a failure ("the on-call engineer failed to ...", "Alice
  broke ...", "X caused the outage", "X's fault", "blame", "responsible for the outage").
- BL102 "human error" / "operator error" / "user error" named as a cause.
- BL103 counterfactuals about people ("X should have checked", "this should have been caught",
  "if only X had", "had X been ...").
- BL104 judgements of character or state ("careless", "lazy", "dropped the ball", "wrongly
  assumed", "nothing was done").
- BL105 hindsight minimizers ("obviously", "clearly", "simply"/"just" in blame context,
  "should have known", "could easily have been avoided").
- BL106 "why did <person> ...?" questions (and "who broke ...?").

Styles beyond plain "<subject> <verb>" prose are handled because real reports use them:
subjectless bullets and timeline cells ("Missed the disk alert", "Didn't check the lag",
"10:20 – on-call misses page"), an elided subject after a subordinate clause ("After the
deploy, the engineer kept watching one graph and failed to see ..."), passives with a person
as agent ("skipped by the release engineer"), "nobody noticed", "by mistake", and chat lines
outside block quotes ("mark: who approved this??", "why didn't you?").

Deliberate non-findings (documented in the tests): "just" and "simply" as plain adverbs of
time or degree ("just under 5 minutes", "just-in-time", "simply restarting fixed it"),
"should have" + noun ("we should have alerting"), "could/would have" hypotheticals about
capability ("an attacker could have used the token"), passive fragments where a person is
the patient ("Support team not informed"), "found by accident", "no one noticed any impact",
and any failure whose subject is a system.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import replace

from postmortem.language.agents import (
    _AGENT_PATTERNS,
    _BLAME_KEYS,
    _BY_MISTAKE_KEYS,
    _MISTAKE_KEYS,
    _NOBODY_KEYS,
    _bl101,
)
from postmortem.language.clauses import (
    _LANG,
    _WORD,
    _Context,
    _normalise_people,
)
from postmortem.language.findings import CODES, WARNING_CODES, BlameHit
from postmortem.language.gates import _Gate, _kw
from postmortem.language.hindsight import _MINIMIZER_KEYS, _MODAL_KEYS, _bl103_105, _bl105
from postmortem.language.judgements import (
    _HUMAN_ERROR_KEYS,
    _JUDGEMENT_KEYS,
    _bl102,
    _bl104,
    _bl106,
)
from postmortem.language.patterns import (
    _pattern_hits,
    _tiered,
    match_pattern,
)

__all__ = ["CODES", "WARNING_CODES", "BlameHit", "find_blame", "match_pattern"]

# --------------------------------------------------------------------------- entry point

_RULES = (_bl101, _bl102, _bl103_105, _bl104, _bl105, _bl106, _pattern_hits)
_PRIORITY = {
    "BL102": 0,
    "BL106": 1,
    "BL107": 2,
    "BL105": 3,
    "BL103": 4,
    "BL104": 5,
    "BL101": 6,
    "BL110": 7,
    "BL109": 8,
    "BL108": 9,
}


_OPEN_QUOTES = "\"“‘'«"
_CLOSE_QUOTES = "\"”’'»"


def _tidy(hit: BlameHit) -> BlameHit:
    """Messages quote the text; soft line breaks inside a paragraph become spaces."""
    if "\n" not in hit.message and "\n" not in hit.suggestion:
        return hit
    return replace(
        hit, message=" ".join(hit.message.split()), suggestion=" ".join(hit.suggestion.split())
    )


def _quoted(text: str, start: int, end: int) -> bool:
    return (
        start > 0
        and end < len(text)
        and text[start - 1] in _OPEN_QUOTES
        and text[end] in _CLOSE_QUOTES
    )


def find_blame(text: str, people: Iterable[str] = ()) -> list[BlameHit]:
    """All blameful phrases in one prose block, in text order.

    ``text`` is a paragraph, list item or table cell (code and URLs already removed);
    ``people`` are the document's known names and handles (with or without "@"). Overlapping
    hits are reduced to one, preferring the more specific code (a "why did X forget" question
    is BL106, not also BL101).
    """
    if not text:
        return []
    words = frozenset(_WORD.findall(text.lower()))
    if not _BLOCK_GATE.opens(words):
        return []  # no key word, or only the first word of a "word+word" key ("deleted" alone)
    ctx = _Context(text, _normalise_people(frozenset(people)), words)
    hits: list[BlameHit] = []
    for rule in _RULES:
        for hit in rule(ctx):
            tiered = _tiered(ctx, hit)
            if tiered is not None:
                hits.append(tiered)
    # 'calling it “human error” hides the cause' mentions the phrase rather than using it.
    hits = [_tidy(h) for h in hits if not _quoted(text, h.start, h.end)]
    if len(hits) < 2:
        return hits
    # Clear blame first: an error is not hidden by a warning on the same words ("our admin
    # just ignored": the minimizer "just" inside an agentive miss).
    hits.sort(key=lambda h: (h.tier != "error", _PRIORITY[h.code], h.start))
    starts: list[int] = []  # kept spans never overlap, so neighbours decide
    kept: list[BlameHit] = []
    for h in hits:
        i = bisect.bisect_left(starts, h.start)
        if i > 0 and kept[i - 1].end > h.start:
            continue
        if i < len(kept) and kept[i].start < h.end:
            continue
        starts.insert(i, h.start)
        kept.insert(i, h)
    return sorted(kept, key=lambda h: (h.start, h.code))


# Cheap first pass: a block without any of these words cannot produce a hit.
_ENGINE_KEYS = frozenset().union(
    *(gate.keys for _, gate, _ in _AGENT_PATTERNS),
    _MISTAKE_KEYS,
    _BLAME_KEYS,
    _HUMAN_ERROR_KEYS,
    _MODAL_KEYS,
    _JUDGEMENT_KEYS,
    _MINIMIZER_KEYS,
    _NOBODY_KEYS,
    _BY_MISTAKE_KEYS,
    _kw("by fault responsible why who be"),
)


# ... and the data patterns' keys, each with its partner words, if any.
_BLOCK_GATE = _Gate(
    alternatives=[
        *((key, frozenset()) for key in _ENGINE_KEYS),
        *(
            (key, partners)
            for pattern in _LANG.patterns
            for key, options in pattern.gate.together.items()
            for partners in options
        ),
    ]
)
