"""The real CLI on a folder of a few hundred broken files and one good one: every broken file
is reported with its path and line, the good one is clean, exit 1, and no traceback. The
other commands that read the archive (render, sync planning) survive the same folder."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from fuzzing import ROOT, SEED

pytestmark = pytest.mark.slow  # the CLI on a broken archive, each command in a subprocess

POSTMORTEM = [str(ROOT / ".venv" / "bin" / "postmortem")]
if not Path(POSTMORTEM[0]).exists():
    POSTMORTEM = [sys.executable, "-m", "postmortem.cli"]
GOOD = "2025-02-09-api-service-degradation.md"
BROKEN_FILES = 300
TIMEOUT = 180  # seconds; a hang fails the test instead of stalling the suite


def _breaks(text: str, rng: random.Random) -> bytes:
    """One way a file is certainly broken (each gives at least one error finding)."""
    kind = rng.randrange(14)
    if kind == 0:
        return text.replace("title: ", "title: [unclosed ", 1).encode()
    if kind == 1:
        return text.replace("severity: P2", "severity: P2\nseverity: P1", 1).encode()
    if kind == 2:
        return text.replace(
            'started: "2025-02-09T14:02:00Z"', "started: 2025-02-09T14:02:00"
        ).encode()
    if kind == 3:
        return text.split("---\n", 2)[2].encode()  # no frontmatter
    if kind == 4:
        return text.replace("\n---\n", "\n", 1).encode()  # unclosed frontmatter
    if kind == 5:
        return b""
    if kind == 6:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))) + b"\x00"
    if kind == 7:
        return text.encode("utf-8").replace(b"API", b"API\xe9", 1)  # Latin-1 byte
    if kind == 8:
        return text.replace("| 2025-02-09 14:09 |", "| 2025-02-09 14:09 | extra |", 1).encode()
    if kind == 9:
        return ("---\n" + "- a list\n" * rng.randrange(1, 5) + "---\n").encode()
    if kind == 10:
        return text.replace("authors:", "authors: 42\nx_authors:", 1).encode()
    if kind == 11:
        bomb = "a: &a [x, x, x, x]\n" + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        return ("---\n" + bomb + "---\n\n## Summary\n").encode()
    if kind == 12:
        return text.replace("\n", "\r\n").replace("tags: [", "tags: [no, 010, ", 1).encode()
    return "\ufeff".encode() + text.replace("status: published", "status: {x: 1}", 1).encode()


def _noise(text: str, rng: random.Random) -> str:
    """Random damage on top, which may or may not break the file further (kept out of the
    tables, where it would end a table before the row a break put there)."""
    lines = text.split("\n")
    for _ in range(rng.randrange(4)):
        at = rng.randrange(len(lines))
        if lines[at].startswith("|") or lines[at - 1].startswith("|"):
            continue
        choice = rng.randrange(5)
        if choice == 0:
            del lines[at]
        elif choice == 1:
            lines.insert(at, lines[at])
        elif choice == 2:
            lines[at] += rng.choice(["\t", "\u2028", "|", "`", "\\", "@@", " \x0c", "é" * 50])
        elif choice == 3:
            lines.insert(at, "> " * rng.randrange(1, 60) + "- nested")
        else:
            lines.insert(at, "word " * rng.randrange(100, 3000))
    return "\n".join(lines)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("broken-archive")
    (folder / GOOD).write_text(SEED, "utf-8")
    rng = random.Random(20250209)
    names = []
    for n in range(BROKEN_FILES):
        doc_id = f"2025-02-09-broken-{n:03d}"
        text = _noise(SEED.replace("2025-02-09-api-service-degradation", doc_id), rng)
        name = f"{doc_id}.md" if n % 50 else f"{doc_id} ünïcode.md"
        (folder / name).write_bytes(_breaks(text, rng))
        names.append(name)
    return folder, names


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "GITHUB_ACTIONS": ""}
    return subprocess.run(
        [*POSTMORTEM, *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, env=env
    )


def test_validate_reports_every_broken_file_and_passes_the_good_one(archive) -> None:
    folder, names = archive
    result = run(["validate", "--format", "json", "--today", "2025-03-01", "."], folder)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == 1, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["files_checked"] == BROKEN_FILES + 1
    errors: dict[str, list[dict]] = {}
    for finding in report["findings"]:
        assert finding["rule"] != "INTERNAL", finding
        assert isinstance(finding["line"], int) and finding["line"] >= 1, finding
        assert isinstance(finding["column"], int) and finding["column"] >= 1, finding
        if finding["severity"] == "error":
            errors.setdefault(finding["path"], []).append(finding)
    assert GOOD not in errors, errors.get(GOOD)
    unreported = [n for n in names if n not in errors]
    assert not unreported, unreported
    for name in names:
        lines = (folder / name).read_bytes().count(b"\n") + 2
        assert all(f["line"] <= lines for f in errors[name]), (name, errors[name])


@pytest.mark.parametrize("fmt", ["text", "github", "sarif"])
def test_other_output_formats_survive_the_broken_archive(archive, fmt: str) -> None:
    folder, names = archive
    result = run(
        ["validate", "--format", fmt, "--today", "2025-03-01", "--workers", "1", "."], folder
    )
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == 1
    if fmt == "sarif":
        results = json.loads(result.stdout)["runs"][0]["results"]
        # SARIF locations are URIs: percent-encoded, so decode them to compare with file names.
        uris = {
            unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
            for r in results
        }
        assert set(names) <= uris, sorted(set(names) - uris)[:5]
    else:
        assert names[1] in result.stdout


def test_render_and_sync_plan_survive_the_broken_archive(archive, tmp_path: Path) -> None:
    folder, _ = archive
    rendered = run(
        ["render", "--out", str(tmp_path / "site"), "--archive", ".", "--preview", "--strict"],
        folder,
    )
    assert "Traceback" not in rendered.stderr, rendered.stderr[-3000:]
    assert rendered.returncode != 0  # --strict: some files cannot be published
    assert (tmp_path / "site" / "postmortems" / GOOD).is_file()
    assert "2025-02-09-broken-" in rendered.stderr  # the unpublishable files are named
    planned = run(
        ["sync", "--dry-run", "--offline", "--repo", "acme/web", "--status", "draft", "."], folder
    )
    assert "Traceback" not in planned.stderr, planned.stderr[-3000:]
    assert planned.returncode in (0, 1), planned.stderr[-3000:]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_stream_given_as_a_path_is_refused_not_read_forever(tmp_path: Path) -> None:
    """A device reports size 0, so the size check passed and the whole stream was read into
    memory: `postmortem validate /dev/zero` never ended. The read is bounded now."""
    result = run(["validate", "--format", "json", "/dev/zero"], tmp_path)
    assert result.returncode == 1, result.stderr
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["path"], finding["line"], finding["rule"]) == ("/dev/zero", 1, "IN003")


def test_weekly_review_survives_the_broken_archive(archive) -> None:
    folder, _ = archive
    for fmt in ("json", "markdown"):
        result = run(
            ["review", "--format", fmt, "--today", "2025-03-01", "--status", "published", "."],
            folder,
        )
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        assert result.returncode in (0, 1), result.stderr[-3000:]
    assert "unreadable" in json.loads(
        run(["review", "--format", "json", "--today", "2025-03-01", "."], folder).stdout
    )


PROMETHEUS = '{"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {}, "values": [[STAMP, "1"]]}]}}'
IMPORTER_INPUTS = {
    "binary.json": (b"\x00\x01", 1),
    "latin1.log": (b"2025-03-14T10:00:00Z ERROR caf\xe9", 1),
    "trailing-comma.json": (b'{"alerts": [1,\n 2,\n ]}', 3),
    "offset.json": (b'[{"labels": {"alertname": "X"}, "startsAt": "2025-03-14T10:00+99:99"}]', 1),
    "epoch.json": (PROMETHEUS.replace("STAMP", "1e300").encode(), 1),
    "digits.json": (PROMETHEUS.replace("STAMP", "9" * 5000).encode(), 1),
    "deep.json": (b"[" * 100_000, 1),
}


@pytest.mark.parametrize("name", IMPORTER_INPUTS)
def test_timeline_import_refuses_broken_input_with_file_and_line(name: str, tmp_path: Path) -> None:
    data, line = IMPORTER_INPUTS[name]
    (tmp_path / name).write_bytes(data)
    result = run(["timeline", "--above", "0.5", name], tmp_path)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"{name}:{line}: "), result.stderr
