"""The reference post-mortem validates as written, once a team adds a frontmatter.

`../shared/reference-report.md` is the report the format comes from (present in the project's
own workspace, absent from a user's clone); `tests/data/reference-style/` holds a report
written for this project in the same style, so that every clone tests the same features:
a "Timeline (all times UTC)" heading, time-only rows, AI-001 ids, High/Medium/Low priorities,
header lines in the body and a Prevention section.
"""

from __future__ import annotations

from datetime import date

import pytest

from postmortem.document import parse_document

from ruletools import ROOT, run_rules

REFERENCE = ROOT.parent / "shared" / "reference-report.md"
OWN = ROOT / "tests" / "data" / "reference-style" / "queue-backlog.md"

REFERENCE_FRONTMATTER = """---
id: 2025-02-09-api-service-degradation
title: API Service Degradation
status: published
severity: P1
started: "2025-02-09T10:05:00Z"
detected: "2025-02-09T10:06:45Z"
mitigated: "2025-02-09T10:35:00Z"
resolved: "2025-02-09T11:40:00Z"
report_date: "2025-02-10T09:00:00Z"
authors: ["@alice", "@bob"]
reviewers: ["@carol"]
services: [api]
---
"""
OWN_FRONTMATTER = """---
id: 2025-05-14-checkout-queue-backlog
title: Checkout Queue Backlog
status: published
severity: P2
started: "2025-05-14T07:40:00Z"
detected: "2025-05-14T07:47:30Z"
mitigated: "2025-05-14T08:11:20Z"
resolved: "2025-05-14T08:32:00Z"
report_date: "2025-05-15T10:00:00Z"
authors: ["@noor", "@tomas"]
reviewers: ["@lin"]
services: [checkout-queue]
---
"""
REPORTS = {
    "reference": (REFERENCE, REFERENCE_FRONTMATTER, "2025-02-09-api-service-degradation.md"),
    "own": (OWN, OWN_FRONTMATTER, "2025-05-14-checkout-queue-backlog.md"),
}


def report(which: str) -> tuple[str, str]:
    path, frontmatter, name = REPORTS[which]
    if not path.is_file():
        pytest.skip(f"{path} is absent: the reference report lives beside the project's workspace")
    return frontmatter + path.read_text("utf-8"), name


def findings(text: str, name: str, today: date = date(2025, 6, 1)):
    return run_rules(text, today=today, name=name)


def timeline_rows(text: str) -> list[int]:
    """Line numbers of the Timeline table's data rows."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lower().startswith("## timeline"))
    rows = []
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if line.startswith("## "):
            break
        if line.startswith("|") and not set(line) <= set("|- ") and "Event" not in line:
            rows.append(number + 1)
    return rows


@pytest.mark.parametrize("which", sorted(REPORTS))
def test_the_report_validates_as_written_with_a_frontmatter(which: str) -> None:
    text, name = report(which)
    errors = [f for f in findings(text, name) if f.severity == "error"]
    assert errors == []
    doc = parse_document(text, name)
    # It is really checked: the timeline is recognised and every row has its instant.
    assert doc.section("timeline") is not None and doc.section("timeline").title.endswith(")")
    assert doc.timeline and all(e.time is not None for e in doc.timeline)
    assert {e.dated_by for e in doc.timeline} == {"window"}
    assert doc.timeline[0].time.date() == doc.started.date()
    assert doc.action_items and doc.section("prevention") is not None


@pytest.mark.parametrize("which", sorted(REPORTS))
def test_a_swapped_timeline_row_is_caught_on_its_line(which: str) -> None:
    text, name = report(which)
    lines = text.splitlines()
    rows = timeline_rows(text)
    third, fourth = rows[2] - 1, rows[3] - 1
    lines[third], lines[fourth] = lines[fourth], lines[third]
    swapped = "\n".join(lines) + "\n"
    order = [f for f in findings(swapped, name) if f.rule == "TL103"]
    assert [(f.line, f.severity) for f in order] == [(rows[3], "error")]


@pytest.mark.parametrize("which", sorted(REPORTS))
def test_header_lines_that_disagree_with_the_frontmatter_are_warnings(which: str) -> None:
    text, name = report(which)
    changed = text.replace("severity: P", "severity: P4 #", 1).replace(
        '"@', '"@someone-else", "@', 1
    )
    header = [f for f in findings(changed, name) if f.rule == "ST106"]
    assert [f.severity for f in header] == ["warning", "warning"]
    assert "**Severity**" in header[0].message and "**Authors**" in header[1].message
    lines = changed.splitlines()
    assert lines[header[0].line - 1].startswith("**Severity**:")
    assert lines[header[1].line - 1].startswith("**Authors**:")


def test_a_midnight_crossing_without_a_dated_row_says_how_to_write_it() -> None:
    text, name = report("own")
    text = text.replace('resolved: "2025-05-14T08:32:00Z"', 'resolved: "2025-05-15T00:10:00Z"')
    text = text.replace("**Duration**: 52min (07:40 - 08:32 UTC)\n", "")
    first = timeline_rows(text)[0]
    undated = [f for f in findings(text, name) if f.rule == "TL101"]
    assert undated and undated[0].line == first
    assert "cannot be known" in undated[0].message
    assert "spans more than one day" in undated[0].message
    assert "`2025-05-14 07:31:10`" in (undated[0].suggestion or "")
    # Writing the date on the first row dates the rest: no more TL101.
    dated = text.replace("| 07:31:10 |", "| 2025-05-14 07:31:10 |")
    assert [f for f in findings(dated, name) if f.rule == "TL101"] == []


@pytest.mark.parametrize("which", sorted(REPORTS))
def test_editors_schema_accepts_the_time_only_rows(which: str) -> None:
    from jsonschema import Draft202012Validator

    from postmortem.rules.schema import schema

    text, name = report(which)
    time = Draft202012Validator(schema("timeline")["properties"]["time"])
    cells = [e.time_text for e in parse_document(text, name).timeline]
    assert cells and all(time.is_valid(cell) for cell in cells)
    assert not time.is_valid("10:05 CET") and not time.is_valid("2025-02-09 10:05 +01:00")
