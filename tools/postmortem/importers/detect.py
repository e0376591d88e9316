"""Tell the input format from the content, so `--format auto` usually just works."""

from __future__ import annotations

import json
import re
from typing import Any

from .model import TimelineImportError, load_json

FORMATS = ("prometheus", "alertmanager", "logs", "pagerduty")
_LOG_TIME_KEYS = ("time", "ts", "timestamp", "@timestamp")
# JSON documents start with an object or a list of objects/strings/lists; log lines that
# merely begin with a bracket (`[INFO]`, `[2025-03-14 ...]`) do not look like this.
_JSON_START = re.compile(r'^\s*(?:\[\s*[\[{"\]]|\[\s*$|\{\s*["}]|\{\s*$)')


def _classify(data: Any) -> str | None:
    if isinstance(data, dict):
        body = data.get("data")
        if isinstance(body, dict) and ("result" in body or "resultType" in body):
            return "prometheus"
        if data.get("status") == "error" and "errorType" in data:
            return "prometheus"
        if "log_entries" in data or "log_entry" in data:
            return "pagerduty"
        if isinstance(data.get("alerts"), list) or isinstance(body, list):
            return "alertmanager"
        if "labels" in data and "startsAt" in data:
            return "alertmanager"
        if any(key in data for key in _LOG_TIME_KEYS):
            return "logs"
        return None
    if isinstance(data, list):
        first = data[0] if data else {}
        if not isinstance(first, dict):
            return None
        if not data or "labels" in first or "startsAt" in first:
            return "alertmanager"
        if str(first.get("type", "")).endswith("_log_entry"):
            return "pagerduty"
    return None


def detect_format(text: str) -> str:
    """One of FORMATS for this content; raises TimelineImportError if JSON of no known kind."""
    if not _JSON_START.match(text):
        return "logs"  # including `[INFO] ...` and `[2025-03-14 10:04:31] ...` lines
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        first_line = text.lstrip().splitlines()[0]
        try:
            first = json.loads(first_line)
        except (ValueError, RecursionError):
            first = None
        if isinstance(first, dict) and _classify(first) == "logs":
            return "logs"  # JSON lines
        load_json(text)  # raises with the line of the syntax error
        raise TimelineImportError("invalid JSON", 1) from None  # pragma: no cover
    kind = _classify(data)
    if kind is None:
        raise TimelineImportError(
            "JSON of an unknown shape: expected a Prometheus query_range response, "
            "Alertmanager alerts, PagerDuty log entries or JSON log lines "
            "(choose one with --format)",
            1,
        )
    return kind
