"""The methods `dataclasses` writes, compiled once and kept between runs, as Python keeps the
compiled bytecode of modules.

A one-file run (the pre-commit hook) defines about 45 dataclasses while importing; for each,
`dataclasses` writes the source text of `__init__`, `__repr__`, `__eq__` ... and compiles it
with `exec`: 230 compilations, about a tenth of the run. `install()` gives the `dataclasses`
module its own `exec` that looks the text up in a file before compiling it:

- the file maps each source text to its code object (`marshal`, as in a .pyc file), so an
  entry is only ever used for the very same text; the text is compiled exactly as `exec`
  compiles it inside `dataclasses` (file name "<string>", no inherited `__future__` flags);
- its name carries the interpreter's cache tag and bytecode magic number: another Python
  never reads it; an unreadable file, or an entry that is not a code object, is ignored;
- it lives in the package's `__pycache__` folder (nothing is written when that folder is
  read-only); it is rewritten when a run compiled a text it did not hold, and a text no run
  used in the last KEEP writes is dropped.

Whatever `dataclasses` does with the code (the functions, their globals and defaults) is
unchanged: only the compilation step is skipped. tests/test_fncache.py holds the classes
made this way to be the classes made without it.
"""

from __future__ import annotations

import builtins
import sys
import types
from pathlib import Path
from typing import Any

from . import pycache

KEEP = 20  # writes a text stays in the file unused
FORMAT = 1

_state: dict[str, Any] = {}


def cache_path() -> Path | None:
    try:
        from importlib.util import MAGIC_NUMBER
    except ImportError:  # pragma: no cover - every CPython has it
        return None
    tag = sys.implementation.cache_tag or "python"
    magic = int.from_bytes(MAGIC_NUMBER[:2], "little")
    return Path(__file__).parent / "__pycache__" / f"dataclass-code.{tag}.{magic}.marshal"


def compile_text(source: str) -> types.CodeType:
    """What `exec(source, ...)` inside `dataclasses` compiles (that module has no
    `from __future__` imports, so none are inherited)."""
    return compile(source, "<string>", "exec", dont_inherit=True)


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> None:
    if globals is None:  # exec called from `dataclasses` runs in that module's namespace
        globals = _state["namespace"]
    if type(source) is not str or kwargs:
        return builtins.exec(source, globals, locals, **kwargs)
    code = _state["used"].get(source)
    if code is not None:
        return builtins.exec(code, globals, locals)
    known = _state["known"].get(source)
    if (
        type(known) is tuple
        and len(known) == 2
        and type(known[1]) is types.CodeType
        and known[1].co_filename == "<string>"
    ):
        code = known[1]
    else:
        code = compile_text(source)
        _state["missed"] += 1
    _state["used"][source] = code
    return builtins.exec(code, globals, locals)


def install(path: Path | None = None) -> bool:
    """Serve the compilations of `dataclasses` from the cache file (once per process)."""
    if _state:
        return True
    import dataclasses

    path = path or cache_path()
    if path is None or "exec" in vars(dataclasses):
        return False
    writes, known = pycache.load_entries(path, FORMAT)
    _state.update(
        path=path, writes=writes, known=known, used={}, missed=0, namespace=vars(dataclasses)
    )
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    return True


def uninstall() -> None:
    """Compile as usual again (tests)."""
    if _state:
        import dataclasses

        if vars(dataclasses).get("exec") is _exec:
            del dataclasses.exec  # type: ignore[attr-defined]
        _state.clear()


def stats() -> tuple[int, int]:
    """(texts served from the file, texts compiled) since `install`."""
    if not _state:
        return 0, 0
    return len(_state["used"]) - _state["missed"], _state["missed"]


def save() -> None:
    """Write the file if this run compiled a text it did not hold: the texts this run used,
    and those of the file used in the last KEEP writes."""
    if not _state or not _state["missed"]:
        return
    writes = _state["writes"] + 1
    used = {text: (code,) for text, code in _state["used"].items()}
    entries = pycache.save_entries(
        _state["path"], FORMAT, writes, _state["known"], used, KEEP, width=2
    )
    if entries is None:
        return  # read-only install, full disk: compile next time
    _state.update(writes=writes, known=entries, missed=0)
