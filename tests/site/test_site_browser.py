"""The built archive in a real headless Chromium (Debian's package), as a reader uses it.

The site is served by a threaded http.server on 127.0.0.1; the browser is started with
networking features off, so nothing leaves the machine. Screenshots go to test-artifacts/.
axe-core (tests/site/data/axe.min.js, axe 4.10.3 as published on npm, MPL-2.0) checks the
pages in both colour schemes, on a desktop and on a 390 px phone.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_fixtures import REPO, SEARCH_WORD, SYNTHETIC

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
AXE = Path(__file__).parent / "data" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# An archive, a post-mortem, the statistics page and a listing.
AUDITED = ["", "postmortems/2025-05-06-cache-stampede/", "statistics/", "services/cdn/"]


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


def open_tab(browser, viewport=DESKTOP, scheme="light", javascript=True):
    """A tab that records console errors, failed requests and any dialog (an alert would
    mean a script from a post-mortem ran)."""
    context = browser.new_context(
        viewport=viewport, color_scheme=scheme, java_script_enabled=javascript
    )
    tab = context.new_page()
    tab.problems = []  # type: ignore[attr-defined]
    tab.on(
        "console",
        lambda m: tab.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    tab.on("pageerror", lambda e: tab.problems.append(f"page error: {e}"))
    # A request the browser itself cancelled (net::ERR_ABORTED: the test navigated on before
    # the favicon had loaded) says nothing about the site; a missing file is a 404 response,
    # which Chromium reports as a console error above.
    tab.on(
        "requestfailed",
        lambda r: (
            None
            if r.failure == "net::ERR_ABORTED"
            else tab.problems.append(f"request failed: {r.url} ({r.failure})")
        ),
    )
    tab.on("dialog", lambda d: (tab.problems.append(f"dialog: {d.message}"), d.dismiss()))
    tab.set_default_timeout(30000)
    return context, tab


@pytest.fixture
def page(browser, server):
    context, tab = open_tab(browser)
    yield tab
    context.close()


def shot(tab, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def axe_violations(tab) -> list[dict]:
    tab.add_script_tag(content=AXE.read_text("utf-8"))
    return tab.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(
            v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(" ") + ": " +
            (n.failureSummary || "").split("\\n").slice(1, 2).join(""))})))"""
    )


def test_axe_finds_nothing_in_either_scheme_on_desktop_or_phone(browser, server):
    """Zero axe-core violations on the archive, a post-mortem, the statistics page and a
    listing, light and dark, 1280 px and 390 px wide."""
    found = {}
    for scheme in ("light", "dark"):
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            context, tab = open_tab(browser, viewport, scheme)
            for path in AUDITED:
                tab.goto(server + path)
                tab.wait_for_load_state("load")
                violations = axe_violations(tab)
                if violations:
                    found[f"{scheme} {name} /{path}"] = violations
                shot(
                    tab,
                    f"{(path.strip('/') or 'archive').replace('/', '-')}-{scheme}-{name}",
                    False,
                )
            assert tab.problems == []
            context.close()
    assert found == {}


def test_archive_filters_live_in_the_url_and_load_every_row(page, server, built_site):
    import json

    page.goto(server)
    rows = page.locator("table.pm-archive tbody tr")
    assert rows.count() == 100  # the first page; the rest come from archive.json on demand
    assert page.locator("form.pm-filters").is_visible()
    data = json.loads((built_site.site / "archive.json").read_text("utf-8"))
    fields = data["fields"]
    everything = [dict(zip(fields, r, strict=True)) for r in data["rows"]]
    shot(page, "archive-index")

    page.select_option("select[name=service]", "cdn")
    page.wait_for_url("**/?service=cdn")
    cdn = [r["title"] for r in everything if "cdn" in r["services"]]
    page.wait_for_function(
        f"document.querySelectorAll('table.pm-archive tbody tr').length === {len(cdn)}"
    )
    shown = [a.inner_text() for a in page.locator("table.pm-archive td.pm-title > a").all()]
    assert shown == cdn and "Cache stampede after deploy" in shown
    assert page.locator(".pm-filter-count").inner_text() == f"{len(cdn)} of {len(everything)} shown"
    assert page.locator(".pm-pager").is_hidden()

    page.select_option("select[name=severity]", "P1")
    page.wait_for_url("**/?service=cdn&severity=P1")
    both = [r["title"] for r in everything if "cdn" in r["services"] and r["severity"] == "P1"]
    page.wait_for_function(
        f"document.querySelectorAll('table.pm-archive tbody tr').length === {len(both)}"
    )

    # Open a post-mortem, come Back: the filters and the rows they select are restored.
    page.locator("table.pm-archive a", has_text="Cache stampede after deploy").click()
    page.wait_for_url("**/postmortems/2025-05-06-cache-stampede/")
    assert page.locator("dl.pm-card").is_visible()
    edit = page.locator("a[rel=edit]").first.get_attribute("href")
    assert edit.endswith("/edit/main/postmortems/2025-05-06-cache-stampede.md")
    page.go_back()
    page.wait_for_url("**/?service=cdn&severity=P1")
    page.wait_for_function(
        f"document.querySelectorAll('table.pm-archive tbody tr').length === {len(both)}"
    )
    assert page.locator("select[name=severity]").input_value() == "P1"
    assert page.locator("select[name=service]").input_value() == "cdn"

    # A filtered view can be opened from its URL; nothing matching says so.
    page.goto(server + "?q=no-such-incident-anywhere")
    page.locator(".pm-nomatch").wait_for(state="visible")
    assert page.locator("table.pm-archive tbody tr").count() == 0
    assert (
        page.locator("form.pm-filters input[name=q]").input_value() == "no-such-incident-anywhere"
    )
    shot(page, "archive-nothing-matches")
    page.locator("form.pm-filters button[type=reset]").click()
    page.wait_for_function("document.querySelectorAll('table.pm-archive tbody tr').length === 100")
    assert page.locator(".pm-pager").is_visible() and "?" not in page.url.replace(server, "")

    # Sorting reads every row too: by time to resolve, ascending.
    page.locator("th[data-sort=ttr] button").click()
    page.wait_for_function("document.querySelector('.pm-more') !== null")
    assert page.locator("th[data-sort=ttr]").get_attribute("aria-sort") == "ascending"
    first = page.locator("table.pm-archive td.pm-title > a").first.inner_text()
    fastest = min(everything, key=lambda r: (r["ttr"], 0))
    assert first == fastest["title"]

    # A listing on one page sorts its own rows, and returns to newest first.
    page.goto(server + "services/cdn/")
    rows = page.locator("table.pm-listing tbody tr")
    built = [r.get_attribute("data-date") for r in rows.all()]
    page.locator("th[data-sort=ttr] button").click()
    ttr = [int(r.get_attribute("data-ttr")) for r in rows.all()]
    assert ttr == sorted(ttr) and ttr[0] != ttr[-1]
    page.locator("th[data-sort=date] button").click()  # ascending
    page.locator("th[data-sort=date] button").click()  # descending: as built
    assert [r.get_attribute("data-date") for r in rows.all()] == built
    assert page.problems == []


def test_phone_cards_charts_and_no_layout_shift(browser, server):
    context, tab = open_tab(browser, PHONE, "dark")
    tab.goto(server)
    tab.wait_for_load_state("load")
    shift = tab.evaluate(
        """() => new Promise(resolve => {
            let total = 0;
            new PerformanceObserver(list => {
                for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
            }).observe({type: "layout-shift", buffered: true});
            requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
        })"""
    )
    assert shift == 0
    widths = tab.evaluate(
        "Array.from(document.querySelectorAll('table.pm-archive td.pm-title'))"
        ".map(td => td.getBoundingClientRect().width)"
    )
    assert len(widths) == 100 and min(widths) >= 150
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(tab, "archive-phone-dark", False)
    tab.goto(server + "statistics/")
    sizes = tab.evaluate(
        """() => Array.from(document.querySelectorAll("svg.pm-chart"))
            .filter(svg => svg.getBoundingClientRect().width > 0)
            .map(svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width
                 * parseFloat(svg.getAttribute("font-size")))"""
    )
    assert len(sizes) == 4 and min(sizes) >= 11, sizes
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(tab, "statistics-phone-dark")
    assert tab.problems == []
    context.close()


def test_search_finds_a_postmortem_by_a_word_in_its_body(page, server):
    requests = []
    page.on("requestfinished", lambda r: requests.append(r.url))
    page.goto(server + "statistics/")
    assert not any("/pagefind/" in url for url in requests)  # nothing until the box is used
    # Material takes every link[rel=alternate] for a language version and fetches its
    # sitemap.xml: the feed link must not look like one.
    assert not any("sitemap.xml" in url for url in requests)
    page.locator(".pm-search__input").press_sequentially(SEARCH_WORD, delay=20)
    page.locator(".pm-search__meta", has_text="1 matching page").wait_for()
    result = page.locator("a.pm-search__link").first
    assert result.get_attribute("href").endswith("/postmortems/2025-05-06-cache-stampede/")
    assert page.locator("mark", has_text=SEARCH_WORD).count() == 1
    shot(page, "search", False)

    # A title full of markup is found and shown as text.
    page.locator(".pm-search__input").fill("")
    page.locator(".pm-search__input").press_sequentially("onerror", delay=20)
    title = page.locator(".pm-search__title", has_text="<script>alert(1)</script>").first
    title.wait_for()
    assert page.locator(".pm-search__results img, .pm-search__results script").count() == 0
    page.locator(".pm-search__input").fill("")
    page.locator(".pm-search__input").press_sequentially(SEARCH_WORD, delay=20)
    page.locator(".pm-search__results mark", has_text=SEARCH_WORD).wait_for()
    page.locator(".pm-search__input").press("Enter")
    page.wait_for_url("**/postmortems/2025-05-06-cache-stampede/")
    assert page.problems == []


def test_script_in_a_title_shows_as_text_and_never_runs(page, server):
    page.goto(server + "postmortems/2025-03-04-xss-title/")
    heading = page.locator("h1").inner_text()
    assert heading.startswith("<script>alert(1)</script> & </title><img src=x onerror=alert(2)>")
    assert "<script>alert(1)</script>" in page.title()
    assert "<img src=z onerror=alert(5)>" in page.locator("article").inner_text()
    page.goto(server + "?q=onerror")  # the rows come from archive.json: wait for them
    page.wait_for_function("document.querySelectorAll('table.pm-archive tbody tr').length === 1")
    assert page.locator("table.pm-archive", has_text="<script>alert(1)</script>").count() == 1
    assert page.problems == []  # no dialog: nothing ran


def test_archive_works_without_javascript(browser, server, built_site):
    context, tab = open_tab(browser, javascript=False)
    tab.goto(server)
    rows = tab.locator("table.pm-archive tbody tr")
    assert rows.count() == 100
    assert not tab.locator("form.pm-filters").is_visible()  # hidden: the links do the filtering
    assert not tab.locator(".pm-search").is_visible()
    tab.locator(".pm-pager a[rel=next]").click()
    assert tab.locator("table.pm-archive tbody tr").count() == SYNTHETIC + 2 - 100
    tab.goto(server)
    tab.locator("p.pm-lede a", has_text="By service").click()
    tab.locator("article a", has_text="cdn").first.click()
    cdn = tab.locator("table.pm-listing tbody tr")
    assert "Cache stampede after deploy" in tab.locator("table.pm-listing").inner_text()
    assert cdn.count() == sum(
        1 for r in cdn.all() if "cdn" in r.get_attribute("data-services").split("|")
    )
    tab.goto(server + "statistics/")
    assert tab.locator("svg.pm-chart--wide").count() == 4
    shot(tab, "statistics-no-js")
    context.close()
