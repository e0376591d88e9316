"""Prefilters of the blame rules: which words a block must hold for a rule to run."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain


def _kw(words: str) -> frozenset[str]:
    return frozenset(words.split())


class _Gate:
    """A rule's prefilter finer than one key word: "call+bad call+poor" lets the rule run on
    a block holding "call" only with "bad" or "poor" as well (the words of the block are its
    lower-case letter runs). Every alternative must be implied by every match of the rule's
    regular expression, so the gate never changes what the rule finds, only how often it runs;
    tests/language/test_blame_keys.py holds the findings to a record."""

    def __init__(
        self, spec: str = "", alternatives: Iterable[tuple[str, frozenset[str]]] = ()
    ) -> None:
        """``spec`` as above; ``alternatives`` adds (key, partner words) pairs, where no
        partners let the key open the gate alone."""
        together: dict[str, list[frozenset[str]]] = {}
        parsed = ((first, frozenset(rest)) for first, *rest in (a.split("+") for a in spec.split()))
        for first, rest in chain(parsed, alternatives):
            together.setdefault(first, []).append(rest)
        self.keys = frozenset(together)
        self.together = {k: tuple(v) for k, v in together.items()}

    def opens(self, words: frozenset[str]) -> bool:
        if self.keys.isdisjoint(words):  # the common case, and no set is built for it
            return False
        for key in self.keys.intersection(words):
            if any(rest <= words for rest in self.together[key]):
                return True
        return False
