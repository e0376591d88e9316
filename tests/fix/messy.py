"""A report with every problem `--fix` repairs: the reference example as a team in Berlin
writes it (every timeline time at +01:00) with unquoted @handles."""

from __future__ import annotations

import re

from clitools import SEED
from clitools import SEED_NAME as NAME

__all__ = ["MESSY", "NAME", "SEED", "shifted"]


def shifted(text: str) -> str:
    """The seed as a team in Berlin writes it: every time at +01:00, handles unquoted."""
    messy = re.sub(
        r"^\| 2025-02-09 (\d\d):(\d\d) ",
        lambda m: f"| 2025-02-09 {int(m[1]) + 1:02d}:{m[2]} +01:00 ",
        text,
        flags=re.MULTILINE,
    )
    messy = messy.replace('authors: ["@maria-santos"]', "authors: [@maria-santos]")
    messy = messy.replace(
        'reviewers: ["@kenji-watanabe", "@lena-fischer"]',
        "reviewers:\n  - @kenji-watanabe\n  - @lena-fischer",
    )
    return messy


MESSY = shifted(SEED)
