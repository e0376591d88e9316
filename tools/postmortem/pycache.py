"""The files the package keeps in its own `__pycache__` folder between runs: compiled regular
expressions (recache.py), dataclass methods (fncache.py) and loaded language data
(datacache.py). One way to read and write them, so that all three treat a damaged file, a
read-only install and two runs writing at once alike."""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any


def write(path: Path, value: Any) -> bool:
    """`marshal` `value` to `path` through a temporary file renamed into place, so a reader
    never sees half a file. False when it cannot be written (read-only install, full disk,
    a value marshal does not take): the caller then works without the file next time."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        with open(temporary, "wb") as handle:
            marshal.dump(value, handle)
        os.replace(temporary, path)
    except (OSError, ValueError):
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return False
    return True


def load_entries(path: Path, format: int) -> tuple[int, dict[Any, Any]]:
    """(number of writes so far, entries) from a file of {"format", "writes", "entries"}
    written by `write`; (0, {}) when it is missing, damaged or of another format."""
    try:
        with open(path, "rb") as handle:
            data = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return 0, {}
    if not isinstance(data, dict) or data.get("format") != format:
        return 0, {}
    writes, entries = data.get("writes"), data.get("entries")
    if not isinstance(writes, int) or not isinstance(entries, dict):
        return 0, {}
    return writes, entries


def save_entries(
    path: Path,
    format: int,
    writes: int,
    known: dict[Any, Any],
    used: dict[Any, tuple[Any, ...]],
    keep: int,
    width: int | None = None,
) -> dict[Any, Any] | None:
    """Write write number `writes` of a file read by `load_entries`: the entries this run
    `used`, each stamped `(writes, *entry)`, and those of `known` stamped in the last `keep`
    writes (and `width` long, when given), so the file does not grow without end with
    entries no run asks for. The entries written, or None when the file cannot be written."""
    entries = {
        key: value
        for key, value in known.items()
        if key not in used
        and type(value) is tuple
        and (len(value) == width if width is not None else bool(value))
        and isinstance(value[0], int)
        and value[0] > writes - keep
    }
    entries.update((key, (writes, *entry)) for key, entry in used.items())
    if not write(path, {"format": format, "writes": writes, "entries": entries}):
        return None
    return entries
