"""`postmortem render --out DIR`: the generated pages as plain Markdown files.

For engines that read `mkdocs.yml` but do not run MkDocs plugins (Zensical, the successor of
Material for MkDocs): point their `docs_dir` at DIR and they build the same archive. The pages
are the ones the plugin generates in memory; the Material tags listing is replaced by a
self-contained tag page, and the stylesheet, script and feed are written next to them.
"""

from __future__ import annotations

import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from ..document import load_archive
from .pages import SiteOptions, build_site, load_sync_state
from .plugin import ASSET_DIR, ASSETS
from .settings import RESTRICTED_MODES


def render_archive(
    archive: Path, out: Path, options: SiteOptions, sync_state: Path | None
) -> list[str]:
    """Write every generated page under `out`; return the warnings (files not published)."""
    state = None
    warnings: list[str] = []
    if sync_state is not None and sync_state.is_file():
        state, problem = load_sync_state(sync_state.read_text("utf-8", "replace"))
        if problem:
            warnings.append(f"{sync_state.as_posix()}: {problem}; issue links left out")
    site = build_site(load_archive([archive]), options, state)
    for page in site.pages:
        target = out / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    (out / "feed.xml").write_text(site.feed, encoding="utf-8")
    for path, text in site.files.items():
        (out / path).write_text(text, encoding="utf-8")
    assets = out / ASSET_DIR
    assets.mkdir(parents=True, exist_ok=True)
    for asset in ASSETS.iterdir():
        if asset.is_file():
            shutil.copyfile(asset, assets / asset.name)
    return warnings + site.notes + site.warnings


@click.command("render")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the pages into (created; existing files there are overwritten).",
)
@click.option(
    "--archive",
    default="postmortems",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of post-mortems.",
)
@click.option("--preview", is_flag=True, help="Include drafts and in-review post-mortems, marked.")
@click.option(
    "--restricted",
    type=click.Choice(RESTRICTED_MODES),
    default="omit",
    show_default=True,
    help="Restricted post-mortems: leave out, or publish only the summary.",
)
@click.option(
    "--sync-state",
    default=".postmortem/issues.json",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Sync state file with issue links (used when present).",
)
@click.option("--repo-url", default="", help="Repository URL, for edit links to source files.")
@click.option(
    "--edit-uri",
    default="edit/main/",
    show_default=True,
    help="Edit path under the repository URL.",
)
@click.option(
    "--site-url", default="", help="Public URL of the site, for absolute links in the feed."
)
@click.option(
    "--strict", is_flag=True, help="Exit non-zero when a post-mortem cannot be published."
)
def render(
    out: Path,
    archive: Path,
    preview: bool,
    restricted: str,
    sync_state: Path,
    repo_url: str,
    edit_uri: str,
    site_url: str,
    strict: bool,
) -> None:
    """Write the archive's generated pages as plain Markdown into OUT."""
    if not archive.is_dir():
        raise click.UsageError(f"archive folder {archive.as_posix()!r} does not exist")
    from ..cli import get_config

    options = SiteOptions(
        project=get_config(None).values,
        today=datetime.now(UTC).date(),
        preview=preview,
        restricted=restricted,
        repo_url=repo_url,
        edit_uri=edit_uri,
        site_url=site_url,
        archive_root=archive,
        repo_root=Path.cwd(),
    )
    warnings = render_archive(archive, out, options, sync_state)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    pages = sum(1 for p in out.rglob("*.md"))
    click.echo(
        f"Wrote {pages} pages to {out.as_posix()}/ (stylesheet and script in {ASSET_DIR}/: add "
        f"them to extra_css / extra_javascript)."
    )
    if strict and warnings:
        sys.exit(1)
