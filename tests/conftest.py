"""What every test shares: the Hypothesis profile, the `shared` and `slow` markers, and a way
to assert growth (n vs 4n) instead of wall-clock time.

- Tests that read `../shared` (the project's corpus and reference report, beside the repository
  in the project's own checkout and CI, absent in a user's clone) carry `@pytest.mark.shared`
  and are skipped, with the reason, when it is absent.
- Long tests carry `@pytest.mark.slow`: `make test-fast` skips them, `make test` and CI run them.
- No test asserts wall-clock time. Scaling is checked with `cpu_growth` (CPU time of n vs 4n,
  best of a few runs); hangs are caught by a generous timeout on a child process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# One Hypothesis profile for the property tests; ROBUSTNESS_EXAMPLES scales them all.
EXAMPLES = int(os.environ.get("ROBUSTNESS_EXAMPLES", "300"))
settings.register_profile(
    "project",
    max_examples=EXAMPLES,
    deadline=None,  # no per-example time limit: the machine may be busy
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "project"))


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("shared") and not SHARED.is_dir():
        pytest.skip(
            f"needs {SHARED} (the project's corpus and reference report), which is not beside "
            "this clone; the project's CI has it"
        )


def cpu_growth(run: Callable[[int], object], n: int, repeat: int = 3) -> float:
    """CPU time of `run(4 * n)` over CPU time of `run(n)`, each the best of `repeat` runs.

    Linear work gives about 4, quadratic about 16, whatever the load on the machine: CPU time
    is not stretched by other processes the way wall-clock time is.
    """

    def best(size: int) -> float:
        times = []
        for _ in range(repeat):
            start = time.process_time()
            run(size)
            times.append(time.process_time() - start)
        return max(min(times), 1e-4)

    run(n)  # warm caches and compiled patterns
    return best(4 * n) / best(n)


@pytest.fixture
def growth() -> Callable[..., float]:
    return cpu_growth
