"""The `sync:` settings of `.postmortem.yml` (sync, review, digest), declared in one place.

Each option names its type, default, lower bound and meaning; `check_options` reports an
unknown key or a wrong type with its file and line (a typo must never switch a behaviour off
silently), and the commands read their defaults from here. The command-line options win over
these settings; `sync.escalation` is declared in `review.py` with the review's own checks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .github import (
    DEFAULT_API_URL,
    DEFAULT_MAX_WAIT,
    DEFAULT_MAX_WRITES,
    DEFAULT_PACE,
    DEFAULT_SETTLE,
    DEFAULT_STATE_BRANCH,
)


@dataclass(frozen=True)
class Option:
    kind: str  # "str" | "number" | "int" | "list" | "mapping"
    default: Any
    help: str
    minimum: float | None = None


SYNC_OPTIONS: dict[str, Option] = {
    "repo": Option("str", None, "OWNER/NAME of the issues (else $GITHUB_REPOSITORY)"),
    "api_url": Option("str", DEFAULT_API_URL, "REST API root ($GITHUB_API_URL on GHES)"),
    "label": Option("str", "post-mortem", "the label of managed issues"),
    "statuses": Option("list", ["published"], "post-mortem statuses whose items are synced"),
    "ref": Option("str", "main", "branch of the links to post-mortems"),
    "pace": Option("number", DEFAULT_PACE, "seconds between writes (GitHub asks >= 1)", 0),
    "max_wait": Option("number", DEFAULT_MAX_WAIT, "longest rate-limit wait, seconds", 0),
    "max_writes": Option("int", DEFAULT_MAX_WRITES, "most writes in one run", 1),
    "settle": Option("number", DEFAULT_SETTLE, "seconds for lists to catch up", 0),
    "state_branch": Option("str", DEFAULT_STATE_BRANCH, "branch of the item -> issue mapping"),
    "state_file": Option("str", ".postmortem/issues.json", "the site's copy of the state"),
    "due_soon_days": Option("int", 7, "the review's due-soon window, days", 0),
    "followup_review_days": Option("int", 28, "the follow-up review, days after resolved", 1),
    "escalation": Option("mapping", None, "contact, priorities, grace_days (see review.py)"),
}


def check_options(values: Mapping[str, Any], where: Callable[[str], str]) -> list[str]:
    """Problems of the `sync:` mapping, each as "file:line: message"."""
    problems = []
    for key, value in values.items():
        option = SYNC_OPTIONS.get(key)
        label = f"sync/{key}"
        if option is None:
            problems.append(
                f"{where(label)}: unknown setting `{label}` (known: {', '.join(SYNC_OPTIONS)})"
            )
            continue
        ok = {
            "str": isinstance(value, str),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "list": isinstance(value, list | str),
            "mapping": isinstance(value, Mapping) or value is None,
        }[option.kind]
        if ok and option.minimum is not None and value < option.minimum:
            ok = False
        if not ok:
            bound = f", at least {option.minimum:g}" if option.minimum is not None else ""
            problems.append(
                f"{where(label)}: `{label}` must be a {option.kind}{bound} ({option.help}), "
                f"not {value!r}"
            )
    return problems
