"""Action item rules: each action is complete, unique, well-dated, prioritised and specific."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..document import ActionItem, Document
from ..options import Texts, project
from ..scales import Scale
from .base import Context, Problem, rule

_FIELDS = ("id", "action", "owner", "deadline", "priority")

VAGUE_PHRASES = [
    "improve monitoring",
    "improve alerting",
    "better monitoring",
    "more monitoring",
    "add monitoring",
    "be more careful",
    "be careful",
    "pay more attention",
    "more testing",
    "better testing",
    "test more",
    "improve testing",
    "improve documentation",
    "update documentation",
    "more training",
    "better communication",
    "improve communication",
    "improve process",
    "review process",
    "investigate",
    "look into",
    "follow up",
    "fix the issue",
    "fix the bug",
    "make sure",
    "ensure this doesn't happen again",
    "prevent this from happening again",
    "avoid this in the future",
    "double check",
    "double-check",
]


def _column(item: ActionItem, key: str) -> int:
    return item.row.column(key) if item.row else 1


@rule("AI101", "action-item-complete", "action-item")
def complete(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Every action item has an ID, an action, an owner, a deadline and a priority.

    An action without an owner or a date is a wish; the seed requires all three.
    """
    for item in doc.action_items:
        for key in _FIELDS:
            value = getattr(item, "deadline_text" if key == "deadline" else key)
            if not str(value).strip() or str(value).strip() in ("-", "?"):
                yield Problem(
                    item.line,
                    f"action item {item.id or '(no id)'} has no {key}",
                    {
                        "owner": "Name one person: @handle.",
                        "deadline": "Agree a date: YYYY-MM-DD.",
                        "priority": "Pick one of the priority scale.",
                    }.get(key),
                    _column(item, key),
                )


@rule("AI102", "action-item-unique-id", "action-item")
def unique_id(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Action item IDs are unique within the post-mortem: the GitHub issue is keyed by them."""
    seen: dict[str, int] = {}
    for item in doc.action_items:
        if not item.id:
            continue
        if item.id in seen:
            yield Problem(
                item.line,
                f"action item id {item.id} is used twice (first on line {seen[item.id]})",
                "Give it the next free id; never renumber "
                "existing items: their issues are keyed by the id.",
            )
        else:
            seen[item.id] = item.line


@rule("AI103", "action-item-deadline", "action-item")
def deadline(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Deadlines are real calendar dates (YYYY-MM-DD), after the incident started."""
    started = doc.started
    for item in doc.action_items:
        text = item.deadline_text.strip().strip("`")
        if not text or text in ("-", "?"):
            continue
        if item.deadline is None:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                yield Problem(
                    item.line,
                    f"deadline {text} of {item.id} is not a real date",
                    "Check the day and month.",
                    _column(item, "deadline"),
                )
            continue  # the schema rule reports the format
        if started is not None and item.deadline < started.date():
            yield Problem(
                item.line,
                f"deadline {item.deadline} of {item.id} is before the "
                f"incident started ({started.date()})",
                "A deadline is a date after the incident.",
                _column(item, "deadline"),
            )


@rule("AI104", "action-item-priority", "action-item", options=project("priority_scale"))
def priority(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Priorities are on the configured scale (`priority_scale`).

    The default scale has four levels, most urgent first, each with two spellings:
    P1 or Critical, P2 or High, P3 or Medium, P4 or Low (any case). The weekly digest and
    escalation order items by these levels.
    """
    scale = Scale.from_setting(ctx.option("priority_scale"))
    for item in doc.action_items:
        text = item.priority.strip().strip("`*_ ")
        if text and text not in ("-", "?") and text not in scale:
            yield Problem(
                item.line,
                f"priority `{item.priority}` of {item.id} is not on the scale {scale.describe()}",
                f"Use one of {scale.describe()}.",
                _column(item, "priority"),
            )


def _vague_pattern(phrases: list[str]) -> re.Pattern[str]:
    words = "|".join(
        re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True)
    )
    return re.compile(rf"\b(?:{words})\b", re.IGNORECASE)


_DEFAULT_VAGUE = _vague_pattern(VAGUE_PHRASES)
# Something checkable: a code span, a number, a file or metric name, a threshold.
_SPECIFIC = re.compile(r"`[^`]+`|\d|[\w-]+\.[a-z]{2,4}\b|[a-z]+_[a-z_]+|[A-Z][a-z]+[A-Z]\w*")


@rule(
    "AI105",
    "vague-action",
    "action-item",
    severity="warning",
    options={"vague_phrases": Texts(example="[improve monitoring]")},
)
def vague_action(doc: Document, ctx: Context) -> Iterator[Problem]:
    """An action is specific and verifiable, not an intention ("improve monitoring").

    Flags actions built on vague phrases (`vague_phrases`, configurable) unless they name
    something checkable (a metric, a threshold, a file, a code span), and actions of fewer than
    four words.
    """
    phrases = ctx.option("vague_phrases")
    pattern = _vague_pattern(phrases) if phrases else _DEFAULT_VAGUE
    for item in doc.action_items:
        text = item.action.strip()
        if not text:
            continue
        match = pattern.search(text)
        if match and not _SPECIFIC.search(text):
            yield Problem(
                item.line,
                f'action {item.id} is not specific: "{match.group(0)}"',
                'Say what will change and how to check it is done, e.g. "Alert when '
                'pool saturation exceeds 80% for 5 min on orders-api".',
                _column(item, "action"),
            )
        elif len(text.split()) < 4:
            yield Problem(
                item.line,
                f'action {item.id} is too short to be verifiable: "{text}"',
                "Describe the change and where it happens.",
                _column(item, "action"),
            )


@rule("AI106", "action-items-present", "action-item")
def present(doc: Document, ctx: Context) -> Iterator[Problem]:
    """A post-mortem in review or published has at least one action item."""
    section = doc.section("action items")
    if section is None or doc.status == "draft":
        return
    if not doc.action_items:
        yield Problem(
            section.line,
            "no action items",
            "Every incident teaches something: add at least one action that makes a "
            "recurrence less likely or less harmful.",
        )
