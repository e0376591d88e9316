"""BL101: a person as the agent of a failure ("the on-call engineer failed to ...", "Alice
broke ...", "X's fault", "blame", "nobody noticed", "by mistake"), with tailored
rewrites. Part of the engine; the language knowledge is in data/blame/<lang>/*.yml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from postmortem.language.clauses import (
    _AFFECTED,
    _AUX,
    _DUTY_VERBS,
    _FIRST_PERSON,
    _HUMAN_DUTIES,
    _IMPACT_VERBS,
    _LANG,
    _NEGATION_WORD,
    _PARTICLES,
    _PAST_TO_PP,
    _STAMP_ONLY,
    _WORD_AT,
    NONE,
    PERSON,
    THING,
    _be,
    _cap,
    _Context,
    _name_like,
    _negated_before,
    _participle,
    _passive_rewrite,
    _rest_of_clause,
    _speaker_at,
    _split_object,
    _word_before,
)
from postmortem.language.findings import BlameHit
from postmortem.language.gates import _Gate, _kw

# --------------------------------------------------------------------------- BL101

# Longest first, ties alphabetical: the same regex text in every process (recache.py).
_DUTY_ALT = "|".join(
    sorted(
        {v for v in _DUTY_VERBS} | {_participle(v) for v in _DUTY_VERBS}, key=lambda v: (-len(v), v)
    )
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
    # advice and hand-offs: "the support rep gave the customer the wrong command"
    "gave|sent|told|provided|shared|suggested|recommended|pasted|linked|attached|"
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
                for noun in "mistake mistakes error errors blunder blunders slip typo typos "
                "oversight oversights".split()
            ),
            r"\b(?:made|did)\s+(?:a|an|the|this|that|one|several|some|multiple|two|a\s+few)?\s*"
            r"(?:[\w\-]+\s+)?(?:mistakes?|errors?|blunders?|slip-ups?|typos?|oversights?)\b"
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
    "consider considered notice noticed double-check double-checked read follow look "
    # telling the people a change affects: "we did not communicate the migration to the DBAs"
    "communicate communicated inform informed notify notified escalate escalated coordinate "
    "coordinated warn warned".split()
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
# "missed at least several hours of ...", "missed 40 blocks": an amount that was lost (impact)
# unless what was missed is a duty ("missed two alerts").
_MISSED_AMOUNT = re.compile(
    r"(?:\s+(?:at\s+least|about|around|roughly|nearly|almost|over|more\s+than|up\s+to|\d[\d,.]*|"
    r"several|many|a\s+few|a\s+couple\s+of|dozens\s+of|hundreds\s+of|thousands\s+of|"
    r"(?:one|two|three|four|five|six|ten|twenty)))+\b",
    re.I,
)
# "we missed the certificates for the secondary machines this time": against what is usually
# done, whatever was missed was a step.
_THIS_TIME = re.compile(r"[^.;:!?]{0,60}?\bthis\s+time\b", re.I)
_HYPOTHETICAL_MODAL = re.compile(r"\b(?:might|may|could|would)\b", re.I)
# Kinds whose verb is human enough that an unknown capitalised subject is taken as a name.
_NAME_LIKE_KINDS = frozenset({"forgot", "neglect", "missed", "overlooked", "mistake", "failed"})


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
# A participle of making or reporting earlier in the clause takes the "by" phrase as its
# agent ("alerts added for the pgbouncer errors by @kim", "a fix written for parse errors by").
# "Fix typo by @kim", "fixed several typos by Ana": who fixed them, as change logs credit.
_CREDIT_BEFORE = re.compile(
    r"\b(?:added|created|filed|opened|reported|fixed|raised|written|submitted|contributed|"
    r"proposed|implemented|authored|documented|set\s+up)\s+(?:for|to|about|on|against)\b"
    r"[^.;:!?]{0,60}$"
    r"|\b(?:fix|fixed|fixes|fixing|correct|corrected|corrects)\s+(?:a\s+|the\s+|some\s+|"
    r"several\s+|two\s+|many\s+)?(?:[\w\-]+\s+)?$",
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
    r"followed\s+up|bothered|took\s+over|stepped\s+in|picked\s+(?:it|this|that)\s+up|escalated)\b"
    r"(?!\s+(?:any|anything|a\s+thing|a\s+difference|the\s+difference)\b)",
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


# Key word -> indices of the agentive patterns it can open: one set intersection per block
# picks the few gates worth testing (the same gates, in the same order, so the same findings).
_AGENT_BY_KEY: dict[str, list[tuple[int, tuple[frozenset[str], ...]]]] = {}
for _index, (_kind, _gate, _rx) in enumerate(_AGENT_PATTERNS):
    for _key in _gate.keys:
        _AGENT_BY_KEY.setdefault(_key, []).append((_index, _gate.together[_key]))
_AGENT_KEYS = frozenset(_AGENT_BY_KEY)


def _bl101(ctx: _Context) -> Iterator[BlameHit]:
    text = ctx.text
    words = ctx.words
    chosen = {
        i
        for w in _AGENT_KEYS.intersection(words)
        for i, partners in _AGENT_BY_KEY[w]
        if any(rest <= words for rest in partners)
    }
    for kind, _gate, rx in (_AGENT_PATTERNS[i] for i in sorted(chosen)):
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
                ss, _ = ctx.sentence(m.start())
                if _CREDIT_BEFORE.search(text, max(ss, m.start() - 80), m.start()):
                    continue  # "Alerts added for pgbouncer errors by @kim": who added them
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
        ss, se = ctx.sentence(m.start())
        if _JUSTIFIED.search(text, ss, se):
            continue  # "nobody took over the old domain; we let it lapse on purpose"
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
        if _speaker_at(text, off) and "accident" in m.group().lower():
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


# A subject inside a general condition ("if you ...", "when users forget ...").
_GENERIC_CONDITION = re.compile(
    r"\b(?:if|when|whenever|unless|in\s+case|that|what|which)\s+(?:the\s+|a\s+)?[\w@\-]+\W*$",
    re.I,
)
_GENERIC_PEOPLE = frozenset({"you", "user", "users"})
_PRESENT_TENSE = re.compile(r"\w+s\b|forget\b|neglect\b|fail\b|miss\b|ignore\b", re.I)


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
    if subject_word and _GENERIC_CONDITION.search(text, max(ss, subj - 24), subj + 1):
        word = subject_word.group().lower()
        if word in _GENERIC_PEOPLE or (word in _AFFECTED and _PRESENT_TENSE.match(text, m.start())):
            # "if you forget to disable it", "bugs that you didn't think of", "in case the
            # user forgets to put one in": a general condition or advice, not an account of
            # what someone did
            return None
    if kind == "failed" and (m.group("fverb") or "").lower() in _OUTCOME_VERBS:
        return None  # "we failed to find a better option": a search that came up empty
    if (
        kind == "failed"
        and m.group()[:5].lower() == "fails"
        and subject_word
        and subject_word.group()[:1].isupper()
        and subject_word.group().lower() not in ctx.people
        and (m.group("fverb") or "").lower() not in _HUMAN_DUTIES
    ):
        # "Symptom: Hermes fails to relay": a capitalised name before a present-tense
        # "fails to" and a verb no duty asks of people is a product's standing behaviour
        # (products are often named like people); a person's lapse is told in the past
        return None
    if kind == "missed" and _MISSED_AMOUNT.match(text, m.end()):
        after = _MISSED_AMOUNT.match(text, m.end()).end()
        if not _MISSED_DUTY.match(text, after):
            return None  # "we missed several hours worth of blocks": an amount lost, impact
    if kind == "missed" and _MISSED_PEOPLE.match(text, m.end()):
        return None  # "we missed you all while the site was down"
    if (
        kind == "missed"
        and m.group().lower().startswith("miss")
        and _MISSED_OBJECT.match(text, m.end())
        and not _MISSED_DUTY.match(text, m.end())
        and not _THIS_TIME.match(text, m.end())
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
    subjectless = cls == NONE
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
    hit = _agent_hit(ctx, m, kind, subj)
    if subjectless and hit.code == "BL101":
        # "Forgot to bump the version", "Missed the disk alert": a bullet, cell or change-log
        # line in the writer's voice singles no one out; a lapse (a warning), as "we forgot"
        # is. On the neutral probe these were most of BL101's hits.
        return BlameHit("BL108", hit.start, hit.end, hit.message, hit.suggestion, hit.pattern)
    return hit


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
