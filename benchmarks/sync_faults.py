"""100 sync runs with faults injected at random points; then a clean run. Counts duplicates.

Run from the repository root:

    .venv/bin/python benchmarks/sync_faults.py [--runs 100] [--seeds 3] [--kill-share 0.3]

The heavier version of tests/sync/test_sync_faults.py (same harness: tests/sync/
fault_harness.py): a larger archive, a larger share of real processes killed with SIGKILL,
and several seeds. Each run edits the archive at random and plants one fault at a random
write: 502 after the commit, connection reset before/after the commit, 403 secondary rate
limit, 429, or SIGKILL before/after the commit. Goal: 0 duplicates, 0 items missing after
the final clean run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "sync")]

from fault_harness import campaign  # noqa: E402
from github_emulator import Emulator  # noqa: E402
from sync_helpers import PEOPLE, REPO, TOKEN  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--kill-share", type=float, default=0.3)
    parser.add_argument("--docs", type=int, default=8)
    parser.add_argument("--rows", type=int, default=8)
    args = parser.parse_args()
    worst = {"duplicates": 0, "duplicates_at_worst": 0, "missing": 0, "wrong_state_or_title": 0}
    for seed in range(1, args.seeds + 1):
        with tempfile.TemporaryDirectory() as tmp, Emulator(token=TOKEN) as em:
            em.add_repo(REPO, assignable=PEOPLE)
            start = time.perf_counter()
            figures = campaign(
                em, Path(tmp), args.runs, seed, args.kill_share, docs=args.docs, rows=args.rows
            )
            seconds = time.perf_counter() - start
        print(f"seed {seed} ({seconds:.1f} s):")
        for key, value in figures.items():
            print(f"  {key}: {value}")
        for key in worst:
            worst[key] = max(worst[key], figures[key])
    ok = not any(worst.values())
    print(
        f"\nFIGURES  {args.seeds} x {args.runs} faulty runs: duplicates {worst['duplicates']} "
        f"(at any time: {worst['duplicates_at_worst']}), missing after the final clean run "
        f"{worst['missing']}, wrong state/title {worst['wrong_state_or_title']}  "
        f"{'OK' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
