"""Re-sync of an unchanged archive with 1,000 action items: requests and writes.

Run from the repository root:

    .venv/bin/python benchmarks/sync_resync.py [--items 1000] [--per-doc 10] [--departed 200]

One row in five is owned by one of ``--departed`` people GitHub cannot assign (colleagues who
left), so the figure shows that unchanged rows are never checked again.
Writes an archive of published post-mortems into a temporary folder, starts the GitHub REST
emulator (tests/github_emulator.py) on 127.0.0.1, runs the real command
`python -m postmortem.sync sync` once to create the issues and once more on the unchanged
archive, and prints the requests and writes of each run as counted by the emulator.
Goal for the re-sync: at most ceil(items / 100) + 5 requests and 0 writes.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "sync")]

from github_emulator import Emulator  # noqa: E402
from sync_helpers import PEOPLE, REPO, TOKEN, write_postmortem  # noqa: E402


def build_archive(folder: Path, items: int, per_doc: int, departed: int) -> None:
    owners = sorted(PEOPLE)
    docs = math.ceil(items / per_doc)
    made = 0
    for d in range(docs):
        doc_id = f"2025-{d % 12 + 1:02d}-{d % 28 + 1:02d}-incident-{d:04d}"
        rows = []
        for i in range(min(per_doc, items - made)):
            rows.append(
                (
                    f"A{i + 1}",
                    f"Add an alert for saturation of component {d}-{i}",
                    f"@departed{made % departed}"
                    if departed and made % 5 == 0
                    else f"@{owners[(d + i) % len(owners)]}",
                    "2025-12-31",
                    f"P{i % 4 + 1}",
                    "open",
                )
            )
            made += 1
        write_postmortem(folder, doc_id, rows, severity=f"P{d % 4 + 1}")


def run(em: Emulator, workdir: Path, *extra: str) -> tuple[int, str, float]:
    command = [sys.executable, "-m", "postmortem.sync", "sync", "--repo", REPO]
    command += ["--api-url", em.url, "--pace", "0", *extra]
    env = {"GITHUB_TOKEN": TOKEN, "PATH": "/usr/bin:/bin"}
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=600
    )
    return done.returncode, (done.stdout + done.stderr).strip(), time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--per-doc", type=int, default=10)
    parser.add_argument("--departed", type=int, default=200)
    args = parser.parse_args()
    goal = math.ceil(args.items / 100) + 5
    with tempfile.TemporaryDirectory() as tmp, Emulator(token=TOKEN) as em:
        workdir = Path(tmp)
        em.add_repo(REPO, assignable=PEOPLE)
        build_archive(workdir / "postmortems", args.items, args.per_doc, args.departed)

        # One run with a budget large enough for all (the default spreads 450 writes a run).
        code, output, seconds = run(em, workdir, "--max-writes", str(10 * args.items))
        print(
            f"first sync:  exit {code}, {em.count()} requests, {em.writes} writes, {seconds:.1f} s"
        )
        print(f"  {output.splitlines()[-1]}")
        issues = len(em.issues(REPO))

        em.reset_counts()
        code2, output2, seconds2 = run(em, workdir)
        requests, writes = em.count(), em.writes
        print(f"re-sync:     exit {code2}, {requests} requests, {writes} writes, {seconds2:.1f} s")
        print(f"  {output2.splitlines()[-1]}")
        for (method, path), n in sorted(em.counts().items()):
            print(f"    {n:4d}  {method} {path}")
        ok = code == code2 == 0 and issues == args.items and requests <= goal and writes == 0
        print(
            f"\nFIGURES  action items: {args.items}  departed owners: {args.departed}  "
            f"issues: {issues}  "
            f"re-sync requests: {requests} (goal <= {goal})  re-sync writes: {writes} (goal 0)  "
            f"{'OK' if ok else 'MISSED'}"
        )
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
