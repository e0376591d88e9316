"""Our full validation against `proselint check` alone, on the same 1,000 generated post-mortems.

    .venv/bin/python benchmarks/validate_vs_proselint.py [--count 1000] [--words 1600]
        [--workers N] [--keep DIR]

Generates `--count` valid post-mortems of about `--words` words each (the structure of
postmortems/2025-02-09-api-service-degradation.md: frontmatter, Summary, Impact, Root Cause
with a log excerpt, Timeline table, Contributing Factors, Action Items table, What Went Well,
Lessons Learned; prose assembled from varied sentence templates, wrapped like hand-written
Markdown), then times, in one run and on the same files:

  (a) `postmortem validate --format json DIR`: every default rule, blameless and prose included;
  (b) `proselint check DIR`: proselint 0.16's command line with its default checks, alone.

and prints both times and their ratio (goal: (a) <= 0.5 x (b)).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import TODAY, generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


def timed(args: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall time, CPU time (the command and its worker processes) and the result of a command.

    CPU time is printed too because on a shared machine the wall-clock figure of a parallel
    run depends on what else is running.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--words", type=int, default=1600)
    parser.add_argument(
        "--workers", type=int, default=None, help="ours: processes (default: cores)"
    )
    parser.add_argument("--keep", type=Path, default=None, help="generate here and keep the files")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        folder = work / "postmortems"
        paths = generate(folder, args.count, args.words)
        words = sum(len(p.read_text("utf-8").split()) for p in paths)
        print(f"{len(paths)} post-mortems, {words / len(paths):.0f} words each on average")

        ours_cmd = [str(BIN / "postmortem"), "validate", "--format", "json", "--today", TODAY]
        if args.workers:
            ours_cmd += ["--workers", str(args.workers)]
        # Both run from the temporary folder, so neither picks up a project configuration.
        ours, ours_cpu, ours_run = timed([*ours_cmd, str(folder)], work)
        theirs, theirs_cpu, theirs_run = timed([str(BIN / "proselint"), "check", str(folder)], work)

        if ours_run.returncode not in (0, 1):
            print(f"postmortem validate failed ({ours_run.returncode}):\n{ours_run.stderr[-2000:]}")
            return 2
        if theirs_run.returncode not in (0, 1):
            print(f"proselint check failed ({theirs_run.returncode}):\n{theirs_run.stderr[-2000:]}")
            return 2
        report = json.loads(ours_run.stdout)
        by_category = Counter(f["category"] for f in report["findings"])
        print(
            f"(a) postmortem validate --format json: {ours:6.2f} s wall, {ours_cpu:6.2f} s CPU "
            f"({report['files_checked']} files, findings by category: {dict(by_category)})"
        )
        lines = theirs_run.stdout.count("\n")
        print(
            f"(b) proselint check:                   {theirs:6.2f} s wall, {theirs_cpu:6.2f} s CPU "
            f"({lines} output lines)"
        )
        ratio = ours / theirs
        verdict = "met" if ratio <= 0.5 else "missed"
        print(
            f"ratio (a)/(b): {ratio:.2f} wall (goal <= 0.50: {verdict}), "
            f"{ours_cpu / theirs_cpu:.2f} CPU"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
