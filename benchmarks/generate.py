"""Generate realistic, valid post-mortems for the benchmarks (deterministic for a seed).

    python benchmarks/generate.py OUT_DIR [--count 1000] [--words 1600] [--seed 11]

The structure of postmortems/2025-02-09-api-service-degradation.md (frontmatter, Summary,
Impact, Root Cause with a log excerpt, Timeline, Contributing Factors, Action Items, What Went
Well, Lessons Learned), with prose assembled from varied sentence templates and wrapped like
hand-written Markdown, so that prose checks meet text like the real thing.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Open action items get deadlines after this day, so that validating "as of" it finds no
# overdue items (benchmarks pass --today with it).
TODAY = "2026-06-01"

SERVICES = [
    "api-gateway", "orders-api", "checkout", "payments", "search-indexer", "kafka",
    "postgres-primary", "coredns", "auth-service", "cdn-edge", "image-resizer", "billing",
    "notifications", "inventory", "session-store", "feature-flags",
]  # fmt: skip
PEOPLE = [
    "maria-santos", "kenji-watanabe", "lena-fischer", "priya-n", "tomas-novak", "grace-okafor",
    "jonas-berg", "amara-diallo", "samir-haddad", "ines-moreau", "wei-zhang", "olu-adeyemi",
]  # fmt: skip
COMPONENTS = [
    "connection pool", "deploy pipeline", "cache layer", "load balancer", "retry policy",
    "health check", "autoscaler", "feature flag client", "queue consumer", "configuration loader",
    "TLS trust bundle", "rate limiter", "DNS resolver", "schema migration", "circuit breaker",
    "sidecar proxy", "job scheduler", "disk quota", "node pool", "replication slot",
]  # fmt: skip
FAILURES = [
    "reached its configured limit", "returned stale entries", "stopped consuming messages",
    "rejected valid requests", "rolled out to every region at once", "flapped between zones",
    "reported healthy while it served errors", "fell back to the library default",
    "timed out under the new load", "dropped long-lived connections", "filled the volume",
    "lost its leader lease", "retried without backoff", "evicted warm entries",
    "resolved names to a retired address", "held a lock for several minutes",
]  # fmt: skip
WHEN = [
    "during the evening peak", "right after the configuration change", "in the EU region",
    "for roughly forty minutes", "while the cluster upgrade was in progress",
    "once traffic doubled", "for requests with large payloads", "in two of the three zones",
    "after the certificate rotation", "when the nightly batch started", "on the canary hosts first",
]  # fmt: skip
EFFECTS = [
    "Dashboards showed the effect within minutes.", "Client retries amplified the load.",
    "The error budget for the month was spent in one afternoon.",
    "Customers saw slower pages and some failed checkouts.",
    "The alert threshold sat above the observed peak, so nothing paged.",
    "Staging traffic never exercises this code path.",
    "The runbook described an older version of the service.",
    "The metric existed but had no alert attached to it.",
    "Queue depth grew faster than the consumers could drain it.",
    "Latency at the 99th percentile rose above two seconds.",
    "The on-call engineer opened the incident channel and paged the database team.",
    "Rolling back took longer than expected because the previous image had been pruned.",
    "Synthetic probes kept passing because they hit a cached endpoint.",
    "Nobody could tell from the logs which tenant was affected.",
]  # fmt: skip
REASONS = [
    "because nothing compared the rendered value with the running one",
    "since the limit had been sized for last year's traffic",
    "as the change was reviewed without the rendered output",
    "because the fallback path had never been tested under load",
    "since two teams owned different halves of the configuration",
    "because the dashboard aggregated all regions into one line",
]  # fmt: skip
LESSONS = [
    "A default is a decision too: defaults far from production needs should fail loudly.",
    "Alerts on symptoms page late; saturation signals give minutes of warning.",
    "A rollback that has not been rehearsed is a hope, not a plan.",
    "Runbooks drift unless a drill exercises them every quarter.",
    "Shared configuration needs a schema and an owner.",
    "Load tests that stop at half of peak traffic find half of the problems.",
    "Retries without jitter turn a small failure into a large one.",
    "Each and every dependency needs a timeout that is shorter than its caller's.",
]  # fmt: skip
ACTIONS = [
    "Alert when {svc} pool saturation exceeds {n}% for 5 minutes",
    "Add a JSON schema for the {svc} Helm values and validate it in CI",
    "Make the {svc} chart fail to render when a required key is missing",
    "Run a weekly load test of {svc} at {n}% of production peak",
    "Add jitter and a retry budget to the {svc} client",
    "Keep the last {n} images of {svc} so a rollback never needs a rebuild",
    "Page on {svc} queue depth above {n} thousand messages",
]  # fmt: skip


def sentence(rng: random.Random, services: list[str]) -> str:
    svc = rng.choice(services)
    kind = rng.randrange(5)
    if kind == 0:
        return f"The {rng.choice(COMPONENTS)} of `{svc}` {rng.choice(FAILURES)} {rng.choice(WHEN)}."
    if kind == 1:
        return (
            f"The {rng.choice(COMPONENTS)} {rng.choice(FAILURES)} "
            f"{rng.choice(REASONS)}, and {rng.choice(EFFECTS)[0].lower()}{rng.choice(EFFECTS)[1:]}"
        )
    if kind == 2:
        return (
            f"About {rng.randrange(2, 40)}% of requests to {svc} failed {rng.choice(WHEN)}; "
            f"p99 latency rose from {rng.randrange(80, 300)} ms to {rng.randrange(2, 12)}.{rng.randrange(10)} s."
        )
    if kind == 3:
        return f"{rng.choice(EFFECTS)} {rng.choice(EFFECTS)}"
    return (
        f"See https://grafana.example.com/d/{rng.randrange(10**6):06x}/{svc} for the "
        f"{rng.choice(COMPONENTS)} panel, which {rng.choice(FAILURES)}."
    )


def paragraph(rng: random.Random, services: list[str], words: int) -> str:
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(sentence(rng, services))
    return textwrap.fill(" ".join(out), width=96, break_on_hyphens=False, break_long_words=False)


def action_row(
    rng: random.Random, n: int, services: list[str], people: list[str], resolved: datetime
) -> str:
    """An action item: done ones were due after the incident, open ones are due after TODAY."""
    status = rng.choice(["done", "done", "open", "in-progress"])
    due = resolved + timedelta(days=10 + 7 * n)
    if status != "done":
        due = datetime.fromisoformat(TODAY) + timedelta(days=7 * n)
    action = rng.choice(ACTIONS).format(svc=rng.choice(services), n=rng.randrange(20, 90))
    return (
        f"| A{n} | {action} | @{rng.choice(people)} | {due:%Y-%m-%d} | "
        f"P{rng.randrange(1, 5)} | {status} |"
    )


def postmortem(index: int, rng: random.Random, words: int) -> tuple[str, str]:
    """(file name, text) of one valid post-mortem of about `words` words."""
    start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(60 * 24 * 700))
    detected = start + timedelta(minutes=rng.randrange(2, 20))
    mitigated = detected + timedelta(minutes=rng.randrange(10, 90))
    resolved = mitigated + timedelta(minutes=rng.randrange(10, 120))
    services = rng.sample(SERVICES, 3)
    people = rng.sample(PEOPLE, 4)
    doc_id = f"{start:%Y-%m-%d}-{services[0]}-incident-{index:04d}"
    fmt = "%Y-%m-%dT%H:%M:00Z"
    budget = words - 760  # tables, headings, lists and the log excerpt take the rest
    para = [
        paragraph(rng, services, max(30, int(budget * share)))
        for share in (0.1, 0.25, 0.2, 0.1, 0.15)
    ]
    impact = "\n".join(f"- {sentence(rng, services)}" for _ in range(4))
    minutes = sorted(rng.sample(range(1, int((resolved - start).total_seconds() // 60)), 14))
    times = [start, detected, *(start + timedelta(minutes=m) for m in minutes), resolved]
    times = sorted(set(times))
    rows = "\n".join(
        f"| {t:%Y-%m-%d %H:%M} | {sentence(rng, services)[:-1]} | "
        f"{rng.choice(['Prometheus', 'Grafana', 'Slack', 'PagerDuty', 'Argo CD'])} | "
        f"@{rng.choice(people)} |"
        for t in times
    )
    log = "\n".join(
        f"{start + timedelta(seconds=17 * n):%Y-%m-%dT%H:%M:%S}Z level=error service={services[0]} "
        f'msg="pool exhausted" waiters={rng.randrange(50, 900)} timeout_ms={rng.randrange(500, 5000)}'
        for n in range(6)
    )
    actions = "\n".join(action_row(rng, n, services, people, resolved) for n in range(1, 6))
    factors = "\n".join(f"- {sentence(rng, services)}" for _ in range(3))
    text = f"""---
id: {doc_id}
title: {services[0].replace("-", " ").title()} degradation {index}
status: published
severity: {rng.choice(["P1", "P2", "P2", "P3", "P3", "P4"])}
started: "{start:{fmt}}"
detected: "{detected:{fmt}}"
mitigated: "{mitigated:{fmt}}"
resolved: "{resolved:{fmt}}"
created: "{resolved + timedelta(hours=2):{fmt}}"
report_date: "{resolved + timedelta(hours=rng.randrange(4, 40)):{fmt}}"
authors: ["@{people[0]}"]
reviewers: ["@{people[1]}", "@{people[2]}"]
services: [{", ".join(services)}]
tags: [{", ".join(rng.sample(["latency", "database", "dns", "deploy", "config", "capacity"], 2))}]
related: []
---

# {services[0].replace("-", " ").title()} degradation {index}

## Summary

{para[0]}

## Impact

{impact}

## Root Cause

{para[1]}

```text
{log}
```

## Timeline

| Time (UTC) | Event | Source | Actor |
|------------|-------|--------|-------|
{rows}

## Contributing Factors

### Immediate cause

- {sentence(rng, services)}

### Contributing factors

{factors}

### Systemic issues

{para[2]}

## Action Items

| ID | Action | Owner | Deadline | Priority | Status |
|----|--------|-------|----------|----------|--------|
{actions}

## What Went Well

{para[3]}

## Lessons Learned

- {rng.choice(LESSONS)}
- {rng.choice(LESSONS)}

{para[4]}
"""
    return f"{doc_id}.md", text


def generate(folder: Path, count: int, words: int, seed: int = 11) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        name, text = postmortem(index, rng, words)
        path = folder / name
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def committed_archive(repo: Path, count: int, words: int, seed: int = 11) -> list[Path]:
    """A git repository (branch main) with one commit: a generated archive in postmortems/
    (its paths returned) and the project's similarity examples (pairs that match)."""
    paths = generate(repo / "postmortems", count, words, seed)
    for example in sorted((ROOT / "tests" / "data" / "similarity").glob("*.md")):
        shutil.copy(example, repo / "postmortems" / example.name)
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com"}  # fmt: skip
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "archive"]):
        subprocess.run(
            ["git", *argv], cwd=repo, check=True, capture_output=True, env=env, timeout=600
        )
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--words", type=int, default=1600)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    generate(args.out, args.count, args.words, args.seed)
    print(f"wrote {args.count} post-mortems to {args.out}")


if __name__ == "__main__":
    main()
