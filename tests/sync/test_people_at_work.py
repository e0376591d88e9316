"""People at work: a scripted month of a team using the synced issues, on fresh CI runners.

Every sync runs as the real command in a process, in an empty folder freshly cloned from the
repository's git origin (as a CI runner would), with nothing kept between runs except what
GitHub (the emulator) and git hold. Between runs, people do what people do on GitHub: remove
the managed label, delete the hidden marker, rename, transfer, write notes, add assignees,
close an issue the table still calls open. The test counts duplicates and undone human edits
(both must be 0), checks that drift is reported once, and that each run after the people's
edits converges (the run after it writes nothing). Lists lag writes (``read_lag``) on a
clock that only moves between runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from postmortem.sync.plan import marker_key

from github_emulator import Emulator
from sync_helpers import REPO, TOKEN, postmortem_text

DOC = "2025-03-01-api-outage"
ROWS = [
    ("A1", "Alert on pool saturation above 80%", "@alice", "2025-04-01", "P1", "open"),
    ("A2", "Fail the render when the pool key is unset", "@bob", "2025-04-15", "P2", "open"),
    ("A3", "Load test staging weekly at half of peak", "@carol", "2025-05-01", "P3", "open"),
    ("A4", "Move the pool config to the platform repo", "@departed", "2025-05-01", "P3", "open"),
]


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "dev",
        "GIT_AUTHOR_EMAIL": "dev@example.com",
        "GIT_COMMITTER_NAME": "dev",
        "GIT_COMMITTER_EMAIL": "dev@example.com",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class Team:
    """The git origin, a developer's clone, and CI runs on fresh runners."""

    def __init__(self, root: Path, em: Emulator) -> None:
        self.root = root
        self.em = em
        self.origin = root / "origin.git"
        git(root, "init", "-q", "--bare", "-b", "main", str(self.origin))
        self.dev = root / "dev"
        git(root, "clone", "-q", str(self.origin), str(self.dev))
        self.runs = 0
        self.now = 1_000_000.0
        em.clock = lambda: self.now
        em.read_lag = 3.0  # lists show writes 3 s late; the clock moves between runs only

    def commit(self, rows: list[tuple[str, ...]], message: str) -> None:
        folder = self.dev / "postmortems"
        folder.mkdir(exist_ok=True)
        (folder / f"{DOC}.md").write_text(postmortem_text(DOC, rows), "utf-8")
        git(self.dev, "add", "-A")
        git(self.dev, "commit", "-q", "-m", message)
        git(self.dev, "push", "-q", "origin", "HEAD:main")

    def ci_run(self) -> subprocess.CompletedProcess:
        """One CI run: a new empty folder, a fresh clone of main, the sync as a process."""
        self.runs += 1
        self.now += 600  # runs are minutes apart: GitHub's lists have caught up
        runner = self.root / f"runner-{self.runs}"
        runner.mkdir()
        assert list(runner.iterdir()) == []  # nothing carried over
        git(runner, "clone", "-q", str(self.origin), "work")
        command = [sys.executable, "-m", "postmortem.sync", "sync", "--repo", REPO]
        command += ["--api-url", self.em.url, "--pace", "0", "--settle", "0"]
        env = {"GITHUB_TOKEN": TOKEN, "PATH": "/usr/bin:/bin", "GITHUB_SERVER_URL": "https://github.com"}  # fmt: skip
        self.em.reset_counts()
        done = subprocess.run(
            command, cwd=runner / "work", env=env, capture_output=True, text=True, timeout=120
        )
        assert "Traceback" not in done.stderr, done.stderr
        return done

    def issue(self, key: str) -> dict:
        [found] = [i for i in self.em.issues(REPO) if marker_key(i["body"]) == key]
        return found


def duplicates(em: Emulator) -> int:
    keys = [marker_key(i["body"]) for i in em.issues(REPO)]
    keys += [marker_key(i["body"]) for i in em.issues("acme/platform")]
    found = [k for k in keys if k]
    return len(found) - len(set(found))


@pytest.mark.slow
def test_people_at_work_on_fresh_runners(tmp_path: Path) -> None:
    with Emulator(token=TOKEN) as em:
        em.add_repo(REPO, assignable={"alice", "bob", "carol", "dave"})
        team = Team(tmp_path, em)
        team.commit(ROWS, "Post-mortem of the API outage")
        first = team.ci_run()
        assert first.returncode == 0, first.stderr
        assert "4 created" in first.stdout
        number = {f"{DOC}/A{n}": team.issue(f"{DOC}/A{n}")["number"] for n in range(1, 5)}

        # ---- people at work on GitHub -------------------------------------------------
        a1, a2, a3, a4 = (number[f"{DOC}/A{n}"] for n in range(1, 5))
        body1 = team.issue(f"{DOC}/A1")["body"]
        em.person_edit(REPO, a1, labels=["team-api"])  # the managed label removed
        em.person_edit(REPO, a1, body=body1 + "\n\nWaiting for the vendor. -- alice")
        em.person_edit(REPO, a2, body="Our own write-up of this work.")  # the marker deleted
        em.person_edit(REPO, a2, assignees=["bob", "dave"])  # a helper assigned
        em.person_edit(REPO, a3, title="Weekly staging load test (owner: carol)")
        em.person_edit(REPO, a3, state="closed")  # closed while the row still says open
        moved = em.transfer(REPO, a4, "acme/platform")
        edits = {
            "A1 label removed": lambda: "post-mortem" not in labels(em, a1),
            "A1 note kept": lambda: body(em, a1).endswith("Waiting for the vendor. -- alice"),
            "A2 write-up kept": lambda: body(em, a2).endswith("Our own write-up of this work."),
            "A2 helper assigned": lambda: "dave" in assignees(em, a2),
            "A3 renamed": lambda: issue(em, a3)["title"].startswith("Weekly staging"),
            "A3 closed": lambda: issue(em, a3)["state"] == "closed",
            "A4 left where it was moved": lambda: (
                em.issues("acme/platform")[0]["body"] == moved["body"]
            ),
        }

        second = team.ci_run()
        assert second.returncode == 0, second.stderr
        assert "0 created" in second.stdout and "1 drifted" in second.stdout
        assert "drift:" in second.stderr and "was closed on GitHub" in second.stderr
        drift_comments = [c for c in em.comments(REPO, a3) if "drift=closed" in c["body"]]
        assert len(drift_comments) == 1
        third = team.ci_run()
        assert third.returncode == 0 and em.writes == 0, third.stdout  # converged
        assert "1 drifted" in third.stdout  # still reported, not commented again
        assert len([c for c in em.comments(REPO, a3) if "drift=" in c["body"]]) == 1

        # ---- the table changes in git -------------------------------------------------
        rows = [
            ("A1", ROWS[0][1], "@alice", "2025-04-20", "P1", "open"),  # new deadline
            ("A2", ROWS[1][1], "@carol", "2025-04-15", "P2", "open"),  # new owner
            ("A3", ROWS[2][1], "@carol", "2025-05-01", "P3", "done"),  # agrees with the issue
            ROWS[3],
            ("A5", "Document the pool sizing rule", "@bob", "2025-06-01", "P3", "open"),
        ]
        team.commit(rows, "Post-mortem: new deadline, owner and status; one more action")
        fourth = team.ci_run()
        assert fourth.returncode == 0, fourth.stderr
        assert "1 created" in fourth.stdout and "0 drifted" in fourth.stdout
        assert "2025-04-20" in body(em, a1)
        assert assignees(em, a2) == ["dave", "carol"]  # bob handed over; the helper stays
        assert em.count("PATCH", rf"/issues/{a3}$") <= 1  # the status recorded, no state flip
        assert all(r["body"] is None or "state" not in r["body"] for r in em.log
                   if r["method"] == "PATCH" and r["path"].endswith(f"/issues/{a3}"))  # fmt: skip
        fifth = team.ci_run()
        assert fifth.returncode == 0 and em.writes == 0, fifth.stdout

        # ---- a person closes an issue as completed; later the row says wont-do -------
        em.person_edit(REPO, a1, state="closed", state_reason="completed")
        rows[0] = ("A1", ROWS[0][1], "@alice", "2025-04-20", "P1", "wont-do")
        team.commit(rows, "Post-mortem: A1 dropped")
        sixth = team.ci_run()
        assert sixth.returncode == 0, sixth.stderr
        patches = [r for r in em.log if r["method"] == "PATCH"]
        assert all("state_reason" not in (r["body"] or {}) for r in patches)  # GitHub would ignore
        seventh = team.ci_run()
        assert seventh.returncode == 0 and em.writes == 0, seventh.stdout  # converged

        undone = [name for name, holds in edits.items() if not holds()]
        figures = {"runs": team.runs, "duplicates": duplicates(em), "undone_human_edits": undone}
        print(json.dumps(figures))
        assert figures["duplicates"] == 0
        assert undone == []
        assert len(em.issues(REPO)) == 4  # A1, A2, A3, A5 (A4 lives in acme/platform now)


def issue(em: Emulator, number: int) -> dict:
    return em.repo(REPO).issues[number]


def body(em: Emulator, number: int) -> str:
    return issue(em, number)["body"] or ""


def labels(em: Emulator, number: int) -> list[str]:
    return [label["name"] for label in issue(em, number)["labels"]]


def assignees(em: Emulator, number: int) -> list[str]:
    return [user["login"] for user in issue(em, number)["assignees"]]
