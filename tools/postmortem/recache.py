"""Compiled regular expressions kept between runs, as Python keeps compiled bytecode.

A one-file run (the pre-commit hook) compiles about 300 regular expressions at every start:
the blame language data, the rules' own patterns and proselint's checks. That was about a
quarter of its CPU. `install()` makes `re` look each one up in a file before compiling it:

- the file maps (pattern, flags) to what `re`'s compiler made of that pattern (the flags,
  the code, the groups), so an entry can only be used for the very same pattern text;
- its name carries the interpreter's cache tag and `_sre.MAGIC`: another Python, or another
  version of the regular expression engine, never reads it;
- `_sre.compile` checks the code it is given, and an unreadable file is ignored; the result
  is the pattern `re.compile` would give (equal to it: tests/test_recache.py);
- it lives in the package's `__pycache__` folder (nothing is written when that folder is
  read-only); it is rewritten when a run compiled a pattern it did not hold. A pattern no
  run used in the last KEEP writes is dropped: the file does not grow without end with
  patterns whose text changes from process to process (proselint and markdown-it build a
  few from sets, in the hash seed's order), and what only some runs use (the patterns of a
  full run's worker processes are compiled there, not in the process that writes) stays.

`re`'s own in-process cache stays in front: only what it would compile is looked up here.
"""

from __future__ import annotations

import re
import sys
from array import array
from pathlib import Path
from typing import Any

from . import pycache

try:
    import _sre
    from re import _compiler, _parser

    _USABLE = array("I").itemsize == _sre.CODESIZE and hasattr(_compiler, "_code")
except (ImportError, AttributeError):  # another interpreter: compile as usual
    _USABLE = False

Entry = tuple[int, bytes, int, dict[str, int], tuple[Any, ...]]
KEEP = 20  # writes a pattern stays in the file unused
FORMAT = 1

_state: dict[str, Any] = {}


def cache_path() -> Path | None:
    if not _USABLE:
        return None
    tag = sys.implementation.cache_tag or "python"
    return Path(__file__).parent / "__pycache__" / f"regex.{tag}.{_sre.MAGIC}.marshal"


def _compile_entry(pattern: str, flags: int) -> Entry:
    """What `re._compiler.compile` does, kept as data."""
    parsed = _parser.parse(pattern, flags)
    code = array("I", _compiler._code(parsed, flags)).tobytes()
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[Any] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        int(flags | parsed.state.flags),
        code,
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _pattern(p: str, entry: Entry) -> re.Pattern[Any]:
    """The pattern `re._compiler.compile` makes of `p`, from its entry."""
    return _sre.compile(p, entry[0], array("I", entry[1]).tolist(), *entry[2:])


def _compile(p: Any, flags: int = 0) -> re.Pattern[Any]:
    original = _state["original"]
    if not isinstance(p, str) or flags & re.DEBUG:
        return original(p, flags)
    key = (p, int(flags))
    known = _state["known"].get(key)
    if known is not None:
        try:
            pattern = _pattern(p, known[1:])
        except Exception:  # a damaged entry: _sre refuses code it cannot run
            pass
        else:
            _state["used"][key] = known[1:]
            return pattern
    # Parsed and compiled once, by re's own parser and compiler: errors are raised exactly as
    # re raises them.
    entry = _compile_entry(p, flags)
    pattern = _pattern(p, entry)
    _state["used"][key] = entry
    _state["missed"] += 1
    return pattern


def install(path: Path | None = None) -> bool:
    """Serve `re`'s compilations from the cache file (once per process); False when this
    interpreter's `re` is not the one this module knows."""
    if _state or not _USABLE:
        return bool(_state)
    path = path or cache_path()
    if path is None:
        return False
    writes, known = pycache.load_entries(path, FORMAT)
    _state.update(
        path=path, writes=writes, known=known, used={}, missed=0, original=_compiler.compile
    )
    _compiler.compile = _compile
    return True


def uninstall() -> None:
    """Compile as usual again (tests)."""
    if _state:
        _compiler.compile = _state["original"]
        _state.clear()


def stats() -> tuple[int, int]:
    """(patterns served from the file, patterns compiled) since `install`."""
    if not _state:
        return 0, 0
    return len(_state["used"]) - _state["missed"], _state["missed"]


def _worth_writing() -> bool:
    """False when every pattern this run compiled is a reordering of one the file holds.

    proselint and markdown-it build a few patterns from sets (a character class), whose order
    changes with the hash seed: such a pattern misses in every run, and writing the whole
    file for it cost each hook run 1.7 ms. It is compiled (correctly) instead; a pattern
    with other characters, or other flags, is written as before."""
    known = _state["known"]
    missed = [key for key in _state["used"] if key not in known]
    sizes = {(len(p), flags) for p, flags in missed}
    reorderings = {
        ("".join(sorted(key[0])), key[1])
        for key in known
        if type(key) is tuple and len(key) == 2 and type(key[0]) is str
        if (len(key[0]), key[1]) in sizes
    }
    return any(("".join(sorted(p)), flags) not in reorderings for p, flags in missed)


def save() -> None:
    """Write the file if this run compiled a pattern it did not hold: the patterns this run
    used, and those of the file used in the last KEEP writes."""
    if not _state or not _state["missed"] or not _worth_writing():
        return
    writes = _state["writes"] + 1
    entries = pycache.save_entries(
        _state["path"], FORMAT, writes, _state["known"], _state["used"], KEEP
    )
    if entries is None:
        return  # read-only install, full disk: compile next time
    _state.update(writes=writes, known=entries, missed=0)
