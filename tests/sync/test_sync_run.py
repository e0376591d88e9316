"""The adapter and the run loop against the emulator: faults, rate limits, pacing, adoption."""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortem.document import load_archive
from postmortem.sync.github import GitHubIssues, SyncAborted, sync
from postmortem.sync.plan import Action, marker_key

from sync_helpers import REPO, SETTINGS, TOKEN, write_postmortem

DOC = "2025-03-01-api-outage"


def rows(n: int, status: str = "open", owner: str = "@alice"):
    return [(f"A{i}", f"Action number {i}", owner, "2025-04-01", "P2", status) for i in range(n)]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "postmortems"
    write_postmortem(folder, DOC, rows(5))
    return folder


def api_for(em, clock, **kw) -> GitHubIssues:
    return GitHubIssues(REPO, TOKEN, api_url=em.url, clock=clock, pace=kw.pop("pace", 0), **kw)


def run(em, clock, folder, **kw):
    settle = kw.pop("settle", 5.0)
    api = api_for(em, clock, **kw)
    try:
        return sync(load_archive([folder]), SETTINGS, api, settle=settle)
    finally:
        api.close()


def keys(em, include_closed=True):
    found = [marker_key(i["body"]) for i in em.issues(REPO)]
    if not include_closed:
        found = [marker_key(i["body"]) for i in em.issues(REPO) if i["state"] == "open"]
    return sorted(k for k in found if k)


def test_first_run_creates_and_second_run_writes_nothing(github_emulator, clock, archive):
    first = run(github_emulator, clock, archive)
    assert first.ok and first.applied["create"] == 5
    assert keys(github_emulator) == [f"{DOC}/A{i}" for i in range(5)]
    labels = {label["name"] for label in github_emulator.issues(REPO)[0]["labels"]}
    assert labels == {"post-mortem", "priority:P2", "severity:P2"}
    github_emulator.reset_counts()
    second = run(github_emulator, clock, archive)
    assert second.ok and second.plan.writes == []
    assert github_emulator.writes == 0
    assert github_emulator.count() == 3  # the repository, the mapping, one page of issues


@pytest.mark.parametrize("kind", ["502_after_commit", "reset_after_commit", "reset_before_commit"])
def test_failed_create_is_never_retried_blindly(github_emulator, clock, archive, kind):
    github_emulator.inject(kind, method="POST", path=r"/issues$", skip=2)
    result = run(github_emulator, clock, archive)
    committed = kind != "reset_before_commit"
    assert 5.0 in clock.slept  # GitHub's lists were given time to catch up before re-listing
    assert github_emulator.count("GET", r"/issues$") == 2  # listed again after the failure
    if committed:
        assert result.ok, result.failures  # the re-listing found the issue: no twin
        assert result.recovered
    else:  # not listed: the create is not repeated in this run, and the run says so
        assert not result.ok and "never twice" in result.failures[0]
        assert run(github_emulator, clock, archive).applied["create"] == 1
    assert keys(github_emulator) == [f"{DOC}/A{i}" for i in range(5)]  # no twin, none missing
    assert github_emulator.count("POST", r"/issues$") == 5 + (0 if committed else 1)


def test_secondary_rate_limit_waits_retry_after(github_emulator, clock, archive):
    github_emulator.inject("secondary_limit", method="POST", path=r"/issues$", retry_after=42)
    result = run(github_emulator, clock, archive)
    assert result.ok
    assert 42 in clock.slept
    assert len(keys(github_emulator)) == 5


def test_429_waits_retry_after(github_emulator, clock, archive):
    github_emulator.inject("too_many_requests", retry_after=5, skip=1)
    assert run(github_emulator, clock, archive).ok
    assert 5 in clock.slept
    assert len(keys(github_emulator)) == 5


def test_primary_rate_limit_waits_for_the_reset(github_emulator, clock, archive):
    github_emulator.inject("primary_limit", method="GET", path=r"/issues$", retry_after=30)
    assert run(github_emulator, clock, archive).ok
    assert any(25 <= s <= 40 for s in clock.slept), clock.slept


def test_remaining_zero_makes_the_next_request_wait(github_emulator, clock, archive):
    github_emulator.rate_remaining = 2  # the listing response will say 0 left
    github_emulator.rate_reset_in = 20
    api = api_for(github_emulator, clock)
    api.check_access()
    api.list_managed("post-mortem")
    assert clock.slept == []
    github_emulator.rate_remaining = 5000  # GitHub resets the budget at the reset time
    api.list_managed("post-mortem")  # ... and this request waits for that time first
    assert len(clock.slept) == 1 and 15 <= clock.slept[0] <= 30
    api.close()


def test_a_wait_longer_than_max_wait_stops_the_run(github_emulator, clock, archive):
    github_emulator.inject("secondary_limit", retry_after=3600)
    with pytest.raises(SyncAborted, match="longer than the limit"):
        run(github_emulator, clock, archive, max_wait=60)
    assert sum(clock.slept) < 60


def test_writes_are_paced_at_one_second_by_default(github_emulator, clock, archive):
    api = GitHubIssues(REPO, TOKEN, api_url=github_emulator.url, clock=clock)  # default pace
    try:
        sync(load_archive([archive]), SETTINGS, api)
    finally:
        api.close()
    writes = github_emulator.writes
    assert writes == 10  # 3 labels + 5 issues + the mapping's branch and file
    assert len(api.paced) == writes - 1 and min(api.paced) >= 1.0  # recorded, never slept
    assert clock.slept.count(1.0) == writes - 1


def test_persistent_failures_end_after_bounded_rounds(github_emulator, clock, archive):
    run(github_emulator, clock, archive)
    write_postmortem(archive, DOC, rows(5, status="done"))
    github_emulator.inject("reset_before_commit", method="PATCH", times=1000)
    github_emulator.reset_counts()
    result = run(github_emulator, clock, archive)
    assert not result.ok
    assert "not applied after 8 round(s)" in result.failures[-1]
    assert github_emulator.count("PATCH") == 8  # one attempt a round, then a re-list
    assert github_emulator.count("GET", r"/issues$") == 1 + 7
    assert keys(github_emulator, include_closed=False) == [f"{DOC}/A{i}" for i in range(5)]


def test_unknown_assignee_422_is_created_once_without_assignee(github_emulator, clock):
    api = api_for(github_emulator, clock)
    warnings: list[str] = []
    action = Action(
        "create",
        "k/A1",
        "new",
        changes={"title": "t", "body": "b", "labels": ["post-mortem"], "assignees": ["mallory"]},
    )
    created = api.create(action, warnings.append)
    assert created.assignees == ()
    assert len(github_emulator.issues(REPO)) == 1
    assert github_emulator.count("POST", r"/issues$") == 2  # the 422, then the one create
    assert "refused the assignee" in warnings[0]
    api.close()


def test_unassignable_owner_is_checked_once_and_the_issue_created(github_emulator, clock, tmp_path):
    folder = tmp_path / "postmortems"
    write_postmortem(folder, DOC, rows(3, owner="@mallory"))
    result = run(github_emulator, clock, folder)
    assert result.ok
    assert any("@mallory cannot be assigned" in w for w in result.warnings)
    assert github_emulator.count("GET", r"/assignees/mallory$") == 1
    assert all(i["assignees"] == [] for i in github_emulator.issues(REPO))


def test_issue_that_lost_its_label_is_found_by_its_number_not_duplicated(
    github_emulator, clock, archive
):
    run(github_emulator, clock, archive)
    number = github_emulator.issues(REPO)[0]["number"]
    github_emulator.person_edit(REPO, number, labels=["needs-triage"])  # the label removed
    result = run(github_emulator, clock, archive)
    assert result.ok and result.applied == dict.fromkeys(result.applied, 0)
    assert len(github_emulator.issues(REPO)) == 5
    assert github_emulator.count("GET", rf"/issues/{number}$") == 1  # read by number
    assert [label["name"] for label in github_emulator.issues(REPO)[0]["labels"]] == [
        "needs-triage"  # the person's choice stands
    ]


def test_issues_without_marker_and_pull_requests_are_never_touched(github_emulator, clock, archive):
    mine = github_emulator.add_issue(
        REPO, "Action number 0", "hand-written", labels=["post-mortem"]
    )
    pull = github_emulator.add_pull_request(
        REPO, "PR", f"<!-- postmortem-sync: key={DOC}/A9 -->", labels=["post-mortem"]
    )
    result = run(github_emulator, clock, archive)
    assert result.ok
    touched = {p for (m, p) in github_emulator.counts() if m != "GET"}
    assert f"/repos/{REPO}/issues/{mine['number']}" not in touched
    assert f"/repos/{REPO}/issues/{pull['number']}" not in touched
    assert mine["body"] == "hand-written" and pull["state"] == "open"


def test_close_comment_is_posted_once_even_when_the_comment_write_fails(
    github_emulator, clock, archive
):
    run(github_emulator, clock, archive)
    write_postmortem(archive, DOC, rows(5, status="done"))
    github_emulator.inject("502_after_commit", method="POST", path=r"/comments$")
    result = run(github_emulator, clock, archive)
    assert result.ok and result.applied["close"] == 5
    for issue in github_emulator.issues(REPO):
        assert (issue["state"], issue["state_reason"]) == ("closed", "completed")
        assert len(github_emulator.comments(REPO, issue["number"])) == 1


def test_removed_rows_are_closed_and_come_back(github_emulator, clock, archive):
    run(github_emulator, clock, archive)
    write_postmortem(archive, DOC, rows(3))
    result = run(github_emulator, clock, archive)
    assert result.applied["close"] == 2
    assert keys(github_emulator, include_closed=False) == [f"{DOC}/A{i}" for i in range(3)]
    write_postmortem(archive, DOC, rows(5, status=""))
    result = run(github_emulator, clock, archive)
    assert result.applied["reopen"] == 2
    assert keys(github_emulator, include_closed=False) == [f"{DOC}/A{i}" for i in range(5)]
    assert len(github_emulator.issues(REPO)) == 5


def test_lists_that_lag_a_committed_create_never_cause_a_twin(github_emulator, clock, archive):
    """GitHub's lists lag writes: after a 502 the create may be stored and not listed yet."""
    github_emulator.clock = clock.now  # the emulator and the sync share the fake clock
    github_emulator.read_lag = 30  # longer than the sync's settle time
    github_emulator.inject("502_after_commit", method="POST", path=r"/issues$", skip=1)
    first = run(github_emulator, clock, archive, settle=5.0)
    assert len(github_emulator.issues(REPO)) == 5  # four created, one stored despite the 502
    assert any("never twice" in f for f in first.failures)  # not listed yet: not sent again
    clock.sleep(600)  # the next CI run, minutes later
    second = run(github_emulator, clock, archive)
    assert second.ok and second.applied["create"] == 0
    assert keys(github_emulator) == [f"{DOC}/A{i}" for i in range(5)]


def test_a_dry_run_plans_exactly_what_the_real_run_does(github_emulator, clock, archive):
    from postmortem.sync.github import prepare

    run(github_emulator, clock, archive)
    github_emulator.person_edit(REPO, 2, state="closed")
    github_emulator.person_edit(REPO, 3, assignees=["alice", "carol"])
    write_postmortem(archive, DOC, [*rows(4), ("A4", "Action number 4", "@mallory", "2025-04-01",
                                               "P2", "open")])  # fmt: skip
    api = api_for(github_emulator, clock)
    planned = prepare(load_archive([archive]), SETTINGS, api)
    api.close()
    result = run(github_emulator, clock, archive)
    assert [a.to_dict() for a in planned.actions] == [a.to_dict() for a in result.plan.actions]
    assert [d.key for d in planned.drift] == [d.key for d in result.drift] == [f"{DOC}/A1"]


def test_an_owner_handed_over_to_someone_unassignable_unassigns_the_old_owner(
    github_emulator, clock, archive
):
    run(github_emulator, clock, archive)
    write_postmortem(archive, DOC, [*rows(4), ("A4", "Action number 4", "@mallory",
                                               "2025-04-01", "P2", "open")])  # fmt: skip
    api = api_for(github_emulator, clock)
    from postmortem.sync.github import prepare

    planned = prepare(load_archive([archive]), SETTINGS, api)
    api.close()
    result = run(github_emulator, clock, archive)
    assert [a.to_dict() for a in planned.actions] == [a.to_dict() for a in result.plan.actions]
    [issue] = [i for i in github_emulator.issues(REPO) if marker_key(i["body"]) == f"{DOC}/A4"]
    assert issue["assignees"] == []  # alice handed over; mallory cannot be assigned
    assert any("@mallory cannot be assigned" in w for w in result.warnings)
    github_emulator.reset_counts()
    assert run(github_emulator, clock, archive).writes == 0


def test_a_deleted_issue_is_not_created_again_and_costs_nothing_later(
    github_emulator, clock, archive
):
    run(github_emulator, clock, archive)
    github_emulator.delete_issue(REPO, 3)
    result = run(github_emulator, clock, archive)
    assert result.ok and result.applied["create"] == 0
    assert any("issue #3 was deleted" in w for w in result.warnings)
    assert result.gone == {f"{DOC}/A2": 3}
    github_emulator.reset_counts()
    again = run(github_emulator, clock, archive)
    assert again.applied["create"] == 0 and github_emulator.writes == 0
    assert github_emulator.count("GET", r"/issues/3$") == 0  # known gone: not asked again


def test_without_a_state_branch_nothing_is_read_or_written_in_git(github_emulator, clock, archive):
    api = api_for(github_emulator, clock)
    try:
        result = sync(load_archive([archive]), SETTINGS, api, state_branch=None)
    finally:
        api.close()
    assert result.ok and result.applied["create"] == 5 and not result.state_saved
    assert github_emulator.count(path=r"/contents/|/git/") == 0
