"""Helpers shared by the sync tests: a fake clock, a post-mortem writer, the sync settings
and the command line."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from postmortem.sync.plan import SyncSettings

TOKEN = "ghp_testTOKENvalue1234567890"
REPO = "acme/web"
PEOPLE = {"alice", "bob", "carol", "dave"}
SETTINGS = SyncSettings(repo=REPO, link_base="https://github.com/acme/web/blob/main/")


def invoke(args: list[str], token: str | None = TOKEN, env: dict | None = None):
    """The CLI in-process (imported here: the benchmarks that use these helpers need not)."""
    from click.testing import CliRunner

    from postmortem.cli import main

    environment = {"GITHUB_TOKEN": token or "", "GH_TOKEN": "", "GITHUB_STEP_SUMMARY": ""}
    environment.update(env or {})
    return CliRunner().invoke(main, args, env=environment)


def sync_args(em, *extra: str) -> list[str]:
    return ["sync", "--repo", REPO, "--api-url", em.url, "--pace", "0", "--settle", "0", *extra]


@dataclass
class FakeClock:
    """Time that moves only when the code sleeps: rate-limit waits cost nothing in tests."""

    start: float = field(default_factory=time.time)
    slept: list[float] = field(default_factory=list)

    def now(self) -> float:
        return self.start + sum(self.slept)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.slept.append(seconds)


# One row of an action-item table: (id, action, owner, deadline, priority, status)
Row = tuple[str, str, str, str, str, str]


def postmortem_text(
    doc_id: str,
    rows: list[Row],
    status: str = "published",
    severity: str = "P2",
    title: str | None = None,
) -> str:
    day = doc_id[:10]
    table = "\n".join(f"| {' | '.join(row)} |" for row in rows)
    return f"""---
id: {doc_id}
title: {title or "Incident " + doc_id[11:].replace("-", " ")}
status: {status}
severity: {severity}
started: "{day}T10:00:00Z"
detected: "{day}T10:05:00Z"
mitigated: "{day}T10:30:00Z"
resolved: "{day}T11:00:00Z"
report_date: "{day}T15:00:00Z"
authors: ["@alice"]
services: [api]
---

# Incident

## Summary

The API returned errors for an hour.

## Action Items

| ID | Action | Owner | Deadline | Priority | Status |
|----|--------|-------|----------|----------|--------|
{table}
"""


def write_postmortem(folder: Path, doc_id: str, rows: list[Row], **kw: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{doc_id}.md"
    path.write_text(postmortem_text(doc_id, rows, **kw), "utf-8")
    return path
