"""Structure rules: the sections of the template, filled in, with enough contributing factors."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..document import Document, split_lines
from ..options import project
from .base import Context, Problem, rule

_PLACEHOLDER = re.compile(r"\bTODO\b|\bTBD\b|\bFIXME\b|\blorem ipsum\b", re.IGNORECASE)

_WHAT_TO_WRITE = {
    "summary": "Two to four sentences: what happened, the impact, how it ended.",
    "impact": "Who was affected and how much: users, requests, revenue, data, duration.",
    "root cause": "The technical mechanism that produced the failure, not a person.",
    "timeline": "A table | Time (UTC) | Event | Source | Actor | from first signal to resolution.",
    "contributing factors": "The immediate cause, the contributing factors and the systemic issues.",
    "action items": "A table | ID | Action | Owner | Deadline | Priority | Status |.",
    "what went well": "What worked: detection, tooling, people's responses worth repeating.",
    "lessons learned": "What the organisation learned, as statements about systems and process.",
}


def _required(ctx: Context) -> list[str]:
    return [str(s) for s in ctx.option("required_sections")]


@rule("ST101", "required-sections", "structure", options=project("required_sections"))
def required_sections(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Every section of the reference template is present (`required_sections`).

    Summary, Impact, Root Cause, Timeline, Contributing Factors, Action Items, What Went Well,
    Lessons Learned, as `##` headings. A heading may carry a qualifier, in any case:
    `## Timeline (all times UTC)` is the Timeline. Prevention is optional.
    """
    if not doc.parsed:
        return
    for title in _required(ctx):
        if doc.section(title) is None:
            hint = _WHAT_TO_WRITE.get(title.lower())
            yield Problem(
                doc.body_line,
                f"missing section `## {title}`",
                f"Add `## {title}`" + (f": {hint}" if hint else "."),
            )


@rule("ST102", "unfilled-section", "structure", options=project("required_sections"))
def unfilled_section(doc: Document, ctx: Context) -> Iterator[Problem]:
    """A required section is empty, or any section still holds a placeholder (TODO, TBD, FIXME).

    `postmortem new` writes `TODO:` placeholders saying what each section needs; this rule keeps
    a half-written report from being merged.
    """
    required = {t.lower() for t in _required(ctx)}
    # No placeholder can span lines, so a file without one anywhere has none in a section:
    # then the lines are not searched one by one.
    placeholders = _PLACEHOLDER.search(doc.text) is not None
    lines = split_lines(doc.text) if placeholders else []
    for section in doc.sections:
        hint = _WHAT_TO_WRITE.get(section.key)
        if section.key in required and section.is_empty:
            yield Problem(
                section.line,
                f"section `{section.title}` is empty",
                f"Write it: {hint}" if hint else None,
            )
            continue
        if not placeholders:
            continue
        for number in range(section.line + 1, min(section.end_line, len(lines)) + 1):
            match = _PLACEHOLDER.search(lines[number - 1])
            if match:
                yield Problem(
                    number,
                    f"section `{section.title}` still has a placeholder: "
                    f"{lines[number - 1].strip()[:120]}",
                    f"Replace it: {hint}" if hint else "Replace the placeholder.",
                    match.start() + 1,
                )


@rule("ST103", "contributing-factors", "structure", options=project("min_contributing_factors"))
def contributing_factors(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Several contributing factors, not only one (`min_contributing_factors`, default 2).

    Incidents in complex systems rarely have a single cause. Count: the list items of the
    Contributing Factors section (its immediate cause, contributing factors and systemic issues).
    """
    section = doc.section("contributing factors")
    if section is None:
        return
    wanted = int(ctx.option("min_contributing_factors"))
    found = [
        item for item in section.items if item.text.strip() and not _PLACEHOLDER.search(item.text)
    ]
    if len(found) < wanted:
        yield Problem(
            section.line,
            f"{len(found)} contributing factor(s) listed; at least {wanted} expected",
            "Ask what else made the failure possible or worse: "
            "missing safeguards, detection gaps, process or tooling issues. "
            "List each as a bullet.",
        )


@rule("ST104", "table-columns", "structure")
def table_columns(doc: Document, ctx: Context) -> Iterator[Problem]:
    """The Timeline and Action Items sections each hold a table with the expected columns.

    Timeline: Time, Event, Source, Actor. Action Items: ID, Action, Owner, Deadline, Priority
    (Status and Issue are optional).
    """
    wanted = {
        "timeline": ["time", "event", "source", "actor"],
        "action items": ["id", "action", "owner", "deadline", "priority"],
    }
    for key, columns in wanted.items():
        section = doc.section(key)
        if section is None:
            continue
        if not section.tables:
            if not section.is_empty:
                header = " | ".join(c.title() if c != "id" else "ID" for c in columns)
                yield Problem(
                    section.line,
                    f"section `{section.title}` has no table",
                    f"Use a table: | {header} |",
                )
            continue
        table = section.tables[0]
        missing = [c for c in columns if c not in table.headers]
        if missing:
            yield Problem(
                table.line,
                f"{section.title} table lacks column(s) {', '.join(missing)}",
                f"Columns: {', '.join(columns)}.",
            )
        if not table.rows:
            yield Problem(table.line, f"{section.title} table has no rows", _WHAT_TO_WRITE[key])


@rule("ST105", "duplicate-section", "structure")
def duplicate_section(doc: Document, ctx: Context) -> Iterator[Problem]:
    """A section heading appears twice; tools would read only the first one."""
    seen: dict[str, int] = {}
    for section in doc.sections:
        if section.key in seen:
            yield Problem(
                section.line,
                f"section `{section.title}` appears twice (first on line {seen[section.key]})",
                "Merge the two sections.",
            )
        else:
            seen[section.key] = section.line
