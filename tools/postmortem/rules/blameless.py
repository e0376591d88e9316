"""Blameless wording: the rules that keep a post-mortem about systems, not people.

The detection itself lives in `postmortem.language.blame`; these rules run it once per prose
block (paragraphs, list items, timeline events, actions; never code, URLs or quoted chat) and
report each family under its own code.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..document import Document
from .base import Context, Problem, Rule, checker

RULES = [
    Rule(
        "BL101",
        "person-as-agent",
        "blameless",
        doc="""A person is named as the agent of a failure.

A name, an @handle or a role ("the on-call engineer", "the intern", "we") as the subject of
failed to / forgot / neglected / missed / broke / misconfigured ..., or "X caused the outage",
"X's fault", "responsible for the outage", "blame". Describe what the system allowed and how
the work was done, not who did it: "The deploy ran without the canary step" instead of "Bob
forgot the canary".
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
judgement, and is not flagged.
""",
    ),
    Rule(
        "BL104",
        "character-judgement",
        "blameless",
        doc="""A judgement of a person's character or state.

Careless, sloppy, lazy, negligent, incompetent, "dropped the ball", "lapse in judgment"...
These words explain nothing about the system and make people hide mistakes next time.
""",
    ),
    Rule(
        "BL105",
        "hindsight",
        "blameless",
        severity="warning",
        doc="""Hindsight minimizers: "obviously", "clearly", "simply", "just", "should have known".

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
]


@checker("blameless", RULES)
def blameless(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Every blame hit in the document's prose, each under its family's code."""
    from ..language.blame import find_blame

    people = doc.people
    for block in doc.prose:
        for hit in find_blame(block.text, people):
            line, column = block.position(hit.start)
            yield Problem(line, hit.message, hit.suggestion, column, hit.code)
