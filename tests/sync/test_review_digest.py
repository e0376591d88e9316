"""The weekly digest's sections, computed from real files on disk with a fixed `--today`.

No network: the item state comes from the post-mortems' status column. The same archive is
rendered as Markdown, text and JSON, which must agree on every section.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem.cli import main
from postmortem.document import load_archive
from postmortem.sync.review import (
    ReviewSettings,
    SettingsError,
    build_review,
    render_json,
    render_markdown,
    render_text,
    review_settings,
)

TODAY = date(2026, 11, 27)


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def write_doc(
    folder: Path,
    doc_id: str,
    rows: list[tuple[str, ...]],
    resolved: str,
    status: str = "published",
    followup: str | None = None,
    severity: str = "P2",
) -> Path:
    """A post-mortem with the given action items (id, action, owner, deadline, priority, status)."""
    extra = f'followup_review: "{followup}"\n' if followup else ""
    table = "\n".join(f"| {' | '.join(row)} |" for row in rows)
    text = f"""---
id: {doc_id}
title: Incident {doc_id[11:].replace("-", " ")}
status: {status}
severity: {severity}
started: "{resolved}T09:00:00Z"
detected: "{resolved}T09:05:00Z"
mitigated: "{resolved}T09:30:00Z"
resolved: "{resolved}T10:00:00Z"
report_date: "{resolved}T15:00:00Z"
{extra}authors: ["@alice"]
services: [api]
---

# Incident

## Action Items

| ID | Action | Owner | Deadline | Priority | Status |
|----|--------|-------|----------|----------|--------|
{table}
"""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{doc_id}.md"
    path.write_text(text, "utf-8")
    return path


MAIN = "2026-10-01-api-outage"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "postmortems"
    write_doc(
        folder,
        MAIN,
        [
            ("A1", "Alert on pool saturation", "@alice", day(-20), "P1", "open"),
            ("A2", "Fail the chart render on unset keys", "@alice", day(-5), "P1", "open"),
            ("A3", "Load test staging weekly", "@bob", day(-30), "P2", "in-progress"),
            ("A4", "Document the pool settings", "@carol", day(3), "P3", ""),
            ("A5", "Add a dashboard for pool usage", "@carol", day(0), "P3", "open"),
            ("A6", "Review connection limits per service", "@dave", day(8), "P2", "open"),
            ("A7", "Roll back the default", "@alice", day(-40), "P1", "done"),
            ("A8", "Page the owning team on saturation", "@erin", day(-7), "P1", "open"),
            ("A9", "Pin the chart version", "@erin", day(-8), "P1", "blocked"),
        ],
        resolved="2026-10-01",
        severity="P1",
    )
    # 4-week review due in 3 days: inside the coming week, listed
    write_doc(folder, "2026-11-02-cache-miss-storm", [], resolved="2026-11-02")
    # review already held: not listed
    write_doc(
        folder,
        "2026-09-01-dns-failures",
        [],
        resolved="2026-09-01",
        followup="2026-09-30T10:00:00+02:00",
    )
    # resolved 10 days ago: review due in 18 days, not listed yet
    write_doc(folder, "2026-11-17-queue-backlog", [], resolved="2026-11-17")
    # a draft is neither reviewed nor counted
    write_doc(
        folder,
        "2026-08-01-draft-incident",
        [("A1", "Something", "@zed", day(-50), "P1", "open")],
        resolved="2026-08-01",
        status="draft",
    )
    return folder


SETTINGS = ReviewSettings(contact="@acme/sre-leads")


def review_of(folder: Path, settings: ReviewSettings = SETTINGS):
    return build_review(load_archive([folder]), TODAY, None, settings=settings)


def keys(items) -> list[str]:
    return [i.key.split("/", 1)[1] for i in items]


def test_sections_from_a_fixed_today(archive: Path) -> None:
    review = review_of(archive)
    assert review.total == 9  # the draft's item is not counted
    # escalated: P1 and more than 7 days overdue; A8 is exactly 7 days overdue (not more)
    assert keys(review.escalated) == ["A1", "A9"]
    assert [(i.days_overdue, i.priority) for i in review.escalated] == [(20, "P1"), (8, "P1")]
    # overdue by owner: the owner with the most overdue item first, most overdue first within
    groups = [(owner, keys(items)) for owner, items in review.overdue_by_owner]
    assert groups == [("@bob", ["A3"]), ("@alice", ["A1", "A2"]), ("@erin", ["A9", "A8"])]
    # due in the next 7 days, soonest first; today counts as due soon
    assert keys(review.due_soon) == ["A5", "A4"]
    assert [i.days_left for i in review.due_soon] == [0, 3]
    assert keys(review.later) == ["A6"]
    # the 4-week check
    assert [(f.postmortem, f.due, f.days_overdue) for f in review.followups] == [
        (MAIN, "2026-10-29", 29),
        ("2026-11-02-cache-miss-storm", "2026-11-30", -3),
    ]
    main_followup = review.followups[0]
    assert (main_followup.action_items, main_followup.closed_items) == (9, 1)
    assert main_followup.severity == "P1"


def test_markdown_digest_order_and_content(archive: Path) -> None:
    markdown = render_markdown(review_of(archive))
    assert markdown.startswith(
        "**8** open action item(s), **5** overdue, across 9 action item(s) of published "
        "post-mortems (as of 2026-11-27): **2** escalated, **2** due in the next 7 days, "
        "**2** post-mortem(s) due for the 4-week follow-up review."
    )
    headings = [
        "### Escalated to @acme/sre-leads (2)",
        "### Overdue (5)",
        "### Due in the next 7 days (2)",
        "### 4-week follow-up review due (2)",
        "<summary>Open, due later or without a deadline (1)</summary>",
    ]
    positions = [markdown.index(h) for h in headings]
    assert positions == sorted(positions)
    escalated = markdown[positions[0] : positions[1]]
    assert "P1 action items more than 7 days past their deadline" in escalated
    assert "@acme/sre-leads, please help the owners" in escalated
    assert (
        f"| **{MAIN} A1**: Alert on pool saturation | @alice | P1 | {day(-20)} | 20 days | — "
        "| not posted (run with --escalate) |"
    ) in escalated
    assert f"{MAIN} A8" not in escalated and f"{MAIN} A3" not in escalated
    overdue = markdown[positions[1] : positions[2]]
    assert (
        "By owner, most overdue first: @bob 1 (up to 30 days), @alice 2 (up to 20 days), "
        "@erin 2 (up to 8 days)."
    ) in overdue
    rows = [line for line in overdue.splitlines() if line.startswith("| **")]
    assert [r.split("**")[1] for r in rows] == [
        f"{MAIN} {k}" for k in ("A3", "A1", "A2", "A9", "A8")
    ]
    assert rows[0].endswith(f"| @bob | {day(-30)} | 30 days | — | P2 |")
    due = markdown[positions[2] : positions[3]]
    assert f"| @carol | {day(0)} | today | — | P3 |" in due
    assert f"| @carol | {day(3)} | in 3 days | — | P3 |" in due
    followups = markdown[positions[3] : positions[4]]
    assert (
        f"| Incident api outage (`{archive.as_posix()}/{MAIN}.md`) | P1 | 2026-10-01 "
        "| 2026-10-29 (29 days ago) | 1 of 9 |"
    ) in followups
    assert "| 2026-11-30 (in 3 days) | 0 of 0 |" in followups
    assert "dns-failures" not in markdown and "queue-backlog" not in markdown
    assert "draft" not in markdown
    assert markdown.rstrip().endswith("</details>")


def test_empty_sections_say_none(tmp_path: Path) -> None:
    folder = tmp_path / "postmortems"
    write_doc(folder, "2026-11-25-small", [("A1", "Fix it", "@a", day(30), "P3", "")], "2026-11-25")
    markdown = render_markdown(review_of(folder, ReviewSettings()))
    assert "### Escalated (0)" in markdown
    assert "No escalation contact is configured" in markdown
    for heading in ("### Escalated (0)", "### Overdue (0)", "### Due in the next 7 days (0)",
                    "### 4-week follow-up review due (0)"):  # fmt: skip
        after = markdown.split(heading, 1)[1].split("###", 1)[0].split("<details>", 1)[0]
        assert "None." in after and "| **" not in after
    text = render_text(review_of(folder, ReviewSettings()))
    assert text.count("  none") == 4


def test_text_and_json_carry_the_same_sections(archive: Path) -> None:
    review = review_of(archive)
    data = json.loads(render_json(review))
    assert data["settings"] == {
        "due_soon_days": 7,
        "followup_review_days": 28,
        "escalation": {"contact": "@acme/sre-leads", "priorities": ["P1"], "grace_days": 7},
    }
    assert [i["item"] for i in data["escalated"]] == ["A1", "A9"]
    assert data["escalated"][0]["comment"] is None
    assert [(g["owner"], [i["item"] for i in g["items"]]) for g in data["overdue_by_owner"]] == [
        ("@bob", ["A3"]),
        ("@alice", ["A1", "A2"]),
        ("@erin", ["A9", "A8"]),
    ]
    assert [i["item"] for i in data["due_soon"]] == ["A5", "A4"]
    assert [i["item"] for i in data["later"]] == ["A6"]
    assert [f["postmortem"] for f in data["followup_reviews"]] == [
        MAIN,
        "2026-11-02-cache-miss-storm",
    ]
    assert data["open"] == 8 and data["overdue"] == 5 and len(data["items"]) == 8
    text = render_text(review)
    assert "0 escalated" not in text
    assert "2 escalated, 2 due in the next 7 days, 2 post-mortems due for the 4-week" in text
    order = [
        "Escalated to @acme/sre-leads (2):",
        "Overdue (5), by owner:",
        " @bob (1)",
        " @alice (2)",
        " @erin (2)",
        "Due in the next 7 days (2):",
        "4-week follow-up review due (2):",
        "Open, due later or without a deadline (1):",
    ]
    positions = [text.index(h) for h in order]
    assert positions == sorted(positions)
    assert "20 day(s) overdue" in text and "due today" in text and "due in 3 days" in text
    assert "review due 2026-11-30 (in 3 days), 0 of 0 action item(s) closed" in text


def test_settings_change_the_sections(archive: Path) -> None:
    wider = ReviewSettings(
        due_soon_days=10, followup_review_days=15, priorities=("P1", "p2"), grace_days=4
    )
    review = review_of(archive, wider)
    assert keys(review.escalated) == ["A3", "A1", "A9", "A8", "A2"]  # P2 and 5 days count
    assert keys(review.due_soon) == ["A5", "A4", "A6"]
    assert keys(review.later) == []
    # resolved 2026-11-17 + 15 days = 2026-12-02, inside the coming 10 days
    assert "2026-11-17-queue-backlog" in [f.postmortem for f in review.followups]
    assert "### 15-day follow-up review due (3)" in render_markdown(review)


# --------------------------------------------------------------------------- settings
def test_settings_from_config_and_overrides() -> None:
    sync = {
        "repo": "acme/web",  # a sync setting: ignored here
        "due_soon_days": 5,
        "followup_review_days": 30,
        "escalation": {"contact": "@sre-lead", "priorities": ["P1", "P2"], "grace_days": 3},
    }
    settings = review_settings(sync)
    assert settings == ReviewSettings(5, 30, "@sre-lead", ("P1", "P2"), 3)
    overridden = review_settings(
        sync, grace_days=0, contact="@acme/incident-leads", priorities=["P1"], due_soon_days=14
    )
    assert overridden == ReviewSettings(14, 30, "@acme/incident-leads", ("P1",), 0)
    assert review_settings({"escalation": {"priorities": "P2"}}).priorities == ("P2",)
    assert review_settings({}) == ReviewSettings()


@pytest.mark.parametrize(
    ("sync", "message"),
    [
        ({"due_soon_days": "a week"}, "`sync/due_soon_days` must be a whole number of days"),
        ({"due_soon_days": True}, "`sync/due_soon_days` must be a whole number"),
        ({"followup_review_days": 0}, "at least 1"),
        ({"escalation": ["@sre"]}, "`sync/escalation` must be a mapping"),
        ({"escalation": {"contacts": "@sre"}}, "unknown setting `sync/escalation/contacts`"),
        ({"escalation": {"contact": "sre-leads"}}, "must be one GitHub handle or team"),
        ({"escalation": {"contact": "@a @b"}}, "must be one GitHub handle or team"),
        ({"escalation": {"priorities": []}}, "must be a list of priorities"),
        ({"escalation": {"grace_days": -1}}, "`sync/escalation/grace_days` must be a whole"),
    ],
)
def test_bad_settings_say_where_and_what(sync: dict, message: str) -> None:
    with pytest.raises(SettingsError, match="^cfg.yml:") as caught:
        review_settings(sync, lambda key: "cfg.yml:9")
    assert message in str(caught.value)


# -------------------------------------------------------------------------------- CLI
def run(args: list[str]):
    env = {"GITHUB_TOKEN": None, "GH_TOKEN": None, "GITHUB_REPOSITORY": None}
    return CliRunner().invoke(main, args, env=env)


def test_cli_reads_the_config_and_options_override_it(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(archive.parent)
    (archive.parent / ".postmortem.yml").write_text(
        "sync:\n"
        "  due_soon_days: 10\n"
        "  escalation:\n"
        '    contact: "@acme/sre-leads"\n'
        "    priorities: [P1, P2]\n"
        "    grace_days: 7\n",
        "utf-8",
    )
    result = run(["review", "--today", TODAY.isoformat(), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["settings"]["escalation"]["contact"] == "@acme/sre-leads"
    assert [i["item"] for i in data["escalated"]] == ["A3", "A1", "A9"]
    assert [i["item"] for i in data["due_soon"]] == ["A5", "A4", "A6"]
    result = run(
        ["review", "--today", TODAY.isoformat(), "--format", "json", "--grace-days", "10",
         "--escalation-priority", "P1", "--escalation-contact", "@oncall-lead",
         "--due-soon-days", "0", "--followup-review-days", "60"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["settings"]["escalation"] == {
        "contact": "@oncall-lead",
        "priorities": ["P1"],
        "grace_days": 10,
    }
    assert [i["item"] for i in data["escalated"]] == ["A1"]
    assert [i["item"] for i in data["due_soon"]] == ["A5"]
    assert data["followup_reviews"] == []  # 2026-10-01 + 60 days is past the coming 0 days


def test_cli_bad_config_is_one_line_with_file_and_line(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(archive.parent)
    (archive.parent / ".postmortem.yml").write_text(
        'archive: postmortems\nsync:\n  escalation:\n    contact: "@sre"\n    grace_days: soon\n',
        "utf-8",
    )
    result = run(["review", "--today", TODAY.isoformat()])
    assert result.exit_code == 2
    assert result.output.startswith(
        "postmortem: .postmortem.yml:5: `sync/escalation/grace_days` must be"
    )
    assert "Traceback" not in result.output
    (archive.parent / ".postmortem.yml").unlink()
    bad_option = run(["review", "--escalation-contact", "sre team"])
    assert bad_option.exit_code == 2
    assert "postmortem: --escalation-contact must be one GitHub handle or team" in bad_option.output
    negative = run(["review", "--grace-days", "-1"])
    assert negative.exit_code == 2 and "--grace-days" in negative.output


def test_escalate_needs_a_repository_and_a_token(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(archive.parent)
    no_repo = run(["review", "--escalate"])
    assert no_repo.exit_code == 2
    assert "--escalate comments on the items' issues: it needs --repo OWNER/NAME" in no_repo.output
    no_token = run(["review", "--escalate", "--repo", "acme/web"])
    assert no_token.exit_code == 2 and "needs a token (GITHUB_TOKEN or GH_TOKEN)" in no_token.output


def test_unreadable_files_are_named_not_dropped(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (archive / "2026-11-20-broken.md").write_text(
        "---\nid: 2026-11-20-broken\ntitle: [unclosed\n---\n# Body\n", "utf-8"
    )
    (archive / "2026-11-21-no-id.md").write_text("---\ntitle: No id\n---\n# Body\n", "utf-8")
    monkeypatch.chdir(archive.parent)
    result = run(["review", "--today", TODAY.isoformat(), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "**2 files left out** (cannot be read; `postmortem validate` explains):" in result.output
    assert "- `postmortems/2026-11-20-broken.md:4: invalid YAML in frontmatter" in result.output
    assert "- `postmortems/2026-11-21-no-id.md:1: no 'id' in the frontmatter`" in result.output
    assert "warning: left out of the review, cannot be read: postmortems/2026-11-20-broken" in (
        result.output
    )
    assert "### Overdue (5)" in result.output  # the readable post-mortems are all there
    data = json.loads(
        run(["review", "--today", TODAY.isoformat(), "--format", "json"]).output.split("\nwarning")[
            0
        ]
    )
    assert [u.split(":")[0] for u in data["unreadable"]] == [
        "postmortems/2026-11-20-broken.md",
        "postmortems/2026-11-21-no-id.md",
    ]
    text = run(["review", "--today", TODAY.isoformat()]).output
    assert text.count("warning: left out, cannot be read: postmortems/") == 2


def test_the_review_follows_the_syncs_rule_and_lists_drift_in_every_format(archive: Path) -> None:
    """A row with a status decides; an issue a person closed against it is drift, listed."""
    from postmortem.sync.plan import ListedIssue

    def issue(number: int, state: str) -> ListedIssue:
        url = f"https://github.com/acme/web/issues/{number}"
        return ListedIssue(number, "t", "", state, url=url)

    issues = {
        f"{MAIN}/A1": issue(1, "closed"),  # the row says open: drift, still listed as open
        f"{MAIN}/A4": issue(4, "closed"),  # no status in the row: the issue decides
        f"{MAIN}/A7": issue(7, "closed"),  # done and closed: agree
    }
    review = build_review(load_archive([archive]), TODAY, issues, settings=SETTINGS)
    assert "A1" in keys(review.items) and "A4" not in keys(review.items)
    assert [(d.key.split("/")[1], d.status, d.state) for d in review.drift] == [
        ("A1", "open", "closed")
    ]
    markdown = render_markdown(review)
    assert "### Changed on GitHub, not in the post-mortem (1)" in markdown
    assert f"| `{MAIN}/A1` | open | closed | [#1](https://github.com/acme/web/issues/1) |" in (
        markdown
    )
    assert "Changed on GitHub, not in the post-mortem (1)" in render_text(review)
    assert json.loads(render_json(review))["drift"][0]["issue"] == 1
