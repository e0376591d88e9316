"""BL103 counterfactuals about people ("X should have checked", "if only X had", "had X
been ...") and BL105 hindsight minimizers ("obviously", "should have known", "just" and
"simply" in blame context). Part of the engine; the language knowledge is in
data/blame/<lang>/*.yml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from postmortem.language.agents import _CATEGORISING
from postmortem.language.clauses import (
    _ATTENTION_PP,
    _CLAUSE_BREAK,
    _DETERMINERS,
    _LANG,
    _PARTICLES,
    _RELATIVE_SPLIT,
    _TOKEN,
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
    _passive_rewrite,
    _rest_of_clause,
    _speaker_at,
    _word_and_prev,
)
from postmortem.language.findings import BlameHit
from postmortem.language.gates import _Gate, _kw

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
    word, _, prev = head
    return ctx.classify(word, prev, False)


# "Should have <these>" states what was expected to happen, not what someone should have done.
_EXPECTED_OUTCOMES = _LANG.words("expected_outcomes")


# "<plural thing> that/which should have been <done>": the antecedent's expected state.
_THING_RELATIVE = re.compile(
    r"\b(?:the|some|all|any|these|those|its|their)\s+(?:[\w\-]+\s+)?[\w\-]+\s+"
    r"(?:that|which)\s+$",
    re.I,
)
# What people are asked to do: "the changes that should have been reviewed" stays a lapse.
_PEOPLES_TASKS = _LANG.words("duty_verbs") | _LANG.words("human_duty_verbs") | {"catch"}
_OVERSIGHT_VERBS = _LANG.words("oversight_verbs")


# "should have been started sooner": when something was done is people's timing, whatever
# the participle.
# A bare "earlier" is often a place in a sequence ("statuses that should've been removed
# earlier are still present"), so it needs a degree word.
_TIMING = re.compile(
    r"\s+(?:(?:much\s+|far\s+|a\s+lot\s+|way\s+|a\s+bit\s+|a\s+little\s+)?"
    r"(?:sooner|faster|quicker|more\s+quickly)|(?:much|far|a\s+lot|way)\s+earlier)\b",
    re.I,
)


# "just needs to", "simply have to": an instruction or a design in the present tense.
_INSTRUCTION = re.compile(r"\w+\s+(?:needs?|have|has)\s+to\b")


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
            timing = bool(_TIMING.match(text, m.end()))  # "should have been started sooner"
            if (
                _THING_RELATIVE.search(text, max(0, m.start() - 40), m.start())
                and _base_form(vlow) not in _PEOPLES_TASKS
                and not timing
            ):
                continue  # "the pods that should have been evicted": what the system should do
            if (
                _base_form(vlow) not in _PEOPLES_TASKS
                and _base_form(vlow) not in _OVERSIGHT_VERBS
                and ctx.subject(m.start())[0] != PERSON
                and not timing
            ):
                continue  # "1.4.1 should have been called 1.4.2": what a thing was meant to be
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
    r"\b(?:should|could)(?:\s+not|n['’]t)?\s+(?:(?P<a2>just|simply)\s+(?P<have2>have)\b|"
    r"(?P<have>have\s+)?(?P<a>just|simply)\b)"
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
# People as words of their own, not possessives ("our servers"): pronouns and roles.
_PERSON_WORDS = (_LANG.words("person_pronouns") | _LANG.words("roles")) - _LANG.words(
    "first_person"
) | {"we", "i", "us"}
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
            if m.group("only").lower() == "only" or cls != PERSON or _speaker_at(text, off):
                continue  # "users only had to fetch the index": a design, not a minimizer
        if m.group("word"):
            s, e = ctx.sentence(m.start())
            sentence = text[s:e]
            if not _BLAME_CONTEXT.search(sentence) or _negated_before(text, m.start()):
                continue  # "very obviously crafted for malicious purposes" judges no one
            if not ctx.person_in(s, e) and not _HUMAN_FAULT.search(sentence):
                continue  # "the flag was clearly wrong": a verdict on code, not on people
            if (
                ctx.subject(m.start())[0] == THING
                and not _HUMAN_FAULT.search(sentence)
                and _PERSON_WORDS.isdisjoint(w.lower() for w in _TOKEN.findall(sentence))
            ):
                continue  # "the roll-out obviously had failed ... on our servers": a thing
        yield _hindsight(m.start(), m.end(), m.group())
    for m in _JUST.finditer(text):
        if m.group("a") and not m.group("have"):
            continue  # "you could simply use the CLI": advice in the present, not hindsight
        group = "a" if m.group("a") else "a2" if m.group("a2") else "b"
        word = m.group(group)
        start = m.start(group)
        cls, off = ctx.subject(m.start())
        if cls == THING:
            continue  # "the checklist simply did not include the step" minimizes no one
        if (m.group("b") or not (m.group("have") or m.group("have2"))) and _speaker_at(text, off):
            continue  # "we would just have to restart": the team's plan, no one minimized
        if _INSTRUCTION.match(text, start):
            # "you just have to turn them on", "the programmer just needs to call X", "the user
            # will simply have to uncomment them": an instruction or a design, in the present
            # tense; "the on-call just had to restart it" (a past account) stays
            continue
        yield BlameHit(
            "BL105",
            start,
            start + len(word),
            f"'{word}' minimizes the difficulty of what people faced at the time.",
            f"Drop '{word}' and describe what made the action hard or easy to miss then.",
        )
