"""Reuse outside this repository: the composite action, the pre-commit hooks, the PR template.

The action's validation script is executed with bash exactly as the runner would (same flags,
same INPUT_* environment), with the real `postmortem` CLI where the install step puts it.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import yaml

from .conftest import ACTION, BIN, ROOT, tool

BROKEN = "---\nid: 2025-01-01-broken\ntitle: [unclosed\n---\n\n# Broken\n"


def action_steps() -> list[dict]:
    action = yaml.safe_load(ACTION.read_text("utf-8"))
    assert action["runs"]["using"] == "composite"
    return action["runs"]["steps"]


def validate_step() -> dict:
    [step] = [s for s in action_steps() if "postmortem validate" in s.get("run", "")]
    return step


def test_action_metadata() -> None:
    action = yaml.safe_load(ACTION.read_text("utf-8"))
    assert action["name"] and action["description"]
    inputs = action["inputs"]
    assert {"paths", "config", "changed-since", "format"} <= set(inputs)
    for name, spec in inputs.items():
        assert spec["description"], name
        assert spec.get("required", False) is False, f"{name} should have a default"
    for step in action_steps():
        if "run" in step:
            assert step["shell"] == "bash"
    # Every input reaches the script through the environment.
    env_values = " ".join(validate_step()["env"].values())
    for name in ("paths", "config", "changed-since", "format"):
        assert f"inputs.{name}" in env_values, name


def test_action_installs_this_package_from_the_action_path() -> None:
    install = next(s for s in action_steps() if "pip install" in s.get("run", ""))
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    setup = next(s for s in action_steps() if "setup-python@" in s.get("uses", ""))
    assert setup["with"]["update-environment"] is False  # the caller's Python is left alone


def make_workspace(tmp_path: Path) -> Path:
    workspace = tmp_path / "workspace"
    (workspace / "postmortems").mkdir(parents=True)
    git = ["git", "-C", str(workspace), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git[:3], "init", "-q", "-b", "main"], check=True, timeout=30)
    draft = subprocess.run(
        [str(tool("postmortem")), "new", "Queue backlog", "--started", "2025-03-01T10:00Z"],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    assert draft == "postmortems/2025-03-01-queue-backlog.md"
    subprocess.run([*git, "add", "-A"], check=True, timeout=30)
    subprocess.run([*git, "commit", "-q", "-m", "draft"], check=True, timeout=30)
    (workspace / "postmortems" / "2025-01-01-broken.md").write_text(BROKEN, "utf-8")
    subprocess.run([*git, "add", "-A"], check=True, timeout=30)
    subprocess.run([*git, "commit", "-q", "-m", "broken"], check=True, timeout=30)
    return workspace


def run_action(tmp_path: Path, workspace: Path, **inputs: str) -> subprocess.CompletedProcess:
    """The validation step's script under bash, as the runner starts it."""
    runner_temp = tmp_path / "runner-temp"
    venv_bin = runner_temp / "postmortem-venv" / "bin"
    if not venv_bin.exists():
        venv_bin.mkdir(parents=True)
        (venv_bin / "postmortem").symlink_to(tool("postmortem"))
    summary = tmp_path / "summary.md"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "INPUT_PATHS": inputs.get("paths", ""),
        "INPUT_CONFIG": inputs.get("config", ""),
        "INPUT_CHANGED_SINCE": inputs.get("changed_since", ""),
        "INPUT_FORMAT": inputs.get("format", "github"),
    }
    script = tmp_path / "step.sh"
    script.write_text(validate_step()["run"], "utf-8")
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def annotated_files(output: str) -> set[str]:
    return set(re.findall(r"^::error file=([^,]+),line=\d+", output, re.MULTILINE))


def test_action_annotates_the_whole_archive_and_fails(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    result = run_action(tmp_path, workspace)
    assert result.returncode == 1, result.stderr
    assert annotated_files(result.stdout) == {
        "postmortems/2025-01-01-broken.md",
        "postmortems/2025-03-01-queue-backlog.md",
    }
    assert "2025-01-01-broken.md" in (tmp_path / "summary.md").read_text("utf-8")


def test_action_checks_only_changed_files_when_asked(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    result = run_action(tmp_path, workspace, changed_since="HEAD~1")
    assert result.returncode == 1, result.stderr
    assert annotated_files(result.stdout) == {"postmortems/2025-01-01-broken.md"}


def test_action_paths_are_split_on_whitespace_and_never_globbed(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    listed = run_action(
        tmp_path, workspace, paths="postmortems/2025-01-01-broken.md\n  ", format="json"
    )
    assert listed.returncode == 1, listed.stderr
    assert '"postmortems/2025-01-01-broken.md"' in listed.stdout
    assert "queue-backlog" not in listed.stdout
    globbed = run_action(tmp_path, workspace, paths="postmortems/*.md")
    # The pattern reaches the validator as a literal name, which does not exist.
    assert globbed.returncode == 2
    assert "postmortems/*.md" in globbed.stderr
    assert "Traceback" not in globbed.stderr


def test_pre_commit_manifest_is_valid_and_runs_the_validator(tmp_path: Path) -> None:
    from identify.identify import tags_from_path
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"postmortem-validate", "postmortem-validate-archive"}
    hook = hooks["postmortem-validate"]
    assert hook["language"] == "python"  # pre-commit installs this package from the repo
    assert hook["entry"].startswith("postmortem validate")
    assert re.search(hook["files"], "postmortems/2025-02-09-api-service-degradation.md")
    assert not re.search(hook["files"], "docs/index.md")
    assert not hooks["postmortem-validate-archive"]["pass_filenames"]

    workspace = tmp_path / "repo"
    (workspace / "postmortems").mkdir(parents=True)
    broken = workspace / "postmortems" / "2025-01-01-broken.md"
    broken.write_text(BROKEN, "utf-8")
    assert set(hook["types"]) <= tags_from_path(str(broken))
    # What pre-commit runs: the entry, then the staged file names.
    command = [*shlex.split(hook["entry"]), *hook["args"], "postmortems/2025-01-01-broken.md"]
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("GITHUB_ACTIONS", None)
    result = subprocess.run(
        command, cwd=workspace, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert re.search(r"^postmortems/2025-01-01-broken\.md:\d+:\d+: ", result.stdout, re.MULTILINE)


def test_pull_request_template_carries_the_reviewer_checklist() -> None:
    template = ROOT / ".github" / "PULL_REQUEST_TEMPLATE" / "postmortem.md"
    text = template.read_text("utf-8")
    boxes = re.findall(r"^- \[ \] (.+)$", text, re.MULTILINE)
    assert len(boxes) >= 12
    checklist = " ".join(boxes).lower()
    for topic in (
        "utc",
        "contributing factors",
        "owner",
        "deadline",
        "priority",
        "blameless",
        "48 hours",
        "secrets",
        "todo:",
        "four weeks",
    ):
        assert topic in checklist, topic
