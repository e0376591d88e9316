"""Blameless wording: the rules that keep a post-mortem about systems, not people.

The detection itself lives in `postmortem.language.blame`; these rules run it once per prose
block (paragraphs, list items, timeline events, actions; never code, URLs or quoted chat) and
report each family under its own code.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..document import Document
from .base import Context, Problem, rule


def _hits(doc: Document) -> list[tuple[int, int, str, str, str]]:
    """(line, column, code, message, suggestion) of every blame hit, computed once per document."""
    cached = doc.__dict__.get("_blame_hits")
    if cached is None:
        from ..language.blame import find_blame

        people = doc.people
        cached = []
        for block in doc.prose:
            for hit in find_blame(block.text, people):
                line, column = block.position(hit.start)
                cached.append((line, column, hit.code, hit.message, hit.suggestion))
        doc.__dict__["_blame_hits"] = cached
    return cached


def _family(code: str):
    def check(doc: Document, ctx: Context) -> Iterator[Problem]:
        for line, column, hit_code, message, suggestion in _hits(doc):
            if hit_code == code:
                yield Problem(line, message, suggestion, column)

    return check


def _register(code: str, name: str, doc: str, severity: str = "error") -> None:
    rule(code, name, "blameless", severity, doc=doc)(_family(code))


_register(
    "BL101",
    "person-as-agent",
    """A person is named as the agent of a failure.

A name, an @handle or a role ("the on-call engineer", "the intern", "we") as the subject of
failed to / forgot / neglected / missed / broke / misconfigured ..., or "X caused the outage",
"X's fault", "responsible for the outage", "blame". Describe what the system allowed and how
the work was done, not who did it: "The deploy ran without the canary step" instead of "Bob
forgot the canary".
""",
)
_register(
    "BL102",
    "human-error",
    """"Human error", "operator error" or "user error" given as a cause.

Human error is where an investigation starts, not where it ends: ask what made the action
possible, likely and hard to notice.
""",
)
_register(
    "BL103",
    "counterfactual",
    """A counterfactual about people: "should have", "could have", "if only X had".

Counterfactuals judge what people did against what we know now. Describe what they knew and
saw at the time. "We should have alerting on ..." (should have + noun) is an action, not a
judgement, and is not flagged.
""",
)
_register(
    "BL104",
    "character-judgement",
    """A judgement of a person's character or state.

Careless, sloppy, lazy, negligent, incompetent, "dropped the ball", "lapse in judgment"...
These words explain nothing about the system and make people hide mistakes next time.
""",
)
_register(
    "BL105",
    "hindsight",
    """Hindsight minimizers: "obviously", "clearly", "simply", "just", "should have known".

What is obvious after the fact was not during the incident; these words imply the people
involved missed something easy.
""",
    severity="warning",
)
_register(
    "BL106",
    "why-did-person",
    """A "why did <person> ...?" question.

Five-whys questions about a person lead to blame; ask why the system made the action possible
or likely: "Why did the deploy pipeline allow ...?"
""",
)
