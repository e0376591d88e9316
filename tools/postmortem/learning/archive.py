"""Profiles of a whole archive, with a cache keyed by file content.

`--changed-since` checks one file but compares it with every published post-mortem: reading
10,000 profiles from their Markdown takes seconds, from the cache a fraction of one. The cache
(`.git/postmortem/similarity.json` in a git checkout, so it never shows in the working tree,
else `.postmortem-cache/similarity.json` under the project root; JSON, never pickle, since a pull
request could plant the file) maps a digest of each file's bytes to its profile, so it stays
valid across checkouts and file moves; entries of files no longer present are dropped when it
is written. A file whose size and modification time are those recorded, and that was last
changed well before the cache was written, is not even read again. A cache that cannot be read
or written is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from ..document import MAX_FILE_BYTES
from .profile import DATA, FIELDS, Profile, profile_from_text

CACHE_FILE = Path(".postmortem-cache") / "similarity.json"
GIT_CACHE_FILE = Path(".git") / "postmortem" / "similarity.json"
VERSION = 1


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _encode(profile: Profile) -> list:
    return [
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
    ]


def _decode(path: str, row: list) -> Profile:
    terms = {name: tuple(text.split()) for name, text in zip(FIELDS, row[10], strict=True) if text}
    return Profile(
        path=path,
        id=row[0],
        title=row[1],
        status=row[2],
        restricted=row[3],
        started=row[4],
        services=tuple(row[5]),
        tags=tuple(row[6]),
        related=tuple(row[7]),
        related_line=row[8],
        id_line=row[9],
        terms=terms,
    )


def _words_version() -> str:
    """Profiles depend on the word lists: a cache made with other ones is not used."""
    try:
        return f"{VERSION}:{_digest(DATA.read_bytes())}"
    except OSError:
        return str(VERSION)


def _load(cache: Path) -> tuple[dict[str, list], dict[str, list], int]:
    """Profiles by content digest, files by path ([size, mtime_ns, digest]), and when the
    cache was written (ns)."""
    try:
        raw = json.loads(cache.read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}, {}, 0
    if not isinstance(raw, dict) or raw.get("version") != _words_version():
        return {}, {}, 0
    entries, files, saved = raw.get("profiles"), raw.get("files"), raw.get("saved_ns")
    return (
        entries if isinstance(entries, dict) else {},
        files if isinstance(files, dict) else {},
        saved if isinstance(saved, int) else 0,
    )


def _save(cache: Path, entries: dict[str, list], files: dict[str, list]) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=cache.parent, prefix=".similarity-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            content = {
                "version": _words_version(),
                "saved_ns": time.time_ns(),
                "profiles": entries,
                "files": files,
            }
            json.dump(content, out, separators=(",", ":"))
        os.replace(name, cache)
    except OSError:
        pass


def cache_path(root: Path) -> Path:
    """Where the profile cache of the project at `root` lives."""
    if (root / ".git").is_dir():
        return root / GIT_CACHE_FILE
    return root / CACHE_FILE


def archive_profiles(
    paths: Iterable[Path], known: dict[str, Profile] | None = None, root: Path | None = None
) -> list[Profile]:
    """A profile of every readable file (those in `known`, by display path, as given)."""
    known = known or {}
    cache = cache_path(root) if root is not None else None
    entries, files, saved = _load(cache) if cache is not None else ({}, {}, 0)
    kept: dict[str, list] = {}
    seen: dict[str, list] = {}
    profiles = []
    changed = False
    for path in paths:
        shown = path.as_posix()
        if shown in known:
            profiles.append(known[shown])
            continue
        try:
            stat = os.stat(path)
        except OSError:
            continue
        # A file untouched since well before the cache was written is what it was then: its
        # digest is reused without reading it (`git status` trusts stat data the same way).
        recorded = files.get(shown)
        if (
            isinstance(recorded, list)
            and len(recorded) == 3
            and recorded[:2] == [stat.st_size, stat.st_mtime_ns]
            and stat.st_mtime_ns < saved - 2_000_000_000
            and isinstance(entries.get(recorded[2]), list)
        ):
            key = recorded[2]
            try:
                profiles.append(_decode(shown, entries[key]))
                kept[key] = entries[key]
                seen[shown] = recorded
                continue
            except (TypeError, ValueError, IndexError):
                pass
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            continue
        if len(data) > MAX_FILE_BYTES or b"\x00" in data:
            continue
        key = _digest(data)
        seen[shown] = [stat.st_size, stat.st_mtime_ns, key]
        changed = changed or seen[shown] != recorded
        row = entries.get(key)
        if isinstance(row, list) and len(row) == 11:
            try:
                profiles.append(_decode(shown, row))
                kept[key] = row
                continue
            except (TypeError, ValueError, IndexError):
                pass
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        profile = profile_from_text(text, shown)
        profiles.append(profile)
        kept[key] = _encode(profile)
        changed = True
    if cache is not None and (changed or len(kept) != len(entries) or len(seen) != len(files)):
        _save(cache, kept, seen)
    return profiles
