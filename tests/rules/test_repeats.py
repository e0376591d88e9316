"""The linear repeated-phrase finder gives exactly proselint's lexical_illusions matches."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from proselint.checks.lexical_illusions import check as lexical_illusions

from postmortem.document import load_document
from postmortem.rules.prose import run_check
from postmortem.rules.repeats import RepeatedWords

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

PATTERN = lexical_illusions.engine.compiled_pattern(lexical_illusions.check_type.pattern)
FAST = RepeatedWords(PATTERN)

# Words and separators that meet every branch of the pattern: case, digits and `_` before or
# after a word, letters outside ASCII (and case folding that differs from str.lower), the
# look-around characters, the had-had/that-that exceptions, phrases of one to five words.
WORDS = [
    "the", "The", "THE", "then", "a", "A", "had", "that", "1the", "the1", "_the", "the_",
    "é", "É", "éa", "x2", "2", "22", "İ", "i", "ı", "I", "K", "k", "\u212a", "ß", "SS", "ss",
    "ab", "abab", "on", "call", "on-call", "it's", "it", "s", "Ǆ", "ǆ", "ǅ", "Σ", "σ", "ς",
]  # fmt: skip
SEPARATORS = [" ", " ", "  ", "\n", "\n\n", "", "-", ",", "'", "\t", " \u00a0", ". "]


def spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@pytest.mark.slow
@settings(max_examples=settings().max_examples * 10)  # the project's profile, more examples
@given(
    st.lists(
        st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=1, max_size=16
    )
)
def test_same_matches_as_the_regex_on_adversarial_text(parts) -> None:
    text = "".join(word + sep for word, sep in parts)
    assert spans(FAST.finditer(text)) == spans(PATTERN.finditer(text))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("aAbB1_é \n-'."), max_size=60))
def test_same_matches_on_any_text(text: str) -> None:
    assert spans(FAST.finditer(text)) == spans(PATTERN.finditer(text))


def test_repeated_phrases_of_one_to_four_words() -> None:
    text = "We saw the the alert. Then the cache the cache filled, and a b c d a b c d e."
    found = [m.group(0) for m in FAST.finditer(text)]
    assert found == ["the the", "the cache the cache", "a b c d a b c d"]
    assert found == [m.group(0) for m in PATTERN.finditer(text)]


def documents() -> list[Path]:
    files = sorted((ROOT / "postmortems").glob("*.md")) + sorted(ROOT.glob("tests/**/*.md"))
    if CORPUS.is_dir():
        files += sorted(CORPUS.rglob("*.md"))
    return files


def prose_of(path: Path) -> str:
    doc = load_document(path)
    return "\n\n".join(b.text for b in doc.prose) + "\n" + doc.text


def results(found) -> list[tuple]:
    return [(r.span, r.check_path, r.message, r.replacements) for r in found]


@pytest.mark.slow
def test_same_results_as_proselint_on_the_suite_and_corpus(tmp_path: Path) -> None:
    """On every post-mortem of the project, the tests, generated reports and (when present)
    the shared corpus: the documents' prose and raw text give the same results."""
    paths = documents() + generate(tmp_path, 30, 1600, seed=7)
    texts = [prose_of(p) for p in paths]
    rng = random.Random(3)
    for text in texts[:40]:  # the same text with words doubled at random, as a typo would
        words = text.split(" ")
        for _ in range(20):
            i = rng.randrange(len(words))
            words.insert(i, words[i])
        texts.append(" ".join(words))
    hits = 0
    for text in texts:
        expected = results(lexical_illusions.check_with_flags(text))
        assert results(run_check(lexical_illusions, text)) == expected
        hits += len(expected)
    assert hits > 100  # the comparison met many real matches, not only empty lists


def test_corpus_present_or_skipped() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (a clone has none)")
    assert any(CORPUS.rglob("*.md"))


class Counting:
    def __init__(self) -> None:
        self.calls = 0

    def match(self, text: str, position: int):
        self.calls += 1
        return PATTERN.match(text, position)

    def finditer(self, text: str):
        return PATTERN.finditer(text)


@pytest.mark.parametrize(
    "unit", ["the cat sat on a mat. ", "1234 5678 ", "é_1 x_2 ", "the the then "]
)
def test_regex_tries_grow_linearly(unit: str) -> None:
    """The anchored regex is tried at most a bounded number of times per character."""
    tries = []
    for n in (200, 800):
        counting = Counting()
        finder = RepeatedWords(counting)  # type: ignore[arg-type]
        list(finder.finditer(unit * n))
        tries.append(counting.calls)
    assert tries[1] <= 4 * tries[0] + 4
