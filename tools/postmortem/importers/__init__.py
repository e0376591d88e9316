"""Timeline importers: raw incident data (metrics, alerts, logs, paging) → Timeline rows.

Each format has its own module with a pure `read_<format>(text) -> ImportResult` and a
`parse_<format>(text) -> list[ImportedEvent]`; `reader.read_events` picks one by content;
`table` merges and writes the Markdown table; `insert` merges rows into a post-mortem's
Timeline section; `command` is the `postmortem timeline` CLI adapter.
"""

from .alertmanager import parse_alertmanager, read_alertmanager
from .detect import FORMATS, detect_format
from .insert import TimelineMerge, insert_timeline, merge_into_timeline
from .logs import parse_logs, read_logs
from .model import ImportedEvent, ImportResult, TimelineImportError
from .pagerduty import parse_pagerduty, read_pagerduty
from .prometheus import parse_prometheus, read_prometheus
from .reader import ImportOptions, read_events
from .table import HEADER, format_table, merge_events

__all__ = [
    "FORMATS",
    "HEADER",
    "ImportOptions",
    "ImportResult",
    "ImportedEvent",
    "TimelineImportError",
    "TimelineMerge",
    "detect_format",
    "format_table",
    "insert_timeline",
    "merge_events",
    "merge_into_timeline",
    "parse_alertmanager",
    "parse_logs",
    "parse_pagerduty",
    "parse_prometheus",
    "read_alertmanager",
    "read_events",
    "read_logs",
    "read_pagerduty",
    "read_prometheus",
]
