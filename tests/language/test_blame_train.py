"""The measuring harness of benchmarks/blame_train.py (a trained sentence model for blameless
wording, measured and not adopted): its features, its threshold under a false-alarm budget and
its ranking figure, so the negative result in its docstring stays reproducible."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _train():
    name = "blame_train_under_test"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "blame_train.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_features_generalise_names_and_keep_who_did_what() -> None:
    bt = _train()
    feats = bt.features("Rasmus forgot to run the plan, see https://example.org/x")
    assert "w:<name>" in feats and "w:rasmus" not in feats
    assert "c:<person> forgot" in feats
    assert "f:person" in feats and "w:url" in feats and "w:example" not in feats
    we = bt.features("We should have checked the lag.")
    assert {"f:first-person", "f:should-have", "c:<we> should", "s:we"} <= we
    assert "f:person" not in we
    assert "f:negated-verb" in bt.features("The on-call engineer did not escalate.")
    assert bt.features("Be more careful.") == bt.features("Be more careful.")


def test_threshold_keeps_extra_false_alarms_within_the_budget() -> None:
    bt = _train()
    clean = [bt.Example("org", "d", set(), False, False, False) for _ in range(2000)]
    flagged = bt.Example("org", "d", set(), False, False, True)  # a rule false alarm
    found = bt.Example("org", "d", set(), True, False, False)
    examples = [*clean, flagged, found]
    scores = {i: float(i) / 1000 for i in range(len(clean))}  # clean scores 0 .. 1.999
    scores[len(clean)] = 99.0  # the rules' own false alarm does not use up the budget
    scores[len(clean) + 1] = 1.9975
    ids = sorted(scores)
    t = bt.threshold_for(examples, scores, ids, budget=1.0)  # 2 extra in 2,002 sentences
    extra = [i for i in ids[: len(clean)] if scores[i] >= t]
    assert len(extra) == 2
    assert scores[len(clean) + 1] >= t
    assert bt.gain(examples, scores, 1.0) == (1, 2)
    assert bt.gain(examples, scores, 0.0) == (0, 0)


def test_auc_counts_ties_half() -> None:
    bt = _train()
    assert bt.auc([(1.0, True), (0.0, False)]) == 1.0
    assert bt.auc([(0.0, True), (1.0, False)]) == 0.0
    assert bt.auc([(0.5, True), (0.5, False), (0.0, False), (1.0, False)]) == 0.5
