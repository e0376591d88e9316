"""The plain-Python engine gives the scores and matches of the bm25s engine.

`PlainIndex` serves the site, `postmortem similar` and the pull-request path without numpy or
scipy; `SimilarityIndex` (bm25s over sparse matrices) serves large full runs. Which one runs
must never change a suggestion: compared here on the project's examples and on generated
archives, under the default and under permissive settings.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from postmortem.learning import similarity
from postmortem.learning.profile import profile_from_file
from postmortem.learning.similarity import (
    PlainIndex,
    Settings,
    SimilarityIndex,
    build_index,
    not_listed,
    published_other,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "data" / "similarity"
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

LOOSE = Settings(min_shared_words=1, min_score=0.05, min_text=0.01, max_suggestions=50)


def profiles_of(folder: Path, generated: int) -> list:
    paths = [*EXAMPLES.glob("*.md"), *(ROOT / "postmortems").glob("*.md")]
    if generated:
        paths += generate(folder, generated, 300)
    found = [profile_from_file(p) for p in sorted(paths)]
    return [p for p in found if p is not None]


@pytest.mark.parametrize("generated", [0, 60, 240])
@pytest.mark.parametrize("settings", [Settings(), LOOSE])
def test_both_engines_give_the_same_matches_and_scores(tmp_path, generated, settings):
    profiles = profiles_of(tmp_path, generated)
    plain, sparse = PlainIndex(profiles, settings), SimilarityIndex(profiles, settings)
    for row in range(len(profiles)):
        mine, theirs = plain.stem_weights(row), sparse.stem_weights(row)
        assert mine.keys() == theirs.keys()
        assert all(abs(mine[t] - theirs[t]) <= 1e-6 * max(1.0, theirs[t]) for t in mine)
    rows = list(range(len(profiles)))
    for eligible in (published_other, not_listed):
        a, b = plain.neighbours(rows, eligible), sparse.neighbours(rows, eligible)
        assert a.keys() == b.keys()
        compared = 0
        for row in rows:
            assert [m.profile.path for m in a[row]] == [m.profile.path for m in b[row]]
            for x, y in zip(a[row], b[row], strict=True):
                assert x.score == pytest.approx(y.score, abs=1e-9)
                assert x.words == y.words and x.reason() == y.reason()
                compared += 1
        assert compared  # the archives do have matches to compare


def test_the_plain_engine_is_chosen_unless_the_pairs_to_score_are_many(tmp_path, monkeypatch):
    profiles = profiles_of(tmp_path, 0)
    assert isinstance(build_index(profiles), PlainIndex)
    monkeypatch.setattr(similarity, "PLAIN_WORK_LIMIT", 100)
    assert isinstance(build_index(profiles), SimilarityIndex)  # every row asked about
    assert isinstance(build_index(profiles, rows=1), PlainIndex)  # one row asked about


def test_site_learning_and_one_file_do_not_import_numpy_or_scipy():
    """The site's similar incidents and `postmortem similar` use the plain engine: a site
    build does not carry numpy and scipy (about 40 MB) for them."""
    import subprocess

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from postmortem.document import load_document\n"
        "from postmortem.learning.themes import learn\n"
        "from postmortem.learning.profile import profile_from_file\n"
        "from postmortem.learning.similarity import similar\n"
        "paths = sorted(Path(sys.argv[1]).glob('*.md'))\n"
        "found = learn([load_document(p) for p in paths], {})\n"
        "assert any(found.similar.values())\n"
        "profiles = [profile_from_file(p) for p in paths]\n"
        "assert similar(profiles[1:], profiles[0])\n"
        "print(sorted(m for m in ('numpy', 'scipy', 'bm25s') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLES)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _every_pair(index: PlainIndex, rows: list[int]) -> list[tuple[int, list[tuple[int, float]]]]:
    """`PlainIndex._text_rows` the straightforward way: every pair scored from its own sums."""
    import math
    from collections import Counter

    least, floor = index.settings.min_shared_words, index.settings.min_text
    found = []
    for row in rows:
        mine = index.weights[row]
        shared: Counter[int] = Counter()
        for t in mine:
            shared.update(index.postings[t])
        scores = []
        own = index.own[row]
        for other, count in shared.items():
            if count < least or own <= 0 or index.own[other] <= 0:
                continue
            theirs = index.weights[other]
            both = mine.keys() & theirs.keys()
            forward = sum(theirs[t] for t in both)
            backward = sum(mine[t] for t in both)
            value = math.sqrt(min(1.0, max(0.0, forward * backward / (own * index.own[other]))))
            if value >= floor:
                scores.append((other, value))
        found.append((row, scores))
    return found


@pytest.mark.parametrize("settings", [Settings(), LOOSE])
def test_each_pair_scored_once_gives_the_scores_of_every_pair_scored(
    tmp_path, monkeypatch, settings
):
    """Identical floats, not approximately equal ones: for all rows, a subset, repeated rows,
    and with the kept sums limited (`_KEPT_PAIRS`)."""
    profiles = profiles_of(tmp_path, 120)
    index = PlainIndex(profiles, settings)
    every = list(range(len(profiles)))
    same_size = sum(
        len(index.weights[a]) == len(index.weights[b]) for a in every for b in every if a < b
    )
    assert same_size, "no two rows with as many words: the order-sensitive case is not tested"
    for rows in (every, every[::-1], every[::3], [5, 1, 5, 9, 1], []):
        assert list(index._text_rows(rows)) == _every_pair(index, rows)
    monkeypatch.setattr(similarity, "_KEPT_PAIRS", 10)
    assert list(index._text_rows(every)) == _every_pair(index, every)
