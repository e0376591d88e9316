"""Neutral-text probe for the blameless-wording checker: hits per pattern per 1,000 sentences.

Run from the repository root:

    .venv/bin/python benchmarks/blame_neutral.py                 # totals and per pattern
    .venv/bin/python benchmarks/blame_neutral.py --show BL104    # print that pattern's hits
    .venv/bin/python benchmarks/blame_neutral.py --save a.json   # keep counts to compare
    .venv/bin/python benchmarks/blame_neutral.py --compare a.json

The text is the documentation already on the machine, written with no intent to blame anyone:
the READMEs, NEWS, change logs and histories under /usr/share/doc (plain or gzip) and the
package descriptions (METADATA) of the Python packages installed in this checkout's .venv and
in Debian's dist-packages. Nothing is downloaded; a file absent on another machine is simply
not read, so the figures are for this machine. Nearly every hit is a false alarm (a change
log's own "forgot to ..." is the main exception), so the figure to watch is hits per 1,000
sentences per pattern against the same pattern's true hits on all 19 labelled-dev
organisations and the written sentences.

Each file is read up to 300,000 characters, split naively into paragraphs, list items and
table cells (benchmarks/blame_eval.naive_blocks: fenced and inline code removed), and each
block is checked with no document people. A text shipped by several packages (libc6 and
libc-bin share one change log) is read once. A hit is keyed by its data pattern's id, or by its
code when an engine rule found it.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from blame_eval import naive_blocks  # noqa: E402

from postmortem.language.blame import find_blame  # noqa: E402
from postmortem.language.evaluation import (  # noqa: E402
    load_labelled,
    load_written,
    run_dev_corpus,
)
from postmortem.language.sentences import split_sentences  # noqa: E402

DOC = Path("/usr/share/doc")
SITE_PACKAGES = (
    *sorted((ROOT / ".venv" / "lib").glob("python3*/site-packages")),
    Path("/usr/lib/python3/dist-packages"),
)
_DOC_NAME = re.compile(r"^(?:readme|news|changes?|changelog|history)\b", re.IGNORECASE)
_MAX_CHARS = 300_000


def probe_files() -> list[Path]:
    """The neutral files present on this machine, sorted, without duplicates."""
    files: set[Path] = set()
    if DOC.is_dir():
        for path in DOC.rglob("*"):
            if _DOC_NAME.match(path.name) and path.is_file() and not path.is_symlink():
                files.add(path)
    for site in SITE_PACKAGES:
        if site.is_dir():
            files.update(p for p in site.glob("*.dist-info/METADATA") if p.is_file())
    return sorted(files)


def read_text(path: Path) -> str:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as handle:
                raw = handle.read(_MAX_CHARS * 2)
        else:
            with path.open("rb") as handle:
                raw = handle.read(_MAX_CHARS * 2)
    except (OSError, EOFError):
        return ""
    if b"\0" in raw[:4096]:
        return ""  # binary
    return raw.decode("utf-8", errors="replace")[:_MAX_CHARS]


def run(show: str | None = None, limit: int = 60) -> dict[str, object]:
    per_key: Counter[str] = Counter()
    per_tier: Counter[str] = Counter()
    sentences = 0
    files = probe_files()
    shown = 0
    seen: set[bytes] = set()
    distinct = 0
    cpu = time.process_time()
    for path in files:
        text = read_text(path)
        digest = hashlib.sha1(text.encode("utf-8")).digest()
        if not text or digest in seen:
            continue  # the same NEWS file shipped by several packages counts once
        seen.add(digest)
        distinct += 1
        for number, block in naive_blocks(text):
            sentences += len(split_sentences(block))
            for hit in find_blame(block):
                key = hit.pattern or hit.code
                per_key[key] += 1
                per_tier[hit.tier] += 1
                if show and show in (key, hit.code) and shown < limit:
                    shown += 1
                    s = max(0, hit.start - 80)
                    snippet = " ".join(block[s : hit.end + 80].split())
                    print(f"{path}:{number}: {key} [{block[hit.start : hit.end]}] {snippet}")
    cpu = time.process_time() - cpu
    return {
        "files": distinct,
        "sentences": sentences,
        "hits": sum(per_key.values()),
        "tiers": dict(per_tier),
        "per_key": dict(per_key),
        "cpu_s": round(cpu, 1),
    }


def blame_hits() -> Counter[str]:
    """Hits per pattern on text that is blameful: all labelled-dev organisations' strict and
    borderline sentences, the blameful rows of our labelled and written sets."""
    found: Counter[str] = Counter()
    dev = ROOT.parent / "shared" / "corpus" / "labelled-dev"
    if (dev / "labels.tsv").is_file():
        for sentence in run_dev_corpus(dev):
            if sentence.label != "clean":
                found.update({h.pattern or h.code for h in sentence.hits})
    data = ROOT / "tests" / "data"
    cases = [c for c in load_labelled(data / "blame-labelled.tsv") if c.flag]
    cases += [w.case for w in load_written(data / "blame-written.tsv") if w.case.flag]
    for case in cases:
        found.update({h.pattern or h.code for h in find_blame(case.text, case.people)})
    return found


def _per_k(n: int, sentences: int) -> str:
    return f"{1000 * n / max(sentences, 1):.3f}"


def report(
    result: dict[str, object], before: dict[str, object] | None, blame: Counter[str]
) -> None:
    sentences = int(result["sentences"])  # type: ignore[arg-type]
    hits = int(result["hits"])  # type: ignore[arg-type]
    print(
        f"{result['files']} files, {sentences:,} sentences, {hits} hits "
        f"({_per_k(hits, sentences)} per 1,000), tiers {result['tiers']}, "
        f"{result['cpu_s']} s CPU"
    )
    per_key: dict[str, int] = result["per_key"]  # type: ignore[assignment]
    old: dict[str, int] = before["per_key"] if before else {}  # type: ignore[assignment]
    if before:
        print(f"before: {before['hits']} hits in {before['sentences']:,} sentences")
    print("per pattern: neutral hits, per 1,000 neutral sentences, hits on blameful text")
    keys = sorted(set(per_key) | set(old) | set(blame), key=lambda k: (-per_key.get(k, 0), k))
    for key in keys:
        n = per_key.get(key, 0)
        extra = f"  (before {old.get(key, 0)})" if before else ""
        print(
            f"  {n:5d}  {_per_k(n, sentences):>7} per 1,000  blameful {blame.get(key, 0):4d}"
            f"  {key}{extra}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", help="print the hits of this pattern id or code")
    parser.add_argument("--limit", type=int, default=60, help="how many hits --show prints")
    parser.add_argument("--save", type=Path, help="write the counts as JSON")
    parser.add_argument("--compare", type=Path, help="JSON counts of an earlier run")
    args = parser.parse_args()
    before = None
    if args.compare:
        try:
            before = json.loads(args.compare.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"{args.compare}: cannot read earlier counts: {exc}", file=sys.stderr)
            return 2
    result = run(args.show, args.limit)
    report(result, before, blame_hits())
    if args.save:
        args.save.write_text(json.dumps(result, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
