"""Measure the blameless-wording detector against labelled sentences.

Used by the tests (which assert precision/recall floors) and by ``benchmarks/blame_eval.py``
(which prints the figures and every miss and false alarm), so both report the same numbers.
A labelled row is one sentence (or short passage) with a yes/no verdict: "would a blameless
reviewer flag this?". A row counts as flagged when ``find_blame`` returns at least one hit.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from postmortem.language.blame import BlameHit, find_blame


@dataclass(frozen=True)
class Case:
    """One labelled sentence."""

    flag: bool
    kind: str
    text: str
    people: tuple[str, ...] = ()
    source: str = ""  # "file:line" for corpus rows

    @property
    def family(self) -> str:
        """Expected rule family ("BL103") for blameful rows, the trap name for blameless ones."""
        return self.kind.split(":", 1)[0]


@dataclass
class Score:
    """Confusion counts with the rows behind them, for printing misses and false alarms."""

    tp: list[tuple[Case, list[BlameHit]]] = field(default_factory=list)
    fp: list[tuple[Case, list[BlameHit]]] = field(default_factory=list)
    fn: list[Case] = field(default_factory=list)
    tn: list[Case] = field(default_factory=list)

    @property
    def precision(self) -> float:
        flagged = len(self.tp) + len(self.fp)
        return len(self.tp) / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        positives = len(self.tp) + len(self.fn)
        return len(self.tp) / positives if positives else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name}: precision {self.precision:.3f} recall {self.recall:.3f} F1 {self.f1:.3f} "
            f"(tp {len(self.tp)}, fp {len(self.fp)}, fn {len(self.fn)}, tn {len(self.tn)})"
        )


def load_labelled(path: Path) -> list[Case]:
    """Our own labelled set: columns flag, kind, text, people (comma-separated, optional)."""
    cases = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            people = tuple(p.strip() for p in (row.get("people") or "").split(",") if p.strip())
            cases.append(Case(row["flag"].strip() == "yes", row["kind"], row["text"], people))
    return cases


def load_dev_cases(path: Path) -> list[Case]:
    """The shared corpus development set (file, line, flag, kind, text); 'either' rows skipped."""
    cases = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            flag = row["flag"].strip()
            if flag not in ("yes", "no"):
                continue
            source = f"{row['file']}:{row['line']}"
            cases.append(Case(flag == "yes", row["kind"], row["text"], (), source))
    return cases


def score(cases: Iterable[Case]) -> Score:
    """Run the detector on every case and sort the results into the confusion matrix."""
    result = Score()
    for case in cases:
        hits = find_blame(case.text, case.people)
        if case.flag and hits:
            result.tp.append((case, hits))
        elif case.flag:
            result.fn.append(case)
        elif hits:
            result.fp.append((case, hits))
        else:
            result.tn.append(case)
    return result


def by_family(cases: Iterable[Case]) -> dict[str, Score]:
    """Recall per expected family for blameful rows; false alarms counted per code that fired."""
    families: dict[str, Score] = defaultdict(Score)
    for case in cases:
        hits = find_blame(case.text, case.people)
        if case.flag:
            fam = families[case.family]
            (fam.tp if hits else fam.fn).append((case, hits) if hits else case)  # type: ignore[arg-type]
        else:
            for code in sorted({h.code for h in hits}):
                families[code].fp.append((case, hits))
    return dict(sorted(families.items()))
