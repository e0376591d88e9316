"""Prometheus `query_range` JSON → threshold crossings.

A range query returns every sample of every series; a timeline needs only the moments
that matter. With `above=X` an event is made when a series goes above X (into breach)
and when it comes back to X or below (recovery); `below=X` is the mirror image, for
metrics such as availability where low is bad. A series already in breach at its first
sample gets a breach event at that sample, since the crossing happened before the
queried range. NaN and infinite samples (stale or empty windows) are ignored: they
neither start nor end a breach.

Input is the body of `GET /api/v1/query_range` (also accepted: a bare `data` object).
"""

from __future__ import annotations

import math
from typing import Any

from .model import (
    ImportedEvent,
    ImportResult,
    TimelineImportError,
    from_epoch,
    line_of,
    load_json,
)

SOURCE = "Prometheus"
ACTOR = "system"


def series_name(metric: dict[str, Any], default_name: str = "") -> str:
    """PromQL-style name of a series: `name{label="value",...}`.

    Expressions (ratios, sums) lose `__name__`; `default_name` says what they measure.
    """
    name = str(metric.get("__name__", "") or default_name)
    labels = ",".join(
        f'{key}="{value}"' for key, value in sorted(metric.items()) if key != "__name__"
    )
    if labels:
        return f"{name}{{{labels}}}"
    return name or "query result"


def _event(stamp: float, name: str, change: str, value: float) -> ImportedEvent:
    shown = name if "`" in name else f"`{name}`"
    return ImportedEvent(from_epoch(stamp), f"{shown} {change} ({value:.4g})", SOURCE, ACTOR)


def read_prometheus(
    text: str, *, above: float | None = None, below: float | None = None, name: str = ""
) -> ImportResult:
    """Read a query_range response and return the threshold crossings as events."""
    if (above is None) == (below is None):
        raise TimelineImportError("give exactly one threshold: --above X or --below X")
    data = load_json(text)
    if isinstance(data, dict) and data.get("status") == "error":
        reason = data.get("error") or data.get("errorType") or "unknown error"
        raise TimelineImportError(f"Prometheus returned an error response: {reason}", line_of(data))
    body = data.get("data", data) if isinstance(data, dict) else data
    if not isinstance(body, dict) or "result" not in body:
        raise TimelineImportError(
            'not a Prometheus query_range response: expected {"data": {"resultType": "matrix", '
            '"result": [...]}}',
            line_of(data),
        )
    if body.get("resultType", "matrix") != "matrix":
        raise TimelineImportError(
            f"resultType is {body.get('resultType')!r}; threshold crossings need a range query "
            "(/api/v1/query_range, resultType matrix)",
            line_of(body),
        )
    series_list = body["result"]
    if not isinstance(series_list, list):
        raise TimelineImportError('"result" must be a list of series', line_of(body))

    result = ImportResult()
    threshold = above if above is not None else below
    assert threshold is not None
    word = "above" if above is not None else "below"
    back = "at or below" if above is not None else "at or above"

    def breached(value: float) -> bool:
        return value > threshold if above is not None else value < threshold

    for series in series_list:
        if not isinstance(series, dict) or not isinstance(series.get("values"), list):
            raise TimelineImportError(
                'each series needs "metric" and "values" (a list of [timestamp, "value"])',
                line_of(series, line_of(body)),
            )
        metric = series.get("metric") or {}
        if not isinstance(metric, dict):
            raise TimelineImportError('"metric" must be an object of labels', line_of(series))
        series_label = series_name(metric, name)
        samples = []
        for sample in series["values"]:
            try:
                stamp, raw = sample
                samples.append((float(stamp), float(raw)))
                from_epoch(samples[-1][0])  # a time out of range is a bad sample too
            except (TypeError, ValueError, OverflowError):
                raise TimelineImportError(
                    f'bad sample {sample!r} in {series_label}: expected [unix_time, "value"]',
                    line_of(series),
                ) from None
        result.source_events += len(samples)
        samples.sort(key=lambda s: s[0])
        in_breach = False
        first = True
        for stamp, value in samples:
            if math.isnan(value) or math.isinf(value):
                continue
            now_breached = breached(value)
            if now_breached and not in_breach:
                if first:
                    change = f"{word} {threshold:g} at start of range"
                else:
                    change = (
                        f"{'rises above' if above is not None else 'drops below'} {threshold:g}"
                    )
                result.events.append(_event(stamp, series_label, change, value))
            elif in_breach and not now_breached:
                result.events.append(
                    _event(stamp, series_label, f"back {back} {threshold:g}", value)
                )
            in_breach = now_breached
            first = False
    return result


def parse_prometheus(
    text: str, *, above: float | None = None, below: float | None = None, name: str = ""
) -> list[ImportedEvent]:
    """The crossings only (see `read_prometheus`)."""
    return read_prometheus(text, above=above, below=below, name=name).events
