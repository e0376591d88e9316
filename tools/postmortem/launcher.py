"""The `postmortem` console script: `--version` answers before anything else is imported.

The plain forms of `validate` (the pre-commit hook's) run without click (`postmortem.hook`);
everything else goes to the click command line (`postmortem.cli`), which itself imports only
click until a command runs. `validate` (the pre-commit hook) reads its compiled regular
expressions and dataclass methods from the last run's (postmortem.recache,
postmortem.fncache), and leaves without tearing the interpreter down (`main`).
"""

from __future__ import annotations

import sys


def run() -> None:
    """Run the command line; ends with SystemExit as click does (tests call this)."""
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        sys.stdout.write(f"postmortem, version {__version__}\n")
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
    try:
        # Its plain forms without click (postmortem.hook); anything else goes to click.
        from .hook import run as run_plain

        status = run_plain(sys.argv[2:])
        if status is not None:
            sys.exit(status)
        from .cli import run as run_cli

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
    if sys.argv[1:2] != ["validate"] and sys.argv[1:] not in (["--help"], ["-h"]):
        run()
        return
    # `postmortem --help` leaves the same way: it imported click and printed, nothing more
    # (its teardown was 6 ms of its 47 ms CPU).
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
