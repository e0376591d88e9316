"""The `postmortem` console script: `--version` answers before anything else is imported, and
`--help` with the text click made for it in an earlier run (`show_help`).

Everything else goes to the click command line (`postmortem.cli`), which itself imports only
click until a command runs. `validate` (the pre-commit hook) reads its compiled regular
expressions and dataclass methods from the last run's (postmortem.recache,
postmortem.fncache), and leaves without tearing the interpreter down (`main`).
"""

from __future__ import annotations

import sys

HELP_FORMAT = 1


def _help_key(width: int) -> str | None:
    """What `postmortem --help` prints depends on: the width, this package's version and
    command-line code, the interpreter, and click (found, not imported). None: unknown."""
    import os
    import zlib
    from importlib.util import find_spec

    from . import __version__

    here = os.path.dirname(os.path.abspath(__file__))
    parts: list[object] = [HELP_FORMAT, __version__, width, sys.version]
    try:
        spec = find_spec("click")
        origin = spec.origin if spec else None
        if origin is None:
            return None
        for name in (os.path.join(here, "cli.py"), os.path.join(here, "launcher.py"), origin):
            with open(name, "rb") as handle:
                data = handle.read()
            parts += [name, len(data), zlib.crc32(data)]
        info = os.stat(origin)  # click's version is in its __init__.py
        parts += [info.st_size, info.st_mtime_ns]
    except (OSError, ImportError, ValueError):
        return None
    return repr(parts)


def _help_path(width: int) -> str:
    import os

    tag = sys.implementation.cache_tag or "python"
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "__pycache__")
    return os.path.join(folder, f"help.{tag}.{width}.txt")


def _check(text: str) -> str:
    import zlib

    return f"{len(text)}:{zlib.crc32(text.encode())}"


def show_help() -> bool:
    """`postmortem --help` as click prints it, from the text an earlier run kept when nothing
    it depends on has changed (click alone is a third of the startup budget); else made by
    click and kept. False when it could not be shown this way (click then does it)."""
    import os

    from .console import help_width

    width = help_width()
    key = _help_key(width)
    if key is None:
        return False
    path = _help_path(width)
    try:
        with open(path, encoding="utf-8") as handle:
            stored = handle.read()
        first, _, text = stored.partition("\n")
        if first == f"{key} {_check(text)}":  # the text is whole and unchanged
            sys.stdout.write(text)
            return True
    except (OSError, UnicodeDecodeError):
        pass
    try:
        from .cli import main

        with main.make_context("postmortem", [], resilient_parsing=True) as ctx:
            text = ctx.get_help() + "\n"  # what click echoes for --help
    except Exception:  # noqa: BLE001 - click's own --help then says what is wrong
        return False
    sys.stdout.write(text)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(f"{key} {_check(text)}\n{text}")
        os.replace(temporary, path)
    except OSError:  # a read-only install: click makes it next time
        try:
            os.unlink(temporary)
        except OSError:
            pass
    return True


def run() -> None:
    """Run the command line; ends with SystemExit as click does (tests call this)."""
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        sys.stdout.write(f"postmortem, version {__version__}\n")
        return
    if sys.argv[1:] in (["--help"], ["-h"]) and show_help():
        return
    if sys.argv[1:2] != ["validate"]:
        from .cli import run as run_cli

        run_cli()
        return
    # The pre-commit hook's command: its regular expressions and the methods of its
    # dataclasses come compiled from the last run.
    from . import fncache, recache

    fncache.install()
    recache.install()
    from .cli import run as run_cli

    try:
        run_cli()
    finally:
        recache.save()
        fncache.save()


def _exit_status(code: object) -> int:
    """What the interpreter makes of `SystemExit(code)`: None is 0, a number is itself,
    anything else is printed to standard error and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


def main() -> None:
    """Console entry point: `run`; after `validate`, the process ends at once.

    A one-file `validate` spent about a sixth of its CPU after its work was done: the
    interpreter's teardown frees every module, compiled pattern and word list one by one.
    Nothing of that is needed: the report is written and flushed, files are closed by their
    `with` blocks, worker pools are shut down, and `recache.save` ran. So, as mypy does, the
    process leaves with `os._exit` once the standard streams are flushed. Anything but a
    normal end (an exception, a stream that cannot be flushed) takes the usual way out.
    """
    if sys.argv[1:2] != ["validate"]:
        run()
        return
    # The cycle collector is not needed either: a one-file run makes few cycles, and the
    # collector walked every object made at import again and again (a twentieth of the run).
    # validation._run_files turns it back on when there is more than one file to check.
    import gc

    gc.disable()
    try:
        run()
        status = 0
    except SystemExit as done:
        status = _exit_status(done.code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: let the interpreter report it as usual
        sys.exit(status)
    import os

    os._exit(status)
