"""`postmortem sync` and `postmortem review` end to end, against the emulator over HTTP."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sync_helpers import REPO, TOKEN, invoke, sync_args, write_postmortem

DOC = "2025-03-01-api-outage"
ROWS = [
    ("A1", "Alert on pool saturation above 80%", "@alice", "2025-04-01", "P1", "open"),
    ("A2", "Fail the chart render when the pool key is unset", "@bob", "2025-03-15", "P2", "done"),
    ("A3", "Load test staging weekly at half of peak", "Platform team", "2099-01-01", "P3", ""),
]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_postmortem(tmp_path / "postmortems", DOC, ROWS)
    write_postmortem(tmp_path / "postmortems", "2025-05-05-draft", ROWS, status="draft")
    return tmp_path


def test_dry_run_prints_the_plan_and_changes_nothing(github_emulator, workdir):
    result = invoke(sync_args(github_emulator, "--dry-run"))
    assert result.exit_code == 0, result.output
    assert f"create         -  {DOC}/A1  (new action item)" in result.output
    assert f"{DOC}/A2  (marked done before it was ever synced" in result.output
    assert "2025-05-05-draft" not in result.output  # drafts are not synced by default
    assert "2 create, 0 update, 0 close, 0 reopen, 1 unchanged" in result.output
    assert github_emulator.writes == 0
    assert not (workdir / ".postmortem").exists()


def test_offline_dry_run_needs_no_github(workdir):
    result = invoke(["sync", "postmortems", "--dry-run", "--offline"], token=None)
    assert result.exit_code == 0, result.output
    assert "2 create, 0 update, 0 close, 0 reopen, 1 unchanged (0 requests" in result.output
    refused = invoke(["sync", "--offline", "--repo", REPO], token=None)
    assert refused.exit_code == 2 and "use it with --dry-run" in refused.output


def test_dry_run_exits_2_when_the_api_is_unreachable(workdir):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = invoke(["sync", "--repo", REPO, "--api-url", f"http://127.0.0.1:{port}", "--dry-run"])
    assert result.exit_code == 2
    assert "cannot reach GitHub" in result.output
    assert "Traceback" not in result.output


def test_token_only_from_the_environment_and_never_printed(github_emulator, workdir):
    missing = invoke(sync_args(github_emulator), token=None)
    assert missing.exit_code == 2
    assert "GITHUB_TOKEN" in missing.output
    bad = invoke(sync_args(github_emulator), token="ghp_WRONGtokenSECRET123")
    assert bad.exit_code == 2
    assert "401" in bad.output and "ghp_WRONGtokenSECRET123" not in bad.output
    via_gh = invoke(sync_args(github_emulator), token=None, env={"GH_TOKEN": TOKEN})
    assert via_gh.exit_code == 0, via_gh.output
    assert TOKEN not in via_gh.output
    assert "--token" not in invoke(["sync", "--help"]).output


def test_sync_then_resync_writes_nothing(github_emulator, workdir):
    summary = workdir / "summary.md"
    first = invoke(sync_args(github_emulator), env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert first.exit_code == 0, first.output
    assert f"sync {REPO}: 2 created, 0 updated, 0 closed, 0 reopened, 1 unchanged, 0 failed" in (
        first.output
    )
    issue, unassigned = github_emulator.issues(REPO)
    assert issue["title"] == "Alert on pool saturation above 80%"
    assert unassigned["assignees"] == []  # "Platform team" is no GitHub login
    assert [u["login"] for u in issue["assignees"]] == ["alice"]
    assert f"/acme/web/blob/main/postmortems/{DOC}.md" in issue["body"]
    markdown = summary.read_text("utf-8")
    assert markdown.startswith(f"### postmortem sync: {REPO}")
    assert "| 2 | 0 | 0 | 0 | 1 | 0 |" in markdown

    state = json.loads((workdir / ".postmortem" / "issues.json").read_text("utf-8"))
    assert state["repo"] == REPO and state["synced_at"].endswith("Z")
    assert state["items"][f"{DOC}/A1"].pop("updated_at").endswith("Z")
    assert state["items"][f"{DOC}/A1"] == {
        "number": 1,
        "url": f"https://github.com/{REPO}/issues/1",
        "state": "open",
        "state_reason": None,
        "assignees": ["alice"],
        "title": "Alert on pool saturation above 80%",
    }

    github_emulator.reset_counts()
    second = invoke(sync_args(github_emulator))
    assert second.exit_code == 0, second.output
    assert "0 created, 0 updated, 0 closed, 0 reopened, 3 unchanged" in second.output
    assert github_emulator.writes == 0


def test_status_option_and_state_file_option(github_emulator, workdir):
    state = workdir / "out" / "state.json"
    args = sync_args(github_emulator, "--status", "published", "--status", "draft")
    result = invoke([*args, "--state-file", str(state)])
    assert result.exit_code == 0, result.output
    assert "4 created" in result.output
    assert set(json.loads(state.read_text("utf-8"))["items"]) == {
        f"{DOC}/A1",
        f"{DOC}/A3",
        "2025-05-05-draft/A1",
        "2025-05-05-draft/A3",
    }


def test_edits_in_the_table_reach_the_issue(github_emulator, workdir):
    assert invoke(sync_args(github_emulator)).exit_code == 0
    rows = [("A1", "Alert on pool saturation above 75%", "@carol", "2025-04-01", "P2", "done")]
    write_postmortem(workdir / "postmortems", DOC, rows)
    result = invoke(sync_args(github_emulator))
    assert result.exit_code == 0, result.output
    assert "2 closed" in result.output  # A1 marked done, A3 removed from the table
    issue, removed = github_emulator.issues(REPO)
    assert (removed["state"], removed["state_reason"]) == ("closed", "not_planned")
    assert issue["title"] == "Alert on pool saturation above 75%"
    assert (issue["state"], issue["state_reason"]) == ("closed", "completed")
    assert [u["login"] for u in issue["assignees"]] == ["carol"]
    assert "priority:P2" in {label["name"] for label in issue["labels"]}


def test_failed_writes_exit_1(github_emulator, workdir):
    github_emulator.inject("reset_before_commit", method="POST", path=r"/issues$", times=100)
    result = invoke(sync_args(github_emulator))
    assert result.exit_code == 1
    assert "2 failed" in result.output and "never twice" in result.output
    assert github_emulator.count("POST", r"/issues$") == 2  # each create sent once, no more
    assert github_emulator.issues(REPO) == []


def test_unknown_repository_exits_2(github_emulator, workdir):
    result = invoke(["sync", "--repo", "acme/nope", "--api-url", github_emulator.url])
    assert result.exit_code == 2
    assert "acme/nope not found" in result.output


def test_real_process_sync(github_emulator, workdir):
    """The command as a real process: python -m postmortem.sync."""
    command = [sys.executable, "-m", "postmortem.sync", *sync_args(github_emulator)]
    env = {"GITHUB_TOKEN": TOKEN, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "2 created" in done.stdout
    assert TOKEN not in done.stdout + done.stderr


# ------------------------------------------------------------------------------- review
def review_args(em, *extra: str) -> list[str]:
    return ["review", "--repo", REPO, "--api-url", em.url, "--today", "2025-04-11", *extra]


def test_review_reads_the_issues_real_state(github_emulator, workdir):
    assert invoke(sync_args(github_emulator)).exit_code == 0
    result = invoke(review_args(github_emulator, "--format", "json"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["source"] == "github" and data["open"] == 2 and data["overdue"] == 1
    first = data["items"][0]
    assert first["key"] == f"{DOC}/A1"
    assert first["days_overdue"] == 10
    assert first["issue"] == 1 and first["url"] == f"https://github.com/{REPO}/issues/1"
    assert first["owner"] == "@alice"
    # someone closes the issue on GitHub while the row says open: the sync's rule holds, the
    # row decides, and the difference is reported as drift
    github_emulator.person_edit(REPO, 1, state="closed")
    result = invoke(review_args(github_emulator, "--format", "json"))
    data = json.loads(result.stdout)
    assert [i["key"] for i in data["items"]] == [f"{DOC}/A1", f"{DOC}/A3"]
    assert [(d["key"], d["status"], d["state"]) for d in data["drift"]] == [
        (f"{DOC}/A1", "open", "closed")
    ]
    assert "drift:" in result.stderr and "#1 is closed" in result.stderr
    # a row without a status leaves the state to the issue
    github_emulator.person_edit(REPO, 2, state="closed")
    data = json.loads(invoke(review_args(github_emulator, "--format", "json")).stdout)
    assert [i["key"] for i in data["items"]] == [f"{DOC}/A1"]


def test_review_markdown_and_text(github_emulator, workdir):
    assert invoke(sync_args(github_emulator)).exit_code == 0
    markdown = invoke(review_args(github_emulator, "--format", "markdown")).output
    assert markdown.startswith("**2** open action item(s), **1** overdue")
    assert "### Overdue (1)" in markdown
    assert (
        f"| **{DOC} A1**: Alert on pool saturation above 80% | @alice | 2025-04-01 | 10 days "
        f"| [#1](https://github.com/{REPO}/issues/1) |"
    ) in markdown
    text = invoke(review_args(github_emulator)).output
    assert "10 day(s) overdue" in text and f"#1 https://github.com/{REPO}/issues/1" in text


def test_review_without_github_uses_the_table_and_says_so(workdir):
    result = invoke(["review", "--today", "2025-04-11", "--format", "json"], token=None)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["source"] == "table"
    assert "status column" in data["note"] and "no repository" in data["note"]
    assert [i["key"] for i in data["items"]] == [f"{DOC}/A1", f"{DOC}/A3"]


def test_review_bad_date_is_a_clear_error(workdir):
    result = invoke(["review", "--today", "11/04/2025"])
    assert result.exit_code == 2
    assert "not a date" in result.output


def test_progress_bar_on_a_terminal(github_emulator, workdir):
    """On a TTY (stderr), rich draws a progress bar; the summary line still goes to stdout."""
    import os
    import pty
    import select

    github_emulator.response_delay = 0.05
    master, slave = pty.openpty()
    command = [sys.executable, "-m", "postmortem.sync", *sync_args(github_emulator)]
    env = {"GITHUB_TOKEN": TOKEN, "PATH": "/usr/bin:/bin", "TERM": "xterm", "COLUMNS": "100"}
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    stdout, _ = proc.communicate(timeout=60)
    drawn = b""
    for _ in range(100):  # bounded read of what was drawn on the terminal
        ready, _, _ = select.select([master], [], [], 0.1)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(master)
    assert proc.returncode == 0
    assert "2 created" in stdout
    assert b"sync" in drawn and b"\x1b[" in drawn  # the bar, drawn with terminal escapes


def test_a_typo_or_a_wrong_type_under_sync_is_an_error_with_file_and_line(workdir):
    (workdir / ".postmortem.yml").write_text("sync:\n  pace: fast\n  max_write: 10\n", "utf-8")
    result = invoke(["sync", "--dry-run", "--offline"], token=None)
    assert result.exit_code == 2
    assert ".postmortem.yml:2: `sync/pace` must be a number" in result.output
    assert ".postmortem.yml:3: unknown setting `sync/max_write`" in result.output
    assert "internal error" not in result.output
