"""The sync plan is a pure function: documents + listed issues -> actions. No I/O here."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from postmortem.document import parse_document
from postmortem.sync.plan import (
    BODY_MAX,
    TITLE_MAX,
    ListedIssue,
    SyncSettings,
    marker,
    marker_key,
    owner_handles,
    plan_sync,
)

from sync_helpers import postmortem_text

DOC = "2025-03-01-api-outage"
SETTINGS = SyncSettings(repo="acme/web", link_base="https://github.com/acme/web/blob/main/")


def doc(rows, doc_id=DOC, **kw):
    return parse_document(postmortem_text(doc_id, rows, **kw), Path(f"postmortems/{doc_id}.md"))


def row(item="A1", action="Add a pool saturation alert", owner="@alice", status="open", **kw):
    return (
        item,
        action,
        owner,
        kw.get("deadline", "2025-04-01"),
        kw.get("priority", "P1"),
        status,
    )


def issue_for(plan_action, number=7, state="open", state_reason=None, **kw) -> ListedIssue:
    """The issue GitHub would hold after applying a create action."""
    changes = plan_action.changes
    return ListedIssue(
        number=number,
        title=kw.get("title", changes["title"]),
        body=kw.get("body", changes["body"]),
        state=state,
        state_reason=state_reason,
        labels=tuple(kw.get("labels", changes["labels"])),
        assignees=tuple(kw.get("assignees", changes.get("assignees", ()))),
        url=f"https://github.com/acme/web/issues/{number}",
    )


def synced(rows, **kw) -> ListedIssue:
    """The issue of the first row after a clean sync."""
    first = plan_sync([doc(rows)], [], SETTINGS).actions[0]
    assert first.kind == "create"
    return issue_for(first, **kw)


def only(plan, key=f"{DOC}/A1"):
    found = [a for a in plan.actions if a.key == key]
    assert len(found) == 1, plan.actions
    return found[0]


# --------------------------------------------------------------------------- creating
def test_new_item_is_created_with_marker_labels_assignee_and_link():
    plan = plan_sync([doc([row()])], [], SETTINGS)
    action = only(plan)
    assert action.kind == "create"
    assert action.changes["title"] == "Add a pool saturation alert"
    assert action.changes["labels"] == ["post-mortem", "priority:P1", "severity:P2"]
    assert action.changes["assignees"] == ["alice"]
    body = action.changes["body"]
    assert marker_key(body) == f"{DOC}/A1"
    assert f"https://github.com/acme/web/blob/main/postmortems/{DOC}.md" in body
    assert "| 2025-03-01 | P2 | @alice | 2025-04-01 | P1 |" in body


def test_done_item_never_synced_gets_no_issue():
    plan = plan_sync([doc([row(status="done")])], [], SETTINGS)
    assert only(plan).kind == "unchanged"
    assert plan.writes == []


def test_items_without_id_or_repeated_ids_are_warned_not_synced():
    plan = plan_sync([doc([row(item=""), row(), row(action="Other")])], [], SETTINGS)
    assert [a.key for a in plan.writes] == [f"{DOC}/A1"]
    assert only(plan).changes["title"] == "Add a pool saturation alert"  # first row wins
    assert any("without an ID" in w for w in plan.warnings)
    assert any("repeats" in w for w in plan.warnings)


def test_draft_postmortems_are_not_synced_by_default_but_can_be():
    draft = doc([row()], status="draft")
    assert plan_sync([draft], [], SETTINGS).actions == []
    plan = plan_sync([draft], [], replace(SETTINGS, statuses=("published", "draft")))
    assert [a.kind for a in plan.actions] == ["create"]


def test_title_and_body_respect_github_limits():
    long_action = "Rotate " + "very " * 20_000 + "long credentials"
    action = only(plan_sync([doc([row(action=long_action)])], [], SETTINGS))
    assert len(action.changes["title"]) == TITLE_MAX
    assert action.changes["title"].endswith("…")
    assert len(action.changes["body"]) <= BODY_MAX
    assert marker_key(action.changes["body"]) == f"{DOC}/A1"


# ------------------------------------------------------------------------ reconciling
def test_clean_issue_is_unchanged():
    plan = plan_sync([doc([row()])], [synced([row()])], SETTINGS)
    assert only(plan).kind == "unchanged"
    assert plan.writes == []


def test_matching_is_by_marker_never_by_title():
    lookalike = ListedIssue(1, "Add a pool saturation alert", "no marker here", "open")
    pull = replace(synced([row()]), number=2, is_pull_request=True)
    plan = plan_sync([doc([row()])], [lookalike, pull], SETTINGS)
    assert [(a.kind, a.number) for a in plan.actions] == [("create", None)]


def test_changed_row_updates_title_body_labels_and_assignee():
    issue = synced([row()])
    new = row(action="Alert on pool saturation above 80%", owner="@bob", priority="P2")
    action = only(plan_sync([doc([new])], [issue], SETTINGS))
    assert action.kind == "update"
    assert set(action.changes) == {"title", "body", "labels", "assignees"}
    assert action.changes["assignees"] == ["bob"]
    assert action.changes["labels"] == ["post-mortem", "priority:P2", "severity:P2"]
    assert action.number == 7


def test_labels_added_by_people_are_kept():
    issue = synced([row()], labels=["post-mortem", "priority:P1", "severity:P2", "team-api"])
    assert only(plan_sync([doc([row()])], [issue], SETTINGS)).kind == "unchanged"
    action = only(plan_sync([doc([row(priority="P3")])], [issue], SETTINGS))
    assert action.changes["labels"] == ["team-api", "post-mortem", "priority:P3", "severity:P2"]


def test_logins_and_labels_compare_without_case():
    issue = synced(
        [row()], assignees=["Alice"], labels=["Post-Mortem", "priority:p1", "severity:P2"]
    )
    assert only(plan_sync([doc([row()])], [issue], SETTINGS)).kind == "unchanged"


def test_done_closes_as_completed_with_one_comment():
    action = only(plan_sync([doc([row(status="done")])], [synced([row()])], SETTINGS))
    assert action.kind == "close"
    assert action.changes["state"] == "closed"
    assert action.changes["state_reason"] == "completed"
    assert "marked done" in action.comment


def test_wont_do_closes_as_not_planned():
    action = only(plan_sync([doc([row(status="wont-do")])], [synced([row()])], SETTINGS))
    assert (action.kind, action.changes["state_reason"]) == ("close", "not_planned")


def test_closed_issue_with_other_reason_gets_the_reason_fixed():
    issue = synced([row()], state="closed", state_reason="completed")
    action = only(plan_sync([doc([row(status="wont-do")])], [issue], SETTINGS))
    assert action.kind == "update"
    assert action.changes == {"state": "closed", "state_reason": "not_planned"}


def test_explicit_open_status_reopens_a_closed_issue():
    issue = synced([row()], state="closed", state_reason="completed")
    action = only(plan_sync([doc([row(status="in-progress")])], [issue], SETTINGS))
    assert (action.kind, action.changes["state"]) == ("reopen", "open")


def test_blank_status_leaves_the_issue_state_to_github():
    issue = synced([row(status="")], state="closed", state_reason="completed")
    assert only(plan_sync([doc([row(status="")])], [issue], SETTINGS)).kind == "unchanged"


def test_removed_row_is_closed_not_planned_and_reopened_when_it_comes_back():
    issue = synced([row(status="")])
    plan = plan_sync([doc([row(item="A2", action="Other")])], [issue], SETTINGS)
    close = only(plan)
    assert close.kind == "close"
    assert close.changes["state_reason"] == "not_planned"
    assert "removed" in close.reason
    closed = replace(issue, state="closed", state_reason="not_planned", body=close.changes["body"])
    assert closed.removed and closed.key == issue.key
    # still removed: nothing more to do
    again = plan_sync([doc([row(item="A2", action="Other")])], [closed], SETTINGS)
    assert only(again).kind == "unchanged"
    # the row is back (even without a status): reopened, marker flag cleared
    back = only(plan_sync([doc([row(status="")])], [closed], SETTINGS))
    assert back.kind == "reopen"
    assert not ListedIssue(1, "", back.changes["body"], "open").removed


def test_issues_of_unsynced_or_unreadable_postmortems_are_left_alone():
    issue = synced([row()])
    draft = doc([], status="draft")
    assert only(plan_sync([draft], [issue], SETTINGS)).kind == "unchanged"
    broken = parse_document("---\nid: [unclosed\n---\n", Path(f"postmortems/{DOC}.md"))
    action = only(plan_sync([broken], [issue], replace(SETTINGS, full_archive=True)))
    assert action.kind == "unchanged"
    assert "cannot be read" in action.reason


def test_postmortem_gone_from_the_archive_closes_only_on_full_archive_runs():
    issue = synced([row()])
    other = doc([], doc_id="2025-05-05-other")
    assert only(plan_sync([other], [issue], SETTINGS)).kind == "unchanged"
    action = only(plan_sync([other], [issue], replace(SETTINGS, full_archive=True)))
    assert action.kind == "close"
    assert "no longer in the archive" in action.reason


def test_two_issues_with_one_marker_keep_the_oldest_and_warn():
    first = synced([row()], number=3)
    twin = replace(first, number=9, title="edited by hand")
    plan = plan_sync([doc([row()])], [twin, first], SETTINGS)
    assert [(a.kind, a.number) for a in plan.actions] == [("unchanged", 3)]
    assert any("#3 and #9" in w for w in plan.warnings)


def test_unassignable_owner_is_a_warning_and_no_assignee():
    settings = replace(SETTINGS, unassignable=frozenset({"zoe"}))
    action = only(plan_sync([doc([row(owner="@zoe")])], [], settings))
    assert "assignees" not in action.changes
    assert any("@zoe cannot be assigned" in w for w in plan_sync([doc([row(owner="@zoe")])], [],
                                                                 settings).warnings)  # fmt: skip
    # an issue someone assigned by hand keeps its assignee
    issue = synced([row(owner="@zoe")], assignees=["carol"])
    assert only(plan_sync([doc([row(owner="@zoe")])], [issue], settings)).kind == "unchanged"


def test_owner_cells_yield_github_logins_only():
    assert owner_handles("@alice") == ["alice"]
    assert owner_handles("Alice Doe (@alice-d)") == ["alice-d"]
    assert owner_handles("@alice, @bob") == ["alice", "bob"]
    assert owner_handles("@acme/sre-team") == []
    assert owner_handles("Platform team") == []
    assert owner_handles("mail alice@example.com") == []


def test_marker_round_trips_unusual_item_ids():
    key = f"{DOC}/AI 7 (b)"
    assert marker_key("text\n" + marker(key)) == key
    assert marker_key("text\n" + marker(key, removed=True)) == key
    assert marker_key("no marker") is None


def test_plan_is_deterministic():
    docs = [doc([row(), row(item="A2", action="Second", status="done")])]
    issues = [synced([row()], number=5)]
    first = plan_sync(docs, issues, SETTINGS)
    second = plan_sync(docs, issues, SETTINGS)
    assert [a.to_dict() for a in first.actions] == [a.to_dict() for a in second.actions]
