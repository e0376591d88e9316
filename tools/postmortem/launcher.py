"""The `postmortem` console script: `--version` answers before anything else is imported.

Everything else goes to the click command line (`postmortem.cli`), which itself imports only
click until a command runs. `validate` (the pre-commit hook) reads its compiled regular
expressions from the last run's (postmortem.recache).
"""

from __future__ import annotations

import sys


def run() -> None:
    """Console entry point."""
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        sys.stdout.write(f"postmortem, version {__version__}\n")
        return
    from .cli import run as run_cli

    if sys.argv[1:2] != ["validate"]:
        run_cli()
        return
    # The pre-commit hook's command: its regular expressions come compiled from the last run.
    from . import recache

    recache.install()
    try:
        run_cli()
    finally:
        recache.save()
