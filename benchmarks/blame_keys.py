"""Record or check the blame detector's findings as keys, so a faster engine can be shown to
find exactly what the old one found.

    .venv/bin/python benchmarks/blame_keys.py --write   # record with the current engine
    .venv/bin/python benchmarks/blame_keys.py           # compare, print any difference

Keys only, never text: (set, file, line, start, end, code) where ``set`` is ``project`` (every
Markdown file under postmortems/ and tests/, as a document through the validator's rule, and line by
line; the sentences of tests/data/blame-*.tsv by row) or ``corpus`` (every Markdown file under
../shared/corpus, line by line, block-quoted lines skipped as the validator skips them). The
record is tests/data/blame-keys.tsv; tests/language/test_blame_keys.py compares against it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tools")]

from postmortem.language.evaluation import blame_keys  # noqa: E402

ROOT = HERE.parent
RECORD = ROOT / "tests" / "data" / "blame-keys.tsv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    corpus = ROOT.parent / "shared" / "corpus"
    keys = blame_keys(ROOT, corpus if corpus.is_dir() else None)
    if args.write:
        RECORD.write_text(
            "".join("\t".join(map(str, k)) + "\n" for k in sorted(keys)), encoding="utf-8"
        )
        print(f"{len(keys)} keys written to {RECORD.relative_to(ROOT)}")
        return 0
    recorded = {
        tuple(line.split("\t")) for line in RECORD.read_text(encoding="utf-8").splitlines() if line
    }
    now = {tuple(map(str, k)) for k in keys}
    if not corpus.is_dir():
        recorded = {k for k in recorded if k[0] != "corpus"}
    for k in sorted(recorded - now):
        print("lost  ", *k)
    for k in sorted(now - recorded):
        print("new   ", *k)
    print(f"{len(now)} keys now, {len(recorded)} recorded")
    return 0 if now == recorded else 1


if __name__ == "__main__":
    sys.exit(main())
