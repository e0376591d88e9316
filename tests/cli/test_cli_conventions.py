"""The conventions of the linters people already use: --quiet, --statistics, `-`, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from postmortem import PROJECT_URL

from clitools import SEED, invoke
from clitools import SEED_NAME as NAME

BROKEN = SEED.replace("| 2025-02-09 14:25 |", "| 2025-02-09 15:25 +01:00 |").replace(
    "| 2025-02-09 14:41 |", "| 2025-02-09 15:41 +01:00 |"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "postmortems").mkdir()
    (tmp_path / "postmortems" / NAME).write_text(BROKEN, "utf-8")
    return tmp_path


def test_quiet_prints_the_findings_and_nothing_else(repo: Path) -> None:
    loud = invoke("validate", "--today", "2025-03-01", cwd=repo)
    quiet = invoke("validate", "--today", "2025-03-01", "-q", cwd=repo)
    assert loud.exit_code == quiet.exit_code == 1
    assert "1 file checked" in loud.output and "checked" not in quiet.output
    assert quiet.output.count("TL102") == 2
    (repo / "postmortems" / NAME).write_text(SEED, "utf-8")
    assert invoke("validate", "--today", "2025-03-01", "--quiet", cwd=repo).output == ""


def test_statistics_count_findings_per_rule(repo: Path) -> None:
    result = invoke("validate", "--today", "2025-03-01", "--statistics", cwd=repo)
    assert result.exit_code == 1
    assert result.output.splitlines()[0].split() == ["2", "TL102", "[error]", "timeline-utc"]
    as_json = invoke(
        "validate", "--today", "2025-03-01", "--statistics", "--format", "json", cwd=repo
    )
    stats = json.loads(as_json.output)["statistics"]
    assert stats[0] == {"rule": "TL102", "name": "timeline-utc", "severity": "error", "count": 2}


def test_standard_input_with_a_file_name(repo: Path) -> None:
    result = invoke(
        "validate", "-", "--stdin-filename", f"postmortems/{NAME}", "--today", "2025-03-01",
        "--format", "json", cwd=repo, stdin=BROKEN,
    )  # fmt: skip
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert {f["path"] for f in report["findings"]} == {f"postmortems/{NAME}"}
    assert report["files_checked"] == 1
    clean = invoke("validate", "-", "--stdin-filename", NAME, "--today", "2025-03-01",
                   cwd=repo, stdin=SEED)  # fmt: skip
    assert clean.exit_code == 0, clean.output


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--fix", "--diff"],
        ["validate", "-", "postmortems"],
        ["validate", "--stdin-filename", "x.md", "postmortems"],
        ["validate", "--statistics", "--format", "sarif"],
        ["validate", "--today", "yesterday"],
        ["validate", "missing-folder"],
        ["validate", "--format", "xml"],
        ["validate", "--no-such-option"],
        ["rules", "XX999"],
        ["new", "Outage", "--severity", "SEV9"],
        ["new", "!!!"],
    ],
)
def test_every_usage_error_exits_2(repo: Path, args: list[str]) -> None:
    result = invoke(*args, cwd=repo, stdin="")
    assert result.exit_code == 2, result.output


def test_an_unwritable_report_file_is_a_usage_error(repo: Path) -> None:
    result = invoke("validate", "-o", str(repo / "no-such-dir" / "out.txt"), cwd=repo)
    assert result.exit_code == 2
    assert "cannot write the report" in result.output


def test_sarif_points_at_the_project(repo: Path) -> None:
    result = invoke("validate", "--format", "sarif", "--today", "2025-03-01", cwd=repo)
    driver = json.loads(result.output)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == PROJECT_URL
    assert PROJECT_URL.startswith("https://") and PROJECT_URL.rstrip("/") != "https://github.com"


def test_stdin_through_the_real_console_script(repo: Path) -> None:
    cli = Path(sys.executable).parent / "postmortem"
    done = subprocess.run(
        [str(cli), "validate", "-", "--stdin-filename", NAME, "--today", "2025-03-01", "-q"],
        input=BROKEN, capture_output=True, text=True, cwd=repo, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout.count(f"{NAME}:") == 2 and done.stderr == ""


@pytest.mark.slow
def test_a_progress_bar_on_a_terminal_for_a_large_archive(tmp_path: Path) -> None:
    import pty
    import select

    from postmortem.cli import PROGRESS_MIN_FILES

    (tmp_path / ".git").mkdir()
    for n in range(PROGRESS_MIN_FILES):
        name = f"2025-02-09-api-service-degradation-{n}.md"
        text = SEED.replace("id: 2025-02-09-api-service-degradation", f"id: {name[:-3]}", 1)
        (tmp_path / name).write_text(text, "utf-8")
    cli = Path(sys.executable).parent / "postmortem"
    command = [str(cli), "validate", ".", "--today", "2025-03-01"]
    master, slave = pty.openpty()
    with subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL
    ) as child:
        os.close(slave)
        drawn = b""
        for _ in range(10_000):  # bounded: ends when the child closes the terminal
            ready, _, _ = select.select([master], [], [], 120)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
        stdout = child.communicate(timeout=120)[0].decode()
    os.close(master)
    assert child.returncode == 0
    assert b"Checking post-mortems" in drawn  # the bar, on the terminal's standard error
    assert stdout.strip() == f"{PROGRESS_MIN_FILES} files checked: no problems"
    # Without a terminal there is no bar.
    plain = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert plain.stderr == ""
