"""The examples of every data pattern (postmortem/data/blame/<lang>/patterns.yml) are tests.

Each pattern carries sentences that must match it and look-alikes that must not; a pattern
added to the data is tested by adding its examples, without touching this file.
"""

from __future__ import annotations

import re

import pytest

from postmortem.language.blame import WARNING_CODES, find_blame, match_pattern
from postmortem.language.lexicon import (
    PATTERN_CODES,
    LanguageDataError,
    expand,
    load_language,
)

LANG = load_language("en")
BY_ID = {p.id: p for p in LANG.patterns}
MATCH = [(p.id, text) for p in LANG.patterns for text in p.must_match]
NO_MATCH = [(p.id, text) for p in LANG.patterns for text in p.must_not_match]


@pytest.mark.parametrize(("pattern", "text"), MATCH, ids=[f"{p}: {t[:40]}" for p, t in MATCH])
def test_example_matches(pattern: str, text: str) -> None:
    own = match_pattern(BY_ID[pattern], text)
    assert own, f"pattern {pattern} should match {text!r}"
    for hit in own:
        assert hit.message and hit.suggestion and "{" not in hit.suggestion
    assert find_blame(text), f"{text!r} is flagged (by this pattern or a more specific rule)"


@pytest.mark.parametrize(("pattern", "text"), NO_MATCH, ids=[f"{p}: {t[:40]}" for p, t in NO_MATCH])
def test_example_does_not_match(pattern: str, text: str) -> None:
    assert not match_pattern(BY_ID[pattern], text), f"pattern {pattern} should not match {text!r}"


def test_every_pattern_has_examples_both_ways() -> None:
    for pattern in LANG.patterns:
        assert pattern.must_match, pattern.id
        assert pattern.must_not_match, pattern.id
        assert pattern.message and pattern.rewrite, pattern.id


def test_tiers_follow_the_codes() -> None:
    for code, tier in PATTERN_CODES.items():
        assert (code in WARNING_CODES) == (tier == "warning"), code


def test_class_references_expand_and_unknown_classes_are_errors() -> None:
    regex = expand(r"\b{first_person}\b", LANG.classes)
    assert re.search(regex, "then we left", re.I)
    with pytest.raises(LanguageDataError, match="unknown word class"):
        expand("{no_such_class}", LANG.classes, "patterns.yml")


def test_a_second_language_is_a_folder_of_data() -> None:
    with pytest.raises(LanguageDataError, match="postmortem/data/blame/xx/words.yml"):
        load_language("xx")
