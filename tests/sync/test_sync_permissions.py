"""Permissions, refusals and costs: what a run does when GitHub says no, and what it costs.

Against the emulator over real HTTP; the clock is fake (waits are recorded, never slept).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from postmortem.document import load_archive
from postmortem.sync.github import ACCEPT, API_VERSION, GitHubIssues, SyncAborted, sync
from postmortem.sync.plan import marker_key

from github_emulator import Emulator
from sync_helpers import REPO, SETTINGS, TOKEN, invoke, sync_args, write_postmortem

DOC = "2025-03-01-api-outage"


def rows(n: int, owner=lambda i: "@alice", status: str = "open", priority: str = "P2"):
    return [
        (f"A{i}", f"Action number {i}", owner(i), "2025-04-01", priority, status) for i in range(n)
    ]


def run(em, clock, folder, **kw):
    api = GitHubIssues(REPO, TOKEN, api_url=em.url, clock=clock, pace=kw.pop("pace", 0))
    try:
        return sync(load_archive([folder]), SETTINGS, api, settle=0, **kw), api
    finally:
        api.close()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_postmortem(tmp_path / "postmortems", DOC, rows(5))
    return tmp_path


# ------------------------------------------------------------------------ permissions
def test_a_read_only_token_stops_the_run_within_10_requests_naming_issues_write(
    github_emulator, workdir
):
    # twelve different owners, most unknown to the repository: no batch of checks comes first
    write_postmortem(workdir / "postmortems", DOC, rows(12, owner=lambda i: f"@owner{i}"))
    github_emulator.permissions = {"issues": "read", "contents": "read"}
    result = invoke(sync_args(github_emulator))
    assert result.exit_code == 2, result.output
    assert "`issues: write`" in result.output and "Resource not accessible by integration" in (
        result.output
    )
    assert "Traceback" not in result.output and "internal error" not in result.output
    requests = github_emulator.count()
    print(f"requests until a read-only token stops the run: {requests}")
    assert requests <= 10
    assert github_emulator.count("POST") + github_emulator.count("PATCH") == 1  # one refused


def test_a_token_without_contents_write_syncs_issues_and_says_the_mapping_was_not_saved(
    github_emulator, workdir
):
    github_emulator.permissions = {"issues": "write", "contents": "read"}
    result = invoke(sync_args(github_emulator))
    assert result.exit_code == 2, result.output
    assert "`contents: write`" in result.output
    assert len(github_emulator.issues(REPO)) == 5  # the issues were written first


def test_issues_disabled_is_a_clear_stop(github_emulator, workdir):
    github_emulator.repo(REPO).has_issues = False
    result = invoke(sync_args(github_emulator))
    assert result.exit_code == 2 and "issues are disabled in acme/web" in result.output


def test_every_request_sends_the_api_version_and_media_type(github_emulator, workdir):
    assert invoke(sync_args(github_emulator)).exit_code == 0
    assert github_emulator.log
    for record in github_emulator.log:
        assert record["headers"].get("x-github-api-version") == API_VERSION, record["path"]
        assert record["headers"].get("accept") == ACCEPT, record["path"]


# -------------------------------------------------------------------------- per item
def test_a_label_github_refuses_fails_that_item_and_the_others_are_created(
    github_emulator, workdir
):
    long = "P1-customer-facing-with-regulatory-reporting-duty-x"
    items = [*rows(2), ("A9", "Report to the regulator", "@alice", "2025-04-01", long, "open")]
    write_postmortem(workdir / "postmortems", DOC, items)
    result = invoke(sync_args(github_emulator))
    assert result.exit_code == 1, result.output
    assert "longer than GitHub's 50 characters" in result.output
    assert f"postmortems/{DOC}.md:" in result.output
    assert sorted(marker_key(i["body"]) for i in github_emulator.issues(REPO)) == [
        f"{DOC}/A0",
        f"{DOC}/A1",
    ]


def test_a_422_from_github_on_one_body_fails_that_item_only(github_emulator, clock, tmp_path):
    folder = tmp_path / "postmortems"
    write_postmortem(folder, DOC, rows(3))
    run(github_emulator, clock, folder)
    # a person's note so long that the body cannot take the row's change any more
    github_emulator.person_edit(
        REPO, 2, body=github_emulator.issues(REPO)[1]["body"] + "x" * 65_000
    )
    write_postmortem(folder, DOC, rows(3, status="", priority="P1"))
    result, _api = run(github_emulator, clock, folder)
    assert len(result.failures) == 1 and "#2" in result.failures[0] and "422" in result.failures[0]
    assert result.applied["update"] == 2  # the other two items went on


def test_the_emulator_answers_422_for_a_label_over_50_characters(github_emulator, clock):
    api = GitHubIssues(REPO, TOKEN, api_url=github_emulator.url, clock=clock, pace=0)
    with pytest.raises(Exception) as refused:
        api.send_once("POST", f"/repos/{REPO}/labels", {"name": "x" * 51, "color": "ededed"}, "l")
    assert getattr(refused.value, "status", None) == 422
    api.close()


# ----------------------------------------------------------------------- assignees
def test_assignee_check_tells_404_from_a_failed_request(github_emulator, clock, tmp_path):
    folder = tmp_path / "postmortems"
    write_postmortem(folder, DOC, rows(2, owner=lambda i: "@bob"))
    github_emulator.inject("502_after_commit", method="GET", path=r"/assignees/bob$", times=3)
    result, _api = run(github_emulator, clock, folder)
    assert result.ok, result.failures
    # a failed check is not "cannot be assigned": no false warning, bob is assigned
    assert not any("cannot be assigned" in w for w in result.warnings)
    assert all(
        [u["login"] for u in i["assignees"]] == ["bob"] for i in github_emulator.issues(REPO)
    )


def test_a_403_during_the_assignee_check_stops_the_run(github_emulator, clock, tmp_path):
    folder = tmp_path / "postmortems"
    write_postmortem(folder, DOC, rows(1, owner=lambda i: "@bob"))
    github_emulator.permissions = {"contents": "write"}  # no issues permission at all
    with pytest.raises(SyncAborted, match="issues: read"):
        run(github_emulator, clock, folder)


# --------------------------------------------------------------------------- costs
def resync_requests(clock, tmp_path: Path, items: int, unassignable: int) -> int:
    """Requests of a no-op re-sync of ``items`` rows, one in five owned by someone GitHub
    cannot assign (``unassignable`` different people), in a fresh repository."""
    folder = tmp_path / f"n{items}" / "postmortems"
    per_doc = 10
    for d in range(math.ceil(items / per_doc)):
        table = []
        for i in range(min(per_doc, items - d * per_doc)):
            n = d * per_doc + i
            owner = f"@gone{n % unassignable}" if n % 5 == 0 else "@alice"
            table.append((f"A{i}", f"Action {d}-{i}", owner, "2025-04-01", "P2", "open"))
        write_postmortem(folder, f"2025-01-{d % 28 + 1:02d}-incident-{d:04d}", table)
    with Emulator(token=TOKEN) as em:
        em.add_repo(REPO, assignable={"alice"})
        first, _api = run(em, clock, folder, max_writes=100_000)
        assert first.ok and sum(first.applied.values()) == items
        em.reset_counts()
        result, _api = run(em, clock, folder)
        assert result.writes == 0 and not result.plan.writes and result.unchanged == items
        return em.count()


def test_a_no_op_resync_costs_at_most_ceil_n_over_100_plus_5_requests(clock, tmp_path):
    """However many owners cannot be assigned: unchanged rows are never checked again."""
    small = resync_requests(clock, tmp_path, 100, 20)
    large = resync_requests(clock, tmp_path, 400, 80)  # 4x the items and the departed owners
    print(f"no-op re-sync: 100 items -> {small} requests, 400 items -> {large} requests")
    assert small <= math.ceil(100 / 100) + 5
    assert large <= math.ceil(400 / 100) + 5
    assert large - small == 3  # three more pages of 100; nothing per owner


# -------------------------------------------------------------------------- budget
def test_a_first_sync_over_the_write_budget_is_spread_over_runs_and_says_so(
    github_emulator, workdir
):
    write_postmortem(workdir / "postmortems", DOC, rows(12))
    first = invoke(sync_args(github_emulator, "--max-writes", "8"))
    assert first.exit_code == 0, first.output
    assert "left for the next run" in first.output and "500 content-creating" in first.output
    assert 0 < len(github_emulator.issues(REPO)) < 12
    assert github_emulator.writes <= 8
    runs = 1
    for _run in range(5):  # bounded: each run goes on where the last one stopped
        if len(github_emulator.issues(REPO)) == 12:
            break
        github_emulator.reset_counts()
        assert invoke(sync_args(github_emulator, "--max-writes", "8")).exit_code == 0
        assert github_emulator.writes <= 8
        runs += 1
    assert len(github_emulator.issues(REPO)) == 12 and runs == 3
    github_emulator.reset_counts()
    assert "0 deferred" in invoke(sync_args(github_emulator, "--max-writes", "8")).output
    assert github_emulator.writes == 0
