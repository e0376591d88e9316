"""Loaded data kept between runs, as Python keeps compiled bytecode (and recache.py compiled
regular expressions).

The blame checker's language data (word classes, about 19,800 given names, 47 patterns) was
read from YAML and text files and built at every start: a tenth of a one-file run, the
pre-commit hook. `cached(name, sources, load)` returns what `load()` returns, from a file
written by an earlier run when nothing it depends on has changed:

- the file's key hashes the interpreter (its cache tag and version), this module's FORMAT
  and the bytes of every source file given (the data files *and* the code that builds the
  data from them); a file that is missing counts as missing. Any change gives another key
  and the data is loaded (and written) again;
- the payload carries its own hash: a damaged, truncated or foreign file is not used, and
  is replaced by the next write;
- the value is stored as plain data (`marshal`, which reads strings and sets fast): the
  instances of the project's own classes by their attributes, compiled regular expressions
  by their text and flags (recache.py then serves their compiled code). A value holding
  anything else is simply not kept. Before writing, the stored form is read back and must
  encode to the same data: what a later run gets is what `load()` gave;
- it lives in the package's `__pycache__` folder; nothing is written when that folder is
  read-only, and any error reading or writing means loading as if there were no file.

Errors of the data (a typo in a data file) are `load()`'s: they are raised, and nothing is
written.
"""

from __future__ import annotations

import importlib
import marshal
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from . import pycache
from .hashing import blake2b

T = TypeVar("T")
FORMAT = 1
_PACKAGE = __name__.rpartition(".")[0] or "postmortem"
_PRIMITIVE = (str, int, float, bool, type(None), bytes)  # exactly these types, no subclass


class Unsupported(TypeError):
    """A value `encode` cannot store as plain data."""


# What this process got from files, by name (tests and benchmarks look).
SERVED: set[str] = set()
# Where the files are when `cached` is not told (tests point it elsewhere).
FOLDER: Path | None = None


def cache_path(name: str, folder: Path | None = None) -> Path:
    tag = sys.implementation.cache_tag or "python"
    folder = folder or FOLDER or Path(__file__).parent / "__pycache__"
    return folder / f"data-{name}.{tag}.marshal"


def _digest() -> Any:
    return blake2b(digest_size=16)


def source_key(sources: Iterable[Path | str]) -> bytes:
    """The hash of the interpreter, FORMAT and every source file's path and bytes."""
    digest = _digest()
    digest.update(f"{FORMAT}\0{sys.implementation.cache_tag}\0{sys.version}\0".encode())
    for source in sources:
        digest.update(os.fsencode(source) + b"\0")
        try:
            with open(source, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            digest.update(b"\0absent\0")
            continue
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.digest()


# -- plain data ----------------------------------------------------------------------------
# The encoded form holds only what marshal writes: primitives, lists, dicts with str keys,
# and tagged tuples (a tuple is always a tag, never data).
def encode(value: Any) -> Any:
    """`value` as plain data, or Unsupported."""
    kind = type(value)
    if kind in _PRIMITIVE:
        return value
    if kind is list:
        return [encode(v) for v in value]
    if kind is tuple:
        return ("t", [encode(v) for v in value])
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise Unsupported("a dict with keys other than str")
        return {k: encode(v) for k, v in value.items()}
    if kind is frozenset or kind is set:
        tag = "f" if kind is frozenset else "s"
        if all(type(v) is str and "\0" not in v for v in value):
            # One string: marshal reads it four times faster than a set of 20,000 names.
            return (tag, len(value), "\0".join(sorted(value)))
        return (tag.upper(), [encode(v) for v in value])
    if kind is re.Pattern:
        flags = int(value.flags)
        if isinstance(value.pattern, str):
            flags &= ~int(re.UNICODE)  # added by the compiler itself: the flags the author gave
        return ("re", value.pattern, flags)
    module = getattr(kind, "__module__", "")
    if (
        (module == _PACKAGE or module.startswith(_PACKAGE + "."))
        and "__slots__" not in kind.__dict__
        and isinstance(getattr(value, "__dict__", None), dict)
    ):
        return ("o", module, kind.__qualname__, encode(dict(vars(value))))
    raise Unsupported(f"cannot keep a {kind.__module__}.{kind.__qualname__}")


def _class(module: str, qualname: str) -> type:
    if module != _PACKAGE and not module.startswith(_PACKAGE + "."):
        raise Unsupported(f"{module} is not a module of {_PACKAGE}")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not isinstance(found, type):
        raise Unsupported(f"{module}.{qualname} is not a class")
    return found


def decode(data: Any) -> Any:
    """The value `encode` gave `data` for."""
    kind = type(data)
    if kind in _PRIMITIVE:
        return data
    if kind is list:
        return [decode(v) for v in data]
    if kind is dict:
        return {k: decode(v) for k, v in data.items()}
    if kind is not tuple or not data:
        raise Unsupported(f"unexpected {kind.__name__} in stored data")
    tag = data[0]
    if tag == "t":
        return tuple(decode(v) for v in data[1])
    if tag in ("f", "s"):
        items = data[2].split("\0") if data[1] else ()
        if len(items) != data[1]:
            raise Unsupported("a stored set of the wrong size")
        return frozenset(items) if tag == "f" else set(items)
    if tag in ("F", "S"):
        items = (decode(v) for v in data[1])
        return frozenset(items) if tag == "F" else set(items)
    if tag == "re":
        return re.compile(data[1], data[2])
    if tag == "o":
        cls = _class(data[1], data[2])
        obj = cls.__new__(cls)
        obj.__dict__.update(decode(data[3]))
        return obj
    raise Unsupported(f"unknown tag {tag!r} in stored data")


# -- the file ------------------------------------------------------------------------------
def _read(path: Path, key: bytes) -> tuple[bool, Any]:
    """(True, value) from the file when its key is `key` and it is intact, else (False, None)."""
    try:
        with open(path, "rb") as handle:
            stored = marshal.load(handle)
        if not isinstance(stored, tuple) or len(stored) != 4 or stored[:2] != (FORMAT, key):
            return False, None
        check, payload = stored[2], stored[3]
        digest = _digest()
        digest.update(payload)
        if not isinstance(payload, bytes) or digest.digest() != check:
            return False, None
        return True, decode(marshal.loads(payload))
    except Exception:  # unreadable, damaged, or naming what no longer exists: load again
        return False, None


def _write(path: Path, key: bytes, value: Any) -> None:
    try:
        encoded = encode(value)
        payload = marshal.dumps(encoded)
        if encode(decode(marshal.loads(payload))) != encoded:
            return  # would not come back as it is: not kept
    except (Unsupported, ValueError, TypeError, AttributeError, ImportError, re.error):
        return
    digest = _digest()
    digest.update(payload)
    pycache.write(path, (FORMAT, key, digest.digest(), payload))  # else: load next time


def cached(
    name: str, sources: Iterable[Path | str], load: Callable[[], T], folder: Path | None = None
) -> T:
    """`load()`, or the value it gave an earlier run whose `sources` had the same bytes
    (kept in `folder`, by default the package's `__pycache__`)."""
    path = cache_path(name, folder)
    try:
        key = source_key(sources)
    except OSError:  # a source that cannot be read: no key, no file
        return load()
    found, value = _read(path, key)
    if found:
        SERVED.add(name)
        return value
    SERVED.discard(name)
    value = load()
    _write(path, key, value)
    return value
