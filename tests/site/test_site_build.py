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
from site_fixtures import SEARCH_WORD, SYNTHETIC, make_repo, mkdocs_build

ATOM = "{http://www.w3.org/2005/Atom}"
PAGE_SIZE = 100


def search_fragments(site: Path) -> str:
    """The text of every page in Pagefind's index (its fragments are gzip-compressed JSON)."""
    import gzip

    texts = []
    for fragment in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        texts.append(data.decode("utf-8", "replace"))
    assert texts, "no search index"
    return "\n".join(texts)


def rows(page_html: str) -> list[str]:
    body = re.search(r'<table class="pm-table pm-archive".*?<tbody>(.*?)</tbody>', page_html, re.S)
    assert body, "archive table missing"
    return re.findall(r"<tr [^>]*>.*?</tr>", body.group(1), re.S)


def test_archive_lists_every_published_postmortem_and_nothing_else(built_site):
    index = built_site.html("index.html")
    second = built_site.html("archive/2/index.html")
    found = rows(index) + rows(second)
    assert len(rows(index)) == PAGE_SIZE
    assert len(found) == len(built_site.published) == SYNTHETIC + 2
    for doc_id in built_site.published:
        assert f'href="postmortems/{doc_id}/"' in index or f'/postmortems/{doc_id}/"' in second
    for page in (index, second):
        assert "Draft DNS outage" not in page
        assert "Restricted credential exposure" not in page
    assert not (built_site.site / "postmortems" / "2025-07-08-draft-dns").exists()
    assert not (built_site.site / "postmortems" / "2025-08-09-restricted-breach").exists()
    assert "SECRET-DETAIL" not in search_fragments(built_site.site)
    # Newest first across the pages, and the counts shown match the rows.
    dates = [re.search(r'data-date="([^"]*)"', r).group(1) for r in found]
    assert dates == sorted(dates, reverse=True)
    assert f"{len(found)} published post-mortems" in index
    assert f"Page 1 of 2 (1–{PAGE_SIZE} of {len(found)})" in index
    assert 'rel="next" href="archive/2/"' in index and 'rel="prev" href="../../"' in second


def test_archive_data_holds_every_row_for_filtering(built_site):
    """Beyond one page, filtering and sorting in the browser read archive.json."""
    data = json.loads((built_site.site / "archive.json").read_text("utf-8"))
    assert 'data-pm-all="archive.json"' in built_site.html("index.html")
    assert len(data["rows"]) == len(built_site.published)
    fields = data["fields"]
    by_title = {r[fields.index("title")]: dict(zip(fields, r, strict=True)) for r in data["rows"]}
    stampede = by_title["Cache stampede after deploy"]
    assert stampede["href"] == "postmortems/2025-05-06-cache-stampede/"
    assert stampede["services"] == ["cdn", "checkout-web"] and stampede["ttr"] == 150
    assert data["services"]["cdn"] == "services/cdn/"
    assert "Draft DNS outage" not in by_title


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
    assert 'href="../../tags/cache/"' in card
    # Tags are shown once: in the card, not again as Material's chips above the title.
    assert page.count(">cache</a>") == 1
    # Timeline table from the body, action items with states and issue links from the sync state.
    assert "Origin load rises" in page
    assert re.search(
        r'<a [^>]*href="https://github.com/example/postmortems/issues/12" '
        r'title="GitHub issue: closed"[^>]*>#12</a>',
        page,
    )
    assert "pm-state--done" in page and "GitHub issue: closed" in page
    assert re.search(
        r'<a [^>]*href="https://github.com/example/postmortems/issues/13" '
        r'title="GitHub issue: open"[^>]*>#13</a>',
        page,
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
    tag = next((built_site.site / "tags").glob("img-src-y*/index.html")).read_text()
    assert "<img src=y" not in tag and "&lt;img src=y onerror=alert(4)&gt;" in tag
    assert "<script>alert(1)" not in built_site.html("archive/2/index.html")
    data = (built_site.site / "archive.json").read_text()
    assert "<script>alert(1)</script>" in json.loads(data)["rows"][0][1] or "alert(1)" in data
    # Pagefind's index holds the title as text (JSON); search.js shows it with textContent
    # (see the browser tests).


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


def test_no_link_in_a_body_can_run_a_script(built_site):
    """Entity-encoded, split and mixed-case spellings of javascript: and data: URLs, inline
    and in a reference definition, lose their URL; http(s), mailto, relative and #fragment
    links keep theirs."""
    page = built_site.html("postmortems/2025-03-04-xss-title/index.html")
    article = re.search(r"<article.*?</article>", page, re.S).group(0)
    targets = [html.unescape(h) for h in re.findall(r'(?:href|src)="([^"]*)"', article)]
    for target in targets:
        squeezed = re.sub(r"[\s\x00-\x1f]", "", target).lower()
        assert not squeezed.startswith(("javascript:", "data:", "vbscript:")), target
    anchors = dict(re.findall(r'<a href="([^"]*)"[^>]*>([a-z]+)</a>', article))
    # Entity spellings are shown as written by the escaping, so what is left of them is a
    # relative path at most; a literal script scheme loses its URL in the sanitiser.
    for href, label in anchors.items():
        if label in "abcdefg":
            assert not re.match(r"[a-z][a-z0-9+.-]*:", html.unescape(href), re.I), (label, href)
    assert "d" not in anchors.values()  # JaVaScRiPt: spelled plainly has no URL left
    assert anchors["https://example.com/runbook"] == "docs"
    assert anchors["mailto:oncall@example.com"] == "mail"
    assert anchors["../2025-05-06-cache-stampede/"] == "up"
    assert anchors["#summary"] == "top"


def test_related_postmortems_that_are_not_published_are_not_named(built_site):
    page = built_site.html("postmortems/2025-03-04-xss-title/index.html")
    card = re.search(r'<dl class="pm-card.*?</dl>', page, re.S).group(0)
    related = re.search(r"<dt>Related</dt><dd>(.*?)</dd>", card, re.S).group(1)
    assert 'href="../2025-05-06-cache-stampede/">Cache stampede after deploy</a>' in related
    assert "2 restricted" in related
    assert "draft-dns" not in page and "restricted-breach" not in page


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
    assert 'href="cache/"' in tags
    cache = built_site.html("tags/cache/index.html")
    assert "Cache stampede after deploy" in cache
    # Every listing is sorted by date, newest first (not by title).
    for listing in (cdn, year, cache, built_site.html("tags/latency/index.html")):
        dates = re.findall(r'<tr data-date="([^"]*)"', listing)
        assert dates and dates == sorted(dates, reverse=True)


def test_statistics_page_draws_charts_as_inline_svg(built_site):
    page = built_site.html("statistics/index.html")
    # Four charts (incidents per month, time to detect, time to resolve, action items), each
    # drawn for desktops and for phones.
    assert page.count('<svg class="pm-chart pm-chart--wide"') == 4
    assert page.count('<svg class="pm-chart pm-chart--narrow"') == 4
    assert page.count('<rect class="pm-bar"') > 10
    published = len(built_site.published)
    dots = page.count('<circle class="pm-dot"') + page.count('<path class="pm-dot"')
    assert dots == 2 * published
    assert "<script" not in re.search(r"<article.*?</article>", page, re.S).group(0)
    tile = re.search(r'pm-tile__value">(\d+)</span><span class="pm-tile__label">Post-mortems', page)
    assert int(tile.group(1)) == published
    # A data table behind every chart.
    assert page.count('<details class="pm-data">') == 4
    # Ticks are whole numbers, and only severities present are in the legend.
    ticks = re.findall(r'text-anchor="end" fill="currentColor">([^<]*)</text>', page)
    assert ticks and all(re.fullmatch(r"\d+( h)?", t) for t in ticks), ticks
    # The tiles count action items as the table does.
    open_tile = re.search(r'pm-tile__value">(\d+)</span><span class="pm-tile__label">Open', page)
    overdue_tile = re.search(
        r'pm-tile__value">(\d+)</span><span class="pm-tile__label">Overdue', page
    )
    all_row = re.search(
        r"<tr><td>All</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", page
    )
    assert open_tile.group(1) == all_row.group(2) and overdue_tile.group(1) == all_row.group(3)


def test_search_index_contains_body_words(built_site):
    """Pagefind's index: the post-mortems' bodies, not the listings or the card."""
    entry = json.loads((built_site.site / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]
    text = search_fragments(built_site.site)
    fragments = [json.loads(t[t.index("{") :]) for t in text.split("\n") if "{" in t]
    hits = [f["url"] for f in fragments if SEARCH_WORD in f["content"]]
    assert hits == ["/postmortems/2025-05-06-cache-stampede/"]
    urls = {f["url"] for f in fragments}
    assert "/" not in urls and "/statistics/" not in urls and "/about/" in urls
    stampede = next(f for f in fragments if f["url"] == hits[0])
    assert stampede["meta"]["title"] == "Cache stampede after deploy"


def test_atom_feed_lists_published_postmortems(built_site):
    feed = ET.fromstring((built_site.site / "feed.xml").read_bytes())
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 50  # feed_limit: the newest 50
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert "<script>alert(1)</script> & </title><img src=x onerror=alert(2)>" in titles
    assert "Draft DNS outage" not in titles and "Restricted credential exposure" not in titles
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert "https://postmortems.example.com/postmortems/2025-05-06-cache-stampede/" in links
    published = [e.findtext(f"{ATOM}published") for e in entries]
    assert published == sorted(published, reverse=True)
    index = (built_site.site / "index.html").read_text()
    assert re.search(r'<link rel="alternate feed" type="application/atom\+xml"[^>]*feed.xml', index)


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
    assert "SECRET-DETAIL" not in search_fragments(root / "site")


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
