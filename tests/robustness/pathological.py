"""Adversarial inputs for the hang detector (test_pathological.py), and the child process that
runs them: `python pathological.py CASE...` prints one JSON line per case when it is done.

Each case is about 100 KB of what makes regular expressions and scanners backtrack: long
runs of one character, unclosed brackets, comments and code spans, repeated labels that the
secret and blame patterns look for, words without spaces (digits, CJK), very long lines,
thousands of table rows, deep nesting. A case runs everything a file goes through: parsing,
every rule, the site pages, the sync plan, and for log-like text the timeline importer.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = (HERE.parents[1] / "postmortems" / "2025-02-09-api-service-degradation.md").read_text(
    "utf-8"
)
SIZE = 100_000
HEAD = SEED.split("\n## Summary", 1)[0]
NAME = "postmortems/2025-02-09-api-service-degradation.md"


def run_of(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def in_summary(unit: str, size: int = SIZE) -> str:
    return HEAD + "\n## Summary\n\n" + run_of(unit, size) + "\n"


def in_table(unit: str) -> str:
    blob = run_of(unit).replace("\n", " ")
    return SEED.replace("| A1  | Add a JSON schema", "| A1  | " + blob + " Add a JSON schema")


def in_title(unit: str) -> str:
    blob = run_of(unit).replace("\n", " ").replace("'", "''")
    return SEED.replace("title: API Service Degradation", f"title: '{blob}'")


PARAGRAPH_UNITS = {
    "spaced-letters": "a ",
    "one-long-word": "a",
    "digits": "1",  # proselint lexical_illusions: minutes before the fix
    "cjk-without-spaces": "事故",  # the same, for text that has no spaces at all
    "underscores": "_",
    "at-signs": "@",
    "handles": "@alice ",
    "pipes": "|",
    "backslashes": "\\",
    "backticks-uneven": "`a``",
    "open-brackets": "[",  # site feed summary: minutes before the fix
    "image-openers": "![",
    "link-openers": "[a](",
    "unclosed-comments": "<!--",  # site body and feed: seconds before the fix
    "angle-brackets": "<",
    "attribute-braces": "{",
    "token-labels": "token: ",  # security overlap check: quadratic before the fix
    "password-labels": "password=",
    "bearer": "Bearer ",
    "base64": "Ab9+/",
    "jwt-like": "eyJhbGciOi.",
    "urls": "http://a.",
    "emails": "a@b.",
    "pem-headers": "-----BEGIN PRIVATE KEY-----",
    "blame-sentences": "The engineer failed to restart it. ",
    "names-should-have": "Alice should have ",
    "human-error": "human error ",
    "capitalised-names": "Alice Bob ",
    "sentence-ends": "x. ",
    "soft-line-breaks": "word\n",
    "list-items": "- Alice failed to act\n",
    "quote-markers": "> ",
    "emphasis": "*_",
    "zero-width": "a\u200b",
    "tabs-and-cr": "\t\r",
}

CASES: dict[str, Callable[[], str]] = {
    **{f"paragraph:{k}": (lambda u=u: in_summary(u)) for k, u in PARAGRAPH_UNITS.items()},
    # Bigger: these were quadratic but still well under the bound at 100 KB.
    "paragraph-1mb:token-labels": lambda: in_summary("token: ", 1_000_000),
    "paragraph-1mb:unclosed-comments": lambda: in_summary("<!--", 1_000_000),
    "paragraph-1mb:digits": lambda: in_summary("1", 1_000_000),
    "paragraph-500kb:misspellings": lambda: in_summary("alot ", 500_000),
    "table-cell:pipes-escaped": lambda: in_table("\\|"),
    "table-cell:backticks-pipes": lambda: in_table("`|"),
    "table-cell:token-labels": lambda: in_table("token: "),
    "table-cell:open-brackets": lambda: in_table("["),
    "table:3000-timeline-rows": lambda: SEED.replace(
        "| 2025-02-09 15:40 |",
        "| 2025-02-09 15:39 | Alice failed to act | Slack | @bob |\n" * 3000
        + "| 2025-02-09 15:40 |",
    ),
    "table:3000-action-items": lambda: SEED.replace(
        "| A4  |",
        "".join(
            f"| B{i} | Improve monitoring of pool {i} | @bob | 2025-03-01 | P2 | open |\n"
            for i in range(3000)
        )
        + "| A4  |",
    ),
    "table:3500-columns": lambda: SEED.replace(
        "## Timeline\n",
        "## Timeline\n\n| Time | Event | Source | Actor |"
        + " x |" * 3500
        + "\n|---|---|---|---|"
        + "---|" * 3500
        + "\n"
        + ("| 2025-02-09 14:00 | e | s | a |" + " y |" * 3500 + "\n") * 5
        + "\n## Earlier timeline\n",
    ),
    "title:long-words": lambda: in_title("a "),
    "title:open-brackets": lambda: in_title("["),
    "frontmatter:5000-keys": lambda: (
        "---\n" + "".join(f"k{i}: v\n" for i in range(5000)) + SEED.split("---\n", 1)[1]
    ),
    "frontmatter:deep-flow": lambda: "---\ntags: " + "[" * 50_000 + "\n---\n",
    "frontmatter:long-plain-value": lambda: SEED.replace(
        "severity: P2", "severity: " + "a " * 50_000
    ),
    "nesting:block-quotes": lambda: in_summary("> " * 10 + "x\n"),
    "nesting:list-levels": lambda: (
        HEAD + "\n## Summary\n\n" + "".join("  " * (i % 400) + "- x\n" for i in range(2000))
    ),
    "lines:50000-short": lambda: in_summary("a\n"),
}

# Log-like text for the timeline importer (`postmortem timeline`).
LOG_CASES: dict[str, Callable[[], str]] = {
    "logs:one-long-line": lambda: "2025-03-14T10:04:31Z ERROR " + run_of("a "),
    "logs:brackets": lambda: "[2025-03-14 10:04:31] ERROR " + run_of("["),
    "logs:levels": lambda: "2025-03-14T10:04:31Z " + run_of('level=error msg="\\'),
    "logs:json-like": lambda: '{"ts": 1741946671, "level": "error", "msg": "' + run_of('\\"'),
    "logs:many-lines": lambda: run_of("2025-03-14T10:04:31Z ERROR boom\n"),
    "logs:clf": lambda: run_of('[14/Mar/2025:11:04:31 +0100] "'),
}
ALL = {**CASES, **LOG_CASES}


def run_case(name: str) -> float:
    """Seconds to take the case through everything its kind of input goes through."""
    from datetime import date

    from postmortem.config import Config
    from postmortem.document import parse_bytes
    from postmortem.importers import ImportOptions, TimelineImportError, read_events
    from postmortem.site.pages import SiteOptions, build_site
    from postmortem.sync.plan import SyncSettings, plan_sync
    from postmortem.validation import check_document

    text = ALL[name]()
    start = time.perf_counter()
    if name in LOG_CASES:
        try:
            read_events(text, ImportOptions(level="all"))
        except TimelineImportError:
            pass
        return time.perf_counter() - start
    doc = parse_bytes(text.encode(), NAME)
    check_document(doc, Config(), date(2025, 3, 1))
    build_site([doc], SiteOptions(today=date(2025, 3, 1), preview=True))
    plan_sync([doc], [], SyncSettings(repo="acme/web"))
    return time.perf_counter() - start


CPU_BUDGET = 60  # seconds of CPU per case: only a hang (quadratic or worse) comes near it


def _budget(seconds: int) -> None:
    """Let the kernel stop this process (SIGXCPU) after `seconds` more seconds of CPU.

    CPU time, not wall-clock time: a busy machine does not make a case look hung, and a
    runaway regular expression in C code is stopped too.
    """
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(used.ru_utime + used.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    limit = spent + seconds
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))


if __name__ == "__main__":
    for case in sys.argv[1:]:
        print(json.dumps({"started": case}), flush=True)
        _budget(CPU_BUDGET)
        seconds = run_case(case)
        print(json.dumps({"case": case, "seconds": round(seconds, 3)}), flush=True)
