"""LE101 on the pull-request path: the cheap prefilter gives the findings of the full index.

`with_candidates` skips the text engine for a file that shares too few uncommon words with any
eligible post-mortem. It must never drop a file the index would give a match: compared here
with the full index on the project's examples and generated archives, and through
`validate --changed-since` against a full `validate`. Costs are counted, not timed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from postmortem import validation
from postmortem.archive_index import git_changes
from postmortem.config import Config
from postmortem.learning import archive
from postmortem.learning.profile import profile_from_file
from postmortem.learning.similarity import (
    Settings,
    SimilarityIndex,
    not_listed,
    with_candidates,
)
from postmortem.validation import validate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "data" / "similarity"
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

TODAY = date(2026, 12, 1)


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, timeout=120, check=True)


def archive_with(folder: Path, generated: int) -> list[Path]:
    """The project's examples (similarity pairs and the example post-mortems) and `generated`
    generated post-mortems."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in [*EXAMPLES.glob("*.md"), *(ROOT / "postmortems").glob("*.md")]:
        shutil.copy(source, folder / source.name)
    if generated:
        generate(folder, generated, 300)
    return sorted(folder.glob("*.md"))


@pytest.mark.parametrize("generated", [0, 40, 160])
@pytest.mark.parametrize(
    "settings", [Settings(), Settings(min_shared_words=1, min_score=0.2, min_text=0.1)]
)
def test_prefilter_keeps_every_row_the_index_gives_a_match(tmp_path, generated, settings):
    paths = archive_with(tmp_path / "postmortems", generated)
    profiles = [p for p in map(profile_from_file, paths) if p is not None]
    rows = list(range(len(profiles)))
    full = SimilarityIndex(profiles, settings).neighbours(rows, not_listed)
    matched = {row for row, found in full.items() if found}
    assert matched  # the comparison is not empty: some files do have similar incidents
    kept = set(with_candidates(profiles, rows, settings, not_listed))
    assert matched <= kept
    for row in rows:  # one file at a time, as a pull request asks
        assert (row in matched) <= bool(with_candidates(profiles, [row], settings, not_listed))


def le101(report) -> list[tuple[str, int, str, str]]:
    return sorted(
        (f.path, f.line, f.message, f.suggestion or "")
        for f in report.findings
        if f.rule == "LE101"
    )


@pytest.mark.parametrize("generated", [0, 120])
def test_changed_since_gives_the_le101_findings_of_a_full_run(tmp_path, monkeypatch, generated):
    paths = archive_with(tmp_path / "postmortems", generated)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "archive")
    monkeypatch.chdir(tmp_path)
    edited = [p for p in paths if p.name.startswith(("2025-03-04", "2025-09-22"))]
    edited += paths[-3:]
    for path in edited:
        path.write_text(path.read_text("utf-8") + "\nEdited.\n", "utf-8")
    shown = {p.relative_to(tmp_path).as_posix() for p in edited}
    whole = [f for f in le101(validate(["postmortems"], Config(), TODAY, workers=1))]
    expected = [f for f in whole if f[0] in shown]
    assert any(f[0] in shown for f in whole) or generated
    for _ in range(2):  # without the profile cache, then with it
        changes = git_changes("main")
        report = validate(
            ["postmortems"], Config(), TODAY, only=changes.changed, workers=1, changes=changes
        )
        assert report.files_checked == len(edited)
        assert le101(report) == expected


def test_changed_since_work_does_not_grow_with_the_archive(tmp_path, monkeypatch):
    """One changed file in archives of n and 4n: one full parse, and on a warm run no
    profile built from text (the cache has the others); a cold run profiles each file once."""
    parsed: list[str] = []
    built: list[str] = []
    real_check, real_profile = validation.check_document, archive.profile_from_text

    def check(doc, *args, **kwargs):
        parsed.append(doc.display_path)
        return real_check(doc, *args, **kwargs)

    def profile(text, path):
        built.append(path)
        return real_profile(text, path)

    monkeypatch.setattr(validation, "check_document", check)
    monkeypatch.setattr(archive, "profile_from_text", profile)
    counts = {}
    for count in (50, 200):
        repo = tmp_path / str(count)
        paths = archive_with(repo / "postmortems", count)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "archive")
        monkeypatch.chdir(repo)
        changed = paths[len(paths) // 2]
        changed.write_text(changed.read_text("utf-8") + "\nEdited.\n", "utf-8")
        runs = []
        for _ in range(2):  # cold (no cache), then warm
            parsed.clear()
            built.clear()
            changes = git_changes("main")
            validate(["postmortems"], Config(), TODAY, only=changes.changed, workers=1,
                     changes=changes)  # fmt: skip
            runs.append((len(parsed), len(built), len(set(built))))
        counts[count] = (len(paths), runs)
    for files, (
        (cold_parsed, cold_built, cold_unique),
        (warm_parsed, warm_built, _),
    ) in counts.values():
        assert cold_parsed == warm_parsed == 1  # the changed file only, however large
        assert cold_built == cold_unique == files - 1  # linear: every other file, once
        assert warm_built == 0  # nothing unchanged is profiled again


@pytest.mark.parametrize("spread", [99, 100, 101])
def test_prefilter_agrees_with_the_index_at_its_limits(spread):
    """Two post-mortems sharing exactly `min_shared_words` words, one of them used by
    `spread` of the 120 (common above MIN_DF_LIMIT = 100): a match exactly when the index
    gives one."""
    from postmortem.learning.profile import Profile

    def made(n: int, terms: tuple[str, ...]) -> Profile:
        return Profile(f"p{n}.md", f"p{n}", status="published", terms={"root cause": terms})

    profiles = [made(0, ("alpha", "beta", "shared")), made(1, ("alpha", "beta", "shared"))]
    profiles += [
        made(n, (f"own{n}", "other") + (("shared",) if n < spread else ())) for n in range(2, 120)
    ]
    rows = list(range(len(profiles)))
    full = SimilarityIndex(profiles).neighbours(rows, not_listed)
    matched = sorted(row for row, found in full.items() if found)
    assert matched == ([0, 1] if spread <= 100 else [])
    assert with_candidates(profiles, rows, Settings(), not_listed) == matched
