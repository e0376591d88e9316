"""Scoring similar-incident suggestions against labelled pairs (tests and benchmarks).

The labels (`tests/data/similarity-pairs.tsv`) are keys only: paths of files under
`../shared/corpus`, `examples/` (tests/data/similarity) and `postmortems/`; no text is copied.

- precision@1: of the post-mortems that have a labelled related one and get a suggestion, the
  share whose first suggestion is labelled related to them;
- recall@3: of the labelled related pairs, counted in both directions, the share where the
  other one is among the (at most 3) suggestions;
- false-suggestion rate: of the labelled unrelated pairs, both directions, the share where
  one is suggested for the other.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .profile import Profile


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    related: bool
    note: str = ""


def load_pairs(path: Path) -> list[Pair]:
    with path.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    return [Pair(r["a"], r["b"], r["label"] == "related", r.get("note") or "") for r in rows]


@dataclass
class Scores:
    queries: int = 0  # post-mortems with a labelled related one
    suggested: int = 0  # ... of which got at least one suggestion
    top_right: int = 0  # ... whose first suggestion is labelled related
    related: int = 0  # related pairs x 2 directions
    recalled: int = 0
    unrelated: int = 0  # unrelated pairs x 2 directions
    false: int = 0
    suggestions: int = 0  # suggestions made over the whole archive

    @property
    def precision_at_1(self) -> float:
        return self.top_right / self.suggested if self.suggested else 0.0

    @property
    def recall_at_3(self) -> float:
        return self.recalled / self.related if self.related else 0.0

    @property
    def false_rate(self) -> float:
        return self.false / self.unrelated if self.unrelated else 0.0

    def line(self) -> str:
        return (
            f"precision@1 {self.precision_at_1:.2f} ({self.top_right}/{self.suggested}, "
            f"{self.queries} queries)  recall@3 {self.recall_at_3:.2f} "
            f"({self.recalled}/{self.related})  false-suggestion rate {self.false_rate:.3f} "
            f"({self.false}/{self.unrelated})  suggestions made {self.suggestions}"
        )


def score(
    keys: Sequence[str],
    suggestions: dict[str, list[str]],
    pairs: Sequence[Pair],
) -> Scores:
    """Score suggestions (key -> suggested keys, best first) against labelled pairs."""
    known = set(keys)
    related_of: dict[str, set[str]] = {}
    result = Scores(suggestions=sum(len(v) for v in suggestions.values()))
    for pair in pairs:
        if pair.a not in known or pair.b not in known:
            continue
        for one, other in ((pair.a, pair.b), (pair.b, pair.a)):
            found = other in suggestions.get(one, [])[:3]
            if pair.related:
                related_of.setdefault(one, set()).add(other)
                result.related += 1
                result.recalled += found
            else:
                result.unrelated += 1
                result.false += found
    for query, others in related_of.items():
        result.queries += 1
        made = suggestions.get(query, [])
        if made:
            result.suggested += 1
            result.top_right += made[0] in others
    return result


def suggest_all(
    profiles: Sequence[Profile],
    keys: Sequence[str],
    settings: object | None = None,
    eligible: Callable[[Profile, Profile], bool] | None = None,
) -> dict[str, list[str]]:
    """Suggestions for every profile of an archive, as keys (every profile is a candidate:
    the labelled files are not all in this project's format or status)."""
    from .similarity import build_index

    index = build_index(profiles, settings)  # type: ignore[arg-type]
    found = index.neighbours(range(len(profiles)), eligible)
    key_of = {id(p): k for p, k in zip(profiles, keys, strict=True)}
    return {keys[row]: [key_of[id(m.profile)] for m in matches] for row, matches in found.items()}
