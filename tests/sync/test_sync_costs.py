"""What a re-sync costs: the plan is built once when nothing is written, and an offline plan
never imports PyGithub."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import postmortem.sync.github as adapter
from postmortem.document import load_archive
from postmortem.sync.github import GitHubIssues, sync

from sync_helpers import REPO, SETTINGS, TOKEN, write_postmortem

ROWS = [(f"A{i}", f"Action number {i}", "@alice", "2025-04-01", "P2", "open") for i in range(4)]


def run(em, clock, folder):
    api = GitHubIssues(REPO, TOKEN, api_url=em.url, clock=clock, pace=0)
    try:
        return sync(load_archive([folder]), SETTINGS, api, settle=0)
    finally:
        api.close()


def test_resync_that_writes_nothing_plans_once(github_emulator, clock, tmp_path, monkeypatch):
    folder = tmp_path / "postmortems"
    write_postmortem(folder, "2025-03-01-api-outage", ROWS)
    calls: list[int] = []
    real = adapter.plan_sync
    monkeypatch.setattr(adapter, "plan_sync", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = run(github_emulator, clock, folder)
    assert first.ok and first.applied["create"] == 4
    assert len(calls) >= 2  # writes happened: the final plan is made again from the issues
    calls.clear()
    github_emulator.reset_counts()
    second = run(github_emulator, clock, folder)
    assert second.ok and second.plan.writes == [] and github_emulator.writes == 0
    assert len(calls) == 1
    assert second.unchanged == 4


PROBE = """
import json, sys
from postmortem.launcher import run
sys.argv = ["postmortem", "sync", "--offline", "--dry-run", sys.argv[1]]
try:
    run()
except SystemExit as done:
    code = done.code
print(json.dumps([code, sorted({m.split(".")[0] for m in sys.modules} & {"github"})]))
"""


def test_offline_plan_does_not_import_pygithub(tmp_path: Path) -> None:
    folder = tmp_path / "postmortems"
    write_postmortem(folder, "2025-03-01-api-outage", ROWS)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    code, imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert code in (0, None), done.stderr[-2000:]
    assert "4 create" in done.stdout
    assert imported == []


def test_final_plan_is_made_again_after_a_write_even_when_the_last_one_is_refused(
    github_emulator, clock, tmp_path, monkeypatch
):
    folder = tmp_path / "postmortems"
    write_postmortem(folder, "2025-03-01-api-outage", ROWS)
    assert run(github_emulator, clock, folder).ok
    write_postmortem(
        folder,
        "2025-03-01-api-outage",
        [(k, f"{text}, reworded", *rest) for k, text, *rest in ROWS],
    )
    real_edit = GitHubIssues.edit

    def edit(self, action, warn):
        if action.key.endswith("A3"):
            raise adapter.WriteFailed(f"update {action.key}: HTTP 422: refused", unknown=False)
        return real_edit(self, action, warn)

    monkeypatch.setattr(GitHubIssues, "edit", edit)
    calls: list[int] = []
    real = adapter.plan_sync
    monkeypatch.setattr(adapter, "plan_sync", lambda *a, **k: calls.append(1) or real(*a, **k))
    second = run(github_emulator, clock, folder)
    assert second.applied["update"] == 3 and len(second.failures) == 1
    assert len(calls) == 2  # issues changed: the final plan is made again from them
