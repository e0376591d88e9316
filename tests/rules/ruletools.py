"""Helpers for rule tests: run rules on a source text, compare (line, code) pairs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from postmortem.config import Config
from postmortem.document import parse_document
from postmortem.validation import check_document

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "postmortems" / "2025-02-09-api-service-degradation.md"
TODAY = date(2025, 3, 1)


def seed_text() -> str:
    return SEED.read_text("utf-8")


def run_rules(
    text: str,
    prefix: str = "",
    today: date = TODAY,
    config: Config | None = None,
    name: str = "2025-02-09-api-service-degradation.md",
):
    """Findings of every rule whose code starts with `prefix` on `text`."""
    config = config or Config()
    if prefix:
        config.values["select"] = [prefix]
    doc = parse_document(text, name)
    return [f for f in check_document(doc, config, today) if f.rule.startswith(prefix)]


def checker_problems(doc, prefix: str, config: Config | None = None, today: date = TODAY):
    """(rule code, Problem) of every checker reporting codes with `prefix`, each run once,
    straight from the registry (no configuration of severities or suppressions)."""
    from postmortem.rules import CHECKERS, Context

    config = config or Config()
    found = []
    for checker in CHECKERS.values():
        if not checker.archive and any(c.startswith(prefix) for c in checker.codes):
            for rule, problem in checker.run(doc, Context(config=config, today=today)):
                if rule.code.startswith(prefix) and config.is_enabled(rule.code):
                    found.append((rule.code, problem))
    return found


def codes(findings) -> list[tuple[int, str]]:
    return [(f.line, f.rule) for f in findings]


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")
