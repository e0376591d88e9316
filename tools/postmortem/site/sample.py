"""Synthetic post-mortems in the project's format, for the site's tests and build benchmark.

Deterministic for a given seed, so that a benchmark run and a failing test can be reproduced.
The text is made up here; real post-mortems are only ever read from the shared corpus.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

SERVICES = [
    "api-gateway",
    "orders-api",
    "payments",
    "postgres-primary",
    "search",
    "checkout-web",
    "auth",
    "kafka",
    "cdn",
    "notifications",
]
TAGS = ["latency", "database", "config", "deploy", "capacity", "dns", "network", "certificates"]
PEOPLE = ["maria-santos", "kenji-watanabe", "lena-fischer", "amara-okafor", "li-wei", "sam-ortiz"]
WORDS = (
    "queue pool replica cache shard token quota retry timeout rollout canary failover "
    "throttle backlog lease index snapshot partition consumer broker resolver"
).split()


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sample_postmortem(
    number: int,
    rng: random.Random,
    *,
    status: str = "published",
    restricted: bool = False,
    start: datetime | None = None,
) -> tuple[str, str]:
    """One post-mortem as (id, file text)."""
    start = start or datetime(2023, 1, 1, tzinfo=UTC) + timedelta(
        minutes=rng.randrange(0, 3 * 365 * 24 * 60)
    )
    detect = start + timedelta(minutes=rng.randrange(1, 45))
    mitigate = detect + timedelta(minutes=rng.randrange(5, 120))
    resolve = mitigate + timedelta(minutes=rng.randrange(5, 600))
    word = rng.choice(WORDS)
    service = rng.choice(SERVICES)
    slug = f"{service}-{word}-{number}"
    doc_id = f"{start:%Y-%m-%d}-{slug}"
    severity = rng.choices(["P1", "P2", "P3", "P4"], weights=[1, 3, 4, 2])[0]
    services = sorted({service, *rng.sample(SERVICES, rng.randrange(0, 3))})
    tags = sorted(set(rng.sample(TAGS, rng.randrange(1, 4))))
    authors, reviewer = rng.sample(PEOPLE, 2)
    timeline = [(start, f"`{service}` {word} errors start to climb", "Prometheus", "system")]
    moment = start
    for step in range(rng.randrange(3, 8)):
        moment = min(moment + timedelta(minutes=rng.randrange(1, 20)), resolve)
        actor = rng.choice(PEOPLE)
        timeline.append(
            (
                moment,
                f"@{actor} checks the {rng.choice(WORDS)} dashboard (step {step + 1})",
                "Grafana",
                f"@{actor}",
            )
        )
    timeline.append(
        (resolve, "Error rate back to baseline; incident resolved", "Grafana", "system")
    )
    timeline.sort(key=lambda row: row[0])
    rows = "\n".join(
        f"| {when:%Y-%m-%d %H:%M} | {event} | {source} | {actor} |"
        for when, event, source, actor in timeline
    )
    items = []
    for n in range(1, rng.randrange(2, 6)):
        due = (resolve + timedelta(days=rng.randrange(7, 90))).date()
        state = rng.choice(["done", "done", "open", "in-progress"])
        owner = rng.choice(PEOPLE)
        items.append(
            f"| A{n} | Alert when {service} {rng.choice(WORDS)} saturation exceeds 80% "
            f"for 5 minutes | @{owner} | {due} | P{rng.randrange(1, 4)} | {state} |"
        )
    flag = "restricted: true\n" if restricted else ""
    text = f"""---
id: {doc_id}
title: "{service} {word} incident {number}"
status: {status}
severity: {severity}
started: "{_iso(start)}"
detected: "{_iso(detect)}"
mitigated: "{_iso(mitigate)}"
resolved: "{_iso(resolve)}"
created: "{_iso(resolve + timedelta(hours=2))}"
report_date: "{_iso(resolve + timedelta(hours=20))}"
authors: ["@{authors}"]
reviewers: ["@{reviewer}"]
services: [{", ".join(services)}]
tags: [{", ".join(tags)}]
related: []
{flag}---

# {service} {word} incident {number}

## Summary

Between {start:%H:%M} and {resolve:%H:%M} UTC the `{service}` service returned errors because
its {word} limit was reached. Raising the limit mitigated the impact at {mitigate:%H:%M}.

## Impact

- About {rng.randrange(1, 40)}% of requests to `{service}` failed for
  {int((resolve - start).total_seconds() // 60)} minutes.
- {rng.randrange(0, 200)} support tickets were opened.

## Root Cause

A change to the {word} settings of `{service}` lowered a limit that the service needs under
peak load. Nothing compared the configured value with the value observed in production.

## Timeline

| Time (UTC) | Event | Source | Actor |
|------------|-------|--------|-------|
{rows}

## Contributing Factors

### Immediate cause

- The {word} limit of `{service}` was lower than peak demand.

### Contributing factors

- Staging traffic is too low to reach the limit.
- No alert watches {word} saturation.

### Systemic issues

- Limits are set in several places without a single source of truth.

## Action Items

| ID | Action | Owner | Deadline | Priority | Status |
|----|--------|-------|----------|----------|--------|
{chr(10).join(items)}

## What Went Well

- The rollback worked on the first attempt.

## Lessons Learned

- Limits that differ by an order of magnitude from production needs should fail loudly.
"""
    return doc_id, text


def write_sample_archive(
    folder: Path, count: int, seed: int = 7, drafts: int = 0, restricted: int = 0
) -> list[Path]:
    """Write `count` published post-mortems (+ drafts / restricted ones) into `folder`."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    plan = (
        [("published", False)] * count
        + [("draft", False)] * drafts
        + [("published", True)] * restricted
    )
    for number, (status, secret) in enumerate(plan, start=1):
        doc_id, text = sample_postmortem(number, rng, status=status, restricted=secret)
        path = folder / f"{doc_id}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
