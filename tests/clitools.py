"""What the command-line tests share (tests/cli, tests/fix): the seed report, a blameful copy
of it, and `invoke`, which runs `postmortem` in-process from a folder."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from postmortem.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED_NAME = "2025-02-09-api-service-degradation.md"
SEED = (ROOT / "postmortems" / SEED_NAME).read_text("utf-8")
# One blameful line: a report with an error, so a check switched off would show as exit 0.
BLAMEFUL = SEED.replace(
    "- The rollback path through Argo CD worked on the first attempt.",
    "- Human error: the deploy was rushed.",
)


def invoke(*args: str, cwd: Path, stdin: str | None = None, env: dict | None = None):
    """`postmortem *args` run from `cwd`, with `stdin` as standard input and `env` set."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), input=stdin, env=env, catch_exceptions=False)
    finally:
        os.chdir(old)
