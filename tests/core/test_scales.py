"""Priority and severity scales: the reference report's words and P1..P4 are the same levels."""

from __future__ import annotations

from postmortem.config import DEFAULTS
from postmortem.scales import DEFAULT_PRIORITIES, Scale
from postmortem.sync.review import ReviewSettings, review_settings


def test_default_priorities_accept_both_vocabularies_in_order() -> None:
    scale = Scale.from_setting(DEFAULTS["priority_scale"])
    assert [scale.rank(w) for w in ("P1", "Critical", "p2", "HIGH", "Medium", "P3", "low")] == [
        0,
        0,
        1,
        1,
        2,
        2,
        3,
    ]
    assert scale.rank("urgent") is None and "urgent" not in scale
    assert scale.canonical("high") == "High" and scale.canonical("p4") == "P4"
    assert sorted(["Low", "P1", "someday", "High"], key=scale.sort_key) == [
        "P1",
        "High",
        "Low",
        "someday",
    ]
    assert scale.describe() == "P1 (Critical), P2 (High), P3 (Medium), P4 (Low)"


def test_a_flat_configured_scale_is_ordered_by_position() -> None:
    scale = Scale.from_setting(["SEV0", "SEV1", ["SEV2", "minor"]])
    assert scale.rank("sev0") == 0 and scale.rank("Minor") == 2
    assert scale.describe() == "SEV0, SEV1, SEV2 (minor)"


def test_escalation_uses_the_same_levels() -> None:
    settings = ReviewSettings()  # escalates P1
    assert settings.escalates("P1") and settings.escalates("Critical")
    assert settings.escalates("critical")
    assert not settings.escalates("High") and not settings.escalates("P2")
    wider = review_settings({"escalation": {"priorities": ["High"]}}, scale=DEFAULT_PRIORITIES)
    assert wider.escalates("P2") and wider.escalates("high") and not wider.escalates("P1")
