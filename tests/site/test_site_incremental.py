"""The live preview's dirty rebuild: only the edited post-mortem and the pages showing it.

`mkdocs serve --dirty` rebuilds with the same plugin object (MkDocs keeps a plugin that has
`on_startup`); these tests drive MkDocs' own build function the way `serve` does, with the
repository's mkdocs.yml (strict), and look at which files of the site were written again.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from test_site_serve import serving, wait_for

import postmortem.site.plugin as plugin_module

from site_fixtures import make_repo

EDITED = "2025-05-06-cache-stampede"


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A repository, and a function building it as `mkdocs serve --dirty` does."""
    root = make_repo(tmp_path / "repo", synthetic=12, special=True)
    site = tmp_path / "site"
    monkeypatch.chdir(root)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    started = []

    def rebuild() -> None:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        if not started:
            config.plugins.on_startup(command="serve", dirty=True)
            started.append(config)
        config.site_url = "http://127.0.0.1:8000/"
        build(config, serve_url="http://127.0.0.1:8000/", dirty=True)

    yield root, site, rebuild
    if started:
        started[0].plugins.on_shutdown()
    logging.getLogger("mkdocs.commands.build").filters.clear()


def pages(site: Path) -> dict[str, int]:
    return {
        str(p.relative_to(site)): p.stat().st_mtime_ns
        for p in site.rglob("index.html")
        if "pagefind" not in p.parts
    }


def edit_title(root: Path, title: str) -> None:
    source = root / "postmortems" / f"{EDITED}.md"
    text = source.read_text("utf-8")
    time.sleep(0.05)  # a new modification time, even on coarse file systems
    source.write_text(text.replace("title: Cache stampede after deploy", f"title: {title}"))


def test_dirty_rebuild_renders_only_the_edited_page_and_its_listings(served, monkeypatch):
    root, site, rebuild = served
    rebuild()  # strict mode: the dirty build's notice must not abort it
    before = pages(site)
    assert f"postmortems/{EDITED}/index.html" in before
    parsed: list[str] = []
    real = plugin_module.load_document
    monkeypatch.setattr(
        plugin_module, "load_document", lambda path: parsed.append(Path(path).name) or real(path)
    )
    edit_title(root, "Cache stampede, revised")
    time.sleep(0.05)
    rebuild()
    after = pages(site)
    written = {name for name, stamp in after.items() if stamp != before.get(name)}
    assert parsed == [f"{EDITED}.md"]  # the other post-mortems were not parsed again
    page = site / "postmortems" / EDITED / "index.html"
    assert "Cache stampede, revised" in page.read_text("utf-8")
    assert "Cache stampede, revised" in (site / "index.html").read_text("utf-8")
    assert f"postmortems/{EDITED}/index.html" in written
    assert "index.html" in written  # the archive lists the title
    # Every page that shows the new title was written again; no page that does not.
    showing = {n for n in after if "Cache stampede, revised" in (site / n).read_text("utf-8")}
    assert showing <= written
    untouched = [n for n in after if n.startswith("postmortems/") and n not in written]
    assert len(untouched) >= 10  # the other post-mortems' pages were not rendered again
    assert len(written) < len(after) / 2


def test_nothing_changed_nothing_rendered(served):
    root, site, rebuild = served
    rebuild()
    before = pages(site)
    time.sleep(0.05)
    rebuild()
    assert pages(site) == before


def test_a_removed_and_a_new_postmortem(served):
    root, site, rebuild = served
    rebuild()
    source = sorted((root / "postmortems").glob("*-[0-9].md"))[0]  # a synthetic one
    text = source.read_text("utf-8")
    title = next(line[7:].strip() for line in text.splitlines() if line.startswith("title: "))
    assert title in (site / "index.html").read_text("utf-8")
    source.unlink()
    rebuild()
    assert title not in (site / "index.html").read_text("utf-8")
    source.write_text(text, "utf-8")
    rebuild()
    assert title in (site / "index.html").read_text("utf-8")


def test_dirty_build_in_strict_mode_does_not_abort(tmp_path):
    """`mkdocs build --dirty` with the project's strict configuration (the same notice)."""
    root = make_repo(tmp_path / "repo", synthetic=3, special=True)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--dirty"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "A 'dirty' build is being performed" in result.stderr  # still said, as info


def test_readme_preview_command_serves_and_reloads(tmp_path):
    """The README's live preview (`mkdocs serve --dirty`) with the project's mkdocs.yml."""
    root = make_repo(tmp_path / "repo", synthetic=3, special=True)
    with serving(root, "--dirty", env={"POSTMORTEM_PREVIEW": "true"}) as address:
        page = f"{address}/postmortems/{EDITED}/"
        assert wait_for(page, "Cache stampede after deploy", 90), "site was not served"
        edit_title(root, "Cache stampede, revised")
        assert wait_for(page, "Cache stampede, revised", 60), "no rebuild after the change"
        assert wait_for(f"{address}/", "Cache stampede, revised", 20)
