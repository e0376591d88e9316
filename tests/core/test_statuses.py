"""One action-status vocabulary: the document model, the sync plan, the site, the digest's
state and the JSON Schema read every status the same way."""

from __future__ import annotations

import json
from datetime import date

import pytest

from postmortem import statuses
from postmortem.document import parse_document
from postmortem.rules.schema import schema_dir
from postmortem.site.stats import DONE, OPEN, OVERDUE, WONT_DO
from postmortem.site.stats import item_state as site_state
from postmortem.sync.plan import item_state as sync_state

ALL = [*statuses.STATUSES, *statuses.ALIASES, "Done", "  In Progress ", "WONTFIX", "frobbed"]


def _item(status: str):
    text = (
        "---\nid: x\n---\n## Action Items\n\n"
        "| ID | Action | Owner | Deadline | Priority | Status |\n|---|---|---|---|---|---|\n"
        f"| A1 | Add an alert on pool saturation | @alice | 2020-01-01 | P1 | {status} |\n"
    )
    (item,) = parse_document(text, "x.md").action_items
    return item


def test_the_schema_allows_exactly_the_canonical_statuses():
    row = json.loads((schema_dir() / "action-item.schema.json").read_text("utf-8"))
    assert row["properties"]["status"]["enum"] == list(statuses.STATUSES)


def test_every_alias_names_a_canonical_status():
    assert set(statuses.ALIASES.values()) <= set(statuses.STATUSES)
    assert not set(statuses.ALIASES) & set(statuses.STATUSES)


@pytest.mark.parametrize("status", ALL)
def test_model_sync_and_site_agree(status):
    meaning = statuses.meaning(status)
    item = _item(status)
    assert item.is_open == (meaning == statuses.OPEN)
    assert item.is_done == (meaning == statuses.DONE)
    assert item.is_dropped == (meaning == statuses.DROPPED)
    state, reason = sync_state(status)
    if meaning == statuses.DONE:
        assert (state, reason) == ("closed", "completed")
    elif meaning == statuses.DROPPED:
        assert (state, reason) == ("closed", "not_planned")
    elif meaning == statuses.OPEN and status.strip():
        assert (state, reason) == ("open", None)
    else:  # an empty or unknown cell leaves the state alone
        assert state is None
    # The site without an issue: overdue is an open item past its deadline (2020-01-01).
    shown = site_state(item, None, date(2021, 1, 1))
    expected = {statuses.DONE: DONE, statuses.DROPPED: WONT_DO}.get(meaning, OVERDUE)
    assert shown == expected
    assert site_state(item, None, date(2019, 1, 1)) in (expected, OPEN)
