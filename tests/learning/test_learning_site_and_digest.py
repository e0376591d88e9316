"""Similar incidents and recurring themes where people read: the site (a real `mkdocs build`)
and the weekly review that feeds the digest. Drafts and restricted reports appear nowhere."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from postmortem.document import load_archive, parse_document
from postmortem.learning.themes import learn, review_themes
from postmortem.site.pages import SiteOptions, build_site

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "site"))
from site_fixtures import make_repo, mkdocs_build  # noqa: E402

EXAMPLES = ROOT / "tests" / "data" / "similarity"
POOL_A = "2025-03-04-orders-pool-exhaustion"
POOL_B = "2025-09-22-orders-db-connections-ran-out"
CERT_A = "2025-05-08-payments-certificate-expired"
CERT_B = "2026-01-19-payments-gateway-handshake-failures"
HIDDEN = {
    # Twins of a published failure that must never be shown, counted or suggested.
    "2025-10-01-orders-pool-draft-twin": ("status: published", "status: draft"),
    "2025-11-01-orders-pool-restricted-twin": ("status: published", "status: published\nrestricted: true"),
}  # fmt: skip


def write_archive(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in EXAMPLES.glob("*.md"):
        shutil.copy(path, folder / path.name)
    source = (EXAMPLES / f"{POOL_A}.md").read_text("utf-8")
    for name, (old, new) in HIDDEN.items():
        text = source.replace(f"id: {POOL_A}", f"id: {name}").replace(old, new, 1)
        text = text.replace("Orders API errors from", "Twin of orders API errors from")
        (folder / f"{name}.md").write_text(text, "utf-8")


def test_build_site_lists_similar_published_incidents_and_themes(tmp_path):
    write_archive(tmp_path / "postmortems")
    docs = load_archive([tmp_path / "postmortems"])
    options = SiteOptions(today=date(2026, 6, 1), archive_root=tmp_path / "postmortems",
                          preview=True, restricted="summary")  # fmt: skip
    site = build_site(docs, options)
    page = site.page(f"postmortems/{POOL_A}.md").markdown
    section = page.split("## Similar incidents", 1)[1]
    assert POOL_B in section and "same service: orders-api" in section
    assert "Twin" not in section  # neither the draft nor the restricted twin
    for name in HIDDEN:  # shown in preview / as a summary, but without a similar section
        assert "## Similar incidents" not in site.page(f"postmortems/{name}.md").markdown
    themes = site.page("themes.md").markdown
    assert "Recurring themes" in themes and "orders-api" in themes and "Monitoring" in themes
    assert "Twin" not in themes
    stats = site.page("statistics.md").markdown
    assert "Contributing-factor categories" in stats and "<svg" in stats
    assert "5 of 5 published post-mortems categorise" in stats  # twins not counted
    assert "2025-Q1 · Monitoring: 1" in stats


def test_themes_count_per_quarter_and_recurrence_window():
    docs = [parse_document(p.read_text("utf-8"), p) for p in sorted(EXAMPLES.glob("*.md"))]
    learning = learn(docs, {})
    by_key = {(t.kind, t.name): t for t in learning.themes}
    monitoring = by_key[("category", "monitoring")]
    assert len(monitoring.incidents) == 5
    assert monitoring.per_quarter == {"2025-Q1": 1, "2025-Q2": 1, "2025-Q3": 2, "2026-Q1": 1}
    orders = by_key[("service", "orders-api")]
    assert [i.doc.id for i in orders.incidents] == [POOL_A, POOL_B]
    assert ("service", "search-indexer") not in by_key  # one incident is not a theme
    lines = review_themes(docs, {}, date(2026, 2, 1))
    assert any(line.startswith("Similar incidents on payments-gateway") for line in lines)
    assert not any("orders-api" in line for line in lines)  # last recurrence 2025-09: too old
    assert review_themes(docs, {}, date(2027, 1, 1)) == []


@pytest.mark.slow
def test_mkdocs_build_shows_learning_and_never_a_hidden_post_mortem(tmp_path):
    root = make_repo(tmp_path / "repo", synthetic=0, special=False)
    write_archive(root / "postmortems")
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    site = root / "site"
    page = (site / "postmortems" / POOL_A / "index.html").read_text("utf-8")
    assert re.search(r'id="similar-incidents"', page)
    assert f'href="../{POOL_B}/"' in page
    themes = (site / "themes" / "index.html").read_text("utf-8")
    assert "payments-gateway" in themes and f"{CERT_A}/" in themes and f"{CERT_B}/" in themes
    stats = (site / "statistics" / "index.html").read_text("utf-8")
    assert "Contributing-factor categories per quarter" in stats
    for html in site.rglob("*.html"):
        text = html.read_text("utf-8")
        for name in HIDDEN:
            assert name not in text, html
        assert "Twin of" not in text, html


def test_weekly_review_markdown_names_recurring_themes(tmp_path):
    write_archive(tmp_path / "postmortems")
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "postmortem"), "review", "postmortems", "--format",
         "markdown", "--today", "2026-02-10"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    section = result.stdout.split("### Recurring themes, last 90 days (2)", 1)[1]
    section = section.split("###", 1)[0].split("<details>", 1)[0]
    assert "Similar incidents on payments-gateway" in section and CERT_B in section
    assert "Contributing factor 'Monitoring'" in section
    assert "twin" not in section
