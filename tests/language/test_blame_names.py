"""The person-name list (data/blame/en/names.txt) written from Faker's first names."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from postmortem.language.blame import find_blame
from postmortem.language.clauses import LIBRARY_NAMES

ROOT = Path(__file__).resolve().parents[2]
NAMES = ROOT / "tools" / "postmortem" / "data" / "blame" / "en" / "names.txt"


def test_the_list_says_where_it_comes_from_and_under_which_licence() -> None:
    head = NAMES.read_text(encoding="utf-8").split("\n", 5)[:5]
    assert any("Faker" in line for line in head)
    assert any("MIT" in line for line in head)
    assert len(LIBRARY_NAMES) > 15_000


def test_names_beyond_the_hand_list_are_people() -> None:
    for name in ("Rasmus", "Søren", "Siddharth", "Thi", "Uma", "Ibrahim", "Ngozi"):
        assert name.lower() in LIBRARY_NAMES, name
        assert [h.code for h in find_blame(f"{name} approved the faulty change.")] == ["BL101"]


def test_english_words_and_products_are_not_names() -> None:
    for word in ("will", "chase", "grant", "hope", "page", "hugo", "loki", "monday"):
        assert word not in LIBRARY_NAMES, word
    # A library name only counts capitalised: "thi" in a chat line is not a person.
    assert find_blame("thi approved the faulty change.") == []


def test_the_list_is_what_the_script_writes() -> None:
    if importlib.util.find_spec("faker") is None:
        pytest.skip("Faker is not installed here (a development tool, not a dependency)")
    if not Path("/usr/share/dict/words").is_file():
        pytest.skip("no /usr/share/dict/words (Debian's wamerican) to filter English words")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import blame_names
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    assert blame_names.build() == NAMES.read_text(encoding="utf-8")
