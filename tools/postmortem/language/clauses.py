"""Who is the agent of a verb, and how to say the same thing without them.

The clause analysis of the blameless-wording checker: which words are people (the word classes
of `data/blame/<lang>/words.yml`, the document's own people, names by their place in the
sentence), the subject of a verb, the noun phrase after a preposition, and the helpers that
build neutral rewrites ("the alert was not noticed"). The rules in `blame.py` and the data
patterns in `patterns.py` ask it questions; it knows no rule.
"""

from __future__ import annotations

import re
from functools import lru_cache

from postmortem.language.lexicon import load_language
from postmortem.language.sentences import SentenceIndex

# --------------------------------------------------------------------------- lexicon

# The word classes live in data (postmortem/data/blame/en/words.yml); the engine reads them
# by name.
_LANG = load_language()
GIVEN_NAMES = _LANG.words("given_names")
AMBIGUOUS_NAMES = _LANG.words("ambiguous_names")
# Given names from a name library (names.txt, about 20,000): a person only when capitalised.
LIBRARY_NAMES = _LANG.words("person_names")
_FIRST_PERSON = _LANG.words("first_person")
_HUMAN_DUTIES = _LANG.words("human_duty_verbs")
_TECH_WORDS = _LANG.words("tech_words")
_AFFECTED = _LANG.words("affected_people")
_IMPACT_VERBS = _LANG.words("impact_verbs")

PERSON = "person"
THING = "thing"
UNKNOWN = "unknown"  # a capitalised word that may be a person or a product
NONE = "none"  # no subject at all (a fragment such as "Forgot to update the runbook.")

_PERSON_PRONOUNS = _LANG.words("person_pronouns") | {"no one"}
_THING_PRONOUNS = _LANG.words("thing_pronouns")

_ROLES = _LANG.words("roles") | _LANG.words("affected_people")

_SOFTWARE_ROLES = _LANG.words("software_roles")
_HUMAN_MODIFIERS = _LANG.words("human_modifiers")
_DETERMINERS = _LANG.words("determiners")
_PREPOSITIONS = _LANG.words("prepositions")
_RELATIVES = frozenset("who whom whose which that".split())
_AUX = _LANG.words("auxiliaries")
# Words that may stand between a subject and its verb ("we then also failed to").
_SKIP_BEFORE_VERB = _AUX | _LANG.words("skip_before_verb")
_ING_NOUNS = _LANG.words("ing_nouns")
# Role words that also serve as modifiers ("on-call rotation", "developer tools").
_MODIFIER_ROLES = _LANG.words("modifier_roles")
_MODIFIED_BY_ROLE = _LANG.words("modified_by_role")
_ED_NOUNS = _LANG.words("ed_nouns")

_IRREGULAR_PP = _LANG.participles
_PARTICIPLES = frozenset(_IRREGULAR_PP.values()) | _LANG.other_participles

# Verbs whose omission a blameless review rewrites ("we did not check ...").
_DUTY_VERBS = sorted(_LANG.words("duty_verbs"))

# Verbs of attention and prevention: the ones that make "could have <verb>" about a person
# a counterfactual judgement rather than a statement of capability.
_ATTENTION_PP = _LANG.words("attention_participles")


def _participle(verb: str) -> str:
    """Past participle of an English verb, good enough for rewrite suggestions."""
    low = verb.lower()
    if low in _IRREGULAR_PP:
        return _IRREGULAR_PP[low]
    if low.endswith("e"):
        return low + "d"
    if len(low) > 2 and low.endswith("y") and low[-2] not in "aeiou":
        return low[:-1] + "ied"
    return low + "ed"


def _is_participle(word: str) -> bool:
    low = word.lower()
    if low in _PARTICIPLES:
        return True
    return len(low) > 3 and low.endswith("ed") and low not in _ED_NOUNS


# --------------------------------------------------------------------------- people

_WORD = re.compile(r"[a-z]+")
_WINDOW = 400  # characters of context a rule looks at on either side of a match
# "i.e." and "e.g." are one token (their "i" is no pronoun); a command-line flag ("-I",
# "--forget") is no word.
_TOKEN = re.compile(r"@[\w\-]+|[A-Za-z]\.(?:[A-Za-z]\.)+|(?<![\w\-])[^\W\d_][\w'’\-]*|\d[\w:.\-]*")
_CLAUSE_BREAK = re.compile(
    r"[,;:()\[\]—–|]|\s-+\s|\.\.\.|…|\b(?:and|but|so|because|when|whenever|while|after|before|"
    r"since|then|as|until|although|though|where|if|once|or|whereas|however|therefore|thus|"
    r"meaning|whilst|unless|despite|why|how|what|whether|yet)\b",
    re.I,
)
_PLURAL_THING_BEFORE = re.compile(
    r"\b(?:the|these|those|all|both|some|many|most|our|its|their)\s+(?:[\w\-]+\s+)?([\w\-]+s)\b",
    re.I,
)


@lru_cache(maxsize=256)
def _normalise_people(people: frozenset[str]) -> frozenset[str]:
    """Lower-case names and handles, plus their parts that are clearly names.

    "Alice Chen" also yields "alice" and "chen" (a full name's parts are names); a handle such
    as "kenji-watanabe" yields "kenji" only because it is a known given name, so that a handle
    like "test-infra-oncall" does not turn the word "test" into a person.
    """
    out: set[str] = set()
    for raw in people:
        name = raw.strip().lstrip("@").strip()
        if not name:
            continue
        low = name.lower()
        out.add(low)
        if " " in name:
            out.update(p.lower() for p in name.split() if len(p) > 1 and p[0].isupper())
        for part in re.split(r"[-_.]", low):
            if part in GIVEN_NAMES:
                out.add(part)
    return frozenset(out)


_CONTRACTION = re.compile(r"['’](?:m|re|ve|ll|d)$", re.I)


class _Context:
    """One prose block under analysis: text, known people, lazily split sentences."""

    __slots__ = ("text", "people", "words", "_index")

    def __init__(
        self, text: str, people: frozenset[str], words: frozenset[str] = frozenset()
    ) -> None:
        self.text = text
        self.people = people
        self.words = words or frozenset(_WORD.findall(text.lower()))
        self._index: SentenceIndex | None = None

    def sentence(self, pos: int) -> tuple[int, int]:
        """The sentence around ``pos``, clipped to a window so that one giant unpunctuated
        block (a pasted log) cannot make every match rescan it: analysis stays linear."""
        if self._index is None:
            self._index = SentenceIndex(self.text)
        s, e = self._index.around(pos)
        return max(s, pos - _WINDOW), min(e, pos + _WINDOW)

    def classify(self, tok: str, prev: str | None, initial: bool) -> str:
        """PERSON, THING or UNKNOWN for one word that heads a noun phrase."""
        low = tok.lower()
        if low.endswith(("'s", "’s")):
            return THING  # possessive: the head noun follows
        if low in _PERSON_PRONOUNS:
            if tok == "US":
                return THING  # the country, not the pronoun
            return PERSON
        if low in _THING_PRONOUNS:
            return THING
        if tok.startswith("@") or low in self.people:
            return PERSON
        if low in _ROLES:
            if (
                low in _SOFTWARE_ROLES
                and prev
                and prev.lower() not in _DETERMINERS
                and prev.lower() not in _HUMAN_MODIFIERS
            ):
                return THING  # "the Prometheus operator", "the lock manager" are software
            return PERSON
        if low in GIVEN_NAMES:
            if low not in AMBIGUOUS_NAMES or (tok[0].isupper() and not initial):
                return PERSON
            return UNKNOWN
        if tok[0].isupper() and low in LIBRARY_NAMES and not tok.isupper():
            return PERSON
        if tok[0].isupper() and not initial and not tok.isupper() and not _CAMEL_CASE.search(tok):
            return UNKNOWN
        return THING

    def np_head(self, toks: list[tuple[str, int]]) -> tuple[str, int, str | None] | None:
        """Head word of the noun phrase that starts ``toks``: (word, offset, previous word).

        A person word inside the phrase wins ("the developer forget", "the on-call engineer")
        unless it only modifies a thing ("the on-call rotation", "developer tools").
        """
        i = 0
        n = len(toks)
        while i < n and (
            toks[i][0].lower() in _DETERMINERS
            or toks[i][0].lower() in ("and", "but", "so", "then", "also", "unfortunately")
            or (toks[i][0].lower().endswith("ly") and len(toks[i][0]) > 4)
        ):
            i += 1
        collected: list[tuple[str, int, str | None]] = []
        prev: str | None = toks[i - 1][0] if i > 0 else None
        for word, off in toks[i : i + 6]:
            low = word.lower()
            if low in _PREPOSITIONS or low in _RELATIVES or low in _AUX:
                break
            if collected and low in _DETERMINERS:
                break
            if len(low) > 4 and low.endswith("ing") and low not in _ING_NOUNS:
                break
            if len(low) > 3 and low.endswith("ed") and low not in _ED_NOUNS:
                break
            collected.append((word, off, prev))
            prev = word
        if not collected:
            return None
        for k, (word, off, p) in enumerate(collected):
            if self.classify(word, p, False) != PERSON:
                continue
            nxt = collected[k + 1][0].lower() if k + 1 < len(collected) else ""
            if (nxt in _MODIFIED_BY_ROLE and word.lower() in _MODIFIER_ROLES) or (
                nxt and self.classify(nxt, word, False) == PERSON
            ):
                continue
            return (word, off, p)
        return collected[-1]

    def subject(self, pos: int) -> tuple[str, int]:
        """Who is the agent of the verb starting at ``pos``? (class, offset of the subject)."""
        s, _ = self.sentence(pos)
        if pos < s:
            s = pos
        prefix = self.text[s:pos]
        clause_start = 0
        conjunction = False
        for m in _CLAUSE_BREAK.finditer(prefix):
            clause_start = m.end()
            conjunction = m.group().lower() in ("and", "but", "then", "or", "so", "yet")
        toks = _drop_stamps(
            [(m.group(), s + m.start()) for m in _TOKEN.finditer(prefix, clause_start)]
        )
        while toks and (
            toks[-1][0].lower() in _SKIP_BEFORE_VERB
            or (toks[-1][0].lower().endswith("ly") and len(toks[-1][0]) > 4)
        ):
            toks.pop()
        if not toks:
            if clause_start == 0 or not conjunction:
                return NONE, pos
            # Elided subject ("An operator used a tool ... but forgot to"): the subject of the
            # clause before the conjunction, or, when that clause has none (it is
            # subordinate: "After the deploy finished, the engineer kept ... and failed"),
            # of the sentence.
            breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(prefix)]
            ends = [0] + [e for _, e in breaks]
            for (b, _), a in zip(reversed(breaks), reversed(ends[:-1]), strict=True):
                seg = _drop_stamps(
                    [(m.group(), s + m.start()) for m in _TOKEN.finditer(prefix, a, b)]
                )
                if len(seg) < 2 or seg[0][0].lower() in _SUBORDINATORS:
                    continue
                head = self.np_head(seg)
                if head is not None:
                    word, off, prev = head
                    return self.classify(word, prev, off == s), off
            return NONE, pos
        last, last_off = toks[-1]
        prev = toks[-2][0] if len(toks) > 1 else None
        low = last.lower()
        if low == "who":
            return PERSON, last_off
        if low == "that" and prev:
            return self.classify(prev, None, False), toks[-2][1]
        if low in _THING_PRONOUNS or low == "that":
            return THING, last_off
        cls = self.classify(last, prev, last_off == s)
        if low == "they" and _PLURAL_THING_BEFORE.search(prefix[: last_off - s]):
            m = list(_PLURAL_THING_BEFORE.finditer(prefix[: last_off - s]))[-1]
            if m.group(1).lower() not in _ROLES:
                return THING, last_off  # "the pods restarted but they failed to ..."
        if cls == PERSON and not (prev and prev.lower() in _PREPOSITIONS):
            if prev and prev[0].isupper() and self.classify(prev, None, False) == PERSON:
                return PERSON, toks[-2][1]  # "Alice Chen"
            return PERSON, last_off
        head = self.np_head(toks)
        if head is None:
            return cls, last_off
        word, off, hprev = head
        if off == last_off:
            return cls, last_off
        # The clause's first noun phrase is the subject only when what follows it modifies
        # it ("the developer creating the PR misjudged", "the engineer on call never ...");
        # in "we have monitoring for jobs failing to run" the subject of "failing" is "jobs".
        k = next((i for i, (_, o) in enumerate(toks) if o == off), len(toks) - 1)
        nxt = toks[k + 1][0].lower() if k + 1 < len(toks) else ""
        modifies = (
            nxt in _RELATIVES
            or nxt in ("on", "in", "at", "from", "with", "for", "of")
            or (len(nxt) > 4 and nxt.endswith("ing") and nxt not in _ING_NOUNS)
            or (len(nxt) > 3 and nxt.endswith("ed") and nxt not in _ED_NOUNS)
        )
        if not modifies:
            return cls, last_off
        return self.classify(word, hprev, off == s), off

    def clause_subject(self, pos: int) -> tuple[str, int]:
        """Class and offset of the first noun phrase of the clause around ``pos`` ("DBA runs
        the migration against prod by mistake": the DBA, not prod)."""
        s, _ = self.sentence(pos)
        if pos < s:
            s = pos
        start = 0
        for m in _CLAUSE_BREAK.finditer(self.text, s, pos):
            if m.group().lower() not in _SUBORDINATORS or m.start() == s:
                start = m.end()
        toks = _drop_stamps(
            [(m.group(), m.start()) for m in _TOKEN.finditer(self.text, max(s, start), pos)]
        )
        head = self.np_head(toks)
        if head is None:
            return NONE, pos
        word, off, prev = head
        return self.classify(word, prev, off == s), off

    def person_in(self, start: int, end: int) -> bool:
        """Does a person word (pronoun, role, name, @handle, known person) stand in
        text[start:end]? Words that judge people in one sense and describe things in
        another ("lazy", "greedy", "dumb") are blame only with a person in the sentence."""
        return bool(self.people_in(start, end, first=True))

    def people_in(self, start: int, end: int, first: bool = False) -> set[str]:
        """The person words of text[start:end], lower case (only the first with ``first``);
        possessives "my"/"our" count as the speakers."""
        found: set[str] = set()
        prev: str | None = None
        for m in _TOKEN.finditer(self.text, start, end):
            tok = _CONTRACTION.sub("", m.group())  # "I'm", "we've", "they're"
            low = tok.lower()
            if low in ("my", "our"):
                found.add(low)
            elif low not in ("it", "its") and (
                self.classify(tok, prev, m.start() == start) == PERSON
            ):
                found.add(low)
            if first and found:
                return found
            prev = tok
        return found

    def np_after(self, pos: int) -> tuple[str, int, int]:
        """Class and span of the noun phrase starting at ``pos`` ("by the on-call engineer")."""
        toks = []
        for m in _TOKEN.finditer(self.text, pos, min(len(self.text), pos + 80)):
            toks.append((m.group(), m.start()))
            if len(toks) >= 6:
                break
        head = self.np_head(toks)
        if head is None:
            return NONE, pos, pos
        word, off, prev = head
        return self.classify(word, prev, False), pos, off + len(word)


# --------------------------------------------------------------------------- helpers

_SUBORDINATORS = _LANG.words("subordinators")


def _drop_stamps(toks: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Leading times and dates ("10:14 – DBA runs ...") are not a subject: timeline cells
    and chat lines start with them."""
    i = 0
    while i < len(toks) and toks[i][0][0].isdigit():
        i += 1
    return toks[i:] if i else toks


_RELATIVE_SPLIT = re.compile(r"\b(?:that|which|who)\b", re.I)
_CLAUSE_END = re.compile(
    r"[.;:,!?](?=\s|$)|[()\[\]—–]|\s-\s|\b(?:because|when|while|after|before|since|but|"
    r"so that|which|and|until|despite|although|though|as)\b",
    re.I,
)
_PARTICLES = frozenset("back up out down off over".split())
# Words that end the object noun phrase and start an adverbial tail ("for forty minutes").
_TAIL_START = frozenset(
    """for by during after before since until within instead to in on from with at about via
    without through overnight immediately again anyway first today yesterday earlier later
    much entirely completely directly""".split()
)
# Verbs whose preposition belongs to them ("thought about", "waited for").
_PREPOSITIONAL_VERBS = frozenset(
    "think look wait ask respond react rely deal care listen account plan".split()
)
_PAST_TO_PP = _LANG.past_to_participle


def _split_object(words: list[str]) -> tuple[str, str]:
    """("the disk alert", "for forty minutes") from "the disk alert for forty minutes"."""
    for i, w in enumerate(words):
        if i and w.lower() in _TAIL_START:
            return " ".join(words[:i]), " ".join(words[i:])
    return " ".join(words), ""


def _rest_of_clause(text: str, pos: int, max_words: int = 9) -> str:
    m = _CLAUSE_END.search(text, pos, pos + 200)
    end = m.start() if m else min(len(text), pos + 200)
    words = text[pos:end].split()
    return " ".join(words[:max_words]).strip(" `'\"")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _passive_rewrite(verb: str, rest: str, negative: bool = True) -> str:
    """ "notice", "the alert for ten minutes" -> "the alert was not noticed for ten minutes"."""
    words = rest.split()
    particle = ""
    if words and words[0].lower() in _PARTICLES:
        particle = " " + words.pop(0)
    neg = "not " if negative else ""
    pp = _participle(verb) + particle
    if not words:
        return f"it was {neg}{pp}"
    first = words[0].lower()
    if first in ("that", "if", "whether", "what", "how", "which", "why", "where"):
        return f"it was {neg}{pp} {' '.join(words)}"
    if first in _PREPOSITIONS:
        if verb in _PREPOSITIONAL_VERBS and len(words) > 1:
            np, tail = _split_object(words[1:])
            tail = f" {tail}" if tail else ""
            return f"{np} {_be(np)} {neg}{pp} {first}{tail}"  # "... was not thought about"
        return f"it was {neg}{pp} {' '.join(words)}"  # "it was not caught in our migration"
    if first in _TAIL_START or first.endswith("ly"):
        return f"it was {neg}{pp} {' '.join(words)}"  # "rolled back instead of ..."
    if first in ("it", "them"):
        subject = "it" if first == "it" else "they"
        tail = (" " + " ".join(words[1:])) if len(words) > 1 else ""
        return f"{subject} {'were' if subject == 'they' else 'was'} {neg}{pp}{tail}"
    np, tail = _split_object(words)
    tail = f" {tail}" if tail else ""
    return f"{np} {_be(np)} {neg}{pp}{tail}"


def _be(subject: str) -> str:
    """'was' or 'were' for a short noun phrase ("the logs were", "the alert was")."""
    words = subject.split()
    if not words:
        return "was"
    # The head noun ends the first noun phrase: "the ALBs we tested", "the logs in the bucket".
    end = next(
        (
            i
            for i, w in enumerate(words)
            if i and (w.lower() in _PREPOSITIONS or w.lower() in _PERSON_PRONOUNS)
        ),
        len(words),
    )
    low = words[end - 1].lower().strip(".,")
    plural = low in ("they", "we", "these", "those") or (
        low.endswith("s") and not low.endswith(("ss", "us", "is", "ys"))
    )
    return "were" if plural else "was"


def _negated_before(text: str, start: int) -> bool:
    """True when the phrase at ``start`` is negated ("not human error", "rather than ...")."""
    window = text[max(0, start - 24) : start].lower()
    return bool(_NEGATION.search(window))


_NEGATION_WORD = re.compile(r"\b(?:not|no|never|without|nobody|avoid\w*)\b|n['’]t\b", re.I)
_NEGATION = re.compile(
    r"(?:\bnot|\bno|n['’]t|\bnever|\bnothing to do with|\brather than|\binstead of|\bnor|"
    r"\bwithout|\bavoid(?:ing)?|\bbeyond)\s+(?:\w+\s+){0,3}$"
)


def _base_form(pp: str) -> str:
    for base, form in _IRREGULAR_PP.items():
        if form == pp:
            return base
    if pp.endswith("ied"):
        return pp[:-3] + "y"
    if pp.endswith("ed"):
        stem = pp[:-2]
        if stem.endswith(
            (
                "at",
                "iz",
                "is",
                "ur",
                "ag",
                "ov",
                "ol",
                "iv",
                "dg",
                "ac",
                "uc",
                "rg",
                "ok",
                "ic",
                "rc",
                "nc",
            )
        ):
            return stem + "e"
        return stem
    return pp


_STAMP_ONLY = re.compile(r"[\W\d_]*")
_WORD_AT = re.compile(r"@?[\w'’\-]+")


def _speaker_at(text: str, pos: int) -> bool:
    """Is the word at ``pos`` the speaker ("we", "I", "our" ...)?"""
    word = _WORD_AT.match(text, pos)
    return bool(word) and word.group().lower() in _FIRST_PERSON


def _word_before(text: str, start: int, pos: int) -> str | None:
    """The word before ``pos``, looking back no further than ``start`` (nor 30 characters)."""
    m = re.search(r"([\w'’\-]+)\W*$", text[max(start, pos - 30) : pos])
    return m.group(1) if m else None


def _word_and_prev(ctx: _Context, off: int) -> tuple[str, str | None]:
    """The word at ``off`` and the word before it in its sentence."""
    word = _WORD_AT.match(ctx.text, off)
    return (word.group() if word else ""), _word_before(ctx.text, ctx.sentence(off)[0], off)


# An upper-case letter inside a word, other than after Mc/Mac/O'/D' ("McKay", "O'Neil").
_CAMEL_CASE = re.compile(r"(?<!^Mc)(?<!^Mac)(?<!^O['’])(?<!^D['’])(?<=[a-z])[A-Z]")


def _name_like(ctx: _Context, word: str, prev: str | None) -> bool:
    """A capitalised word used as a name: no determiner before it, not a product we know, not
    an acronym. "Rasmus", "Søren", "Oluwaseun" are names by their place, not by a list."""
    if word.startswith("@"):
        return True
    bare = word.rstrip("'’s") if word.endswith(("'s", "’s")) else word
    if not bare[:1].isupper() or (len(bare) > 1 and bare.isupper()):
        return False
    low = bare.lower()
    if low in _TECH_WORDS or low in _THING_PRONOUNS or low in _DETERMINERS:
        return False
    if low in _PREPOSITIONS or low in _AUX or low in _SUBORDINATORS:
        return False
    if prev and prev.lower() in _DETERMINERS:
        return False  # "The Deploy job", "the Foo service"
    if _CAMEL_CASE.search(bare):
        return False  # "GtkSettings", "PostgreSQL": identifiers, not names ("McKay" is one)
    if any(c.isdigit() for c in bare):
        return False
    if "-" in bare.strip("-"):
        # "Jae-won", "Jean-Luc", "Anne-Marie": a hyphenated word is a name when its first part
        # is a known given name; "Read-Only", "Cross-Region" are not.
        first = bare.split("-", 1)[0].lower()
        return first in GIVEN_NAMES or first in LIBRARY_NAMES
    return True
