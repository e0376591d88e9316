"""The workflows' security and wiring properties, read from their YAML.

The linters catch general mistakes; these tests pin down this project's own promises: least
privilege per job, only the sync and digest jobs may write issues, every action pinned to a
commit, no expression spliced into a shell script, no `pull_request_target`.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .conftest import ACTION, WORKFLOWS, all_steps

SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"uses: (\S+) # v\d+(\.\d+)*\s*$")
WRITE_SCOPES = {
    "actions",
    "checks",
    "contents",
    "deployments",
    "issues",
    "packages",
    "pages",
    "pull-requests",
    "security-events",
    "statuses",
    "id-token",
    "attestations",
}


def writes(permissions: Any) -> set[str]:
    if permissions in ("write-all",):
        return set(WRITE_SCOPES)
    if not isinstance(permissions, dict):
        return set()
    return {scope for scope, level in permissions.items() if level == "write"}


def test_no_pull_request_target_or_workflow_run(workflows: dict) -> None:
    for name, workflow in workflows.items():
        triggers = workflow["on"]
        keys = (
            set(triggers)
            if isinstance(triggers, dict)
            else set(triggers if isinstance(triggers, list) else [triggers])
        )
        assert not keys & {"pull_request_target", "workflow_run"}, name


def test_top_level_permissions_grant_nothing_to_write(workflows: dict) -> None:
    for name, workflow in workflows.items():
        assert "permissions" in workflow, f"{name}: no top-level permissions"
        assert writes(workflow["permissions"]) == set(), name
        assert workflow["permissions"] in ({}, {"contents": "read"}), name


def test_every_job_declares_its_permissions(workflows: dict) -> None:
    for name, workflow in workflows.items():
        for job_id, job in workflow["jobs"].items():
            assert "permissions" in job, f"{name}: job {job_id} has no permissions"
            assert job["permissions"] != "write-all", f"{name}: {job_id}"


def test_only_sync_and_digest_jobs_write_issues(workflows: dict) -> None:
    writers = {
        (name, job_id)
        for name, workflow in workflows.items()
        for job_id, job in workflow["jobs"].items()
        if "issues" in writes(job.get("permissions"))
    }
    # The sync job on main, and the weekly job that keeps the one digest issue current.
    assert writers == {("publish.yml", "sync"), ("weekly-review.yml", "digest")}


def test_only_the_deploy_job_can_publish_pages(workflows: dict) -> None:
    for name, workflow in workflows.items():
        for job_id, job in workflow["jobs"].items():
            granted = writes(job.get("permissions"))
            if (name, job_id) == ("publish.yml", "deploy"):
                assert granted == {"pages", "id-token"}
                assert job["environment"]["name"] == "github-pages"
            elif (name, job_id) == ("publish.yml", "sync"):
                # contents: write only to keep the issue mapping on its own branch
                assert granted == {"contents", "issues"}
                assert "--state-branch postmortem-sync" in job["steps"][-1]["run"]
            else:
                assert not granted & {"pages", "id-token", "contents"}, f"{name}: {job_id}"


def test_every_action_is_pinned_to_a_commit_with_a_version_comment(workflows: dict) -> None:
    uses = [step["uses"] for w in workflows.values() for _, step in all_steps(w) if "uses" in step]
    action = yaml.safe_load(ACTION.read_text("utf-8"))
    uses += [step["uses"] for step in action["runs"]["steps"] if "uses" in step]
    assert uses
    for ref in uses:
        assert not ref.startswith("docker://"), ref
        if ref.startswith("./"):
            continue
        assert SHA_PIN.match(ref), f"not pinned to a full commit SHA: {ref}"
    for path in [*WORKFLOWS.glob("*.yml"), ACTION]:
        for line in path.read_text("utf-8").splitlines():
            if line.strip().startswith("uses:") or line.strip().startswith("- uses:"):
                assert VERSION_COMMENT.search(line), f"{path.name}: no version comment: {line}"


def test_checkouts_do_not_persist_credentials(workflows: dict) -> None:
    checkouts = [
        (name, step)
        for name, workflow in workflows.items()
        for _, step in all_steps(workflow)
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkouts
    for name, step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, name


def run_scripts(workflows: dict) -> list[tuple[str, str]]:
    scripts = [
        (n, step["run"]) for n, w in workflows.items() for _, step in all_steps(w) if "run" in step
    ]
    action = yaml.safe_load(ACTION.read_text("utf-8"))
    scripts += [("action.yml", step["run"]) for step in action["runs"]["steps"] if "run" in step]
    return scripts


def test_no_expression_is_spliced_into_a_shell_script(workflows: dict) -> None:
    """Values reach scripts through `env:` only; the shell never parses an expansion."""
    scripts = run_scripts(workflows)
    assert len(scripts) >= 8
    for name, script in scripts:
        assert "${{" not in script, f"{name}: expression inside run: {script!r}"


def test_every_job_has_a_timeout(workflows: dict) -> None:
    for name, workflow in workflows.items():
        for job_id, job in workflow["jobs"].items():
            assert 0 < int(job["timeout-minutes"]) <= 60, f"{name}: {job_id}"


def test_pull_request_validation(workflows: dict) -> None:
    workflow = workflows["validate.yml"]
    paths = set(workflow["on"]["pull_request"]["paths"])
    assert {"postmortems/**", "schema/**", ".postmortem.yml", "pyproject.toml"} <= paths
    steps = workflow["jobs"]["validate"]["steps"]
    checkout = steps[0]
    assert checkout["with"]["fetch-depth"] == 0  # --changed-since needs the base branch
    validate = next(s for s in steps if "postmortem validate" in s.get("run", ""))
    assert "--format github" in validate["run"]
    assert '--changed-since "origin/${BASE_REF}"' in validate["run"]
    assert validate["env"]["BASE_REF"] == "${{ github.base_ref }}"
    site = workflow["jobs"]["site"]["steps"]
    assert any(s.get("run") == "mkdocs build --strict" for s in site)


def test_publish_syncs_then_builds_then_deploys(workflows: dict) -> None:
    jobs = workflows["publish.yml"]["jobs"]
    assert workflows["publish.yml"]["on"]["push"]["branches"] == ["main"]
    sync, build, deploy = jobs["sync"], jobs["build"], jobs["deploy"]
    # Two syncs never overlap, and a queued one is not cancelled half-way through.
    assert sync["concurrency"]["group"]
    assert sync["concurrency"]["cancel-in-progress"] is False
    assert sync["permissions"] == {"contents": "write", "issues": "write"}
    sync_run = next(s for s in sync["steps"] if "postmortem sync" in s.get("run", ""))
    assert sync_run["env"]["GITHUB_TOKEN"] == "${{ github.token }}"
    branch = re.search(r"--state-branch (\S+)", sync_run["run"])[1]
    uses = [s.get("uses", "") for w in workflows.values() for _, s in all_steps(w)]
    # GHES runs no upload-artifact / download-artifact v4+: the state travels through git.
    assert not [u for u in uses if "/upload-artifact@" in u or "/download-artifact@" in u]

    assert build["needs"] == "sync"
    state = next(s for s in build["steps"] if s.get("id") == "state")
    assert state["with"]["ref"] == branch and state["continue-on-error"] is True
    folder = state["with"]["path"]
    build_run = next(
        s["run"] for s in build["steps"] if "mkdocs build --strict" in s.get("run", "")
    )
    assert f"cp {folder}/issues.json .postmortem/issues.json" in build_run
    pages = next(s for s in build["steps"] if "upload-pages-artifact@" in s.get("uses", ""))
    assert pages["with"]["path"].rstrip("/") == "site"

    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_weekly_review_updates_one_digest_issue(workflows: dict) -> None:
    workflow = workflows["weekly-review.yml"]
    assert workflow["on"]["schedule"][0]["cron"]
    assert "workflow_dispatch" in workflow["on"]
    job = workflow["jobs"]["digest"]
    assert job["concurrency"]["cancel-in-progress"] is False
    runs = " ".join(s.get("run", "") for s in job["steps"])
    assert "postmortem review" in runs and "--format markdown" in runs
    assert "postmortem digest" in runs and '--title "$DIGEST_TITLE"' in runs
    assert "gh " not in runs  # no GitHub CLI: the project's own client does the writing


def test_pull_requests_restore_the_cache_that_main_saves(workflows: dict) -> None:
    """`--changed-since` is fast only with the cache of ids and profiles: a push to main
    validates the whole archive and saves it; a pull request restores the newest one."""
    workflow = workflows["validate.yml"]
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["on"]["push"]["paths"] == workflow["on"]["pull_request"]["paths"]
    steps = workflow["jobs"]["validate"]["steps"]
    names = [s.get("uses", "").split("@")[0] or s.get("run", "") for s in steps]
    cache_at = names.index("actions/cache")
    validate_at = next(i for i, s in enumerate(steps) if "postmortem validate" in s.get("run", ""))
    assert cache_at < validate_at
    cache = steps[cache_at]["with"]
    assert cache["path"] == ".git/postmortem"
    assert cache["key"].startswith(cache["restore-keys"])
    assert "${{ github.sha }}" in cache["key"]
    run = steps[validate_at]["run"]
    assert 'if [ -n "$BASE_REF" ]' in run and "postmortem validate --format github\n" in run
    assert workflow["jobs"]["site"]["if"] == "github.event_name == 'pull_request'"
