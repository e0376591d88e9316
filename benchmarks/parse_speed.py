"""What parsing a post-mortem's Markdown body costs, per file, and what importing the parser costs.

    .venv/bin/python benchmarks/parse_speed.py [--files 100] [--words 1600] [--rounds 3]

Generates `--files` post-mortems (benchmarks/generate.py) and, in this one process (one core),
parses every body `--rounds` times with:
- stock markdown-it-py (CommonMark and tables, block rules only: what the body needs first);
- the body's own markdown-it-py parser (`postmortem.body._MD`: the same tokens, tables as one
  token per row, block rules tried by a line's first character);
- `parse_body` (that parse and the walk into sections, tables and prose blocks);
- markdown-it-pyrs (the Rust binding of markdown-it; its tree, with inline parsing), when
  installed: the project does not depend on it (no wheels for CPython 3.13; see the issue).

Imports are timed as the CPU that `import X` takes in a fresh interpreter (best of `--imports`
runs); `postmortem.body` includes markdown-it and building the parser.

Issue #14, the body parse (2 shared cores under load; CPU; before = the code before the pass,
after = the same code with only body.py changed, run alternately):

    this script, ms per file        before   after
    body's block parse                1.05    0.50   (stock markdown-it-py 1.53-1.64)
    parse_body (parse + walk)         1.72    1.10
    readable text of all blocks       0.52    0.36   (generated; shared corpus 0.34 -> 0.30
                                                      for the blocks with inline markup)
    markdown-it-pyrs tree             0.37           (not adopted, see below)
    import markdown_it              26-40          ; markdown_it_pyrs about 1

    profile_validate.py (100 files), ms per file, two paired runs
    parse (frontmatter + blocks)      2.45 / 2.37     1.74 / 1.78
    inline parsing of prose blocks    0.43 / 0.43     0.30 / 0.30
    total                            10.11 / 9.82     8.97 / 8.97
    ratio to proselint (CPU)         1.00x / 0.97x    0.89x / 0.88x

    peers.py --only startup,one-file,full (--repeat 5), two paired runs, CPU ratio
    validate 300 files, 1 core       1.05x / 1.00x    0.93x / 0.93x  vs proselint
    validate 1 file                  2.09x / 2.11x    2.12x / 2.10x  (parse is ~1 ms of ~300)
    --version, --help                unchanged

markdown-it-pyrs 0.4.0 (Apache-2.0, the Rust markdown-it) was not adopted: it has wheels for
CPython 3.11 and 3.12 (Linux x86_64 and aarch64, macOS x86_64 and arm64) but none for 3.13, no
release since October 2024, and calls itself Beta; the only 3.13 build is another uploader's
repackage (markdown-it-pyrs-abi3). Installing from wheels only would fail on 3.13.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tools")]

from markdown_it import MarkdownIt  # noqa: E402

from postmortem.body import _MD, parse_body  # noqa: E402
from postmortem.document import split_lines  # noqa: E402

from generate import generate  # noqa: E402


def cpu_ms_per_file(parse, bodies: list, rounds: int) -> float:
    for body in bodies[:5]:
        parse(body)  # warm
    start = time.process_time()
    for _ in range(rounds):
        for body in bodies:
            parse(body)
    return (time.process_time() - start) / rounds / len(bodies) * 1000


def import_cpu_ms(module: str, runs: int) -> float:
    """Best CPU time of importing `module` in `runs` fresh interpreters, in ms."""
    code = (
        "import time; t = time.process_time(); import "
        + module
        + "; print(time.process_time() - t)"
    )
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "tools")}
    best = min(
        float(
            subprocess.run(
                [sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True
            ).stdout
        )
        for _ in range(runs)
    )
    return best * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--words", type=int, default=1600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--imports", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), args.files, args.words)
        lines = [split_lines(path.read_text("utf-8")) for path in paths]
    texts = ["\n".join(body) for body in lines]
    stock = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")
    rows = [
        ("markdown-it-py, stock (block rules)", cpu_ms_per_file(lambda t: stock.parse(t, {}), texts, args.rounds)),
        ("markdown-it-py, the body's parser", cpu_ms_per_file(lambda t: _MD.parse(t, {}), texts, args.rounds)),
        ("parse_body (parse + walk)", cpu_ms_per_file(lambda ls: parse_body(ls, 0), lines, args.rounds)),
    ]  # fmt: skip
    pyrs = importlib.util.find_spec("markdown_it_pyrs") is not None
    if pyrs:
        import markdown_it_pyrs

        fast = markdown_it_pyrs.MarkdownIt("commonmark").enable("table")
        rows.append(
            ("markdown-it-pyrs tree (with inline)", cpu_ms_per_file(fast.tree, texts, args.rounds))
        )
    base = rows[0][1]
    print(
        f"{len(texts)} generated post-mortems of ~{args.words} words; CPU ms per file, one process"
    )
    for name, ms in rows:
        print(f"  {name:<38} {ms:6.3f}  {ms / base:5.2f}x stock")

    print(f"\nimport in a fresh interpreter, CPU ms (best of {args.imports})")
    modules = ["markdown_it", "postmortem.body"] + (["markdown_it_pyrs"] if pyrs else [])
    for module in modules:
        print(f"  {module:<38} {import_cpu_ms(module, args.imports):6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
