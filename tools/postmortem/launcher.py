"""The `postmortem` console script: `--version` answers before anything else is imported.

Everything else goes to the click command line (`postmortem.cli`), which itself imports only
click until a command runs.
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

    run_cli()
