"""Precision and recall on real post-mortems, sentence by sentence, with a held-out half.

`tests/data/blame-corpus-labels.tsv` labels every prose sentence (three words or more) of the
corpus files by (file, line, n): n counts the sentences that start on that line. The text is
read from `../shared/corpus/real-postmortems/` at run time and never stored here. The split is
fixed: files sorted by relative path, every other one (indices 0, 2, 4, ...) held out. The
held-out half was labelled and measured before any rule was changed for it and must not be
used for tuning; its floors are the measured figures, not wishes. 'either' rows are borderline
and not scored.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from postmortem.language.evaluation import (
    corpus_sentences,
    corpus_split,
    load_corpus_labels,
    score_corpus,
)

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "tests" / "data" / "blame-corpus-labels.tsv"
pytestmark = pytest.mark.shared  # reads ../shared/corpus
CORPUS = ROOT.parent / "shared" / "corpus" / "real-postmortems"

# (precision, recall) floors: the figures measured after tuning, rounded down. Held-out half
# before any rule changed for it: 0.917 / 0.786 (11/14, 1 false alarm in 959 fine sentences);
# after: 0.929 / 0.929 (13/14, the same false alarm). Tuning half before: 1.000 / 0.786; after:
# 1.000 / 0.929. Positives are few (real post-mortems are mostly blameless), so one sentence
# moves recall by 7 points.
#
# After issue 10 (more patterns, the warning tier): held-out 0.875 / 1.000 (14/14; 2 false
# alarms: a passive "should've been removed" about statuses, now a warning, and a first-person
# "merge it hastily"); tuning 0.929 / 0.929. The labels here are yes/no; the labelled-dev
# guide would call both false alarms borderline.
FLOORS = {"heldout": (0.87, 0.92), "tuning": (0.92, 0.92)}


@pytest.fixture(scope="module")
def labels():
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not here ({CORPUS}); CI has it")
    return load_corpus_labels(LABELS)


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_every_sentence_of_the_split_is_labelled_exactly_once(labels, split: str) -> None:
    files = corpus_split(CORPUS)[split]
    assert len(files) >= 25
    rows = [lab for lab in labels if lab.split == split]
    keys = Counter(lab.key for lab in rows)
    assert max(keys.values()) == 1, "duplicate keys"
    expected = {s.key for f in files for s in corpus_sentences(CORPUS, f)}
    assert set(keys) == expected  # a changed extraction or corpus shows up here
    assert {lab.flag for lab in rows} <= {"yes", "no", "either"}
    assert sum(lab.flag == "yes" for lab in rows) >= 10


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_corpus_precision_and_recall(labels, split: str) -> None:
    result = score_corpus(CORPUS, [lab for lab in labels if lab.split == split])
    print("\n" + result.line(f"corpus {split}"))
    for case in result.fn:
        print("  miss:", case.source, case.kind)
    for case, hits in result.fp:
        print("  false alarm:", case.source, [h.code for h in hits])
    precision, recall = FLOORS[split]
    assert result.precision >= precision
    assert result.recall >= recall
