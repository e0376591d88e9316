"""What the command line knows of the terminal, without importing click (startup paths)."""

from __future__ import annotations

import sys


def help_width() -> int:
    """The width click gives help text (`shutil.get_terminal_size`, capped at 80), found
    without importing shutil (and with it bz2, lzma and zlib): `--help` is a startup path."""
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            columns = 80
    return max(min(columns, 80) - 2, 50)
