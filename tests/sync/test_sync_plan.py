"""The sync plan is a pure function: documents + listed issues -> actions. No I/O here."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from postmortem.document import parse_document
from postmortem.sync.plan import (
    BODY_MAX,
    TITLE_MAX,
    ListedIssue,
    marker,
    marker_key,
    owner_handles,
    plan_sync,
)

from sync_helpers import SETTINGS, postmortem_text

DOC = "2025-03-01-api-outage"


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


def applied(issue: ListedIssue, action) -> ListedIssue:
    """The issue after GitHub applied an action's changes (as the emulator would)."""
    changes = action.changes
    state = changes.get("state", issue.state)
    reason = issue.state_reason
    if state != issue.state:
        reason = changes.get("state_reason") or ("completed" if state == "closed" else "reopened")
    return replace(
        issue,
        title=changes.get("title", issue.title),
        body=changes.get("body", issue.body),
        labels=tuple(changes.get("labels", issue.labels)),
        assignees=tuple(changes.get("assignees", issue.assignees)),
        state=state,
        state_reason=reason,
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


def test_state_reason_is_never_sent_without_a_change_of_state():
    """GitHub ignores state_reason unless state changes: such a write would repeat forever."""
    issue = synced([row()], state="closed", state_reason="completed")  # a person closed it
    action = only(plan_sync([doc([row(status="wont-do")])], [issue], SETTINGS))
    assert action.kind == "update"
    assert set(action.changes) == {"body"}  # the status is recorded; the reason is left
    after = replace(issue, body=action.changes["body"])
    assert only(plan_sync([doc([row(status="wont-do")])], [after], SETTINGS)).kind == "unchanged"


def test_a_status_changed_in_the_table_reopens_a_closed_issue():
    issue = applied(synced([row()]), plan_sync([doc([row(status="done")])], [synced([row()])],
                                               SETTINGS).actions[0])  # fmt: skip
    assert (issue.state, issue.state_reason) == ("closed", "completed")
    action = only(plan_sync([doc([row(status="in-progress")])], [issue], SETTINGS))
    assert (action.kind, action.changes["state"]) == ("reopen", "open")
    assert "state_reason" not in action.changes


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


# ------------------------------------------------------------------- people at work
def test_notes_people_write_in_the_body_are_kept():
    issue = synced([row()])
    noted = replace(issue, body=issue.body + "\n\nBlocked on the vendor ticket 4711. -- bob")
    assert only(plan_sync([doc([row()])], [noted], SETTINGS)).kind == "unchanged"
    action = only(plan_sync([doc([row(deadline="2025-05-01")])], [noted], SETTINGS))
    assert action.kind == "update" and set(action.changes) == {"body"}
    assert action.changes["body"].endswith("Blocked on the vendor ticket 4711. -- bob")
    assert "2025-05-01" in action.changes["body"]


def test_a_body_from_before_the_managed_markers_is_converted_and_notes_kept():
    old = (
        "Action item **A1** of the post-mortem.\n\n"
        f"<!-- postmortem-sync: key={DOC}/A1 -->\n\nA note from carol."
    )
    issue = replace(synced([row()]), body=old)
    action = only(plan_sync([doc([row()])], [issue], SETTINGS))
    body = action.changes["body"]
    assert body.count("postmortem-sync: key=") == 1 and body.endswith("A note from carol.")
    again = only(plan_sync([doc([row()])], [applied(issue, action)], SETTINGS))
    assert again.kind == "unchanged"


def test_a_deleted_marker_is_restored_around_the_persons_text():
    issue = replace(synced([row()]), body="My own summary of the work.", mapped_key=f"{DOC}/A1")
    action = only(plan_sync([doc([row()])], [issue], SETTINGS))
    assert marker_key(action.changes["body"]) == f"{DOC}/A1"
    assert action.changes["body"].endswith("My own summary of the work.")


def test_assignees_people_add_are_kept_and_only_the_old_owner_is_replaced():
    issue = synced([row()], assignees=["alice", "carol"])  # carol added by a person
    assert only(plan_sync([doc([row()])], [issue], SETTINGS)).kind == "unchanged"
    action = only(plan_sync([doc([row(owner="@bob")])], [issue], SETTINGS))
    assert action.changes["assignees"] == ["carol", "bob"]


def test_an_assignee_a_person_removed_is_not_put_back_while_the_row_is_unchanged():
    issue = synced([row()], assignees=[])
    assert only(plan_sync([doc([row()])], [issue], SETTINGS)).kind == "unchanged"


def test_a_title_edited_on_github_is_kept_until_the_action_changes():
    issue = synced([row()], title="Pool alert (see runbook)")
    assert only(plan_sync([doc([row()])], [issue], SETTINGS)).kind == "unchanged"
    action = only(plan_sync([doc([row(action="Alert on pool use")])], [issue], SETTINGS))
    assert action.changes["title"] == "Alert on pool use"


def test_an_issue_a_person_closes_is_drift_reported_once_never_reopened():
    issue = synced([row()], state="closed", state_reason="completed")
    plan = plan_sync([doc([row()])], [issue], SETTINGS)
    action = only(plan)
    assert action.kind == "update" and "state" not in action.changes
    assert "drift=closed" in action.comment and "set the row's Status" in action.comment
    assert [(d.status, d.state) for d in plan.drift] == [("open", "closed")]
    again = plan_sync([doc([row()])], [applied(issue, action)], SETTINGS)
    assert only(again).kind == "unchanged"  # noted once: no second comment, no write
    assert [d.number for d in again.drift] == [7]  # still reported
    # the person reopens it: the drift is gone and the note cleared
    reopened = replace(applied(issue, action), state="open", state_reason="reopened")
    cleared = plan_sync([doc([row()])], [reopened], SETTINGS)
    assert cleared.drift == [] and only(cleared).comment is None


def test_an_issue_a_person_reopens_after_done_is_drift_not_closed_again():
    issue = synced([row()])
    close = only(plan_sync([doc([row(status="done")])], [issue], SETTINGS))
    reopened = replace(applied(issue, close), state="open", state_reason="reopened")
    plan = plan_sync([doc([row(status="done")])], [reopened], SETTINGS)
    assert "state" not in only(plan).changes
    assert [(d.status, d.state) for d in plan.drift] == [("done", "open")]


def test_a_label_longer_than_50_characters_fails_that_item_only():
    long = "P1-customer-facing-outage-with-regulatory-reporting-duty"
    plan = plan_sync([doc([row(priority=long), row(item="A2", action="Other")])], [], SETTINGS)
    assert [a.key for a in plan.writes] == [f"{DOC}/A2"]
    assert len(plan.errors) == 1 and "longer than GitHub's 50" in plan.errors[0]
    assert plan.errors[0].startswith(f"postmortems/{DOC}.md:")


def test_a_person_reopening_a_removed_row_issue_is_drift():
    issue = synced([row(status="")])
    close = only(plan_sync([doc([row(item="A2", action="Other")])], [issue], SETTINGS))
    reopened = replace(applied(issue, close), state="open", state_reason="reopened")
    plan = plan_sync([doc([row(item="A2", action="Other")])], [reopened], SETTINGS)
    action = only(plan)
    assert action.kind == "update" and "state" not in action.changes
    assert plan.drift and action.comment
    assert only(plan_sync([doc([row(item="A2", action="Other")])],
                          [applied(reopened, action)], SETTINGS)).kind == "unchanged"  # fmt: skip
