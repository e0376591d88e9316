"""One entry point over all importers: pick the format, read, filter by time window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .alertmanager import read_alertmanager
from .detect import FORMATS, detect_format
from .logs import read_logs
from .model import ImportResult, TimelineImportError
from .pagerduty import read_pagerduty
from .prometheus import read_prometheus


@dataclass(frozen=True)
class ImportOptions:
    """The command's options that shape what becomes a row."""

    format: str = "auto"
    above: float | None = None
    below: float | None = None
    grep: str | None = None
    level: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    metric: str = ""


def read_events(text: str, options: ImportOptions) -> tuple[str, ImportResult]:
    """(format used, result) for one input's text."""
    kind = detect_format(text) if options.format == "auto" else options.format
    if kind not in FORMATS:
        raise TimelineImportError(f"unknown format {kind!r}; use one of: {', '.join(FORMATS)}")
    if kind == "prometheus":
        if options.above is None and options.below is None:
            raise TimelineImportError(
                "Prometheus data needs a threshold: --above X (high is bad) or --below X"
            )
        result = read_prometheus(
            text, above=options.above, below=options.below, name=options.metric
        )
    elif kind == "alertmanager":
        result = read_alertmanager(text)
    elif kind == "pagerduty":
        result = read_pagerduty(text)
    else:
        result = read_logs(
            text,
            grep=options.grep,
            min_level=options.level,
            source=options.source or "logs",
            since=options.since,
            until=options.until,
        )
    if options.since or options.until:
        result.events = [
            event
            for event in result.events
            if not (options.since and event.time < options.since)
            and not (options.until and event.time > options.until)
        ]
    return kind, result
