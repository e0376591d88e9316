from datetime import timedelta

import pytest

from postmortem.importers import TimelineImportError, parse_logs, read_logs
from postmortem.importers.logs import parse_line

from importer_samples import sample, utc


def test_kubectl_timestamps_sample_keeps_warnings_and_collapses_bursts():
    text = sample("catalog-api-kubectl.log")
    result = read_logs(text)
    assert result.source_events == len(text.splitlines())
    events = sorted(result.events)
    assert [e.event.split(" (×")[0] for e in events] == [
        "WARN cache hit ratio below 50%, reading through to postgres",
        "ERROR redis: OOM command not allowed when used memory > 'maxmemory'",
        "ERROR postgres: connection pool exhausted; request aborted after 2s",
        "WARN cache hit ratio below 90%, warming",
    ]
    assert events[0].time == utc(2025, 3, 14, 10, 3, 52, 440918)
    oom_lines = sum("OOM command" in line for line in text.splitlines())
    assert f"(×{oom_lines}, last 10:31)" in events[1].event
    assert {(e.source, e.actor) for e in events} == {("logs", "system")}


def test_access_log_offsets_become_utc_and_5xx_are_errors():
    text = sample("edge-proxy-access.log")
    assert "+0100]" in text
    events = parse_logs(text, source="edge-proxy")
    assert {e.source for e in events} == {"edge-proxy"}
    assert all(" returned 503" in e.event for e in events)
    first_503 = next(line for line in text.splitlines() if '" 503 ' in line)
    assert "[14/Mar/2025:11:04" in first_503  # local time, one hour ahead of UTC
    assert min(e.time for e in events).strftime("%H:%M") == "10:04"
    assert any(e.event.startswith("GET /v1/products/{id} returned 503 (×") for e in events)


def test_access_log_with_level_all_also_shows_200s_and_404s():
    events = parse_logs(sample("edge-proxy-access.log"), min_level="all")
    assert any("returned 200" in e.event for e in events)
    assert any("returned 404" in e.event for e in events)


def test_json_lines_with_epoch_seconds():
    events = parse_logs(sample("price-sync.jsonl"))
    assert len(events) == 1
    assert events[0].event.startswith(
        "ERROR write to cache failed: OOM command not allowed when used memory > 'maxmemory' (×"
    )
    assert events[0].time.strftime("%H:%M") == "10:04"


def test_python_log_skips_traceback_lines_and_notes_missing_offsets():
    result = read_logs(sample("recommender.log"))
    assert result.skipped == 10
    assert any("10 line(s) without a recognised timestamp" in n for n in result.notes)
    assert any("7 line(s) had no UTC offset" in n for n in result.notes)
    assert [e.time.strftime("%H:%M") for e in sorted(result.events)] == ["10:04", "10:05", "10:29"]
    # 10:05 and 10:07 are within five minutes: one row; 10:29 starts a new burst.
    assert sorted(result.events)[1].event.endswith("(×2, last 10:07)")


@pytest.mark.parametrize(
    ("line", "expected_time", "expected_text", "level"),
    [
        (
            "2025-03-14T12:04:31.5+02:00 ERROR boom",
            utc(2025, 3, 14, 10, 4, 31, 500000),
            "ERROR boom",
            "error",
        ),
        (
            "[pod/catalog-api-7d9/app] 2025-03-14T10:04:31.123456789Z level=warn msg=slow",
            utc(2025, 3, 14, 10, 4, 31, 123456),
            "WARN slow",
            "warn",
        ),
        ("[2025-03-14 10:04:31] FATAL x", utc(2025, 3, 14, 10, 4, 31), "FATAL x", "fatal"),
        (
            "<131>1 2025-03-14T10:04:31.003Z cache01 redis 77 - - OOM",
            utc(2025, 3, 14, 10, 4, 31, 3000),
            "cache01 redis 77 - - OOM",
            "err",
        ),
        (
            '{"time":"2025-03-14T11:04:31+01:00","level":"warning","message":"m"}',
            utc(2025, 3, 14, 10, 4, 31),
            "WARNING m",
            "warning",
        ),
        (
            '{"ts":1741946671000,"severity":"ERROR","msg":"ms epoch"}',
            utc(2025, 3, 14, 10, 4, 31),
            "ERROR ms epoch",
            "error",
        ),
        (
            '10.0.0.1 - - [14/Mar/2025:05:04:31 -0500] "POST /v1/carts/abc123def456 HTTP/2.0" 429 0',
            utc(2025, 3, 14, 10, 4, 31),
            "POST /v1/carts/{id} returned 429",
            "warn",
        ),
    ],
)
def test_line_formats(line, expected_time, expected_text, level):
    moment, text, found_level, _ = parse_line(line)
    assert moment == expected_time
    assert text == expected_text
    assert found_level == level


@pytest.mark.parametrize(
    "line",
    [
        "Mar 14 10:04:31 host app: no year here",
        "   at com.example.Foo(Foo.java:12)",
        '{"msg": "no time"}',
        "[1, 2]",
    ],
)
def test_lines_without_a_usable_time_are_skipped(line):
    assert parse_line(line) is None


def test_grep_keeps_matching_lines_of_any_level():
    text = sample("catalog-api-kubectl.log")
    events = parse_logs(text, grep=r"maxmemory changed")
    assert [e.event for e in events] == ["INFO redis maxmemory changed"]
    assert events[0].time == utc(2025, 3, 14, 10, 31, 20, 7000)
    # grep plus an explicit level requires both
    assert parse_logs(text, grep=r"maxmemory changed", min_level="warn") == []


def test_since_and_until_are_applied_before_bursts_collapse():
    text = sample("catalog-api-kubectl.log")
    events = parse_logs(text, since=utc(2025, 3, 14, 10, 20), until=utc(2025, 3, 14, 10, 25))
    assert all(utc(2025, 3, 14, 10, 20) <= e.time <= utc(2025, 3, 14, 10, 25) for e in events)
    assert any("last 10:2" in e.event for e in events)


def test_nothing_kept_is_explained():
    result = read_logs("2025-03-14T10:00:00Z all good\n")
    assert result.events == []
    assert any("--grep or --level all" in note for note in result.notes)


def test_bad_regex_and_level_are_errors():
    with pytest.raises(TimelineImportError, match="bad --grep"):
        parse_logs("x", grep="(unclosed")
    with pytest.raises(TimelineImportError, match="unknown level"):
        parse_logs("x", min_level="loud")


def test_pipes_and_long_messages_stay_in_one_cell():
    events = parse_logs("2025-03-14T10:00:00Z ERROR a|b " + "x" * 500)
    assert len(events[0].event) == 200 and events[0].event.endswith("…")
    assert "a|b" in events[0].event


def _log(count: int) -> str:
    lines = []
    start = utc(2025, 3, 14, 10, 0)
    for i in range(count):
        moment = start + timedelta(milliseconds=50 * i)  # 100k lines over 83 minutes
        stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if i % 2:
            lines.append(f'{stamp} level=info msg="request served" id={i}')
        else:
            lines.append(f'{stamp} level=error msg="upstream timeout" id={i}')
    return "\n".join(lines)


def test_huge_log_is_summarised_into_one_row():
    result = read_logs(_log(100_000))  # 100k lines over 83 minutes
    assert result.source_events == 100_000
    assert len(result.events) == 1
    assert result.events[0].event == "ERROR upstream timeout (×50000, last 11:23)"


def test_reading_a_log_grows_linearly(growth):
    assert growth(lambda n: read_logs(_log(n)), 5_000) < 8  # linear: about 4; quadratic: 16


def test_deeply_nested_json_line_is_skipped():
    result = read_logs('{"a":' * 100_000 + "\n2025-03-14T10:00:00Z ERROR real line\n")
    assert result.skipped == 1
    assert [e.event for e in result.events] == ["ERROR real line"]
