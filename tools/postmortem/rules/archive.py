"""Archive rules: checks across every post-mortem of the archive, not one file."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from .base import Context, Problem, rule


@dataclass(frozen=True)
class Entry:
    """What archive rules need of each file: cheap to build from the frontmatter alone."""

    path: str
    id: str
    id_line: int
    related: tuple[str, ...] = ()
    related_line: int = 1
    # What other archive rules need of a file the validator parsed fully (LE101: its profile).
    extra: dict = field(default_factory=dict, compare=False)


@rule("AR101", "unique-id", "schema", archive=True)
def unique_id(entries: Sequence[Entry], ctx: Context) -> Iterator[tuple[Entry, Problem]]:
    """Post-mortem ids are unique across the archive.

    Two pull requests written the same day can pick the same id; the id keys the action-item
    issues and the site URL, so the second one must be renamed before it merges.
    """
    first: dict[str, Entry] = {}
    for entry in sorted(entries, key=lambda e: e.path):
        if not entry.id:
            continue
        if entry.id in first:
            yield (
                entry,
                Problem(
                    entry.id_line,
                    f"id `{entry.id}` is already used by {first[entry.id].path}",
                    "Choose another id (and file name).",
                ),
            )
        else:
            first[entry.id] = entry


@rule("AR102", "related-exists", "schema", severity="warning", archive=True)
def related_exists(entries: Sequence[Entry], ctx: Context) -> Iterator[tuple[Entry, Problem]]:
    """Ids listed under `related` exist in the archive."""
    known = {e.id for e in entries if e.id}
    for entry in entries:
        for other in entry.related:
            if other not in known:
                yield (
                    entry,
                    Problem(
                        entry.related_line,
                        f"related post-mortem `{other}` is not in the archive",
                        "Check the id, or remove it.",
                    ),
                )
