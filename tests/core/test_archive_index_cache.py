"""The pull request's archive index: listing as strings, and the cache keyed by git blob id.

The cache must never give an entry for content other than the file's: after a commit, a
staged or unstaged edit, an edit reverted in the working tree only, a damaged cache file or
a cache written by other code, `--changed-since` sees the ids a full parse sees.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from postmortem import archive_index
from postmortem.archive_index import EntryCache, git_changes, list_archive
from postmortem.config import Config
from postmortem.document import iter_markdown_files
from postmortem.validation import read_entry, validate

TODAY = date(2025, 3, 1)


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=60, check=True
    )
    return done.stdout


def text(doc_id: str, related: str = "[]") -> str:
    return f"---\nid: {doc_id}\ntitle: x\nrelated: {related}\n---\n\n## Summary\n\nText.\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "postmortems"
    folder.mkdir()
    for n in range(6):
        (folder / f"2025-01-0{n + 1}-a.md").write_text(text(f"2025-01-0{n + 1}-a"), "utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cache_file(repo: Path) -> Path:
    return repo / ".git" / "postmortem" / archive_index.CACHE_NAME


def check(ref: str = "main") -> tuple[int, list[tuple[str, str]]]:
    """Files checked, and the archive findings (rule, path) of a --changed-since run."""
    changes = git_changes(ref)
    report = validate(
        ["postmortems"], Config(), TODAY, only=changes.changed, workers=1, changes=changes
    )
    return report.files_checked, sorted(
        (f.rule, f.path) for f in report.findings if f.rule.startswith("AR")
    )


def full() -> list[tuple[str, str]]:
    report = validate(["postmortems"], Config(), TODAY, workers=1)
    return sorted((f.rule, f.path) for f in report.findings if f.rule.startswith("AR"))


def test_listing_matches_iter_markdown_files(tmp_path: Path) -> None:
    root = tmp_path / "arch"
    for name in ("b.md", "a-c.md", "a/b.md", "a/z/y.md", ".hidden/x.md", "sub/.x.md", "n.txt"):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", "utf-8")
    (root / "dir.md").mkdir()
    (root / "link.md").symlink_to(root / "b.md")
    single = root / "a" / "b.md"
    for given in ([root], [str(root) + "/"], [root, single], [single], [Path("./") / root]):
        expected = [p.as_posix() for p in dict.fromkeys(iter_markdown_files(given))]
        assert [f.shown for f in list_archive(given)] == expected
    files = {f.shown: f.real for f in list_archive([root])}
    assert files[(root / "link.md").as_posix()] == os.path.realpath(root / "b.md")
    assert files[(root / "a-c.md").as_posix()] == str((root / "a-c.md").resolve())


def test_second_run_reads_ids_from_the_cache(repo: Path, monkeypatch) -> None:
    (repo / "postmortems" / "2025-02-01-new.md").write_text(text("2025-01-01-a"), "utf-8")
    assert check() == (1, [("AR101", "postmortems/2025-02-01-new.md")])
    assert cache_file(repo).exists()
    reads: list[str] = []

    def counting(path):
        reads.append(str(path))
        return read_entry(path)

    monkeypatch.setattr("postmortem.validation.read_entry", counting)
    assert check() == (1, [("AR101", "postmortems/2025-02-01-new.md")])
    assert reads == []  # every unchanged committed file came from the cache


def test_committed_change_is_seen(repo: Path) -> None:
    check()  # fills the cache
    # Another file takes the id of the new file in a commit on this branch.
    (repo / "postmortems" / "2025-01-02-a.md").write_text(text("2025-09-09-x"), "utf-8")
    git(repo, "commit", "-qam", "rename an id")
    git(repo, "branch", "-f", "base2")
    (repo / "postmortems" / "2025-02-01-new.md").write_text(text("2025-09-09-x"), "utf-8")
    assert check("base2") == (1, [("AR101", "postmortems/2025-02-01-new.md")])
    assert check("base2") == (1, full())


def test_edit_reverted_in_the_working_tree_only(repo: Path) -> None:
    """Staged content differs from the working copy, which equals the base: the file is not
    in the diff, and its index blob must not stand for it."""
    path = repo / "postmortems" / "2025-01-03-a.md"
    original = path.read_text("utf-8")
    check()
    # Staged: the very content of another file, so the staged blob's entry is in the cache.
    path.write_text((repo / "postmortems" / "2025-01-01-a.md").read_text("utf-8"), "utf-8")
    git(repo, "add", str(path))
    check()
    path.write_text(original, "utf-8")  # working copy back to the base content
    new = repo / "postmortems" / "2025-02-01-new.md"
    new.write_text(text("2025-01-03-a"), "utf-8")
    assert check() == (1, [("AR101", "postmortems/2025-02-01-new.md")])


def test_agrees_with_a_full_run_through_a_series_of_edits(repo: Path) -> None:
    """After each edit (staged, unstaged, committed, reverted), the changed files' archive
    findings are those of a full run over the same working tree."""
    folder = repo / "postmortems"
    git(repo, "branch", "base")
    steps = [
        ("2025-01-06-a.md", "2025-01-02-a", None),  # unstaged clash with an older id
        ("2025-01-06-a.md", "2025-01-06-a", None),  # fixed again
        ("2025-01-05-a.md", "2025-01-03-a", "add"),  # staged clash
        ("2025-01-05-a.md", "2025-01-05-a", None),  # working copy back to the base
        ("2025-01-04-a.md", "2025-01-09-z", "commit"),  # committed on the branch
        ("2025-01-06-a.md", "2025-01-09-z", None),  # clash with the committed id
        ("2025-01-06-b.md", "2025-01-01-a", None),  # untracked new file
    ]
    for name, doc_id, action in steps:
        (folder / name).write_text(text(doc_id), "utf-8")
        if action == "add":
            git(repo, "add", "-A")
        elif action == "commit":
            git(repo, "commit", "-qam", f"edit {name}")
        changes = git_changes("base")
        files, findings = check("base")
        real = {os.path.realpath(folder / f.name) for f in folder.iterdir()}
        checked = {f"postmortems/{Path(p).name}" for p in changes.changed & real}
        assert files == len(checked)
        assert findings == [f for f in full() if f[1] in checked], (name, doc_id, action)


@pytest.mark.parametrize("damage", ["garbage", "wrong-key", "wrong-shape", "empty"])
def test_damaged_or_foreign_cache_is_ignored(repo: Path, damage: str) -> None:
    check()
    path = cache_file(repo)
    data = json.loads(path.read_text("utf-8"))
    blob = next(iter(data["entries"]))
    if damage == "garbage":
        path.write_text("{not json", "utf-8")
    elif damage == "wrong-key":
        # Entries from other code: even a wrong id must not be used.
        data["key"] = "0" * 16
        data["entries"] = {b: ["2025-01-01-a", 2, [], 1] for b in data["entries"]}
        path.write_text(json.dumps(data), "utf-8")
    elif damage == "wrong-shape":
        data["entries"][blob] = {"id": 3}
        path.write_text(json.dumps(data), "utf-8")
    else:
        path.write_text("", "utf-8")
    assert check() == (0, [])
    saved = json.loads(path.read_text("utf-8"))
    assert saved["key"] == EntryCache(str(repo / ".git")).key
    assert len(saved["entries"]) == 6


def test_cache_keeps_only_the_blobs_of_the_archive(repo: Path) -> None:
    check()
    (repo / "postmortems" / "2025-01-05-a.md").unlink()
    git(repo, "commit", "-qam", "remove one")
    check()
    assert len(json.loads(cache_file(repo).read_text("utf-8"))["entries"]) == 5


def test_read_only_git_directory_still_validates(repo: Path) -> None:
    cache = repo / ".git" / "postmortem"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        (repo / "postmortems" / "2025-02-01-new.md").write_text(text("2025-01-01-a"), "utf-8")
        assert check() == (1, [("AR101", "postmortems/2025-02-01-new.md")])
    finally:
        cache.chmod(0o700)
