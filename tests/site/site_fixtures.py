"""A test archive built with the repository's own mkdocs.yml, in a temporary folder.

The post-mortems are generated here (synthetic ones plus a few with special content: a script
in the title, raw HTML in the body, a draft, a restricted report); the repository's
postmortems/ folder is never touched.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from postmortem.site.sample import write_sample_archive

REPO = Path(__file__).resolve().parents[2]
SEARCH_WORD = "quasiperiodic"  # appears in one body only

SPECIAL = {
    "2025-03-04-xss-title": """---
id: 2025-03-04-xss-title
title: "<script>alert(1)</script> & </title><img src=x onerror=alert(2)>"
status: published
severity: P2
started: "2025-03-04T10:00:00Z"
detected: "2025-03-04T10:05:00Z"
mitigated: "2025-03-04T10:30:00Z"
resolved: "2025-03-04T11:00:00Z"
report_date: "2025-03-05T09:00:00Z"
authors: ["<b>Mallory</b> (@mallory)"]
reviewers: ["@kenji-watanabe"]
services: ["<svg onload=alert(3)>", orders-api]
tags: ["<img src=y onerror=alert(4)>", security]
related: [2025-05-06-cache-stampede, 2025-07-08-draft-dns, 2025-08-09-restricted-breach]
---

# Title in the body

## Summary

The body has raw HTML: <img src=z onerror=alert(5)> and <script>alert(6)</script>, a
[link](javascript:alert(7)) and an attribute list { onclick="alert(8)" }. Inline code stays
exact: `List<String>`.

Links that spell a script scheme another way: [a](&#106;avascript:alert(11)),
[b](javascript&colon;alert(12)), [c](java&Tab;script:alert(13)), [d](JaVaScRiPt:alert(14)),
[e](&#x6A;&#x61;vascript:alert(15)), [f][ref] and [g](data:text/html,<script>alert(16)</script>).
Safe links stay: [docs](https://example.com/runbook), [mail](mailto:oncall@example.com),
[up](2025-05-06-cache-stampede.md) and [top](#summary).

[ref]: &#106;avascript:alert(17)

## Timeline

| Time (UTC) | Event | Source | Actor |
|------------|-------|--------|-------|
| 2025-03-04 10:00 | Errors <b>start</b> | Prometheus | system |

## Action Items

| ID | Action | Owner | Deadline | Priority | Status |
|----|--------|-------|----------|----------|--------|
| A1 | Escape <i>everything</i> | @mallory | 2025-04-01 | P1 | open |
""",
    "2025-05-06-cache-stampede": f"""---
id: 2025-05-06-cache-stampede
title: Cache stampede after deploy
status: published
severity: P1
started: "2025-05-06T08:00:00Z"
detected: "2025-05-06T08:12:00Z"
mitigated: "2025-05-06T09:00:00Z"
resolved: "2025-05-06T10:30:00Z"
report_date: "2025-05-07T12:00:00Z"
authors: ["Amara Okafor (@amara-okafor)"]
reviewers: ["@li-wei"]
services: [cdn, checkout-web]
tags: [cache, deploy]
related: []
---

# Cache stampede after deploy

## Summary

A deploy flushed the shared cache and the origin received every request at once.

## Root Cause

The cache keys changed with the deploy, a {SEARCH_WORD} pattern of expiry made it worse.

## Timeline

| Time (UTC) | Event | Source | Actor |
|------------|-------|--------|-------|
| 2025-05-06 08:00 | Origin load rises | Grafana | system |
| 2025-05-06 08:12 | Alert fires | Alertmanager | PagerDuty |
| 2025-05-06 10:30 | Resolved | Grafana | @li-wei |

## Action Items

| ID | Action | Owner | Deadline | Priority | Status |
|----|--------|-------|----------|----------|--------|
| A1 | Version cache keys independently of deploys | @amara-okafor | 2025-06-01 | P1 | open |
| A2 | Add request coalescing in the CDN for `/api/*` | @li-wei | 2099-01-01 | P2 | open |
| A3 | Load test cold-cache start | @li-wei | 2025-05-20 | P3 | done |
""",
    "2025-07-08-draft-dns": """---
id: 2025-07-08-draft-dns
title: Draft DNS outage
status: draft
severity: P3
started: "2025-07-08T08:00:00Z"
detected: "2025-07-08T08:10:00Z"
resolved: "2025-07-08T09:00:00Z"
authors: ["@li-wei"]
services: [dns]
tags: [dns]
---

# Draft DNS outage

## Summary

Still being written.
""",
    "2025-08-09-restricted-breach": """---
id: 2025-08-09-restricted-breach
title: Restricted credential exposure
status: published
restricted: true
severity: P1
started: "2025-08-09T08:00:00Z"
detected: "2025-08-09T08:30:00Z"
resolved: "2025-08-09T12:00:00Z"
report_date: "2025-08-10T12:00:00Z"
authors: ["@sam-ortiz"]
services: [auth]
tags: [security]
---

# Restricted credential exposure

## Summary

A credential was exposed in a public log for four hours.

## Root Cause

SECRET-DETAIL-SHOULD-NOT-BE-PUBLISHED.
""",
}

SYNC_STATE = {
    "repo": "example/postmortems",
    "synced_at": "2025-06-01T00:00:00Z",
    "items": {
        "2025-05-06-cache-stampede/A1": {
            "number": 12,
            "url": "https://github.com/example/postmortems/issues/12",
            "state": "closed",
            "state_reason": "completed",
            "assignees": ["amara-okafor"],
            "title": "Version cache keys",
        },
        "2025-05-06-cache-stampede/A2": {
            "number": 13,
            "url": "https://github.com/example/postmortems/issues/13",
            "state": "open",
            "state_reason": None,
            "assignees": ["li-wei"],
            "title": "Request coalescing",
        },
        "2025-05-06-cache-stampede/A3": {"number": "bad", "url": "javascript:alert(1)"},
    },
}


@dataclass
class BuiltSite:
    root: Path  # the temporary repository
    site: Path  # the built HTML
    published: list[str]  # ids of the published, unrestricted post-mortems
    log: str

    def html(self, path: str) -> str:
        return (self.site / path).read_text("utf-8")


# Enough post-mortems for two pages of the archive (PAGE_SIZE rows a page).
SYNTHETIC = 110


def make_repo(
    folder: Path, synthetic: int = 12, special: bool = True, config: str | None = None
) -> Path:
    """A repository copy: the real mkdocs.yml and docs/, generated post-mortems."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (REPO / "mkdocs.yml").read_text("utf-8") if config is None else config
    (folder / "mkdocs.yml").write_text(text, encoding="utf-8")
    shutil.copytree(REPO / "docs", folder / "docs")
    archive = folder / "postmortems"
    write_sample_archive(archive, synthetic, seed=3)
    if special:
        for name, body in SPECIAL.items():
            (archive / f"{name}.md").write_text(body, encoding="utf-8")
        (folder / ".postmortem").mkdir()
        (folder / ".postmortem" / "issues.json").write_text(json.dumps(SYNC_STATE), "utf-8")
    return folder


def mkdocs_build(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    import os

    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    root = make_repo(tmp_path_factory.mktemp("archive"), synthetic=SYNTHETIC)
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    from postmortem.document import load_archive

    published = [
        d.id
        for d in load_archive([root / "postmortems"])
        if d.status == "published" and not d.restricted
    ]
    return BuiltSite(root=root, site=root / "site", published=published, log=result.stderr)
