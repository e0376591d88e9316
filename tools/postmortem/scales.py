"""Ordered scales of severities and priorities, with the words teams already use for each level.

A scale is a list of levels, most urgent first. In the configuration a level is one word
(`P1`) or a list of words meaning the same level (`[P2, High]`); the first word is the level's
canonical spelling. Words match in any case. The default priority scale accepts both the P1..P4
of the template and the Critical/High/Medium/Low of the reference report, as the same four
levels, so the rules, the weekly digest and escalation all order them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# The reference report writes High/Medium/Low; its severity line says "P1 (Critical ...)".
DEFAULT_PRIORITY_SCALE: list[Any] = [
    ["P1", "Critical"],
    ["P2", "High"],
    ["P3", "Medium"],
    ["P4", "Low"],
]
DEFAULT_SEVERITY_SCALE: list[Any] = ["P1", "P2", "P3", "P4"]


@dataclass(frozen=True)
class Scale:
    """Levels most urgent first; each level is a tuple of words, the first one canonical."""

    levels: tuple[tuple[str, ...], ...]

    @classmethod
    def from_setting(cls, value: Any) -> Scale:
        """A scale from a configuration value: a list of words or of lists of synonyms."""
        levels: list[tuple[str, ...]] = []
        for level in value if isinstance(value, list | tuple) else [value]:
            words = level if isinstance(level, list | tuple) else [level]
            words = tuple(str(w).strip() for w in words if str(w).strip())
            if words:
                levels.append(words)
        return cls(tuple(levels))

    def rank(self, word: str) -> int | None:
        """0 for the most urgent level; None for a word that is not on the scale."""
        wanted = word.strip().casefold()
        for number, level in enumerate(self.levels):
            if any(w.casefold() == wanted for w in level):
                return number
        return None

    def canonical(self, word: str) -> str | None:
        """The word as the scale spells it (`high` -> `High`); None when not on the scale."""
        wanted = word.strip().casefold()
        for level in self.levels:
            for w in level:
                if w.casefold() == wanted:
                    return w
        return None

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.rank(word) is not None

    def describe(self) -> str:
        """`P1 (Critical), P2 (High), ...` for messages."""
        return ", ".join(
            level[0] + (f" ({', '.join(level[1:])})" if len(level) > 1 else "")
            for level in self.levels
        )

    def sort_key(self, word: str) -> int:
        """A sort key that puts words off the scale last."""
        rank = self.rank(word)
        return len(self.levels) if rank is None else rank

    def ranks(self, words: Iterable[str]) -> set[int]:
        return {r for r in (self.rank(w) for w in words) if r is not None}


DEFAULT_PRIORITIES = Scale.from_setting(DEFAULT_PRIORITY_SCALE)


def priority_scale(values: Sequence[Any] | None) -> Scale:
    """The configured priority scale, or the default."""
    return Scale.from_setting(values) if values else DEFAULT_PRIORITIES
