"""`--fix` on damaged files: never an exception, and always idempotent (a second run changes
nothing), whatever the damage. Random edits of a report with every repairable problem."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from postmortem.config import Config
from postmortem.fix import fix_text

from messy import MESSY

PIECES = [
    "@", "`", ": ", "|", "\n", "---\n", "yes", "+01:00", " CET", " IST", "2025-02-09 ", "00:30",
    "[", "]", '"', "'", "#", "\t", "\r\n", "25:99", "9999-99-99", "| 10:00 |", "- @x\n", "\ufeff",
]  # fmt: skip


def damaged(rng: random.Random) -> str:
    text = MESSY
    for _ in range(rng.randrange(1, 12)):
        at = rng.randrange(len(text) + 1)
        if rng.random() < 0.3:
            text = text[:at] + text[at + rng.randrange(1, 40) :]
        else:
            text = text[:at] + rng.choice(PIECES) + text[at:]
    return text


@pytest.mark.parametrize("seed", range(300))
def test_fix_never_raises_and_is_idempotent(seed: int) -> None:
    rng = random.Random(seed)
    text = damaged(rng)
    config = Config()
    if seed % 3 == 0:
        config.values["timezone"] = "Europe/Dublin"
    first = fix_text(text, "x.md", config)
    second = fix_text(first.fixed, "x.md", config)
    assert second.fixed == first.fixed, (seed, second.changes)
    assert not second.changes


def test_fix_paths_skips_files_it_cannot_read(tmp_path: Path) -> None:
    from postmortem.fix import fix_paths

    (tmp_path / "binary.md").write_bytes(b"---\x00\xff")
    (tmp_path / "latin.md").write_bytes("title: caf\xe9".encode("latin-1"))
    good = tmp_path / "good.md"
    good.write_text(MESSY, "utf-8")
    results = fix_paths(sorted(tmp_path.iterdir()), Config(), write=True)
    assert [Path(r.path).name for r in results] == ["good.md"]
    assert (tmp_path / "binary.md").read_bytes() == b"---\x00\xff"
    assert good.read_text("utf-8") == results[0].fixed != MESSY
