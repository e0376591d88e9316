"""Similar post-mortems: BM25 over the words of root cause, contributing factors and actions,
plus shared services and tags.

The text part is BM25 from `bm25s`, chosen after measuring it against scikit-learn's TF-IDF
and rank-bm25 on our labelled pairs (benchmarks/similarity_eval.py): the same precision and
recall at the conservative threshold, three to four times less import time than scikit-learn,
and maintained, unlike rank-bm25. A BM25 score has no fixed scale, so each direction is divided by the query's score against itself, and the two
directions are combined by their geometric mean: `text` is in [0, 1] and symmetric.

    score = text + service_weight * shared services + tag_weight * shared tags

(shared = overlap coefficient: |A ∩ B| / min(|A|, |B|)). A pair is suggested only when
`score >= min_score` and `text >= min_text`: sharing a service is not enough, the two must
also share the words of their causes. A wrong "related" costs more than a missed one, so the
defaults are conservative.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from .profile import FIELD_TITLES, FIELDS, Profile

DEFAULTS: dict[str, Any] = {
    "min_score": 0.35,
    "min_text": 0.2,
    "max_suggestions": 3,
    "service_weight": 0.15,
    "tag_weight": 0.05,
    # Words in more than this share of an archive's post-mortems (and more than MIN_DF_LIMIT
    # of them) say little about a failure and are left out of the text score.
    "max_df": 0.1,
    # A pair must share at least this many words (not counting the common ones above): one
    # rare word in common is a coincidence, not a recurring cause.
    "min_shared_words": 3,
}
MIN_DF_LIMIT = 100
PRIOR_DOCUMENTS = 20
_CHUNK = 256  # query rows per sparse product: bounds memory at 256 x archive floats


class SettingsError(ValueError):
    """A similarity setting that cannot be used."""


@dataclass(frozen=True)
class Settings:
    min_score: float = DEFAULTS["min_score"]
    min_text: float = DEFAULTS["min_text"]
    max_suggestions: int = DEFAULTS["max_suggestions"]
    service_weight: float = DEFAULTS["service_weight"]
    tag_weight: float = DEFAULTS["tag_weight"]
    max_df: float = DEFAULTS["max_df"]
    min_shared_words: int = DEFAULTS["min_shared_words"]

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Settings:
        """From the LE101 rule settings (`rules: {LE101: {min_score: 0.5}}`)."""
        values: dict[str, Any] = {}
        for name, default in DEFAULTS.items():
            if name not in options:
                continue
            value = options[name]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SettingsError(f"`{name}` must be a number")
            if isinstance(default, int) and not isinstance(default, bool):
                if not isinstance(value, int) or not 1 <= value <= 50:
                    raise SettingsError(f"`{name}` must be a whole number from 1 to 50")
            elif not 0 <= value <= 2:
                raise SettingsError(f"`{name}` must be between 0 and 2")
            values[name] = value
        return cls(**values)


def _overlap(a: Iterable[str], b: Iterable[str]) -> tuple[float, tuple[str, ...]]:
    left = {x.strip().lower(): x for x in a if x.strip()}
    right = {x.strip().lower() for x in b if x.strip()}
    shared = [left[k] for k in left if k in right]
    if not left or not right:
        return 0.0, ()
    return len(shared) / min(len(left), len(right)), tuple(shared)


@dataclass(frozen=True)
class Match:
    """Another post-mortem close to the one asked about, and why."""

    profile: Profile
    score: float
    text: float
    services: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    words: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (field, matching words)

    def reason(self) -> str:
        parts = []
        if self.services:
            parts.append("same service" + ("s" if len(self.services) > 1 else "") + ": "
                         + ", ".join(self.services))  # fmt: skip
        if self.tags:
            parts.append("same tag" + ("s" if len(self.tags) > 1 else "") + ": "
                         + ", ".join(self.tags))  # fmt: skip
        for name, found in self.words:
            parts.append(f"matching words in {FIELD_TITLES.get(name, name)}: {', '.join(found)}")
        return "; ".join(parts) or "similar wording"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.profile.id,
            "path": self.profile.path,
            "title": self.profile.title,
            "score": round(self.score, 3),
            "text": round(self.text, 3),
            "services": list(self.services),
            "tags": list(self.tags),
            "words": {name: list(found) for name, found in self.words},
            "reason": self.reason(),
        }


class _Index:
    """What both text engines share: the service and tag bonus, the choice of the best
    neighbours, and the reasons. An engine gives `_text_rows` (the normalised text score of
    each row against the others it shares enough words with) and `stem_weights`."""

    profiles: list[Profile]
    settings: Settings

    def __len__(self) -> int:
        return len(self.profiles)

    def _text_rows(self, rows: list[int]) -> Iterable[tuple[int, list[tuple[int, float]]]]:
        raise NotImplementedError

    def stem_weights(self, row: int) -> dict[str, float]:
        """The BM25 weight of each (not common) word of a row."""
        raise NotImplementedError

    def neighbours(
        self,
        rows: Sequence[int],
        eligible: Callable[[Profile, Profile], bool] | None = None,
    ) -> dict[int, list[Match]]:
        """The suggested neighbours of each row, best first (at most `max_suggestions`)."""
        settings = self.settings
        rows = list(rows)
        if not len(self):
            return {row: [] for row in rows}
        names = [
            ({v.strip().lower() for v in p.services if v.strip()},
             {v.strip().lower() for v in p.tags if v.strip()})
            for p in self.profiles
        ]  # fmt: skip
        found: dict[int, list[Match]] = {}
        for row, scores in self._text_rows(rows):
            scored = []
            services, tags = names[row]
            for other, value in scores:
                if other == row:
                    continue
                theirs, their_tags = names[other]
                total = value
                if services and theirs:
                    total += settings.service_weight * (
                        len(services & theirs) / min(len(services), len(theirs))
                    )
                if tags and their_tags:
                    total += settings.tag_weight * (
                        len(tags & their_tags) / min(len(tags), len(their_tags))
                    )
                if total >= settings.min_score:
                    scored.append((-total, self.profiles[other].path, other, value))
            found[row] = self._best(row, sorted(scored), eligible)
        return found

    def _best(
        self,
        row: int,
        scored: list[tuple[float, str, int, float]],
        eligible: Callable[[Profile, Profile], bool] | None,
    ) -> list[Match]:
        query = self.profiles[row]
        matches = []
        for _total, _path, other, text in scored:  # best first; stops at the limit
            if eligible is not None and not eligible(query, self.profiles[other]):
                continue
            matches.append(self.match(row, other, text))
            if len(matches) == self.settings.max_suggestions:
                break
        return matches

    def match(self, row: int, other: int, text: float) -> Match:
        query, profile = self.profiles[row], self.profiles[other]
        service_share, services = _overlap(query.services, profile.services)
        tag_share, tags = _overlap(query.tags, profile.tags)
        score = (
            text
            + self.settings.service_weight * service_share
            + self.settings.tag_weight * tag_share
        )
        return Match(profile, score, text, services, tags, self.matching_words(row, other))

    def matching_words(
        self, row: int, other: int, per_field: int = 4
    ) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The query's words, per field, that the other post-mortem also uses, those that
        weigh most in both first."""
        query = self.profiles[row]
        mine, yours = self.stem_weights(row), self.stem_weights(other)
        theirs = set(self.profiles[other].all_terms)

        def weight(stem: str) -> float:
            return mine.get(stem, 0.0) * yours.get(stem, 0.0)

        out = []
        for name in FIELDS:
            stems = [s for s in dict.fromkeys(query.terms.get(name, ())) if s in theirs]
            if not stems:
                continue
            stems.sort(key=lambda s: (-weight(s), s))
            out.append((name, tuple(query.surface.get(s, s) for s in stems[:per_field])))
        return tuple(out)


class SimilarityIndex(_Index):
    """Every profile of an archive, indexed once with bm25s and sparse matrices (numpy,
    scipy): the engine for many rows of a large archive, such as a full `validate`."""

    def __init__(self, profiles: Sequence[Profile], settings: Settings | None = None):
        import bm25s  # lazy: numpy, scipy and bm25s cost a few tenths of a second to import
        import numpy as np
        from scipy import sparse

        self.np = np
        self.profiles = list(profiles)
        self.settings = settings or Settings()
        words = [p.all_terms for p in self.profiles]
        # Sorted, so that word ids do not depend on the order of the files.
        vocabulary = {t: n for n, t in enumerate(sorted(set().union(*words)))}
        ids = [list(map(vocabulary.__getitem__, terms)) for terms in words]
        self.vocabulary = vocabulary
        self.stems = list(vocabulary)
        n, size = len(ids), max(len(vocabulary), 1)
        if any(ids):
            model = bm25s.BM25()
            # bm25s wants every document non-empty: an empty one gets a term of its own.
            padded = [row or [size] for row in ids]
            # Word rarity as if the archive held PRIOR_DOCUMENTS more post-mortems sharing
            # none of these words (of average length, so lengths are judged as before): in
            # an archive of three, a word two of them use is not yet a common word.
            length = max(1, round(sum(map(len, padded)) / len(padded)))
            padded += [[size + 1 + k] * length for k in range(PRIOR_DOCUMENTS)]
            names = {**vocabulary, "\x00": size}
            names.update({f"\x00{k}": size + 1 + k for k in range(PRIOR_DOCUMENTS)})
            model.index(
                bm25s.tokenization.Tokenized(ids=padded, vocab=names),
                show_progress=False,
                leave_progress=False,
            )
            scores = model.scores
            weights = sparse.csc_matrix(
                (scores["data"], scores["indices"], scores["indptr"]),
                shape=(n + PRIOR_DOCUMENTS, len(scores["indptr"]) - 1),
            )
            self.weights = weights[:n, :size].tocsr()
        else:
            self.weights = sparse.csr_matrix((n, size))
        rows = [r for r, row in enumerate(ids) for _ in set(row)]
        cols = [c for row in ids for c in set(row)]
        terms = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(n, size), dtype=np.float64
        )
        frequency = np.asarray(terms.sum(axis=0)).ravel()
        common = frequency > max(self.settings.max_df * n, MIN_DF_LIMIT)
        if common.any():
            keep = sparse.diags((~common).astype(np.float64))
            terms = (terms @ keep).tocsr()
            self.weights = (self.weights @ keep).tocsr()
            terms.eliminate_zeros()
            self.weights.eliminate_zeros()
        self.terms = terms
        self.own = np.asarray(self.terms.multiply(self.weights).sum(axis=1)).ravel()

    def text_scores(self, rows: Sequence[int]) -> Any:
        """Symmetric, normalised text similarity of the given rows against every profile, as
        a sparse matrix: only pairs that share a word have a score, so the cost follows the
        words shared, not the square of the archive."""
        from scipy import sparse

        np = self.np
        with np.errstate(divide="ignore"):
            inverse = np.where(self.own > 0, 1.0 / np.maximum(self.own, 1e-12), 0.0)
        forward = (self.terms[rows] @ self.weights.T).tocsr()  # query words in each doc
        backward = (self.weights[rows] @ self.terms.T).tocsr()  # each doc's words in query
        there = sparse.diags(inverse[list(rows)]) @ forward
        back = backward @ sparse.diags(inverse)
        product = there.multiply(back).tocsr()
        product.data = np.sqrt(np.clip(product.data, 0.0, 1.0))
        shared = (self.terms[rows] @ self.terms.T).tocsr()  # words in common, per pair
        shared.data = (shared.data >= self.settings.min_shared_words).astype(np.float64)
        product = product.multiply(shared).tocsr()
        product.data[product.data < self.settings.min_text] = 0.0
        product.eliminate_zeros()
        return product

    def _text_rows(self, rows: list[int]) -> Iterable[tuple[int, list[tuple[int, float]]]]:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            text = self.text_scores(chunk)
            for k, row in enumerate(chunk):
                begin, end = text.indptr[k], text.indptr[k + 1]
                yield (
                    row,
                    list(
                        zip(
                            text.indices[begin:end].tolist(),
                            text.data[begin:end].tolist(),
                            strict=True,
                        )
                    ),
                )

    def stem_weights(self, row: int) -> dict[str, float]:
        cache = self.__dict__.setdefault("_weights_of", {})
        if row in cache:
            return cache[row]
        if len(cache) > 4096:
            cache.clear()
        start, end = self.weights.indptr[row], self.weights.indptr[row + 1]
        cache[row] = {
            self.stems[c]: w
            for c, w in zip(
                self.weights.indices[start:end].tolist(),
                self.weights.data[start:end].tolist(),
                strict=True,
            )
        }
        return cache[row]


@dataclass(frozen=True)
class ArchiveStats:
    """What BM25 needs to know of the whole archive: how many post-mortems, their total
    length (in words; an empty one counts 1) and in how many each word appears."""

    count: int
    total_length: int
    frequency: Mapping[str, int]

    @classmethod
    def of(cls, counts: Sequence[Mapping[str, int]]) -> ArchiveStats:
        frequency: Counter[str] = Counter()
        for words in counts:
            frequency.update(words.keys())
        return cls(len(counts), sum(sum(c.values()) or 1 for c in counts), frequency)


class PlainIndex(_Index):
    """The same scores as `SimilarityIndex`, in plain Python over an inverted index.

    BM25 as bm25s computes it (its default "lucene" variant: k1 1.5, b 0.75, with the idf and
    each weight rounded to 32-bit floats as bm25s stores them), so that both engines rank
    alike (tests/learning/test_plain_index.py compares them). No numpy, scipy or bm25s: a site
    build or a pull request's check of a few rows does not pay their import and memory (about
    40 MB), and the cost follows the rows asked about. `stats` is the whole archive's when
    `profiles` holds only some of it (the rows asked about and every post-mortem that can
    match them); by default it is counted from `profiles`.
    """

    K1 = 1.5
    B = 0.75

    def __init__(
        self,
        profiles: Sequence[Profile],
        settings: Settings | None = None,
        stats: ArchiveStats | None = None,
    ):
        self.profiles = list(profiles)
        self.settings = settings or Settings()
        counts = [Counter(p.all_terms) for p in self.profiles]
        stats = stats or ArchiveStats.of(counts)
        self.stats = stats
        n = stats.count
        limit = max(self.settings.max_df * n, MIN_DF_LIMIT)
        frequency = stats.frequency
        self.weights: list[dict[str, float]] = []
        self.postings: dict[str, list[int]] = {}
        if n:
            prior = max(1, round(stats.total_length / n))
            documents = n + PRIOR_DOCUMENTS
            average = (stats.total_length + PRIOR_DOCUMENTS * prior) / documents
            idf: dict[str, float] = {}
            for row, words in enumerate(counts):
                kept = [t for t in words if frequency.get(t, 0) <= limit]
                for t in kept:
                    if t not in idf:
                        df = frequency.get(t, 1) or 1
                        idf[t] = _float32(math.log(1 + (documents - df + 0.5) / (df + 0.5)))
                    self.postings.setdefault(t, []).append(row)
                norm = self.K1 * ((1 - self.B) + self.B * (sum(words.values()) or 1) / average)
                raw = [idf[t] * (words[t] / (norm + words[t])) for t in kept]
                self.weights.append(dict(zip(kept, _float32_list(raw), strict=True)))
        self.own = [sum(w.values()) for w in self.weights]

    def stem_weights(self, row: int) -> dict[str, float]:
        return self.weights[row]

    def _text_rows(self, rows: list[int]) -> Iterable[tuple[int, list[tuple[int, float]]]]:
        """Each row's score against every row sharing enough words with it.

        A pair of rows both asked about is scored once: the first row keeps the two sums for
        the second, which would add the same weights in the same order (the words both have,
        listed by the smaller of the two rows: `a.keys() & b.keys()` iterates over the smaller
        view, either way round). Rows with as many words as each other are scored twice,
        since their shared words may then be listed in another order (another float sum).
        tests/learning/test_plain_index.py compares this with scoring every pair."""
        least, floor = self.settings.min_shared_words, self.settings.min_text
        later = set(rows)  # rows still to be scored
        kept: dict[tuple[int, int], tuple[float, float]] = {}  # (row, other) -> sums
        postings = self.postings
        for row in rows:
            later.discard(row)
            mine = self.weights[row]
            # Every other row once per word it shares, counted in one call (the same counts,
            # first seen in the same order, as one update per word).
            shared = Counter(chain.from_iterable(map(postings.__getitem__, mine)))
            scores = []
            own = self.own[row]
            for other, count in shared.items():
                if count < least or own <= 0 or self.own[other] <= 0:
                    continue
                sums = kept.pop((row, other), None)
                if sums is None:
                    theirs = self.weights[other]
                    both = mine.keys() & theirs.keys()
                    # map over the same set: the same terms in the same order as a
                    # generator (identical float sums), without a Python frame per term.
                    forward = sum(map(theirs.__getitem__, both))
                    backward = sum(map(mine.__getitem__, both))
                    if other in later and len(theirs) != len(mine) and len(kept) < _KEPT_PAIRS:
                        kept[(other, row)] = (backward, forward)
                else:
                    forward, backward = sums
                value = math.sqrt(min(1.0, max(0.0, forward * backward / (own * self.own[other]))))
                if value >= floor:
                    scores.append((other, value))
            yield row, scores


# At most this many pair sums kept for the rows still to be scored (about 20 MB).
_KEPT_PAIRS = 100_000


def _float32(value: float) -> float:
    return array("f", (value,))[0]


def _float32_list(values: list[float]) -> list[float]:
    return array("f", values).tolist()


# Past this much work (pairs of post-mortems sharing an uncommon word, counted per row asked
# about) the sparse-matrix engine is faster than plain Python; below it plain Python is
# cheaper to start and needs no numpy. Measured (CPU, every row's neighbours): 300 generated
# post-mortems, work 0.87 M: plain 0.43 s, sparse 0.39 s with its imports; 10,000 generated,
# work 3.8 M: plain 0.62 s, sparse 1.32 s.
PLAIN_WORK_LIMIT = 5_000_000


def build_index(
    profiles: Sequence[Profile], settings: Settings | None = None, rows: int | None = None
) -> _Index:
    """The cheaper engine for this archive: `PlainIndex` unless the pairs to score (for
    `rows` rows asked about, default all) are many; both give the same matches."""
    settings = settings or Settings()
    counts = [Counter(p.all_terms) for p in profiles]
    stats = ArchiveStats.of(counts)
    n = stats.count
    limit = max(settings.max_df * n, MIN_DF_LIMIT)
    work = sum(df * df for df in stats.frequency.values() if df <= limit)
    if rows is not None and n:
        work = work * rows // n
    if work > PLAIN_WORK_LIMIT:
        return SimilarityIndex(profiles, settings)
    return PlainIndex(profiles, settings, stats)


def published_other(query: Profile, candidate: Profile) -> bool:
    """Suggest only published, unrestricted post-mortems other than the query itself."""
    if not candidate.published:
        return False
    if candidate.path == query.path:
        return False
    return not (query.id and candidate.id == query.id)


def not_listed(query: Profile, candidate: Profile) -> bool:
    """Published, and not already in the query's `related:` (either way round)."""
    if not published_other(query, candidate):
        return False
    if candidate.id and candidate.id in query.related:
        return False
    return not (query.id and query.id in candidate.related)


def similar(
    profiles: Sequence[Profile],
    query: Profile,
    settings: Settings | None = None,
    eligible: Callable[[Profile, Profile], bool] = published_other,
) -> list[Match]:
    """The post-mortems of an archive closest to `query` (which may be outside the archive)."""
    pool = [p for p in profiles if p.path != query.path]
    index = build_index([*pool, query], settings, rows=1)
    return index.neighbours([len(pool)], eligible)[len(pool)]


def score_label(value: float) -> str:
    return f"{value:.2f}" if math.isfinite(value) else "–"
