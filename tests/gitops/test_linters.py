"""actionlint and zizmor over the workflows and the composite action: zero findings.

Each linter is also run on a deliberately bad workflow, so a linter that silently checks
nothing (wrong path, missing binary, changed output format) fails the suite instead of passing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from .conftest import ACTION, ROOT, WORKFLOWS, tool, workflow_files

PIN = re.compile(r"@(?P<sha>[0-9a-f]{40}) # (?P<tag>v\d+)(?:\.\d+)*")

BAD_WORKFLOW = """\
on: pull_request
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
"""


def actionlint(*files: Path) -> list[dict]:
    result = subprocess.run(
        [str(tool("actionlint")), "-format", "{{json .}}", *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout or "[]")


def zizmor(*inputs: Path, persona: str = "pedantic", audited: set[str] | None = None) -> list[dict]:
    # --offline: no network; --no-ignores/--no-config: nothing may be silenced in place.
    result = subprocess.run(
        [
            str(tool("zizmor")),
            "--offline",
            "--no-ignores",
            "--no-config",
            "--no-progress",
            "--color",
            "never",
            "--persona",
            persona,
            "--format",
            "json",
            *map(str, inputs),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip(), f"zizmor printed nothing: {result.stderr}"
    if audited is not None:
        audited.update(re.findall(r"completed (\S+)", result.stderr))
    return json.loads(result.stdout)


def test_actionlint_finds_nothing_in_our_workflows() -> None:
    findings = actionlint(*workflow_files())
    shellcheck = "with" if shutil.which("shellcheck") else "without"
    print(f"actionlint ({shellcheck} shellcheck): {len(findings)} findings")
    assert findings == [], "\n".join(
        f"{f['filepath']}:{f['line']}: {f['message']}" for f in findings
    )


def test_actionlint_checks_the_pinned_versions_as_their_tags(tmp_path: Path) -> None:
    """A SHA pin hides the version from actionlint; with the commented tag restored it checks
    the inputs we pass against that release, and its runtime (node20 is retired)."""
    rewritten = []
    for path in workflow_files():
        text = path.read_text("utf-8")
        assert PIN.search(text), f"{path.name} has no pinned action"
        copy = tmp_path / path.name
        copy.write_text(PIN.sub(lambda m: "@" + m["tag"], text), "utf-8")
        rewritten.append(copy)
    findings = actionlint(*rewritten)
    assert findings == [], "\n".join(
        f"{f['filepath']}:{f['line']}: {f['message']}" for f in findings
    )


def test_actionlint_catches_an_injection(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(BAD_WORKFLOW, "utf-8")
    messages = [f["message"] for f in actionlint(bad)]
    assert any("potentially untrusted" in m for m in messages), messages


def test_zizmor_finds_nothing_in_workflows_and_action() -> None:
    audited: set[str] = set()
    findings = zizmor(ACTION, WORKFLOWS.parent, ROOT / ".pre-commit-hooks.yaml", audited=audited)
    expected = {
        ".github/dependabot.yml",
        ".github/workflows/publish.yml",
        ".github/workflows/validate.yml",
        ".github/workflows/weekly-review.yml",
        ".pre-commit-hooks.yaml",
        "action.yml",
    }
    assert expected <= {
        Path(p).relative_to(ROOT).as_posix() if Path(p).is_absolute() else p for p in audited
    }, audited
    print(f"zizmor (pedantic persona, offline, ignores off): {len(findings)} findings")
    assert findings == [], [(f["ident"], f["desc"]) for f in findings]


def test_zizmor_catches_a_bad_workflow(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "bad.yml").write_text(BAD_WORKFLOW, "utf-8")
    idents = {f["ident"] for f in zizmor(tmp_path, persona="regular")}
    assert {"template-injection", "unpinned-uses", "artipacked"} <= idents, idents


def test_zizmor_sees_a_regression_in_our_publish_workflow(tmp_path: Path) -> None:
    """Mutate our own workflow the way a careless edit would; zizmor must notice."""
    text = (WORKFLOWS / "publish.yml").read_text("utf-8")
    mutated = PIN.sub(lambda m: "@" + m["tag"], text, count=1).replace(
        'run: postmortem sync --repo "$REPOSITORY"',
        'run: postmortem sync --repo "${{ github.event.head_commit.message }}"',
    )
    assert mutated != text
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "publish.yml").write_text(mutated, "utf-8")
    idents = {f["ident"] for f in zizmor(tmp_path, persona="regular")}
    assert {"template-injection", "unpinned-uses"} <= idents, idents
