"""The options of `postmortem sync` and `postmortem review`, resolved once, in one place.

The settings layer has checked the file's `sync:` section against `settings.SCHEMA` when the
configuration was loaded (a typo or `pace: fast` is a configuration error with file and line,
exit 2). `resolve` takes the command line, then the file, then the environment, then the
defaults. Importing this module is cheap: no PyGithub, no proselint.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_PACE = 1.0  # seconds between writes: GitHub asks for at least one second
DEFAULT_MAX_WAIT = 120.0  # longest single wait for a rate limit, in seconds
DEFAULT_MAX_WRITES = 450  # per run: GitHub allows about 500 content-creating requests an hour
DEFAULT_SETTLE = 5.0  # seconds to let GitHub's lists catch up after an unknown write outcome
DEFAULT_STATE_BRANCH = "postmortem-sync"
DEFAULT_STATE_FILE = ".postmortem/issues.json"
DEFAULT_LABEL = "post-mortem"
DEFAULT_REF = "main"
DEFAULT_STATUSES = ("published",)
# The weekly review's windows (`sync.due_soon_days`, `sync.followup_review_days`,
# `sync.escalation.grace_days`), here so that checking the settings does not import the review.
DEFAULT_DUE_SOON_DAYS = 7
DEFAULT_FOLLOWUP_REVIEW_DAYS = 28  # the reference template's 4-week follow-up review
DEFAULT_GRACE_DAYS = 7


@dataclass(frozen=True)
class SyncOptions:
    """What `sync` and `review` need to reach GitHub, resolved once."""

    repo: str | None
    api_url: str
    ref: str
    statuses: tuple[str, ...]
    label: str
    pace: float
    max_wait: float
    state_file: str
    max_writes: int = DEFAULT_MAX_WRITES
    settle: float = DEFAULT_SETTLE
    state_branch: str | None = DEFAULT_STATE_BRANCH  # None: no state branch


def resolve(
    section: Mapping[str, Any],
    env: Mapping[str, str] | None = None,
    *,
    repo: str | None = None,
    api_url: str | None = None,
    ref: str | None = None,
    statuses: tuple[str, ...] = (),
    label: str | None = None,
    pace: float | None = None,
    max_wait: float | None = None,
    state_file: str | None = None,
    max_writes: int | None = None,
    settle: float | None = None,
    state_branch: str | None = None,
) -> SyncOptions:
    """The command line (the keyword arguments), then the file's `sync:` section (already
    checked against `SYNC`), then the environment, then the defaults."""
    env = os.environ if env is None else env

    def pick(cli: Any, key: str, variable: str | None, default: Any) -> Any:
        for value in (cli, section.get(key), env.get(variable) if variable else None):
            if value is not None and value != "" and value != ():
                return value
        return default

    chosen = statuses or tuple(section.get("statuses") or ()) or DEFAULT_STATUSES
    return SyncOptions(
        repo=pick(repo, "repo", "GITHUB_REPOSITORY", None),
        api_url=str(pick(api_url, "api_url", "GITHUB_API_URL", DEFAULT_API_URL)),
        ref=str(pick(ref, "ref", None, DEFAULT_REF)),
        statuses=tuple(str(s).lower() for s in chosen),
        label=str(pick(label, "label", None, DEFAULT_LABEL)),
        pace=float(pick(pace, "pace", None, DEFAULT_PACE)),
        max_wait=float(pick(max_wait, "max_wait", None, DEFAULT_MAX_WAIT)),
        state_file=str(pick(state_file, "state_file", None, DEFAULT_STATE_FILE)),
        max_writes=int(pick(max_writes, "max_writes", None, DEFAULT_MAX_WRITES)),
        settle=float(pick(settle, "settle", None, DEFAULT_SETTLE)),
        # An empty branch (on the command line or in the file) means none: not "unset".
        state_branch=next(
            (b for b in (state_branch, section.get("state_branch")) if b is not None),
            DEFAULT_STATE_BRANCH,
        )
        or None,
    )
