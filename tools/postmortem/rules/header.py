"""Header lines: the reference template's `**Severity**:` lines in the body agree with the frontmatter.

The reference report starts with `**Date**:`, `**Duration**:`, `**Severity**:` and
`**Authors**:` lines. Teams that adopt the frontmatter often keep them for readers of the
raw file; then the two copies drift apart. The frontmatter is what the tools read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from ..document import Document, split_lines
from .base import Context, Problem, rule

_HEADER = re.compile(r"^\s*\*\*(?P<label>[A-Za-z ]+?)\*\*\s*:\s*(?P<value>.*?)\s*$")
_HANDLE = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
_DURATION_PART = re.compile(
    r"(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>d(?:ays?)?|h(?:ours?|rs?)?|m(?:in(?:ute)?s?)?)\b",
    re.IGNORECASE,
)
_RANGE = re.compile(r"(?P<start>\d{1,2}:\d{2})\s*[-\u2013\u2014]+\s*(?P<end>\d{1,2}:\d{2})")
_UNIT_MINUTES = {"d": 1440, "h": 60, "m": 1}


def header_lines(doc: Document) -> list[tuple[int, str, str]]:
    """(line, label in lower case, value) of each `**Label**: value` line above the first `##`."""
    lines = split_lines(doc.text)
    second = [s.line for s in doc.sections if s.level == 2]
    end = second[0] - 1 if second else len(lines)
    found = []
    for number in range(max(doc.body_line, 1), end + 1):
        match = _HEADER.match(lines[number - 1])
        if match:
            found.append((number, match["label"].strip().lower(), match["value"]))
    return found


def duration_minutes(text: str) -> float | None:
    """`1h 35min` -> 95; `1.5 hours` -> 90; None when the text holds no duration."""
    before = re.split(r"[(\[]", text, maxsplit=1)[0]
    parts = list(_DURATION_PART.finditer(before))
    if not parts:
        return None
    return sum(float(p["number"]) * _UNIT_MINUTES[p["unit"][0].lower()] for p in parts)


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


@rule("ST106", "header-lines", "structure", severity="warning")
def header_agrees(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Header lines kept in the body (`**Severity**:`, `**Duration**:`, `**Authors**:`, `**Date**:`) agree with the frontmatter.

    The reference template puts these facts at the top of the body; the frontmatter holds them
    for the tools. When both are present and disagree, one of them is wrong.
    """
    if not doc.parsed or not doc.meta:
        return
    started, resolved = doc.started, doc.resolved
    for line, label, value in header_lines(doc):
        if label == "severity" and doc.severity:
            written = re.split(r"[\s(,]", value.strip(), maxsplit=1)[0]
            if written and written.casefold() != doc.severity.casefold():
                yield Problem(
                    line,
                    f"**Severity** says `{written}`, the frontmatter `severity: {doc.severity}`",
                    "Make them agree, or remove the line: the frontmatter is what the tools read.",
                )
        elif label == "authors" and doc.authors:
            written = set(_HANDLE.findall(value))
            listed = {h for a in doc.authors for h in _HANDLE.findall(a)}
            if written and listed and {h.lower() for h in written} != {h.lower() for h in listed}:
                yield Problem(
                    line,
                    f"**Authors** lists {', '.join(sorted(written))}, the frontmatter "
                    f"`authors` {', '.join(sorted(listed))}",
                    "Make them agree, or remove the line: the frontmatter is what the tools read.",
                )
        elif label == "date" and started is not None:
            day = re.search(r"\d{4}-\d{2}-\d{2}", value)
            if day and day.group() != f"{started:%Y-%m-%d}":
                yield Problem(
                    line,
                    f"**Date** says {day.group()}, the incident started on {started:%Y-%m-%d} "
                    "(frontmatter `started`)",
                    "Make them agree, or remove the line.",
                )
        elif label == "duration" and started is not None and resolved is not None:
            yield from _duration(line, value, started, resolved)


def _duration(line: int, value: str, started: datetime, resolved: datetime) -> Iterator[Problem]:
    actual = (resolved - started).total_seconds() / 60
    written = duration_minutes(value)
    hours, minutes = divmod(round(actual), 60)
    shown = f"{hours}h {minutes:02d}min" if hours else f"{minutes}min"
    window = f"{_clock(started)} - {_clock(resolved)} UTC"
    if written is not None and abs(written - actual) > 1:
        yield Problem(
            line,
            f"**Duration** says {value.split('(')[0].strip()}, the frontmatter window "
            f"(`started` to `resolved`, {window}) is {shown}",
            "Make them agree, or remove the line: the frontmatter is what the tools read.",
        )
        return
    span = _RANGE.search(value)
    if span and (
        span["start"].zfill(5) != _clock(started) or span["end"].zfill(5) != _clock(resolved)
    ):
        yield Problem(
            line,
            f"**Duration** gives {span['start']} - {span['end']}, the frontmatter window is {window}",
            "Make them agree, or remove the line.",
        )
