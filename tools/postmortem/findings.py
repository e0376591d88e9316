"""The one record every check produces: a finding at a place in a file."""

from __future__ import annotations

from dataclasses import dataclass, field


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


def input_error(
    path: str, line: int, rule: str, message: str, suggestion: str | None = None, column: int = 1
) -> Finding:
    """An error of the `input` category: what the parser could not read (never an exception)."""
    return Finding(path, max(line, 1), max(column, 1), rule, "input", "error", message, suggestion)
