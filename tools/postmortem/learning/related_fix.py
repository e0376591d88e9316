"""`postmortem validate --fix` for LE101: add the suggested ids to the `related:` line.

Runs after the text repairs of `fix.py` (on their result), because it needs the archive: the
other post-mortems are read like the LE101 rule reads them. Only forms that can be edited
without touching anything else are changed: a one-line flow list (`related: [a, b]`, `[]`),
a block list (`related:` then `  - a` lines), or no `related:` key at all (a line
`related: [id]` is added at the end of the frontmatter). Anything else is left as written.
Running it twice changes nothing the second time: listed ids are never suggested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..config import Config
from ..document import iter_markdown_files, split_lines
from ..fix import Change, FixResult, _write_atomically
from .archive import archive_neighbours
from .profile import profile_from_text
from .similarity import Settings, not_listed

_FLOW = re.compile(r"^related:[ \t]*\[(?P<items>[^\]\n]*)\][ \t]*(?P<comment>#.*)?$")
_BLOCK_KEY = re.compile(r"^related:[ \t]*(?:#.*)?$")
_BLOCK_ITEM = re.compile(r"^(?P<indent>[ \t]*)-[ \t]+\S")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]+$")


def add_related(text: str, ids: list[str]) -> tuple[str, int] | None:
    """The text with `ids` added to its frontmatter's `related:` list, and the line changed
    (1-based); None when the frontmatter's form is not one edited here."""
    newline = "\r\n" if "\r\n" in text else "\n"
    trailing = text.endswith(("\n", "\r"))
    lines = split_lines(text)
    if not lines or lines[0].rstrip() != "---":
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return None
    names = [i if _SAFE_ID.match(i) else f'"{i}"' for i in ids]
    keys = [n for n in range(1, end) if re.match(r"^related\s*:", lines[n])]
    if not keys:
        lines.insert(end, f"related: [{', '.join(names)}]")
        changed = end + 1
    elif len(keys) > 1:
        return None
    else:
        at = keys[0]
        flow = _FLOW.match(lines[at])
        if flow:
            items = [i.strip() for i in flow["items"].split(",") if i.strip()]
            comment = f" {flow['comment']}" if flow["comment"] else ""
            lines[at] = f"related: [{', '.join([*items, *names])}]{comment}"
            changed = at + 1
        elif _BLOCK_KEY.match(lines[at]):
            last, indent = at, "  "
            for n in range(at + 1, end):
                item = _BLOCK_ITEM.match(lines[n])
                if not item:
                    break
                last, indent = n, item["indent"]
            if last == at and at + 1 < end and lines[at + 1].strip():
                return None  # a value on the next line that is not a list item
            for offset, name in enumerate(names, start=1):
                lines.insert(last + offset, f"{indent}- {name}")
            changed = last + 2
        else:
            return None
    return newline.join(lines) + (newline if trailing else ""), changed


def add_similar_related(
    results: list[FixResult], targets: Iterable[Path], config: Config, write: bool
) -> list[FixResult]:
    """Add LE101's suggestions to the `related:` of each repaired file (in place)."""
    if not results:
        return results
    settings = Settings.from_options(config.rule_settings("LE101"))
    mine = {r.path: profile_from_text(r.fixed, r.path) for r in results}
    paths = list(dict.fromkeys(iter_markdown_files(targets)))
    found = archive_neighbours(paths, mine, config.root.resolve(), settings, not_listed)
    for result in results:
        matches = found.get(result.path, [])
        ids = [m.profile.id for m in matches if m.profile.id]
        if not ids:
            continue
        edited = add_related(result.fixed, ids)
        if edited is None:
            continue
        result.fixed, line = edited
        for match in matches:
            if match.profile.id:
                result.changes.append(
                    Change(
                        line,
                        f"related: added {match.profile.id} (similar incident, "
                        f"score {match.score:.2f}; LE101)",
                    )  # fmt: skip
                )
        result.changes.sort(key=lambda c: c.line)
        if write:
            _write_atomically(Path(result.path), result.fixed)
    return results
