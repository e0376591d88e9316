"""Action item rules: each action is complete, unique, well-dated, prioritised and specific."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

import yaml

from ..document import ActionItem, Document
from ..options import Texts, project
from ..scales import Scale
from .base import Context, Problem, rule

_FIELDS = ("id", "action", "owner", "deadline", "priority")


@dataclass(frozen=True)
class VagueActions:
    """What makes an action vague, from `data/vague-actions.yml` (see its comments)."""

    phrases: tuple[str, ...]
    blameless_rule: str
    blameless_phrases: tuple[str, ...]
    verbs: frozenset[str]
    abstract_nouns: tuple[str, ...]
    examples: dict[str, list[str]]


# libyaml's loader when PyYAML has it: ten times faster, read at every start of the validator.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_vague() -> VagueActions:
    data = yaml.load(
        resources.files("postmortem").joinpath("data/vague-actions.yml").read_text("utf-8"),
        Loader=_LOADER,
    )
    left = data["left_to_blameless"]
    return VagueActions(
        phrases=tuple(data["phrases"]),
        blameless_rule=left["rule"],
        blameless_phrases=tuple(left["phrases"]),
        verbs=frozenset(v.lower() for v in data["verbs"]),
        abstract_nouns=tuple(data["abstract_nouns"]),
        examples=data["examples"],
    )


VAGUE = _load_vague()


def _column(item: ActionItem, key: str) -> int:
    return item.row.column(key) if item.row else 1


@rule("AI101", "action-item-complete", "action-item")
def complete(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Every action item has an ID, an action, an owner, a deadline and a priority.

    An action without an owner or a date is a wish; the reference template asks for all three.
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


def _vague_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    words = "|".join(
        re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True)
    )
    return re.compile(rf"\b(?:{words})\b", re.IGNORECASE)


_DEFAULT_VAGUE = _vague_pattern(VAGUE.phrases)
_WITH_EXHORTATIONS = _vague_pattern((*VAGUE.phrases, *VAGUE.blameless_phrases))
_ABSTRACT = _vague_pattern(VAGUE.abstract_nouns)
# Something checkable: a code span, a number, a file or metric name, a threshold.
_SPECIFIC = re.compile(r"`[^`]+`|\d|[\w-]+\.[a-z]{2,4}\b|[a-z]+_[a-z_]+|[A-Z][a-z]+[A-Z]\w*")


def vague_reason(text: str, pattern: re.Pattern[str] = _DEFAULT_VAGUE) -> str | None:
    """The words that make an action vague, or None when it names something checkable."""
    if _SPECIFIC.search(text):
        return None
    match = pattern.search(text)
    if match:
        return match.group(0)
    words = text.split()
    if words and words[0].lower().strip(",.;:") in VAGUE.verbs:
        noun = _ABSTRACT.search(text, len(words[0]))
        if noun:
            return f"{words[0]} ... {noun.group(0)}"
    return None


@rule(
    "AI105",
    "vague-action",
    "action-item",
    severity="warning",
    options={"vague_phrases": Texts(example="[improve monitoring]")},
)
def vague_action(doc: Document, ctx: Context) -> Iterator[Problem]:
    """An action is specific and verifiable, not an intention ("improve monitoring").

    Flags actions that name nothing checkable (a metric, a threshold, a file, a code span, an
    identifier) and either hold a vague phrase ("improve monitoring", "investigate"), or apply
    a vague verb to an abstract noun ("Standardise pipeline configuration", "Implement rules
    and guidelines for contributions"); and actions of fewer than four words. The phrases,
    verbs and nouns are data (`data/vague-actions.yml`); `vague_phrases` replaces the phrases.
    Exhortations to people ("be more careful") are left to BL109, unless it is switched off.
    """
    phrases = ctx.option("vague_phrases")
    if phrases:
        pattern = _vague_pattern(phrases)
    elif ctx.config.is_enabled(VAGUE.blameless_rule):
        pattern = _DEFAULT_VAGUE
    else:
        pattern = _WITH_EXHORTATIONS
    for item in doc.action_items:
        text = item.action.strip()
        if not text:
            continue
        reason = vague_reason(text, pattern)
        if reason:
            yield Problem(
                item.line,
                f'action {item.id} is not specific: "{reason}" does not say what will change',
                'Say what will change and how to check it is done, e.g. "Alert when '
                'pool saturation exceeds 80% for 5 min on orders-api".',
                _column(item, "action"),
            )
        elif len(text.split()) < 4 and not (
            ctx.config.is_enabled(VAGUE.blameless_rule) and _WITH_EXHORTATIONS.search(text)
        ):
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
