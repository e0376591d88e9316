"""The one record every check produces: a finding at a place in a file."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")
CATEGORIES = (
    "input",
    "schema",
    "structure",
    "timeline",
    "deadline",
    "action-item",
    "blameless",
    "prose",
    "security",
    "learning",
)


@dataclass(frozen=True, order=True)
class Finding:
    """A problem found in a post-mortem, at a 1-based line and column of its file."""

    path: str
    line: int
    column: int
    rule: str
    category: str = field(compare=False)
    severity: str = field(compare=False)
    message: str = field(compare=False)
    suggestion: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "suggestion": self.suggestion,
        }
