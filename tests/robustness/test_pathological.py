"""Hang detector: adversarial 100 KB (and a few 1 MB) inputs go through parsing, every rule,
the site pages, the sync plan and the importers within a generous bound each.

Not a speed test: the bound is several times what any case takes, and only catches the
quadratic or exponential behaviour (regex backtracking, repeated scans) that turns a
pasted log into a CI job that never ends. The cases run in a child process with a timeout,
so a real hang fails the test with the name of the case instead of stalling the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pathological import ALL

HERE = Path(__file__).resolve().parent
LIMIT = 6.0  # seconds per case; every case takes well under 2.5 s on a 2-core machine
GROUPS = 4
NAMES = list(ALL)
CHUNKS = [NAMES[i::GROUPS] for i in range(GROUPS)]


@pytest.mark.parametrize("chunk", CHUNKS, ids=[f"group{i}" for i in range(GROUPS)])
def test_adversarial_inputs_finish_quickly(chunk: list[str]) -> None:
    command = [sys.executable, str(HERE / "pathological.py"), *chunk]
    timeout = LIMIT * len(chunk) + 30  # + interpreter start and imports
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        output, errors = result.stdout, result.stderr
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout or ""  # what the child printed before it was killed
        output = output.decode() if isinstance(output, bytes) else output
        done = {json.loads(line)["case"] for line in output.splitlines() if line}
        hung = next(name for name in chunk if name not in done)
        pytest.fail(f"case {hung!r} did not finish within {timeout:.0f} s (hang)")
    assert result.returncode == 0, errors[-3000:]
    times = {row["case"]: row["seconds"] for row in map(json.loads, output.splitlines())}
    assert list(times) == chunk
    slow = {name: seconds for name, seconds in times.items() if seconds > LIMIT}
    assert not slow, f"over {LIMIT} s: {slow}"
