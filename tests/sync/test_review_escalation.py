"""`postmortem review --escalate` end to end: real PyGithub over HTTP against the emulator.

The action items are first synced into issues by `postmortem sync`, then the review comments
on the issues of escalated items. What must hold: one comment per item across runs, none
without --escalate, none for other priorities or inside the grace period, and no duplicate
when a POST fails in a way that hides whether GitHub stored it.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from postmortem.cli import main
from postmortem.sync.escalation import MARKER_RE, escalated_keys, escalation_marker
from postmortem.sync.plan import marker_key

from sync_helpers import REPO, TOKEN, write_postmortem

TODAY = date(2026, 11, 27)
DOC = "2026-10-01-api-outage"
CONTACT = "@acme/sre-leads"
ROOT = Path(__file__).resolve().parents[2]


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


ROWS = [
    ("A1", "Alert on pool saturation above 80%", "@alice", day(-20), "P1", "open"),
    ("A2", "Fail the chart render when the pool key is unset", "@bob", day(-5), "P1", "open"),
    ("A3", "Load test staging weekly at half of peak", "@carol", day(-30), "P2", "open"),
    ("A4", "Page the owning team on pool saturation", "@dave", day(-7), "P1", "open"),
    ("A5", "Roll back the pool default", "@alice", day(-40), "P1", "done"),
]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_postmortem(tmp_path / "postmortems", DOC, ROWS)
    (tmp_path / ".postmortem.yml").write_text(
        f'sync:\n  pace: 0\n  escalation:\n    contact: "{CONTACT}"\n', "utf-8"
    )
    return tmp_path


def invoke(args: list[str], token: str | None = TOKEN):
    env = {"GITHUB_TOKEN": token or "", "GH_TOKEN": "", "GITHUB_STEP_SUMMARY": ""}
    return CliRunner().invoke(main, args, env=env)


def synced(em) -> dict[str, int]:
    """Sync the action items into issues; return issue numbers by item id."""
    result = invoke(["sync", "--repo", REPO, "--api-url", em.url, "--pace", "0"])
    assert result.exit_code == 0, result.output
    return {marker_key(i["body"]).split("/")[1]: i["number"] for i in em.issues(REPO)}


def review(em, *extra: str):
    return invoke(
        ["review", "--repo", REPO, "--api-url", em.url, "--today", TODAY.isoformat(), *extra]
    )


def escalations(em, number: int) -> list[str]:
    return [c["body"] for c in em.comments(REPO, number) if MARKER_RE.search(c["body"])]


def test_one_comment_across_two_runs(github_emulator, workdir):
    numbers = synced(github_emulator)
    github_emulator.reset_counts()
    first = review(github_emulator, "--escalate", "--format", "markdown")
    assert first.exit_code == 0, first.output
    [comment] = github_emulator.comments(REPO, numbers["A1"])
    assert comment["body"].startswith(f"**Escalation to {CONTACT}:** this P1 action item")
    assert (
        "is 20 days past its deadline (2026-11-07), beyond the 7-day grace period"
        in (comment["body"])
    )
    assert escalated_keys([comment["body"]]) == {f"{DOC}/A1"}
    assert f"### Escalated to {CONTACT} (1)" in first.output
    assert "| commented on the issue now |" in first.output
    # P1 inside the grace period (5 days, exactly 7 days), P2 long overdue: no comment
    for item in ("A2", "A3", "A4"):  # A5 is done: no issue was ever created
        assert github_emulator.comments(REPO, numbers[item]) == [], item
    assert github_emulator.count("POST", r"/comments$") == 1

    second = review(github_emulator, "--escalate", "--format", "markdown")
    assert second.exit_code == 0, second.output
    assert len(github_emulator.comments(REPO, numbers["A1"])) == 1
    assert github_emulator.count("POST", r"/comments$") == 1  # nothing new was posted
    stored = github_emulator.comments(REPO, numbers["A1"])[0]["created_at"][:10]
    assert f"| commented earlier ({stored}) |" in second.output


def test_escalated_section_reaches_the_digest_issue(github_emulator, workdir):
    """The weekly workflow's two steps: review --escalate into a file, then digest."""
    synced(github_emulator)
    result = review(github_emulator, "--escalate", "--format", "markdown")
    assert result.exit_code == 0, result.output
    (workdir / "digest.md").write_text(result.output, "utf-8")
    title = "Weekly post-mortem action-item review"
    args = ["digest", "--repo", REPO, "--api-url", github_emulator.url, "--title", title,
            "--body-file", "digest.md"]  # fmt: skip
    posted = invoke(args)
    assert posted.exit_code == 0, posted.output
    [digest] = [i for i in github_emulator.issues(REPO) if i["title"] == title]
    body = digest["body"]
    assert body.index(f"### Escalated to {CONTACT} (1)") < body.index("### Overdue (4)")
    assert "| commented on the issue now |" in body
    # next week: the same digest issue is updated, the escalation is not repeated
    again = review(github_emulator, "--escalate", "--format", "markdown")
    (workdir / "digest.md").write_text(again.output, "utf-8")
    assert invoke(args).exit_code == 0
    assert [i["title"] for i in github_emulator.issues(REPO)].count(title) == 1
    [digest] = [i for i in github_emulator.issues(REPO) if i["title"] == title]
    assert "| commented earlier (" in digest["body"]
    assert github_emulator.count("POST", r"/comments$") == 1


def test_no_comment_without_escalate(github_emulator, workdir):
    numbers = synced(github_emulator)
    github_emulator.reset_counts()
    result = review(github_emulator, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [i["item"] for i in data["escalated"]] == ["A1"]
    assert data["escalated"][0]["comment"] is None
    assert data["escalated"][0]["issue"] == numbers["A1"]
    assert github_emulator.writes == 0
    assert github_emulator.count("GET", r"/comments$") == 0  # not even read
    text = review(github_emulator).output
    assert "escalation: not posted (run with --escalate)" in text


def test_options_widen_escalation(github_emulator, workdir):
    numbers = synced(github_emulator)
    result = review(
        github_emulator, "--escalate", "--escalation-priority", "P2", "--grace-days", "10"
    )
    assert result.exit_code == 0, result.output
    assert len(escalations(github_emulator, numbers["A3"])) == 1  # P2, 30 days
    assert escalations(github_emulator, numbers["A1"]) == []  # P1 is not chosen now
    again = review(
        github_emulator, "--escalate", "--escalation-priority", "P1", "--grace-days", "4",
        "--escalation-contact", "@incident-lead",
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    for item in ("A1", "A2", "A4"):  # 20, 5 and 7 days > 4
        [body] = escalations(github_emulator, numbers[item])
        assert body.startswith("**Escalation to @incident-lead:**")
    assert len(escalations(github_emulator, numbers["A3"])) == 1


def test_markers_of_other_items_and_plain_comments_do_not_count(github_emulator, workdir):
    numbers = synced(github_emulator)
    with github_emulator.lock:
        comments = github_emulator.repo(REPO).comments.setdefault(numbers["A1"], [])
        for n in range(120):  # past the first page of 100
            body = f"Status update {n}: waiting on the vendor (mentions {CONTACT})"
            comments.append({"id": 90_000 + n, "body": body, "created_at": "2026-11-01T00:00:00Z"})
        comments.append({"id": 99_999, "body": escalation_marker(f"{DOC}/A9"), "created_at": ""})
    result = review(github_emulator, "--escalate")
    assert result.exit_code == 0, result.output
    assert len(escalations(github_emulator, numbers["A1"])) == 2  # A9's marker + ours
    assert escalated_keys(escalations(github_emulator, numbers["A1"])) == {
        f"{DOC}/A1",
        f"{DOC}/A9",
    }
    # our marker now sits on page 2: the next run finds it there and posts nothing
    github_emulator.reset_counts()
    assert review(github_emulator, "--escalate").exit_code == 0
    assert github_emulator.count("POST", r"/comments$") == 0
    assert github_emulator.count("GET", r"/comments$") == 2


def test_502_after_commit_is_not_retried_and_not_duplicated(github_emulator, workdir):
    numbers = synced(github_emulator)
    github_emulator.inject("502_after_commit", method="POST", path=r"/comments$")
    github_emulator.reset_counts()
    first = review(github_emulator, "--escalate", "--format", "markdown")
    assert first.exit_code == 1
    assert github_emulator.count("POST", r"/comments$") == 1  # not retried blindly
    assert "comment failed: comment on #" in first.output
    assert "it may have been stored; the next run checks before posting" in first.output
    assert f"error: escalation comment for {DOC}/A1" in first.output
    assert "### Overdue (4)" in first.output  # the digest is printed all the same
    assert len(escalations(github_emulator, numbers["A1"])) == 1  # GitHub stored it

    second = review(github_emulator, "--escalate")
    assert second.exit_code == 0, second.output
    assert len(escalations(github_emulator, numbers["A1"])) == 1
    assert "escalation: commented earlier" in second.output


def test_reset_before_commit_posts_on_the_next_run(github_emulator, workdir):
    numbers = synced(github_emulator)
    github_emulator.inject("reset_before_commit", method="POST", path=r"/comments$")
    first = review(github_emulator, "--escalate")
    assert first.exit_code == 1
    assert escalations(github_emulator, numbers["A1"]) == []
    second = review(github_emulator, "--escalate")
    assert second.exit_code == 0, second.output
    assert len(escalations(github_emulator, numbers["A1"])) == 1
    assert "escalation: commented on the issue now" in second.output


def test_rate_limited_comment_waits_for_the_next_run(github_emulator, workdir):
    numbers = synced(github_emulator)
    github_emulator.inject("secondary_limit", method="POST", path=r"/comments$")
    result = review(github_emulator, "--escalate", "--grace-days", "4", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output[: result.output.rindex("}") + 1])
    outcomes = {i["item"]: i["comment"]["status"] for i in data["escalated"]}
    assert outcomes == {"A1": "failed", "A4": "skipped", "A2": "skipped"}
    assert all(github_emulator.comments(REPO, n) == [] for n in numbers.values())


def test_item_without_issue_and_missing_contact(github_emulator, workdir):
    numbers = synced(github_emulator)
    # a row added after the sync: no issue yet
    write_postmortem(
        workdir / "postmortems", DOC, [*ROWS, ("A6", "Add a runbook", "@bob", day(-9), "P1", "")]
    )
    result = review(github_emulator, "--escalate", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "| no issue to comment on (run `postmortem sync`) |" in result.output
    assert len(escalations(github_emulator, numbers["A1"])) == 1

    (workdir / ".postmortem.yml").write_text("sync:\n  pace: 0\n", "utf-8")
    github_emulator.reset_counts()
    result = review(github_emulator, "--escalate", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "warning: no escalation contact" in result.output
    assert "No escalation contact is configured" in result.output
    assert github_emulator.writes == 0


def test_weekly_workflow_escalates() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/weekly-review.yml").read_text("utf-8"))
    job = workflow["jobs"]["digest"]
    assert job["permissions"]["issues"] == "write"
    review_step = next(s for s in job["steps"] if "postmortem review" in s.get("run", ""))
    assert "--escalate" in review_step["run"] and "--format markdown" in review_step["run"]


def test_a_read_only_token_fails_the_comment_with_the_permission_it_needs(github_emulator, workdir):
    numbers = synced(github_emulator)
    github_emulator.permissions = {"issues": "read", "contents": "read"}
    result = review(github_emulator, "--escalate", "--grace-days", "4")
    assert result.exit_code == 1
    assert "`issues: write`" in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert "not posted: GitHub refused the request" in result.output  # the rest are skipped
    assert all(github_emulator.comments(REPO, n) == [] for n in numbers.values())
    assert github_emulator.count("POST", r"/comments$") == 1  # stopped at the first refusal
