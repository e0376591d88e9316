"""Configuration never turns a check off silently: every kind of typo is an error (exit 2) that
names what was written, where, and the nearest thing that exists."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clitools import BLAMEFUL, SEED_NAME


def postmortem(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "postmortem"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,  # a hang detector, not a speed limit
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the configuration search stops at the repository root
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / SEED_NAME).write_text(BLAMEFUL, "utf-8")
    return tmp_path


# (configuration file, command-line options, what the message must name, the suggestion)
TYPOS = {
    "unknown setting": ("severity_scales: [P1, P2]\n", [], "`severity_scales`", "severity_scale"),
    "unknown code in select": ("select: [BLL101]\n", [], "`BLL101`", "BL101"),
    "unknown code on the command line": ("", ["--select", "XX9"], "`XX9`", None),
    "unknown code in ignore": ("ignore: [XX999]\n", [], "`XX999`", None),
    "unknown rule under rules": ("rules:\n  BL999: false\n", [], "`BL999`", None),
    "misspelt rule option": (
        "rules:\n  AI105:\n    vague_phrasess: [improve monitoring]\n",
        [],
        "`vague_phrasess`",
        "vague_phrases",
    ),
    "misspelt severity key": (
        "rules:\n  BL105:\n    severty: error\n",
        [],
        "`severty`",
        "severity",
    ),
    "unknown key under sync": (
        "sync:\n  due_soon_dayz: 3\n",
        [],
        "`sync/due_soon_dayz`",
        "due_soon_days",
    ),
    "site settings in the wrong file": ("site:\n  feed: false\n", [], "`site`", "mkdocs.yml"),
}


@pytest.mark.parametrize("kind", list(TYPOS))
def test_each_kind_of_configuration_typo_is_an_error_that_names_it(project: Path, kind: str):
    text, options, named, hint = TYPOS[kind]
    (project / ".postmortem.yml").write_text(text or "archive: postmortems\n", "utf-8")
    result = postmortem(project, "validate", *options)
    assert result.returncode == 2, (kind, result.stdout, result.stderr)
    assert named in result.stderr
    if hint:
        assert hint in result.stderr
    if text:  # the file and the line of the typo
        line = next(
            n for n, t in enumerate(text.splitlines(), 1) if named.strip("`").split("/")[-1] in t
        )
        assert f".postmortem.yml:{line}:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "text",
    [
        "sync:\n  pace: fast\n",
        "rules:\n  BL105:\n    severity: loud\n",
        "rules:\n  AI105:\n    vague_phrases: improve monitoring\n",
        "select: BL\n",
        "stale_draft_days: 1.5\n",
        "sync:\n  escalation:\n    priorities: 1\n",
    ],
)
def test_wrong_types_are_errors_with_file_and_line(project: Path, text: str):
    (project / ".postmortem.yml").write_text(text, "utf-8")
    for command in (["validate"], ["sync", "--offline", "--dry-run"]):
        result = postmortem(project, *command)
        assert result.returncode == 2, (command, result.stderr)
        last = len(text.splitlines())
        assert f".postmortem.yml:{last}:" in result.stderr, result.stderr
        assert "must be" in result.stderr
        assert "internal error" not in result.stderr


def test_codes_are_case_insensitive_in_the_file_the_command_line_and_comments(project: Path):
    (project / ".postmortem.yml").write_text("select: [bl]\nrules:\n  bl102: {severity: Warning}\n")
    result = postmortem(project, "validate", "--format", "json")
    assert result.returncode == 0, result.stderr  # BL102 is now a warning
    assert '"rule": "BL102"' in result.stdout and '"severity": "warning"' in result.stdout
    result = postmortem(project, "validate", "--select", "bl102", "--ignore", "pr")
    assert result.returncode == 0 and "BL102" in result.stdout
    doc = project / "postmortems" / SEED_NAME
    doc.write_text(BLAMEFUL.replace("rushed.", "rushed. <!-- postmortem: disable=bl102 -->"))
    result = postmortem(project, "validate", "--select", "BL102")
    assert "BL102" not in result.stdout


def test_rules_lists_a_family_and_refuses_an_unknown_one(project: Path):
    family = postmortem(project, "rules", "bl")
    assert family.returncode == 0
    from postmortem.rules import REGISTRY

    listed = [line.split()[0] for line in family.stdout.splitlines()]
    assert listed == sorted(code for code in REGISTRY if code.startswith("BL"))
    assert len(listed) >= 6
    unknown = postmortem(project, "rules", "BLL101")
    assert unknown.returncode == 2 and "did you mean `BL101`" in unknown.stderr
