"""`postmortem new`: a complete skeleton whose only failures are the parts a person must write."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from postmortem.authoring import PLACEHOLDER, create_postmortem, slugify
from postmortem.cli import main
from postmortem.document import load_document

BIN = Path(sys.executable).parent
SECTIONS = [
    "Summary",
    "Impact",
    "Root Cause",
    "Timeline",
    "Contributing Factors",
    "Action Items",
    "What Went Well",
    "Lessons Learned",
    "Prevention",
]


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with an empty archive folder, as the working directory."""
    (tmp_path / ".git").mkdir()  # stops the config search at this folder
    (tmp_path / "postmortems").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path / "postmortems"


def new(*args: str):
    return CliRunner().invoke(main, ["new", *args])


def frontmatter(path: Path) -> dict:
    text = path.read_text("utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_creates_the_file_from_the_template(archive: Path) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    result = new(
        "API latency spike",
        "--severity",
        "P2",
        "--started",
        "2025-02-09T16:02:00+02:00",
        "--author",
        "@maria-santos",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "postmortems/2025-02-09-api-latency-spike.md"
    path = archive / "2025-02-09-api-latency-spike.md"
    meta = frontmatter(path)
    assert meta["id"] == "2025-02-09-api-latency-spike"
    assert meta["title"] == "API latency spike"
    assert meta["status"] == "draft"
    assert meta["severity"] == "P2"
    assert meta["started"] == "2025-02-09T14:02:00Z"  # converted to UTC
    created = datetime.fromisoformat(meta["created"])
    assert before <= created <= datetime.now(UTC) + timedelta(seconds=1)
    assert meta["authors"] == ["@maria-santos"]

    doc = load_document(path)
    assert doc.problems == []
    # The headings of the reference template, qualifier included.
    titles = [s.title for s in doc.sections if s.level == 2]
    assert titles == [t if t != "Timeline" else "Timeline (all times UTC)" for t in SECTIONS]
    assert [s.key for s in doc.sections if s.level == 2] == [t.lower() for t in SECTIONS]
    text = path.read_text("utf-8")
    for sub in ("### Immediate Cause", "### Contributing Factors", "### Systemic Issues"):
        assert f"\n{sub}\n" in text
    timeline, actions = doc.section("timeline").tables, doc.section("action items").tables
    assert timeline[0].headers == ["time", "event", "source", "actor"]  # normalised keys
    assert "| Time | Event | Source | Actor |" in text
    assert actions[0].headers == ["id", "action", "owner", "deadline", "priority", "status"]
    assert timeline[0].rows == [] and actions[0].rows == []
    assert doc.timeline == [] and doc.action_items == []


def test_unknown_values_become_placeholders_that_say_what_to_write(archive: Path) -> None:
    result = new("Queue backlog")
    assert result.exit_code == 0, result.output
    meta = frontmatter(archive / Path(result.stdout.strip()).name)
    assert meta["started"] == meta["created"]  # default: the incident starts now
    assert meta["severity"].startswith(PLACEHOLDER) and "P1, P2, P3, P4" in meta["severity"]
    assert meta["authors"][0].startswith(PLACEHOLDER)
    for key in ("detected", "mitigated", "resolved"):
        assert meta[key].startswith(PLACEHOLDER) and "ISO 8601" in meta[key]


def test_taken_ids_get_a_numeric_suffix(archive: Path) -> None:
    args = ("DNS outage", "--started", "2025-03-01T08:00Z")
    paths = [new(*args).stdout.strip() for _ in range(3)]
    assert paths == [
        "postmortems/2025-03-01-dns-outage.md",
        "postmortems/2025-03-01-dns-outage-2.md",
        "postmortems/2025-03-01-dns-outage-3.md",
    ]
    assert frontmatter(archive / "2025-03-01-dns-outage-3.md")["id"] == "2025-03-01-dns-outage-3"


def test_slugs() -> None:
    assert slugify("Ünïcode — DNS outage!!") == "unicode-dns-outage"
    assert slugify("  API   v2: 503s / timeouts ") == "api-v2-503s-timeouts"
    long = slugify("word " * 40)
    assert len(long) <= 60 and not long.endswith("-") and long.endswith("word")
    assert slugify("!!! ???") == "" and slugify("日本語") == ""


def test_titles_with_yaml_syntax_survive(archive: Path) -> None:
    title = 'Outage: "checkout" #1 & [EU] {edge}'
    result = new(title, "--started", "2025-03-01T08:00Z")
    assert result.exit_code == 0, result.output
    assert frontmatter(Path(result.stdout.strip()))["title"] == title


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["!!!"], "no letters or digits"),
        (["Outage", "--started", "2025-03-01 08:00"], "no UTC offset"),
        (["Outage", "--started", "yesterday"], "not an ISO 8601 time"),
        (["Outage", "--started", "2999-01-01T00:00Z"], "in the future"),
        (["Outage", "--severity", "SEV9"], "not on the configured scale"),
        (["Outage", "--author", "alice"], "not a GitHub handle"),
        (["Outage", "--dir", "missing"], "does not exist"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    archive: Path, args: list[str], message: str
) -> None:
    result = new(*args)
    assert result.exit_code == 2  # a usage error
    assert message in result.stderr
    assert result.stderr.startswith("postmortem new: ")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert list(archive.iterdir()) == []


def test_the_configured_severity_scale_and_archive_are_used(archive: Path) -> None:
    (archive.parent / ".postmortem.yml").write_text(
        "archive: reports\nseverity_scale: [SEV1, SEV2, SEV3]\n", "utf-8"
    )
    (archive.parent / "reports").mkdir()
    assert new("Outage", "--severity", "P2").exit_code == 2
    result = new("Outage", "--severity", "SEV1", "--started", "2025-03-01T08:00Z")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "reports/2025-03-01-outage.md"
    unset = new("Other outage")
    assert "SEV1, SEV2, SEV3" in frontmatter(Path(unset.stdout.strip()))["severity"]


def test_the_library_function_never_overwrites(tmp_path: Path) -> None:
    started = datetime(2025, 3, 1, 8, tzinfo=UTC)
    existing = tmp_path / "2025-03-01-outage.md"
    existing.write_text("keep me", "utf-8")
    made = create_postmortem("Outage", tmp_path, started=started)
    assert made.path.name == "2025-03-01-outage-2.md"
    assert existing.read_text("utf-8") == "keep me"


# ------------------------------------------------------------------ the real executable
def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")
    }
    return subprocess.run(
        [str(BIN / "postmortem"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def placeholder_lines(path: Path) -> list[int]:
    return [
        number
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if PLACEHOLDER in line and not line.lstrip().startswith("#")
    ]


def test_the_validator_points_at_every_placeholder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "postmortems").mkdir()
    created = run("new", "Queue backlog", "--started", "2025-03-01T10:00:00Z", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    path = tmp_path / created.stdout.strip()
    assert path.is_file()

    checked = run("validate", "--format", "json", "--today", "2025-03-02", str(path), cwd=tmp_path)
    assert checked.returncode == 1, checked.stderr
    findings = json.loads(checked.stdout)["findings"]
    errors_by_line: dict[int, list[dict]] = {}
    for finding in findings:
        if finding["severity"] == "error":
            errors_by_line.setdefault(finding["line"], []).append(finding)
    lines = placeholder_lines(path)
    assert len(lines) >= 14
    for line in lines:
        hits = errors_by_line.get(line, [])
        assert hits, f"no error on placeholder line {line}"
        # The message carries the placeholder's own instruction: it says what to write.
        assert any(PLACEHOLDER in f["message"] for f in hits), hits
    # The template's own wording is blameless, clean prose, with nothing that looks secret.
    noisy = [f for f in findings if f["category"] in ("blameless", "security", "input")]
    assert noisy == []
    assert not [f for f in findings if f["rule"] == "INTERNAL"]


def fill(path: Path, started: datetime) -> None:
    """Write what a person would: every placeholder replaced, the tables filled."""

    def at(minutes: int) -> datetime:
        return started + timedelta(minutes=minutes)

    def iso(minutes: int) -> str:
        return at(minutes).strftime("%Y-%m-%dT%H:%M:%SZ")

    def row(minutes: int) -> str:
        return at(minutes).strftime("%Y-%m-%d %H:%M")

    deadline = (started + timedelta(days=21)).date().isoformat()
    by_section = {
        "Summary": "Between {a} and {b} UTC the order queue backed up and checkout requests "
        "waited up to 40 seconds. A worker deployment had reduced the consumer pool from eight "
        "workers to two. Rolling back the deployment restored normal processing.".format(
            a=at(0).strftime("%H:%M"), b=at(60).strftime("%H:%M")
        ),
        "Impact": "- About 2,300 checkout requests were delayed by more than 10 seconds; "
        "no orders were lost.",
        "Root Cause": "The worker chart reads its replica count from a configuration key that "
        "a refactor renamed, so the count fell back to a default of two consumers, which cannot "
        "keep up with the morning peak.",
        "Immediate Cause": "- The consumer pool dropped from eight workers to two after the "
        "deployment.",
        "Contributing Factors": "- The queue depth alert waits for 30 minutes of backlog "
        "before it pages.\n- Staging traffic is too low to show the reduced throughput.",
        "Systemic Issues": "- Chart values have no schema, so renamed keys pass review unnoticed.",
        "What Went Well": "- The rollback completed in four minutes.",
        "Lessons Learned": "- Configuration defaults deserve the same review as explicit values.",
        "Prevention": "- Actions A1 and A2 catch a renamed key before and after it ships.",
    }
    timeline = [
        f"| {row(0)} | Worker deployment rolls out | Argo CD | deploy-bot |",
        f"| {row(5)} | Queue depth alert fires | Alertmanager | system |",
        f"| {row(10)} | @alice acknowledges the page | PagerDuty | @alice |",
        f"| {row(40)} | Deployment rolled back; the queue drains | Argo CD | @alice |",
        f"| {row(60)} | Queue depth back to baseline; incident resolved | Grafana | @alice |",
    ]
    actions = [
        f"| A1 | Add a JSON schema for the worker chart values and check it in CI | @alice | "
        f"{deadline} | P2 | open |",
        f"| A2 | Page when queue depth grows for 5 consecutive minutes | @bob | {deadline} "
        "| P2 | open |",
    ]
    frontmatter_values = {
        "severity": '"P3"',
        "detected": f'"{iso(5)}"',
        "mitigated": f'"{iso(40)}"',
        "resolved": f'"{iso(60)}"',
        "authors": '["@alice"]',
        "services": '["order-queue"]',
    }
    out: list[str] = []
    section = ""
    for line in path.read_text("utf-8").splitlines():
        key = line.split(":", 1)[0]
        if key in frontmatter_values and PLACEHOLDER in line:
            out.append(f"{key}: {frontmatter_values[key]}")
            continue
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        if PLACEHOLDER in line:
            if section in by_section:
                out.append(by_section.pop(section))
            continue  # instructions above tables, and second bullets already written
        out.append(line)
        if re.match(r"^\|[-| ]+\|$", line):
            out.extend(timeline if section.startswith("Timeline") else actions)
    assert by_section == {}
    path.write_text("\n".join(out) + "\n", "utf-8")


def test_once_a_person_fills_it_in_the_report_is_valid(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "postmortems").mkdir()
    started = (datetime.now(UTC) - timedelta(hours=3)).replace(second=0, microsecond=0)
    created = run("new", "Queue backlog", "--started", started.isoformat(), cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    path = tmp_path / created.stdout.strip()
    fill(path, started)
    assert PLACEHOLDER not in path.read_text("utf-8").split("---\n", 2)[2]
    checked = run("validate", "--format", "json", str(path), cwd=tmp_path)
    report = json.loads(checked.stdout)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert errors == [] and checked.returncode == 0, checked.stdout
