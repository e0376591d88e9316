"""Validation speed on a large archive: full check, and `--changed-since` with one file changed.

    python benchmarks/validate_archive.py [--count 10000] [--words 800]

Prints: full validation time, the one-file `--changed-since` time, and the floor (reading and
parsing every frontmatter in one process), so the changed-since figure can be compared with it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import TODAY, generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CLI = [str(ROOT / ".venv" / "bin" / "postmortem")]


def timed(args: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=3600)
    return time.perf_counter() - start, result


def git(cwd: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@example.com",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@example.com",
    }
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=800)
    parser.add_argument("--today", default=TODAY)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        archive = repo / "postmortems"
        paths = generate(archive, args.count, args.words)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "archive")

        # Floor: read every file and parse its frontmatter with libyaml, in one process.
        floor_code = (
            "import sys, pathlib, yaml\n"
            "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.md')):\n"
            "    text = p.read_text('utf-8')\n"
            "    yaml.load(text.split('\\n---', 1)[0][4:], Loader=yaml.CSafeLoader)\n"
        )
        floor, _ = timed([sys.executable, "-c", floor_code, str(archive)], repo)

        full, result = timed(
            [*CLI, "validate", "--format", "json", "--today", args.today, "postmortems"], repo
        )
        assert result.returncode in (0, 1), result.stderr
        findings = result.stdout.count('"rule"')

        changed = paths[len(paths) // 2]
        changed.write_text(
            changed.read_text("utf-8").replace("## Summary\n", "## Summary\n\nEdited.\n"), "utf-8"
        )
        one, result = timed(
            [
                *CLI,
                "validate",
                "--format",
                "json",
                "--today",
                args.today,
                "--changed-since",
                "main",
                "postmortems",
            ],
            repo,
        )
        assert result.returncode in (0, 1), result.stderr
        assert '"files_checked": 1' in result.stdout, result.stdout[:200]

    print(f"archive: {args.count} post-mortems of ~{args.words} words, {os.cpu_count()} cores")
    print(f"full validation:          {full:7.2f} s  ({findings} findings)")
    print(f"--changed-since, 1 file:  {one:7.2f} s  (goal: <= 2 s)")
    print(f"floor (parse all frontmatter, 1 process): {floor:7.2f} s  -> ratio {one / floor:.2f}x")


if __name__ == "__main__":
    main()
