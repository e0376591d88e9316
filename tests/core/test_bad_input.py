"""Broken files: each gets a finding with its path and line, exit 1, and no traceback,
while the other files of the same run are still checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "postmortems" / "2025-02-09-api-service-degradation.md").read_text("utf-8")
POSTMORTEM = [str(ROOT / ".venv" / "bin" / "postmortem")]
if not Path(POSTMORTEM[0]).exists():
    POSTMORTEM = [sys.executable, "-m", "postmortem.cli"]

BOMB = (
    "---\n"
    + "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    + "---\n\n## Summary\n\nx\n"
)

# name -> (content, expected rule, expected line: a number, or text found on that line)
CASES: dict[str, tuple[bytes, str, int | str]] = {
    "invalid-yaml.md": (b"---\ntitle: [unclosed\nstatus: draft\n---\n", "IN012", 3),
    "alias-bomb.md": (BOMB.encode(), "IN015", 3),
    "duplicate-key.md": (
        SEED.replace("severity: P2", "severity: P2\nseverity: P1").encode(),
        "IN014",
        "severity: P1",
    ),
    "not-mapping.md": (b"---\n- just\n- a list\n---\n\n## Summary\n", "IN013", 2),
    "wrong-types.md": (
        SEED.replace('authors: ["@maria-santos"]', "authors: 42").encode(),
        "SC101",
        "authors: 42",
    ),
    "no-timezone.md": (
        SEED.replace('"2025-02-09T14:02:00Z"', '"2025-02-09T14:02:00"').encode(),
        "SC101",
        'started: "2025-02-09T14:02:00"',
    ),
    "yaml11-no.md": (
        SEED.replace("tags: [latency, database, connection-pool]", "tags: [no, on, 010]").encode(),
        "IN016",
        "tags: [no, on, 010]",
    ),
    "missing-frontmatter.md": (b"# Title\n\n## Summary\n\nText.\n", "IN010", 1),
    "unclosed-frontmatter.md": (b"---\nid: x\ntitle: y\n\n## Summary\n", "IN011", 1),
    "empty.md": (b"", "IN004", 1),
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "IN001", 3),
    "latin1.md": ("---\ntitle: Caf\u00e9\n---\n".encode("latin-1"), "IN002", 2),
    "huge.md": (b"---\nid: x\n---\n" + b"log line " * (20_000_000 // 9), "IN003", 1),
    "table-cells.md": (
        SEED.replace("| A4  | Run a weekly", "| A4  | Run | a weekly").encode(),
        "IN020",
        "| A4  | Run | a weekly",
    ),
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    for name, (content, _, _) in CASES.items():
        (folder / name).write_bytes(content)
    good = folder / "2025-02-09-api-service-degradation.md"
    good.write_text(SEED, "utf-8")
    run = subprocess.run(
        [
            *POSTMORTEM,
            "validate",
            "--format",
            "json",
            "--today",
            "2025-03-01",
            "--ignore",
            "PR",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=folder,
    )
    return folder, run


def test_exit_code_and_no_traceback(result):
    _, run = result
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_every_file_checked(result):
    folder, run = result
    report = json.loads(run.stdout)
    assert report["files_checked"] == len(CASES) + 1


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_finding(result, name):
    folder, run = result
    content, rule, line = CASES[name]
    if isinstance(line, str):
        text = content.decode("utf-8")
        line = next(n for n, source in enumerate(text.splitlines(), 1) if line in source)
    report = json.loads(run.stdout)
    mine = [f for f in report["findings"] if Path(f["path"]).name == name]
    assert any(f["rule"] == rule for f in mine), mine
    first = next(f for f in mine if f["rule"] == rule)
    assert first["line"] == line, first
    assert first["severity"] == "error"
    assert first["category"] in ("input", "schema")
    assert first["message"]


def test_good_file_has_no_errors(result):
    folder, run = result
    report = json.loads(run.stdout)
    good = [
        f
        for f in report["findings"]
        if f["path"].endswith("2025-02-09-api-service-degradation.md") and f["severity"] == "error"
    ]
    assert good == []
