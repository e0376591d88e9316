"""What a rule is: a code, a category, a default severity, its docstring, and a check.

A per-document rule is a generator `check(doc, ctx)` yielding `Problem`s; an archive rule is a
generator `check(docs, ctx)` over every document and yields `(doc, Problem)` pairs. The engine
turns problems into findings, applies the configuration and in-place suppressions.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..config import Config
from ..document import Document


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    suggestion: str | None = None
    column: int = 1


@dataclass
class Context:
    """What a check may know besides the document: settings and the day it runs."""

    config: Config
    today: date
    code: str = ""

    def option(self, name: str, default: Any = None) -> Any:
        """A rule's own setting from `rules: {CODE: {name: ...}}`, else a project setting."""
        settings = self.config.rule_settings(self.code)
        if name in settings:
            return settings[name]
        return self.config.values.get(name, default)


DocumentCheck = Callable[[Document, Context], Iterator[Problem]]
ArchiveCheck = Callable[[Sequence[Document], Context], Iterator[tuple[Document, Problem]]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    category: str
    severity: str
    check: DocumentCheck | ArchiveCheck
    archive: bool = False

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    category: str,
    severity: str = "error",
    archive: bool = False,
    doc: str | None = None,
):
    """Register a check under a stable code; its docstring is the rule's documentation.

    `doc` gives the documentation of a check made by a factory (one function body serving
    several codes), which has no docstring of its own.
    """

    def register(check: Callable) -> Callable:
        if doc is not None:
            check.__doc__ = doc
        if code in REGISTRY:
            raise ValueError(f"rule code {code} registered twice")
        REGISTRY[code] = Rule(code, name, category, severity, check, archive)
        return check

    return register
