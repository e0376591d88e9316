"""Action-item statuses: the one vocabulary the document model, the deadline rules, the sync
plan, the site, the digest and the JSON Schema share.

A status means one of three things: the work is still to do (`open`), it is done (`done`), or
it was dropped (`dropped`). The template and the schema use the canonical words; the aliases
are the other spellings authors write, read with the same meaning everywhere (the schema rule
still asks for the canonical word).
"""

from __future__ import annotations

OPEN, DONE, DROPPED = "open", "done", "dropped"

# Canonical statuses, in the order the template documents them. An empty cell is open.
STATUSES: dict[str, str] = {
    "": OPEN,
    "open": OPEN,
    "in-progress": OPEN,
    "blocked": OPEN,
    "done": DONE,
    "wont-do": DROPPED,
}

# Other spellings -> canonical status.
ALIASES: dict[str, str] = {
    "todo": "open",
    "to do": "open",
    "in progress": "in-progress",
    "completed": "done",
    "closed": "done",
    "fixed": "done",
    "resolved": "done",
    "wont do": "wont-do",
    "won't do": "wont-do",
    "wontdo": "wont-do",
    "wontfix": "wont-do",
    "won't fix": "wont-do",
    "cancelled": "wont-do",
    "canceled": "wont-do",
    "dropped": "wont-do",
}


def canonical(status: str | None) -> str | None:
    """The canonical status of a cell (any case, any alias), or None for an unknown word."""
    text = " ".join((status or "").split()).lower()
    text = ALIASES.get(text, text)
    return text if text in STATUSES else None


def meaning(status: str | None) -> str | None:
    """OPEN, DONE or DROPPED for a status cell; None for a word the vocabulary does not know."""
    known = canonical(status)
    return STATUSES[known] if known is not None else None
