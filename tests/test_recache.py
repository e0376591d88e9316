"""The regular expressions a `validate` run compiles, kept between runs (postmortem.recache).

Two real processes validate the same files: the first compiles and writes the cache, the
second reads it. Their findings must be the same, and every pattern the cache holds must be
the pattern `re` compiles from the same text (re.Pattern equality compares the compiled code).
"""

from __future__ import annotations

import json
import marshal
import re
import subprocess
import sys
from pathlib import Path

import pytest

from postmortem import recache

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not recache._USABLE, reason="not CPython's `re` of 3.11+")

PROBE = """
import json, sys
from pathlib import Path
from postmortem import recache
recache.install(Path(sys.argv[1]))
from postmortem.cli import main
sys.argv = ["postmortem", "validate", "--today", "2026-06-01", "--format", "json", *sys.argv[2:]]
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
stats = recache.stats()
recache.save()
sys.stderr.write("\\nSTATS " + json.dumps(stats) + "\\n")
"""

BLAME = """---
id: PM-2099-001
title: Payments failed after a careless deploy
status: draft
severity: P2
---

# Payments failed after a careless deploy

## Summary

Bob forgot to check the config and should have known better. The cache was to blame.
"""


def validate_with_cache(cache: Path, files: list[Path]) -> tuple[dict, tuple[int, int]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(cache), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert "STATS " in done.stderr, done.stderr[-2000:]
    hits, compiled = json.loads(done.stderr.rsplit("STATS ", 1)[1])
    return json.loads(done.stdout), (hits, compiled)


def test_second_run_reads_the_cache_and_finds_the_same(tmp_path: Path) -> None:
    blame = tmp_path / "2099-01-01-careless.md"
    blame.write_text(BLAME, "utf-8")
    files = [blame, *sorted((ROOT / "postmortems").glob("*.md"))[:2]]
    cache = tmp_path / "regex.marshal"
    first, (hits, compiled) = validate_with_cache(cache, files)
    assert hits == 0 and compiled > 100  # the blame data, the rules, proselint
    assert cache.is_file()
    assert any(f["rule"].startswith("BL") for f in first["findings"])  # blame detection ran
    second, (hits2, compiled2) = validate_with_cache(cache, files)
    assert second == first
    assert hits2 > 100
    # What is left compiles from text built in a set's order (proselint's quotes,
    # markdown-it's escapes): it changes with the hash seed, not from run to run of ours.
    assert compiled2 <= 5, compiled2


def test_every_cached_pattern_is_what_re_compiles(tmp_path: Path) -> None:
    cache = tmp_path / "regex.marshal"
    (tmp_path / "a.md").write_text(BLAME, "utf-8")
    validate_with_cache(cache, [tmp_path / "a.md"])
    entries = marshal.loads(cache.read_bytes())["entries"]
    assert len(entries) > 100
    recache.install(cache)
    try:
        original = recache._state["original"]
        for (pattern, flags), _ in entries.items():
            served = recache._compile(pattern, flags)
            assert served == original(pattern, flags), pattern
            assert served.groupindex == original(pattern, flags).groupindex
        assert recache.stats() == (len(entries), 0)
    finally:
        recache.uninstall()
    assert re._compiler.compile is not recache._compile  # uninstalled: re compiles as before


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "regex.marshal"
    cache.write_bytes(b"\x00not marshal data")
    recache.install(cache)
    try:
        re.purge()
        assert re.compile(r"(?P<who>\w+) forgot", re.I).match("Bob forgot").group("who") == "Bob"
        assert recache.stats() == (0, 1)
        recache.save()
    finally:
        recache.uninstall()
        re.purge()
    assert (r"(?P<who>\w+) forgot", int(re.I)) in marshal.loads(cache.read_bytes())["entries"]


def test_a_damaged_entry_is_compiled_again(tmp_path: Path) -> None:
    cache = tmp_path / "regex.marshal"
    key = (r"care(?:less|fully)", 0)
    good = recache._compile_entry(*key)
    damaged = (1, good[0], b"\xff" * len(good[1]), *good[2:])
    cache.write_bytes(marshal.dumps({"format": 1, "writes": 1, "entries": {key: damaged}}))
    recache.install(cache)
    try:
        re.purge()
        assert re.compile(key[0]).fullmatch("careless")
        assert recache.stats() == (0, 1)
    finally:
        recache.uninstall()
        re.purge()


def test_errors_are_res_own(tmp_path: Path) -> None:
    recache.install(tmp_path / "regex.marshal")
    try:
        re.purge()
        with pytest.raises(re.error, match="missing \\)"):
            re.compile("(unclosed")
    finally:
        recache.uninstall()


def test_one_file_run_imports_no_git_or_toml_machinery(tmp_path: Path) -> None:
    """The pre-commit hook's run: what only --changed-since, a pyproject.toml, a misspelt
    setting or an ambiguous time zone needs is not imported (each was a few ms of start-up)."""
    probe = (
        "import sys; from postmortem.launcher import run\n"
        f"sys.argv = ['postmortem', 'validate', {str(tmp_path / 'a.md')!r}]\n"
        "try: run()\nexcept SystemExit: pass\n"
        "print('MODULES', sorted(m for m in sys.modules if '.' not in m))"
    )
    (tmp_path / "a.md").write_text(BLAME, "utf-8")
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    modules = done.stdout.rsplit("MODULES ", 1)[1]
    assert "'yaml'" in modules and "'markdown_it'" in modules  # the probe saw validation run
    for name in ("subprocess", "tomllib", "zoneinfo", "difflib"):
        assert f"'{name}'" not in modules, name


def test_patterns_unused_for_a_while_leave_the_file(tmp_path: Path) -> None:
    """What a run did not use stays for KEEP writes (a full run's workers compile patterns
    that the writing process never sees), then goes (a pattern whose text changes with the
    hash seed would otherwise pile up)."""
    cache = tmp_path / "regex.marshal"

    def one_run(*patterns: str) -> dict:
        recache.install(cache)
        try:
            re.purge()
            for pattern in patterns:
                re.compile(pattern)
            recache.save()
        finally:
            recache.uninstall()
            re.purge()
        return marshal.loads(cache.read_bytes())["entries"]

    entries = one_run("kept-[a-z]+", "dropped-[a-z]+")
    assert {k for k, _ in entries} == {"kept-[a-z]+", "dropped-[a-z]+"}
    for n in range(recache.KEEP - 1):
        entries = one_run("kept-[a-z]+", f"new-{n}")
        assert ("dropped-[a-z]+", 0) in entries
    entries = one_run("kept-[a-z]+", "one-more")
    assert ("dropped-[a-z]+", 0) not in entries
    assert ("kept-[a-z]+", 0) in entries and ("new-0", 0) in entries


def test_a_reordered_pattern_does_not_rewrite_the_file(tmp_path: Path) -> None:
    """A character class built from a set comes in another order in every process: compiled,
    equal to what `re` makes of it, and not worth rewriting the file for; a new pattern is."""
    cache = tmp_path / "regex.marshal"

    def one_run(*patterns: str) -> tuple[int, list]:
        recache.install(cache)
        try:
            re.purge()
            compiled = [re.compile(pattern) for pattern in patterns]
            recache.save()
        finally:
            recache.uninstall()
            re.purge()
        return marshal.loads(cache.read_bytes())["writes"], compiled

    writes, _ = one_run("[abc#]x", "other")
    again, (reordered, _) = one_run("[#cba]x", "other")
    assert again == writes  # nothing written
    assert reordered.pattern == "[#cba]x" and reordered.match("#x") and reordered.match("bx")
    assert reordered == re.compile("[#cba]x")
    later, _ = one_run("[#cba]x", "[abc#]y")
    assert later == writes + 1  # "[abc#]y" has other characters: written
