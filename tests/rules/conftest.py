"""Fixtures for rule tests."""

from __future__ import annotations

import pytest

from ruletools import seed_text


@pytest.fixture
def seed() -> str:
    return seed_text()
