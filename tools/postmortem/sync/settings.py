"""The `sync:` settings of `.postmortem.yml` (sync, review, digest), declared as data.

One JSON Schema, as the site declares its own (`site/settings.py`): the project's settings
layer (`postmortem.settings`) checks the `sync:` section of the file against it when the file is
loaded, and reports each problem with its file and line: a typo must never switch a behaviour
off silently. `options.resolve` gives the commands their options (command line, file,
environment, defaults); the defaults here are the ones it uses. Importing this module is cheap.
"""

from __future__ import annotations

from typing import Any

from .options import (
    DEFAULT_API_URL,
    DEFAULT_DUE_SOON_DAYS,
    DEFAULT_FOLLOWUP_REVIEW_DAYS,
    DEFAULT_GRACE_DAYS,
    DEFAULT_LABEL,
    DEFAULT_MAX_WAIT,
    DEFAULT_MAX_WRITES,
    DEFAULT_PACE,
    DEFAULT_REF,
    DEFAULT_SETTLE,
    DEFAULT_STATE_BRANCH,
    DEFAULT_STATE_FILE,
    DEFAULT_STATUSES,
)

NUMBER = {"type": "number"}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "repo": {"type": "string", "description": "OWNER/NAME of the issues."},
        "api_url": {"type": "string", "default": DEFAULT_API_URL, "description": "REST API root."},
        "label": {"type": "string", "default": DEFAULT_LABEL, "description": "Managed label."},
        "statuses": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(DEFAULT_STATUSES),
            "description": "Post-mortem statuses whose action items are synced.",
        },
        "ref": {"type": "string", "default": DEFAULT_REF, "description": "Branch of the links."},
        "pace": {**NUMBER, "minimum": 0, "default": DEFAULT_PACE,
                 "description": "Seconds between writes (GitHub asks for 1 or more)."},
        "max_wait": {**NUMBER, "minimum": 0, "default": DEFAULT_MAX_WAIT,
                     "description": "Longest rate-limit wait, in seconds."},
        "max_writes": {"type": "integer", "minimum": 1, "default": DEFAULT_MAX_WRITES,
                       "description": "Most writes in one run; the rest waits for the next."},
        "settle": {**NUMBER, "minimum": 0, "default": DEFAULT_SETTLE,
                   "description": "Seconds for GitHub's lists to catch up after an unknown "
                   "write outcome."},
        "state_branch": {"type": "string", "default": DEFAULT_STATE_BRANCH,
                         "description": "Branch of the item -> issue mapping ('' for none)."},
        "state_file": {"type": "string", "default": DEFAULT_STATE_FILE,
                       "description": "The site's copy of the issue state."},
        "due_soon_days": {"type": "integer", "minimum": 0, "default": DEFAULT_DUE_SOON_DAYS},
        "followup_review_days": {"type": "integer", "minimum": 1,
                                 "default": DEFAULT_FOLLOWUP_REVIEW_DAYS},
        "escalation": {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {
                "contact": {"type": ["string", "null"],
                            "description": "A @user or @org/team, quoted in YAML."},
                "priorities": {"type": ["array", "string"], "items": {"type": "string"},
                               "default": ["P1"]},
                "grace_days": {"type": "integer", "minimum": 0, "default": DEFAULT_GRACE_DAYS},
            },
        },
    },
}  # fmt: skip
