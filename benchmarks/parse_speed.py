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
