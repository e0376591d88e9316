"""100 sync runs with faults at random points, then one clean run: no duplicates, none missing.

Faults: 502 after the write was committed, connection resets before and after the commit,
403 secondary rate limits, 429, and the sync process killed with SIGKILL (a real subprocess)
before or after its write is committed. The archive changes between runs, so creates, edits,
closes and reopens are all interrupted somewhere.
"""

from __future__ import annotations

import pytest

from fault_harness import campaign


@pytest.mark.slow
def test_hundred_faulty_runs_leave_no_duplicates_and_nothing_missing(github_emulator, tmp_path):
    figures = campaign(github_emulator, tmp_path, runs=100, seed=20250301, kill_share=0.15)
    print(figures)
    assert figures["runs"] == 100
    assert figures["faults_fired"] >= 50, figures  # the faults really happened
    assert figures["processes_killed"] >= 5, figures
    assert len(figures["faults_by_kind"]) == 7, figures
    assert figures["duplicates_at_worst"] == 0, figures
    assert figures["duplicates"] == 0, figures
    assert figures["missing"] == 0, figures
    assert figures["wrong_state_or_title"] == 0, figures
    assert figures["writes_in_run_after_final"] == 0, figures


def test_faulty_runs_against_lists_that_lag_writes_leave_no_duplicates(github_emulator, tmp_path):
    """The same campaign, shorter, where a run never sees its own writes in a listing."""
    figures = campaign(
        github_emulator, tmp_path, runs=40, seed=20250302, kill_share=0.0, read_lag=5.0
    )
    print(figures)
    assert figures["faults_fired"] >= 20, figures
    assert figures["duplicates_at_worst"] == 0, figures
    assert figures["duplicates"] == 0, figures
    assert figures["missing"] == 0, figures
    assert figures["wrong_state_or_title"] == 0, figures
    assert figures["writes_in_run_after_final"] == 0, figures
