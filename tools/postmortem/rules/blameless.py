"""Blameless wording: the rules that keep a post-mortem about systems, not people.

The detection lives in `postmortem.language` (an engine in `blame.py`, the language knowledge
in `data/blame/<lang>/*.yml`); these rules run it once per document over every place a
person can be blamed: the frontmatter title, every heading, every paragraph and list item,
and every table cell (timeline events, actions, contributing factors ...), never code, URLs
or quoted chat. Each finding points at its own line and column and carries a neutral rewrite.

Two tiers, each a set of codes whose severity is configured like any rule's
(`rules: {BL108: {severity: error}}`, or `ignore: [BL105, BL108, BL109, BL110]` to keep only
clear blame):

- error, clear blame: BL101 person as the agent of a failure, BL102 human error, BL103
  counterfactual about people, BL104 judgement of character or competence, BL106 why-question
  about a person, BL107 consequence for a person;
- warning, wording a strict reviewer would ask to reword: BL105 hindsight, BL108 self-blame
  or a human lapse, BL109 vigilance offered as the fix, BL110 names who triggered it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..body import ProseBlock
from ..document import Document, split_lines
from .action_items import vague_reason
from .base import Context, Problem, Rule, checker

# One finding per problem: AI105 (vague action) leaves exhortations ("be more careful") to
# BL109 (data/vague-actions.yml, `left_to_blameless`); where AI105 does report a cell ("double
# check", "make sure"), BL109 stays silent on it.


@dataclass(frozen=True)
class _Title:
    """The frontmatter title: plain text (YAML, not Markdown), on one line."""

    text: str
    line: int
    column: int
    kind: str = "title"
    section: str = ""

    def position(self, offset: int) -> tuple[int, int]:
        return self.line, self.column + offset


def _places(doc: Document) -> Iterator[ProseBlock | _Title]:
    """Every block of text a person could be blamed in, the title first."""
    title = doc.meta.get("title") if isinstance(doc.meta, dict) else None
    if isinstance(title, str) and title.strip():
        line = doc.meta_line("title")
        lines = split_lines(doc.text)
        source = lines[line - 1] if 1 <= line <= len(lines) else ""
        found = source.find(title[:20])
        yield _Title(title, line, found + 1 if found >= 0 else 1)
    yield from doc.headings
    yield from doc.prose
    yield from doc.cells


RULES = [
    Rule(
        "BL101",
        "person-as-agent",
        "blameless",
        doc="""A person is named as the agent of a failure.

A name, an @handle or a role ("the on-call engineer", "the customer") as the subject of
failed to / forgot / neglected / missed / broke / misconfigured ..., "X caused the outage",
"X's fault", "Victor's typo", "it was Tom who merged ...", "this incident is on Alex",
"responsible for the outage", "blame". Names need not be on any list: a capitalised word in
subject position before a human action counts. Describe what the system allowed and how the
work was done: "The deploy ran without the canary step" instead of "Bob forgot the canary".
""",
    ),
    Rule(
        "BL102",
        "human-error",
        "blameless",
        doc=""""Human error", "operator error" or "user error" given as a cause.

Human error is where an investigation starts, not where it ends: ask what made the action
possible, likely and hard to notice.
""",
    ),
    Rule(
        "BL103",
        "counterfactual",
        "blameless",
        doc="""A counterfactual about people: "should have", "could have", "if only X had".

Counterfactuals judge what people did against what we know now. Describe what they knew and
saw at the time. "We should have alerting on ..." (should have + noun) is an action, not a
judgement, and is not flagged. In the first person it is reported as BL108.
""",
    ),
    Rule(
        "BL104",
        "character-judgement",
        "blameless",
        doc="""A judgement of a person's character, care or competence.

Careless, sloppy, hastily, misguided, "an inexperienced developer", "not thorough enough",
"lost situational awareness", "were slow to realise", "completely unacceptable",
"rubber-stamped", "asleep at the wheel" ... These words explain nothing about the system and
make people hide mistakes next time.
""",
    ),
    Rule(
        "BL105",
        "hindsight",
        "blameless",
        severity="warning",
        doc="""Hindsight: "obviously", "clearly", "should have known", "was never going to work".

What is obvious after the fact was not during the incident; these words imply the people
involved missed something easy.
""",
    ),
    Rule(
        "BL106",
        "why-did-person",
        "blameless",
        doc="""A "why did <person> ...?" question.

Five-whys questions about a person lead to blame; ask why the system made the action possible
or likely: "Why did the deploy pipeline allow ...?"
""",
    ),
    Rule(
        "BL107",
        "consequence-for-person",
        "blameless",
        doc="""Consequences for people: "has been reprimanded", "was let go", "a people problem".

Personnel matters have no place in a blameless review; they tell every reader that the next
honest account may cost them. Describe the changes to the system instead.
""",
    ),
    Rule(
        "BL108",
        "self-blame-or-lapse",
        "blameless",
        severity="warning",
        doc="""Self-blame or a human lapse given as the cause (a warning).

"Our mistake", "we forgot", "we failed to", "we should have", "the alert was missed", "went
unnoticed", "two oversights led to this". Not an accusation, but it explains nothing: say what
made the step easy to miss, and what will catch it next time.
""",
    ),
    Rule(
        "BL109",
        "vigilance-as-fix",
        "blameless",
        severity="warning",
        doc="""Vigilance offered as the fix (a warning): "be more careful" and its disguises.

"Be prudent when ...", "double-check the config", "keep a closer eye on", "never ignore errors
again", "strictly adhere to the policy". Attention is not a mechanism: name the check, alert
or confirmation step that makes the risky step safe. AI105 (vague action) leaves these to
BL109; where AI105 reports an action cell for its own phrases, BL109 stays silent there.
""",
    ),
    Rule(
        "BL110",
        "named-trigger",
        "blameless",
        severity="warning",
        doc="""Names the person whose action triggered the incident (a warning).

"An engineer unintentionally deleted the namespace", "Alice accidentally dropped the table".
The team speaking of itself ("we accidentally deleted ...") is not flagged. Make the action
the subject: "the namespace was deleted by a cleanup command that matched more than intended".
""",
    ),
]


# Words of a team's or a system's name in an Actor or Owner cell, not of a person's.
_GROUP_WORDS = frozenset(
    "support platform operations infra infrastructure engineering security service services "
    "desk center centre group squad monitoring automation system systems bot network "
    "database data cloud product reliability site web mobile backend frontend billing".split()
)
_PLAIN_NAME = re.compile(r"^\s*([A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,2})\s*$")


def _people(doc: Document) -> set[str]:
    """The document's people: its handles and "Name (@handle)" entries (``doc.people``), and
    plain names where the document puts people: an author, reviewer or owner written as
    "Chidi Okafor" or "Chidi", a timeline Actor written as a full name ("Chidi Okafor") or
    a given name. A one-word Actor that is no known name ("Grafana", "Cron") may be a system
    and is left out."""
    from ..language.clauses import _LANG as LANG
    from ..language.clauses import GIVEN_NAMES, LIBRARY_NAMES

    not_people = _GROUP_WORDS.union(
        *(LANG.words(c) for c in ("tech_words", "roles", "affected_people", "thing_pronouns"))
    )
    people = set(doc.people)
    owners = [*doc.authors, *doc.reviewers, *(i.owner for i in doc.action_items)]
    actors = [e.actor for e in doc.timeline]
    for value, owner in [*((v, True) for v in owners), *((v, False) for v in actors)]:
        m = _PLAIN_NAME.match(value) if isinstance(value, str) else None
        if not m or m.group(1).isupper():
            continue
        words = m.group(1).split()
        first = words[0].lower()
        if any(w.lower() in not_people for w in words):
            continue  # "Customer Support", "Platform Team", "Grafana"
        if owner or len(words) > 1 or first in GIVEN_NAMES or first in LIBRARY_NAMES:
            people.add(m.group(1))
    return people


@checker("blameless", RULES)
def blameless(doc: Document, ctx: Context | None) -> Iterator[Problem]:
    """Every blame hit in the document's title, headings, prose and table cells, each under its
    family's code."""
    from ..language.blame import find_blame

    people = _people(doc)
    for block in _places(doc):
        text = block.text
        for hit in find_blame(text, people):
            if (
                hit.code == "BL109"
                and block.section == "action items"
                and block.kind == "table_cell"
                and vague_reason(text)
            ):
                continue
            line, column = block.position(hit.start)
            yield Problem(line, hit.message, hit.suggestion, column, hit.code)


def blame_hits(doc: Document) -> list[tuple[int, int, str, str, str | None]]:
    """(line, column, code, message, suggestion) of every blame finding in a document, as the
    checker reports them (for the evaluation scripts, which read no configuration)."""
    return [(p.line, p.column, p.code, p.message, p.suggestion) for p in blameless(doc, None)]
