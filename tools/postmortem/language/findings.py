"""What the blameless-wording checker reports: a hit with its code, span, message and
rewrite, and the tier of each code."""

from __future__ import annotations

from dataclasses import dataclass, field

CODES: dict[str, str] = {
    "BL101": "person as the agent of a failure",
    "BL102": "human error named as a cause",
    "BL103": "counterfactual about people",
    "BL104": "judgement of character or state",
    "BL105": "hindsight minimizer",
    "BL106": "why-question about a person",
    "BL107": "consequence for a person",
    "BL108": "self-blame or a human lapse",
    "BL109": "vigilance offered as the fix",
    "BL110": "names who triggered it",
}


@dataclass(frozen=True)
class BlameHit:
    """One blameful phrase: its rule code, character span in the prose block, why, and a rewrite."""

    code: str
    start: int
    end: int
    message: str
    suggestion: str
    pattern: str = field(default="", compare=False)  # the data pattern's id, when one matched

    @property
    def tier(self) -> str:
        """ "error" for clear blame, "warning" for wording a strict reviewer would ask to reword."""
        return "warning" if self.code in WARNING_CODES else "error"


WARNING_CODES = frozenset({"BL105", "BL108", "BL109", "BL110"})
