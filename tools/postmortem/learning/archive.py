"""Profiles of the archive cached by content, and the word counts a pull request's check needs.

`validate --changed-since` checks one file but compares it with every published post-mortem.
Building 10,000 profiles from their Markdown takes seconds; so a SQLite file (in the git
directory, `.git/postmortem/similarity.sqlite`, so it never shows in the working tree; else
`.postmortem-cache/` under the project root) keeps:

- the profile of each file content (or, until it first can match a checked file, only its
  words: the frontmatter is not read), keyed by its git blob id (git's own name for the bytes:
  given by `git ls-files` for files git vouches for, computed from the bytes for the rest), so
  an entry stays valid across checkouts, branches and file moves;
- a *snapshot*: the archive's contents when it was last counted, with, per word, in how many
  of them it appears and which ones (an inverted index).

A check of a few files then reads no other file: the archive's word counts are the snapshot's,
corrected by the few contents that differ from it; the post-mortems that share enough
uncommon words with a checked file are found in the inverted index; only their profiles are
read, and scored by `PlainIndex` with the archive's counts, which gives the scores of the full
index. When many contents differ from the snapshot, it is counted again from the archive.

A cache that cannot be read or written is ignored (an in-memory one is used: same results);
a damaged file, or a database with other tables, is replaced.
The file records the version of the word lists and of the reading code; another version is
discarded. Profiles are stored as JSON text, never pickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from .profile import (
    DATA,
    FIELDS,
    Profile,
    profile_from_text,
    read_bytes,
    read_text,
    terms_from_text,
)
from .similarity import MIN_DF_LIMIT, ArchiveStats, Match, PlainIndex, Settings, build_index

_T = TypeVar("_T")

STORE_NAME = "similarity.sqlite"
CACHE_DIR = Path(".postmortem-cache")
VERSION = 3
# A snapshot is counted again when more contents than this differ from it (a share of the
# archive, at least REBUILD_MIN): correcting counts costs per differing content.
REBUILD_SHARE = 0.02
REBUILD_MIN = 64
_BATCH = 500  # SQL parameters per query
PARALLEL_FILES = 400  # from this many files to profile, on every core


def blob_id(data: bytes) -> str:
    """Git's blob id of some bytes (`git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _encode(profile: Profile) -> str:
    return json.dumps(
        [
            profile.id,
            profile.title,
            profile.status,
            profile.restricted,
            profile.started,
            list(profile.services),
            list(profile.tags),
            list(profile.related),
            profile.related_line,
            profile.id_line,
            [" ".join(profile.terms.get(name, ())) for name in FIELDS],
        ],
        separators=(",", ":"),
    )


def _encode_terms(terms: dict[str, tuple[str, ...]]) -> str:
    """A row of words only (its first item null): enough for the word counts; completed into
    a profile, from the file, the first time the file can match a checked one."""
    return json.dumps([None, [" ".join(terms.get(name, ())) for name in FIELDS]])


def _complete(raw: str) -> bool:
    return not raw.startswith("[null,")


def _decode(path: str, raw: str) -> Profile | None:
    try:
        row = json.loads(raw)
        if row[0] is None:
            return None  # words only
        terms = {
            name: tuple(text.split()) for name, text in zip(FIELDS, row[10], strict=True) if text
        }
        return Profile(
            path=path,
            id=str(row[0]),
            title=str(row[1]),
            status=str(row[2]),
            restricted=row[3] is True,
            started=str(row[4]),
            services=tuple(map(str, row[5])),
            tags=tuple(map(str, row[6])),
            related=tuple(map(str, row[7])),
            related_line=int(row[8]),
            id_line=int(row[9]),
            terms=terms,
        )
    except (TypeError, ValueError, IndexError, AttributeError, RecursionError):
        return None


def _version() -> str:
    """Profiles depend on the word lists and the reading code: another version is not used."""
    digest = hashlib.blake2b(digest_size=12)
    here = Path(__file__).resolve().parent
    for path in (DATA, here / "profile.py", here / "archive.py", here.parent / "frontmatter.py"):
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(path.name.encode())
    return f"{VERSION}:{digest.hexdigest()}"


def _git_dir(root: Path) -> Path | None:
    dot = root / ".git"
    if dot.is_dir():
        return dot
    try:  # a worktree or submodule: `.git` is a file naming the git directory
        text = dot.read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if text.startswith("gitdir:"):
        found = Path(text[len("gitdir:") :].strip())
        found = found if found.is_absolute() else root / found
        return found if found.is_dir() else None
    return None


def store_path(root: Path) -> Path:
    """Where the cache of the project at `root` lives."""
    git = _git_dir(root)
    return (git / "postmortem" if git else root / CACHE_DIR) / STORE_NAME


def _row_words(raw: str) -> tuple[frozenset[str], int]:
    """The distinct words of a row and its length in words (at least 1, as BM25 counts)."""
    try:
        words = " ".join(json.loads(raw)[-1]).split()
    except (TypeError, ValueError, IndexError, RecursionError):
        words = []
    return frozenset(words), len(words) or 1


class ProfileStore:
    """The SQLite cache: profiles by blob id, and the snapshot's word counts."""

    SCHEMA = (
        "CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS profiles (blob TEXT PRIMARY KEY, row TEXT NOT NULL)",
        # The snapshot: each content (with how many files hold it) and its length in words.
        "CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY, blob TEXT UNIQUE NOT NULL,"
        " copies INTEGER NOT NULL, length INTEGER NOT NULL)",
        # Per word: in how many of the snapshot's files it appears, and which contents (ids).
        "CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY, files INTEGER NOT NULL,"
        " ids TEXT NOT NULL)",
    )

    PROBES = (
        "SELECT key, value FROM info LIMIT 0",
        "SELECT blob, row FROM profiles LIMIT 0",
        "SELECT id, blob, copies, length FROM snapshot LIMIT 0",
        "SELECT word, files, ids FROM words LIMIT 0",
    )

    def __init__(self, path: Path | None) -> None:
        self.db = None
        if path is not None:
            self.db = self._open(path)
            if self.db is None and self._discard(path):  # damaged or foreign: start again
                self.db = self._open(path)
        if self.db is None:
            self.db = self._open(None)

    @staticmethod
    def _discard(path: Path) -> bool:
        try:
            with sqlite3.connect(path, timeout=30) as db:
                db.execute("PRAGMA quick_check").fetchall()
                for probe in ProfileStore.PROBES:
                    db.execute(probe)
            return False  # readable with our tables: locked or unwritable, leave it alone
        except sqlite3.DatabaseError:
            pass
        try:
            path.unlink()
            return True
        except OSError:
            return False

    def _open(self, path: Path | None) -> sqlite3.Connection | None:
        try:
            if path is None:
                db = sqlite3.connect(":memory:")
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, timeout=30)
            db.execute("PRAGMA trusted_schema = OFF")
            for statement in self.SCHEMA:
                db.execute(statement)
            for probe in self.PROBES:  # a file of another program's tables is not ours
                db.execute(probe)
            version = _version()
            found = db.execute("SELECT value FROM info WHERE key = 'version'").fetchone()
            if found is None or found[0] != version:
                with db:
                    for table in ("profiles", "snapshot", "words", "info"):
                        db.execute(f"DELETE FROM {table}")
                    db.execute("INSERT INTO info VALUES ('version', ?)", (version,))
            return db
        except (sqlite3.Error, OSError):
            return None  # unreadable, locked for too long or damaged: work without it

    def _select(self, sql: str, keys: Sequence[str]) -> list[tuple]:
        out: list[tuple] = []
        for start in range(0, len(keys), _BATCH):
            part = keys[start : start + _BATCH]
            marks = ",".join("?" * len(part))
            out.extend(self.db.execute(sql.format(marks), part).fetchall())
        return out

    def rows(self, blobs: Iterable[str]) -> dict[str, str]:
        """Stored profiles (JSON text) of these contents."""
        keys = list(dict.fromkeys(blobs))
        return dict(self._select("SELECT blob, row FROM profiles WHERE blob IN ({})", keys))

    def put_rows(self, rows: dict[str, str]) -> None:
        if rows:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO profiles VALUES (?, ?)", rows.items())

    def snapshot(self) -> tuple[dict[str, tuple[int, int, int]], int]:
        """Contents of the snapshot (blob -> id, copies, length) and their total length."""
        found = {b: (i, c, n) for i, b, c, n in self.db.execute("SELECT * FROM snapshot")}
        return found, sum(c * n for _, c, n in found.values())

    def files_with(self, words: Sequence[str]) -> dict[str, int]:
        return dict(self._select("SELECT word, files FROM words WHERE word IN ({})", words))

    def contents_with(self, words: Sequence[str]) -> dict[str, list[int]]:
        found = self._select("SELECT word, ids FROM words WHERE word IN ({})", words)
        return {w: [int(i) for i in ids.split()] for w, ids in found}

    def replace_snapshot(self, copies: dict[str, int], rows: dict[str, str]) -> None:
        """Count the archive again: `copies` files hold each content (of these rows)."""
        files: Counter[str] = Counter()
        ids: dict[str, list[str]] = defaultdict(list)
        contents = []
        for number, (blob, count) in enumerate(sorted(copies.items()), start=1):
            words, length = _row_words(rows[blob])
            contents.append((number, blob, count, length))
            tag = str(number)
            for word in words:
                ids[word].append(tag)
            if count == 1:
                files.update(words)
            else:
                for word in words:
                    files[word] += count
        with self.db:
            self.db.execute("DELETE FROM snapshot")
            self.db.execute("DELETE FROM words")
            self.db.executemany("INSERT INTO snapshot VALUES (?, ?, ?, ?)", contents)
            self.db.executemany(
                "INSERT INTO words VALUES (?, ?, ?)",
                ((w, files[w], " ".join(ids[w])) for w in files),
            )

    def close(self) -> None:
        try:
            self.db.close()
        except sqlite3.Error:
            pass


def _with_store(root: Path | None, work: Callable[[ProfileStore], _T]) -> _T:
    """`work` with the cache of the project at `root` (None: in memory); when the cache fails
    midway (disk full, locked), again without it."""
    store = ProfileStore(store_path(root) if root is not None else None)
    try:
        return work(store)
    except sqlite3.Error:
        store.close()
        store = ProfileStore(None)
        return work(store)
    finally:
        store.close()


def _resolve(
    files: Iterable[tuple[str, str | None]], store: ProfileStore
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Paths by content (a file git did not name is read for its blob id; its profile is
    built only if the cache lacks it), and the profile rows built in this run (none yet)."""
    paths: dict[str, list[str]] = defaultdict(list)
    for path, blob in files:
        if blob is None:
            data = read_bytes(path)
            if data is None:
                continue
            blob = blob_id(data)
        paths[blob].append(path)
    return paths, {}


def _rows_for(
    blobs: Iterable[str],
    paths: dict[str, list[str]],
    store: ProfileStore,
    fresh: dict[str, str],
    complete: bool = True,
) -> dict[str, str]:
    """Rows of these contents: from this run, the store, or read from a file. `complete`:
    whole profiles (a words-only row is completed from the file); else words may do."""
    keys = list(dict.fromkeys(blobs))
    found = {b: fresh[b] for b in keys if b in fresh}
    found.update(store.rows([b for b in keys if b not in found]))
    if complete:
        found = {b: r for b, r in found.items() if _complete(r)}
    missing = [(b, paths.get(b, []), complete) for b in keys if b not in found]
    # git vouches that a file holds its blob: the row is kept under that id
    for blob, row in _build_rows(missing):
        fresh[blob] = found[blob] = row
    return found


def _build_row(job: tuple[str, list[str], bool]) -> tuple[str, str | None]:
    blob, paths, complete = job
    for path in paths:
        text = read_text(path)
        if text is not None:
            if complete:
                return blob, _encode(profile_from_text(text, path))
            return blob, _encode_terms(terms_from_text(text))
    return blob, None


def _build_rows(jobs: list[tuple[str, list[str], bool]]) -> Iterable[tuple[str, str]]:
    """Rows of files (a cold cache: the whole archive), on every core when they are many."""
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(jobs) < PARALLEL_FILES:
        results = map(_build_row, jobs)
    else:
        from concurrent.futures import ProcessPoolExecutor

        chunk = max(1, min(256, len(jobs) // (workers * 4)))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_build_row, jobs, chunksize=chunk))
    return [(blob, row) for blob, row in results if row is not None]


def archive_profiles(
    paths: Iterable[Path | str],
    known: dict[str, Profile] | None = None,
    root: Path | None = None,
    blobs: dict[str, str] | None = None,
) -> list[Profile]:
    """A profile of every readable file (those in `known`, by display path, as given); the
    others from the cache when their content (git blob id, in `blobs` or computed) is there."""
    shown = [p.as_posix() if isinstance(p, Path) else p for p in paths]
    return _with_store(root, lambda store: _profiles(shown, known or {}, blobs or {}, store))


def archive_neighbours(
    paths: Iterable[Path | str],
    known: dict[str, Profile],
    root: Path | None,
    settings: Settings,
    eligible: Callable[[Profile, Profile], bool],
    blobs: dict[str, str] | None = None,
) -> dict[str, list[Match]]:
    """The suggested neighbours of the `known` profiles (by path) among every readable file
    of `paths` (read as `archive_profiles` reads them), by the engine `build_index` picks."""
    profiles = archive_profiles(paths, known, root, blobs)
    if len(profiles) < 2 or not any(p.published for p in profiles):
        return {}  # nothing can be suggested
    rows = {p.path: n for n, p in enumerate(profiles)}
    wanted = [rows[path] for path in known if path in rows]
    index = build_index(profiles, settings, rows=len(wanted))
    return {profiles[r].path: m for r, m in index.neighbours(wanted, eligible).items()}


def _profiles(
    shown: list[str], known: dict[str, Profile], blobs: dict[str, str], store: ProfileStore
) -> list[Profile]:
    rest = [(s, blobs.get(s)) for s in shown if s not in known]
    by_content, fresh = _resolve(rest, store)
    rows = _rows_for(list(by_content), by_content, store, fresh)
    store.put_rows({b: r for b, r in fresh.items() if b in rows})
    blob_of = {p: b for b, ps in by_content.items() for p in ps}
    profiles = []
    for path in shown:
        if path in known:
            profiles.append(known[path])
        elif path in blob_of and blob_of[path] in rows:
            profile = _decode(path, rows[blob_of[path]])
            if profile is not None:
                profiles.append(profile)
    return profiles


def similar_in_archive(
    queries: Sequence[Profile],
    others: Iterable[tuple[str, str | None]],
    root: Path | None,
    settings: Settings,
    eligible: Callable[[Profile, Profile], bool],
) -> dict[str, list[Match]]:
    """The suggested neighbours of a few post-mortems (by path) in an archive given as
    (path, git blob id or None) pairs, reading only what can match (see the module's doc)."""
    others = list(others)
    return _with_store(
        root, lambda store: _similar(list(queries), others, store, settings, eligible)
    )


def _similar(
    queries: list[Profile],
    others: Iterable[tuple[str, str | None]],
    store: ProfileStore,
    settings: Settings,
    eligible: Callable[[Profile, Profile], bool],
) -> dict[str, list[Match]]:
    asked = {q.path for q in queries}
    paths, fresh = _resolve(((p, b) for p, b in others if p not in asked), store)
    snapshot, total = store.snapshot()
    added = {b: len(ps) - snapshot.get(b, (0, 0))[1] for b, ps in paths.items()}
    added = {b: k for b, k in added.items() if k > 0}
    removed = {b: c - len(paths.get(b, ())) for b, (_, c, _) in snapshot.items()}
    removed = {b: k for b, k in removed.items() if k > 0}
    words_of: dict[str, tuple[frozenset[str], int]] = {}
    if len(added) + len(removed) > max(REBUILD_MIN, REBUILD_SHARE * len(paths)) or (
        not snapshot and paths
    ):
        rows = _rows_for(list(paths), paths, store, fresh, complete=False)
        store.put_rows({b: r for b, r in fresh.items() if b in rows})
        copies = {b: len(ps) for b, ps in paths.items() if b in rows}
        store.replace_snapshot(copies, rows)
        paths = {b: paths[b] for b in copies}
        snapshot, total = store.snapshot()
        added, removed = {}, {}
    else:
        rows = _rows_for([*added, *removed], paths, store, fresh, complete=False)
        store.put_rows({b: r for b, r in fresh.items() if b in rows})
        if any(b not in rows for b in removed):  # a snapshot without its profiles: recount
            store.replace_snapshot({}, {})
            return _similar(queries, paths_as_pairs(paths), store, settings, eligible)
        added = {b: k for b, k in added.items() if b in rows}
        words_of = {b: _row_words(rows[b]) for b in [*added, *removed]}
    count = sum(len(ps) for b, ps in paths.items() if b in snapshot or b in added)
    count += len(queries)
    total -= sum(k * words_of[b][1] for b, k in removed.items())
    total += sum(k * words_of[b][1] for b, k in added.items())
    total += sum(len(q.all_terms) or 1 for q in queries)
    sets = {b: words_of[b][0] for b in [*added, *removed]}
    query_sets = [set(q.all_terms) for q in queries]

    def files_with(words: set[str]) -> dict[str, int]:
        found = store.files_with(sorted(words))
        counts = {w: found.get(w, 0) for w in words}
        for blob, k in removed.items():
            for word in sets[blob] & words:
                counts[word] -= k
        for blob, k in added.items():
            for word in sets[blob] & words:
                counts[word] += k
        for mine in query_sets:
            for word in mine & words:
                counts[word] += 1
        return counts

    limit = max(settings.max_df * count, MIN_DF_LIMIT)
    frequency = files_with(set().union(*query_sets))
    rare = {w for w, n in frequency.items() if n <= limit}
    postings = store.contents_with(sorted(rare))
    blob_at = {number: blob for blob, (number, _, _) in snapshot.items()}
    least = settings.min_shared_words
    wanted: set[str] = set()
    for mine in query_sets:
        shared: Counter[str] = Counter()
        for word in mine & rare:
            shared.update(blob_at[n] for n in postings.get(word, ()))
        wanted.update(b for b, k in shared.items() if k >= least and paths.get(b))
        wanted.update(b for b in added if len(sets[b] & mine & rare) >= least)
    rows = _rows_for(sorted(wanted), paths, store, fresh)
    store.put_rows({b: r for b, r in rows.items() if fresh.get(b) == r})
    candidates = []
    for blob in sorted(wanted):
        for path in paths.get(blob, ()):
            profile = _decode(path, rows[blob]) if blob in rows else None
            if profile is not None and any(eligible(q, profile) for q in queries):
                candidates.append(profile)
    extra = set().union(*(p.all_terms for p in candidates)) - frequency.keys()
    frequency.update(files_with(extra))
    stats = ArchiveStats(count, total, frequency)
    index = PlainIndex([*queries, *candidates], settings, stats)
    found = index.neighbours(range(len(queries)), eligible)
    return {queries[row].path: matches for row, matches in found.items()}


def paths_as_pairs(paths: dict[str, list[str]]) -> list[tuple[str, str | None]]:
    return [(p, b) for b, ps in paths.items() for p in ps]
