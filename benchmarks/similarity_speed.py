"""What similar-incident checking (LE101) adds to `postmortem validate` on a large archive.

    .venv/bin/python benchmarks/similarity_speed.py [--count 10000] [--words 800] [--repeat 1]

Generates an archive (benchmarks/generate.py) in a git repository, then times, each with the
similarity rule and without it (`--ignore LE`):
  - a full validation of every file;
  - `--changed-since main` with one file edited, with no profile cache (a fresh CI checkout)
    and with the cache a previous run left in `.git/postmortem/`.
Wall-clock seconds and CPU seconds (this process's children: the CLI and its workers) are
printed; on a shared machine the CPU figure is the steadier one.

Generated post-mortems are assembled from a few hundred sentence templates, so their words are
far more alike than real reports: nearly every one "resembles" many others. That is the worst
case for the index (and the suggestions it prints are meaningless); real archives are cheaper.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import TODAY, generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CLI = str(ROOT / ".venv" / "bin" / "postmortem")


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com"}  # fmt: skip
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=600)


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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        paths = generate(repo / "postmortems", args.count, args.words)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "archive")
        base = [CLI, "validate", "--format", "json", "--today", TODAY]
        cache = repo / ".git" / "postmortem" / "similarity.json"

        def full(extra: list[str]) -> tuple[float, float]:
            runs = []
            for _ in range(args.repeat):
                cache.unlink(missing_ok=True)
                runs.append(timed([*base, *extra, "postmortems"], repo))
            return best(runs)

        without = full(["--ignore", "LE"])
        with_le = full([])
        runs = [timed([*base, "postmortems"], repo)]  # leaves the cache of a full run
        notes = runs[0][2].stdout.count('"LE101"')

        changed = paths[len(paths) // 2]
        changed.write_text(
            changed.read_text("utf-8").replace("## Summary\n", "## Summary\n\nEdited.\n"), "utf-8"
        )
        pr = [*base, "--changed-since", "main"]

        def one(extra: list[str], cold: bool) -> tuple[float, float]:
            runs = []
            for _ in range(args.repeat):
                if cold:
                    cache.unlink(missing_ok=True)
                runs.append(timed([*pr, *extra, "postmortems"], repo))
                if cold:  # the next cold run must not see this run's cache either
                    cache.unlink(missing_ok=True)
            return best(runs)

        one_without = one(["--ignore", "LE"], cold=False)
        timed([*pr, "postmortems"], repo)  # warm the cache for this state of the archive
        one_warm = one([], cold=False)
        one_cold = one([], cold=True)

    print(f"archive: {args.count} generated post-mortems of ~{args.words} words, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'':42}{'wall s':>9}{'CPU s':>9}")
    rows = [
        ("full validate, --ignore LE", without),
        ("full validate, with LE101", with_le),
        ("--changed-since, 1 file, --ignore LE", one_without),
        ("--changed-since, 1 file, LE101, cache", one_warm),
        ("--changed-since, 1 file, LE101, no cache", one_cold),
    ]
    for label, (wall, cpu) in rows:
        print(f"{label:42}{wall:9.2f}{cpu:9.2f}")
    print(f"LE101 on a full validate: +{(with_le[0] / without[0] - 1) * 100:.0f}% wall, "
          f"+{(with_le[1] / without[1] - 1) * 100:.0f}% CPU (goal: <= 20%); {notes} notes")  # fmt: skip
    print(f"--changed-since with the cache: {one_warm[0]:.2f} s wall (goal: < 2 s)")


if __name__ == "__main__":
    main()
