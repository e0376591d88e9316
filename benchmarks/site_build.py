"""Build time of a 1,000-post-mortem archive: with the plugin, against plain MkDocs.

    .venv/bin/python benchmarks/site_build.py [--count 1000] [--repeat 2] [--auto-nav]

Both builds use the repository's mkdocs.yml (Material, search, tags, the same Markdown
extensions) on the same 1,000 generated post-mortem files; the plain build drops the
`postmortems` plugin and reads the files as ordinary pages from docs/postmortems/. Both keep
the post-mortem pages out of the sidebar (as the plugin's site does: the archive table is the
way in); `--auto-nav` also times plain MkDocs with its default navigation listing every page,
which Material renders into every page and which is much slower.

Each build runs in its own process; the best of `--repeat` runs is kept. Goal: ratio <= 1.3.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

from postmortem.site.sample import write_sample_archive  # noqa: E402

PLAIN_NAV = """
nav:
  - Home: index.md
  - About: about.md

not_in_nav: |
  /postmortems/
"""


def build(root: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one `mkdocs build` in a child process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"mkdocs build failed in {root}:\n{result.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def plain_config(config: str, auto_nav: bool) -> str:
    """The repository's mkdocs.yml without the plugin (and its navigation, for --auto-nav)."""
    config = re.sub(r"\n  - postmortems:\n(?:      .*\n|\s*#.*\n)*", "\n", config)
    config = re.sub(r"\nnav:\n(?:  .*\n)+", "\n", config)
    config = re.sub(r"\nnot_in_nav: \|\n(?:  .*\n)+", "\n", config)
    config = config.replace("strict: true", "strict: false")
    return config if auto_nav else config + PLAIN_NAV


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--auto-nav", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    assert "  - postmortems:" in config
    work = Path(tempfile.mkdtemp(prefix="site-bench-"))
    try:
        with_plugin = work / "with-plugin"
        shutil.copytree(REPO / "docs", with_plugin / "docs")
        (with_plugin / "mkdocs.yml").write_text(config.replace("strict: true", "strict: false"))
        files = write_sample_archive(with_plugin / "postmortems", args.count, seed=11)

        plain = work / "plain"
        shutil.copytree(REPO / "docs", plain / "docs")
        shutil.copytree(with_plugin / "postmortems", plain / "docs" / "postmortems")
        (plain / "docs" / "index.md").write_text("# Post-mortems\n\nPlain MkDocs build.\n")
        (plain / "mkdocs.yml").write_text(plain_config(config, auto_nav=False))

        runs: dict[str, list[tuple[float, float]]] = {"plugin": [], "plain": []}
        for _ in range(args.repeat):
            runs["plain"].append(build(plain))
            runs["plugin"].append(build(with_plugin))
        pages = sum(1 for _ in (with_plugin / "site").rglob("index.html"))
        wall = {k: min(t[0] for t in v) for k, v in runs.items()}
        cpu = {k: min(t[1] for t in v) for k, v in runs.items()}
        print(f"post-mortems: {len(files)}  (plugin site: {pages} HTML pages)")
        for name, times in runs.items():
            listed = ", ".join(f"{w:.2f}/{c:.2f}" for w, c in times)
            print(
                f"{name:>7}: best wall {wall[name]:.2f} s, best CPU {cpu[name]:.2f} s  "
                f"(runs wall/CPU: {listed})"
            )
        print(
            f"  ratio plugin/plain: wall {wall['plugin'] / wall['plain']:.2f}x, "
            f"CPU {cpu['plugin'] / cpu['plain']:.2f}x  (goal <= 1.30x; CPU time is the steadier "
            "figure on a shared machine)"
        )
        best = wall
        if args.auto_nav:
            auto = work / "plain-auto-nav"
            shutil.copytree(plain / "docs", auto / "docs")
            (auto / "mkdocs.yml").write_text(plain_config(config, auto_nav=True))
            seconds, _ = build(auto)
            print(
                f"plain MkDocs with default navigation (every page in the sidebar): {seconds:.2f} s "
                f"-> plugin / that = {best['plugin'] / seconds:.2f}x"
            )
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
