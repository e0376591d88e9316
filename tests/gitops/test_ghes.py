"""The GHES variant of the publish workflow, as the README gives it: it must be as sound as
the github.com workflow (actionlint, zizmor, least privilege, pins) and use no artifact action,
which GHES does not run from v4 on."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import ROOT, WORKFLOWS, load_workflow
from .test_linters import actionlint, zizmor

HEADING = "# publish.yml on GitHub Enterprise Server: these jobs replace `build` and `deploy`"
ARTIFACT = re.compile(r"actions/(upload|download)-artifact@|upload-pages-artifact@|deploy-pages@")


def ghes_workflow(tmp_path: Path) -> Path:
    """publish.yml with its `build` and `deploy` jobs replaced by the README's GHES jobs."""
    readme = (ROOT / "README.md").read_text("utf-8")
    start = readme.index(HEADING)
    block = readme[start : readme.index("```", start)]
    publish = (WORKFLOWS / "publish.yml").read_text("utf-8")
    text = publish[: publish.index("\n  build:\n") + 1] + "\n" + block
    path = tmp_path / ".github" / "workflows" / "publish-ghes.yml"
    path.parent.mkdir(parents=True)
    path.write_text(text, "utf-8")
    return path


def test_the_ghes_variant_uses_no_artifact_action_and_grants_the_least(tmp_path: Path) -> None:
    path = ghes_workflow(tmp_path)
    workflow = load_workflow(path)
    text = path.read_text("utf-8")
    assert not ARTIFACT.search(text)
    assert set(workflow["jobs"]) == {"sync", "publish"}
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "sync"
    assert publish["permissions"] == {"contents": "write"}
    for step in publish["steps"]:
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            assert step["with"].get("persist-credentials", False) is False
        assert "${{" not in step.get("run", "")
    state = next(s for s in publish["steps"] if s.get("with", {}).get("ref") == "postmortem-sync")
    assert state["continue-on-error"] is True
    # the github.com workflow and the variant read the state the same way
    build = load_workflow(WORKFLOWS / "publish.yml")["jobs"]["build"]
    assert next(s["run"] for s in build["steps"] if "mkdocs build" in s.get("run", "")) == next(
        s["run"] for s in publish["steps"] if "mkdocs build" in s.get("run", "")
    )


def test_the_ghes_variant_passes_actionlint_and_zizmor(tmp_path: Path) -> None:
    path = ghes_workflow(tmp_path)
    assert actionlint(path) == []
    findings = zizmor(path)
    assert findings == [], [(f["ident"], f["desc"]) for f in findings]
