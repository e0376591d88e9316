"""What a person waits for, each figure as a ratio against its peer measured in the same run.

Run from the repository root (`make bench` runs it with the defaults):

    .venv/bin/python benchmarks/peers.py [--only startup,one-file,full,changed,site,resync]
        [--repeat 5] [--files 300] [--words 1600] [--archive 10000] [--site-count 300]
        [--items 1000]

Every figure is measured as paired runs (ours, then the peer, `--repeat` times, alternating)
in fresh processes, and the median of each is kept. CPU time (user + system of the process
and its children, from getrusage) is printed beside wall time: on a shared machine the wall
figure depends on what else runs, the CPU figure much less. Each line says on what footing
the two are compared (processes, checks, files).

  startup   `postmortem --version` / `--help` against `ruff --version` / `--help` (ruff is a
            test dependency, in the venv); goal < 50 ms wall.
  one-file  `postmortem validate FILE` against `proselint check FILE` with proselint's own
            defaults (the pre-commit hook on one commit); goal ratio <= 1.
  full      `postmortem validate --workers 1` against `proselint check` on the same files, one
            process each, proselint restricted (by a generated .proselintrc.json) to exactly
            the proselint checks `validate` runs; goal ratio <= 0.25 in CPU.
  changed   `validate --changed-since main` with 1 of `--archive` files changed (the pull
            request), cold (no index cache) and warm, against validating the same file
            directly; goal <= 0.5 s wall.
  site      `mkdocs serve --dirty`: time from saving one post-mortem to "Reloading browsers",
            with the plugin against plain MkDocs reading the same files as pages (goal <= 3x);
            peak memory (max RSS) of `mkdocs build`, plugin against plain (goal <= 1.3x).
  resync    `postmortem sync` of `--items` unchanged action items against the floor: a fresh
            Python process listing the same issues with urllib (same requests, no PyGithub).

Before issue #14's changes (2 shared cores, other jobs running; --repeat 3, --files 100, the
other sizes as defaults), ratio ours/peer, wall and CPU:

    postmortem --version             109 ms   29x wall   48x CPU  vs ruff
    postmortem --help                446 ms  159x wall  187x CPU  vs ruff
    validate 1 file                  326 ms  2.32x wall 2.30x CPU vs proselint check
    validate 100 files, 1 core      1482 ms  1.32x wall 1.33x CPU vs proselint, same 91 checks
    --changed-since 1 of 10000 cold 1353 ms  3.13x wall 3.02x CPU vs validate FILE
    --changed-since 1 of 10000 warm 1266 ms  2.55x wall 2.99x CPU vs validate FILE
    serve --dirty, project config    does not start (strict mode aborts on the dirty warning)
    serve --dirty reload, 300 pm    4982 ms  7.21x wall 13.4x CPU vs plain MkDocs (strict off)
    mkdocs build peak memory          70 MiB 1.34x              vs plain MkDocs (53 MiB)
    re-sync, 1000 unchanged items    826 ms  4.31x wall 6.74x CPU vs listing with urllib
    sync --offline --dry-run         573 ms  43x wall   41x CPU   vs python -c pass

After (same machine, load average 13-17 from the other helpers: wall figures are inflated,
CPU figures are the ones to compare; --files 300):

    postmortem --version              12 ms CPU  4.6x CPU vs ruff (no click, nothing imported)
    postmortem --help                 57 ms CPU   22x CPU vs ruff (click only)
    validate 1 file                  328 ms CPU  2.09x CPU vs proselint check
    validate 300 files, 1 core      5417 ms CPU  1.68x CPU vs proselint, same 91 checks
    --changed-since 1 of 10000 warm  476 ms CPU  1.65x CPU vs validate FILE (LE101 included;
                                     487 ms with a similar incident to report; was 2525 ms)
    --changed-since ... -LE101       481 ms CPU  1.70x CPU vs validate FILE (the id index)
    --changed-since 1 of 10000 cold 3500 ms CPU   12x CPU vs validate FILE (no caches: the
                                     words of every file read once; was 6.1-6.7 s)
    serve --dirty, project config    starts
    serve --dirty reload, 300 pm     820 ms CPU  2.48x CPU, 2.80x wall vs plain MkDocs
    mkdocs build peak memory          72 MiB 1.37x vs plain (53 MiB); was 100 MiB, 1.90x, with
                                     numpy and scipy imported for similar incidents
    re-sync, 1000 unchanged items    766 ms CPU  8.05x CPU vs listing with urllib
    sync --offline --dry-run         502 ms CPU  41x CPU  vs python -c pass (no PyGithub)

Rules added meanwhile by other issues (similar incidents LE101, more blameless wording, the
sync settings schema) weigh on several of these; see the issue's closing note.

Second pass (--only startup,one-file,full --repeat 3 --files 300, load average about 3; the
code at the start of the pass run back to back with the code after it, both against the
peer of their own run; "after" includes the other helpers' work landed meanwhile):

                                      before             after
    postmortem --version               13 ms CPU          13 ms CPU   (4x ruff)
    postmortem --help                  60 ms CPU          46 ms CPU, 46 ms wall
    validate 1 file                  2.49x CPU          2.08x CPU  vs proselint check
    validate 1 file, with settings   2.77x CPU          2.15x CPU  (the project's .postmortem.yml)
    validate 300 files, 1 core       1.30x CPU          1.00x CPU  vs proselint, same checks

One-file pass (the pre-commit hook; load average about 4; medians of 8 runs of each, the code
before the pass and after it alternated with proselint in one run, both with compiled .pyc
files and after a first run):

                                      before             after
    validate 1 file                   282 ms CPU 2.05x   214 ms CPU 1.55x  vs proselint 138 ms
    validate 1 file, with settings    281 ms CPU 2.01x   216 ms CPU 1.55x  vs proselint 139 ms

Most of the gain is the regular expressions a run compiled at every start (about 300: the
blame data, the rules, proselint's checks; postmortem/recache.py keeps them compiled in the
package's __pycache__); subprocess, tomllib, zoneinfo and difflib are no longer imported by a
hook run. What is left is mostly imports (click 14 ms, markdown-it 14 ms, the blame language
data and modules 28 ms, the rules 15 ms, about 40 dataclasses) and proselint's own RE2 sets
(25 ms, which proselint pays too).

Third pass (the hook, the pull request, the site's memory; --only startup,one-file,changed,site
--repeat 3, load average 3-7; "before" is the code at the start of the pass with its .pyc
files, run right before "after" on the same machine; "after" includes the other helpers' work
landed meanwhile, among it a faster body parser):

                                      before             after
    postmortem --version               11 ms CPU          11 ms CPU   (4.5x ruff)
    postmortem --help                  45 ms CPU          16 ms CPU   (the text click made, kept)
    validate 1 file                  1.60x CPU          1.20x CPU  vs proselint check (217 -> 162 ms)
    validate 1 file, with settings   1.60x CPU          1.18x CPU
    --changed-since 1 of 10000 warm   426 ms CPU         317 ms CPU, 304 ms wall (was 553)
    ... with a similar incident       404 ms CPU         318 ms CPU
    ... -LE101                        378 ms CPU         285 ms CPU
    mkdocs build peak memory           72 MiB 1.37x       60 MiB 1.14x  vs plain (53 MiB)

The one-file run: the process ends with os._exit once its report is flushed (the teardown
was 30 ms); the methods `dataclasses` writes are compiled once and kept (fncache.py, 15 ms);
the blame language data is kept loaded (datacache.py, 8 ms); no cycle collection while one
file is checked (10 ms). `--help` printed the text click made for it in an earlier run
(15-16 ms); that cache was removed again (its tests raced on the shared file under xdist, and
click's own --help is 30-40 ms CPU, inside the 50 ms goal). The site: documents keep what the pages read, and the pages are
generated in a forked process that sends back only the pages. This benchmark compiles the
project's bytecode first: where PYTHONDONTWRITEBYTECODE is set, the project ran from source
(about 45 ms more CPU for one file) while its peers ran from the .pyc files pip wrote.

Fourth pass (the hook alone; --only one-file --repeat 5, load average about 1; "before" is the
code at the start of the pass, compiled, run in the same loop as "after" and proselint, CPU
medians of 15-21 paired runs; peers.py's own figures after it):

                                      before             after
    validate 1 file                  1.17-1.20x CPU     1.12x CPU  vs proselint check (157-167 ->
                                                                  149-154 ms, proselint 134-139)
    validate 1 file, with settings   1.19x CPU          1.14x CPU

The given names of the blame checker (19,800) are kept as one string per two-letter prefix
(lexicon.NameSet) instead of a frozenset built at every start (load_language 8.0 -> 4.4 ms);
blake2b and sha256 come from their own modules, without hashlib's OpenSSL import (2.3 ms);
the generated schema gate no longer imports decimal (1.2 ms); one file with no other
post-mortem gets no similarity profile, which LE101 needs only to compare two (3-4 ms with
PyStemmer); recache.py no longer rewrites its 650 KB file in every run for the two patterns
proselint and markdown-it build from sets in hash-seed order (1.7 ms). Not reached: ratio <= 1. What is left above proselint is what it does not import
(click 8-9 ms, markdown-it 10-12 ms, PyYAML 5 ms, about 45 dataclass definitions) and the
checks it does not run (blameless wording, secrets: 9 RE2 patterns compiled at import, 3 ms).

Fifth pass (start-up; --only startup,one-file --repeat 5; "before" is main at the start of the
pass, load average 0.1; "after" at load average 4-6, so its wall figures are inflated; the
paired line is the code before and after alternated with proselint in one loop, 25 runs each):

                                      before             after
    postmortem --help                  47 ms CPU          38 ms CPU  (os._exit once printed)
    validate 1 file                  1.10x CPU          1.06x CPU  vs proselint check
    validate 1 file, with settings   1.12x CPU          1.04x CPU
    ... paired, one loop             155 ms / 1.10x     149 ms / 1.05x  (proselint 141 ms)
    ... paired, with settings        159 ms / 1.12x     152 ms / 1.07x  (proselint 143 ms)
    --changed-since 1 of 10000 warm   317 ms CPU         313 ms CPU  (third pass -> now)

The plain forms of `validate` (files or folders with --format, --today, --config, --select,
--ignore, --changed-since, -q) no longer import click (postmortem/hook.py; everything else
falls back to click before any work, 5-6 ms); a settings file's JSON-Schema sections are
digested without hashlib's OpenSSL import (2 ms). Not reached: ratio <= 1. What is left above
proselint is what it does not import or run: markdown-it (9 ms under -X importtime), PyYAML
(4 ms), the blame language module (clauses: 6-7 ms at import), about 43 dataclass definitions
(6.5 ms, 1 ms of it inspect.signature for the classes without a docstring) and the rules.

Sixth pass (start-up; load average about 1; "paired" alternates the tree with and without this
pass's two changes, each with proselint check, 25 runs, bytecode compiled first):

                                      before             after
    ... paired, one loop             147 ms / 1.08x     143-149 ms / 1.06x  (proselint 135-140)
    peers.py --only startup,one-file                    1.06x CPU (1.06x with settings);
                                                        --version 11 ms, --help 36 ms CPU

The secrets rule's ten RE2 patterns are compiled when the RE2 set of them first finds one in
a text (2.3 ms at import before; a text without secrets compiles none), and the sixteen
dataclasses of the hook's run have docstrings (dataclass built them with inspect.signature,
about 1 ms). The blame language's cost at import (clauses, 7-8 ms under -X importtime) is not
the module's own code: it is `load_language()` read from postmortem.datacache (the key hashes
455 KB of data and code, 1.1 ms; the file's marshal and check, 1.5 ms; rebuilding 5,300 stored
nodes, 2.5 ms; 129 regular expressions from recache). Decoding with the primitives inlined and
the 1,572 stored frozensets shared (489 distinct) measured no faster, and is not done.
markdown-it's 9 ms is its package importing every parser and rule module from main.py; the
parts body.py uses cannot be had without it short of replacing its modules in sys.modules.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = ROOT / ".venv" / "bin"
sys.path[:0] = [str(HERE), str(ROOT / "tools"), str(ROOT / "tests"), str(ROOT / "tests" / "sync")]

from generate import TODAY, committed_archive, generate  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
ENV.pop("GITHUB_ACTIONS", None)
ENV.pop("GITHUB_STEP_SUMMARY", None)


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall and CPU seconds (the command and its children) of one command; its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=1800, env=env or ENV
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"failed ({done.returncode}): {' '.join(args)}\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def paired(
    ours: Callable[[], tuple[float, float, str]],
    peer: Callable[[], tuple[float, float, str]],
    repeat: int,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median (wall, CPU) of ours and of the peer, run alternately `repeat` times each."""
    a: list[tuple[float, float]] = []
    b: list[tuple[float, float]] = []
    for _ in range(repeat):
        a.append(ours()[:2])
        b.append(peer()[:2])
    med = statistics.median
    return (med(w for w, _ in a), med(c for _, c in a)), (
        med(w for w, _ in b),
        med(c for _, c in b),
    )


FIGURES: list[str] = []


def report(
    name: str,
    ours: tuple[float, float],
    peer: tuple[float, float],
    peer_name: str,
    footing: str,
    goal: str,
) -> None:
    line = (
        f"{name:<34} ours {ours[0] * 1000:8.0f} ms wall {ours[1] * 1000:8.0f} ms CPU | "
        f"{peer_name} {peer[0] * 1000:8.0f} ms wall {peer[1] * 1000:8.0f} ms CPU | "
        f"ratio {ours[0] / peer[0]:5.2f}x wall {ours[1] / max(peer[1], 1e-9):5.2f}x CPU  ({goal})"
    )
    print(line)
    print(f"{'':<34} footing: {footing}")
    FIGURES.append(line)


def pm(*args: str) -> list[str]:
    return [str(BIN / "postmortem"), *args]


# -- startup ------------------------------------------------------------------------------
def bench_startup(args: argparse.Namespace, work: Path) -> None:
    ruff = BIN / "ruff"
    if not ruff.exists():
        print("startup: ruff is not installed in the venv; comparing with `python -c pass`")
        peer_cmd = [sys.executable, "-c", "pass"]
    for flag in ("--version", "--help"):
        peer = [str(ruff), flag] if ruff.exists() else peer_cmd
        ours, theirs = paired(
            lambda f=flag: run(pm(f), work), lambda p=peer: run(p, work), args.repeat * 2
        )
        report(
            f"postmortem {flag}",
            ours,
            theirs,
            "ruff" if ruff.exists() else "python",
            "one process each, nothing read",
            "goal < 50 ms wall",
        )


# -- validation ---------------------------------------------------------------------------
def proselint_config(work: Path) -> tuple[Path, int]:
    """A proselint configuration enabling exactly the proselint checks `validate` runs."""
    from postmortem.rules.prose import DEFAULT_CHECKS, _all_checks, enabled_checks

    ours = enabled_checks(("default",))
    flags = {family: False for family in {c.path.split(".")[0] for c in _all_checks()}}
    for check in ours:
        flags[check.path] = True
    path = work / "proselintrc.json"
    path.write_text(json.dumps({"max_errors": 10**9, "checks": flags}), "utf-8")
    assert DEFAULT_CHECKS
    return path, len(ours)


def bench_one_file(args: argparse.Namespace, work: Path) -> None:
    folder = work / "one"
    (path,) = generate(folder, 1, args.words, seed=5)
    # The hook runs inside a repository, which usually has settings: the project's own
    # `.postmortem.yml` (with its `sync:` section), found from the working directory.
    repo = work / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copy(ROOT / ".postmortem.yml", repo / ".postmortem.yml")
    for name, cwd, footing in (
        ("validate 1 file (pre-commit)", work, "no settings file"),
        ("validate 1 file, with settings", repo, "ours reads the project's .postmortem.yml"),
    ):
        ours, theirs = paired(
            lambda cwd=cwd: run(pm("validate", "--today", TODAY, str(path)), cwd),
            lambda cwd=cwd: run([str(BIN / "proselint"), "check", str(path)], cwd),
            args.repeat * 2,
        )
        report(
            name,
            ours,
            theirs,
            "proselint check",
            f"one process each, the same file (~{args.words} words); ours: every rule, "
            f"proselint: its default checks; {footing}",
            "goal ratio <= 1.0",
        )


def bench_full(args: argparse.Namespace, work: Path) -> None:
    folder = work / "full" / "postmortems"
    generate(folder, args.files, args.words)
    config, count = proselint_config(work)
    ours_cmd = pm("validate", "--workers", "1", "--format", "json", "--today", TODAY, str(folder))
    peer_cmd = [str(BIN / "proselint"), "check", "--config", str(config), str(folder)]
    repeat = max(1, args.repeat // 2)
    ours, theirs = paired(lambda: run(ours_cmd, work), lambda: run(peer_cmd, work), repeat)
    report(
        f"validate {args.files} files, 1 core",
        ours,
        theirs,
        "proselint check",
        f"one process each, the same {args.files} files (~{args.words} words), the same "
        f"{count} proselint checks (ours also runs every other rule)",
        "goal ratio <= 0.25 CPU",
    )


def _drop_index_cache(repo: Path) -> None:
    for cached in (repo / ".git").glob("postmortem*"):
        if cached.is_dir():
            shutil.rmtree(cached)
        else:
            cached.unlink()


def bench_changed(args: argparse.Namespace, work: Path) -> None:
    repo = work / "pr"
    # With the project's similarity examples: a changed file with a similar incident to report.
    paths = committed_archive(repo, args.archive, 300, seed=3)
    cmd = pm("validate", "--format", "json", "--today", TODAY, "--changed-since", "main")
    matched = repo / "postmortems" / "2026-01-19-payments-gateway-handshake-failures.md"
    for label, changed in (("", paths[len(paths) // 2]), (", a match", matched)):
        subprocess.run(["git", "checkout", "-q", "--", "postmortems"], cwd=repo, check=True)
        changed.write_text(changed.read_text("utf-8") + "\nEdited.\n", "utf-8")
        direct = pm("validate", "--format", "json", "--today", TODAY, str(changed))

        def cold(direct: list[str] = direct) -> tuple[float, float, str]:
            _drop_index_cache(repo)
            result = run(cmd, repo)
            assert '"files_checked": 1' in result[2], result[2][:300]
            return result

        ours, theirs = paired(cold, lambda d=direct: run(d, repo), args.repeat)
        report(
            f"--changed-since, 1 of {args.archive}{label}, cold",
            ours,
            theirs,
            "validate FILE",
            "one process each (+ git); peer: the same changed file validated directly, no "
            "archive index; cold: no caches (a fresh CI checkout)"
            + ("; the file has a similar incident (LE101 note)" if label else ""),
            "goal <= 500 ms wall (#14), < 2 s (#15)",
        )
        notes = run(cmd, repo)[2].count('"LE101"')  # and fill the caches
        assert notes == (1 if label else 0), notes
        ours, theirs = paired(lambda: run(cmd, repo), lambda d=direct: run(d, repo), args.repeat)
        report(
            f"--changed-since, 1 of {args.archive}{label}, warm",
            ours,
            theirs,
            "validate FILE",
            "as above, a second run in the same checkout",
            "goal <= 500 ms wall",
        )
    # LE101 (similar incidents) compares the changed file with every other one: what the
    # archive index alone costs, without it.
    without = [*cmd, "--ignore", "LE101"]
    direct_without = [*direct, "--ignore", "LE101"]
    run(without, repo)
    ours, theirs = paired(
        lambda: run(without, repo), lambda: run(direct_without, repo), args.repeat
    )
    report(
        f"--changed-since 1 of {args.archive} -LE101",
        ours,
        theirs,
        "validate FILE",
        "as above (warm), both with --ignore LE101: the id index without the similarity rule",
        "goal <= 500 ms wall",
    )


# -- site ---------------------------------------------------------------------------------
def _plain_config(config: str) -> str:
    config = re.sub(r"\n  - postmortems:\n(?:      .*\n|\s*#.*\n)*", "\n", config)
    config = re.sub(r"\nnav:\n(?:  .*\n)+", "\n", config)
    config = re.sub(r"\nnot_in_nav: \|\n(?:  .*\n)+", "\n", config)
    # Plain MkDocs cannot serve --dirty in strict mode (it warns on every dirty build).
    config = config.replace("strict: true", "strict: false")
    return (
        config
        + "\nnav:\n  - Home: index.md\n  - About: about.md\n\nnot_in_nav: |\n  /postmortems/\n"
    )


def _sites(work: Path, count: int) -> tuple[Path, Path, list[Path]]:
    from postmortem.site.sample import write_sample_archive

    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    with_plugin = work / "with-plugin"
    shutil.copytree(ROOT / "docs", with_plugin / "docs")
    (with_plugin / "mkdocs.yml").write_text(config)
    files = write_sample_archive(with_plugin / "postmortems", count, seed=11)
    plain = work / "plain"
    shutil.copytree(ROOT / "docs", plain / "docs")
    shutil.copytree(with_plugin / "postmortems", plain / "docs" / "postmortems")
    (plain / "docs" / "index.md").write_text("# Post-mortems\n\nPlain MkDocs build.\n")
    (plain / "mkdocs.yml").write_text(_plain_config(config))
    return with_plugin, plain, sorted(files)


def max_rss(args: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall, CPU and peak resident memory (MiB) of a command, measured in a fresh wrapper."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stderr.write(r.stderr.decode()[-2000:]) if r.returncode else None\n"
        "print(time.perf_counter() - t, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024, r.returncode)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, env=ENV
    )
    wall, cpu, rss, rc = out.stdout.split()
    if rc != "0":
        raise SystemExit(f"failed: {' '.join(args)} in {cwd}\n{out.stderr}")
    return float(wall), float(cpu), float(rss)


class Serve:
    """`mkdocs serve --dirty` in the background; waits for a rebuild after an edit."""

    def __init__(self, root: Path, port: int) -> None:
        self.lines: list[str] = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "serve",
                "--dirty",
                "-a",
                f"127.0.0.1:{port}",
            ],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=ENV,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()

    def wait_for(self, text: str, after: int, timeout: float = 900) -> int:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i in range(after, len(self.lines)):
                    if text in self.lines[i]:
                        return i + 1
                if self.proc.poll() is not None:
                    raise SystemExit("mkdocs serve stopped:\n" + "".join(self.lines[-30:]))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SystemExit(
                        f"no '{text}' from mkdocs serve:\n" + "".join(self.lines[-30:])
                    )
                self.cond.wait(min(left, 1))

    def cpu(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)


def reload_times(root: Path, edited: Path, port: int, repeat: int) -> list[tuple[float, float]]:
    serve = Serve(root, port)
    try:
        seen = serve.wait_for("Serving on", 0)
        times = []
        for n in range(repeat):
            text = edited.read_text("utf-8")
            cpu0 = serve.cpu()
            start = time.perf_counter()
            edited.write_text(text.replace("## Summary\n", f"## Summary\n\nEdit {n}.\n", 1))
            seen = serve.wait_for("Reloading browsers", seen)
            times.append((time.perf_counter() - start, serve.cpu() - cpu0))
            time.sleep(0.5)
        return times
    finally:
        serve.stop()


def strict_serve_starts(root: Path, port: int) -> str:
    """Whether `mkdocs serve --dirty` starts with the project's own mkdocs.yml (strict)."""
    serve = Serve(root, port)
    try:
        serve.wait_for("Serving on", 0)
        return "starts"
    except SystemExit as stopped:
        last = [line for line in str(stopped).splitlines() if line.strip()][-1:]
        return f"does NOT start ({' '.join(last)[:160]})"
    finally:
        if serve.proc.poll() is None:
            serve.stop()


def bench_site(args: argparse.Namespace, work: Path) -> None:
    with_plugin, plain, files = _sites(work / "site", args.site_count)
    name = files[len(files) // 2].name
    verdict = strict_serve_starts(with_plugin, 8764)
    line = f"{'serve --dirty, project mkdocs.yml':<34} {verdict}"
    print(line)
    FIGURES.append(line)
    if not verdict.startswith("starts"):
        for root in (with_plugin, plain):
            config = root / "mkdocs.yml"
            config.write_text(config.read_text().replace("strict: true", "strict: false"))
    ours = reload_times(with_plugin, with_plugin / "postmortems" / name, 8765, args.repeat)
    theirs = reload_times(plain, plain / "docs" / "postmortems" / name, 8766, args.repeat)
    med = statistics.median
    report(
        f"serve --dirty reload, {args.site_count} pm",
        (med(w for w, _ in ours), med(c for _, c in ours)),
        (med(w for w, _ in theirs), med(c for _, c in theirs)),
        "plain MkDocs",
        "one `mkdocs serve --dirty` each (ours: the project's mkdocs.yml; plain: without the "
        "plugin, strict off), the same edit to the same post-mortem; time from the save to "
        "'Reloading browsers' (includes the watcher's wait)",
        "goal <= 3x wall",
    )
    mk = [sys.executable, "-m", "mkdocs", "build", "--quiet"]
    a: list[tuple[float, float, float]] = []
    b: list[tuple[float, float, float]] = []
    for _ in range(max(1, args.repeat // 2)):
        a.append(max_rss(mk, with_plugin))
        b.append(max_rss(mk, plain))
    rss_a, rss_b = med(r for *_, r in a), med(r for *_, r in b)
    report(
        f"mkdocs build, {args.site_count} pm",
        (med(w for w, _, _ in a), med(c for _, c, _ in a)),
        (med(w for w, _, _ in b), med(c for _, c, _ in b)),
        "plain MkDocs",
        "one `mkdocs build` process each, the same files (plain: as ordinary pages)",
        "time: for information",
    )
    line = (
        f"{'mkdocs build peak memory':<34} ours {rss_a:8.0f} MiB | plain MkDocs {rss_b:8.0f} MiB | "
        f"ratio {rss_a / rss_b:5.2f}x  (goal <= 1.3x)"
    )
    print(line)
    FIGURES.append(line)


# -- sync ---------------------------------------------------------------------------------
LIST = """
import json, sys, urllib.request
url, token = sys.argv[1], sys.argv[2]
n = 0
while url:
    req = urllib.request.Request(url, headers={"Authorization": "token " + token,
                                               "Accept": "application/vnd.github+json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        n += len(json.loads(r.read()))
        link = r.headers.get("Link") or ""
    url = next((p.split(";")[0].strip()[1:-1] for p in link.split(",") if 'rel="next"' in p), None)
print(n)
"""


def bench_resync(args: argparse.Namespace, work: Path) -> None:
    from sync_resync import build_archive

    from github_emulator import Emulator
    from sync_helpers import PEOPLE, REPO, TOKEN

    folder = work / "sync"
    build_archive(folder / "postmortems", args.items, 10, 0)  # no departed owners
    env = {**ENV, "GITHUB_TOKEN": TOKEN}
    with Emulator(token=TOKEN) as em:
        em.add_repo(REPO, assignable=PEOPLE)
        cmd = pm("sync", "--repo", REPO, "--api-url", em.url, "--pace", "0")
        # The first sync creates every issue (the default budget spreads 450 writes a run).
        run([*cmd, "--max-writes", str(10 * args.items)], folder, env)
        assert len(em.issues(REPO)) == args.items
        listing = [
            sys.executable,
            "-c",
            LIST,
            f"{em.url}/repos/{REPO}/issues?state=all&per_page=100&labels=post-mortem",
            TOKEN,
        ]
        em.reset_counts()
        ours, theirs = paired(lambda: run(cmd, folder, env), lambda: run(listing, folder, env), 3)
        writes = em.writes
    report(
        f"re-sync, {args.items} unchanged items",
        ours,
        theirs,
        "list with urllib",
        "one process each; peer: the same issue listing (pages of 100) with urllib and json, "
        f"nothing else; writes during the re-syncs: {writes}",
        "for information",
    )
    offline = pm("sync", "--offline", "--dry-run", "postmortems")
    ours, theirs = paired(
        lambda: run(offline, folder, env), lambda: run(listing[:1] + ["-c", "pass"], folder), 3
    )
    report(
        "sync --offline --dry-run",
        ours,
        theirs,
        "python -c pass",
        "one process each; the plan with no GitHub at all (PyGithub should not be imported)",
        "for information",
    )


BENCHES = {
    "startup": bench_startup,
    "one-file": bench_one_file,
    "full": bench_full,
    "changed": bench_changed,
    "site": bench_site,
    "resync": bench_resync,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated benchmarks")
    parser.add_argument("--repeat", type=int, default=5, help="paired runs per figure")
    parser.add_argument("--files", type=int, default=300, help="full validation: files")
    parser.add_argument("--words", type=int, default=1600, help="words per post-mortem")
    parser.add_argument("--archive", type=int, default=10_000, help="--changed-since archive")
    parser.add_argument("--site-count", type=int, default=300, help="site: post-mortems")
    parser.add_argument("--items", type=int, default=1000, help="re-sync: action items")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    chosen = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = set(chosen) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; medians of paired runs")
    # Equal footing: the peers run from compiled bytecode (pip writes it when it installs them);
    # so does the project, even where PYTHONDONTWRITEBYTECODE kept its editable install from
    # writing it.
    import compileall

    compileall.compile_dir(ROOT / "tools", quiet=2)
    work = Path(tempfile.mkdtemp(prefix="peers-"))
    try:
        for name in chosen:
            started = time.perf_counter()
            BENCHES[name](args, work)
            print(f"{'':<34} ({name}: {time.perf_counter() - started:.0f} s)")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("\nFIGURES")
    for line in FIGURES:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
