import pytest

from postmortem.importers import TimelineImportError, detect_format

from importer_samples import sample


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("prometheus-error-ratio.json", "prometheus"),
        ("prometheus-redis-memory.json", "prometheus"),
        ("alertmanager-amtool.json", "alertmanager"),
        ("alertmanager-webhook-resolved.json", "alertmanager"),
        ("pagerduty-log-entries.json", "pagerduty"),
        ("catalog-api-kubectl.log", "logs"),
        ("edge-proxy-access.log", "logs"),
        ("price-sync.jsonl", "logs"),
        ("recommender.log", "logs"),
    ],
)
def test_samples_are_recognised(name, expected):
    assert detect_format(sample(name)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[]", "alertmanager"),
        ('[{"type": "trigger_log_entry", "created_at": "2025-03-14T10:00:00Z"}]', "pagerduty"),
        ('{"status": "error", "errorType": "timeout", "error": "query timed out"}', "prometheus"),
        ('{"ts": 1741946671, "msg": "one JSON log line"}', "logs"),
        ("[2025-03-14 10:04:31] ERROR bracketed log line", "logs"),
        ("[INFO] 2025-03-14 10:04:31 level in brackets first", "logs"),
        ("{not json} 2025-03-14T10:04:31Z", "logs"),
        ('[\n  {"labels": {}, "startsAt": "2025-03-14T10:00:00Z"}\n]', "alertmanager"),
        ("", "logs"),
    ],
)
def test_small_inputs(text, expected):
    assert detect_format(text) == expected


def test_unknown_json_shape_asks_for_format():
    with pytest.raises(TimelineImportError, match="--format"):
        detect_format('{"hello": "world"}')


def test_broken_json_reports_the_line():
    text = '{\n  "data": {\n    "resultType": "matrix",\n    "result": [\n  }\n}\n'
    with pytest.raises(TimelineImportError) as caught:
        detect_format(text)
    assert caught.value.line == 5


def test_deeply_nested_json_is_an_error_not_a_crash():
    with pytest.raises(TimelineImportError) as caught:
        detect_format("[" * 100_000)
    assert caught.value.line == 1
