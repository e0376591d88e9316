"""`postmortem validate FILE...` without click (postmortem/hook.py) says and exits as click does.

Each command line runs twice in a fresh process: through the launcher (the console script's
way, where the plain forms skip click) and through the click command line alone. Standard
output, standard error and the exit status must be the same; the forms the fast path takes
must not import click, and the others must fall back to it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clitools import BLAMEFUL, SEED

# Both run as `postmortem` (click names the program after argv[0] in its usage lines).
LAUNCHER = """
import json, os, sys
sys.argv = ["postmortem", "validate", *json.loads(os.environ["PM_ARGS"])]
from postmortem.launcher import _exit_status, run
try:
    run()
    code = 0
except SystemExit as done:
    code = _exit_status(done.code)
sys.stdout.flush()
with open(os.environ["PM_PROBE"], "w") as probe:
    probe.write(json.dumps("click" in sys.modules))
sys.exit(code)
"""
CLICK = """
import json, os, sys
sys.argv = ["postmortem", "validate", *json.loads(os.environ["PM_ARGS"])]
from postmortem.cli import run
run()
"""


def _run(code: str, args: list[str], cwd: Path, probe: Path) -> tuple[int, str, str]:
    env = {**os.environ, "PM_ARGS": json.dumps(args), "PM_PROBE": str(probe), "NO_COLOR": "1"}
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hook")
    folder = root / "postmortems"
    folder.mkdir()
    (folder / "2025-02-09-api-service-degradation.md").write_text(SEED, "utf-8")
    (folder / "2025-02-10-api-service-degradation-again.md").write_text(
        BLAMEFUL.replace("PM-", "PM-9", 1), "utf-8"
    )
    (root / "broken.md").write_text("no frontmatter\n", "utf-8")
    (root / "ok.yml").write_text("archive: postmortems\n", "utf-8")
    (root / "typo.yml").write_text("archve: postmortems\n", "utf-8")
    (root / "badyaml.yml").write_text("archive: [postmortems\n", "utf-8")
    git = [
        "git",
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.org",
        "-c",
        "commit.gpgsign=false",
    ]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=root, check=True, timeout=60)
    subprocess.run([*git, "add", "."], cwd=root, check=True, timeout=60)
    subprocess.run([*git, "commit", "-qm", "archive"], cwd=root, check=True, timeout=60)
    with open(root / BAD, "a", encoding="utf-8") as changed:  # one file changed since main
        changed.write("\nEdited.\n")
    return root


GOOD = "postmortems/2025-02-09-api-service-degradation.md"
BAD = "postmortems/2025-02-10-api-service-degradation-again.md"
# (arguments, whether the fast path takes them)
FORMS = [
    ([GOOD], True),
    (["--format", "text", GOOD], True),
    (["--format", "text", GOOD, BAD], True),
    (["--format=json", BAD], True),
    (["--format", "github", BAD], True),
    (["--format", "sarif", GOOD], True),
    (["-q", BAD], True),
    ([BAD, "--quiet"], True),
    (["--today", "2025-03-01", GOOD], True),
    (["--today=2030-01-01", "--today", "2025-03-01", GOOD], True),
    (["--select", "BL", BAD], True),
    (["--select", "bl,tl", "--ignore", "BL101", BAD], True),
    (["--ignore=BL", BAD], True),
    (["--config", "ok.yml", GOOD], True),
    (["postmortems"], True),
    ([], True),
    (["broken.md"], True),
    (["--changed-since", "main"], True),
    (["--format", "json", "--changed-since=main", "postmortems"], True),
    # Click's turn: its own messages and statuses.
    (["--format", "nope", GOOD], False),
    (["--format"], False),
    (["--today", "yesterday", GOOD], False),
    (["--today", "-q", GOOD], False),
    (["--changed-since", "no-such-ref"], False),
    (["--changed-since", "main", "-"], False),
    (["--select", "XX9", GOOD], False),
    (["--ignore", "BL,ZZ", GOOD], False),
    (["--config", "typo.yml", GOOD], False),
    (["--config", "badyaml.yml", GOOD], False),
    (["--config", "missing.yml", GOOD], False),
    (["--config", "postmortems", GOOD], False),
    (["missing.md"], False),
    ([GOOD, "missing.md"], False),
    (["--formt", "text", GOOD], False),
    (["-x", GOOD], False),
    (["-qx", GOOD], False),
    (["--help"], False),
    ([GOOD, "-h"], False),
    (["--", GOOD], False),
    (["-"], False),
    (["--workers", "1", GOOD], False),
    (["--statistics", BAD], False),
    (["--fix", "--diff", GOOD], False),
]


@pytest.mark.parametrize(("args", "fast"), FORMS, ids=[" ".join(f[0]) or "-" for f in FORMS])
def test_the_fast_path_and_click_agree(repo: Path, tmp_path: Path, args: list[str], fast: bool):
    probe = tmp_path / "probe.json"
    ours = _run(LAUNCHER, args, repo, probe)
    theirs = _run(CLICK, args, repo, tmp_path / "unused.json")
    assert ours == theirs
    assert json.loads(probe.read_text("utf-8")) is (not fast), "click imported" if fast else ""


def test_the_matrix_sees_every_exit_status(repo: Path, tmp_path: Path) -> None:
    """The forms above are not all successes: findings (1) and usage errors (2) are compared."""
    statuses = {
        _run(CLICK, args, repo, tmp_path / "p.json")[0] for args, _ in FORMS[:3] + FORMS[19:22]
    }
    assert statuses == {0, 1, 2}
