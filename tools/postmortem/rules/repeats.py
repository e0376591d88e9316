"""proselint's lexical_illusions matches ("the the"), found in one pass over the words.

proselint finds a repeated phrase with one backreference regex,
`(?<![A-Za-z'-])(\\w+(?:\\s+\\w+){0,3})(\\s+\\1)+(?![A-Za-z'-])`, tried at every position of the
text: a third of proselint's time on a post-mortem. A match is one to four words followed by
whitespace and the same words again, so it can only start where a word is followed, one to
four words later, by a word that repeats it. `RepeatedWords.finditer` lists the words once
(`\\w+` runs), keeps those positions, and runs the very same regex anchored at each of them
only: the matches are those of `pattern.finditer(text)`, found in linear time. Which
positions can start a match:

- a word made of ASCII letters only can start a match at its first letter only (the
  look-behind forbids a letter before the start), and then the word `k` words later
  (k = 1..4) equals it ignoring case (k > 1), or begins with it (k = 1: the last copy may end
  inside a word, before a digit or `_`);
- any other word (digits, `_`, accented letters) may start a match at any of its characters,
  or compare differently under the regex's case folding, so every position in it whose
  previous character passes the look-behind is tried.

tests/rules/test_repeats.py compares the two on generated adversarial text, the test suite's
documents and the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import accumulate, compress
from operator import eq, not_

_WORDS_AND_GAPS = re.compile(r"(\w+)")
_BLOCKED_BEFORE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'-")
# Characters whose lowercase differs between str.lower and the regex engine's case folding
# for a backreference, or which the engine folds onto an ASCII letter (KELVIN SIGN, I WITH
# DOT ABOVE): a text with one is searched with the regex alone.
_FOLDING = ("\u212a", "\u0130")
MAX_WORDS = 4  # the pattern's {0,3}: a phrase of one to four words


class RepeatedWords:
    """The matches of proselint's repeated-phrase pattern, tried only where one can start."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern

    def starts(self, text: str) -> list[int]:
        """Every position where a match can start, in increasing order (a superset)."""
        lowered = text.lower()  # same length: the folding characters are excluded
        # Words and the text between them, alternately: the start of word i is the length of
        # everything before it, summed once for all words without a match object per word.
        parts = _WORDS_AND_GAPS.split(lowered)
        words = parts[1::2]
        count = len(words)
        # Words of ASCII letters start a match at their first letter, when a word one to
        # four words later repeats them (the first one may continue: "the then" is not one,
        # but the pattern checks that).
        chosen = set(compress(range(count), map(str.startswith, words[1:], words)))
        for k in range(2, MAX_WORDS + 1):
            chosen.update(compress(range(count), map(eq, words, words[k:])))
        # Other words (digits, `_`, letters outside ASCII) can start a match inside them.
        if lowered.isascii():
            other = compress(range(count - 1), map(not_, map(str.isalpha, words)))
        else:
            plain = map(bool.__and__, map(str.isascii, words), map(str.isalpha, words))
            other = compress(range(count - 1), map(not_, plain))
        inside: dict[int, list[int]] = {}
        for i in other:
            word = words[i]
            if not word.isascii():
                inside[i] = list(range(len(word)))
                continue
            offsets = set()
            after = words[i + 1]
            if after[0] in word:  # some ending of the word begins the next one
                offsets.update(j for j in range(len(word)) if after.startswith(word[j:]))
            for later in words[i + 2 : i + 1 + MAX_WORDS]:
                if word.endswith(later):
                    offsets.add(len(word) - len(later))
            if offsets:
                inside[i] = sorted(offsets)
        if not chosen and not inside:
            return []
        ends = list(accumulate(map(len, parts)))  # ends[2 * i] is where word i starts
        starts = []
        for i in sorted(chosen.union(inside)):
            start = ends[2 * i]
            if i in inside:
                for j in inside[i]:
                    position = start + j
                    if position == 0 or text[position - 1] not in _BLOCKED_BEFORE:
                        starts.append(position)
            else:
                starts.append(start)
        return starts

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """What `self.pattern.finditer(text)` yields."""
        if any(c in text for c in _FOLDING):
            yield from self.pattern.finditer(text)
            return
        resume = 0
        match = self.pattern.match
        for position in self.starts(text):
            if position < resume:
                continue
            found = match(text, position)
            if found is not None:
                yield found
                resume = found.end() if found.end() > position else position + 1
