"""Property tests of the sync plan on broken documents: one issue per action item key, and a
second run after the first one's issues exist changes nothing (no item lost or duplicated,
whatever the table looks like)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import event, given, settings

from postmortem.document import parse_bytes
from postmortem.sync.plan import ListedIssue, plan_sync

from fuzzing import SETTINGS, mutated_body, mutated_seed, structured_document

pytestmark = pytest.mark.slow  # property tests over hundreds of generated inputs

# The project's Hypothesis profile (tests/conftest.py), with fewer examples: each is slower.
FUZZ = settings(max_examples=max(1, settings().max_examples // 2))
PATH = Path("postmortems/2025-02-09-api-service-degradation.md")


def created_issues(plan) -> list[ListedIssue]:
    """The issues GitHub holds after the plan's creates were applied."""
    issues = []
    for number, action in enumerate((a for a in plan.actions if a.kind == "create"), start=1):
        changes = action.changes
        issues.append(
            ListedIssue(
                number=number,
                title=changes["title"],
                body=changes["body"],
                state="open",
                state_reason=None,
                labels=tuple(changes["labels"]),
                assignees=tuple(changes.get("assignees") or ()),
                url=f"https://github.com/acme/web/issues/{number}",
            )
        )
    return issues


@FUZZ
@given(mutated_seed())
def test_sync_plan_is_idempotent_on_mutated_reports(data: bytes) -> None:
    check_idempotent(data.replace(b"| done   |", b"| open   |"))  # items to create


@FUZZ
@given(mutated_body())
def test_sync_plan_is_idempotent_on_damaged_tables(data: bytes) -> None:
    check_idempotent(data.replace(b"| done   |", b"| open   |"))


@FUZZ
@given(structured_document())
def test_sync_plan_is_idempotent_on_assembled_reports(data: bytes) -> None:
    check_idempotent(data)


def check_idempotent(data: bytes) -> None:
    doc = parse_bytes(data, PATH)
    first = plan_sync([doc], [], SETTINGS)
    keys = [a.key for a in first.actions]
    assert len(keys) == len(set(keys)), keys  # never two issues for one action item
    assert {a.kind for a in first.actions} <= {"create", "unchanged"}
    issues = created_issues(first)
    event(f"issues created: {min(len(issues), 4)}{'+' if len(issues) >= 4 else ''}")
    for issue in issues:
        assert issue.key is not None  # the marker survives whatever the row holds
    second = plan_sync([doc], issues, SETTINGS)
    assert not second.writes, [(a.kind, a.key, a.reason) for a in second.writes]
    assert sorted(a.key for a in second.actions) == sorted(keys)
