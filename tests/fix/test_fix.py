"""`postmortem validate --fix` and `--diff`: the repairs the validator knows, applied once."""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortem.config import Config
from postmortem.fix import fix_text

from clitools import invoke
from messy import MESSY, NAME, SEED


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    path = tmp_path / NAME
    path.write_text(MESSY, "utf-8")
    return path


def test_the_messy_report_really_has_errors(messy: Path) -> None:
    result = invoke("validate", "--today", "2025-03-01", NAME, cwd=messy.parent)
    assert result.exit_code == 1
    assert "IN012" in result.output and "quote" in result.output.lower()


def test_one_run_leaves_no_error_and_a_second_changes_nothing(messy: Path) -> None:
    first = invoke("validate", "--fix", "--today", "2025-03-01", NAME, cwd=messy.parent)
    assert first.exit_code == 0, first.output
    fixed = messy.read_text("utf-8")
    assert 'authors: ["@maria-santos"]' in fixed
    assert '  - "@kenji-watanabe"' in fixed
    assert "+01:00" not in fixed
    assert "| 2025-02-09 14:25 |" in fixed  # back in UTC
    # It says what it changed, line by line, and what is left.
    assert f"{NAME}:14: fixed: `authors`" in first.output
    assert "written in UTC: `2025-02-09 13:55`" in first.output
    assert "no errors left" in first.output
    # Everything else is the author's text, untouched: only table times and frontmatter moved.
    before, after = MESSY.splitlines(), fixed.splitlines()
    assert len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        if old != new:
            assert old.startswith(("| 2025-02-09", "authors:", "  - @")), old
    second = invoke("validate", "--fix", "--today", "2025-03-01", NAME, cwd=messy.parent)
    assert second.exit_code == 0
    assert messy.read_text("utf-8") == fixed
    assert "fixed:" not in second.output and "repaired 0 problems" in second.output


def test_the_repaired_times_are_the_same_instants() -> None:
    result = fix_text(MESSY, NAME, Config())
    assert result.fixed.replace('"@kenji-watanabe", "@lena-fischer"', "") != ""
    seed_times = [line[:18] for line in SEED.splitlines() if line.startswith("| 2025-02-09 ")]
    fixed_times = [
        line[:18] for line in result.fixed.splitlines() if line.startswith("| 2025-02-09 ")
    ]
    assert fixed_times == seed_times


def test_diff_previews_and_changes_nothing(messy: Path) -> None:
    result = invoke("validate", "--diff", NAME, cwd=messy.parent)
    assert result.exit_code == 1  # there is something to repair
    assert f"--- a/{NAME}" in result.output and f"+++ b/{NAME}" in result.output
    assert "-authors: [@maria-santos]" in result.output
    assert '+authors: ["@maria-santos"]' in result.output
    assert messy.read_text("utf-8") == MESSY
    invoke("validate", "--fix", NAME, "--today", "2025-03-01", cwd=messy.parent)
    clean = invoke("validate", "--diff", NAME, cwd=messy.parent)
    assert clean.exit_code == 0 and "---" not in clean.stdout


def test_time_only_rows_stay_time_only_unless_their_date_would_change() -> None:
    text = SEED.replace("| 2025-02-09 14:25 |", "| 15:25 CET        |").replace(
        "| 2025-02-09 14:41 |", "| 14:41            |"
    )
    fixed = fix_text(text, NAME, Config()).fixed
    assert "| 14:25            |" in fixed and "| 14:41            |" in fixed
    # Just after midnight in Berlin is the previous day in UTC: the rewritten row keeps its
    # date, and the time-only row after it, which took its date from that row, gets its own.
    crossing = (
        '---\nid: x\nstarted: "2025-02-08T23:00:00Z"\nresolved: "2025-02-09T01:00:00Z"\n---\n'
        "## Timeline\n| Time | Event | Source | Actor |\n|---|---|---|---|\n"
        "| 2025-02-09 00:30 CET | a | b | - |\n| 00:40 | c | d | - |\n"
    )
    again = fix_text(crossing, "x.md", Config())
    assert "| 2025-02-08 23:30 | a |" in again.fixed
    assert "| 2025-02-09 00:40 | c |" in again.fixed
    assert fix_text(again.fixed, "x.md", Config()).changed is False


def test_ambiguous_zones_need_a_configured_timezone() -> None:
    text = SEED.replace("| 2025-02-09 14:25 |", "| 2025-02-09 19:55 IST |")
    assert "IST" in fix_text(text, NAME, Config()).fixed  # left by hand
    config = Config()
    config.values["timezone"] = "Asia/Kolkata"
    assert "| 2025-02-09 14:25 |" in fix_text(text, NAME, config).fixed


def test_prose_is_never_rewritten() -> None:
    text = MESSY.replace(
        "## Summary\n", "## Summary\n\nAt 15:02 +01:00 the pool was full: title: yes.\n"
    )
    fixed = fix_text(text, NAME, Config()).fixed
    assert "At 15:02 +01:00 the pool was full: title: yes." in fixed


def test_action_item_cells_are_normalised() -> None:
    text = SEED.replace("| P3       | done   |", "| medium   | Done   |").replace(
        "| 2025-03-07 |", "| 2025/03/07 |"
    )
    result = fix_text(text, NAME, Config())
    assert "| Medium   | done   |" in result.fixed and "| 2025-03-07 |" in result.fixed
    assert {c.what.split()[0] for c in result.changes} == {"priority", "status", "deadline"}


def test_standard_input_is_repaired_to_standard_output(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    result = invoke(
        "validate", "-", "--fix", "--stdin-filename", NAME, "--today", "2025-03-01",
        cwd=tmp_path, stdin=MESSY,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == fix_text(MESSY, NAME, Config()).fixed
    assert f"{NAME}:14: fixed:" in result.stderr


def test_yaml_syntax_is_not_mistaken_for_a_value_to_quote() -> None:
    text = MESSY.replace(
        "services: [", 'note: |\n  Pager: @oncall said "yes"\nextra: >-\n  folded\nservices: ['
    )
    fixed = fix_text(text, NAME, Config()).fixed
    assert "note: |\n  Pager: @oncall said" in fixed and "extra: >-\n" in fixed
