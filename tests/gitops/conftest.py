"""Shared helpers for the GitOps tests: the repository's workflows, parsed once."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
ACTION = ROOT / "action.yml"
BIN = Path(sys.executable).parent


def tool(name: str) -> Path:
    """A console script installed next to this interpreter; a missing one is a failure."""
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in {BIN}; `pip install` the test dependencies")
    return path


def load_workflow(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a mapping"
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    if True in data:
        data["on"] = data.pop(True)
    return data


def workflow_files() -> list[Path]:
    return sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])


@pytest.fixture(scope="session")
def workflows() -> dict[str, dict[str, Any]]:
    files = workflow_files()
    assert files, "no workflows found"
    return {path.name: load_workflow(path) for path in files}


@pytest.fixture(scope="session")
def action() -> dict[str, Any]:
    return yaml.safe_load(ACTION.read_text("utf-8"))


def all_steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (job_id, step) for job_id, job in workflow["jobs"].items() for step in job.get("steps", [])
    ]
