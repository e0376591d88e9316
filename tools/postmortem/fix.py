"""`postmortem validate --fix`: the repairs the validator already knows, applied to the file.

What is repaired, and nothing else (prose is never rewritten):

- frontmatter values YAML would misread or refuse: `authors: [@alice]` (a reserved character),
  `title: Outage: API down` (a second `: `), `restricted: yes` (YAML 1.1's boolean) are quoted,
  or written as `true`/`false` where the schema wants a boolean;
- Timeline times written with an offset (`+01:00`) or a zone abbreviation (`CET`) are written
  in UTC; an abbreviation with several meanings (`IST`) only with a configured `timezone:`.
  A row keeps its form (time-only stays time-only) unless its date would then be misread;
- Action Items cells: a priority in the scale's own spelling (`high` -> `High`), a status in the
  canonical word (`Done` -> `done`, `in progress` -> `in-progress`), a deadline written
  `2025/02/16` as `2025-02-16`.

Every repair is computed from the text alone; applying them twice changes nothing the second
time. `fix_text` is pure; the CLI writes the result or prints its diff.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import statuses
from .config import Config
from .document import MAX_FILE_BYTES, Document, parse_document, split_lines
from .scales import Scale
from .times import format_utc, resolve_rows, window_day


@dataclass(frozen=True)
class Change:
    line: int
    what: str


@dataclass
class FixResult:
    path: str
    original: str
    fixed: str
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        """A unified diff of the repairs, as `git diff` shows them."""
        return "".join(
            difflib.unified_diff(
                self.original.splitlines(keepends=True),
                self.fixed.splitlines(keepends=True),
                f"a/{self.path}",
                f"b/{self.path}",
            )
        )


def fix_paths(paths: Iterable[Path], config: Config, write: bool) -> list[FixResult]:
    """Repair each file (written back when `write`); files that cannot be read as UTF-8
    text, or are too large, are left for the validator to report."""
    results = []
    for path in paths:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
            with path.open("r", encoding="utf-8", newline="") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            continue
        if "\x00" in text:
            continue
        result = fix_text(text, path.as_posix(), config)
        if write and result.changed:
            _write_atomically(path, result.fixed)
        results.append(result)
    return results


def _write_atomically(path: Path, text: str) -> None:
    """Replace the file's content; a crash never leaves a half-written post-mortem."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def fix_text(text: str, path: str, config: Config) -> FixResult:
    """Repair a post-mortem's text; the line ends and every line not repaired stay as they are."""
    original = text
    text = text.removeprefix("\ufeff")
    bom = "\ufeff" if text is not original else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = split_lines(text)
    trailing = text.endswith(("\n", "\r"))
    changes: list[Change] = []
    _fix_frontmatter(lines, changes)
    fixed_so_far = newline.join(lines) + (newline if trailing else "")
    doc = parse_document(fixed_so_far, path)
    if doc.parsed:
        _fix_timeline(doc, lines, changes, str(config.values.get("timezone") or ""))
        _fix_action_items(doc, lines, changes, config)
    fixed = bom + newline.join(lines) + (newline if trailing else "")
    if not changes:
        fixed = original  # nothing repaired: not even a line end is touched
    changes.sort(key=lambda c: c.line)
    return FixResult(path, original, fixed, changes)


# --------------------------------------------------------------------------------------------
# Frontmatter

_KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)(?P<sep>:[ \t]+)(?P<value>\S.*?)[ \t]*$")
_LIST_ITEM = re.compile(r"^(?P<indent>[ \t]+-[ \t]+)(?P<value>\S.*?)[ \t]*$")
_YAML11_BOOLS = {"y", "yes", "n", "no", "on", "off"}
# Characters YAML reserves: a plain value cannot start with them, so quoting only repairs.
# (`&`, `*`, `!`, `|`, `>` start anchors, aliases, tags and block scalars: left as written.)
_RESERVED_START = tuple("@`")
_SIMPLE_ITEM = re.compile(r"^[^\"'\[\]{}#]*$")


def _boolean_keys() -> set[str]:
    from .rules.schema import schema  # the frontmatter schema says which fields are booleans

    try:
        properties = schema("frontmatter").get("properties", {})
    except (OSError, ValueError):
        return {"restricted"}
    return {key for key, prop in properties.items() if prop.get("type") == "boolean"}


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _needs_quotes(value: str) -> bool:
    """A plain scalar YAML would refuse or read as something else than the text."""
    if not value or value[0] in "\"'[{":
        return False
    if value.startswith(_RESERVED_START):
        return True
    if ": " in value or value.endswith(":"):
        return True
    if value.lower() in _YAML11_BOOLS:
        return True
    # 0755 or 1:30 would be read by YAML 1.1 as numbers in another base.
    return bool(re.fullmatch(r"[-+]?0[0-7]+|[-+]?\d+(?::[0-5]?\d)+", value))


def _fix_scalar(key: str, value: str, booleans: set[str]) -> tuple[str, str] | None:
    """(new value, what) for a top-level `key: value`, or None when it is fine."""
    if " #" in value and not value.startswith(_RESERVED_START):
        return None  # a comment, or text we cannot tell from one: left as it is
    if value.startswith("[") and value.endswith("]"):
        inner = value[1:-1]
        if not _SIMPLE_ITEM.match(inner):
            return None
        items = [item.strip() for item in inner.split(",")]
        if not any(_needs_quotes(item) for item in items):
            return None
        quoted = [_quote(item) if _needs_quotes(item) else item for item in items if item]
        return f"[{', '.join(quoted)}]", "quoted the values YAML cannot read unquoted"
    if key in booleans and value.lower() in _YAML11_BOOLS:
        word = "true" if value.lower() in ("y", "yes", "on") else "false"
        return word, f"`{value}` written as the boolean `{word}`"
    if _needs_quotes(value):
        return _quote(value), "quoted the value"
    return None


def _fix_frontmatter(lines: list[str], changes: list[Change]) -> None:
    if not lines or lines[0].rstrip() != "---":
        return
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return
    booleans = _boolean_keys()
    for index in range(1, end):
        line = lines[index]
        match = _KEY_VALUE.match(line)
        if match:
            found = _fix_scalar(match["key"], match["value"], booleans)
            if found:
                value, what = found
                lines[index] = f"{match['key']}{match['sep']}{value}"
                changes.append(Change(index + 1, f"`{match['key']}`: {what}"))
            continue
        item = _LIST_ITEM.match(line)
        if item and _needs_quotes(item["value"]) and " #" not in item["value"]:
            lines[index] = f"{item['indent']}{_quote(item['value'])}"
            changes.append(Change(index + 1, "quoted a list value"))


# --------------------------------------------------------------------------------------------
# Table cells


def _replace_cell(
    lines: list[str], line: int, column: int, old: str, new: str, changes: list[Change], what: str
) -> bool:
    """Replace a cell's text in place, keeping the column width when the new text is shorter."""
    source = lines[line - 1]
    start = column - 1
    if source[start : start + len(old)] != old:
        return False  # the cell's text is not where the parser says (escapes): leave it
    rest = source[start + len(old) :]
    padding = len(old) - len(new)
    if padding > 0 and rest.startswith("  "):  # an aligned table stays aligned
        rest = " " * padding + rest
    lines[line - 1] = source[:start] + new + rest
    changes.append(Change(line, what))
    return True


def _fix_timeline(doc: Document, lines: list[str], changes: list[Change], tz: str) -> None:
    entries = doc.timeline
    if not entries:
        return
    start, end = doc.started or doc.detected, doc.resolved or doc.mitigated
    rows = resolve_rows([e.time_text for e in entries], start, end, tz or None)
    # The date each row's text will get once rewritten, as the reader of the file sees it.
    context: date | None = window_day(start, end)
    for entry, row in zip(entries, rows, strict=True):
        cell = row.cell
        if row.time is None or cell is None:
            if cell is not None and cell.day is not None:
                context = cell.day
            continue
        if cell.offset == 0 or not cell.zone:
            if cell.day is not None:
                context = cell.day
            continue
        # Not UTC: write it in UTC, time-only when the date it would get is the right one.
        with_date = cell.day is not None or context != row.time.date()
        new = format_utc(row.time, seconds=cell.seconds, with_date=with_date)
        if with_date:
            context = row.time.date()
        old = entry.row.cells["time"].text if entry.row and "time" in entry.row.cells else ""
        column = entry.row.column("time") if entry.row else 1
        if old:
            _replace_cell(
                lines,
                entry.line,
                column,
                old,
                new,
                changes,
                f"timeline time `{old}` written in UTC: `{new}`",
            )
    _date_following_rows(doc, lines, changes, rows, start, end, tz)


def _date_following_rows(
    doc: Document,
    lines: list[str],
    changes: list[Change],
    before: list[Any],
    start: datetime | None,
    end: datetime | None,
    tz: str,
) -> None:
    """A rewritten row that now carries a new date would re-date the time-only rows after it:
    give those their date too, so every row keeps its instant."""
    text = "\n".join(lines) + "\n"
    doc2 = parse_document(text, doc.display_path)
    after = resolve_rows([e.time_text for e in doc2.timeline], start, end, tz or None)
    for entry, old, new in zip(doc2.timeline, before, after, strict=False):
        if old.time is None or new.time == old.time or new.cell is None or new.cell.day:
            continue
        cell = entry.row.cells.get("time") if entry.row else None
        if cell is None:
            continue
        rewritten = format_utc(old.time, seconds=new.cell.seconds, with_date=True)
        _replace_cell(
            lines,
            entry.line,
            cell.column,
            cell.text,
            rewritten,
            changes,
            f"timeline time `{cell.text}` given its date: `{rewritten}`",
        )


_SLASHED_DAY = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$|^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _fix_action_items(
    doc: Document, lines: list[str], changes: list[Change], config: Config
) -> None:
    scale = Scale.from_setting(config.values.get("priority_scale"))
    for item in doc.action_items:
        row = item.row
        if row is None:
            continue
        fixes: list[tuple[str, str, str]] = []
        priority = row.text("priority")
        spelled = scale.canonical(priority) if priority else None
        if spelled and spelled != priority:
            fixes.append(("priority", spelled, f"priority `{priority}` spelled `{spelled}`"))
        status = row.text("status")
        canonical = statuses.canonical(status) if status else None
        if canonical is not None and canonical != status:
            fixes.append(("status", canonical, f"status `{status}` written `{canonical}`"))
        deadline = row.text("deadline")
        day = _SLASHED_DAY.match(deadline)
        if day:
            year, month, dom = (g for g in day.groups() if g is not None)
            try:
                written = date(int(year), int(month), int(dom)).isoformat()
            except ValueError:
                written = None
            if written and written != deadline:
                fixes.append(("deadline", written, f"deadline `{deadline}` written `{written}`"))
        # Right to left: a rewritten cell never moves the cells still to rewrite.
        for key, new, what in sorted(fixes, key=lambda f: -row.column(f[0])):
            cell = row.cells[key]
            _replace_cell(lines, cell.line, row.column(key), cell.text, new, changes, what)
