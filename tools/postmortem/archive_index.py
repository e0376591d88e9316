"""The pull request's view of the archive: the files to check, what changed, and a cache.

`validate --changed-since REF` checks the changed files fully and every other file only for
what spans the archive (its id and related ids, read from the frontmatter). With 10,000
files that index is most of the work, so:

- files are listed with `os.scandir` as strings (no `Path` objects, no `resolve()` per file);
- each file's index entry is cached by its git blob id in the git directory
  (`.git/postmortem/archive-index.json`). A blob id names the content, so an entry is reused
  only for the very same bytes. The cache is used only for files whose working copy is the
  blob git has in its index (files changed in the working tree, untracked or unknown to git
  are read), and only by the same version of the reading code (the cache records a digest
  of it). A damaged or foreign cache file is ignored and rewritten.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # git runs only for --changed-since: a one-file run imports no subprocess
    import subprocess

from .rules.archive import Entry

CACHE_NAME = "archive-index.json"
BLOB = "blob"  # key of a file's git blob id in an Entry's `extra`


class GitError(Exception):
    pass


# -- listing ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArchiveFile:
    """A post-mortem file of an archive: as reported, and its real path."""

    shown: str  # the path as reported (what `Path(...).as_posix()` gives)
    real: str  # absolute, symbolic links resolved


def _shown_root(raw: str | os.PathLike[str]) -> str:
    shown = Path(raw).as_posix()  # normalised as Path would: "./a//b/" -> "a/b"
    return "" if shown == "." else shown


def _walk(
    directory: str,
    shown: str,
    real: str,
    out: list[tuple[tuple[str, ...], ArchiveFile]],
    parts: tuple[str, ...],
) -> None:
    try:
        with os.scandir(directory) as entries:
            listed = list(entries)
    except (PermissionError, FileNotFoundError, NotADirectoryError):
        return
    for entry in listed:
        name = entry.name
        if name.startswith("."):
            continue  # hidden files and folders (.git, .cache) are never post-mortems
        path = f"{directory}/{name}"
        shown_path = f"{shown}/{name}" if shown else name
        real_path = f"{real}/{name}"
        try:
            if entry.is_dir(follow_symlinks=False):
                _walk(path, shown_path, real_path, out, (*parts, name))
                continue
            if not name.endswith(".md") or not entry.is_file():
                continue
            if entry.is_symlink():
                real_path = os.path.realpath(path)
        except OSError:
            continue
        out.append(((*parts, name), ArchiveFile(shown_path, real_path)))


def list_archive(paths: Iterable[str | os.PathLike[str]]) -> list[ArchiveFile]:
    """Post-mortem files under the given files and folders, in the order and with the names
    `document.iter_markdown_files` gives, without duplicates."""
    files: dict[str, ArchiveFile] = {}
    for raw in paths:
        shown = _shown_root(raw)
        if os.path.isdir(raw):
            found: list[tuple[tuple[str, ...], ArchiveFile]] = []
            _walk(os.fspath(raw), shown, os.path.realpath(raw), found, ())
            found.sort(key=lambda item: item[0])  # Path order: part by part
            for _, file in found:
                files.setdefault(file.shown, file)
        else:
            files.setdefault(shown or ".", ArchiveFile(shown or ".", os.path.realpath(raw)))
    return list(files.values())


# -- git ----------------------------------------------------------------------------------
@dataclass
class GitChanges:
    """What changed since a ref, and what git knows of the other files."""

    changed: set[str]  # real paths: committed, staged, unstaged or untracked since the base
    blobs: dict[str, str] = field(default_factory=dict)  # real path -> blob id (working copy)
    git_dir: str | None = None


def _git(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    import subprocess

    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, timeout=60, cwd=cwd)
    except (OSError, subprocess.SubprocessError) as error:
        raise GitError(f"cannot run git: {error}") from None


def _fail(result: subprocess.CompletedProcess[str], what: str) -> GitError:
    lines = result.stderr.strip().splitlines()
    return GitError(f"{what}: {lines[-1] if lines else 'git failed'}")


def _names(output: str) -> list[str]:
    return [n for n in output.split("\0") if n]


def git_changes(ref: str) -> GitChanges:
    """Files changed since the merge base with `ref`, and the blob ids of the unchanged ones."""
    top = _git("rev-parse", "--show-toplevel", "--absolute-git-dir")
    if top.returncode != 0:
        raise _fail(top, "--changed-since needs a git repository")
    root, git_dir = top.stdout.strip().split("\n")[:2]
    root = os.path.realpath(root)
    base = _git("merge-base", ref, "HEAD", cwd=root)
    if base.returncode != 0:
        raise _fail(base, f"cannot compare with `{ref}`")
    diff = _git(
        "diff", "--name-only", "--diff-filter=ACMR", "-z", base.stdout.strip(), "--", cwd=root
    )
    if diff.returncode != 0:
        raise _fail(diff, f"cannot compare with `{ref}`")
    untracked = _git("ls-files", "--others", "--exclude-standard", "-z", cwd=root)
    changed = {f"{root}/{n}" for n in _names(diff.stdout + untracked.stdout)}
    # Blob ids of the index; a file whose working copy differs from the index (even back to
    # the base's content, so not in the diff above) is read, not looked up.
    staged = _git("ls-files", "--stage", "-z", cwd=root)
    dirty = _git("diff", "--name-only", "-z", cwd=root)
    blobs: dict[str, str] = {}
    if staged.returncode == 0 and dirty.returncode == 0:
        modified = set(_names(dirty.stdout))
        for line in _names(staged.stdout):
            meta, _, name = line.partition("\t")
            mode, blob, stage = meta.split(" ")
            if stage == "0" and mode.startswith("100") and name not in modified:
                blobs[f"{root}/{name}"] = blob
    return GitChanges(changed, blobs, git_dir)


# -- the cache ----------------------------------------------------------------------------
def _code_digest() -> str:
    """A digest of the code that reads index entries: a new version never reads old entries."""
    import hashlib

    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("validation.py", "frontmatter.py", "document.py", "archive_index.py"):
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()[:16]


class EntryCache:
    """Index entries by git blob id, in a JSON file under the git directory."""

    def __init__(self, git_dir: str | None) -> None:
        self.path = os.path.join(git_dir, "postmortem", CACHE_NAME) if git_dir else None
        self.key = _code_digest()
        self.entries: dict[str, list] = {}
        self.used: dict[str, list] = {}
        self.dirty = False
        if self.path is None:
            return
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
            if isinstance(data, dict) and data.get("key") == self.key:
                entries = data.get("entries")
                if isinstance(entries, dict):
                    self.entries = entries
        except (OSError, ValueError):
            pass  # no cache, or a damaged one: read the files

    def get(self, blob: str, shown: str) -> Entry | None:
        raw = self.entries.get(blob)
        if raw is None:
            return None
        try:
            entry_id, id_line, related, related_line = raw
            entry = Entry(
                shown, str(entry_id), int(id_line), tuple(map(str, related)), int(related_line)
            )
        except (TypeError, ValueError):
            return None
        self.used[blob] = raw
        return entry

    def put(self, blob: str, entry: Entry) -> None:
        self.used[blob] = [entry.id, entry.id_line, list(entry.related), entry.related_line]
        self.dirty = True

    def save(self) -> None:
        """Write the entries used in this run (so the file never grows past the archive)."""
        if self.path is None or not (self.dirty or len(self.used) != len(self.entries)):
            return
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            temporary = f"{self.path}.{os.getpid()}.tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump({"key": self.key, "entries": self.used}, handle, separators=(",", ":"))
            os.replace(temporary, self.path)
        except OSError:
            pass  # a read-only checkout: no cache, same results


def index_entries(
    files: Iterable[ArchiveFile],
    read: Callable[[str], Entry],
    changes: GitChanges | None,
) -> list[Entry]:
    """The index entry of each file: from the cache when git vouches for its content."""
    if changes is None or not changes.blobs:
        return [read(file.shown) for file in files]
    cache = EntryCache(changes.git_dir)
    entries = []
    for file in files:
        blob = changes.blobs.get(file.real)
        entry = cache.get(blob, file.shown) if blob else None
        if entry is None:
            entry = read(file.shown)
            if blob:
                cache.put(blob, entry)
        if blob:
            entry.extra[BLOB] = blob  # names the content for other caches (LE101's profiles)
        entries.append(entry)
    cache.save()
    return entries
