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
- this module holds the rules that need more than a pattern and a person test (agentive
  failures with their tailored rewrites, counterfactuals, hindsight, why-questions) and the
  entry point ``find_blame``, which merges overlapping hits and sets the tier: first-person
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
import re
from collections.abc import Iterable, Iterator

from postmortem.language.clauses import (
    _AFFECTED,
    _ATTENTION_PP,
    _AUX,
    _CLAUSE_BREAK,
    _DETERMINERS,
    _DUTY_VERBS,
    _FIRST_PERSON,
    _HUMAN_DUTIES,
    _IMPACT_VERBS,
    _LANG,
    _NEGATION_WORD,
    _PARTICLES,
    _PAST_TO_PP,
    _RELATIVE_SPLIT,
    _STAMP_ONLY,
    _TOKEN,
    _WORD,
    _WORD_AT,
    NONE,
    PERSON,
    THING,
    _base_form,
    _be,
    _cap,
    _Context,
    _is_participle,
    _name_like,
    _negated_before,
    _normalise_people,
    _participle,
    _passive_rewrite,
    _rest_of_clause,
    _split_object,
)
from postmortem.language.findings import CODES, WARNING_CODES, BlameHit
from postmortem.language.patterns import (
    _pattern_hits,
    _tiered,
    match_pattern,
)

__all__ = ["CODES", "WARNING_CODES", "BlameHit", "find_blame", "match_pattern"]

# --------------------------------------------------------------------------- BL101

_DUTY_ALT = "|".join(
    sorted({v for v in _DUTY_VERBS} | {_participle(v) for v in _DUTY_VERBS}, key=len, reverse=True)
)
# "did not / never / not" run the pattern only with one of the duty verbs (first letter run).
_DUTY_GATE = " ".join(
    f"{neg}+{re.findall('[a-z]+', verb.lower())[0]}"
    for neg in ("did", "didn", "never", "not")
    for verb in _DUTY_ALT.split("|")
    if re.findall("[a-z]+", verb.lower())
)
_WRONG_VERBS = (
    "deleted|dropped|removed|terminated|killed|restarted|rebooted|shut down|wiped|truncated|"
    "deployed|pushed|merged|applied|ran|executed|targeted|edited|modified|updated|used|picked|"
    "selected|chose|typed|entered|copied|rolled back|scaled down|drained|destroyed|overwrote|"
    "overwritten|flushed|purged|revoked|rotated|"
    # present tense, as timeline cells are written ("14:02 SRE runs cleanup on wrong cluster")
    "deletes|drops|removes|terminates|kills|restarts|reboots|deploys|pushes|merges|applies|runs|"
    "executes|targets|edits|modifies|updates|uses|picks|selects|chooses|types|enters|copies"
)
_HARMFUL_VERBS = (
    "deleted|removed|dropped|ran|executed|pushed|deployed|merged|overwrote|wiped|truncated|"
    "killed|terminated|restarted|rebooted|shut|broke|disabled|exposed|leaked|published|"
    "committed|revoked|changed|modified|reverted|triggered|applied|sent|set|cut|destroyed|"
    "purged|flushed|reset|erased|unplugged|scaled|drained|cordoned|rotated|expired|closed"
)


def _kw(words: str) -> frozenset[str]:
    return frozenset(words.split())


class _Gate:
    """A rule's prefilter finer than one key word: "call+bad call+poor" lets the rule run on
    a block holding "call" only with "bad" or "poor" as well (the words of the block are its
    lower-case letter runs). Every alternative must be implied by every match of the rule's
    regular expression, so the gate never changes what the rule finds, only how often it runs;
    tests/language/test_blame_keys.py holds the findings to a record."""

    def __init__(self, spec: str) -> None:
        together: dict[str, list[frozenset[str]]] = {}
        for alt in spec.split():
            first, *rest = alt.split("+")
            together.setdefault(first, []).append(frozenset(rest))
        self.keys = frozenset(together)
        self.together = {k: tuple(v) for k, v in together.items()}

    def opens(self, words: frozenset[str]) -> bool:
        if self.keys.isdisjoint(words):  # the common case, and no set is built for it
            return False
        for key in self.keys.intersection(words):
            if any(rest <= words for rest in self.together[key]):
                return True
        return False


# Each agentive-failure pattern runs only when one of its key words occurs in the block, so a
# paragraph with no trigger word costs one tokenisation and a few set intersections.
_AGENT_PATTERNS: tuple[tuple[str, _Gate, re.Pattern[str]], ...] = tuple(
    (kind, _Gate(keys), re.compile(rx, re.I))
    for kind, keys, rx in (
        (
            "failed",
            "fail+to failed+to fails+to failing+to",
            r"\b(?:fail(?:ed|s)?|failing)\s+to\s+(?P<fverb>[A-Za-z][\w\-]*)",
        ),
        (
            "forgot",
            "forgot forget forgets forgotten forgetting",
            r"\b(?:forg[oe]t(?:s|ten)?|forgetting)\b"
            r"(?!\s+(?:what|how|why|where|when|which|who|whether|if)\b)"
            r"(?:\s+to\s+(?P<gverb>[A-Za-z][\w\-]*))?",
        ),
        (
            "neglect",
            "neglect neglected neglects",
            r"\bneglect(?:ed|s)?\b(?:\s+to\s+(?P<nverb>[A-Za-z][\w\-]*))?",
        ),
        (
            "missed",
            "missed ignored disregarded misses ignores disregards",
            r"\b(?:missed|ignored|disregarded|misses|ignores|disregards)\b(?!\s+(?:(?:our|the|its|their|a|an|this)\s+)?"
            r"(?:[\w\-]+\s+){0,2}?(?:slos?|slas?|targets?|objectives?|goals?|budgets?|estimates?|"
            r"deadlines?|quarter|sprint)\b)",
        ),
        (
            "let",
            " ".join(
                f"{verb}+{what}"
                for verb in ("let", "allowed")
                for what in "expire lapse slip fill run go rot overflow".split()
            ),
            r"\b(?:let|allowed)\s+(?:the|a|an|our|their|its)\s+(?:[\w\-]+\s+){0,2}?"
            r"(?:to\s+)?(?:expire|lapse|slip|fill\s+up|run\s+out|go\s+stale|rot|overflow)\b",
        ),
        (
            "overlooked",
            "overlooked messed+up screwed+up botched bungled fumbled goofed lost+track lost+sight",
            r"\b(?:overlooked|messed\s+up|screwed\s+up|botched|bungled|fumbled|goofed(?:\s+up)?|"
            r"lost\s+(?:track|sight)\s+of)\b",
        ),
        (
            "broke",
            "broke misconfigured mis",
            r"\b(?:broke(?!\s+(?:down|up|out|even|ground|the\s+news)\b)(?![^.;:,]{0,40}\binto\b)"
            r"|misconfigured|mis-configured)\b",
        ),
        ("caused", "caused", r"\bcaused\b(?!\s+by\b)"),
        (
            "didnot",
            _DUTY_GATE,
            rf"\b(?:did\s+not|didn['’]t|never|not)\s+(?:(?:\w+ly|even)\s+)?(?P<dverb>{_DUTY_ALT})\b",
        ),
        (
            "wrong",
            "wrong",
            rf"\b(?:{_WRONG_VERBS})\b(?:\s+(?!because\b|when\b|while\b|and\b|but\b|so\b|since\b)"
            r"[\w\-/'’]+){0,5}?\s+(?:the\s+)?wrong\b(?:\s+(?P<wrongobj>[\w\-]+(?:\s+(?!(?:to|in|on|"
            r"from|during|while|for|and|because|when|with|at|by)\b)[\w\-]+){0,2}))?",
        ),
        (
            "mistake",
            " ".join(
                f"{verb}+{noun}"
                for verb in ("made", "did")
                for noun in "mistake mistakes error errors blunder blunders slip".split()
            ),
            r"\b(?:made|did)\s+(?:a|an|the|this|that|one|several|some|multiple|two|a\s+few)?\s*"
            r"(?:[\w\-]+\s+)?(?:mistakes?|errors?|blunders?|slip-ups?)\b"
            r"(?!\s+(?:budget|handling|checking|rates?|codes?|messages?|pages?)\b)",
        ),
        (
            "vanished",
            "disappeared vanished went+missing went+awol went+dark",
            r"\b(?:disappeared|vanished|went\s+(?:missing|awol|dark))\b",
        ),
        (
            "accident",
            "accidentally inadvertently mistakenly erroneously unintentionally",
            r"\b(?:accidentally|inadvertently|mistakenly|erroneously|unintentionally)\s+"
            rf"(?P<averb>{_HARMFUL_VERBS})\b",
        ),
        (
            "introduced",
            "introduced",
            r"\bintroduced\s+(?:a|an|the|this|that)\s+(?:[\w\-]+\s+)?"
            r"(?:bug|regression|typo|mistake|error|defect|breaking\s+change)\b",
        ),
        ("atfault", "fault", r"\b(?:was|were|is|are)\s+at\s+fault\b"),
    )
)
# Verbs that only people do: flagged unless the subject is clearly a system.
_NOTHING = re.compile(r"\s+(?:nothing|none|no\s+step)\b", re.I)
_JUSTIFIED = re.compile(
    r"\b(?:as|because)\s+(?:the\s+|our\s+)?(?:runbook|playbook|procedure|policy|process|checklist)"
    r"\s+(?:instructs|says|requires|allows|recommends|prescribes|permits)|\bas\s+instructed\b|"
    r"\bper\s+(?:the\s+)?(?:runbook|playbook|procedure|policy)\b|\bas\s+agreed\b|\bby\s+design\b"
    r"|\bon\s+purpose\b|\bdeliberately\b|\bintentionally\b",
    re.I,
)
_CULTURE = re.compile(r"[\s\-]+(?:culture|game)")
_CAUSED_OBJECT = re.compile(r"\s+(?:the|an?|this|that|our|a\s+\w+)\b")
_ADJECTIVE_POSITION = re.compile(
    r"\b(?:the|a|an|its|their|our|his|her|my|your|this|that|these|those|of|for|with|any|no|"
    r"some|two|three|several|many)\s+$",
    re.I,
)
# "should have been <these>" classes a value; it does not judge a missed step.
_CATEGORISING = frozenset(
    "considered treated classified categorised categorized counted labelled labeled marked "
    "defined calculated computed reported returned interpreted accounted priced valued".split()
)
# Checks the team itself did not make: "we did not test" is self-blame; "we did not update
# the gem" is narrative.
_MISSED_CHECKS = frozenset(
    "catch caught check checked test tested verify verified validate validated review reviewed "
    "consider considered notice noticed double-check double-checked read follow look".split()
)
# "Tadeusz ignored the warning": what only people ignore ("Varnish ignored the header" is a
# product doing its job).
_IGNORED_SIGNAL = re.compile(
    r"\s+(?:(?:the|a|an|our|their|his|her|all|every|two|several)\s+)?(?:[\w\-]+\s+)?"
    r"(?:warnings?|alerts?|pages?|errors?|advice|messages?|notifications?|banners?|prompts?|"
    r"runbooks?|reviews?|feedback|instructions?|checklists?|procedures?|signs?)\b",
    re.I,
)
_OUTCOME_VERBS = _LANG.words("outcome_verbs")
# "missed" with people as its object is longing, not a lapse ("missed us", "missed out on").
# What a person can be said to have missed as a lapse: a signal, a step or a check.
# "Kris missed the Friday meeting", "users missed notifications", "everyone missed the old
# layout" are not lapses.
_MISSED_DUTY = re.compile(
    r"\s+(?:(?:the|a|an|our|their|his|her|its|this|that|these|those|all|every|two|several|"
    r"both|some|any|one|another)\s+)?(?:[\w\-]+\s+){0,2}?"
    r"(?:warnings?|alerts?|pages?|paging|errors?|messages?|signs?|signals?|symptoms?|steps?|"
    r"checks?|reviews?|tests?|issues?|bugs?|problems?|changes?|diffs?|typos?|expir\w*|renewals?|"
    r"deadlines?|notices?|emails?|tickets?|pings?|calls?|logs?|spikes?|errors?|failures?|"
    r"mistakes?|regressions?|dependenc\w*|edge\s+cases?|cases?|conditions?|lines?|flags?|"
    r"settings?|configs?|configurations?|indications?|indicators?|graphs?|dashboards?|"
    r"notifications?|reports?|requests?|handoffs?|handovers?|escalations?|incidents?|outages?|"
    r"it|this|that|them)\b",
    re.I,
)
# An object follows "missed" (not the end of the clause, "a sign we missed", nor a
# preposition or adverb, "missed during the review").
_MISSED_OBJECT = re.compile(
    r"\s+(?!(?:in|during|for|because|and|but|when|while|until|on|at|by|again|earlier|entirely|"
    r"completely|too|as|so|then|there|here|before|after|since|or)\b)[A-Za-z]",
    re.I,
)
_PERSONAL_ITEM = re.compile(
    r"\s+(?:her|his|my)\s+(?:laptop|phone|keys?|charger|badge|password|jacket|bag|wallet|"
    r"headphones|headset|yubikey|token|lunch|coffee)\b",
    re.I,
)
_MISSED_PEOPLE = re.compile(
    r"(?<=missed)(?<=\w)\s+(?:you|us|him|everyone|everybody|y['’]all|out\s+on)\b", re.I
)
_HYPOTHETICAL_MODAL = re.compile(r"\b(?:might|may|could|would)\b", re.I)
# Kinds whose verb is human enough that an unknown capitalised subject is taken as a name.
_NAME_LIKE_KINDS = frozenset({"forgot", "neglect", "missed", "overlooked", "mistake", "failed"})


def _word_and_prev(ctx: _Context, off: int) -> tuple[str, str | None]:
    """The word at ``off`` and the word before it in its sentence."""
    word = _WORD_AT.match(ctx.text, off)
    return (word.group() if word else ""), _word_before(ctx.text, ctx.sentence(off)[0], off)


def _word_before(text: str, start: int, pos: int) -> str | None:
    m = re.search(r"([\w'’\-]+)\W*$", text[max(start, pos - 30) : pos])
    return m.group(1) if m else None


_HUMAN_ONLY = ("forgot", "neglect", "overlooked", "wrong", "mistake", "atfault")

_PASSIVE_BY = re.compile(
    r"\b(?P<verb>caused|triggered|introduced|missed|ignored|overlooked|forgotten|broken|"
    r"misconfigured|neglected|botched|messed\s+up|skipped|rushed(?:\s+out)?|bypassed|mishandled|"
    r"misread|mistyped|misjudged|disregarded)\s+by\s+(?!the\s+(?:fact|way)\b)",
    re.I,
)
# An open parenthesis just before "<verb> by" ("(introduced by Nick in 2.3)") is a credit
# line, as changelogs and timelines write them.
_CREDIT = re.compile(r"\((?:\s*(?!(?:was|were|is|are|been)\b)[\w\-]+){0,2}\s*$", re.I)
_PASSIVE_BY_GATE = _Gate(
    " ".join(
        f"by+{verb}"
        for verb in "caused triggered introduced missed ignored overlooked forgotten broken "
        "misconfigured neglected botched messed skipped rushed bypassed mishandled misread "
        "mistyped misjudged disregarded".split()
    )
)
_MISTAKE_KEYS = _kw(
    "mistake mistakes error errors blunder blunders oversight oversights typo typos slip"
)
_BLAME_KEYS = _kw("blame blamed blames blaming blameworthy")
_MISTAKE_BY = re.compile(
    r"\b(?:mistakes?|errors?|blunders?|oversights?|typos?|slip-ups?)\s+"
    r"(?:(?:was|were)\s+(?:made|committed)\s+)?(?:by|of|on\s+the\s+part\s+of)\s+",
    re.I,
)
_OUR_PART = re.compile(
    r"\b(?:mistakes?|errors?|oversights?|blunders?)\s+on\s+(?:my|our|his|her|their|your|[\w\-]+['’]s)"
    r"\s+part\b",
    re.I,
)
_MISTAKE_GATES = (
    (
        _MISTAKE_BY,
        _Gate(
            " ".join(
                f"{noun}+{link}"
                for noun in "mistake mistakes error errors blunder blunders oversight "
                "oversights typo typos slip".split()
                for link in ("by", "of", "part")
            )
        ),
    ),
    (
        _OUR_PART,
        _Gate(
            " ".join(
                f"{noun}+on+part"
                for noun in "mistake mistakes error errors oversight oversights blunder "
                "blunders".split()
            )
        ),
    ),
)
_FAULT = re.compile(
    r"\b(?:(?P<who>[\w@\-]+)['’]s\s+fault|(?:my|our|his|her|their|your)\s+fault|"
    r"(?:the\s+)?fault\s+of\s+(?P<ofwho>[\w@\-]+(?:\s+[\w@\-]+)?))\b",
    re.I,
)
_BLAME = re.compile(
    r"\b(?<!git\s)(?<![\-._/])blam(?:e|ed|es|ing|eworthy)\b(?![\-‐](?:free|less|aware))"
    r"(?![\-._/]\w)"
    r"(?!\s+(?:view|tool|command|output|page|annotations?|history|log|information)\b)",
    re.I,
)
_RESPONSIBLE = re.compile(
    r"\b(?P<held>held\s+)?responsible\s+for\s+(?:the\s+|this\s+|that\s+|an?\s+|our\s+)?"
    r"(?:(?:causing|breaking|introducing|triggering)\s+(?:the\s+|this\s+|an?\s+)?)?"
    r"(?:[\w\-]+\s+){0,2}?(?:outage|incident|failure|breakage|downtime|mistake|error|bug|"
    r"problem|issue|regression|data\s+loss|disruption|degradation|crash|mess)\b",
    re.I,
)


# "Nobody noticed the alert": the subject is part of the phrase.
_NOBODY = re.compile(
    r"\b(?:nobody|no\s+one|no-one)\s+(?:\w+ly\s+)?(?:noticed|caught|checked|spotted|realized|"
    r"realised|saw|looked|verified|reviewed|tested|read|responded|acknowledged|reacted|"
    r"followed\s+up|bothered)\b(?!\s+(?:any|anything|a\s+thing|a\s+difference|the\s+difference)\b)",
    re.I,
)
_NOBODY_KEYS = _kw("nobody one")
_NOBODY_GATE = _Gate("nobody one+no")
# "found by accident" is luck, not a mistake.
_BY_MISTAKE = re.compile(
    r"(?<!found\s)(?<!discovered\s)(?<!noticed\s)(?<!learned\s)(?<!spotted\s)(?<!detected\s)"
    r"\bby\s+(?:mistake|accident)\b",
    re.I,
)
_BY_MISTAKE_KEYS = _kw("mistake accident")


_TO_BLAME = re.compile(r"\b(?:is|are|was|were|be|been)\s+(?:\w+\s+)?to\s+$", re.I)


def _TO_BLAME_THING(ctx: _Context, m: re.Match[str]) -> bool:
    """ "The cache is to blame": a thing as the subject of "to blame" is a cause, not blame."""
    before = _TO_BLAME.search(ctx.text, max(0, m.start() - 30), m.start())
    return before is not None and ctx.subject(before.start())[0] == THING


def _bl101(ctx: _Context) -> Iterator[BlameHit]:
    text = ctx.text
    for kind, gate, rx in _AGENT_PATTERNS:
        if not gate.opens(ctx.words):
            continue
        for m in rx.finditer(text):
            hit = _agent_match(ctx, m, kind)
            if hit:
                yield hit
    for m in _PASSIVE_BY.finditer(text) if _PASSIVE_BY_GATE.opens(ctx.words) else ():
        cls, s, e = ctx.np_after(m.end())
        if "(" in text[m.end() : e] or _CREDIT.search(text, max(0, m.start() - 40), m.start()):
            continue  # "broken by the 2to3 script (Daniel Veillard)": a credit, not an agent
        ss, se = ctx.sentence(m.start())
        pronoun = text[s:e].lower().split()[-1:] in (["them"], ["they"], ["it"])
        if cls == PERSON and not pronoun and not _JUSTIFIED.search(text, ss, se):
            yield BlameHit(
                "BL101",
                m.start(),
                e,
                f"A person is named as the agent of the failure ('{text[m.start() : e]}').",
                "Describe the change or action and the conditions that let it cause harm "
                f"(e.g. 'the change {m.group('verb').lower()} ...'), not who made it.",
            )
    for rx, gate in _MISTAKE_GATES:
        if not gate.opens(ctx.words):
            continue
        for m in rx.finditer(text):
            if rx is _MISTAKE_BY:
                cls, s, e = ctx.np_after(m.end())
                if cls != PERSON:
                    continue
            else:
                e = m.end()
            yield BlameHit(
                "BL101",
                m.start(),
                e,
                "The mistake is attributed to a person.",
                "Describe what was done and what made it look right at the time "
                "(e.g. 'the command targeted production because both contexts looked alike').",
            )
    for m in _FAULT.finditer(text) if "fault" in ctx.words else ():
        who = (m.group("who") or "").lower()
        if who in ("no one", "nobody", "one", "anyone", "no-one") or _negated_before(
            text, m.start()
        ):
            continue
        if who and ctx.classify(m.group("who"), None, False) == THING and who not in ("it",):
            # "the provider's fault" still assigns fault; only skip obvious technical uses
            if who in ("page", "segmentation", "hardware", "disk"):
                continue
        yield BlameHit(
            "BL101",
            m.start(),
            m.end(),
            "Assigning fault is blame, whoever it is assigned to.",
            "Drop the fault attribution; describe the sequence of events and the conditions "
            "that allowed it (e.g. 'the change reached production without a canary').",
        )
    for m in _BLAME.finditer(text) if not _BLAME_KEYS.isdisjoint(ctx.words) else ():
        ss, _ = ctx.sentence(m.start())
        low = m.group().lower()
        if low == "blamed":
            cls, _, _ = ctx.np_after(m.end())
            if cls == THING:
                continue  # "we blamed DNS at first", "blaming the cache": a suspected cause
        if text.startswith(":", m.end()) or _TO_BLAME_THING(ctx, m):
            continue  # "blame: handle ..." (the git command), "the cache is to blame"
        if _NEGATION_WORD.search(text, ss, m.start()) or _CULTURE.match(text, m.end()):
            continue  # "this is not a process for assigning blame"
        yield BlameHit(
            "BL101",
            m.start(),
            m.end(),
            "Talk of blame turns the review towards people.",
            "Remove the blame; state what happened and which conditions made it possible.",
        )
    for m in _NOBODY.finditer(text) if _NOBODY_GATE.opens(ctx.words) else ():
        rest = _rest_of_clause(text, m.end())
        obj = _split_object(rest.split())[0] or "the problem"
        yield BlameHit(
            "BL101",
            m.start(),
            m.end(),
            f"'{m.group()}' makes people the agents of a miss.",
            f"Rewrite without a person as the agent: '{_cap(obj)} went unnoticed'; then ask "
            "what would have made it visible (an alert, a dashboard, a check).",
        )
    for m in _BY_MISTAKE.finditer(text) if not _BY_MISTAKE_KEYS.isdisjoint(ctx.words) else ():
        cls, off = ctx.clause_subject(m.start())
        if cls != PERSON:
            continue  # "the pod was deleted by mistake": nobody is the agent
        who = _WORD_AT.match(text, off)
        if who and who.group().lower() in _FIRST_PERSON and "accident" in m.group().lower():
            continue  # "we worked around it by accident": luck, not a mistake
        yield BlameHit(
            "BL101",
            m.start(),
            m.end(),
            f"'{m.group()}' makes a person the agent of a mistake.",
            "Describe the action and what made it easy to get wrong (e.g. 'the migration ran "
            "against production; both contexts looked alike and nothing asked to confirm').",
        )
    for m in _RESPONSIBLE.finditer(text) if "responsible" in ctx.words else ():
        if not m.group("held"):
            cls, _ = ctx.subject(m.start())
            if cls == THING:
                continue
        yield BlameHit(
            "BL101",
            m.start(),
            m.end(),
            "Holding someone responsible for the failure is blame.",
            "Say which change or condition led to the failure (e.g. 'the outage followed "
            "the configuration change at 10:02'), not who is responsible.",
        )


_BE_BEFORE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|get|gets|got|getting)\s+(?:\w+ly\s+|not\s+|never\s+)?$",
    re.I,
)
_AUX_BEFORE = re.compile(
    r"\b(?:have|has|had|having|was|were|be|been|being|is|are|got|get|gets|getting|'ve|’ve)"
    r"\s+(?:\w+ly\s+|not\s+|never\s+|all\s+|also\s+)?$",
    re.I,
)
_BARE_NOUN_NEXT = re.compile(
    r"\s+(?!(?:the|a|an|our|their|his|her|its|this|that|these|those|my|your|some|all|any|to|by|"
    r"in|on|at|for|with|from|about|and|or|but|it|them|him|her|us|me|you|up|out|again|once|"
    r"twice|that|what|which|who|how|when|where|while|because|so|then)\b)[A-Za-z][\w.\-]*",
    re.I,
)


# "..., overlooked in the 2.3 cleanup": a participle after a comma, then a preposition or
# conjunction, is a reduced passive about the thing before the comma.
_REDUCED_PASSIVE = re.compile(r",\s*$")
_PASSIVE_NEXT = re.compile(
    r"\s+(?:in|during|when|while|until|til|till|since|for|by|at|on|after|before)\b", re.I
)
# Verbs of a change log line ("Fix overlooked case", "Removed botched patch").
_CHANGE_VERB = re.compile(
    r"(?:re-?)?(?:add|remov|fix|delet|drop|revert|restor|correct|clean|handl|includ|document|"
    r"updat|mention|repair|resolv|undo|reinstat|commit|catch|cover)(?:e|ed|es|s|ing)?",
    re.I,
)


def _participle_as_adjective(text: str, m: re.Match[str]) -> bool:
    """ "Add forgotten file", "Removed forgotten debug code", "Fix botched import": a bare
    participle after another word and before a bare noun modifies the noun. A finite verb
    takes a determiner or a pronoun as object ("Kim overlooked the alert"), and "forgotten"
    is never finite without an auxiliary ("had forgotten")."""
    word = m.group().split()[0].lower()
    if word not in ("forgotten", "overlooked", "botched", "bungled", "misconfigured"):
        return False
    if _AUX_BEFORE.search(text, max(0, m.start() - 24), m.start()):
        return False
    if word == "forgotten":
        return True
    prev = re.search(r"([A-Za-z][\w'’\-]*)[ \t]+$", text[max(0, m.start() - 20) : m.start()])
    return (
        bool(prev)
        and _CHANGE_VERB.fullmatch(prev.group(1)) is not None
        and bool(_BARE_NOUN_NEXT.match(text, m.end()))
    )


def _agent_match(ctx: _Context, m: re.Match[str], kind: str) -> BlameHit | None:
    """Decide whether one agentive-failure match has a person (or unknown human) as agent."""
    text = ctx.text
    before = text[max(0, m.start() - 12) : m.start()].lower()
    if kind in ("forgot", "neglect") and re.search(r"(?:\bto|\bnot|n['’]t|\bnever)\s+$", before):
        return None  # "easy to forget", "don't forget to": not an accusation
    if kind in ("forgot", "neglect") and _NOTHING.match(text, m.end()):
        return None  # "Kenji forgot nothing"
    if kind == "caused" and not _CAUSED_OBJECT.match(text, m.end()):
        return None
    if _ADJECTIVE_POSITION.search(text, max(0, m.start() - 20), m.start()):
        return None  # "the misconfigured route", "a missed heartbeat": adjectives
    if _participle_as_adjective(text, m):
        return None  # "Add forgotten file", "Fix botched import": adjectives, not a lapse
    if _REDUCED_PASSIVE.search(text, max(0, m.start() - 3), m.start()) and _PASSIVE_NEXT.match(
        text, m.end()
    ):
        return None  # "fix find_pair(), overlooked when refactoring": a passive, no agent
    if m.group().split()[0].lower().endswith(("ed", "en")) and _BE_BEFORE.search(
        text, max(0, m.start() - 24), m.start()
    ):
        return None  # "they are ignored": a passive, its subject is what was missed
    ss, se = ctx.sentence(m.start())
    if _JUSTIFIED.search(text, ss, se):
        return None  # "Alice ignored the alert, as the runbook instructs": a procedure, not a lapse
    cls, subj = ctx.subject(m.start())
    first_word = text[subj : subj + 3].lower()
    subject_word = _WORD_AT.match(text, subj)
    speaker = bool(subject_word) and subject_word.group().lower() in _FIRST_PERSON
    if speaker and (
        kind == "accident"
        or (kind == "didnot" and (m.group("dverb") or "").lower() not in _MISSED_CHECKS)
    ):
        # "we accidentally deleted", "we did not update": the team voice, no one singled out;
        # "we did not catch / test" stays (as self-blame, a warning).
        return None
    if (
        subject_word
        and subject_word.group().lower() in _AFFECTED
        and _HYPOTHETICAL_MODAL.search(text, subj, m.start())
    ):
        return None  # "users might have missed the small difference": a hypothetical
    if (
        kind == "failed"
        and subject_word
        and subject_word.group().lower() in _AFFECTED
        and (m.group("fverb") or "").lower() in _IMPACT_VERBS
    ):
        return None  # "users failed to log in" is impact
    if kind == "failed" and (m.group("fverb") or "").lower() in _OUTCOME_VERBS:
        return None  # "we failed to find a better option": a search that came up empty
    if kind == "missed" and _MISSED_PEOPLE.match(text, m.end()):
        return None  # "we missed you all while the site was down"
    if (
        kind == "missed"
        and m.group().lower().startswith("miss")
        and _MISSED_OBJECT.match(text, m.end())
        and not _MISSED_DUTY.match(text, m.end())
    ):
        return None  # "Kris missed the Friday meeting", "users missed notifications": no duty
    if (
        kind == "missed"
        and m.group().lower().startswith("miss")
        and subject_word
        and subject_word.group().lower() in _AFFECTED
    ):
        return None  # "users missed notifications for two hours": impact, not a lapse
    if (
        kind == "forgot"
        and speaker
        and (m.group("gverb") or "").lower() in ("mention", "say", "note", "thank", "share")
    ):
        return None  # "we forgot to mention: the new rules start on Monday": an aside
    if kind == "forgot" and _PERSONAL_ITEM.match(text, m.end()):
        return None  # "Nova forgot her laptop at home"
    if kind == "introduced" and first_word in ("we ", "we'", "we’"):
        return None  # "we introduced a regression": the organisation describing a change
    if (
        kind == "didnot"
        and m.group().lower().startswith("never")
        and first_word[:2] in ("we", "i ")
    ):
        return None  # "we never tested a region failover": a gap in practice, now an action
    if kind == "didnot" and m.group()[:3].lower() == "not":
        prev = re.search(r"([\w'’]+)\W*$", text[max(ss, m.start() - 20) : m.start()])
        if (
            not prev
            or prev.group(1).lower() in _AUX
            or prev.group(1).lower().endswith(("n't", "n’t"))
        ):
            return None  # "has not checked", "do not check": only "and not check", "he not tested"
        if cls != PERSON or m.group("dverb").lower() not in _DUTY_VERBS:
            return (
                None  # "Support team not informed" is a passive fragment: the team is the patient
            )
    if cls == NONE and kind in ("missed", "didnot") and _fragment_start(text, ss, m):
        cls = PERSON  # "Missed the disk alert during handover.": a subjectless bullet or cell
    if (
        cls != PERSON
        and kind in _NAME_LIKE_KINDS
        and subject_word
        and subj != m.start()
        and _name_like(ctx, subject_word.group(), _word_before(text, ss, subj))
        and (kind != "failed" or (m.group("fverb") or "").lower() in _HUMAN_DUTIES)
        and (kind != "missed" or _IGNORED_SIGNAL.match(text, m.end()))
    ):
        cls = PERSON  # "Rasmus forgot to run the plan": a capitalised subject of a human verb
    if kind in _HUMAN_ONLY:
        if cls == THING:
            return None
    elif cls != PERSON:
        return None
    return _agent_hit(ctx, m, kind, subj)


_DETERMINER_NEXT = re.compile(
    r"\s+(?:the|a|an|our|their|his|her|its|this|that|these|those|two|three|several|all|both|"
    r"every|some|each|my|your)\b",
    re.I,
)


def _fragment_start(text: str, sentence_start: int, m: re.Match[str]) -> bool:
    """A subjectless past-tense fragment: the match opens its sentence (after a timestamp at
    most), and "missed"/"ignored" take an object ("Missed the alert", not "Missed heartbeats
    triggered the failover", where "missed" is an adjective)."""
    if not _STAMP_ONLY.fullmatch(text, sentence_start, m.start()):
        return False
    word = m.group().split()[0].lower()
    if word in ("missed", "ignored", "disregarded", "misses", "ignores", "disregards"):
        return bool(_DETERMINER_NEXT.match(text, m.end()))
    return word in ("did", "didn't", "didn’t")


def _agent_hit(ctx: _Context, m: re.Match[str], kind: str, subj: int) -> BlameHit:
    text = ctx.text
    start = min(subj, m.start())
    end = m.end()
    rest = _rest_of_clause(text, m.end(), 12)
    phrase = text[start:end]
    groups = m.groupdict()
    matched = m.group().lower()
    verb = groups.get("fverb") or groups.get("gverb") or groups.get("nverb") or groups.get("dverb")
    np, tail = _split_object(rest.split())
    tail = f" {tail}" if tail else ""
    if kind in ("failed", "forgot", "neglect", "didnot") and verb:
        verb = verb.lower()
        if kind == "didnot" and verb not in _DUTY_VERBS:
            verb = next((v for v in _DUTY_VERBS if _participle(v) == verb), verb)
        words = rest.split()
        phrasal = f"{verb} {words[0]}" if words and words[0].lower() in _PARTICLES else verb
        rewrite = _cap(_passive_rewrite(verb, rest))
        suggestion = f"'{rewrite}'; then ask what made it hard to {phrasal}."
    elif kind in ("forgot", "neglect"):
        obj = _split_object(
            rest.split()[1:] if rest.lower().startswith("about ") else rest.split()
        )[0]
        obj = obj or "the step"
        suggestion = (
            f"'{_cap(obj)} {_be(obj)} not handled'; then ask what would have reminded "
            "people of it (a checklist item, an automated check)."
        )
    elif kind == "missed" or (kind == "overlooked" and matched.startswith("overlooked")):
        obj = np or "the signal"
        suggestion = (
            f"'{_cap(obj)} {_be(obj)} not acted on{tail}'; then ask what made it easy to "
            "miss (noise, unclear alert, no runbook)."
        )
    elif kind == "overlooked":
        obj = np or "the change"
        suggestion = (
            f"'{_cap(obj)} ended up in an unintended state{tail}'; then ask what made the "
            "intended result hard to get right."
        )
    elif kind == "broke" and matched.startswith("mis"):
        obj = np or "the system"
        suggestion = (
            f"'The configuration of {obj} did not match what was intended'; then ask what "
            "let the change through unnoticed (validation, review, canary)."
        )
    elif kind == "broke":
        obj = np or "the system"
        suggestion = (
            f"'{_cap(obj)} broke after change <X>'; then ask what let the change through "
            "unnoticed (tests, review, canary)."
        )
    elif kind == "wrong":
        obj = groups.get("wrongobj") or "target"
        suggestion = (
            f"'The command ran against the wrong {obj}'; then ask what made the two look "
            "alike and what would have asked for confirmation."
        )
    elif kind == "let":
        words = matched.split()[1:]
        what = " ".join(w for w in words[:-1] if w != "to") or "it"
        suggestion = (
            f"'{_cap(what)} {_participle(words[-1]) if words else 'expired'} unnoticed'; then "
            "ask what would have warned about it in time (an alert, an owner, automation)."
        )
    elif kind == "caused":
        suggestion = (
            "Name the action or change that started it ('a configuration change at 10:02 "
            "triggered the outage'), not the person."
        )
    elif kind == "mistake":
        suggestion = (
            "Describe the action and what made it look right at the time "
            "('the flag was set to X, which the tool accepted without warning')."
        )
    elif kind == "vanished":
        suggestion = (
            "'The responder became unavailable'; then ask how hand-offs and escalation work "
            "when one person is away."
        )
    elif kind == "accident":
        past = (groups.get("averb") or "changed").lower()
        pp = _PAST_TO_PP.get(past, past)
        obj = np or "the target"
        suggestion = (
            f"'{_cap(obj)} {_be(obj)} {pp} unintentionally{tail}'; then ask what allowed "
            "the action without a safeguard."
        )
    elif kind == "introduced":
        suggestion = (
            "'A change introduced the bug'; then ask why review and tests did not catch it."
        )
    else:
        suggestion = (
            "Describe what happened to the system and which conditions allowed it, "
            "instead of who did it."
        )
    return BlameHit(
        "BL110" if kind == "accident" else "BL101",
        start,
        end,
        f"A person is the agent of a failure ('{phrase}'); describe what happened, not who failed.",
        "Rewrite without a person as the agent: " + suggestion,
    )


# --------------------------------------------------------------------------- BL102

_HUMAN_ERROR = re.compile(
    r"\b(?P<who>human|operator|user|admin|administrator|engineer|engineering|developer|"
    r"personnel|staff|manual|people|pilot|person)\s+(?:errors?|mistakes?|failures?|faults?|"
    r"slip-ups?)\b(?!\s+(?:messages?|codes?|pages?|responses?|rates?|handling|logs?|output|"
    r"strings?|texts?|types?|class(?:es)?|budgets?|counts?|reports?))"
    r"|\b(?:pebkac|pebcak|id-?10-?t|layer[\s\-]8\s+(?:issue|problem|error))\b"
    r"|\bfat[\s\-]finger(?:ed|ing|s)?\b",
    re.I,
)
_HUMAN_ERROR_KEYS = _kw(
    "error errors mistake mistakes failure failures fault faults slip pebkac pebcak id layer "
    "finger fingered fingering fingers"
)
_NOT_A_CAUSE = re.compile(
    r"\bsymptoms?\b|\b(?:not|never|isn['’]t)\W+(?:a|the|an)\s+(?:root\s+)?cause", re.I
)
# Human error as a risk to design against, not the cause of this incident.
_ERROR_AS_RISK = re.compile(
    r"\b(?:chances?|risks?|likelihood|possibility|potential|room|scope|odds|probability)\s+"
    r"(?:of|for)\s+(?:\w+\s+)?$"
    r"|\b(?:reduc\w*|prevent\w*|avoid\w*|minimi[sz]\w*|eliminat\w*|remov\w*|"
    r"(?:less|more)\s+(?:prone|vulnerable|resilient|robust)|prone|resilient|robust|"
    r"guard\w*|protect\w*|against|tolerant|tolerate\w*|mitigat\w*)\s+(?:\w+\s+){0,3}?$",
    re.I,
)
_ERROR_IN_GENERAL = re.compile(
    r"\s+(?:is|are|will\s+(?:always\s+)?(?:happen|occur)|happens|inevitabl\w*)\s*"
    r"(?:inevitable|unavoidable|normal|natural|expected|a\s+given|going\s+to\s+happen|"
    r"human|always\s+(?:possible|going)|bound\s+to\s+happen|[.,;]|$)",
    re.I,
)
_HUMAN_ERROR_PREV_OK = frozenset(
    "a an the of to by from was is be been as simple pure plain likely probably possible "
    "potential and or human due this that another its an caused some any".split()
)


_HUMAN_ERROR_GATE = _Gate(
    " ".join(
        f"{noun}+{who}"
        for noun in "error errors mistake mistakes failure failures fault faults slip".split()
        for who in "human operator user admin administrator engineer engineering developer "
        "personnel staff manual people pilot person".split()
    )
    + " pebkac pebcak id layer+issue layer+problem layer+error"
    + " fat+finger fat+fingered fat+fingering fat+fingers"
)


def _bl102(ctx: _Context) -> Iterator[BlameHit]:
    text = ctx.text
    if not _HUMAN_ERROR_GATE.opens(ctx.words):
        return
    for m in _HUMAN_ERROR.finditer(text):
        who = (m.group("who") or "").lower()
        if _negated_before(text, m.start()):
            continue
        ss, se = ctx.sentence(m.start())
        if _NOT_A_CAUSE.search(text, ss, se):
            continue  # "human error is a symptom, never a root cause": the blameless creed
        if _ERROR_AS_RISK.search(text, max(ss, m.start() - 40), m.start()) or (
            _ERROR_IN_GENERAL.match(text, m.end())
        ):
            continue  # "to reduce the chance of human error", "human error is inevitable"
        if who and who != "human":
            prev = re.search(r"([\w\-]+)([^\w]*)$", text[max(0, m.start() - 30) : m.start()])
            if (
                prev
                and prev.group(1).lower() not in _HUMAN_ERROR_PREV_OK
                and not re.search(r"[.!?:;(\[]", prev.group(2))
            ):
                continue  # "the Prometheus operator error", "returns a 4xx user error"
        yield BlameHit(
            "BL102",
            m.start(),
            m.end(),
            f"'{m.group()}' names a person as the cause and ends the investigation there.",
            "Replace it with the conditions that made the action possible, e.g. 'the tool "
            "ran the command against production without a confirmation step'.",
        )


# --------------------------------------------------------------------------- BL103 / BL105

_MODAL_HAVE = re.compile(
    r"\b(?P<modal>should|could|would|ought\s+to|might)(?P<neg>\s+not|n['’]t)?"
    r"(?:\s+(?:(?:\w+ly|just|simply|never|not)\s+)?(?:have|of)|['’]ve)\b(?!\s+to\b)\s*"
    r"(?:(?:\w+ly|just|simply|all|both)\s+)?"
    r"(?P<been>been\s+(?:(?:\w+ly|more|less|so)\s+)?)?(?P<verb>[A-Za-z][\w\-]*)",
    re.I,
)
_HYPOTHETICAL = re.compile(r"\b(?:if|without|unless|otherwise|so|in\s+order)\b", re.I)
_MODAL_KEYS = _kw("should could would ought might shouldn couldn wouldn if had")
# A modal with "have", "of" or "'ve" ("shouldn't have" is shouldn, t, have as letter runs).
_MODAL_HAVE_GATE = _Gate(
    " ".join(
        f"{modal}+{have}"
        for modal in "should could would ought might shouldn couldn wouldn mightn".split()
        for have in ("have", "of", "ve")
    )
)
_HINDSIGHT_VERBS = _LANG.words("hindsight_verbs")
_JUDGEMENT_ADJ = _LANG.words("care_adjectives")
_IF_ONLY = re.compile(
    r"\bif\s+only\s+(?P<np>(?:[\w@'’\-]+\s+){1,4}?)(?:had|hadn['’]t|were|was|did|would|could)\b",
    re.I,
)
_HAD_INVERTED = re.compile(
    r"(?:^|[,;:(]\s*|\b(?:and|but|that)\s+)(?P<had>had)\s+(?P<np>(?:[\w@'’\-]+\s+){1,4}?)"
    r"(?:not\s+)?(?:(?:just|only|simply|actually)\s+)?(?P<verb>been|[a-z]+ed|seen|known|done|"
    r"caught|read|taken|run|gone|written|noticed)\b",
    re.I | re.M,
)
_IF_HAD = re.compile(
    r"\bif\s+(?P<np>(?:[\w@'’\-]+\s+){1,4}?)had\s+(?:not\s+)?(?:(?P<adv>just|only|simply|"
    r"actually|bothered\s+to)\s+)?(?P<verb>[a-z]+(?:ed)?|seen|known|caught|read|done)\b",
    re.I,
)
# "had" as an auxiliary: a participle, "been" or a negation follows.
_HAD_DONE = re.compile(
    r"\s+(?:not\s+|n['’]t\s+|just\s+|only\s+|simply\s+|actually\s+)?"
    r"(?:been|[a-z]+ed|seen|known|done|caught|read|taken|run|gone|written|heard|spoken|thought|"
    r"told|got|gotten|made|kept|left|put|set|shut|sent|spent|found|understood)\b",
    re.I,
)
_IF_GATES = (
    (_IF_ONLY, _Gate("if+only")),
    (_HAD_INVERTED, _Gate("had")),
    (_IF_HAD, _Gate("if+had")),
)


def _np_class(ctx: _Context, np_text: str, offset: int) -> str:
    toks = [(m.group(), offset + m.start()) for m in _TOKEN.finditer(np_text)]
    head = ctx.np_head(toks)
    if head is None:
        return NONE
    word, _, prev, _ = head
    return ctx.classify(word, prev, False)


# "Should have <these>" states what was expected to happen, not what someone should have done.
_EXPECTED_OUTCOMES = _LANG.words("expected_outcomes")


def _bl103_105(ctx: _Context) -> Iterator[BlameHit]:
    text = ctx.text
    if _MODAL_KEYS.isdisjoint(ctx.words):
        return
    for m in _MODAL_HAVE.finditer(text) if _MODAL_HAVE_GATE.opens(ctx.words) else ():
        modal = m.group("modal").lower()
        modal = "ought" if modal.startswith("ought") else modal
        verb = m.group("verb")
        vlow = verb.lower()
        phrase = text[m.start() : m.end()]
        if (
            modal in ("should", "ought", "could")
            and vlow in _HINDSIGHT_VERBS
            and not m.group("been")
        ):
            if modal == "could" and ctx.subject(m.start())[0] == THING:
                continue
            yield _hindsight(m.start(), m.end(), phrase)
            continue
        if m.group("been"):
            if vlow == "obvious" or vlow == "apparent":
                yield _hindsight(m.start(), m.end(), phrase)
                continue
            if vlow in _JUDGEMENT_ADJ:
                yield _judgement(m.start(), m.end(), phrase)
                continue
            if modal not in ("should", "ought") or not _is_participle(verb):
                continue
            if vlow in _CATEGORISING:
                continue  # "should have been considered illiquid": how a value is classed
            s, _ = ctx.sentence(m.start())
            subj = text[s : m.start()].strip()
            subj = _CLAUSE_BREAK.split(subj)[-1].strip()
            # "some statuses that should have been removed": the relative's antecedent
            pieces = [p.strip() for p in _RELATIVE_SPLIT.split(subj) if p.strip()]
            relative = (
                bool(_RELATIVE_SPLIT.search(subj)) and not _RELATIVE_SPLIT.split(subj)[-1].strip()
            )
            words = (pieces[-1] if pieces else "it").split()
            if relative:  # "an issue which should have been": the antecedent noun phrase
                det = [i for i, w in enumerate(words) if w.lower() in _DETERMINERS]
                words = words[det[-1] :] if det else words[-3:]
            subj = " ".join(words[-6:])
            rest = _rest_of_clause(text, m.end())
            neg = "" if m.group("neg") else "not "
            rewrite = f"{_cap(subj)} {_be(subj)} {neg}{vlow}{(' ' + rest) if rest else ''}"
            yield BlameHit(
                "BL108",  # no one named: an implied team, a lapse (a warning)
                m.start(),
                m.end(),
                f"Counterfactual ('{phrase}') judges what people should have done.",
                f"State what happened: '{rewrite}'; then ask what would make that easier "
                "next time.",
            )
            continue
        if not _is_participle(verb):
            continue  # "we should have alerting on ...", "should have a talk"
        if vlow in _EXPECTED_OUTCOMES:
            continue  # "you should have received a copy", "they should have succeeded sooner"
        cls, subj = ctx.subject(m.start())
        if cls == THING and _name_like(ctx, *_word_and_prev(ctx, subj)):
            cls = PERSON  # "Kofi should have waited": a name by its place, not by a list
        if modal in ("should", "ought"):
            if cls == THING:
                continue
        elif modal != "could" or not (cls == PERSON and vlow in _ATTENTION_PP):
            continue  # "an attacker could have used the token": capability, not judgement
        else:
            ss, se = ctx.sentence(m.start())
            if _HYPOTHETICAL.search(text, ss, se):
                continue  # "without paging we could have noticed it later": a hypothetical
        base = _base_form(vlow)
        rest = _rest_of_clause(text, m.end())
        words = rest.split()
        phrasal = f"{base} {words[0]}" if words and words[0].lower() in _PARTICLES else base
        if m.group("neg"):  # "should not have restarted": it was restarted
            happened = _cap(_passive_rewrite(base, rest, negative=False))
            follow = f"then ask what made '{phrasal}' look like the right step at the time"
        else:
            happened = _cap(_passive_rewrite(base, rest))
            follow = f"then ask what would make it easier to {phrasal} next time"
        yield BlameHit(
            "BL103",
            min(subj, m.start()),
            m.end(),
            f"Counterfactual ('{phrase}') judges what people should have done.",
            f"State what happened: '{happened}'; {follow}.",
        )
    for rx, gate in _IF_GATES:
        for m in rx.finditer(text) if gate.opens(ctx.words) else ():
            cls = _np_class(ctx, m.group("np"), m.start("np"))
            if cls != PERSON:
                continue
            if (
                rx is _IF_ONLY
                and m.group().lower().endswith("had")
                and not _HAD_DONE.match(text, m.end())
            ):
                continue  # "if only we had more disks!": a wish for resources, not a verdict
            if rx is _IF_HAD:
                verb = m.group("verb").lower()
                if not (m.group("adv") or verb in _ATTENTION_PP):
                    continue
            yield BlameHit(
                "BL103",
                m.start("had") if rx is _HAD_INVERTED else m.start(),
                m.end(),
                f"Counterfactual about a person ('{text[m.start() : m.end()].strip()}').",
                "Describe what the person knew and saw at the time, and what would have "
                "made the other path easy (e.g. 'the dashboard did not show X').",
            )


def _hindsight(start: int, end: int, phrase: str) -> BlameHit:
    return BlameHit(
        "BL105",
        start,
        end,
        f"Hindsight ('{phrase}'): what is known now was not known then.",
        "Say what information was available at the time and what would have made the "
        "problem visible (e.g. 'the alert did not fire, so the error rate was not visible').",
    )


def _judgement(start: int, end: int, phrase: str) -> BlameHit:
    return BlameHit(
        "BL104",
        start,
        end,
        f"Judgement of a person ('{phrase}'); describe actions and context instead.",
        "State what was done and what made it reasonable at the time "
        "(e.g. 'the change was applied without a second review, which the process allowed').",
    )


# --------------------------------------------------------------------------- BL104

# What people do, so "a stupid mistake" or "sloppy code review" judges a person's act.
_HUMAN_ACT = re.compile(
    r"\b(?:mistakes?|typos?|errors?|oversights?|decisions?|choices?|moves?|calls?|reviews?|"
    r"merges?|commits?|changes?|deploy(?:s|ment)?|handling|work|judge?ment|ideas?|plans?)\b",
    re.I,
)

_JUDGEMENT_KEYS = _kw(
    """careless carelessly carelessness sloppy sloppily sloppiness lazy laziness lazily negligent
    negligently negligence incompetent incompetently incompetence stupid stupidly stupidity dumb
    idiot idiots idiotic foolish foolishly foolishness reckless recklessly recklessness
    irresponsible irresponsibly irresponsibility inattentive inattention asleep ball judgment
    judgement judgments judgements attention wrongly incorrectly mistakenly falsely naively
    erroneously wrongfully misjudged misjudge misjudges misjudging misjudgment misjudgement
    careful vigilant attentive diligent thorough cautious bother bothered cowboy unprofessional unprofessionally clueless oblivious
    obliviously nothing cared despite knowingly rookie amateur amateurish decision decisions
    choice choices call"""
)
_JUDGEMENT = re.compile(
    r"""\b(?:
      careless(?:ly|ness)? | sloppy(?!\s+quorum)|sloppily|sloppiness
    | lazy(?![\s\-](?:load\w*|evaluat\w*|eval|init\w*|import\w*|iterat\w*|fetch\w*|propagat\w*|
        static|val|property|loader|mode|sequence|list|binding|compil\w*|instantiat\w*|creat\w*))
    | laziness | lazily(?!\s+(?:load|initiali|evaluat|comput|creat|instantiat|fetch|construct|
        populat|bound|start|compil|resolv|read|allocat))
    | negligen(?:t|tly|ce) | incompeten(?:t|tly|ce) | stupid(?:ly|ity)? | dumb(?![\s\-](?:terminal|pipe))
    | idiot(?:s|ic)? | foolish(?:ly|ness)? | reckless(?:ly|ness)? | irresponsib(?:le|ly|ility)
    | inattenti(?:ve|on) | asleep\s+at\s+the\s+(?:wheel|switch) | dropped\s+the\s+ball
    | (?:lapses?|errors?)\s+(?:in|of)\s+judge?ment | (?:poor|bad|questionable|faulty)\s+judge?ment
    | (?:not|wasn['’]t|weren['’]t)\s+paying\s+attention | (?:didn['’]t|did\s+not)\s+pay\s+attention
    | (?:wrongly|incorrectly|mistakenly|falsely|naively|erroneously|wrongfully)\s+
        (?:assum|assess|believ|thought|think|judg|decid|conclud|estimat|interpret|expect|presum|guess)\w*
    | misjudg\w+ | misjudgment
    | not\s+careful\s+enough | (?:didn['’]t|did\s+not|couldn['’]t|could\s+not|never)\s+(?:be\s+)?bother(?:ed)?
    | cowboy | unprofessional(?:ly)? | clueless | oblivious(?:ly)?
    | nothing\s+was\s+done | (?:no\s+one|nobody)\s+(?:bothered|cared)
    | despite\s+(?:being\s+aware|knowing|(?:the\s+)?warnings?|being\s+warned|having\s+been\s+warned)
    | knowingly | rookie\s+(?:mistake|error) | amateur(?:ish)?(?!\s+radio)
    | (?:bad|poor|terrible|questionable|stupid|dumb|wrong)\s+(?:decisions?|choices?)
    | (?:bad|poor|terrible|questionable)\s+call\s+(?:by\b|to\s+(?!the\b|a\b|an\b|our\b|this\b|its\b)\w+)
    )\b""",
    re.I | re.X,
)


# Common words of _JUDGEMENT_KEYS ask for the other words of their phrase.
_JUDGEMENT_GATE = _Gate(
    " ".join(
        k
        for k in _JUDGEMENT_KEYS
        if k
        not in (
            "nothing call decision decisions choice choices despite ball attention asleep cared "
            "careful vigilant attentive diligent thorough cautious judgment judgement judgments "
            "judgements rookie"
        ).split()
    )
    + " nothing+was+done ball+dropped attention+paying attention+pay asleep+at cared+nobody"
    " cared+no+one careful+not+enough rookie+mistake rookie+error"
    " despite+aware despite+knowing despite+warning despite+warnings despite+warned"
    + "".join(
        f" {noun}+{adj}"
        for noun in "decision decisions choice choices".split()
        for adj in "bad poor terrible questionable stupid dumb wrong".split()
    )
    + "".join(f" call+{adj}" for adj in "bad poor terrible questionable".split())
    + "".join(
        f" {noun}+{word}"
        for noun in "judgment judgement".split()
        for word in "lapse lapses error errors poor bad questionable faulty".split()
    )
)


def _bl104(ctx: _Context) -> Iterator[BlameHit]:
    text = ctx.text
    for m in _JUDGEMENT.finditer(text) if _JUDGEMENT_GATE.opens(ctx.words) else ():
        phrase = m.group()
        low = phrase.lower()
        if re.search(
            r"\b(?:not|never|n['’]t)\s+(?:\w+\s+)?$", text[max(0, m.start() - 16) : m.start()]
        ) and (not low.startswith(("not", "no ", "nothing", "despite", "didn", "did "))):
            continue  # "not careless", "never sloppy"
        if low.startswith(("lazy", "lazily", "dumb", "stupid", "idiot", "foolish")):
            ss, se = ctx.sentence(m.start())
            if not ctx.person_in(ss, se) and not (
                not low.startswith(("lazy", "lazily")) and _HUMAN_ACT.search(text, ss, se)
            ):
                continue  # "lazy loading", "TERM=dumb", "this stupid disk": things, not people
        if re.match(r"(?:wrongly|incorrectly|mistakenly|falsely|naively|erroneously)", low):
            if ctx.subject(m.start())[0] == THING:
                continue  # "the parser incorrectly assumed UTF-8": a program's logic
            s, _ = ctx.sentence(m.start())
            adverb, _, verb = low.partition(" ")
            subj = _CLAUSE_BREAK.split(text[s : m.start()].strip())[-1].strip() or "We"
            rest = _rest_of_clause(text, m.end())
            suggestion = (
                f"Keep the fact, drop the verdict: '{_cap(subj)} {verb.strip()} {rest}' "
                "(it turned out not to hold); then ask what made that assumption reasonable."
            )
            yield BlameHit(
                "BL104", m.start(), m.end(), _judgement(0, 0, phrase).message, suggestion
            )
            continue
        yield _judgement(m.start(), m.end(), phrase)


# --------------------------------------------------------------------------- BL105

_MINIMIZER = re.compile(
    r"\b(?P<word>obviously|clearly)\b(?!\s+(?:show|shows|showed|shown|showing|visible|state|"
    r"stated|states|defined|documented|communicat\w*|mark\w*|label\w*|indicat\w*|separat\w*|"
    r"identif\w*|explain\w*|describ\w*|distinguish\w*|see|seen|saw|understand|understood))"
    r"|\b(?:it|this|that)\s+(?:was|is|should\s+have\s+been|seems|seemed)\s+(?:so\s+|very\s+|quite\s+)?obvious\b"
    r"|\b(?P<ez>easily|trivially)\s+(?:have\s+been\s+|been\s+)?(?:avoided|prevented|caught|"
    r"spotted|detected|noticed|fixed)\b"
    r"|\b(?:all|only)\s+(?:[\w@\-]+\s+){1,3}?(?:had|needed|need|"
    r"has|have)\s+to\s+do\s+(?:was|is)\b"
    r"|\b(?P<only>only|just|simply)\s+(?:had|needed)\s+to\b",
    re.I,
)
_MINIMIZER_KEYS = _kw("obviously clearly obvious easily trivially all only just simply")
# "just" / "simply" minimize only next to a counterfactual or an accusation.
_JUST = re.compile(
    r"\b(?:should|could)(?:\s+not|n['’]t)?\s+(?P<have>have\s+)?(?P<a>just|simply)\b"
    r"|\b(?P<b>just|simply)\s+(?:forgot|missed|ignored|didn['’]t|did\s+not|failed\s+to|neglected|"
    r"overlooked|needs?\s+to|has\s+to|have\s+to|should|could|would)\b",
    re.I,
)
# Words that put people in a sentence without naming them ("clearly a mistake", "obviously
# the deploy should have waited").
_HUMAN_FAULT = re.compile(
    r"\b(?:mistakes?|mistaken|oversights?|fault|careless\w*|negligen\w*|forgot|forgotten|"
    r"ignored|overlooked|neglected|missed|should(?:\s+not|n['’]t)?\s+have)\b",
    re.I,
)
_BLAME_CONTEXT = re.compile(
    r"\b(?:wrong|mistakes?|mistaken|error|fault|failed|fail|missed|miss|forgot|forget|ignored|"
    r"overlooked|neglected|careless|bad\s+idea|didn['’]t|did\s+not|never|should|could|would|"
    r"ought|must|noticed|notice|caught|catch|spotted|known|checked|seen|see|nobody|no\s+one|"
    r"tested|reviewed|read)\b",
    re.I,
)


def _bl105(ctx: _Context) -> Iterator[BlameHit]:
    text = ctx.text
    if _MINIMIZER_KEYS.isdisjoint(ctx.words):
        return
    for m in _MINIMIZER.finditer(text):
        if m.group("only"):
            cls, off = ctx.subject(m.start())
            who = _WORD_AT.match(text, off)
            if (
                m.group("only").lower() == "only"
                or cls != PERSON
                or (who and who.group().lower() in _FIRST_PERSON)
            ):
                continue  # "users only had to fetch the index": a design, not a minimizer
        if m.group("word"):
            s, e = ctx.sentence(m.start())
            sentence = text[s:e]
            if not _BLAME_CONTEXT.search(sentence) or _negated_before(text, m.start()):
                continue  # "very obviously crafted for malicious purposes" judges no one
            if not ctx.person_in(s, e) and not _HUMAN_FAULT.search(sentence):
                continue  # "the flag was clearly wrong": a verdict on code, not on people
        yield _hindsight(m.start(), m.end(), m.group())
    for m in _JUST.finditer(text):
        word = m.group("a") or m.group("b")
        start = m.start("a") if m.group("a") else m.start("b")
        cls, off = ctx.subject(m.start())
        if cls == THING:
            continue  # "the checklist simply did not include the step" minimizes no one
        who = _WORD_AT.match(text, off)
        if (m.group("b") or not m.group("have")) and who and who.group().lower() in _FIRST_PERSON:
            continue  # "we would just have to restart": the team's plan, no one minimized
        if (
            who
            and who.group().lower() == "you"
            and re.match(r"\w+\s+(?:need|have|has)\s+to", text[start:])
        ):
            continue  # "you just have to turn them on": an instruction to the reader
        yield BlameHit(
            "BL105",
            start,
            start + len(word),
            f"'{word}' minimizes the difficulty of what people faced at the time.",
            f"Drop '{word}' and describe what made the action hard or easy to miss then.",
        )


# --------------------------------------------------------------------------- BL106

_WHY = re.compile(
    r"\bwhy\s+(?:did|didn['’]t|does|doesn['’]t|do|don['’]t|was|wasn['’]t|were|weren['’]t|had|"
    r"hadn['’]t|has|hasn['’]t|would|wouldn['’]t|could|couldn['’]t|is|isn['’]t|are|aren['’]t)"
    r"\s+(?:not\s+)?(?P<np>(?:[\w@'’\-]+\s+){1,4}?)(?P<verb>[a-z][\w\-]*)",
    re.I,
)
_WHO = re.compile(
    r"(?:^|[.!?:]\s+)(?P<q>who\s+(?:broke|caused|deleted|pushed|approved|forgot|missed|messed\s+up|"
    r"screwed\s+up|was\s+responsible|is\s+responsible|is\s+to\s+blame|was\s+to\s+blame)\b[^?]*\?)",
    re.I | re.M,
)


# "... why didn't you?": the question ends at the person.
_WHY_ELLIPTICAL = re.compile(
    r"\bwhy\s+(?:didn['’]t|did\s+not|wasn['’]t|weren['’]t|hadn['’]t|haven['’]t|hasn['’]t|"
    r"couldn['’]t|wouldn['’]t|did|would)\s+(?:you|he|she|they|we|i|(?:the\s+)?[\w@\-]+)\s*\?",
    re.I,
)


# "Why did we choose / decide / switch ...?" explains a decision (a blog's section heading).
_DECISION_VERBS = _LANG.words("decision_verbs")


def _bl106(ctx: _Context) -> Iterator[BlameHit]:
    text = ctx.text
    if "why" not in ctx.words and "who" not in ctx.words:
        return
    for m in _WHY.finditer(text):
        cls, _, head_end = ctx.np_after(m.start("np"))
        if cls != PERSON:
            continue
        # The verb is the first word after the subject ("why did the developer forget ...").
        vm = re.compile(r"\s*(?:not\s+)?([A-Za-z][\w\-]*)").match(text, head_end)
        verb_start = vm.start(1) if vm else m.start("verb")
        _, e = ctx.sentence(m.start())
        q = text[m.start() : e]
        end = m.start() + (q.find("?") + 1 if "?" in q else len(q))
        words = _rest_of_clause(text, verb_start, 14).split()
        if words and words[0].lower() == "not":
            words = words[1:]
        verb = words[0].lower() if words else ""
        asked = text[m.start() : vm.end() if vm else m.end()]
        if verb in _DECISION_VERBS and not re.search(r"\bnot\b|n['’]t\b", asked):
            continue  # "Why did we choose Postgres?": a decision explained, not a culprit
        easy = verb in ("forget", "miss", "ignore", "overlook", "fail", "skip", "neglect")
        if verb.endswith("ing"):
            ask = f"What led to {' '.join(words)}?"  # "why was the DBA running migrations"
        elif words:
            if verb.endswith("ed"):
                words = [_base_form(verb), *words[1:]]  # "why hadn't the team tested"
            ask = f"What made it {'easy' if easy else 'hard'} to {' '.join(words)}?"
        else:
            ask = "What made this hard to see?"
        yield BlameHit(
            "BL106",
            m.start(),
            end,
            "'Why did <person> ...' asks a person to justify themselves.",
            f"Ask about conditions instead: '{ask.replace(' ?', '?')}' or 'How did the process "
            "allow this?'",
        )
    for m in _WHY_ELLIPTICAL.finditer(text):
        last = re.search(r"([\w@\-]+)\s*\?$", m.group()).group(1)
        if ctx.classify(last, None, False) != PERSON:
            continue  # "why didn't it?"
        yield BlameHit(
            "BL106",
            m.start(),
            m.end(),
            "'Why didn't <person>?' asks a person to justify themselves.",
            "Ask about conditions instead: 'What made this step easy to skip?' or 'How did "
            "the process allow this?'",
        )
    for m in _WHO.finditer(text):
        yield BlameHit(
            "BL106",
            m.start("q"),
            m.end("q"),
            "'Who ...?' looks for a culprit.",
            "Ask what happened and how the system allowed it: 'What change led to this, and "
            "how did it pass review?'",
        )


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
    return BlameHit(
        hit.code,
        hit.start,
        hit.end,
        " ".join(hit.message.split()),
        " ".join(hit.suggestion.split()),
        hit.pattern,
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
    if _ALL_KEYS.isdisjoint(words):
        return []
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
_ALL_KEYS = frozenset().union(
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
    _LANG.keys,
)
