"""The built archive in a real headless Chromium (Debian's package), as a reader uses it.

The site is served by a threaded http.server on 127.0.0.1; the browser is started with
networking features off, so nothing leaves the machine. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_fixtures import REPO, SEARCH_WORD

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(built_site) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(built_site.site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is required for browser tests: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, server):
    """A page that records console errors, failed requests and any dialog (an alert would
    mean a script from a post-mortem ran)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.problems = []  # type: ignore[attr-defined]
    tab.on(
        "console",
        lambda m: tab.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    tab.on("pageerror", lambda e: tab.problems.append(f"page error: {e}"))
    tab.on("requestfailed", lambda r: tab.problems.append(f"request failed: {r.url}"))
    tab.on("dialog", lambda d: (tab.problems.append(f"dialog: {d.message}"), d.dismiss()))
    tab.set_default_timeout(15000)
    yield tab
    context.close()


def shot(tab, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_archive_filters_sorts_and_links_to_a_postmortem(page, server, built_site):
    page.goto(server)
    rows = page.locator("table.pm-archive tbody tr")
    assert rows.count() == len(built_site.published)
    assert page.locator("form.pm-filters").is_visible()  # the script ran
    shot(page, "archive-index")

    page.select_option("select[data-filter=severity]", "P1")
    visible = page.locator("table.pm-archive tbody tr:not([hidden])")
    p1 = sum(1 for r in rows.all() if r.get_attribute("data-severity") == "P1")
    assert 0 < visible.count() == p1 < rows.count()
    assert page.locator(".pm-filter-count").inner_text() == f"{p1} of {rows.count()} shown"
    page.locator("form.pm-filters button[type=reset]").click()
    page.wait_for_function(
        "document.querySelectorAll('table.pm-archive tbody tr[hidden]').length === 0"
    )

    page.select_option("select[data-filter=service]", "cdn")
    cdn = [r for r in rows.all() if "cdn" in r.get_attribute("data-services").split("|")]
    shown = [r.get_attribute("data-title") for r in visible.all()]
    assert shown == [r.get_attribute("data-title") for r in cdn]
    assert "cache stampede after deploy" in shown and len(shown) < rows.count()
    page.locator("form.pm-filters button[type=reset]").click()

    # Sort by time to resolve, ascending: the column's values are then in order.
    page.locator("th[data-sort=ttr] button").click()
    ttr = [int(r.get_attribute("data-ttr")) for r in rows.all()]
    assert ttr == sorted(ttr) and ttr[0] != ttr[-1]
    assert page.locator("th[data-sort=ttr]").get_attribute("aria-sort") == "ascending"

    page.locator("table.pm-archive a", has_text="Cache stampede after deploy").click()
    page.wait_for_url("**/postmortems/2025-05-06-cache-stampede/")
    card = page.locator("dl.pm-card")
    assert card.is_visible()
    assert "2 h 30 min" in card.inner_text()
    assert page.locator("h1").inner_text().startswith("Cache stampede after deploy")
    edit = page.locator("a[rel=edit]").first.get_attribute("href")
    assert edit.endswith("/edit/main/postmortems/2025-05-06-cache-stampede.md")
    shot(page, "postmortem-page")
    assert page.problems == []


def test_search_finds_a_postmortem_by_a_word_in_its_body(page, server):
    page.goto(server)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # Typed key by key: Material's search reacts to keyboard events, not to a pasted value.
    page.locator("input.md-search__input").press_sequentially(SEARCH_WORD, delay=20)
    result = page.locator("a.md-search-result__link", has_text=SEARCH_WORD).first
    result.wait_for(state="visible")
    assert "/postmortems/2025-05-06-cache-stampede/" in result.get_attribute("href")
    assert page.locator(".md-search-result__meta").inner_text() == "1 matching document"
    shot(page, "search")
    result.click()
    page.wait_for_url("**/postmortems/2025-05-06-cache-stampede/**")
    assert page.problems == []


def test_statistics_charts_render(page, server):
    page.goto(server + "statistics/")
    charts = page.locator("svg.pm-chart")
    assert charts.count() == 3
    for chart in charts.all():
        box = chart.bounding_box()
        assert box is not None and box["width"] > 400 and box["height"] > 60
    bars = page.locator("svg.pm-chart rect.pm-bar")
    assert bars.count() > 10
    tallest = max(b.bounding_box()["height"] for b in bars.all()[:40])
    assert tallest > 20
    shot(page, "statistics")
    assert page.problems == []


def test_script_in_a_title_shows_as_text_and_never_runs(page, server):
    page.goto(server + "postmortems/2025-03-04-xss-title/")
    heading = page.locator("h1").inner_text()
    assert heading.startswith("<script>alert(1)</script> & </title><img src=x onerror=alert(2)>")
    assert "<script>alert(1)</script>" in page.title()
    assert "<img src=z onerror=alert(5)>" in page.locator("article").inner_text()
    page.goto(server)
    assert page.locator("table.pm-archive", has_text="<script>alert(1)</script>").count() == 1
    assert page.problems == []  # no dialog: nothing ran


def test_archive_works_without_javascript(browser, server, built_site):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server)
    rows = tab.locator("table.pm-archive tbody tr")
    assert rows.count() == len(built_site.published)
    cdn = sum(1 for r in rows.all() if "cdn" in r.get_attribute("data-services").split("|"))
    assert not tab.locator("form.pm-filters").is_visible()  # hidden: the links do the filtering
    tab.locator("p.pm-lede a", has_text="By service").click()
    tab.locator("article a", has_text="cdn").first.click()
    assert tab.locator("table.pm-listing tbody tr").count() == cdn
    assert "Cache stampede after deploy" in tab.locator("table.pm-listing").inner_text()
    tab.goto(server + "statistics/")
    assert tab.locator("svg.pm-chart").count() == 3
    shot(tab, "statistics-no-js")
    context.close()
