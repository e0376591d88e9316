"""The pure parts of the site: statistics, escaping, URLs, page generation options."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import markdown
import pytest

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


def test_item_state_follows_the_row_then_the_issue_and_marks_overdue():
    stampede = doc("2025-05-06-cache-stampede")
    a1, a2, a3 = stampede.action_items
    closed = IssueRef(12, "https://x/12", "closed")
    not_planned = IssueRef(12, "https://x/12", "closed", "not_planned")
    assert item_state(a1, None, TODAY) == "overdue"  # open, deadline 2025-06-01 passed
    # The row says open: it decides, as in the sync and the weekly review (a closed issue is
    # drift they report), so the site does not call it done.
    assert item_state(a1, closed, TODAY) == "overdue"
    assert item_state(a3, IssueRef(12, "https://x/12", "open"), TODAY) == "done"
    # A row without a status (or with a word the vocabulary does not know) takes the issue's.
    for status in ("", "someday"):
        blank = replace(a1, status=status)
        assert item_state(blank, None, TODAY) == "overdue"
        assert item_state(blank, closed, TODAY) == "done"
        assert item_state(blank, not_planned, TODAY) == "wont-do"
    assert item_state(a2, None, TODAY) == "open"  # deadline 2099
    assert item_state(a3, None, TODAY) == "done"
    assert item_state(replace(a2, status="won't fix"), None, TODAY) == "wont-do"


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


# -- the sanitiser: rendered body HTML keeps only allow-listed tags, attributes and schemes ----

SCRIPT_LINKS = [
    "[x](javascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;vascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](java&Tab;script:alert(1))",
    "[x](java&NewLine;script:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x][r]\n\n[r]: &#106;avascript:alert(1)",
    "[x][r]\n\n[r]: <JAVASCRIPT:alert(1)>",
    "[x][r]\n\n[r]: java&Tab;script:alert(1)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
]


def rendered(text: str, raw_html: str = "escape") -> str:
    from postmortem.site.sanitize import sanitize

    source = escape_body(text) if raw_html == "escape" else text
    html = markdown.markdown(
        source, extensions=["tables", "attr_list", "footnotes", "toc", "pymdownx.superfences"]
    )
    return sanitize(html)


@pytest.mark.parametrize("link", SCRIPT_LINKS)
@pytest.mark.parametrize("raw_html", ["escape", "keep"])
def test_no_spelling_of_a_script_scheme_survives(link, raw_html):
    import html as html_module
    import re

    out = rendered(link, raw_html)
    for url in re.findall(r'(?:href|src)="([^"]*)"', out):
        squeezed = re.sub(r"[\s\x00-\x1f]", "", html_module.unescape(url)).lower()
        assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), (link, out)


def test_raw_html_kept_by_choice_is_still_sanitised():
    out = rendered(
        '<img src=x onerror="alert(1)"> <a href="javascript:alert(2)" onclick="x()">a</a>'
        '<script>alert(3)</script><iframe src="https://e.com"></iframe><b style="color:red">b</b>'
        '<svg onload="alert(4)"></svg>',
        raw_html="keep",
    )
    assert "onerror" not in out and "onclick" not in out and "javascript" not in out
    assert "<script" not in out and "alert(3)" not in out and "<iframe" not in out
    assert "<svg" not in out and "style=" not in out and "<b>b</b>" in out


def test_safe_links_and_markup_are_kept():
    out = rendered(
        "[w](https://e.com/a?b=c#d) [m](mailto:a@e.com) [r](../other/) [f](#top) [h](http://e.com)"
        "\n\n| a | b |\n|--:|---|\n| 1 | 2 |\n\nnote[^1]\n\n[^1]: text\n\n## Heading\n"
    )
    for href in ("https://e.com/a?b=c#d", "mailto:a@e.com", "../other/", "#top", "http://e.com"):
        assert f'href="{href}"' in out
    assert 'style="text-align:right"' in out  # table alignment survives, nothing else of style
    assert '<sup id="fnref:1">' in out and '<h2 id="heading">' in out


# -- pages --------------------------------------------------------------------------------


def sample_docs(count: int):
    import random

    from postmortem.site.sample import sample_postmortem

    rng = random.Random(5)
    docs = []
    for number in range(1, count + 1):
        doc_id, text = sample_postmortem(number, rng)
        docs.append(parse_bytes(text.encode(), Path(f"postmortems/{doc_id}.md")))
    return docs


def test_related_ids_that_are_not_on_the_site_are_counted_not_named():
    docs = [doc(name) for name in SPECIAL]
    site = build_site(docs, SiteOptions(today=TODAY))
    card = site.page("postmortems/2025-03-04-xss-title.md").markdown
    assert "Cache stampede after deploy</a>" in card
    assert "2 restricted" in card
    assert "draft-dns" not in card and "restricted-breach" not in card
    # In a preview build the draft is on the site, so it is linked.
    preview = build_site(docs, SiteOptions(today=TODAY, preview=True))
    card = preview.page("postmortems/2025-03-04-xss-title.md").markdown
    assert "Draft DNS outage</a>" in card and "1 restricted" in card


def test_archive_and_listings_are_paged_and_the_data_file_is_complete():
    import json

    from postmortem.site.pages import PAGE_SIZE

    docs = sample_docs(2 * PAGE_SIZE + 30)
    site = build_site(docs, SiteOptions(today=TODAY))
    archive = [p for p in site.pages if p.kind == "archive"]
    assert [p.src_uri for p in archive] == ["index.md", "archive/2.md", "archive/3.md"]
    assert archive[2].markdown.count("<tr data-date=") == 30
    assert "Page 3 of 3 (201–230 of 230)" in archive[2].markdown
    data = json.loads(site.files["archive.json"])
    assert len(data["rows"]) == 230
    big = max(site.pages, key=lambda p: p.markdown.count("<tr data-date="))
    assert big.markdown.count("<tr data-date=") <= PAGE_SIZE
    small = build_site(docs[:10], SiteOptions(today=TODAY))
    assert "archive.json" not in small.files
    assert [p.src_uri for p in small.pages if p.kind == "archive"] == ["index.md"]


def test_a_site_overrides_a_template_from_its_custom_dir(tmp_path):
    (tmp_path / "postmortems").mkdir()
    (tmp_path / "postmortems" / "card.html").write_text(
        '<div class="my-card">{{ pm.severity }} · {{ pm.time_to_resolve }}</div>', "utf-8"
    )
    docs = [doc("2025-05-06-cache-stampede")]
    site = build_site(docs, SiteOptions(today=TODAY, template_dirs=(str(tmp_path),)))
    page = site.page("postmortems/2025-05-06-cache-stampede.md").markdown
    assert '<div class="my-card">P1 · 2 h 30 min</div>' in page and "pm-card" not in page
    # Values are escaped in an override too.
    hostile = build_site([doc("2025-03-04-xss-title")], SiteOptions(today=TODAY))
    assert "<script>alert(1)" not in hostile.page("index.md").markdown


def test_axis_ticks_are_whole_numbers_fitted_to_the_data():
    from postmortem.site.charts import axis

    assert axis(3) == (3, 1)
    assert axis(7) == (8, 2)
    assert axis(12.5) == (15, 5)
    assert axis(0) == (1, 1)
    assert axis(130) == (150, 50)
    for value in (1, 4, 9, 17, 55, 230, 999):
        top, step = axis(value)
        assert top >= value and top % step == 0 and top // step <= 5 and top - step < value


def test_legend_lists_only_the_series_drawn():
    from postmortem.site.charts import incidents_per_month

    figure = incidents_per_month(["2025-01"], {"2025-01": {"P1": 2, "P2": 0}}, ["P1"])
    assert "P1" in figure and "P2" not in figure and "P4" not in figure
    docs = sample_docs(30)
    stats = build_site(docs, SiteOptions(today=TODAY, severities=("P1", "P2", "P3", "P4", "P5")))
    page = stats.page("statistics.md").markdown
    assert ">P5</span>" not in page and "<th>P5</th>" not in page


def test_the_settings_schema_declares_every_plugin_option():
    import jsonschema

    from postmortem.site.plugin import PostmortemsConfig
    from postmortem.site.settings import SCHEMA

    options = {name for name, _ in PostmortemsConfig._schema}
    assert options == set(SCHEMA["properties"])
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate({"search": "pagefind", "restricted": "summary"}, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"serach": "pagefind"}, SCHEMA)


@pytest.mark.parametrize("link", SCRIPT_LINKS)
def test_escaped_markdown_is_safe_even_without_the_sanitiser(link):
    """`postmortem render` writes Markdown that other engines render without our sanitiser:
    escaping alone must keep every spelling of a script scheme out of links."""
    import html as html_module
    import re

    out = render(escape_body(link))
    for url in re.findall(r'(?:href|src)="([^"]*)"', out):
        squeezed = re.sub(r"[\s\x00-\x1f]", "", html_module.unescape(url)).lower()
        assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), (link, out)


def test_entities_in_a_body_are_shown_as_written():
    out = render(escape_body("AT&T &amp; &#106; &copy; a && b"))
    assert "AT&amp;T &amp;amp; &amp;#106; &amp;copy; a &amp;&amp; b" in out


def test_features_add_sections_and_pages_through_the_hooks(monkeypatch):
    from postmortem.site import pages

    monkeypatch.setattr(
        pages, "PAGE_SECTIONS", [lambda builder, entry: [("Similar incidents", f"- {entry.slug}")]]
    )
    monkeypatch.setattr(
        pages,
        "EXTRA_PAGES",
        [lambda builder: [builder.make("themes.md", "# Themes\n", "Themes", "themes")]],
    )
    site = build_site([doc("2025-05-06-cache-stampede")], SiteOptions(today=TODAY))
    page = site.page("postmortems/2025-05-06-cache-stampede.md").markdown
    assert "## Similar incidents\n\n- 2025-05-06-cache-stampede" in page
    assert site.page("themes.md").kind == "themes"
