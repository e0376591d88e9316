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


@pytest.mark.parametrize(("pattern", "text"), MATCH, ids=[f"{p}: {t[:40]}" for p, t in MATCH])
def test_the_prefilter_lets_every_matching_example_through(pattern: str, text: str) -> None:
    # The keys ("word+word" alternatives) only skip blocks the regex cannot match: a key
    # that asks for too much would silently lose findings the examples above still show.
    words = frozenset(re.findall(r"[a-z]+", text.lower()))
    assert BY_ID[pattern].may_match(words), f"{pattern}'s keys refuse {text!r}"


def test_a_class_key_with_a_companion_asks_for_both() -> None:
    fault = BY_ID["possessive-fault"]
    assert fault.may_match(frozenset({"victor", "s", "typo"}))
    assert fault.may_match(frozenset({"bob", "s", "screw", "up"}))  # "screw-up": first run
    assert not fault.may_match(frozenset({"typo", "in", "the", "config"}))  # no possessive
    assert not fault.may_match(frozenset({"it", "s", "down"}))


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


ANCHORED = [p for p in LANG.patterns if p.anchor is not None]


@pytest.mark.parametrize("pattern", [p.id for p in ANCHORED])
def test_an_anchor_finds_what_the_regex_alone_finds(pattern: str) -> None:
    """An anchor is a speed hint: on every example, and on all examples joined into one
    block, the anchored search yields the matches of a plain scan that hold the anchor."""
    from postmortem.language.patterns import _matches

    pat = BY_ID[pattern]
    texts = [*pat.must_match, *pat.must_not_match]
    for text in [*texts, " ".join(texts)]:
        plain = [m.span() for m in pat.regex.finditer(text)]
        anchored = [m.span() for m in _matches(pat, text)]
        assert anchored == plain, (pattern, text)
    assert any(pat.anchor.search(t) for t in pat.must_match)


def test_an_anchor_is_checked_like_the_regex() -> None:
    with pytest.raises(LanguageDataError):
        from postmortem.language.lexicon import _pattern  # noqa: PLC0415

        _pattern(
            {
                "id": "x",
                "code": "BL101",
                "keys": "x",
                "regex": "x",
                "anchor": "(",
                "message": "m",
                "rewrite": "r",
                "examples": {"match": ["x"]},
            },
            {},
            "test",
        )
