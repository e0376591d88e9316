"""Timeline, deadline and action-item rules: a failing source and a passing twin for each."""

from __future__ import annotations

from datetime import date

from postmortem.config import Config

from ruletools import codes, line_of, run_rules


def test_seed_example_is_clean(seed):
    for prefix in ("TL", "DL", "AI"):
        assert run_rules(seed, prefix) == [], prefix


def test_tl101_time_that_is_not_a_time(seed):
    text = seed.replace("| 2025-02-09 14:25 |", "| shortly after    |")
    assert codes(run_rules(text, "TL101")) == [(line_of(text, "| shortly after "), "TL101")]
    # A time-only row in a one-day incident takes the incident's date.
    text = seed.replace("| 2025-02-09 14:25 |", "| 14:25            |")
    assert run_rules(text, "TL") == []


def test_tl102_non_utc_offset_gets_utc_rewrite(seed):
    text = seed.replace("| 2025-02-09 14:25 |", "| 2025-02-09 15:25+01:00 |")
    found = run_rules(text, "TL102")
    assert codes(found) == [(line_of(text, "15:25+01:00"), "TL102")]
    assert "Write it in UTC: 2025-02-09 14:25 " in found[0].suggestion
    assert run_rules(text, "TL103") == []  # converted to UTC, still in order


def test_tl103_out_of_order(seed):
    text = seed.replace("| 2025-02-09 14:25 |", "| 2025-02-09 14:10 |").replace(
        "| 2025-02-09 14:12 |", "| 2025-02-09 14:20 |"
    )
    assert codes(run_rules(text, "TL103")) == [(line_of(text, "| 2025-02-09 14:10 |"), "TL103")]


def test_tl104_outside_window(seed):
    text = seed.replace("| 2025-02-09 14:41 |", "| 2025-03-09 14:41 |")
    found = run_rules(text, "TL104")
    assert codes(found) == [(line_of(text, "2025-03-09 14:41"), "TL104")]


def test_tl105_window_order(seed):
    text = seed.replace('detected: "2025-02-09T14:09:00Z"', 'detected: "2025-02-09T13:00:00Z"')
    assert codes(run_rules(text, "TL105")) == [(line_of(text, "detected:"), "TL105")]


def test_tl106_coverage_warns(seed):
    end = seed.index("| 2025-02-09 15:40 |")
    text = seed[:end] + seed[seed.index("\n", end) + 1 :]
    found = run_rules(text, "TL106")
    assert [f.severity for f in found] == ["warning"]
    assert "before resolution" in found[0].message


def test_tl107_future(seed):
    assert [f.rule for f in run_rules(seed, "TL107", today=date(2025, 2, 1))] == ["TL107"] * 4


def test_dl101_late_report(seed):
    text = seed.replace(
        'report_date: "2025-02-10T11:00:00Z"', 'report_date: "2025-02-14T11:00:00Z"'
    )
    found = run_rules(text, "DL101")
    assert codes(found) == [(line_of(text, "report_date:"), "DL101")]
    config = Config()
    config.values["publish_within_hours"] = 24 * 7
    assert run_rules(text, "DL101", config=config) == []


def test_dl102_stale_draft(seed):
    text = seed.replace("status: published", "status: draft")
    assert [f.rule for f in run_rules(text, "DL102", today=date(2025, 2, 20))] == ["DL102"]
    assert run_rules(text, "DL102", today=date(2025, 2, 12)) == []


def test_dl103_overdue_open_item_only(seed):
    open_item = seed.replace(
        "| 2025-04-30 | P3       | done   |", "| 2025-04-30 | P3       | open   |"
    )
    found = run_rules(open_item, "DL103", today=date(2025, 5, 2))
    assert codes(found) == [(line_of(seed, "| A4 "), "DL103")]
    assert "2 day(s) overdue" in found[0].message
    assert run_rules(seed, "DL103", today=date(2025, 5, 2)) == []


def test_ai101_missing_owner(seed):
    text = seed.replace("| @lena-fischer   |", "|                 |")
    found = run_rules(text, "AI101")
    assert [(f.line, f.message) for f in found] == [
        (line_of(text, "| A4 "), "action item A4 has no owner")
    ]


def test_ai102_duplicate_id(seed):
    text = seed.replace("| A4  |", "| A3  |")
    assert codes(run_rules(text, "AI102")) == [(line_of(text, "weekly load test"), "AI102")]


def test_ai103_impossible_and_early_deadline(seed):
    text = seed.replace("2025-04-30", "2025-02-30")
    assert "not a real date" in run_rules(text, "AI103")[0].message
    text = seed.replace("2025-04-30", "2025-01-30")
    assert "before the incident" in run_rules(text, "AI103")[0].message


def test_ai104_priority_scale(seed):
    text = seed.replace("| P3       | done   |", "| urgent   | done   |")
    assert codes(run_rules(text, "AI104")) == [(line_of(text, "| urgent "), "AI104")]
    # The default scale has the reference report's words for the same levels, in any case.
    for word in ("High", "medium", "LOW", "Critical", "p2"):
        text = seed.replace("| P3       | done   |", f"| {word:<8} | done   |")
        assert run_rules(text, "AI104") == [], word


def test_ai105_vague_action_and_specific_twin(seed):
    vague = seed.replace(
        "Run a weekly load test in staging at 50% of production peak                 ",
        "Improve monitoring                                                           ",
    )
    found = run_rules(vague, "AI105")
    assert codes(found) == [(line_of(vague, "Improve monitoring"), "AI105")]
    specific = seed.replace(
        "Run a weekly load test in staging at 50% of production peak                 ",
        "Improve monitoring: alert on `db_pool_wait_seconds` p99 above 1s            ",
    )
    assert run_rules(specific, "AI105") == []


def test_ai106_published_needs_action_items(seed):
    start = seed.index("| A1  |")
    end = seed.index("## What Went Well")
    text = seed[:start] + "\n" + seed[end:]
    assert [f.rule for f in run_rules(text, "AI106")] == ["AI106"]


def test_tl108_actor_is_a_handle_a_bot_system_or_none(seed):
    assert run_rules(seed, "TL108") == []  # @handles, deploy-bot, system, PagerDuty
    text = seed.replace("| system         |", "| the on-call engineer |").replace(
        "| @maria-santos  |", "| maria-santos   |", 1
    )
    found = run_rules(text, "TL108")
    assert codes(found) == [
        (line_of(text, "the on-call engineer"), "TL108"),
        (line_of(text, "| maria-santos "), "TL108"),
    ]
    assert "free text" in found[0].message and "without its handle" in found[1].message
    assert all(f.severity == "warning" for f in found)
    for actor in ("-", "System", "dependabot[bot]", "@alice, @bob", "@acme/sre"):
        ok = seed.replace("| system         |", f"| {actor} |")
        assert run_rules(ok, "TL108") == [], actor


def test_tl101_a_date_without_a_time_dates_the_rows_after_it(seed):
    text = seed.replace("| 2025-02-09 14:25 |", "| 2025-02-09       |").replace(
        "| 2025-02-09 14:41 |", "| 14:41            |"
    )
    found = run_rules(text, "TL")
    assert codes(found) == [(line_of(text, "| 2025-02-09       |"), "TL101")]
    assert "has a date but no time of day" in found[0].message
