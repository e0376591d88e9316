"""Generate realistic, valid post-mortems for benchmarks (deterministic for a given seed).

python benchmarks/generate.py OUT_DIR --count 1000 --words 1600
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

SERVICES = [
    "api-gateway",
    "orders-api",
    "checkout",
    "payments-gateway",
    "search-indexer",
    "kafka",
    "postgres-primary",
    "coredns",
    "auth-service",
    "cdn",
    "image-resizer",
    "billing",
]
TAGS = [
    "latency",
    "database",
    "dns",
    "deploy",
    "config",
    "capacity",
    "tls",
    "kafka",
    "cache",
    "network",
    "third-party",
    "kubernetes",
]
PEOPLE = [
    "maria-santos",
    "kenji-watanabe",
    "lena-fischer",
    "priya-n",
    "tomas-novak",
    "grace-okafor",
    "jonas-berg",
    "amara-diallo",
    "samir-haddad",
    "ines-moreau",
]
SUBJECTS = [
    "The connection pool",
    "The deploy pipeline",
    "The cache layer",
    "The load balancer",
    "The retry policy",
    "The health check",
    "The autoscaler",
    "The feature flag service",
    "The message queue consumer",
    "The configuration loader",
    "The TLS trust bundle",
    "The rate limiter",
]
VERBS = [
    "reached its limit",
    "returned stale data",
    "stopped processing messages",
    "rejected valid requests",
    "rolled out to every region at once",
    "kept failing over",
    "reported healthy while idle",
    "used the library default",
    "timed out under load",
    "dropped connections during the restart",
]
DETAILS = [
    "during the evening peak",
    "after the configuration change",
    "in the EU region",
    "for about forty minutes",
    "while the cluster was being upgraded",
    "once traffic doubled",
    "for requests with large payloads",
    "in two of three zones",
]
FOLLOWUPS = [
    "Dashboards showed the effect within minutes.",
    "Retries amplified the load.",
    "Error budgets for the month were spent.",
    "Customers saw slower pages.",
    "The alert threshold was set above the observed peak.",
    "Staging traffic never exercises this path.",
    "The runbook described an older version of the service.",
    "Metrics were collected but had no alert.",
]


def _sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(DETAILS)}. {rng.choice(FOLLOWUPS)}"
    )


def _paragraph(rng: random.Random, words: int) -> str:
    out: list[str] = []
    count = 0
    while count < words:
        sentence = _sentence(rng)
        out.append(sentence)
        count += len(sentence.split())
    return " ".join(out)


def postmortem(index: int, rng: random.Random, words: int = 1600) -> tuple[str, str]:
    """(file name, text) of one valid post-mortem of about `words` words."""
    start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 60 * 24 * 700))
    start = start.replace(second=0)
    detected = start + timedelta(minutes=rng.randrange(1, 30))
    mitigated = detected + timedelta(minutes=rng.randrange(5, 90))
    resolved = mitigated + timedelta(minutes=rng.randrange(5, 120))
    slug = f"incident-{index:05d}"
    doc_id = f"{start:%Y-%m-%d}-{slug}"
    people = rng.sample(PEOPLE, 3)
    services = rng.sample(SERVICES, 2)
    severity = rng.choice(["P1", "P2", "P3", "P3", "P4"])
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    prose_words = max(words - 250, 100)
    share = [0.12, 0.12, 0.3, 0.2, 0.08, 0.18]
    sections = [_paragraph(rng, int(prose_words * s)) for s in share]
    times = sorted(start + timedelta(minutes=m) for m in rng.sample(range(0, 30), 3))
    times += [detected, mitigated, resolved]
    times.sort()
    rows = "\n".join(
        f"| {t:%Y-%m-%d %H:%M} | {rng.choice(SUBJECTS)} {rng.choice(VERBS)} | "
        f"{rng.choice(['Prometheus', 'Grafana', 'Slack', 'PagerDuty'])} | @{rng.choice(people)} |"
        for t in times
    )
    actions = "\n".join(
        f"| A{n} | Alert when `{rng.choice(services)}` p99 latency exceeds {rng.randrange(200, 900)} ms "
        f"for 5 minutes | @{rng.choice(people)} | {(resolved + timedelta(days=14 * n)):%Y-%m-%d} | "
        f"P{rng.randrange(1, 5)} | {rng.choice(['open', 'done', 'in-progress'])} |"
        for n in range(1, 4)
    )
    text = f"""---
id: {doc_id}
title: {rng.choice(SUBJECTS)[4:].capitalize()} incident {index}
status: published
severity: {severity}
started: "{start.strftime(fmt)}"
detected: "{detected.strftime(fmt)}"
mitigated: "{mitigated.strftime(fmt)}"
resolved: "{resolved.strftime(fmt)}"
created: "{resolved.strftime(fmt)}"
report_date: "{(resolved + timedelta(hours=20)).strftime(fmt)}"
authors: ["@{people[0]}"]
reviewers: ["@{people[1]}", "@{people[2]}"]
services: [{", ".join(services)}]
tags: [{", ".join(rng.sample(TAGS, 2))}]
related: []
---

# Incident {index}

## Summary

{sections[0]}

## Impact

{sections[1]}

## Root Cause

{sections[2]}

## Timeline

| Time (UTC) | Event | Source | Actor |
|---|---|---|---|
{rows}

## Contributing Factors

- {_sentence(rng)}
- {_sentence(rng)}
- {_sentence(rng)}

{sections[3]}

## Action Items

| ID | Action | Owner | Deadline | Priority | Status |
|---|---|---|---|---|---|
{actions}

## What Went Well

{sections[4]}

## Lessons Learned

{sections[5]}
"""
    return f"{doc_id}.md", text


def generate(folder: Path, count: int, words: int = 1600, seed: int = 7) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        name, text = postmortem(index, rng, words)
        path = folder / name
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--words", type=int, default=1600)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.out, args.count, args.words, args.seed)
    print(f"wrote {args.count} post-mortems to {args.out}")


if __name__ == "__main__":
    main()
