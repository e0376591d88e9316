"""Evaluate the blameless-wording detector and list what it flags on real post-mortems.

Run from the repository root:

    .venv/bin/python benchmarks/blame_eval.py            # figures + misses + corpus flags
    .venv/bin/python benchmarks/blame_eval.py --no-corpus

Prints precision/recall/F1 on our labelled set (tests/data/blame-labelled.tsv) and on the
shared development set (../shared/corpus/real-postmortems/blame-dev-cases.tsv), recall per
rule family, every miss and false alarm, the detector's speed, and then every hit on every
Markdown file of the real-post-mortem corpus (file, line, code, sentence) so a person can
judge how many of them are right. The corpus is split naively (paragraphs, list items, table
cells; fenced code and inline code removed) because these files are not in our format, so
chat logs that the document model drops as block quotes are scanned here too.

How the labelled set was built (so its perfect score is read correctly): 187 sentences were
written first and measured once (precision 0.958, recall 0.978) before the rules were tuned
on them; three further batches were then written and each measured once before being added:
40 plain sentences (P 1.00, R 0.95), 40 sentences written to probe known weaknesses (P 0.67,
R 0.90) and 30 plain sentences (P 1.00, R 0.87). The held-out batches are marked
"holdout"/"holdout2"/"holdout3" in the kind column.

Because that set was tuned on, the honest figure is the corpus one: every prose sentence of
the real post-mortems is labelled in tests/data/blame-corpus-labels.tsv by (file, line, n),
with the text read from the corpus at run time. Files sorted by path, every other one held
out (29 files, 973 sentences, 14 blameful); the other 29 are for tuning. Measured before the
rules were changed for them, and after (P precision, R recall):

    held-out half   before P 0.917 R 0.786 (11/14, 1 false alarm)   after P 0.929 R 0.929
    tuning half     before P 1.000 R 0.786 (11/14)                   after P 1.000 R 0.929
    held-out, rows not in the shared dev set: before P 0.80 R 0.57 (4/7), after P 0.86 R 0.86

Two more batches of our own were then written in styles unlike the first set (passives, long
compound sentences, non-native English, subjectless bullets, chat lines outside block quotes,
"we", terse timeline cells, named teams), each measured once before it was tuned on:
"batch4" (90 sentences) P 1.00 R 0.64, "batch5" (45 sentences, written after the batch4
changes, mostly traps for them) P 0.94 R 0.85.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from postmortem.language.blame import CODES, find_blame  # noqa: E402
from postmortem.language.evaluation import (  # noqa: E402
    Case,
    by_family,
    load_corpus_labels,
    load_dev_cases,
    load_labelled,
    score,
    score_corpus,
)
from postmortem.language.sentences import SentenceIndex  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "blame-labelled.tsv"
CORPUS_LABELS = ROOT / "tests" / "data" / "blame-corpus-labels.tsv"
CORPUS = ROOT.parent / "shared" / "corpus" / "real-postmortems"

_INLINE_CODE = re.compile(r"`[^`\n]*`")
_URL = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+")
_BLOCK_START = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+|^\s*#|^\s*\|")


def naive_blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, prose) for each paragraph, list item and table cell of a file."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    in_fence = False

    def flush() -> None:
        if current:
            blocks.append((start, " ".join(current)))
            current.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            flush()
            continue
        if in_fence:
            continue
        if not line.strip():
            flush()
            continue
        line = _URL.sub("]", _INLINE_CODE.sub("CODE", line))
        if line.lstrip().startswith("|"):
            flush()
            for cell in line.strip().strip("|").split("|"):
                if cell.strip() and not set(cell.strip()) <= set("-: "):
                    blocks.append((number, cell.strip()))
            continue
        if _BLOCK_START.match(line):
            flush()
        if not current:
            start = number
        current.append(line.strip().lstrip(">").strip())
    flush()
    return blocks


def print_score(name: str, cases: list[Case]) -> None:
    result = score(cases)
    print(result.line(name))
    for fam, fs in by_family(cases).items():
        label = CODES.get(fam, "(dev-set label)")
        if fs.tp or fs.fn:
            print(
                f"  {fam} {label}: recall {fs.recall:.3f} ({len(fs.tp)}/{len(fs.tp) + len(fs.fn)})"
            )
        if fs.fp:
            print(f"  {fam} {label}: {len(fs.fp)} false alarm(s)")
    for case in result.fn:
        print(f"  MISS  [{case.kind}] {case.source} {case.text}")
    for case, hits in result.fp:
        spans = ", ".join(f"{h.code} '{case.text[h.start : h.end]}'" for h in hits)
        print(f"  FALSE [{case.kind}] {case.source} {case.text}  -> {spans}")
    print()


def speed(cases: list[Case]) -> None:
    texts = [c.text for c in cases]
    paragraph = " ".join(texts[:6])  # a ~100-word paragraph with several hits
    rounds = 200
    t0 = time.perf_counter()
    for _ in range(rounds):
        for t in texts:
            find_blame(t)
    per_sentence = (time.perf_counter() - t0) / (rounds * len(texts))
    t0 = time.perf_counter()
    for _ in range(rounds * 5):
        find_blame(paragraph)
    per_paragraph = (time.perf_counter() - t0) / (rounds * 5)
    print(
        f"speed: {per_sentence * 1e6:.1f} us per labelled sentence, "
        f"{per_paragraph * 1e6:.1f} us per {len(paragraph.split())}-word paragraph"
    )
    print()


def corpus_hits() -> None:
    files = sorted(CORPUS.rglob("*.md"))
    total = 0
    words = 0
    t0 = time.perf_counter()
    rows = []
    for path in files:
        rel = path.relative_to(CORPUS)
        text = path.read_text(encoding="utf-8", errors="replace")
        words += len(text.split())
        for line, block in naive_blocks(text):
            for hit in find_blame(block):
                index = SentenceIndex(block)
                s, e = index.around(hit.start)
                rows.append((rel, line, hit, block[s:e], block[hit.start : hit.end]))
    elapsed = time.perf_counter() - t0
    print(f"corpus: {len(files)} files, {words} words, scanned in {elapsed * 1000:.0f} ms")
    for rel, line, hit, sentence, phrase in rows:
        total += 1
        print(f"{rel}:{line}\t{hit.code}\t[{phrase}]\t{sentence}")
    print(f"corpus: {total} hits")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-corpus", action="store_true", help="skip the corpus scan")
    args = parser.parse_args()
    labelled = load_labelled(LABELLED)
    print_score("labelled set (tests/data/blame-labelled.tsv)", labelled)
    dev = CORPUS / "blame-dev-cases.tsv"
    if dev.exists():
        print_score("dev set (real-postmortems/blame-dev-cases.tsv)", load_dev_cases(dev))
    else:
        print(f"dev set not found at {dev}")
    if CORPUS.is_dir():
        labels = load_corpus_labels(CORPUS_LABELS)
        for split in ("heldout", "tuning"):
            result = score_corpus(CORPUS, [lab for lab in labels if lab.split == split])
            print(result.line(f"corpus {split} half (tests/data/blame-corpus-labels.tsv)"))
            for case in result.fn:
                print(f"  MISS  [{case.kind}] {case.source}")
            for case, hits in result.fp:
                print(f"  FALSE [{case.kind}] {case.source} -> {', '.join(h.code for h in hits)}")
        print()
    speed(labelled)
    if not args.no_corpus:
        if CORPUS.is_dir():
            corpus_hits()
        else:
            print(f"corpus not found at {CORPUS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
