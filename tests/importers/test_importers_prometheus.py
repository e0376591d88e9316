import json

import pytest

from postmortem.importers import TimelineImportError, parse_prometheus, read_prometheus

from importer_samples import sample, utc


def matrix(*series):
    return json.dumps(
        {"status": "success", "data": {"resultType": "matrix", "result": list(series)}}
    )


def series(values, **labels):
    return {"metric": labels, "values": [[1741946400 + 60 * i, v] for i, v in enumerate(values)]}


def test_error_ratio_sample_gives_each_crossing():
    result = read_prometheus(sample("prometheus-error-ratio.json"), above=0.05)
    assert result.source_events == 112  # 2 series x 56 samples
    assert [(e.time, e.event) for e in result.events] == [
        (utc(2025, 3, 14, 10, 4), '`{service="catalog-api"}` rises above 0.05 (0.061)'),
        (utc(2025, 3, 14, 10, 21), '`{service="catalog-api"}` back at or below 0.05 (0.041)'),
        (utc(2025, 3, 14, 10, 22), '`{service="catalog-api"}` rises above 0.05 (0.2024)'),
        (utc(2025, 3, 14, 10, 38), '`{service="catalog-api"}` back at or below 0.05 (0.0031)'),
    ]
    assert {(e.source, e.actor) for e in result.events} == {("Prometheus", "system")}


def test_redis_sample_with_30s_step():
    events = parse_prometheus(sample("prometheus-redis-memory.json"), above=0.9)
    assert [e.time for e in events] == [utc(2025, 3, 14, 10, 1, 30), utc(2025, 3, 14, 10, 31)]
    assert events[0].event.startswith('`{instance="redis-catalog-0:9121",job="redis-exporter"}`')


def test_below_threshold_for_metrics_where_low_is_bad():
    text = matrix(series(["0.999", "0.97", "0.95", "0.998"], __name__="slo:availability"))
    events = parse_prometheus(text, below=0.99)
    assert [e.event for e in events] == [
        "`slo:availability` drops below 0.99 (0.97)",
        "`slo:availability` back at or above 0.99 (0.998)",
    ]


def test_series_in_breach_at_the_first_sample_is_reported_at_start():
    events = parse_prometheus(matrix(series(["5", "6", "1"], __name__="up_errors")), above=2)
    assert events[0].event == "`up_errors` above 2 at start of range (5)"
    assert events[0].time == utc(2025, 3, 14, 10, 0)
    assert len(events) == 2


def test_nan_and_inf_samples_neither_start_nor_end_a_breach():
    text = matrix(series(["0.1", "NaN", "0.9", "NaN", "+Inf", "0.8", "0.1"], job="api"))
    events = parse_prometheus(text, above=0.5)
    assert [e.time.minute for e in events] == [2, 6]


def test_empty_result_gives_no_rows():
    result = read_prometheus(matrix(), above=1)
    assert result.events == [] and result.source_events == 0


def test_samples_out_of_order_are_sorted():
    text = json.dumps(
        {
            "data": {
                "resultType": "matrix",
                "result": [
                    {
                        "metric": {},
                        "values": [[1741946520, "9"], [1741946400, "0"], [1741946460, "0"]],
                    }
                ],
            }
        }
    )
    events = parse_prometheus(text, above=1)
    assert [e.time for e in events] == [utc(2025, 3, 14, 10, 2)]
    assert events[0].event.startswith("`query result` rises above 1")


def test_label_values_with_pipes_survive_into_the_text():
    events = parse_prometheus(matrix(series(["0", "3"], route="a|b")), above=1)
    assert 'route="a|b"' in events[0].event


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"status":"error","errorType":"bad_data","error":"parse error at char 7"}',
            "parse error",
        ),
        ('{"status":"success","data":{"resultType":"vector","result":[]}}', "range query"),
        ('{"hello": "world"}', "not a Prometheus query_range response"),
        ('{"data":{"resultType":"matrix","result":[{"metric":{}}]}}', '"values"'),
    ],
)
def test_wrong_input_is_explained(text, message):
    with pytest.raises(TimelineImportError) as caught:
        parse_prometheus(text, above=1)
    assert message in caught.value.message


def test_bad_sample_reports_the_series_line():
    text = '{\n "data": {\n  "resultType": "matrix",\n  "result": [\n   {"metric": {"job": "x"},\n    "values": [[1, "oops"]]}\n  ]\n }\n}'
    with pytest.raises(TimelineImportError) as caught:
        parse_prometheus(text, above=1)
    assert caught.value.line == 5
    assert "bad sample" in caught.value.message


def test_bad_json_reports_its_line():
    with pytest.raises(TimelineImportError) as caught:
        parse_prometheus('{"status": "success",\n"data": {\n"result": [}\n}', above=1)
    assert caught.value.line == 3


def test_exactly_one_threshold_is_required():
    with pytest.raises(TimelineImportError):
        parse_prometheus(matrix(), above=1, below=2)
    with pytest.raises(TimelineImportError):
        parse_prometheus(matrix())


def test_metric_name_labels_series_without_one():
    events = parse_prometheus(
        sample("prometheus-error-ratio.json"), above=0.05, name="http_5xx_ratio"
    )
    assert events[0].event == '`http_5xx_ratio{service="catalog-api"}` rises above 0.05 (0.061)'
    named = matrix(series(["0", "3"], __name__="errors_total", job="api"))
    assert parse_prometheus(named, above=1, name="ignored")[0].event.startswith(
        '`errors_total{job="api"}`'
    )
