"""Fixtures for the sync tests: the GitHub emulator (see tests/github_emulator.py) and a clock."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for folder in (HERE, HERE.parent):  # sync_helpers.py here, github_emulator.py in tests/
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from github_emulator import Emulator  # noqa: E402
from sync_helpers import PEOPLE, REPO, TOKEN, FakeClock  # noqa: E402


@pytest.fixture
def github_emulator() -> Iterator[Emulator]:
    """A started emulator with one repository, acme/web, where alice..dave can be assigned."""
    with Emulator(token=TOKEN) as emulator:
        emulator.add_repo(REPO, assignable=PEOPLE)
        yield emulator


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
