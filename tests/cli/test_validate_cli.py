"""`postmortem validate` as users and CI call it: formats, exit codes, config, suppressions, git."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem.cli import main

from clitools import BLAMEFUL, SEED, SEED_NAME, invoke


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / SEED_NAME).write_text(SEED, "utf-8")
    return tmp_path


def test_json_contract(archive):
    (archive / "postmortems" / SEED_NAME).write_text(BLAMEFUL, "utf-8")
    result = invoke("validate", "--format", "json", "--today", "2025-03-01", cwd=archive)
    report = json.loads(result.output)
    assert set(report) == {"files_checked", "findings"}
    assert report["files_checked"] == 1
    assert result.exit_code == 1
    keys = {"path", "line", "column", "rule", "category", "severity", "message", "suggestion"}
    for finding in report["findings"]:
        assert set(finding) == keys
        assert finding["severity"] in ("error", "warning", "info")
        assert finding["line"] >= 1
    human = [f for f in report["findings"] if f["rule"] == "BL102"]
    assert (
        human
        and human[0]["line"]
        == BLAMEFUL.splitlines().index("- Human error: the deploy was rushed.") + 1
    )
    assert human[0]["category"] == "blameless" and human[0]["suggestion"]


def test_clean_archive_exits_zero_and_default_path(archive):
    result = invoke("validate", "--today", "2025-03-01", "--ignore", "PR", cwd=archive)
    assert result.exit_code == 0, result.output
    assert "1 file checked: no problems" in result.output


def test_warnings_do_not_fail(archive):
    result = invoke("validate", "--today", "2025-06-01", "--select", "DL", cwd=archive)
    assert result.exit_code == 0
    assert "DL103 [warning]" not in result.output  # A4 is done in the seed
    text = SEED.replace("| 2025-04-30 | P3       | done   |", "| 2025-04-30 | P3       | open   |")
    (archive / "postmortems" / SEED_NAME).write_text(text, "utf-8")
    result = invoke("validate", "--today", "2025-06-01", "--select", "DL", cwd=archive)
    assert result.exit_code == 0 and "DL103 [warning]" in result.output


def test_github_format_annotations_and_step_summary(archive, tmp_path):
    (archive / "postmortems" / SEED_NAME).write_text(BLAMEFUL, "utf-8")
    summary = tmp_path / "summary.md"
    result = invoke(
        "validate",
        "--today",
        "2025-03-01",
        "--select",
        "BL",
        cwd=archive,
        env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    line = BLAMEFUL.splitlines().index("- Human error: the deploy was rushed.") + 1
    assert f"::error file=postmortems/{SEED_NAME},line={line}," in result.output
    assert "title=BL102 (blameless)::" in result.output
    assert "| error | `postmortems/" in summary.read_text()


def test_sarif_is_valid_shape(archive):
    (archive / "postmortems" / SEED_NAME).write_text(BLAMEFUL, "utf-8")
    result = invoke(
        "validate", "--format", "sarif", "--today", "2025-03-01", "--select", "BL", cwd=archive
    )
    sarif = json.loads(result.output)
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0"
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for res in run["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
        assert res["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_suppression_comment_names_the_rule(archive):
    text = BLAMEFUL.replace(
        "- Human error: the deploy was rushed.",
        "- Human error: the deploy was rushed. <!-- postmortem: disable=BL102 -->",
    )
    (archive / "postmortems" / SEED_NAME).write_text(text, "utf-8")
    result = invoke(
        "validate", "--format", "json", "--today", "2025-03-01", "--select", "BL", cwd=archive
    )
    assert [f["rule"] for f in json.loads(result.output)["findings"]] == []
    text = BLAMEFUL.replace(
        "- Human error: the deploy was rushed.",
        "<!-- postmortem: disable-next-line=BL101 -->\n- Human error: the deploy was rushed.",
    )
    (archive / "postmortems" / SEED_NAME).write_text(text, "utf-8")
    result = invoke(
        "validate", "--format", "json", "--today", "2025-03-01", "--select", "BL", cwd=archive
    )
    assert [f["rule"] for f in json.loads(result.output)["findings"]] == ["BL102"]


def test_config_file_changes_severity_and_disables(archive):
    (archive / "postmortems" / SEED_NAME).write_text(BLAMEFUL, "utf-8")
    (archive / ".postmortem.yml").write_text("rules:\n  BL102: {severity: warning}\n", "utf-8")
    result = invoke("validate", "--today", "2025-03-01", "--select", "BL", cwd=archive)
    assert result.exit_code == 0 and "BL102 [warning]" in result.output
    (archive / ".postmortem.yml").write_text("rules:\n  BL102: false\n", "utf-8")
    result = invoke("validate", "--today", "2025-03-01", "--select", "BL", cwd=archive)
    assert "BL102" not in result.output


def test_pyproject_config(archive):
    (archive / "postmortems" / SEED_NAME).write_text(
        SEED.replace("severity: P2", "severity: SEV2"), "utf-8"
    )
    (archive / "pyproject.toml").write_text(
        '[tool.postmortem]\nseverity_scale = ["SEV1", "SEV2"]\n'
    )
    result = invoke("validate", "--today", "2025-03-01", "--select", "SC", cwd=archive)
    assert result.exit_code == 0, result.output


def test_bad_config_is_a_usage_error(archive):
    (archive / ".postmortem.yml").write_text("stale_drafts_days: 3\n", "utf-8")
    result = invoke("validate", cwd=archive)
    assert result.exit_code == 2
    assert ".postmortem.yml:1: unknown setting `stale_drafts_days`" in result.output


@pytest.mark.parametrize(
    "args", [["--today", "yesterday"], ["missing-folder"], ["--format", "xml"]]
)
def test_usage_errors_exit_2(archive, args):
    assert invoke("validate", *args, cwd=archive).exit_code == 2


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        timeout=60,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        },
    )


def test_changed_since_checks_changed_files_and_archive_ids(archive):
    git(archive, "init", "-q", "-b", "main")
    other = SEED.replace("id: 2025-02-09-api-service-degradation", "id: 2025-02-10-other")
    (archive / "postmortems" / "2025-02-10-other.md").write_text(other, "utf-8")
    git(archive, "add", "-A")
    git(archive, "commit", "-qm", "base")
    # A new file copied from another keeps its id: the archive-wide check must see the clash.
    copy = archive / "postmortems" / "2025-03-01-copy.md"
    copy.write_text(SEED, "utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "postmortem.cli",
            "validate",
            "--format",
            "json",
            "--changed-since",
            "main",
            "--today",
            "2025-03-01",
            "--select",
            "AR,SC",
        ],
        cwd=archive,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(result.stdout)
    assert report["files_checked"] == 1
    rules = sorted(f["rule"] for f in report["findings"])
    assert rules == ["AR101", "SC105"]
    assert all(f["path"].endswith("2025-03-01-copy.md") for f in report["findings"])


def test_changed_since_unknown_ref(archive):
    git(archive, "init", "-q")
    result = invoke("validate", "--changed-since", "no-such-ref", cwd=archive)
    assert result.exit_code == 2
    assert "no-such-ref" in result.output


def test_rules_command_documents_every_rule():
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    assert "BL101" in result.output and "IN015" in result.output
    one = CliRunner().invoke(main, ["rules", "ST103"])
    assert "contributing factors" in one.output.lower()
