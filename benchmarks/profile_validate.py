"""Where validation time goes, per file: stages and the profile's top functions.

    .venv/bin/python benchmarks/profile_validate.py [--files 100] [--words 1600] [--top 10]

Generates `--files` post-mortems (benchmarks/generate.py), then in this one process (one core):
times each stage of `check_document` separately over every file (parse, then each rule family
on the parsed documents), and runs cProfile over the whole per-file validation to print the
`--top` functions by own time.

The peer is measured in the same run and the same process: proselint's own linting
(`LintFile.lint`, what `proselint check` runs per file) of the same files, restricted to the
proselint checks `validate` runs. Each stage is printed as a fraction of it, in CPU time;
startup (imports, compiled patterns) is left out of both.
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
from postmortem.validation import check_document, enabled_checkers  # noqa: E402

from generate import TODAY, generate  # noqa: E402

FAMILY = {
    "PR": "prose (proselint)",
    "BL": "blame",
    "SC": "schema",
    "SE": "secrets",
}


def proselint_per_file(paths: list[Path]) -> tuple[float, int]:
    """proselint's CPU seconds per file (what `proselint check` does for each file) with the
    proselint checks `validate` runs, and how many checks that is."""
    from proselint.config import DEFAULT
    from proselint.tools import LintFile

    from postmortem.rules.prose import _all_checks, enabled_checks

    ours = {check.path for check in enabled_checks(("default",))}
    checks = {check.path: check.path in ours for check in _all_checks()}
    config = {**DEFAULT, "max_errors": 10**9, "checks": checks}
    LintFile(paths[0]).lint(config)  # warm: compiled patterns, as for our stages
    start = time.process_time()
    for path in paths:
        LintFile(path).lint(config)
    return (time.process_time() - start) / len(paths), len(ours)


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
        check_document(load_document(paths[0]), config, today)  # warm the caches
        stages: dict[str, float] = defaultdict(float)
        checkers = enabled_checkers(config, archive=False)
        for path in paths:
            start = time.process_time()
            doc = load_document(path)
            stages["parse (frontmatter + blocks)"] += time.process_time() - start
            start = time.process_time()
            for block in doc.prose:
                block.text  # noqa: B018 - inline parsing, done lazily on first read
            stages["inline parsing of prose blocks"] += time.process_time() - start
            for checker in checkers:
                start = time.process_time()
                checker.run(doc, Context(config=config, today=today))
                name = FAMILY.get(checker.codes[0][:2], "other rules")
                stages[name] += time.process_time() - start
        n = len(paths)
        peer, count = proselint_per_file(paths)
        print(f"{n} files of ~{args.words} words, one process; CPU ms per file by stage:")
        for name, seconds in sorted(stages.items(), key=lambda kv: -kv[1]):
            print(f"  {name:<34} {seconds / n * 1000:6.2f}  {seconds / n / peer:5.2f}x proselint")
        total = sum(stages.values()) / n
        print(f"  {'total':<34} {total * 1000:6.2f}  {total / peer:5.2f}x proselint")
        print(
            f"  {'peer: proselint, same files':<34} {peer * 1000:6.2f}  (LintFile.lint, the same "
            f"{count} checks, this process, after a warm-up file)"
        )

        profile = cProfile.Profile()
        profile.enable()
        for path in paths:
            check_document(load_document(path), config, today)
        profile.disable()
        print(f"\ntop {args.top} functions by own time (cProfile, {n} files):")
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
