"""What similar-incident checking (LE101) adds to `postmortem validate` on a large archive.

    .venv/bin/python benchmarks/similarity_speed.py [--count 10000] [--words 800] [--repeat 1]

Generates an archive (benchmarks/generate.py) plus the project's similarity examples in a git
repository, then times:
  - a full validation of every file, with the similarity rule and without it (`--ignore LE`);
  - `--changed-since main` with one file edited, for a generated file (nothing similar) and
    for an example whose pair is in the archive (a note to print): without LE101, with the
    caches a previous run left in `.git/postmortem/` (warm), and with none (cold: a fresh CI
    checkout).
Wall-clock seconds and CPU seconds (this process's children: the CLI and its workers) are
printed; on a shared machine the CPU figure is the steadier one.

Measured 2026-11-30 (`--count 10000 --words 300`, 2 cores, load average 6 from other jobs:
read the CPU column), seconds wall / CPU:

  full validate, --ignore LE                           73.5 / 61.5
  full validate, with LE101                            79.4 / 66.7   (+8% CPU; goal <= 20%)
  --changed-since, file with nothing similar, -LE101    0.46 / 0.45
    ... warm (caches in .git/postmortem)                0.56 / 0.51
    ... cold (no caches)                                3.49 / 3.33
  --changed-since, file with a similar incident, warm   0.82 / 0.53  (1 note)
    ... cold                                            7.51 / 3.54
Before this session's changes: warm 1.0 s CPU (2.0 s with a match), cold 6.1-6.7 s CPU.

Generated post-mortems are assembled from a few hundred sentence templates, so their words are
far more alike than real reports: nearly every one "resembles" many others. That is the worst
case for the index (and the suggestions it prints are meaningless); real archives are cheaper.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import TODAY, committed_archive  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CLI = str(ROOT / ".venv" / "bin" / "postmortem")
EXAMPLES = ROOT / "tests" / "data" / "similarity"
MATCHED = "2026-01-19-payments-gateway-handshake-failures"  # its pair is in the examples


def timed(args: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=7200)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return wall, cpu, result


def best(runs: list[tuple[float, float, subprocess.CompletedProcess]]) -> tuple[float, float]:
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=800)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best is shown")
    parser.add_argument("--no-full", action="store_true", help="skip the two full validations")
    args = parser.parse_args()
    rows: list[tuple[str, tuple[float, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        # With the project's similarity examples: a changed file that has a match to report.
        paths = committed_archive(repo, args.count, args.words)
        base = [CLI, "validate", "--format", "json", "--today", TODAY]
        caches = repo / ".git" / "postmortem"  # the id index and the similarity store

        def drop() -> None:
            shutil.rmtree(caches, ignore_errors=True)

        def full(extra: list[str]) -> tuple[float, float]:
            runs = []
            for _ in range(args.repeat):
                drop()
                runs.append(timed([*base, *extra, "postmortems"], repo))
            return best(runs)

        if not args.no_full:
            rows.append(("full validate, --ignore LE", full(["--ignore", "LE"])))
            rows.append(("full validate, with LE101", full([])))
        pr = [*base, "--changed-since", "main", "postmortems"]

        def one(extra: list[str], cold: bool) -> tuple[float, float]:
            runs = []
            for _ in range(args.repeat):
                if cold:
                    drop()
                runs.append(timed([*pr, *extra], repo))
            return best(runs)

        for label, changed in (
            ("generated file, no match", paths[len(paths) // 2]),
            ("example with a match", repo / "postmortems" / f"{MATCHED}.md"),
        ):
            subprocess.run(["git", "checkout", "-q", "--", "postmortems"], cwd=repo, check=True)
            changed.write_text(changed.read_text("utf-8") + "\nEdited.\n", "utf-8")
            timed(pr, repo)  # warm the caches for this state of the archive
            notes = timed(pr, repo)[2].stdout.count('"LE101"')
            rows.append((f"--changed-since, {label}, -LE101", one(["--ignore", "LE101"], False)))
            rows.append((f"--changed-since, {label}, warm ({notes} notes)", one([], False)))
            rows.append((f"--changed-since, {label}, cold", one([], True)))

    print(f"archive: {args.count} generated post-mortems of ~{args.words} words + "
          f"{len(list(EXAMPLES.glob('*.md')))} examples, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'':58}{'wall s':>9}{'CPU s':>9}")
    for label, (wall, cpu) in rows:
        print(f"{label:58}{wall:9.2f}{cpu:9.2f}")
    if not args.no_full:
        without, with_le = rows[0][1], rows[1][1]
        print(f"LE101 on a full validate: +{(with_le[0] / without[0] - 1) * 100:.0f}% wall, "
              f"+{(with_le[1] / without[1] - 1) * 100:.0f}% CPU (goal: <= 20%)")  # fmt: skip
    print("goals: --changed-since with one file under 2 s (#15), at most 0.5 s (#14)")


if __name__ == "__main__":
    main()
