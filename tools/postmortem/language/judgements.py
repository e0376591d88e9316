"""BL102 "human error" named as a cause, BL104 judgements of character or state
("careless", "dropped the ball", "wrongly assumed") and BL106 why-questions about a
person. Part of the engine; the language knowledge is in data/blame/<lang>/*.yml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from postmortem.language.clauses import (
    _CLAUSE_BREAK,
    _LANG,
    PERSON,
    THING,
    _base_form,
    _cap,
    _Context,
    _negated_before,
    _rest_of_clause,
)
from postmortem.language.findings import BlameHit
from postmortem.language.gates import _Gate, _kw
from postmortem.language.hindsight import _judgement

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


# --------------------------------------------------------------------------- BL104

# What people do, so "a stupid mistake" or "sloppy code review" judges a person's act.
_HUMAN_ACT = re.compile(
    r"\b(?:mistakes?|typos?|errors?|oversights?|decisions?|choices?|moves?|calls?|reviews?|"
    r"merges?|commits?|changes?|deploy(?:s|ment)?|handling|work|judge?ment|ideas?|plans?|"
    r"rollouts?|releases?|rollbacks?|handovers?|responses?|testing|investigations?|planning|"
    r"preparation|communications?|fix|fixes|patch|patches|edits?|engineering|coding|"
    r"approv(?:e|es|ed|ing|als?)|pushing|merging|pull\s+requests?|on\s+the\s+part\s+of|"
    r"habits?|practices?|behaviou?rs?|conduct|attitudes?|actions?)\b",
    re.I,
)

_JUDGEMENT_KEYS = _kw(
    """careless carelessly carelessness sloppy sloppily sloppiness lazy laziness lazily negligent
    negligently negligence incompetent incompetently incompetence stupid stupidly stupidity dumb
    idiot idiots idiotic moron morons moronic imbecile imbeciles clown clowns buffoon buffoons
    foolish foolishly foolishness reckless recklessly recklessness
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
    | laziness
    | negligen(?:t|tly|ce) | incompeten(?:t|tly|ce) | stupid(?:ly|ity)? | dumb(?![\s\-](?:terminal|pipe))
    | idiot(?:s|ic)?(?![\s\-]proof) | moron(?:s|ic)? | imbeciles? | buffoons? | clowns(?!\s+(?:fish|car))
    | foolish(?:ly|ness)? | reckless(?:ly|ness)? | irresponsib(?:le|ly|ility)
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
    | (?:bad|poor|terrible|questionable)\s+call\s+(?:by\b|to\s+(?:not\s+)?(?:restart|deploy|roll|ship|
        merge|skip|go|wait|proceed|delay|push|release|keep|leave|turn|disable|enable|ignore|page|
        escalate|run|make|do|launch|cut|drop|delete|remove|let|stop|start|switch|rely|trust|use|
        upgrade|migrate|postpone|continue)\b)
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


# Single judgement words: they judge people only when a person or a person's act (a
# mistake, a decision, a review) is in the sentence; of a thing they describe its behaviour.
# Measured on the neutral probe (benchmarks/blame_neutral.py).
_NEEDS_PERSON = frozenset(
    """lazy lazily dumb stupid stupidly stupidity idiot idiots idiotic moron morons moronic
    imbecile imbeciles buffoon buffoons clowns foolish foolishly
    careless carelessly sloppy sloppily negligent negligently incompetent incompetently
    reckless recklessly irresponsible irresponsibly inattentive cowboy unprofessional
    unprofessionally clueless oblivious obliviously knowingly amateur amateurish""".split()
)
# The nouns of character ("laziness", "negligence", "sloppiness") judge people on their own.
# Plural insults for people, after a word that points at people ("those idiots", "what
# morons", "a bunch of clowns"), are people themselves; elsewhere they need a person like the
# adjectives ("an idiot light", "the clowns in the demo app").
_INSULTS = frozenset("idiots morons imbeciles buffoons clowns".split())
_INSULT_BEFORE = re.compile(
    r"\b(?:those|these|what|such|bunch\s+of|total|complete|absolute|utter|you|are|were)\s+$",
    re.I,
)


_FUNCTION_WORDS = (
    _LANG.words("determiners")
    | _LANG.words("prepositions")
    | _LANG.words("auxiliaries")
    | _LANG.words("person_pronouns")
    | _LANG.words("first_person")
    | frozenset("and or but so than then as when while if because that which to not enough".split())
)
_PERSON_HEADS = _LANG.words("roles") | _LANG.words("affected_people")
# The word after an adjective (skipping up to two modifiers): its head noun, if it has one.
_NEXT_WORDS = re.compile(
    r"[ \t]+([A-Za-z][\w\-']*)(?:[ \t]+([A-Za-z][\w\-']*))?(?:[ \t]+([A-Za-z][\w\-']*))?"
)


# "the contractor's sloppy script", "Grigor's careless rollout", "their sloppy script": a
# person's possession is their work, whatever its noun.
_POSSESSOR = re.compile(r"(@?[A-Za-z][\w\-]*)['’]s\s+$|\b(his|her|their)\s+$", re.I)


def _person_possessor(ctx: _Context, start: int) -> bool:
    m = _POSSESSOR.search(ctx.text, max(0, start - 40), start)
    if not m:
        return False
    return bool(m.group(2)) or ctx.classify(m.group(1), None, False) == PERSON


# "when I'm lazy", "was too sloppy": the adjective is predicative, what follows is not its noun.
_COPULA_BEFORE = re.compile(
    r"(?:\b(?:is|are|am|was|were|be|been|being|get|gets|got|feel|felt|seem|seems|seemed|too|so|"
    r"very|quite|really|pretty|rather|just|plain)|['’](?:m|re|s))\s+[A-Za-z]+$",
    re.I,
)


# "Leaving the endpoint open was negligent": an act (a gerund) as the subject.
_GERUND_OPENING = re.compile(
    r"[\W_]*(?!(?:nothing|something|anything|everything|morning|evening|string|setting|building|ceiling|logging|monitoring|alerting|meeting|king|ring|thing|spring)\b)[A-Za-z]+ing\b",
    re.I,
)


def _attributive_head(text: str, end: int) -> str | None:
    """The head noun an adjective modifies, read head-final up to the next function word or
    punctuation ("careless [deploy]", "stupid gcov-breaking [bug]", "dumb user
    [configuration]"), or None when the adjective is predicative or an adverb ("was sloppy.",
    "sloppy about ...", "recklessly")."""
    if text[end - 2 : end].lower() == "ly" or _COPULA_BEFORE.search(text, max(0, end - 40), end):
        return None
    if text[end : end + 1] == "-" and text[end + 1 : end + 2].isalpha():
        compound = re.match(r"-([A-Za-z][\w\-]*)", text[end : end + 40])
        return compound.group(1).split("-")[-1] if compound else None  # "lazy-addition"
    m = _NEXT_WORDS.match(text, end)
    if not m or m.group(1).lower() in _FUNCTION_WORDS:
        return None
    run = [m.group(1)]
    for w in m.groups()[1:]:
        if not w or w.lower() in _FUNCTION_WORDS:
            break
        run.append(w)
    for w in run:  # "a careless deploy broke it": the first person or act word decides
        if w.lower() in _PERSON_HEADS or _HUMAN_ACT.fullmatch(w):
            return w
    return run[-1]


def _bl104(ctx: _Context) -> Iterator[BlameHit]:
    text = ctx.text
    for m in _JUDGEMENT.finditer(text) if _JUDGEMENT_GATE.opens(ctx.words) else ():
        phrase = m.group()
        low = phrase.lower()
        if re.search(
            r"\b(?:not|never|n['’]t)\s+(?:\w+\s+)?$", text[max(0, m.start() - 16) : m.start()]
        ) and (not low.startswith(("not", "no ", "nothing", "despite", "didn", "did "))):
            continue  # "not careless", "never sloppy"
        if m.start() > 0 and text[m.start() - 1] == "=":
            continue  # "TERM=dumb": a value
        if "bother" in low and ctx.subject(m.start())[0] == THING:
            continue  # "the Fedora patches didn't bother to check": what code does
        if phrase.isupper() and len(phrase) > 4:
            continue  # "(INCLUDING NEGLIGENCE OR OTHERWISE)": a licence's shouted boilerplate
        if low.startswith("despite"):
            ss, se = ctx.sentence(m.start())
            if not ctx.person_in(ss, se):
                continue  # "despite the warnings in the changelog, the upgrade went smoothly"
        if low in _INSULTS and _INSULT_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            # "those idiots in support", "what morons": a word for people by itself
            yield _judgement(m.start(), m.end(), phrase)
            continue
        if low.split(None, 1)[0] in _NEEDS_PERSON:
            head = _attributive_head(text, m.end())
            if head is not None:
                # "a careless deploy", "a lazy engineer": the noun decides; "stupid bug",
                # "sloppy locking", "lazy umount", "careless URI construction": a thing.
                if (
                    head.lower() not in _PERSON_HEADS
                    and not _HUMAN_ACT.fullmatch(head)
                    and not _person_possessor(ctx, m.start())
                ):
                    continue
                yield _judgement(m.start(), m.end(), phrase)
                continue
            ss, se = ctx.sentence(m.start())
            if _person_possessor(ctx, m.start()):
                yield _judgement(m.start(), m.end(), phrase)  # "the contractor's sloppy ..."
                continue
            if not ctx.person_in(ss, se) and not (
                not low.startswith(("lazy", "lazily"))
                and (_HUMAN_ACT.search(text, ss, se) or _GERUND_OPENING.match(text, ss))
            ):
                # "lazy loading", "TERM=dumb", "this stupid disk", "sloppy locking", "careless
                # URI construction", "(INCLUDING NEGLIGENCE ...)": things, not people
                continue
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


# A why-question in the present tense put to "you" is dialogue or a FAQ, not a review of
# what someone did ("Why are you filling our queues?", "Why do you need a token?").
_PRESENT_TO_YOU = re.compile(
    r"why\s+(?:are|is|do|does|aren['’]t|don['’]t|doesn['’]t)\s+(?:not\s+)?you\b", re.I
)

# "... why didn't you?": the question ends at the person.
_WHY_ELLIPTICAL = re.compile(
    r"\bwhy\s+(?:didn['’]t|did\s+not|wasn['’]t|weren['’]t|hadn['’]t|haven['’]t|hasn['’]t|"
    r"couldn['’]t|wouldn['’]t|did|would)\s+(?:you|he|she|they|we|i|(?:the\s+)?[\w@\-]+)\s*\?",
    re.I,
)


# "Why did we choose / decide / switch ...?" explains a decision (a blog's section heading).
_DECISION_VERBS = _LANG.words("decision_verbs")
# A why-question the team asks of itself about what it knew is about how information reached
# it (a good blameless question), not about a culprit.
_KNOWING = frozenset({"know", "hear", "learn", "realise", "realize", "find"})
_FIRST_PERSON_NP = re.compile(r"\s*(?:I|we|us)\b", re.I)


def _bl106(ctx: _Context) -> Iterator[BlameHit]:
    text = ctx.text
    if "why" not in ctx.words and "who" not in ctx.words:
        return
    for m in _WHY.finditer(text):
        cls, _, head_end = ctx.np_after(m.start("np"))
        if cls != PERSON:
            continue
        if _PRESENT_TO_YOU.match(text, m.start()):
            continue  # "Why are you filling our queues?", "Why do you need X?": dialogue
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
        if verb in _KNOWING and _FIRST_PERSON_NP.match(text, m.start("np")):
            continue  # "Why didn't we know about this sooner?": asks how news reached us
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
