import json

import pytest

from postmortem.importers import TimelineImportError, parse_alertmanager, read_alertmanager

from importer_samples import sample, utc


def alert(name="Foo", state="active", starts="2025-03-14T10:06:00Z", ends=None, updated=None, **kw):
    body = {
        "labels": {"alertname": name, "severity": "critical"},
        "annotations": {"summary": f"{name} summary"},
        "startsAt": starts,
        "endsAt": ends or "2025-03-14T10:24:00Z",
        "updatedAt": updated or "2025-03-14T10:20:00Z",
        "status": {"state": state, "silencedBy": [], "inhibitedBy": []},
        "fingerprint": "0123456789abcdef",
        "receivers": [{"name": "pager"}],
    }
    body.update(kw)
    return body


def test_amtool_output_gives_fired_events_only():
    result = read_alertmanager(sample("alertmanager-amtool.json"))
    assert result.source_events == 3
    assert [(e.time, e.event) for e in sorted(result.events)] == [
        (
            utc(2025, 3, 14, 10, 3, 30),
            "Alert RedisMemoryHigh fired (warning, redis-catalog-0 memory above 90% of maxmemory)",
        ),
        (
            utc(2025, 3, 14, 10, 6),
            "Alert CatalogAPIHighErrorRate fired (critical, catalog-api 5xx ratio above 5%)",
        ),
        (
            utc(2025, 3, 14, 10, 7, 15),
            "Alert CatalogAPIHighLatency fired (warning, catalog-api p99 latency above 1s, inhibited)",
        ),
    ]
    # endsAt of a firing alert is an expiry time in the future, not a resolution.
    assert not any("resolved" in e.event for e in result.events)
    assert {e.source for e in result.events} == {"Alertmanager"}


def test_webhook_resolved_notification_gives_the_resolution():
    events = parse_alertmanager(sample("alertmanager-webhook-resolved.json"))
    assert [(e.time, e.event) for e in events] == [
        (
            utc(2025, 3, 14, 10, 6),
            "Alert CatalogAPIHighErrorRate fired (critical, catalog-api 5xx ratio above 5%)",
        ),
        (utc(2025, 3, 14, 10, 39), "Alert CatalogAPIHighErrorRate resolved"),
    ]


def test_webhook_firing_alert_with_zero_end_time_is_not_resolved():
    payload = {
        "version": "4",
        "status": "firing",
        "alerts": [alert(status="firing", endsAt="0001-01-01T00:00:00Z")],
    }
    events = parse_alertmanager(json.dumps(payload))
    assert [e.event for e in events] == ["Alert Foo fired (critical, Foo summary)"]


def test_ends_at_not_after_updated_at_means_resolved():
    text = json.dumps([alert(ends="2025-03-14T10:30:00Z", updated="2025-03-14T10:30:05Z")])
    events = parse_alertmanager(text)
    assert events[-1].event == "Alert Foo resolved"
    assert events[-1].time == utc(2025, 3, 14, 10, 30)


def test_alert_groups_and_api_v1_shapes():
    groups = [
        {"labels": {"team": "x"}, "receiver": {"name": "pager"}, "alerts": [alert("A"), alert("B")]}
    ]
    assert [e.event.split()[1] for e in parse_alertmanager(json.dumps(groups))] == ["A", "B"]
    v1 = {"status": "success", "data": [alert("C")]}
    assert parse_alertmanager(json.dumps(v1))[0].event.startswith("Alert C fired")


def test_empty_list_gives_no_rows():
    assert parse_alertmanager("[]") == []


def test_offsets_are_converted_to_utc():
    events = parse_alertmanager(json.dumps([alert(starts="2025-03-14T11:06:00.000+01:00")]))
    assert events[0].time == utc(2025, 3, 14, 10, 6)


def test_silenced_alert_and_missing_annotations():
    bare = alert(
        annotations={}, status={"state": "suppressed", "silencedBy": ["s1"], "inhibitedBy": []}
    )
    bare["labels"] = {"alertname": "Bare"}
    assert parse_alertmanager(json.dumps([bare]))[0].event == "Alert Bare fired (silenced)"


def test_missing_starts_at_reports_the_alert_line():
    text = '[\n  {"labels": {"alertname": "A"}, "startsAt": "2025-03-14T10:00:00Z"},\n  {"labels": {"alertname": "B"}}\n]'
    with pytest.raises(TimelineImportError) as caught:
        parse_alertmanager(text)
    assert caught.value.line == 3
    assert "no startsAt" in caught.value.message


def test_time_without_offset_is_rejected():
    with pytest.raises(TimelineImportError) as caught:
        parse_alertmanager(json.dumps([alert(starts="2025-03-14 10:06")]))
    assert "offset" in caught.value.message


def test_not_alerts_is_explained():
    with pytest.raises(TimelineImportError) as caught:
        parse_alertmanager('{"foo": 1}')
    assert "not Alertmanager alerts" in caught.value.message
    with pytest.raises(TimelineImportError):
        parse_alertmanager('[{"no": "labels"}]')
