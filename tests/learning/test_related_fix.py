"""`validate --fix` adds LE101's suggestions to `related:`; `--diff` shows them first."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from postmortem.learning.related_fix import add_related

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "data" / "similarity"
CLI = str(ROOT / ".venv" / "bin" / "postmortem")
POOL_A = "2025-03-04-orders-pool-exhaustion"
POOL_B = "2025-09-22-orders-db-connections-ran-out"
DISK = "2025-07-30-search-disk-full"

FRONT = "---\nid: x\n{related}title: T\n---\n\n# T\n"


@pytest.mark.parametrize(
    ("related", "expected", "line"),
    [
        ("related: []\n", "related: [new-1]\n", 3),
        ("related: [a, 'b c']\n", "related: [a, 'b c', new-1]\n", 3),
        ("related: [a]  # kept\n", "related: [a, new-1] # kept\n", 3),
        ("related:\n  - a\n", "related:\n  - a\n  - new-1\n", 5),
        ("", "title: T\nrelated: [new-1]\n", 4),
    ],
)
def test_add_related_edits_only_the_related_line(related, expected, line):
    text = FRONT.format(related=related)
    fixed, changed = add_related(text, ["new-1"])
    if related:
        assert fixed == text.replace(related, expected)
    else:
        assert fixed == text.replace("title: T\n", expected)
    assert changed == line


@pytest.mark.parametrize(
    "related",
    ["related: [a,\n  b]\n", "related: a\n", "related:\n  a\n", "related: []\nrelated: []\n"],
)
def test_add_related_leaves_forms_it_cannot_edit_safely(related):
    assert add_related(FRONT.format(related=related), ["n"]) is None
    assert add_related("no frontmatter\n", ["n"]) is None


def test_crlf_and_quoting_are_kept():
    fixed, _ = add_related("---\r\nid: x\r\nrelated: []\r\n---\r\n", ["a b"])
    assert fixed == '---\r\nid: x\r\nrelated: ["a b"]\r\n---\r\n'


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_fix_adds_the_suggestion_and_a_second_run_changes_nothing(tmp_path):
    folder = tmp_path / "postmortems"
    folder.mkdir()
    for name in (POOL_A, POOL_B, DISK):
        shutil.copy(EXAMPLES / f"{name}.md", folder / f"{name}.md")
    before = {p.name: p.read_text("utf-8") for p in folder.iterdir()}
    diff = run("validate", "--today", "2026-12-01", "--diff", "postmortems", cwd=tmp_path)
    assert diff.returncode == 1
    assert f"+related: [{POOL_B}]" in diff.stdout and f"+related: [{POOL_A}]" in diff.stdout
    assert {p.name: p.read_text("utf-8") for p in folder.iterdir()} == before  # --diff: no write
    fixed = run("validate", "--today", "2026-12-01", "--fix", "postmortems", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert f"fixed: related: added {POOL_B}" in fixed.stdout
    text = (folder / f"{POOL_A}.md").read_text("utf-8")
    assert f"related: [{POOL_B}]" in text
    assert text.replace(f"related: [{POOL_B}]", "related: []") == before[f"{POOL_A}.md"]
    assert (folder / f"{DISK}.md").read_text("utf-8") == before[f"{DISK}.md"]
    again = run("validate", "--today", "2026-12-01", "--fix", "postmortems", cwd=tmp_path)
    assert "LE101" not in again.stdout and "fixed: related" not in again.stdout
