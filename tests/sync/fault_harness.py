"""Fault campaigns for the sync: an archive that changes between runs, faults at random points.

Used by tests/sync/test_sync_faults.py (100 runs, kept fast) and benchmarks/sync_faults.py
(the heavier version). Each run first edits the archive at random (rows added, removed, done,
dropped, reopened, re-owned, reworded; post-mortems added, deleted, unpublished), then syncs
with one fault planted at a random write: 502 after the commit, a connection reset before or
after the commit, a 403 secondary rate limit, a 429, or the sync process killed with SIGKILL
(a real subprocess) before or after its write is committed. A final clean run must leave
exactly one issue per action item that needs one, in the right state, and no duplicates.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from postmortem.document import load_archive
from postmortem.sync.github import GitHubIssues, SyncAborted, sync
from postmortem.sync.plan import SyncSettings, item_state, marker_key, plan_sync

from github_emulator import Emulator
from sync_helpers import REPO, TOKEN, FakeClock, Row, write_postmortem

IN_PROCESS_FAULTS = (
    "502_after_commit",
    "reset_after_commit",
    "reset_before_commit",
    "secondary_limit",
    "too_many_requests",
)
KILL_FAULTS = ("kill_after_commit", "kill_before_commit")
OWNERS = ("@alice", "@bob", "@carol", "@dave", "@mallory", "Platform team")
STATUSES = ("open", "", "in-progress", "done", "wont-do", "blocked")


@dataclass
class Archive:
    folder: Path
    rng: random.Random
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {status, rows}
    counter: int = 0

    def new_row(self) -> Row:
        self.counter += 1
        return (
            f"A{self.counter}",
            f"Action {self.counter}: {self.rng.choice(['alert on', 'test', 'document'])} "
            f"component {self.rng.randrange(100)}",
            self.rng.choice(OWNERS),
            f"2025-{self.rng.randrange(1, 13):02d}-{self.rng.randrange(1, 29):02d}",
            self.rng.choice(["P1", "P2", "P3"]),
            self.rng.choice(("open", "", "in-progress")),
        )

    def add_doc(self, rows: int) -> None:
        doc_id = f"2025-{self.rng.randrange(1, 13):02d}-{self.rng.randrange(1, 29):02d}-incident-{len(self.docs)}"
        self.docs[doc_id] = {"status": "published", "rows": [self.new_row() for _ in range(rows)]}

    def write(self) -> None:
        present = {p.stem for p in self.folder.glob("*.md")}
        for doc_id in present - set(self.docs):
            (self.folder / f"{doc_id}.md").unlink()
        for doc_id, doc in self.docs.items():
            write_postmortem(self.folder, doc_id, doc["rows"], status=doc["status"])

    def mutate(self) -> None:
        rng = self.rng
        for _ in range(rng.randrange(1, 5)):
            choice = rng.random()
            doc_id = rng.choice(sorted(self.docs))
            rows: list[Row] = self.docs[doc_id]["rows"]
            if choice < 0.04:
                self.add_doc(rng.randrange(1, 4))
            elif choice < 0.06 and len(self.docs) > 1:
                del self.docs[doc_id]
            elif choice < 0.08:
                doc = self.docs[doc_id]
                doc["status"] = "draft" if doc["status"] == "published" else "published"
            elif choice < 0.25 or not rows:
                rows.append(self.new_row())
            elif choice < 0.35:
                rows.pop(rng.randrange(len(rows)))
            else:
                i = rng.randrange(len(rows))
                item, action, owner, deadline, priority, status = rows[i]
                what = rng.random()
                if what < 0.5:
                    status = rng.choice(STATUSES)
                elif what < 0.65:
                    owner = rng.choice(OWNERS)
                elif what < 0.8:
                    action = action.split(" (v")[0] + f" (v{rng.randrange(1000)})"
                else:
                    priority = rng.choice(["P1", "P2", "P3", "P4"])
                rows[i] = (item, action, owner, deadline, priority, status)
        self.write()


def settings(root: Path) -> SyncSettings:
    """What the command computes in ``root`` with GITHUB_SERVER_URL=https://github.com."""
    link = f"https://github.com/{REPO}/blob/main/"
    return SyncSettings(repo=REPO, link_base=link, root=root, full_archive=True)


def run_in_process(em: Emulator, folder: Path) -> None:
    api = GitHubIssues(REPO, TOKEN, api_url=em.url, clock=FakeClock(), pace=0)
    try:
        sync(load_archive([folder]), settings(folder.parent), api)
    except SyncAborted:
        pass  # a stopped run is a fault like any other; the next run must repair
    finally:
        api.close()


def run_killed(em: Emulator, workdir: Path, kind: str, skip: int) -> bool:
    """Run the real command as a process and SIGKILL it at its (skip+1)-th write."""
    started = threading.Event()
    holder: dict[str, subprocess.Popen] = {}

    def kill() -> None:
        if started.wait(10):
            holder["proc"].send_signal(signal.SIGKILL)
            holder["proc"].wait(10)

    phase = "hook_after_commit" if kind == "kill_after_commit" else "hook_before_commit"
    em.inject(phase, skip=skip, hook=kill)
    command = [sys.executable, "-m", "postmortem.sync", "sync", "--repo", REPO, "--api-url", em.url, "--pace", "0"]  # fmt: skip
    proc = subprocess.Popen(
        command,
        cwd=workdir,
        env={
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_SERVER_URL": "https://github.com",
            "PATH": "/usr/bin:/bin",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    holder["proc"] = proc
    started.set()
    proc.wait(timeout=60)
    return proc.returncode == -signal.SIGKILL


def pending_writes(em: Emulator, folder: Path) -> int:
    """How many issue writes a clean run would make now (to plant the fault among them)."""
    api = GitHubIssues(REPO, TOKEN, api_url=em.url, clock=FakeClock(), pace=0)
    try:
        listed = api.list_managed("post-mortem")
    finally:
        api.close()
    known = replace(settings(folder.parent), unassignable=frozenset({"mallory"}))
    return len(plan_sync(load_archive([folder]), listed, known).writes)


def managed(em: Emulator) -> dict[str, list[dict]]:
    by_key: dict[str, list[dict]] = {}
    for issue in em.issues(REPO):
        key = marker_key(issue["body"])
        if key:
            by_key.setdefault(key, []).append(issue)
    return by_key


def duplicates(em: Emulator) -> int:
    return sum(len(group) - 1 for group in managed(em).values())


def check(em: Emulator, archive: Archive) -> dict[str, int]:
    """Missing or wrong issues for the archive as it now is."""
    issues = managed(em)
    missing = wrong = 0
    for doc_id, doc in archive.docs.items():
        if doc["status"] != "published":
            continue
        for row in doc["rows"]:
            state, _reason = item_state(row[5])
            group = issues.get(f"{doc_id}/{row[0]}", [])
            if not group:
                if state != "closed":  # a row done before its first sync needs no issue
                    missing += 1
                continue
            issue = group[0]
            # a row without a status leaves the issue's state to GitHub
            if (state and issue["state"] != state) or issue["title"] != " ".join(row[1].split()):
                wrong += 1
    return {"missing": missing, "wrong": wrong}


def campaign(
    em: Emulator,
    workdir: Path,
    runs: int,
    seed: int,
    kill_share: float,
    docs: int = 3,
    rows: int = 4,
    read_lag: float = 0.0,
) -> dict[str, Any]:
    """Run the campaign; return the figures. Every loop is bounded by ``runs``.

    With ``read_lag``, GitHub's lists show writes that many seconds late on a clock that moves
    a minute between runs and stands still during one: a run never lists its own writes.
    """
    rng = random.Random(seed)
    now = [2_000_000.0]
    if read_lag:
        em.clock = lambda: now[0]
        em.read_lag = read_lag
    folder = workdir / "postmortems"
    archive = Archive(folder, rng)
    for _ in range(docs):
        archive.add_doc(rows)
    archive.write()
    kinds: Counter[str] = Counter()
    fired = killed = worst_duplicates = 0
    for _ in range(runs):
        now[0] += 60
        for _attempt in range(10):  # until the run has something to write (bounded)
            archive.mutate()
            planned = pending_writes(em, folder)
            if planned:
                break
        skip = rng.randrange(0, max(planned, 1))
        if rng.random() < kill_share:
            kind = rng.choice(KILL_FAULTS)
            was_killed = run_killed(em, workdir, kind, skip)
            killed += was_killed
            fired += was_killed
        else:
            kind = rng.choice(IN_PROCESS_FAULTS)
            fault = em.inject(kind, skip=skip, retry_after=1)
            run_in_process(em, folder)
            fired += fault.times == 0
        em.clear_faults()
        kinds[kind] += 1
        worst_duplicates = max(worst_duplicates, duplicates(em))
    now[0] += 60
    before = check(em, archive)
    run_in_process(em, folder)  # the final clean run
    now[0] += 60
    after = check(em, archive)
    em.reset_counts()
    run_in_process(em, folder)  # and one more: it must change nothing
    return {
        "runs": runs,
        "faults_by_kind": dict(sorted(kinds.items())),
        "faults_fired": fired,
        "processes_killed": killed,
        "duplicates_at_worst": worst_duplicates,
        "duplicates": duplicates(em),
        "missing_before_final_run": before["missing"],
        "missing": after["missing"],
        "wrong_state_or_title": after["wrong"],
        "writes_in_run_after_final": em.writes,
        "action_items": sum(len(d["rows"]) for d in archive.docs.values()),
        "issues": len(em.issues(REPO)),
    }
