"""PagerDuty log entries JSON → paging events (trigger, acknowledge, escalate, resolve, notes...).

Input is the body of `GET /log_entries` or `GET /incidents/{id}/log_entries`
(`{"log_entries": [...], "limit": ..., "more": ...}`), a single `{"log_entry": {...}}`,
or a bare list of log entries. The actor is the entry's agent (the user who
acknowledged, the integration that triggered); entries without an agent (escalation by
timeout) are attributed to "PagerDuty". Note text comes from the annotate entry's channel.
"""

from __future__ import annotations

import re
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

SOURCE = "PagerDuty"
_NUMBERED = re.compile(r"^\[#(?P<number>\d+)\]\s*(?P<title>.*)$")


def _entries_of(data: Any) -> list[Any]:
    if isinstance(data, dict):
        if isinstance(data.get("log_entries"), list):
            return data["log_entries"]
        if isinstance(data.get("log_entry"), dict):
            return [data["log_entry"]]
        raise TimelineImportError(
            'not PagerDuty log entries: expected {"log_entries": [...]} as returned by '
            "GET /log_entries or /incidents/{id}/log_entries",
            line_of(data),
        )
    if isinstance(data, list):
        return data
    raise TimelineImportError("not PagerDuty log entries: expected a JSON object or list", 1)


def _incident(entry: dict[str, Any]) -> tuple[str, str]:
    """(reference such as "#4521", title) of the entry's incident."""
    incident = entry.get("incident") if isinstance(entry.get("incident"), dict) else {}
    summary = text_of(incident.get("summary")) or text_of(incident.get("title"))
    match = _NUMBERED.match(summary)
    if match:
        return f"#{match['number']}", match["title"]
    number = text_of(incident.get("incident_number"))
    if number:
        return f"#{number}", summary
    return text_of(incident.get("id")), summary


def _event_text(entry: dict[str, Any]) -> str:
    kind = text_of(entry.get("type")).removesuffix("_log_entry")
    summary = text_of(entry.get("summary")).rstrip(".")
    ref, title = _incident(entry)
    incident = f"Incident {ref}" if ref else "Incident"
    channel = entry.get("channel") if isinstance(entry.get("channel"), dict) else {}
    if kind == "trigger":
        return f"{incident} triggered" + (f": {title}" if title else "")
    if kind in ("acknowledge", "resolve", "unacknowledge"):
        return f"{incident} {kind}d"
    if kind == "annotate":
        note = text_of(channel.get("summary")) or text_of(channel.get("notes")) or summary
        return f"Note on {incident.lower()}: {note}"
    return f"{incident}: {summary or kind.replace('_', ' ')}"


def read_pagerduty(text: str) -> ImportResult:
    """Read log entries and return one event per entry."""
    data = load_json(text)
    result = ImportResult()
    for entry in _entries_of(data):
        if not isinstance(entry, dict) or not text_of(entry.get("type")).endswith("_log_entry"):
            raise TimelineImportError(
                'each log entry needs a "type" ending in _log_entry and a "created_at"',
                line_of(entry, line_of(data)),
            )
        result.source_events += 1
        raw = text_of(entry.get("created_at"))
        moment = parse_time(raw, assume_utc=False)
        if moment is None:
            raise TimelineImportError(
                f"created_at {raw!r} is not an ISO 8601 time with an offset", line_of(entry)
            )
        agent = entry.get("agent") if isinstance(entry.get("agent"), dict) else {}
        actor = text_of(agent.get("summary")) or text_of(agent.get("name")) or "PagerDuty"
        result.events.append(ImportedEvent(moment, _event_text(entry), SOURCE, actor))
    return result


def parse_pagerduty(text: str) -> list[ImportedEvent]:
    """The events only (see `read_pagerduty`)."""
    return read_pagerduty(text).events
