"""Where validation time goes, per file: stages and the profile's top functions.

    .venv/bin/python benchmarks/profile_validate.py [--files 100] [--words 1600] [--top 10]

Generates `--files` post-mortems (benchmarks/generate.py), then in this one process (one core):
times each stage of `check_document` separately over every file (parse, then each rule family
on the parsed documents, then the archive-wide rules spread over the files), and runs cProfile over the whole per-file validation to print the
`--top` functions by own time.

The peer is measured in the same run and the same process: proselint's own linting
(`LintFile.lint`, what `proselint check` runs per file) of the same files, restricted to the
proselint checks `validate` runs. Each stage is printed as a fraction of it, in CPU and in
wall time; startup (imports, compiled patterns) is left out of both.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tools")]

from postmortem.config import Config  # noqa: E402
from postmortem.document import load_document  # noqa: E402
from postmortem.rules import Context  # noqa: E402
from postmortem.rules.prose import expect_reports  # noqa: E402
from postmortem.validation import (  # noqa: E402
    _archive_findings,
    check_document,
    enabled_checkers,
    enabled_codes,
    entry_for,
)

from generate import TODAY, generate  # noqa: E402

FAMILY = {
    "PR": "prose (proselint)",
    "BL": "blame",
    "SC": "schema",
    "SE": "secrets",
}


def clock() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def since(start: tuple[float, float]) -> tuple[float, float]:
    now = clock()
    return now[0] - start[0], now[1] - start[1]


def proselint_per_file(paths: list[Path]) -> tuple[tuple[float, float], int]:
    """proselint's CPU and wall seconds per file (what `proselint check` does for each file)
    with the proselint checks `validate` runs, and how many checks that is."""
    from proselint.config import DEFAULT
    from proselint.tools import LintFile

    from postmortem.rules.prose import _all_checks, enabled_checks

    ours = {check.path for check in enabled_checks(("default",))}
    checks = {check.path: check.path in ours for check in _all_checks()}
    config = {**DEFAULT, "max_errors": 10**9, "checks": checks}
    LintFile(paths[0]).lint(config)  # warm: compiled patterns, as for our stages
    start = clock()
    for path in paths:
        LintFile(path).lint(config)
    cpu, wall = since(start)
    return (cpu / len(paths), wall / len(paths)), len(ours)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--words", type=int, default=1600)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    config = Config()
    today = date.fromisoformat(TODAY)
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), args.files, args.words)
        # As `validate` does before checking many files in one process (validation._run_files):
        # with more than PLAN_AFTER reports the RE2 preselection of proselint checks is used
        # from the first file on.
        expect_reports(len(paths))
        check_document(load_document(paths[0]), config, today)  # warm the caches
        stages: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])

        def add(name: str, spent: tuple[float, float]) -> None:
            stages[name][0] += spent[0]
            stages[name][1] += spent[1]

        checkers = enabled_checkers(enabled_codes(config), archive=False)
        entries = []
        for path in paths:
            start = clock()
            doc = load_document(path)
            add("parse (frontmatter + blocks)", since(start))
            start = clock()
            for block in doc.prose:
                block.text  # noqa: B018 - inline parsing, done lazily on first read
            add("inline parsing of prose blocks", since(start))
            for checker in checkers:
                start = clock()
                checker.run(doc, Context(config=config, today=today))
                add(FAMILY.get(checker.codes[0][:2], "other rules"), since(start))
            start = clock()
            entries.append(entry_for(doc, config, True))
            add("index entry (similarity profile)", since(start))
        # The rules over the whole archive (LE101 similar incidents, duplicate ids), run once
        # per `validate` after the files: their cost is spread over the files here.
        start = clock()
        _archive_findings(entries, config, today, {e.path for e in entries})
        add("archive rules (LE101 neighbours)", since(start))
        n = len(paths)
        (peer_cpu, peer_wall), count = proselint_per_file(paths)
        print(f"{n} files of ~{args.words} words, one process; ms per file by stage, CPU and wall")
        print(f"  {'stage':<34} {'CPU':>6} {'wall':>6}  ratio to proselint: CPU, wall")

        def line(name: str, cpu: float, wall: float) -> None:
            print(
                f"  {name:<34} {cpu / n * 1000:6.2f} {wall / n * 1000:6.2f}  "
                f"{cpu / n / peer_cpu:5.2f}x {wall / n / peer_wall:5.2f}x"
            )

        for name, (cpu, wall) in sorted(stages.items(), key=lambda kv: -kv[1][0]):
            line(name, cpu, wall)
        line("total", sum(c for c, _ in stages.values()), sum(w for _, w in stages.values()))
        print(
            f"  {'peer: proselint, same files':<34} {peer_cpu * 1000:6.2f} {peer_wall * 1000:6.2f}"
            f"  (LintFile.lint, the same {count} proselint checks, this process, after a warm-up)"
        )

        profile = cProfile.Profile()
        profile.enable()
        entries = []
        for path in paths:
            doc = load_document(path)
            check_document(doc, config, today)
            entries.append(entry_for(doc, config, True))
        _archive_findings(entries, config, today, {e.path for e in entries})
        profile.disable()
        print(f"\ntop {args.top} functions by own time (cProfile, {n} files):")
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
