"""Property tests for the timeline importers: any input text is either read or refused with a
`TimelineImportError` (which the command prints with the file and line), never another
exception; and merging any events into any post-mortem text never raises either."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem.importers import (
    FORMATS,
    ImportedEvent,
    ImportOptions,
    TimelineImportError,
    format_table,
    merge_into_timeline,
    read_events,
)

from fuzzing import SEED, mutated_seed

pytestmark = pytest.mark.slow  # property tests over hundreds of generated inputs

FUZZ = settings()  # the project's Hypothesis profile (tests/conftest.py)

# Values that break time and number handling: epochs far out of range, NaN, offsets past
# 24 hours, the zero time Go prints, dates UTC cannot hold.
TIMES = st.one_of(
    st.sampled_from(
        [
            "2025-03-14T10:04:31Z",
            "2025-03-14T10:04:31.123456789+01:00",
            "2025-03-14 10:04:31,123",
            "0001-01-01T00:00:00Z",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-23:59",
            "2025-03-14T10:04:31+99:99",
            "2025-03-14T10:04:31-24:00",
            "2025-02-30T10:00:00Z",
            "2025-03-14T25:61:61Z",
            "",
            "now",
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([1e300, -1e300, 1e20, 1e11, 1741946671, 1741946671123, 0, -1, 10**400]),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), TIMES
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def maybe(value):
    return st.one_of(st.just(value), JSON_VALUES)


prometheus = st.fixed_dictionaries(
    {
        "status": maybe("success"),
        "data": st.fixed_dictionaries(
            {
                "resultType": maybe("matrix"),
                "result": st.lists(
                    st.fixed_dictionaries(
                        {
                            "metric": maybe({"__name__": "up", "job": "api"}),
                            "values": st.lists(
                                st.one_of(st.tuples(TIMES, st.one_of(TIMES, SCALARS)), SCALARS),
                                max_size=6,
                            ),
                        }
                    ),
                    max_size=3,
                ),
            }
        ),
    }
)
alert = st.fixed_dictionaries(
    {
        "labels": maybe({"alertname": "APIHighLatency", "severity": "page"}),
        "annotations": maybe({"summary": "p99 above 2 s"}),
        "startsAt": TIMES,
        "endsAt": TIMES,
        "updatedAt": TIMES,
        "status": st.one_of(
            st.sampled_from(["firing", "resolved", {"state": "resolved"}, {"state": "active"}]),
            SCALARS,
        ),
    }
)
alertmanager = st.one_of(
    st.lists(alert, max_size=4), st.builds(lambda a: {"alerts": a}, st.lists(alert, max_size=4))
)
pagerduty_entry = st.fixed_dictionaries(
    {
        "type": st.one_of(
            st.sampled_from(["trigger_log_entry", "acknowledge_log_entry", "annotate_log_entry"]),
            SCALARS,
        ),
        "created_at": TIMES,
        "summary": SCALARS,
        "incident": maybe({"summary": "[#4521] API latency", "incident_number": 4521}),
        "agent": maybe({"summary": "Alice"}),
        "channel": maybe({"summary": "note"}),
    }
)
pagerduty = st.builds(lambda e: {"log_entries": e}, st.lists(pagerduty_entry, max_size=4))
json_log_line = st.fixed_dictionaries({"ts": TIMES, "level": maybe("error"), "msg": SCALARS}).map(
    lambda d: json.dumps(d, default=str)
)
text_log_line = st.tuples(
    st.one_of(
        TIMES.map(str),
        st.sampled_from(["<165>1 2025-03-14T10:04:31Z", "[14/Mar/2025:11:04:31 +9999]"]),
    ),
    st.sampled_from(["ERROR", "WARN", "level=error", 'msg="x\\"', ""]),
    st.text(max_size=30),
).map(" ".join)
logs = st.lists(st.one_of(json_log_line, text_log_line, st.text(max_size=40)), max_size=12).map(
    "\n".join
)

any_input = st.one_of(
    prometheus.map(lambda d: json.dumps(d, default=str)),
    alertmanager.map(lambda d: json.dumps(d, default=str)),
    pagerduty.map(lambda d: json.dumps(d, default=str)),
    JSON_VALUES.map(lambda d: json.dumps(d, default=str)),
    st.sampled_from(["[" + "9" * 5000 + "]", '{"ts": ' + "9" * 5000 + "}", "[" * 100_000]),
    logs,
    st.text(max_size=300),
)


@FUZZ
@given(any_input, st.sampled_from(("auto", *FORMATS)))
def test_importers_read_or_refuse_any_input(text: str, fmt: str) -> None:
    options = ImportOptions(format=fmt, above=0.5, level="all")
    try:
        _, result = read_events(text, options)
    except TimelineImportError as error:
        assert error.line >= 0 and error.message
        return
    table = format_table(result.events)
    table.encode("utf-8")
    merge_into_timeline(SEED, result.events)


EVENTS = st.lists(
    st.builds(
        ImportedEvent,
        st.datetimes(
            min_value=datetime(1000, 1, 1), max_value=datetime(8999, 12, 31), timezones=st.just(UTC)
        ),
        st.text(max_size=40),
        st.text(max_size=10),
        st.text(max_size=10),
    ),
    max_size=5,
)


@FUZZ
@given(mutated_seed(), EVENTS)
def test_merging_events_into_any_postmortem_text(data: bytes, events: list) -> None:
    """`postmortem timeline --into FILE` edits a file that may be broken in any way: the
    merge either works or says why (no Timeline section), and keeps the rest of the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return  # refused by read_text before any merge
    if "\x00" in text:
        return  # refused by read_text too
    try:
        merged = merge_into_timeline(text, events)
    except TimelineImportError as error:
        assert "Timeline" in error.message
        return
    assert merged.added <= len(events)
