"""A real `mkdocs build --strict` of a generated archive, checked page by page."""

from __future__ import annotations

import html
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_fixtures import REPO as REPO_ROOT
from site_fixtures import SEARCH_WORD, make_repo, mkdocs_build

ATOM = "{http://www.w3.org/2005/Atom}"


def rows(page_html: str) -> list[str]:
    body = re.search(r'<table class="pm-table pm-archive".*?<tbody>(.*?)</tbody>', page_html, re.S)
    assert body, "archive table missing"
    return re.findall(r"<tr [^>]*>.*?</tr>", body.group(1), re.S)


def test_archive_lists_every_published_postmortem_and_nothing_else(built_site):
    index = built_site.html("index.html")
    found = rows(index)
    assert len(found) == len(built_site.published) == 12 + 2
    for doc_id in built_site.published:
        assert f'href="postmortems/{doc_id}/"' in index
    assert "Draft DNS outage" not in index
    assert "Restricted credential exposure" not in index
    assert not (built_site.site / "postmortems" / "2025-07-08-draft-dns").exists()
    assert not (built_site.site / "postmortems" / "2025-08-09-restricted-breach").exists()
    assert "SECRET-DETAIL" not in (built_site.site / "search" / "search_index.json").read_text()
    # Newest first, and the counts shown match the rows.
    dates = [re.search(r'data-date="([^"]*)"', r).group(1) for r in found]
    assert dates == sorted(dates, reverse=True)
    assert f"{len(found)} published post-mortems" in index


def test_postmortem_page_has_metadata_card_timeline_and_action_items(built_site):
    page = built_site.html("postmortems/2025-05-06-cache-stampede/index.html")
    card = re.search(r'<dl class="pm-card.*?</dl>', page, re.S).group(0)
    assert 'class="pm-sev pm-sev--p1">P1<' in card
    assert '<time datetime="2025-05-06T08:00:00Z">2025-05-06 08:00 UTC</time>' in card
    assert "2025-05-06 08:12 UTC" in card and "2025-05-06 10:30 UTC" in card
    assert "<dt>Time to detect</dt><dd>12 min</dd>" in card
    assert "<dt>Time to resolve</dt><dd>2 h 30 min</dd>" in card
    assert "Amara Okafor (@amara-okafor)" in card and "@li-wei" in card
    assert 'href="../../services/cdn/"' in card and 'href="../../services/checkout-web/"' in card
    assert "#tag:cache" in card
    # Timeline table from the body, action items with states and issue links from the sync state.
    assert "Origin load rises" in page
    assert (
        'href="https://github.com/example/postmortems/issues/12" title="GitHub issue: closed">#12</a>'
        in page
    )
    assert "pm-state--done" in page and "GitHub issue: closed" in page
    assert (
        'href="https://github.com/example/postmortems/issues/13" title="GitHub issue: open">#13</a>'
        in page
    )
    # The malformed A3 entry of the sync state is ignored: A3 falls back to its table status.
    assert "issues/bad" not in page and "javascript:alert(1)" not in page
    # The H1 of the body is replaced by the page's own title, not repeated.
    assert page.count("<h1") == 1


def test_overdue_action_items_are_marked(built_site):
    page = built_site.html("postmortems/2025-03-04-xss-title/index.html")
    assert 'pm-state--overdue">overdue<' in page
    assert '<strong class="pm-overdue">2025-04-01</strong>' in page
    index = built_site.html("index.html")
    row = next(r for r in rows(index) if "2025-03-04-xss-title" in r)
    assert "1 overdue" in row


def test_everything_from_frontmatter_is_escaped(built_site):
    page = built_site.html("postmortems/2025-03-04-xss-title/index.html")
    for payload in (
        "<script>alert(1)",
        "<img src=x onerror",
        "<svg onload",
        "<img src=y",
        "<b>Mallory",
    ):
        assert payload not in page, payload
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text in the heading
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<" not in title and "&lt;script&gt;" in title
    index = built_site.html("index.html")
    assert "<script>alert(1)" not in index and "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    service = next((built_site.site / "services").glob("svg-onload*/index.html")).read_text()
    assert "<svg onload" not in service
    assert "<img src=y" not in built_site.html("tags/index.html")
    search = (built_site.site / "search" / "search_index.json").read_text()
    assert "<script>alert(1)" not in json.loads(search)["docs"][0]["title"] + search


def test_raw_html_in_bodies_is_shown_as_text(built_site):
    page = built_site.html("postmortems/2025-03-04-xss-title/index.html")
    article = re.search(r"<article.*?</article>", page, re.S).group(0)
    for payload in ("<img", "<script", 'href="javascript:', "<b>", "<i>"):
        assert payload not in article, payload
    # No element of the post-mortem carries an event handler attribute (attribute lists).
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", article)
    assert "&lt;img src=z onerror=alert(5)&gt;" in article  # shown as text
    assert "&lt;b&gt;start&lt;/b&gt;" in article and "&lt;i&gt;everything&lt;/i&gt;" in article
    assert 'onclick="alert(8)" }' in html.unescape(article)  # the attribute list is text
    assert "<code>List&lt;String&gt;</code>" in article  # code is exact


def test_edit_link_points_at_the_source_file(built_site):
    page = built_site.html("postmortems/2025-05-06-cache-stampede/index.html")
    edit = re.search(r'<a href="([^"]+)"[^>]*class="md-content__button[^"]*"[^>]*rel="edit"', page)
    if edit is None:
        edit = re.search(r'href="([^"]+)"[^>]*rel="edit"', page)
    assert edit.group(1) == (
        "https://github.com/example/postmortems/edit/main/postmortems/2025-05-06-cache-stampede.md"
    )
    # No request to api.github.com for repository facts (closed networks, private repos).
    assert 'data-md-component="source"' not in page


def test_listings_by_service_year_and_tag(built_site):
    cdn = built_site.html("services/cdn/index.html")
    assert "Cache stampede after deploy" in cdn
    assert 'href="../../postmortems/2025-05-06-cache-stampede/"' in cdn
    services = built_site.html("services/index.html")
    assert 'href="../services/cdn/"' not in services and 'href="cdn/"' in services
    year = built_site.html("years/2025/index.html")
    assert "Cache stampede after deploy" in year and "Draft DNS outage" not in year
    tags = built_site.html("tags/index.html")
    assert 'id="tag:cache"' in tags and "Cache stampede after deploy" in tags


def test_statistics_page_draws_charts_as_inline_svg(built_site):
    page = built_site.html("statistics/index.html")
    assert page.count('<svg class="pm-chart"') == 3
    assert page.count('<rect class="pm-bar"') > 10
    assert page.count('<circle class="pm-dot"') + page.count('<path class="pm-dot"') == 14
    assert "<script" not in re.search(r"<article.*?</article>", page, re.S).group(0)
    tile = re.search(r'pm-tile__value">(\d+)</span><span class="pm-tile__label">Post-mortems', page)
    assert int(tile.group(1)) == 14


def test_search_index_contains_body_words(built_site):
    index = json.loads((built_site.site / "search" / "search_index.json").read_text())
    hits = [d["location"] for d in index["docs"] if SEARCH_WORD in d["text"]]
    assert hits and all(h.startswith("postmortems/2025-05-06-cache-stampede/") for h in hits)


def test_atom_feed_lists_published_postmortems(built_site):
    feed = ET.fromstring((built_site.site / "feed.xml").read_bytes())
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 14
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert "<script>alert(1)</script> & </title><img src=x onerror=alert(2)>" in titles
    assert "Draft DNS outage" not in titles and "Restricted credential exposure" not in titles
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert "https://postmortems.example.com/postmortems/2025-05-06-cache-stampede/" in links
    published = [e.findtext(f"{ATOM}published") for e in entries]
    assert published == sorted(published, reverse=True)
    assert 'type="application/atom+xml"' in (built_site.site / "index.html").read_text()


def test_preview_build_shows_drafts_marked(tmp_path):
    root = make_repo(tmp_path / "repo", synthetic=2)
    result = mkdocs_build(root, "--strict", env={"POSTMORTEM_PREVIEW": "true"})
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "postmortems" / "2025-07-08-draft-dns" / "index.html").read_text()
    assert "pm-banner--draft" in page and "not published" in page
    index = (root / "site" / "index.html").read_text()
    assert 'pm-status--draft">draft<' in index
    assert "Draft DNS outage" not in (root / "site" / "feed.xml").read_text()


def test_restricted_summary_mode_publishes_only_the_summary(tmp_path):
    config = (make_repo(tmp_path / "probe", synthetic=0, special=False) / "mkdocs.yml").read_text()
    config = config.replace("restricted: omit", "restricted: summary")
    root = make_repo(tmp_path / "repo", synthetic=1, config=config)
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    page = (
        root / "site" / "postmortems" / "2025-08-09-restricted-breach" / "index.html"
    ).read_text()
    assert "exposed in a public log" in page and "pm-banner--restricted" in page
    assert "SECRET-DETAIL" not in page
    assert "SECRET-DETAIL" not in (root / "site" / "search" / "search_index.json").read_text()


def test_strict_build_fails_on_a_broken_postmortem_with_file_and_line(tmp_path):
    root = make_repo(tmp_path / "repo", synthetic=2, special=False)
    (root / "postmortems" / "2025-01-01-broken.md").write_text(
        "---\nid: 2025-01-01-broken\ntitle: [unclosed\nstatus: published\n---\n# x\n", "utf-8"
    )
    result = mkdocs_build(root, "--strict")
    assert result.returncode != 0
    assert "postmortems/2025-01-01-broken.md:" in result.stderr
    assert "Traceback" not in result.stderr
    relaxed = mkdocs_build(root)  # without --strict in the command, mkdocs.yml still says strict
    assert relaxed.returncode != 0
    config = (root / "mkdocs.yml").read_text().replace("strict: true", "strict: false")
    (root / "mkdocs.yml").write_text(config)
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    assert len(rows((root / "site" / "index.html").read_text())) == 2


@pytest.mark.shared
def test_build_does_not_crash_on_real_postmortems(tmp_path):
    """The shared corpus is free-form Markdown, not our format: every file is reported, none
    crashes the build."""
    corpus = (REPO_ROOT / "../shared/corpus/real-postmortems").resolve()
    root = make_repo(tmp_path / "repo", synthetic=0, special=False)
    config = (root / "mkdocs.yml").read_text().replace("strict: true", "strict: false")
    config = config.replace("archive: postmortems", f"archive: {corpus.as_posix()}")
    (root / "mkdocs.yml").write_text(config)
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "not published" in result.stderr


def test_render_writes_plain_markdown_that_builds_without_the_plugin(tmp_path):
    from click.testing import CliRunner

    from postmortem.site.render import render

    root = make_repo(tmp_path / "repo", synthetic=3)
    out = root / "rendered"
    old = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(
            render, ["--out", "rendered", "--repo-url", "https://github.com/o/n"]
        )
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    page = (out / "postmortems" / "2025-05-06-cache-stampede.md").read_text()
    assert "data-pm-fragment" not in page and '<dl class="pm-card' in page
    assert "https://github.com/o/n/edit/main/postmortems/2025-05-06-cache-stampede.md" in page
    assert "<!-- material/tags -->" not in (out / "tags.md").read_text()
    config = (
        "site_name: Rendered\ndocs_dir: rendered\nstrict: true\ntheme:\n  name: material\n"
        "extra_css: [assets/postmortems/postmortems.css]\n"
        "extra_javascript: [assets/postmortems/archive.js]\n"
        "markdown_extensions: [attr_list, tables, toc, pymdownx.superfences]\n"
    )
    (root / "plain.yml").write_text(config)
    built = mkdocs_build(root, "-f", "plain.yml", "--strict")
    assert built.returncode == 0, built.stderr
    index = (root / "site" / "index.html").read_text()
    assert len(rows(index)) == 3 + 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index and "<script>alert(1)" not in index
