"""Precision and recall of the blameless-wording detector on labelled sentences.

Two sets: the shared development set drawn from real post-mortems (sentences none of us
wrote; 'either' rows skipped) and our own labelled set (tests/data/blame-labelled.tsv, half
blameful across every family, half tricky blameless). The figures are printed (run pytest
with -s to see them) and must stay at or above the floors of issue 3.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from postmortem.language import CODES, find_blame
from postmortem.language.evaluation import by_family, load_dev_cases, load_labelled, score

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "tests" / "data" / "blame-labelled.tsv"
CORPUS = ROOT.parent / "shared" / "corpus" / "real-postmortems"
DEV = CORPUS / "blame-dev-cases.tsv"
FLOOR = 0.9
# The six families the labelled set was written for; the later codes (consequences, the warning
# tier) are covered by tests/data/blame-written.tsv and the data patterns' own examples.
FIRST_FAMILIES = {"BL101", "BL102", "BL103", "BL104", "BL105", "BL106"}


def test_labelled_set_is_large_balanced_and_covers_every_family() -> None:
    cases = load_labelled(LABELLED)
    assert len(cases) >= 150
    flags = Counter(c.flag for c in cases)
    assert abs(flags[True] - flags[False]) <= len(cases) * 0.1
    families = {c.family for c in cases if c.flag}
    assert families == FIRST_FAMILIES and families <= set(CODES)
    assert all(c.family == "ok" for c in cases if not c.flag)
    assert len({c.text for c in cases}) == len(cases), "duplicate sentences"


def test_labelled_set_precision_and_recall() -> None:
    result = score(load_labelled(LABELLED))
    print("\n" + result.line("labelled set"))
    for case in result.fn:
        print("  miss:", case.text)
    for case, _ in result.fp:
        print("  false alarm:", case.text)
    assert result.precision >= FLOOR
    assert result.recall >= FLOOR


def test_labelled_set_recall_per_family() -> None:
    families = by_family(load_labelled(LABELLED))
    for code in sorted(FIRST_FAMILIES):
        fam = families[code]
        print(f"{code}: recall {fam.recall:.3f}, false alarms {len(fam.fp)}")
        assert fam.recall >= FLOOR, code


@pytest.mark.shared
def test_dev_set_precision_and_recall() -> None:
    cases = load_dev_cases(DEV)
    assert sum(c.flag for c in cases) >= 10 and sum(not c.flag for c in cases) >= 3
    raw_flags = [line.split("\t")[2] for line in DEV.read_text(encoding="utf-8").splitlines()[1:]]
    assert len(cases) == sum(f in ("yes", "no") for f in raw_flags)  # 'either' rows skipped
    result = score(cases)
    print("\n" + result.line("dev set"))
    for case in result.fn:
        print("  miss:", case.source, case.text)
    for case, _ in result.fp:
        print("  false alarm:", case.source, case.text)
    assert result.precision >= FLOOR
    assert result.recall >= FLOOR


def _corpus_blocks(text: str) -> list[str]:
    """Paragraphs and list items, with fenced code and inline code removed."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", "CODE", text)
    return [b for b in re.split(r"\n\s*\n|\n(?=\s*[-*|])", text) if b.strip()]


@pytest.mark.shared
def test_every_real_postmortem_is_scanned_without_crash_and_with_few_flags() -> None:
    files = sorted(CORPUS.rglob("*.md"))
    assert len(files) >= 40
    words = 0
    hits = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        words += len(text.split())
        for block in _corpus_blocks(text):
            for hit in find_blame(block):
                assert 0 <= hit.start < hit.end <= len(block)
                hits += 1
    # Real post-mortems are mostly blameless: flags stay rare (fewer than 1 per 1,000 words).
    print(f"\ncorpus: {len(files)} files, {words} words, {hits} hits")
    assert 0 < hits < words / 1000


@pytest.mark.shared
@pytest.mark.parametrize(
    ("relative", "needle", "code"),
    [
        ("dfds", "we failed to verify that KIAM", "BL108"),
        ("kubernetes-test-infra/2019-01-23.md", "This should have been caught in review.", "BL108"),
        ("kubernetes-test-infra/2019-01-23.md", "We should have alerting on config load", None),
    ],
)
def test_known_corpus_sentences(relative: str, needle: str, code: str | None) -> None:
    paths = (
        [CORPUS / relative]
        if relative.endswith(".md")
        else sorted((CORPUS / relative).glob("*.md"))
    )
    blocks = [
        b for p in paths for b in _corpus_blocks(p.read_text(encoding="utf-8")) if needle in b
    ]
    assert blocks, needle
    codes = {h.code for b in blocks for h in find_blame(b) if needle in b}
    if code:
        assert code in codes
    else:
        sentence_hits = [
            h
            for b in blocks
            for h in find_blame(b)
            if b.find(needle) <= h.start < b.find(needle) + len(needle)
        ]
        assert sentence_hits == []
