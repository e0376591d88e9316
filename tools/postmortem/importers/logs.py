"""Timestamped log lines → the log events worth a timeline row.

Recognised line shapes (tried in this order):

- JSON lines with a `time`, `ts`, `timestamp` or `@timestamp` field (RFC 3339 text or
  Unix seconds/milliseconds), the message in `msg`/`message`/`log` and the level in
  `level`/`severity`/`lvl`;
- RFC 5424 syslog (`<165>1 2025-03-14T10:04:31.2Z host app - - - message`);
- a leading RFC 3339 / ISO 8601 time: `kubectl logs --timestamps`
  (`2025-03-14T10:04:31.123456789Z message`, also with `--prefix`), Python logging
  (`2025-03-14 10:04:31,123 ERROR ...`), optionally in square brackets;
- Common / combined log format access logs
  (`... [14/Mar/2025:11:04:31 +0100] "GET / HTTP/1.1" 503 ...`).

Offsets are converted to UTC; a time written without an offset is taken as UTC and
counted in the notes. Lines without a recognised time (stack-trace continuations,
BSD syslog without a year) are skipped and counted.

Filtering, so that a 100k-line log does not become 100k rows:

- by default only lines at level WARN or above are kept (WARN, ERROR, CRITICAL, FATAL,
  PANIC...; access-log lines with a 5xx status count as ERROR, 429 as WARN);
- with `grep` only lines matching the regular expression are kept, whatever their level
  (give `min_level` too to require both);
- `min_level="all"` keeps every timestamped line.

Then repeated identical messages are collapsed: a message seen again within five minutes
of its previous occurrence extends the same row, written as "message (×N, last HH:MM)".
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from .model import (
    ImportedEvent,
    ImportResult,
    TimelineImportError,
    format_time,
    from_epoch,
    parse_time,
)

LEVELS = {
    "all": 0,
    "trace": 5,
    "debug": 10,
    "info": 20,
    "notice": 25,
    "warn": 30,
    "warning": 30,
    "error": 40,
    "err": 40,
    "severe": 40,
    "critical": 50,
    "crit": 50,
    "fatal": 50,
    "panic": 50,
    "alert": 50,
    "emerg": 50,
    "emergency": 50,
}
DEFAULT_LEVEL = "warn"
BURST_GAP = timedelta(minutes=5)
MAX_EVENT_CHARS = 200

_TIME_KEYS = ("time", "ts", "timestamp", "@timestamp")
_MESSAGE_KEYS = ("msg", "message", "log", "text")
_LEVEL_KEYS = ("level", "severity", "lvl", "levelname", "log.level")

_ISO_TIME = (
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?(?:[Zz]|UTC|[+-]\d{2}:?\d{2}))?"
)
_LEADING_ISO = re.compile(
    rf"^(?:\[(?:pod|deployment|job|statefulset|daemonset|replicaset)/[^\]]*\]\s+)?"
    rf"(?:\[(?P<bracketed>{_ISO_TIME})\]|(?P<plain>{_ISO_TIME}))(?:\s+|$)(?P<rest>.*)$"
)
_SYSLOG_5424 = re.compile(
    rf"^<(?P<pri>\d{{1,3}})>\d{{1,2}}\s+(?P<time>{_ISO_TIME})\s+(?P<rest>.*)$"
)
_CLF = re.compile(
    r"\[(?P<day>\d{2})/(?P<mon>[A-Z][a-z]{2})/(?P<year>\d{4}):(?P<hms>\d{2}:\d{2}:\d{2})"
    r"\s(?P<tz>[+-]\d{4})\]\s+\"(?P<request>[^\"]*)\"\s+(?P<status>\d{3})"
)
_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
_LEVEL_WORD = re.compile(
    r"\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|CRITICAL|CRIT|FATAL|PANIC|EMERG)\b"
    r"|\blevel=\"?(?P<logfmt>[A-Za-z]+)"
)
_LOGFMT_MSG = re.compile(r'\bmsg=(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>\S+))')
_ID_SEGMENT = re.compile(r"^(?:\d+|[0-9a-fA-F]{8,}|[0-9a-fA-F-]{32,36})$")
_SYSLOG_SEVERITY = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]


def level_rank(name: str) -> int:
    """Numeric rank of a level name; unknown names rank as INFO."""
    return LEVELS.get(name.strip().lower(), LEVELS["info"])


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_EVENT_CHARS else text[: MAX_EVENT_CHARS - 1] + "…"


def _text_level(text: str) -> str:
    match = _LEVEL_WORD.search(text)
    if not match:
        return "info"
    return (match["logfmt"] or match[1]).lower()


def _logfmt_message(text: str, level: str) -> str:
    """For logfmt lines (`level=error msg="..." key=value`), only the level and message.

    The other fields (request ids, keys, durations) differ on every line and would keep
    repeated messages from being collapsed into one row.
    """
    match = _LOGFMT_MSG.search(text)
    if not match or "level=" not in text:
        return text
    message = match["quoted"] if match["quoted"] is not None else match["bare"]
    message = message.replace('\\"', '"')
    return f"{level.upper()} {message}"


def _request_text(request: str) -> str:
    """`GET /v1/products/8812?x=1 HTTP/1.1` → `GET /v1/products/{id}`, so bursts collapse."""
    parts = request.split()
    if len(parts) < 2:
        return request or "request"
    path = parts[1].split("?", 1)[0]
    segments = ["{id}" if _ID_SEGMENT.match(seg) else seg for seg in path.split("/")]
    return f"{parts[0]} {'/'.join(segments)}"


def _parse_json_line(line: str) -> tuple[datetime, str, str, bool] | None:
    try:
        record: Any = json.loads(line)
    except (ValueError, RecursionError):  # not JSON, or nested absurdly deep
        return None
    if not isinstance(record, dict):
        return None
    raw = next((record[k] for k in _TIME_KEYS if k in record), None)
    naive = False
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        try:
            moment = from_epoch(float(raw))
        except (ValueError, OverflowError):  # NaN or out of range: a line without a usable time
            return None
    else:
        moment = parse_time(str(raw), assume_utc=False)
        if moment is None:
            moment = parse_time(str(raw))
            naive = moment is not None
        if moment is None:
            return None
    level = next((str(record[k]) for k in _LEVEL_KEYS if k in record and record[k]), "info")
    message = next((str(record[k]) for k in _MESSAGE_KEYS if k in record), "")
    error = record.get("error") or record.get("err")
    if message and isinstance(error, str) and error not in message:
        message = f"{message}: {error}"
    if not message:
        rest = {k: v for k, v in record.items() if k not in _TIME_KEYS and k not in _LEVEL_KEYS}
        message = json.dumps(rest, ensure_ascii=False, sort_keys=True)
    return moment, f"{level.upper()} {message}", level.lower(), naive


def parse_line(line: str) -> tuple[datetime, str, str, bool] | None:
    """(UTC time, event text, level, offset was missing) for one log line, or None."""
    stripped = line.strip()
    if not stripped:
        return None
    if stripped.startswith("{"):
        parsed = _parse_json_line(stripped)
        if parsed:
            return parsed
    match = _SYSLOG_5424.match(stripped)
    if match:
        moment = parse_time(match["time"])
        if moment:
            severity = int(match["pri"]) % 8
            return moment, match["rest"], _SYSLOG_SEVERITY[severity], False
    match = _LEADING_ISO.match(stripped)
    if match:
        raw = match["bracketed"] or match["plain"]
        moment = parse_time(raw, assume_utc=False)
        naive = moment is None
        moment = moment or parse_time(raw)
        if moment:
            rest = match["rest"]
            level = _text_level(rest)
            return moment, _logfmt_message(rest, level), level, naive
    match = _CLF.search(stripped)
    if match and match["mon"] in _MONTHS:
        month = _MONTHS[match["mon"]]
        stamp = f"{match['year']}-{month:02d}-{match['day']}T{match['hms']}{match['tz']}"
        moment = parse_time(stamp)
        if moment:
            status = int(match["status"])
            level = "error" if status >= 500 else "warn" if status == 429 else "info"
            return moment, f"{_request_text(match['request'])} returned {status}", level, False
    return None


def read_logs(
    text: str,
    *,
    grep: str | None = None,
    min_level: str | None = None,
    source: str = "logs",
    actor: str = "system",
    since: datetime | None = None,
    until: datetime | None = None,
) -> ImportResult:
    """Read log lines and return the kept, collapsed events (see the module docstring)."""
    try:
        pattern = re.compile(grep) if grep else None
    except re.error as err:
        raise TimelineImportError(f"bad --grep regular expression {grep!r}: {err}") from None
    if min_level is None:
        min_level = "all" if pattern else DEFAULT_LEVEL
    if min_level.lower() not in LEVELS:
        raise TimelineImportError(
            f"unknown level {min_level!r}; use one of: all, debug, info, warn, error, fatal"
        )
    threshold = LEVELS[min_level.lower()]

    result = ImportResult()
    untimed = naive_count = kept = 0
    runs: dict[str, list[Any]] = {}  # message -> [first time, last time, count, order]
    order: list[list[Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        result.source_events += 1
        parsed = parse_line(line)
        if parsed is None:
            untimed += 1
            continue
        moment, message, level, naive = parsed
        naive_count += naive
        if since and moment < since or until and moment > until:
            continue
        if pattern and not pattern.search(line):
            continue
        if level_rank(level) < threshold:
            continue
        kept += 1
        message = _shorten(message) or "(empty log line)"
        run = runs.get(message)
        if run and moment - run[1] <= BURST_GAP and moment >= run[0]:
            run[1] = moment
            run[2] += 1
        else:
            run = [moment, moment, 1, message]
            runs[message] = run
            order.append(run)
    for first, last, count, message in order:
        if count > 1:
            last_text = format_time(last)
            if last.date() == first.date():
                last_text = last_text[11:]
            message = f"{message} (×{count}, last {last_text})"
        result.events.append(ImportedEvent(first, message, source, actor))
    result.skipped = untimed
    if untimed:
        result.notes.append(f"{untimed} line(s) without a recognised timestamp skipped")
    if naive_count:
        result.notes.append(f"{naive_count} line(s) had no UTC offset; taken as UTC")
    if result.source_events and not kept:
        result.notes.append(
            "no line passed the filter (default: level WARN or above); try --grep or --level all"
        )
    return result


def parse_logs(text: str, **options: Any) -> list[ImportedEvent]:
    """The events only (see `read_logs`)."""
    return read_logs(text, **options).events
