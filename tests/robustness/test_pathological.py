"""Hang detector: adversarial 100 KB (and a few 1 MB) inputs go through parsing, every rule,
the site pages, the sync plan and the importers, and finish.

Not a speed test: each case gets a CPU budget (a minute) many times what any case takes, so
that only the quadratic or exponential behaviour (regex backtracking, repeated scans) that
turns a pasted log into a CI job that never ends fails it, whatever else the machine is doing.
The cases run in a child process, so a hang fails the test with the name of the case instead
of stalling the suite. `benchmarks/` prints the speed figures.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pathological import ALL, CPU_BUDGET

HERE = Path(__file__).resolve().parent
GROUPS = 4
NAMES = list(ALL)
CHUNKS = [NAMES[i::GROUPS] for i in range(GROUPS)]
# A backstop for a child that stops using CPU without finishing (a deadlock): a hang that
# burns CPU is stopped by the child's own CPU budget, `pathological.CPU_BUDGET` per case.
WALL_BACKSTOP = 10 * 60


@pytest.mark.slow
@pytest.mark.parametrize("chunk", CHUNKS, ids=[f"group{i}" for i in range(GROUPS)])
def test_adversarial_inputs_do_not_hang(chunk: list[str]) -> None:
    command = [sys.executable, str(HERE / "pathological.py"), *chunk]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=WALL_BACKSTOP)
        output, errors = result.stdout, result.stderr
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout or ""  # what the child printed before it was killed
        output = output.decode() if isinstance(output, bytes) else output
        pytest.fail(
            f"case {_unfinished(output, chunk)!r} made no progress in 10 minutes (deadlock)"
        )
    if result.returncode == -signal.SIGXCPU:
        pytest.fail(f"case {_unfinished(output, chunk)!r} used over {CPU_BUDGET} s of CPU (a hang)")
    assert result.returncode == 0, errors[-3000:]
    done = [row["case"] for row in map(json.loads, output.splitlines()) if "case" in row]
    assert done == chunk


def _unfinished(output: str, chunk: list[str]) -> str:
    rows = [json.loads(line) for line in output.splitlines() if line.strip()]
    done = {row["case"] for row in rows if "case" in row}
    return next(name for name in chunk if name not in done)
