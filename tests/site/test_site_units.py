"""The pure parts of the site: statistics, escaping, URLs, page generation options."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import markdown

from postmortem.document import parse_bytes
from postmortem.site.markup import escape_body, md_text
from postmortem.site.pages import SiteOptions, build_site, relative_url
from postmortem.site.stats import (
    IssueRef,
    archive_stats,
    format_duration,
    issue_refs,
    item_state,
    month_range,
)

from site_fixtures import SPECIAL

TODAY = date(2025, 6, 15)


def doc(name: str):
    return parse_bytes(SPECIAL[name].encode(), Path(f"postmortems/{name}.md"))


def render(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "attr_list", "pymdownx.superfences"])


def test_durations_read_at_a_glance():
    assert format_duration(timedelta(minutes=7)) == "7 min"
    assert format_duration(timedelta(minutes=98)) == "1 h 38 min"
    assert format_duration(timedelta(hours=51)) == "2 d 3 h"
    assert format_duration(None) == "–"


def test_month_range_fills_gaps_across_years():
    assert month_range("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]


def test_item_state_prefers_the_issue_and_marks_overdue():
    stampede = doc("2025-05-06-cache-stampede")
    a1, a2, a3 = stampede.action_items
    assert item_state(a1, None, TODAY) == "overdue"  # open, deadline 2025-06-01 passed
    assert item_state(a1, IssueRef(12, "https://x/12", "closed"), TODAY) == "done"
    assert item_state(a1, IssueRef(12, "https://x/12", "closed", "not_planned"), TODAY) == "wont-do"
    assert item_state(a2, None, TODAY) == "open"  # deadline 2099
    assert item_state(a3, None, TODAY) == "done"


def test_issue_refs_keep_only_well_formed_http_entries():
    refs, problems = issue_refs(
        {
            "items": {
                "a/A1": {"number": 3, "url": "https://github.com/o/n/issues/3", "state": "closed"},
                "a/A2": {"number": 4, "url": "javascript:alert(1)", "state": "open"},
                "a/A3": {"number": True, "url": "https://github.com/o/n/issues/5"},
                "a/A4": "nonsense",
            }
        }
    )
    assert list(refs) == ["a/A1"] and refs["a/A1"].state == "closed"
    assert len(problems) == 3
    assert issue_refs([1, 2]) == ({}, ['sync state has no "items" mapping'])


def test_statistics_count_by_month_and_severity():
    docs = [doc("2025-05-06-cache-stampede"), doc("2025-03-04-xss-title")]
    stats = archive_stats(docs, {}, TODAY, ("P1", "P2", "P3", "P4"))
    assert stats.months == ["2025-03", "2025-04", "2025-05"]
    assert stats.per_month["2025-03"]["P2"] == 1 and stats.per_month["2025-05"]["P1"] == 1
    assert sum(stats.per_month["2025-04"].values()) == 0
    assert stats.median_detect_minutes == (5 + 12) / 2
    assert (stats.actions.done, stats.actions.open, stats.actions.overdue) == (1, 1, 2)


def test_relative_urls_for_both_url_styles():
    assert relative_url("postmortems/x.md", "index.md", True) == "postmortems/x/"
    assert relative_url("index.md", "postmortems/x.md", True) == "../../"
    assert relative_url("services/a.md", "postmortems/x.md", True) == "../../services/a/"
    assert relative_url("services/a.md", "postmortems/x.md", False) == "../services/a.html"
    assert relative_url("feed.xml", "statistics.md", True) == "../feed.xml"


def test_escape_body_shows_html_as_text_and_keeps_code_exact():
    html = render(
        escape_body(
            "Text <img src=x onerror=alert(1)> `a<b` and `plain`\n\n"
            "```\n<b>kept as code</b>\n```\n\n[x](javascript:alert(2)) <!-- note -->\n"
        )
    )
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<code>a&lt;b</code>" in html and "<code>plain</code>" in html
    assert "&lt;b&gt;kept as code&lt;/b&gt;" in html  # the fence shows its content
    assert 'href="javascript:' not in html and "note" not in html


def test_a_backtick_left_open_cannot_smuggle_markup():
    """Python-Markdown may pair backticks across lines differently from us: every `<`
    outside code we converted ourselves is escaped, so the pairing cannot matter."""
    html = render(escape_body("a ` b\n`<img src=y onerror=alert(2)>` c"))
    assert "<img" not in html


def test_md_text_escapes_markdown_and_html():
    assert render(md_text("*not emphasis* <b>x</b> [y](z)")) == (
        "<p>*not emphasis* &lt;b&gt;x&lt;/b&gt; [y](z)</p>"
    )


def test_preview_and_restricted_options():
    docs = [doc(name) for name in SPECIAL]
    default = build_site(docs, SiteOptions(today=TODAY))
    assert sorted(e.doc.id for e in default.entries) == [
        "2025-03-04-xss-title",
        "2025-05-06-cache-stampede",
    ]
    preview = build_site(docs, SiteOptions(today=TODAY, preview=True, restricted="summary"))
    ids = {e.doc.id: e for e in preview.entries}
    assert "2025-07-08-draft-dns" in ids and ids["2025-08-09-restricted-breach"].summary_only
    restricted = preview.page("postmortems/2025-08-09-restricted-breach.md").markdown
    assert "exposed in a public log" in restricted and "SECRET-DETAIL" not in restricted
    assert "Draft DNS outage" not in preview.feed  # the feed has published reports only
    stats = preview.page("statistics.md").markdown
    assert "1 restricted post-mortem is not counted" in stats


def test_unpublishable_files_are_reported_with_path_and_line():
    broken = parse_bytes(b"---\ntitle: [x\n---\n", Path("postmortems/bad.md"))
    odd = parse_bytes(b"---\nid: x\ntitle: X\nstatus: done\n---\n", Path("postmortems/odd.md"))
    site = build_site([broken, odd], SiteOptions(today=TODAY))
    assert site.entries == []
    assert site.warnings[0].startswith("postmortems/bad.md:3: not published: invalid YAML")
    assert site.warnings[1].startswith("postmortems/odd.md:4: not published: status 'done'")


def test_feed_times_are_utc():
    site = build_site([doc("2025-05-06-cache-stampede")], SiteOptions(today=TODAY))
    assert "<published>2025-05-07T12:00:00Z</published>" in site.feed
