"""`postmortem digest` against the GitHub REST emulator: one issue, updated in place."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem.cli import main
from postmortem.digest import MARKER, MAX_BODY, digest_body, find_digest, plan_digest
from postmortem.sync.plan import ListedIssue

from .conftest import tool
from github_emulator import Emulator

REPO = "acme/incidents"
TITLE = "Weekly post-mortem action-item review"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as server:
        server.add_repo(REPO)
        yield server


def post(emulator: Emulator, markdown: str, title: str = TITLE, token: str | None = None):
    env = {"GITHUB_TOKEN": token or emulator.token}
    return CliRunner().invoke(
        main,
        ["digest", "--repo", REPO, "--title", title, "--api-url", emulator.url],
        input=markdown,
        env=env,
    )


def digests(emulator: Emulator) -> list[dict]:
    return [i for i in emulator.issues(REPO) if MARKER in (i.get("body") or "")]


def test_first_run_creates_then_later_runs_update_the_same_issue(emulator: Emulator) -> None:
    first = post(emulator, "## Overdue\n\n- A1 (@alice) 3 days overdue\n")
    assert first.exit_code == 0, first.output
    assert "created" in first.output
    [issue] = digests(emulator)
    assert "A1 (@alice) 3 days overdue" in issue["body"]
    assert [label["name"] for label in issue["labels"]] == ["post-mortem-digest"]

    second = post(emulator, "## Overdue\n\n- A2 (@bob) 1 day overdue\n")
    assert second.exit_code == 0, second.output
    assert "updated" in second.output
    [issue] = digests(emulator)
    assert "A2 (@bob)" in issue["body"] and "A1 (@alice)" not in issue["body"]
    assert len(emulator.issues(REPO)) == 1


def test_an_unchanged_digest_writes_nothing(emulator: Emulator) -> None:
    assert post(emulator, "Nothing overdue.\n").exit_code == 0
    emulator.reset_counts()
    result = post(emulator, "Nothing overdue.\n")
    assert result.exit_code == 0 and "unchanged" in result.output
    assert emulator.writes == 0


def test_a_closed_digest_is_reopened_not_duplicated(emulator: Emulator) -> None:
    assert post(emulator, "week 1\n").exit_code == 0
    [issue] = digests(emulator)
    emulator.repo(REPO).issues[issue["number"]]["state"] = "closed"
    assert post(emulator, "week 2\n").exit_code == 0
    [issue] = digests(emulator)
    assert issue["state"] == "open" and "week 2" in issue["body"]


def test_issues_without_the_marker_are_never_touched(emulator: Emulator) -> None:
    other = emulator.add_issue(REPO, TITLE, "A person's own issue with the same title")
    assert post(emulator, "week 1\n").exit_code == 0
    untouched = next(i for i in emulator.issues(REPO) if i["number"] == other["number"])
    assert untouched["body"] == "A person's own issue with the same title"
    assert len(digests(emulator)) == 1


def test_bad_input_and_bad_token_exit_2_without_traceback(emulator: Emulator) -> None:
    empty = post(emulator, "  \n")
    assert empty.exit_code == 2 and "empty" in empty.output
    refused = post(emulator, "week 1\n", token="wrong-token")
    assert refused.exit_code == 2
    assert "wrong-token" not in refused.output
    assert emulator.issues(REPO) == []
    no_repo = CliRunner().invoke(main, ["digest", "--title", TITLE], input="x", env={})
    assert no_repo.exit_code == 2 and "--repo" in no_repo.output


def test_a_failed_create_is_reported_and_the_next_run_finds_the_issue(emulator: Emulator) -> None:
    emulator.inject("502_after_commit", method="POST", path=f"/repos/{REPO}/issues")
    failed = post(emulator, "week 1\n")
    assert failed.exit_code == 1, failed.output
    assert "HTTP 502" in failed.output and "does not post it twice" in failed.output
    assert "internal error" not in failed.output and "Traceback" not in failed.output
    again = post(emulator, "week 1\n")
    assert again.exit_code == 0, again.output
    assert len(digests(emulator)) == 1  # the committed create was found, not repeated


def test_the_installed_command_reads_the_review_from_a_file(
    emulator: Emulator, tmp_path: Path
) -> None:
    review = tmp_path / "digest.md"
    review.write_text("## Overdue\n\n- A1\n", "utf-8")
    env = {**os.environ, "GITHUB_TOKEN": emulator.token}
    result = subprocess.run(
        [str(tool("postmortem")), "digest", "--repo", REPO, "--title", TITLE,
         "--body-file", str(review), "--api-url", emulator.url],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [issue] = digests(emulator)
    assert issue["title"] == TITLE


def listed(number: int, body: str, state: str = "open", title: str = TITLE) -> ListedIssue:
    return ListedIssue(number=number, title=title, body=body, state=state)


def test_plan_prefers_the_oldest_open_digest() -> None:
    issues = [
        listed(7, digest_body("b"), "open"),
        listed(3, digest_body("a"), "open"),
        listed(9, digest_body("c"), "closed"),
        listed(1, "no marker"),
    ]
    assert find_digest(issues).number == 3
    action = plan_digest(issues, TITLE, "new text", "post-mortem-digest")
    assert action.kind == "update" and action.number == 3
    assert set(action.fields) == {"body"}


def test_plan_renames_and_clips_to_githubs_limit() -> None:
    action = plan_digest([listed(4, digest_body("x"), title="Old")], TITLE, "x", "l")
    assert action.fields == {"title": TITLE}
    body = digest_body("y" * (MAX_BODY * 2))
    assert len(body) <= MAX_BODY and body.rstrip().endswith(MARKER)


def test_a_digest_whose_label_was_removed_is_found_not_duplicated(emulator: Emulator) -> None:
    assert post(emulator, "week 1\n").exit_code == 0
    [issue] = digests(emulator)
    emulator.person_edit(REPO, issue["number"], labels=[])
    again = post(emulator, "week 2\n")
    assert again.exit_code == 0, again.output
    assert "updated" in again.output
    [issue] = digests(emulator)
    assert "week 2" in issue["body"]


def test_every_write_failure_is_a_message_never_an_internal_error(emulator: Emulator) -> None:
    emulator.permissions = {"issues": "read"}
    refused = post(emulator, "week 1\n")
    assert refused.exit_code == 2
    assert "`issues: write`" in refused.output
    emulator.permissions = {"issues": "write"}
    assert post(emulator, "week 1\n").exit_code == 0
    emulator.inject("secondary_limit", method="PATCH", times=5, retry_after=0)
    limited = post(emulator, "week 2\n")
    assert limited.exit_code == 1 and "rate limited" in limited.output
    emulator.repo(REPO).has_issues = False
    disabled = post(emulator, "week 3\n")
    assert disabled.exit_code == 2 and "issues are disabled" in disabled.output
    for result in (refused, limited, disabled):
        assert "internal error" not in result.output and "Traceback" not in result.output
