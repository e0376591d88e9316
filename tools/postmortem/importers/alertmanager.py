"""Alertmanager alerts JSON → "Alert X fired" / "Alert X resolved" events.

Accepted shapes, all of which carry the same alert objects (labels, annotations,
startsAt, endsAt, status, fingerprint):

- `amtool alert query -o json` and `GET /api/v2/alerts`: a list of alerts;
- `GET /api/v2/alerts/groups`: a list of groups, each with an `alerts` list;
- a webhook notification (`{"version": "4", "status": ..., "alerts": [...]}`), where each
  alert's `status` is the string "firing" or "resolved";
- the removed API v1 (`{"status": "success", "data": [...]}`).

When is an alert resolved? Not when `endsAt` is set: for a firing alert Alertmanager
keeps `endsAt` a few evaluation intervals in the future as an expiry time, and the API
and amtool never list alerts whose `endsAt` has passed. So a "resolved" event is made
only when the data says so: a webhook status "resolved", a `status.state` "resolved",
or an `endsAt` not later than the alert's own `updatedAt`.
"""

from __future__ import annotations

from typing import Any

from .model import (
    ImportedEvent,
    ImportResult,
    TimelineImportError,
    line_of,
    load_json,
    parse_time,
    text_of,
)

SOURCE = "Alertmanager"
ACTOR = "system"
_ZERO_TIME_PREFIX = "0001-01-01"


def _alerts_of(data: Any) -> list[Any]:
    """The alert objects in any of the accepted shapes."""
    if isinstance(data, dict):
        if isinstance(data.get("alerts"), list):  # webhook payload
            return data["alerts"]
        if isinstance(data.get("data"), list):  # API v1
            return data["data"]
        if "labels" in data and "startsAt" in data:  # a single alert
            return [data]
        raise TimelineImportError(
            "not Alertmanager alerts: expected a list of alerts (amtool alert query -o json, "
            '/api/v2/alerts) or a webhook payload with an "alerts" list',
            line_of(data),
        )
    if not isinstance(data, list):
        raise TimelineImportError("not Alertmanager alerts: expected a JSON list", 1)
    alerts: list[Any] = []
    for item in data:
        if isinstance(item, dict) and isinstance(item.get("alerts"), list) and "labels" in item:
            alerts.extend(item["alerts"])  # /api/v2/alerts/groups
        else:
            alerts.append(item)
    return alerts


def _time(alert: dict[str, Any], key: str) -> Any:
    raw = text_of(alert.get(key))
    if not raw or raw.startswith(_ZERO_TIME_PREFIX):
        return None
    moment = parse_time(raw, assume_utc=False)
    if moment is None:
        raise TimelineImportError(
            f"{key} {raw!r} is not an RFC 3339 time with an offset", line_of(alert)
        )
    return moment


def _is_resolved(alert: dict[str, Any], ends: Any) -> bool:
    status = alert.get("status")
    state = status.get("state") if isinstance(status, dict) else status
    if state == "resolved":
        return ends is not None
    if ends is None or state == "firing":
        return False
    updated = _time(alert, "updatedAt")
    return updated is not None and ends <= updated


def read_alertmanager(text: str) -> ImportResult:
    """Read alerts JSON and return one event per firing and one per resolution."""
    data = load_json(text)
    result = ImportResult()
    for alert in _alerts_of(data):
        if not isinstance(alert, dict) or not isinstance(alert.get("labels"), dict):
            raise TimelineImportError(
                'each alert needs "labels" (with alertname) and "startsAt"',
                line_of(alert, line_of(data)),
            )
        result.source_events += 1
        labels = alert["labels"]
        annotations = alert.get("annotations") if isinstance(alert.get("annotations"), dict) else {}
        name = text_of(labels.get("alertname")) or "(unnamed)"
        starts = _time(alert, "startsAt")
        if starts is None:
            raise TimelineImportError(f"alert {name} has no startsAt", line_of(alert))
        details = [
            text_of(labels.get("severity")),
            text_of(annotations.get("summary"))
            or text_of(annotations.get("message"))
            or text_of(annotations.get("description")),
        ]
        status = alert.get("status")
        if isinstance(status, dict):
            details += [word for word in ("silenced", "inhibited") if status.get(f"{word}By")]
        detail = ", ".join(part for part in details if part)
        fired = f"Alert {name} fired" + (f" ({detail})" if detail else "")
        result.events.append(ImportedEvent(starts, fired, SOURCE, ACTOR))
        ends = _time(alert, "endsAt")
        if _is_resolved(alert, ends):
            result.events.append(ImportedEvent(ends, f"Alert {name} resolved", SOURCE, ACTOR))
    return result


def parse_alertmanager(text: str) -> list[ImportedEvent]:
    """The events only (see `read_alertmanager`)."""
    return read_alertmanager(text).events
