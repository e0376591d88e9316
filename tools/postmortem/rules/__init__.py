"""The rule registry: importing this package registers every rule.

Codes are stable and grouped by prefix so that `select` and `ignore` work on prefixes:
IN input, SC schema, ST structure, TL timeline, DL deadline, AI action item,
BL blameless wording, PR prose, SE security, LE learning across incidents.
"""

from . import (  # noqa: F401  (imported to register their rules)
    action_items,
    archive,
    blameless,
    deadlines,
    header,
    input,
    learning,
    prose,
    schema,
    security,
    structure,
    timeline,
)
from .base import CHECKERS, REGISTRY, Checker, Context, Problem, Rule, checker, rule

__all__ = ["CHECKERS", "REGISTRY", "Checker", "Context", "Problem", "Rule", "checker", "rule"]
