"""A trained sentence classifier as a second stage for blameless wording: a measured negative result.

Run from the repository root (the shared corpus is needed):

    .venv/bin/python benchmarks/blame_train.py            # the chosen model, per organisation
    .venv/bin/python benchmarks/blame_train.py --grid     # every configuration (about 7 min)
    .venv/bin/python benchmarks/blame_train.py --probe    # also the neutral probe and speed
    .venv/bin/python benchmarks/blame_train.py --sections # add the heading words as features

Issue 10 asked whether a small trained model, shipped as data and scoring the sentences the
rules say nothing about, would raise recall on text never tuned on (the borderline kinds:
self-blame, lapse, be-more-careful, named-trigger, hindsight) within the false-alarm budget.
It does not, so nothing of it is in the package: no model file, no code, no finding. This
script is what was measured; its figures below are from one run of each command (CPU figures
on the shared 2-core machine under load).

The model: L2-regularised logistic regression (scipy L-BFGS, deterministic) over binary
features of one sentence: lower-cased word unigrams and bigrams (known given names and
document people as <name>, @handles as <handle>, URLs as url), the first word (imperatives),
and four structural features from the engine's word classes (first person; a person: role,
person pronoun, name or handle; should/could/must have; a negated verb). Features seen in
fewer than two training documents are dropped. Inference would be plain Python (a set of
strings and a dict lookup per feature).

Data (all of it may be trained on; none of its text is copied into the project):

- ../shared/corpus/labelled-dev/labels.tsv: every sentence of 19 organisations, strict or
  borderline = blameful, clean = not; the rules' verdict is the line-by-line run of
  evaluation.run_dev_corpus (a hit overlapping the sentence);
- tests/data/blame-corpus-labels.tsv: the real-postmortems keys (4 organisations, the text
  read from ../shared at run time), "either" rows left out; the rules' verdict is a hit
  starting inside the sentence of its block, as evaluation.score_corpus counts;
- tests/data/blame-labelled.tsv and blame-written.tsv: our own written sentences, in the
  training side of every fold (they belong to no organisation and are never scored here).

8,775 examples (468 blameful): 8,103 real sentences from 23 organisations, 133 of them
blameful (15 strict), of which the rules miss 33; and 672 written rows.

Evaluation: leave one organisation out (23 folds). Every choice is compared on out-of-fold
scores only. The model speaks only where the rules say nothing, so "rules OR model" adds
exactly the model's flags on rule-silent sentences. The threshold is the lowest whose extra
false alarms stay at or under 1 per 1,000 sentences (8 on 8,103); it is chosen "pooled" (one
threshold on all out-of-fold scores, optimistic) and "nested" (for each organisation, on the
other organisations' out-of-fold scores only: the honest per-organisation figure).

Grid (--grid, 128 configurations): features unigrams / +bigrams / +first word and structural
/ +who-did-what pairs (a person, a role, a name or "we" paired with each of the next two
words, so that "we forgot", "the engineer forgot" and "<name> forgot" share a feature); C 0.03,
0.1, 0.3, 1; class-balanced or not; trained on every sentence or only on those the rules miss;
with or without our written sets. Blameful sentences added on top of the rules (pooled
threshold) at +1 / +2 / +5 / +10 / +20 false alarms per 1,000, and ranking quality (AUC: the
chance a blameful sentence scores above a clean one), a few representative rows:

    configuration                         AUC    AUC on rule-silent   added at +1/2/5/10/20
    uni    C=0.1 balanced, +written       0.778  0.717                +0 +1 +1 +2 +5
    uni    C=0.3 raw,      corpus only    0.798  0.739                +0 +0 +1 +3 +5
    bi     C=1   balanced, +written       0.770  0.725                +0 +0 +2 +5 +8
    all    C=0.1 balanced, +written       0.777  0.721                +0 +0 +1 +3 +8
    all    C=1   raw,      corpus only    0.777  0.713                +1 +1 +2 +3 +3  (best)
    all    C=0.1 balanced, rule-silent    0.654  0.485                +0 +0 +0 +0 +0
    all    C=0.3 balanced, +sections      0.774  0.716                +0 +0 +1 +2 +7
    who    C=0.3 balanced, +written       0.779  0.729                +0 +0 +1 +4 +7
    who    C=0.1 balanced, corpus only    0.780  0.708                +1 +1 +1 +2 +3

No configuration adds more than 1 blameful sentence (of 133) within the budget; the best adds
1 (+0.008, the adoption bar was +0.05). Training only on rule-silent sentences is worse
(AUC near 0.5 on them: 33 positives is too few). Heading words as features (the section a
sentence is under, e.g. "What went wrong"; --sections) and who-did-what pairs do not help
either.

Per organisation, the best configuration, nested threshold (strict and all-blameful recall,
false alarms with per 1,000; rules / model alone at the same threshold / rules OR model):

    organisation           sent   strict r / m / both   all-blameful rules / model / both         false alarms r / m / both
    2i2c                    339     - / - / -           0.25 (1/4)   / 0.00 (0/4)  / 0.25 (1/4)   0 / 0 / 0
    alantech-iasql          269     - / - / -           0.75 (3/4)   / 0.25 (1/4)  / 0.75 (3/4)   0 / 2 / 2 (7.4)
    cocoapods               219     - / - / -           -                                        0 / 0 / 0
    dfds                   1073     - / - / -           0.92 (12/13) / 0.31 (4/13) / 0.92 (12/13) 1 / 3 / 4 (3.7)
    goatcounter              13     - / - / -           0.00 (0/2)   / 0.00 (0/2)  / 0.00 (0/2)   0 / 0 / 0
    hachyderm               789   0/1 / 0 / 0           0.30 (3/10)  / 0.00 (0/10) / 0.30 (3/10)  8 / 2 / 9 (11.4)
    homebrew                 47     - / - / -           -                                        0 / 0 / 0
    jd4883                   30     - / - / -           -                                        0 / 0 / 0
    joshschmelzle            21     - / - / -           -                                        0 / 0 / 0
    kubernetes-test-infra   218     - / - / -           1.00 (5/5)   / 0.00 (0/5)  / 1.00 (5/5)   0 / 0 / 0
    moj-cloud-platform     1155   2/2 / 0 / 2           0.85 (11/13) / 0.00 (0/13) / 0.85 (11/13) 0 / 0 / 0
    notional                 79   1/3 / 0 / 1           0.25 (1/4)   / 0.00 (0/4)  / 0.25 (1/4)   2 / 0 / 2 (25.3)
    opensuse-obs           1613   1/1 / 0 / 1           0.93 (39/42) / 0.02 (1/42) / 0.95 (40/42) 1 / 0 / 1 (0.6)
    osmf-owg                343     - / - / -           0.00 (0/1)   / 0.00 (0/1)  / 0.00 (0/1)   0 / 0 / 0
    pypi-warehouse          342     - / - / -           1.00 (2/2)   / 0.00 (0/2)  / 1.00 (2/2)   1 / 0 / 1 (2.9)
    rust-lang-blog          306     - / - / -           1.00 (8/8)   / 0.00 (0/8)  / 1.00 (8/8)   0 / 2 / 2 (6.5)
    terra-rebels             76   6/7 / 0 / 6           0.62 (8/13)  / 0.00 (0/13) / 0.62 (8/13)  0 / 0 / 0
    turboflakes              54     - / - / -           0.00 (0/2)   / 0.00 (0/2)  / 0.00 (0/2)   0 / 0 / 0
    tzbtc-bridge             69     - / - / -           -                                        0 / 0 / 0
    va-gov                  318     - / - / -           0.50 (2/4)   / 0.00 (0/4)  / 0.50 (2/4)   0 / 1 / 1 (3.1)
    wire                     50     - / - / -           -                                        0 / 0 / 0
    wobscale                 11   1/1 / 0 / 1           1.00 (1/1)   / 0.00 (0/1)  / 1.00 (1/1)   0 / 0 / 0
    yearn                   669     - / - / -           0.80 (4/5)   / 0.00 (0/5)  / 0.80 (4/5)   0 / 0 / 0
    ALL                    8103  11/15 / 0 / 11         0.75 (100/133) / 0.05 (6/133) / 0.76 (101/133)
                                                                                  13 (1.6) / 10 (1.2) / 22 (2.7)

(The rules' recall is high on the organisations they were tuned on: dfds, kubernetes,
moj, opensuse-obs ...; on the ten organisations held out from rule tuning it is 8/28, and
the model adds 0 there.) The nested threshold even overshoots the budget by one (22 - 13 = 9
extra false alarms). The model alone is far behind the rules at the same false-alarm rate:
6/133 against 100/133. A larger budget buys little: +2 at +5 per 1,000 (40 extra false
alarms), +3 at +20 per 1,000 (162).

Read the rules column as what the rules do, not as a held-out figure for them: they were
tuned by hand on some of these organisations (the nine tuning organisations and half of the
real-postmortems files when the table above was measured, on the rules of main at 3d2b562).
Only the model's figures are held out.

Measured again after merging the rule changes of the same day (main at 2fa182e; our written
sets had grown to 876 rows): the rules now find 15/15 strict and 120/133 blameful with 6
false alarms (0.7 per 1,000) on these sentences, and the model, same configuration, adds +0
within the budget (nested: 120/133, 15 false alarms = rules + 9), +1 at +5 per 1,000 and +1
at +20 per 1,000 (AUC 0.776; 0.617 on the rule-silent sentences, where 13 are blameful).
Per organisation the model adds nothing anywhere.

Why: 133 real blameful sentences (33, later 13, the rules miss) spread over a dozen kinds and 23
organisations are too few for word statistics to separate "we forgot to restart the worker"
from the thousands of clean sentences that share its words; what the rules get right is the
combination of a person and a verb of failure, which a bag of words sees only as two common
words. At a base rate of 0.4% among rule-silent sentences, an AUC of 0.7 is nowhere near the
precision of 1 false alarm per 1,000.

Neutral probe (--probe: the sentences of benchmarks/blame_neutral.py, the model trained on
everything, alone): 92 of 593,125 sentences reach the threshold (0.16 per 1,000; the rules
give 0.73), an upper bound of what it would add there.

Speed (--probe): features and score cost 10-16 us CPU per sentence in plain Python; a generated post-mortem (benchmarks/generate.py, 1,600 words) has
171 sentences in its title, headings, prose and cells, so 1.8-2.7 ms per file, 6-9 times the
0.3 ms budget, unless gated by words (which would be rules again).

Privacy: the features kept are those seen in at least two training documents; no model file
is written, so nothing of the corpus leaves it.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

# One BLAS thread: the fits are small, and threads on a shared machine make them 20x slower.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy import optimize, sparse  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from postmortem.language.blame import find_blame  # noqa: E402
from postmortem.language.clauses import (  # noqa: E402
    _LANG,
    AMBIGUOUS_NAMES,
    GIVEN_NAMES,
    LIBRARY_NAMES,
)
from postmortem.language.evaluation import (  # noqa: E402
    corpus_sentences,
    dev_line_text,
    load_corpus_labels,
    load_labelled,
    load_written,
    run_dev_corpus,
)

SHARED = ROOT.parent / "shared" / "corpus"
DEV = SHARED / "labelled-dev"
REAL = SHARED / "real-postmortems"
DATA = ROOT / "tests" / "data"
OUT = ROOT / "tools" / "postmortem" / "data" / "blame" / "en" / "model.json"
WRITTEN = "written"
BUDGET = 1.0  # extra false alarms per 1,000 sentences the model may add


# --------------------------------------------------------------------------- features
#
# All binary: lower-cased words (letters and apostrophes) "w:" and adjacent pairs "b:" (a
# known given name written with a capital becomes <name>, an @handle <handle>, a URL url);
# the first word "s:" (imperatives: "be", "ensure", "never" ...); and four structural features
# "f:" from the engine's word classes: first person, a person (role, person pronoun, name or
# handle), should/could/must have, a negated verb ("did not", "never", "failed to").

_URL = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+", re.I)
_TOKEN = re.compile(r"@[A-Za-z0-9][\w\-]*|[A-Za-z]+(?:['’][A-Za-z]+)?")
_FIRST_PERSON = _LANG.words("first_person")
_PERSON_WORDS = (
    _LANG.words("roles") | _LANG.words("affected_people") | _LANG.words("person_pronouns")
) - _FIRST_PERSON
_NAMES = (GIVEN_NAMES | LIBRARY_NAMES) - AMBIGUOUS_NAMES
_MODALS = frozenset("should could must would".split())
_NEGATIONS = frozenset("not never didn't don't wasn't weren't haven't hadn't".split())


def tokens(sentence: str, people: frozenset[str] = frozenset()) -> list[str]:
    out: list[str] = []
    for raw in _TOKEN.findall(_URL.sub(" url ", sentence)):
        if raw[0] == "@":
            out.append("<handle>")
            continue
        low = raw.lower().replace("’", "'")
        if raw[0].isupper() and not raw.isupper() and (low in _NAMES or low in people):
            out.append("<name>")
        else:
            out.append(low)
    return out


def features(sentence: str, people: frozenset[str] = frozenset()) -> set[str]:
    toks = tokens(sentence, people)
    feats = {f"w:{t}" for t in toks}
    feats.update(f"b:{a} {b}" for a, b in zip(toks, toks[1:], strict=False))
    if toks:
        feats.add(f"s:{toks[0]}")
    words = set(toks)
    if words & _FIRST_PERSON:
        feats.add("f:first-person")
    if words & _PERSON_WORDS or "<name>" in words or "<handle>" in words:
        feats.add("f:person")
    for a, b in zip(toks, toks[1:], strict=False):
        if a in _MODALS and b in ("have", "'ve"):
            feats.add("f:should-have")
        if (a in _NEGATIONS or (a == "failed" and b == "to")) and b.isalpha():
            feats.add("f:negated-verb")
    if "should've" in words or "could've" in words:
        feats.add("f:should-have")
    # Who did what: a person (or the team speaking) paired with each of the next two words,
    # so that "we forgot", "the engineer forgot" and "<name> forgot" share a feature.
    for i, t in enumerate(toks):
        who = (
            "<we>"
            if t in _FIRST_PERSON
            else "<person>"
            if t in _PERSON_WORDS or t in ("<name>", "<handle>")
            else None
        )
        if who:
            feats.update(f"c:{who} {n}" for n in toks[i + 1 : i + 3])
    return feats


@dataclass
class Example:
    group: str  # organisation, or WRITTEN
    doc: str
    feats: set[str]
    positive: bool
    strict: bool
    rules: bool  # the rules flag it
    section: frozenset[str] = frozenset()  # "h:<word>" of the heading the sentence is under


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")


def headings(source: str) -> list[frozenset[str]]:
    """For each line of a Markdown file, the words of the heading it is under (as features)."""
    out: list[frozenset[str]] = []
    current: frozenset[str] = frozenset()
    for line in source.split("\n"):
        m = _HEADING.match(line)
        if m:
            current = frozenset(f"h:{w}" for w in tokens(m.group(1)))
        out.append(current)
    return out


def load_examples() -> list[Example]:
    out: list[Example] = []
    if not (DEV / "labels.tsv").is_file():
        raise SystemExit(f"{DEV}: not found (the shared corpus is needed to train)")
    verdict = {(s.doc, s.line, s.n): bool(s.hits) for s in run_dev_corpus(DEV)}
    sections: dict[str, list[frozenset[str]]] = {}
    with (DEV / "labels.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            key = (row["doc"], int(row["line"]), int(row["n"]))
            if row["doc"] not in sections:
                source = (DEV / "docs" / f"{row['doc']}.md").read_text(encoding="utf-8")
                sections[row["doc"]] = headings(source)
            doc_sections = sections[row["doc"]]
            line = int(row["line"])
            out.append(
                Example(
                    row["doc"].split("__", 1)[0],
                    row["doc"],
                    features(dev_line_text(row["sentence"])),
                    row["label"] != "clean",
                    row["label"] == "strict",
                    verdict.get(key, False),
                    doc_sections[line - 1] if line <= len(doc_sections) else frozenset(),
                )
            )
    labels = load_corpus_labels(DATA / "blame-corpus-labels.tsv")
    wanted: dict[str, dict[tuple[str, int, int], str]] = defaultdict(dict)
    for label in labels:
        if label.flag in ("yes", "no"):
            wanted[label.file][label.key] = label.flag
    for file, keys in sorted(wanted.items()):
        blocks: dict[str, list] = {}
        file_sections = headings((REAL / file).read_text(encoding="utf-8", errors="replace"))
        for s in corpus_sentences(REAL, file):
            flag = keys.get(s.key)
            if flag is None:
                continue
            if s.block not in blocks:
                blocks[s.block] = find_blame(s.block)
            hit = any(s.start <= h.start < s.end for h in blocks[s.block])
            out.append(
                Example(
                    file.split("/", 1)[0],
                    file,
                    features(s.text),
                    flag == "yes",
                    False,
                    hit,
                    file_sections[s.line - 1] if s.line <= len(file_sections) else frozenset(),
                )
            )
    for number, case in enumerate(load_labelled(DATA / "blame-labelled.tsv"), 2):
        people = frozenset(p.lower() for p in case.people)
        out.append(
            Example(
                WRITTEN,
                f"labelled:{number}",
                features(case.text, people),
                case.flag,
                False,
                bool(find_blame(case.text, case.people)),
            )
        )
    for number, w in enumerate(load_written(DATA / "blame-written.tsv"), 2):
        out.append(
            Example(
                WRITTEN,
                f"written:{number}",
                features(w.case.text),
                w.case.flag,
                False,
                bool(find_blame(w.case.text)),
            )
        )
    return out


# --------------------------------------------------------------------------- the model

KINDS = {
    "uni": ("w:",),
    "bi": ("w:", "b:"),
    "all": ("w:", "b:", "s:", "f:"),
    "who": ("w:", "b:", "s:", "f:", "c:"),
}


@dataclass(frozen=True)
class Config:
    kinds: str = "all"
    c: float = 1.0  # inverse L2 strength (per example, as in scikit-learn)
    balanced: bool = True
    min_df: int = 2
    silent_only: bool = False  # train only on the sentences the rules say nothing about
    written: bool = True  # train on our written sets too
    sections: bool = False  # the words of the heading a sentence is under, as features

    def __str__(self) -> str:
        return (
            f"{self.kinds:3} C={self.c:<5g} {'bal' if self.balanced else 'raw'} "
            f"df>={self.min_df} {'silent' if self.silent_only else 'every '} "
            f"{'+written' if self.written else 'corpus  '}"
            f"{' +sections' if self.sections else ''}"
        )

    def feats(self, e: Example) -> set[str] | frozenset[str]:
        return e.feats | e.section if self.sections else e.feats


def _kept(feats: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return [f for f in feats if f.startswith(prefixes)]


def vocabulary(train: list[Example], config: Config) -> list[str]:
    """Features seen in at least ``min_df`` training documents (a written row is its own)."""
    docs: dict[str, set[str]] = defaultdict(set)
    prefixes = (*KINDS[config.kinds], "h:") if config.sections else KINDS[config.kinds]
    for e in train:
        for f in _kept(config.feats(e), prefixes):
            docs[f].add(e.doc)
    return sorted(f for f, d in docs.items() if len(d) >= config.min_df)


def matrix(examples: list[Example], index: dict[str, int], config: Config) -> sparse.csr_matrix:
    rows, cols = [], []
    for i, e in enumerate(examples):
        for f in config.feats(e):
            j = index.get(f)
            if j is not None:
                rows.append(i)
                cols.append(j)
    data = np.ones(len(rows))
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(examples), len(index)))


def fit(train: list[Example], config: Config) -> tuple[float, dict[str, float]]:
    """L2-regularised logistic regression (bias not penalised), L-BFGS, deterministic."""
    if config.silent_only:
        train = [e for e in train if not e.rules]
    if not config.written:
        train = [e for e in train if e.group != WRITTEN]
    vocab = vocabulary(train, config)
    index = {f: i for i, f in enumerate(vocab)}
    x = matrix(train, index, config)
    y = np.array([1.0 if e.positive else 0.0 for e in train])
    if config.balanced:
        pos = max(1.0, y.sum())
        neg = max(1.0, len(y) - y.sum())
        sw = np.where(y > 0, len(y) / (2 * pos), len(y) / (2 * neg))
    else:
        sw = np.ones(len(y))
    lam = 1.0 / config.c

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b
        # log(1 + exp(-y'z)) with y' in {-1, 1}, stably
        s = np.where(y > 0, 1.0, -1.0)
        m = -s * z
        ll = np.logaddexp(0.0, m)
        p = 1.0 / (1.0 + np.exp(-z))
        r = sw * (p - y)
        value = float(sw @ ll) + 0.5 * lam * float(w @ w)
        grad = np.concatenate([x.T @ r + lam * w, [r.sum()]])
        return value, grad

    theta0 = np.zeros(len(vocab) + 1)
    res = optimize.minimize(
        loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 500, "gtol": 1e-6}
    )
    theta = res.x
    return float(theta[-1]), {f: float(w) for f, w in zip(vocab, theta[:-1], strict=True)}


def logit(bias: float, weights: dict[str, float], feats: set[str]) -> float:
    return bias + sum(weights.get(f, 0.0) for f in feats)


# --------------------------------------------------------------------------- evaluation


def out_of_fold(examples: list[Example], config: Config) -> dict[int, float]:
    """Score of every organisation's example from a model trained without that organisation."""
    groups = sorted({e.group for e in examples} - {WRITTEN})
    scores: dict[int, float] = {}
    for g in groups:
        train = [e for e in examples if e.group != g]
        bias, weights = fit(train, config)
        for i, e in enumerate(examples):
            if e.group == g:
                scores[i] = logit(bias, weights, config.feats(e))
    return scores


def threshold_for(
    examples: list[Example], scores: dict[int, float], ids: list[int], budget: float = BUDGET
) -> float:
    """The lowest threshold whose extra false alarms on ``ids`` stay within the budget."""
    allowed = int(budget * len(ids) / 1000)
    clean = sorted(
        (scores[i] for i in ids if not examples[i].positive and not examples[i].rules),
        reverse=True,
    )
    if allowed >= len(clean):
        return -1e9
    return clean[allowed] + 1e-9  # strictly above the (allowed+1)-th highest clean score


@dataclass
class Tally:
    sentences: int = 0
    strict: int = 0
    blameful: int = 0
    fa_rules: int = 0
    fa_model: int = 0
    fa_both: int = 0
    strict_rules: int = 0
    strict_model: int = 0
    strict_both: int = 0
    all_rules: int = 0
    all_model: int = 0
    all_both: int = 0

    def add(self, e: Example, model: bool) -> None:
        both = e.rules or model  # the model alone: its own flags, wherever the rules stand
        self.sentences += 1
        if e.positive:
            self.blameful += 1
            self.all_rules += e.rules
            self.all_model += model
            self.all_both += both
            if e.strict:
                self.strict += 1
                self.strict_rules += e.rules
                self.strict_model += model
                self.strict_both += both
        else:
            self.fa_rules += e.rules
            self.fa_model += model
            self.fa_both += both


def _r(a: int, b: int) -> str:
    return f"{a / b:.2f} ({a}/{b})" if b else "   -"


def _k(n: int, total: int) -> str:
    return f"{n} ({1000 * n / max(total, 1):.1f})"


def table(examples: list[Example], flagged: dict[int, bool]) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for i, model in flagged.items():
        e = examples[i]
        tallies[e.group].add(e, model)
        tallies["ALL"].add(e, model)
    return dict(tallies)


def print_table(tallies: dict[str, Tally]) -> None:
    print(
        f"{'organisation':22} {'sent':>5}  {'strict rules/model/both':32}  "
        f"{'all-blameful rules/model/both':40}  false alarms (per 1,000) rules/model/both"
    )
    for name in sorted(tallies, key=lambda n: (n == "ALL", n)):
        t = tallies[name]
        strict = f"{_r(t.strict_rules, t.strict)} / {t.strict_model} / {t.strict_both}"
        blame = (
            f"{_r(t.all_rules, t.blameful)} / {_r(t.all_model, t.blameful)} / "
            f"{_r(t.all_both, t.blameful)}"
        )
        fa = (
            f"{_k(t.fa_rules, t.sentences)} / {_k(t.fa_model, t.sentences)} / "
            f"{_k(t.fa_both, t.sentences)}"
        )
        print(f"{name:22} {t.sentences:5}  {strict:32}  {blame:40}  {fa}")


def evaluate(
    examples: list[Example], scores: dict[int, float], nested: bool
) -> tuple[dict[str, Tally], dict[str, float]]:
    ids = sorted(scores)
    thresholds: dict[str, float] = {}
    if nested:
        by_group: dict[str, list[int]] = defaultdict(list)
        for i in ids:
            by_group[examples[i].group].append(i)
        for g in by_group:
            others = [i for i in ids if examples[i].group != g]
            thresholds[g] = threshold_for(examples, scores, others)
    else:
        t = threshold_for(examples, scores, ids)
        thresholds = {examples[i].group: t for i in ids}
    flagged = {i: scores[i] >= thresholds[examples[i].group] for i in ids}
    return table(examples, flagged), thresholds


# --------------------------------------------------------------------------- summaries


def auc(pairs: list[tuple[float, bool]]) -> float:
    """Probability that a blameful sentence scores above a clean one (ties count half)."""
    neg = sorted(s for s, y in pairs if not y)
    pos = [s for s, y in pairs if y]
    if not pos or not neg:
        return float("nan")
    total = 0.0
    for p in pos:
        lo, hi = bisect.bisect_left(neg, p), bisect.bisect_right(neg, p)
        total += lo + 0.5 * (hi - lo)
    return total / (len(pos) * len(neg))


def gain(examples: list[Example], scores: dict[int, float], budget: float) -> tuple[int, int]:
    """(blameful sentences added, false alarms added) by the model on top of the rules, with
    one threshold over all out-of-fold scores that adds at most ``budget`` per 1,000."""
    ids = sorted(scores)
    t = threshold_for(examples, scores, ids, budget)
    added = extra = 0
    for i in ids:
        if scores[i] >= t and not examples[i].rules:
            added += examples[i].positive
            extra += not examples[i].positive
    return added, extra


BUDGETS = (1.0, 2.0, 5.0, 10.0, 20.0)


def summary(examples: list[Example], scores: dict[int, float]) -> str:
    ids = sorted(scores)
    every = auc([(scores[i], examples[i].positive) for i in ids])
    silent = auc([(scores[i], examples[i].positive) for i in ids if not examples[i].rules])
    gains = " ".join(f"+{gain(examples, scores, b)[0]}" for b in BUDGETS)
    return f"AUC {every:.3f}, on rule-silent {silent:.3f}; added at +1/2/5/10/20 per 1,000: {gains}"


GRID = [
    Config(kinds, c, balanced, 2, silent, written)
    for kinds in ("uni", "bi", "all", "who")
    for c in (0.03, 0.1, 0.3, 1.0)
    for balanced in (True, False)
    for silent in (False, True)
    for written in (True, False)
]


def probe(examples: list[Example], config: Config, threshold: float) -> None:
    """The model alone (trained on everything) on the neutral probe of blame_neutral.py: how
    many of its sentences reach the threshold (an upper bound of what it would add)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from blame_eval import naive_blocks
    from blame_neutral import probe_files, read_text

    from postmortem.language.sentences import split_sentences

    bias, weights = fit(examples, config)
    seen: set[int] = set()
    sentences = hits = 0
    cpu = 0.0
    for path in probe_files():
        text = read_text(path)
        if not text or hash(text) in seen:
            continue
        seen.add(hash(text))
        for _, block in naive_blocks(text):
            for start, end in split_sentences(block):
                t0 = time.process_time()
                z = logit(bias, weights, features(block[start:end]))
                cpu += time.process_time() - t0
                sentences += 1
                hits += z >= threshold
    print(
        f"neutral probe: {sentences:,} sentences, model alone at the threshold: {hits} "
        f"({1000 * hits / max(sentences, 1):.2f} per 1,000); "
        f"features + score {1e6 * cpu / max(sentences, 1):.1f} us CPU per sentence"
    )
    import tempfile

    from postmortem.document import load_document
    from postmortem.rules.blameless import _places

    from generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        docs = [load_document(p) for p in generate(Path(tmp), 50, 1600)]
    texts = [
        block.text[a:b]
        for doc in docs
        for block in _places(doc)
        for a, b in split_sentences(block.text)
    ]
    t0 = time.process_time()
    for text in texts:
        logit(bias, weights, features(text))
    cpu = time.process_time() - t0
    print(
        f"generated post-mortems (1,600 words): {len(texts) / len(docs):.0f} sentences per file, "
        f"{1e3 * cpu / len(docs):.2f} ms CPU per file to score them all"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", action="store_true", help="compare every configuration")
    parser.add_argument("--probe", action="store_true", help="run the neutral probe too")
    parser.add_argument("--sections", action="store_true", help="heading words as features")
    args = parser.parse_args()
    cpu = time.process_time()
    examples = load_examples()
    real = [e for e in examples if e.group != WRITTEN]
    print(
        f"{len(examples)} examples ({sum(e.positive for e in examples)} blameful), of them "
        f"{len(real)} real sentences ({sum(e.positive for e in real)} blameful, "
        f"{sum(e.positive and not e.rules for e in real)} of those missed by the rules) from "
        f"{len({e.group for e in real})} organisations; loaded in "
        f"{time.process_time() - cpu:.1f} s CPU"
    )
    chosen = replace(CHOSEN, sections=True) if args.sections else CHOSEN
    if args.grid:
        best: tuple[tuple[float, ...], Config] | None = None
        for config in GRID:
            scores = out_of_fold(examples, config)
            nested, _ = evaluate(examples, scores, nested=True)
            n = nested["ALL"]
            gains = tuple(float(gain(examples, scores, b)[0]) for b in BUDGETS)
            ids = [i for i in sorted(scores) if not examples[i].rules]
            silent_auc = auc([(scores[i], examples[i].positive) for i in ids])
            print(
                f"{config}  nested: all-blameful {_r(n.all_both, n.blameful)} "
                f"false alarms {n.fa_both} (rules {n.fa_rules});  {summary(examples, scores)}",
                flush=True,
            )
            key = (*gains, silent_auc)
            if best is None or key > best[0]:
                best = (key, config)
        assert best is not None
        chosen = best[1]
        print(f"best by added recall at +1, +2, ... per 1,000, then rule-silent AUC: {chosen}")
    scores = out_of_fold(examples, chosen)
    print(f"\n{chosen}: {summary(examples, scores)}")
    print("\nnested threshold (chosen on the other organisations' out-of-fold scores):")
    tallies, thresholds = evaluate(examples, scores, nested=True)
    print_table(tallies)
    pooled, pooled_t = evaluate(examples, scores, nested=False)
    threshold = next(iter(pooled_t.values()))
    print(
        f"threshold (logit): pooled {threshold:.3f}, nested per organisation "
        f"{min(thresholds.values()):.3f} .. {max(thresholds.values()):.3f}"
    )
    base = pooled["ALL"]
    print("\nwhat a larger budget would buy (pooled threshold):")
    for budget in BUDGETS:
        added, extra = gain(examples, scores, budget)
        print(
            f"  +{budget:4g} per 1,000: {extra:3d} extra false alarms, +{added} blameful "
            f"(all-blameful {base.all_rules}/{base.blameful} -> {base.all_rules + added}/"
            f"{base.blameful})"
        )
    if args.probe:
        probe(examples, chosen, threshold)
    print(f"{time.process_time() - cpu:.1f} s CPU")
    return 0


CHOSEN = Config("all", 1.0, False, 2, False, False)  # the grid's best

if __name__ == "__main__":
    raise SystemExit(main())
