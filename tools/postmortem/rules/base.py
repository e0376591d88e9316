"""Checkers and the rules they report, on flake8's model.

A *checker* runs once per document (or once over the archive) and reports problems under one or
more rule codes. Each *rule* is declared with its code, name, category, default severity,
documentation and options schema; `postmortem rules`, the SARIF metadata and the settings
layer read these declarations, and the engine (`validation.py`) runs each checker once per
document and applies the configuration and in-place suppressions.

Two ways to register:

    @rule("AI105", "vague-action", "action-item", severity="warning",
          options={"vague_phrases": Texts()})
    def vague_action(doc, ctx):
        '''The docstring is the rule's documentation.'''
        yield Problem(line, message, suggestion, column)

    @checker("blameless", [Rule("BL101", "person-as-agent", "blameless", doc=...), ...])
    def blameless(doc, ctx):
        yield Problem(line, message, suggestion, column, code="BL101")

A per-document check is a generator `check(doc, ctx)` yielding `Problem`s; an archive check is
a generator `check(entries, ctx)` yielding `(entry, Problem)` pairs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from ..options import Spec

if TYPE_CHECKING:
    from ..config import Config

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Problem:
    """What a checker found: a line and a message."""

    line: int
    message: str
    suggestion: str | None = None
    column: int = 1
    code: str = ""  # which of the checker's rules; may stay empty when it reports only one


@dataclass(frozen=True)
class Rule:
    """One code a checker reports: what `postmortem rules` shows and the settings accept."""

    code: str
    name: str
    category: str
    severity: str = "error"
    doc: str = ""
    options: Mapping[str, Spec] = field(default_factory=dict)
    checker: str = ""  # the name of the checker that reports it (set when registered)

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]

    @property
    def archive(self) -> bool:
        return CHECKERS[self.checker].archive


@dataclass
class Context:
    """What a check may know besides the document: settings and the day it runs."""

    config: Config
    today: date
    code: str = ""  # the rule whose options `option` reads by default
    # What checkers share about one document (the engine gives every checker of a document the
    # same dict): a derived view computed once, such as the timeline read in a time zone.
    cache: dict[Any, Any] = field(default_factory=dict)

    def option(self, name: str, default: Any = None, code: str | None = None) -> Any:
        """A rule's own setting from `rules: {CODE: {name: ...}}`, else the project setting,
        else the default the rule declares."""
        code = code or self.code
        settings = self.config.rule_settings(code)
        if settings.get(name) is not None:
            return settings[name]
        value = self.config.values.get(name)
        if value is not None:
            return value
        spec = REGISTRY[code].options.get(name) if code in REGISTRY else None
        return spec.default if spec is not None and spec.default is not None else default

    def enabled(self, code: str) -> bool:
        return self.config.is_enabled(code)


Check = Callable[..., Iterator[Any]]


@dataclass(frozen=True)
class Checker:
    """A check function with the name it is registered under."""

    name: str
    check: Check
    rules: tuple[Rule, ...]
    archive: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.rules)

    def rule_of(self, problem: Problem) -> Rule:
        """The rule a problem is reported under; a checker of several rules must say which."""
        if not problem.code and len(self.rules) == 1:
            return self.rules[0]
        for declared in self.rules:
            if declared.code == problem.code:
                return declared
        raise ValueError(f"checker {self.name} reported undeclared code {problem.code!r}")

    def run(self, doc: Any, ctx: Context) -> list[tuple[Rule, Problem]]:
        """Every problem of one document, with the rule it belongs to."""
        if len(self.rules) == 1:
            ctx.code = self.rules[0].code
        return [(self.rule_of(p), p) for p in self.check(doc, ctx)]

    def run_archive(self, entries: Sequence[Any], ctx: Context) -> list[tuple[Any, Rule, Problem]]:
        if len(self.rules) == 1:
            ctx.code = self.rules[0].code
        return [(entry, self.rule_of(p), p) for entry, p in self.check(entries, ctx)]


REGISTRY: dict[str, Rule] = {}
CHECKERS: dict[str, Checker] = {}


def register(name: str, check: Check, rules: Iterable[Rule], archive: bool = False) -> Checker:
    """Register a checker and its rules; codes are unique and upper-case."""
    if name in CHECKERS:
        raise ValueError(f"checker {name} registered twice")
    declared = []
    for item in rules:
        if item.code != item.code.upper() or item.code in REGISTRY:
            raise ValueError(f"rule code {item.code} is not upper-case or registered twice")
        if item.severity not in SEVERITIES:
            raise ValueError(f"rule {item.code}: severity {item.severity!r}")
        declared.append(replace(item, doc=inspect.cleandoc(item.doc), checker=name))
    checker_ = Checker(name, check, tuple(declared), archive)
    CHECKERS[name] = checker_
    for item in declared:
        REGISTRY[item.code] = item
    return checker_


def checker(name: str, rules: Iterable[Rule], archive: bool = False) -> Callable[[Check], Check]:
    """Register a check function that reports several rules (each Problem names its code)."""

    def decorate(check: Check) -> Check:
        register(name, check, rules, archive)
        return check

    return decorate


def rule(
    code: str,
    name: str,
    category: str,
    severity: str = "error",
    archive: bool = False,
    options: Mapping[str, Spec] | None = None,
) -> Callable[[Check], Check]:
    """Register a check that reports one rule; its docstring is the rule's documentation."""

    def decorate(check: Check) -> Check:
        declared = Rule(code, name, category, severity, check.__doc__ or "", dict(options or {}))
        register(code, check, [declared], archive)
        return check

    return decorate
