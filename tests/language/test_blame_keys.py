"""The blame detector finds exactly what it found when tests/data/blame-keys.tsv was recorded.

The record holds keys only (set, file, line, start, end, code), no text: every finding on the
project's own Markdown files and labelled sentences, and on every Markdown file of
../shared/corpus line by line. An engine change made for speed must leave it unchanged; a
change of the rules rewrites it on purpose (`benchmarks/blame_keys.py --write`) and the diff
shows what moved.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortem.language.evaluation import blame_keys

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "tests" / "data" / "blame-keys.tsv"
CORPUS = ROOT.parent / "shared" / "corpus"


def _recorded() -> set[tuple[str, ...]]:
    lines = RECORD.read_text(encoding="utf-8").splitlines()
    return {tuple(line.split("\t")) for line in lines if line}


def test_findings_on_the_project_files_are_the_recorded_ones() -> None:
    now = {tuple(map(str, k)) for k in blame_keys(ROOT)}
    recorded = {k for k in _recorded() if k[0] != "corpus"}
    assert len(recorded) > 200
    assert sorted(now - recorded) == [] and sorted(recorded - now) == []


def test_findings_on_the_shared_corpus_are_the_recorded_ones() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not here ({CORPUS}); CI has it")
    now = {tuple(map(str, k)) for k in blame_keys(ROOT, CORPUS) if k[0] == "corpus"}
    recorded = {k for k in _recorded() if k[0] == "corpus"}
    assert len(recorded) > 100
    assert sorted(now - recorded) == [] and sorted(recorded - now) == []
