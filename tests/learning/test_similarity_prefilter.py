"""LE101 on the pull-request path: reading only what can match gives the full index's findings.

`similar_in_archive` knows the archive by the word counts of its cache (a snapshot corrected
by the contents that differ from it) and reads only the post-mortems that share enough
uncommon words with a checked file. It must give exactly the matches of the full index:
compared here on the project's examples and generated archives, at the limits of "common",
after the archive changed under the snapshot, and through `validate --changed-since` against a
full `validate`. Costs are counted, not timed.
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
from postmortem.learning.archive import ProfileStore, _encode, _similar, similar_in_archive
from postmortem.learning.profile import profile_from_file
from postmortem.learning.similarity import Settings, SimilarityIndex, not_listed
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


def same(found: dict, expected: list) -> None:
    assert [m.profile.path for m in found] == [m.profile.path for m in expected]
    for mine, full in zip(found, expected, strict=True):
        assert mine.score == pytest.approx(full.score, abs=1e-9)
        assert mine.reason() == full.reason()


@pytest.mark.parametrize("generated", [0, 40, 160])
@pytest.mark.parametrize(
    "settings", [Settings(), Settings(min_shared_words=1, min_score=0.2, min_text=0.1)]
)
def test_one_file_gets_the_matches_of_the_full_index(tmp_path, generated, settings):
    paths = archive_with(tmp_path / "postmortems", generated)
    profiles = [p for p in map(profile_from_file, paths) if p is not None]
    rows = list(range(len(profiles)))
    full = SimilarityIndex(profiles, settings).neighbours(rows, not_listed)
    matched = [row for row, found in full.items() if found]
    assert matched  # the comparison is not empty: some files do have similar incidents
    asked = sorted({*matched[:12], *rows[:: max(1, len(rows) // 12)]})
    for row in asked:  # one file at a time, as a pull request asks; the cache kept between
        others = [(p.path, None) for p in profiles if p.path != profiles[row].path]
        found = similar_in_archive([profiles[row]], others, tmp_path, settings, not_listed)
        same(found[profiles[row].path], full[row])


def test_the_snapshot_is_corrected_for_contents_that_changed_since(tmp_path):
    """Counted once, then files edited, removed and copied: still the full index's matches,
    without counting the archive again (a few differences are corrected, not recounted)."""
    paths = archive_with(tmp_path / "postmortems", 120)
    first = [p for p in map(profile_from_file, paths) if p is not None]
    before = SimilarityIndex(first).neighbours(range(len(first)), not_listed)
    query = next(
        first[r] for r, found in before.items() if found and "-incident-" not in first[r].path
    )
    similar_in_archive([query], [(p.path, None) for p in first if p != query], tmp_path,
                       Settings(), not_listed)  # fmt: skip
    made = [p for p in paths if "-incident-" in p.name]  # generated: not the examples
    for path in made[-6:]:
        path.unlink()
    for path in made[:5]:
        path.write_text(path.read_text("utf-8") + "\nEdited.\n", "utf-8")
    for n, path in enumerate(made[5:9]):
        shutil.copy(path, path.with_name(f"copy-{n}.md"))
    now = sorted((tmp_path / "postmortems").glob("*.md"))
    profiles = [p for p in map(profile_from_file, now) if p is not None]
    row = next(n for n, p in enumerate(profiles) if p.path == query.path)
    full = SimilarityIndex(profiles).neighbours([row], not_listed)
    recounts: list[int] = []
    real = ProfileStore.replace_snapshot

    def counting(self, copies, rows):
        recounts.append(len(copies))
        return real(self, copies, rows)

    ProfileStore.replace_snapshot = counting
    try:
        others = [(p.path, None) for p in profiles if p.path != query.path]
        found = similar_in_archive([query], others, tmp_path, Settings(), not_listed)
    finally:
        ProfileStore.replace_snapshot = real
    assert recounts == []
    assert full[row]  # the comparison is not empty
    same(found[query.path], full[row])


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
    """One changed file in archives of n and 4n: one full parse; a cold run reads the words
    of every other file once and whole profiles only of those that can match; a warm run
    reads nothing of the unchanged files."""
    parsed: list[str] = []
    built: list[str] = []
    counted: list[str] = []
    real_check, real_profile = validation.check_document, archive.profile_from_text
    real_terms = archive.terms_from_text

    def check(doc, *args, **kwargs):
        parsed.append(doc.display_path)
        return real_check(doc, *args, **kwargs)

    def profile(text, path):
        built.append(path)
        return real_profile(text, path)

    def terms(text):
        counted.append(text)
        return real_terms(text)

    monkeypatch.setattr(validation, "check_document", check)
    monkeypatch.setattr(archive, "profile_from_text", profile)
    monkeypatch.setattr(archive, "terms_from_text", terms)
    counts = {}
    for count in (50, 200):
        repo = tmp_path / str(count)
        paths = archive_with(repo / "postmortems", count)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "archive")
        monkeypatch.chdir(repo)
        # an example whose pair is in the archive: it has a post-mortem that can match
        changed = next(p for p in paths if p.name.startswith("2026-01-19-payments"))
        changed.write_text(changed.read_text("utf-8") + "\nEdited.\n", "utf-8")
        runs = []
        for _ in range(2):  # cold (no cache), then warm
            for found in (parsed, built, counted):
                found.clear()
            changes = git_changes("main")
            report = validate(["postmortems"], Config(), TODAY, only=changes.changed,
                              workers=1, changes=changes)  # fmt: skip
            assert any(f.rule == "LE101" for f in report.findings)
            runs.append((len(parsed), len(counted), len(set(counted)), len(set(built))))
        counts[count] = (len(paths), runs)
    for files, ((cold_parsed, cold_words, cold_unique, cold_built), warm) in counts.values():
        assert cold_parsed == warm[0] == 1  # the changed file only, however large
        assert cold_words == cold_unique == files - 1  # linear: every other file, once
        assert 1 <= cold_built < cold_words  # whole profiles: only those that can match
        assert warm[1:] == (0, 0, 0)  # nothing unchanged is read again


@pytest.mark.parametrize("spread", [99, 100, 101])
def test_few_rows_agree_with_the_index_at_the_limit_of_common(spread):
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
    store = ProfileStore(None)  # in memory: profiles stored under made-up content ids
    store.put_rows({f"c{n}": _encode(p) for n, p in enumerate(profiles)})
    for row in rows[:4]:
        others = [(p.path, f"c{n}") for n, p in enumerate(profiles) if n != row]
        found = _similar([profiles[row]], others, store, Settings(), not_listed)
        assert bool(found[profiles[row].path]) == (row in matched)
        same(found[profiles[row].path], full[row])
