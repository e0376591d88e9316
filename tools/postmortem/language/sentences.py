"""Sentence splitting with character offsets.

The blameless-wording rules reason about one sentence (and one clause) at a time, and a
finding must point at the exact column, so the splitter returns offsets into the original
text rather than copies. It is deliberately simple and regex-based: post-mortem prose is
short, technical and well punctuated, and a full NLP sentence segmenter would cost more
than all the rules together.
"""

from __future__ import annotations

import bisect
import re

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) when whitespace
# and an upper-case letter, digit, quote, bracket or @handle follow; or at a blank line;
# or at a newline that starts a new list item.
_BOUNDARY = re.compile(
    r"""(?:[.!?…]+["'”’)\]]*\s+(?=["'“‘(\[]?[A-Z0-9@*_`])|\?+\s+|\n[ \t]*\n\s*|\n(?=[ \t]*(?:[-*+]|\d+[.)])\s))"""
)

# Abbreviations whose trailing period is not a sentence end.
_ABBREVIATIONS = frozenset(
    "e.g i.e etc vs cf approx incl mr mrs ms dr st no nr fig al jan feb mar apr jun jul aug "
    "sep sept oct nov dec inc ltd co corp dept est min max sec".split()
)
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.+$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of each sentence in ``text``, whitespace trimmed.

    Offsets index the original string, so ``text[start:end]`` is the sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        piece = text[start : match.start() + len(match.group().rstrip())]
        word = _LAST_WORD.search(piece.rstrip("\"')]”’"))
        if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue  # "e.g. Alice" is not a sentence end
        _append(text, start, match.end(), spans)
        start = match.end()
    _append(text, start, len(text), spans)
    return spans


def _append(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


class SentenceIndex:
    """Find the sentence that contains a character offset, splitting the text only once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = split_sentences(text)
        self._starts = [s for s, _ in self.spans]

    def around(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence containing ``pos`` (or the nearest one before it)."""
        if not self.spans:
            return (0, len(self.text))
        i = bisect.bisect_right(self._starts, pos) - 1
        return self.spans[max(i, 0)]
