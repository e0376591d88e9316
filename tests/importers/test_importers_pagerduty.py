import json

import pytest

from postmortem.importers import TimelineImportError, parse_pagerduty, read_pagerduty

from importer_samples import sample, utc


def test_sample_log_entries_become_one_row_each():
    result = read_pagerduty(sample("pagerduty-log-entries.json"))
    assert result.source_events == 9
    rows = [(e.time, e.event, e.actor) for e in result.events]
    assert rows[0] == (
        utc(2025, 3, 14, 10, 6, 2),
        "Incident #4521 triggered: CatalogAPIHighErrorRate: catalog-api 5xx ratio above 5%",
        "Alertmanager",
    )
    assert (
        utc(2025, 3, 14, 10, 11, 2),
        "Incident #4521: Escalated to level 2 by timeout",
        "PagerDuty",
    ) in rows
    assert (utc(2025, 3, 14, 10, 12, 41), "Incident #4521 acknowledged", "Marco Bianchi") in rows
    assert (utc(2025, 3, 14, 10, 41, 20), "Incident #4521 resolved", "Marco Bianchi") in rows
    notes = [e for e in result.events if e.event.startswith("Note")]
    assert [n.actor for n in notes] == ["Marco Bianchi", "Priya Raman"]
    assert "Raising maxmemory to 6 GiB" in notes[0].event
    assert {e.source for e in result.events} == {"PagerDuty"}


def test_bare_list_and_single_entry_shapes():
    entry = {
        "type": "acknowledge_log_entry",
        "created_at": "2025-03-14T11:12:41+01:00",
        "agent": {"type": "user_reference", "summary": "Ana"},
        "incident": {"id": "PX1"},
    }
    events = parse_pagerduty(json.dumps([entry]))
    assert events[0].time == utc(2025, 3, 14, 10, 12, 41)
    assert events[0].event == "Incident PX1 acknowledged"
    assert parse_pagerduty(json.dumps({"log_entry": entry})) == events


def test_unknown_entry_types_use_the_summary():
    entry = {
        "type": "snooze_log_entry",
        "created_at": "2025-03-14T10:00:00Z",
        "summary": "Snoozed for 1 hour.",
        "incident": {"summary": "[#7] Disk full"},
    }
    assert parse_pagerduty(json.dumps([entry]))[0].event == "Incident #7: Snoozed for 1 hour"


def test_empty_log_gives_no_rows():
    assert read_pagerduty('{"log_entries": [], "more": false}').events == []


def test_bad_created_at_reports_the_entry_line():
    text = '{"log_entries": [\n  {"type": "trigger_log_entry", "created_at": "2025-03-14T10:00:00Z"},\n  {"type": "resolve_log_entry", "created_at": "soon"}\n]}'
    with pytest.raises(TimelineImportError) as caught:
        parse_pagerduty(text)
    assert caught.value.line == 3
    assert "created_at 'soon'" in caught.value.message


def test_wrong_shapes_are_explained():
    with pytest.raises(TimelineImportError) as caught:
        parse_pagerduty('{"incidents": []}')
    assert "not PagerDuty log entries" in caught.value.message
    with pytest.raises(TimelineImportError):
        parse_pagerduty('[{"type": "something"}]')
