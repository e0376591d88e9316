from datetime import UTC, timedelta

import pytest

from postmortem.importers.model import (
    LineDict,
    TimelineImportError,
    format_time,
    from_epoch,
    load_json,
    parse_time,
)

from importer_samples import utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-14T10:04:31.123456789Z", utc(2025, 3, 14, 10, 4, 31, 123456)),
        ("2025-03-14 10:04:31,501", utc(2025, 3, 14, 10, 4, 31, 501000)),
        ("2025-03-14T11:04:31+01:00", utc(2025, 3, 14, 10, 4, 31)),
        ("2025-03-14T05:04:31-0500", utc(2025, 3, 14, 10, 4, 31)),
        ("2025-03-14 10:04 UTC", utc(2025, 3, 14, 10, 4)),
        ("2025-03-14T00:30:00+02:00", utc(2025, 3, 13, 22, 30)),
    ],
)
def test_parse_time_converts_offsets_to_utc(text, expected):
    moment = parse_time(text)
    assert moment == expected
    assert moment.utcoffset() == timedelta(0)


def test_parse_time_without_offset_is_utc_only_when_allowed():
    assert parse_time("2025-03-14 10:04:31") == utc(2025, 3, 14, 10, 4, 31)
    assert parse_time("2025-03-14 10:04:31", assume_utc=False) is None


@pytest.mark.parametrize("text", ["", "yesterday", "2025-13-45T10:00:00Z", "14/03/2025 10:00"])
def test_parse_time_rejects_non_times(text):
    assert parse_time(text) is None


def test_from_epoch_accepts_seconds_and_milliseconds():
    assert from_epoch(1741946640) == utc(2025, 3, 14, 10, 4)
    assert from_epoch(1741946640123) == utc(2025, 3, 14, 10, 4, 0, 123000)
    assert from_epoch(1741946640.5).tzinfo == UTC


def test_format_time_uses_minutes_like_the_template():
    moment = utc(2025, 3, 14, 10, 4, 59)
    assert format_time(moment) == "2025-03-14 10:04"
    assert format_time(moment, seconds=True) == "2025-03-14 10:04:59"


def test_load_json_remembers_object_lines():
    data = load_json('{\n  "a": [\n    {"b": 1},\n\n    {"c": 2}\n  ]\n}')
    assert isinstance(data, LineDict) and data.line == 1
    assert [item.line for item in data["a"]] == [3, 5]


def test_load_json_reports_the_line_of_a_syntax_error():
    with pytest.raises(TimelineImportError) as caught:
        load_json('{\n  "a": 1,\n  "b": [1, 2,,]\n}')
    assert caught.value.line == 3
    assert "invalid JSON" in caught.value.message
