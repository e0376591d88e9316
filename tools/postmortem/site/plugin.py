"""The MkDocs plugin: a thin adapter from MkDocs events to `pages.build_site`.

    plugins:
      - search
      - tags
      - postmortems:
          archive: postmortems        # folder of post-mortems, relative to mkdocs.yml
          preview: false              # true: drafts and in-review post-mortems too, marked
          restricted: omit            # omit | summary
          raw_html: escape            # escape | keep
          sync_state: .postmortem/issues.json
          edit_uri: edit/main/        # repo_url + edit_uri + path of the source file

Pages are `File.generated(...)` objects: nothing is written into the repository. A file that
cannot be published is logged as a warning naming its path and line, so `mkdocs build --strict`
fails on it while a normal build still publishes the rest.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..config import ConfigError, load_config
from ..document import Document, iter_markdown_files, load_document
from .pages import RESTRICTED_MODES, GeneratedPage, Site, SiteOptions, build_site, load_sync_state

log = logging.getLogger("mkdocs.plugins.postmortems")

ASSETS = Path(__file__).parent / "assets"
TEMPLATES = Path(__file__).parent / "templates"
ASSET_DIR = "assets/postmortems"
STYLESHEET = f"{ASSET_DIR}/postmortems.css"
SCRIPT = f"{ASSET_DIR}/archive.js"


class PostmortemsConfig(Config):
    archive = c.Optional(c.Type(str))  # default: `archive` of .postmortem.yml, else postmortems
    preview = c.Type(bool, default=False)
    restricted = c.Choice(RESTRICTED_MODES, default="omit")
    raw_html = c.Choice(("escape", "keep"), default="escape")
    sync_state = c.Type(str, default=".postmortem/issues.json")
    edit_uri = c.Optional(c.Type(str))
    prefix = c.Type(str, default="postmortems")
    archive_page = c.Type(str, default="index.md")
    feed = c.Type(bool, default=True)
    feed_limit = c.Type(int, default=50)
    severities = c.Optional(c.ListOfItems(c.Type(str)))
    # Material asks api.github.com for the repository's stars and forks from the reader's
    # browser; off by default (private repositories, closed networks).
    repository_facts = c.Type(bool, default=False)


# From this many files on, a build parses them in worker processes (MkDocs itself uses one core).
PARALLEL_FROM = 200


def load_postmortems(folder: Path, parallel: bool) -> list[Document]:
    """Parse every post-mortem under folder, in order; in worker processes for big archives."""
    paths = list(iter_markdown_files([folder]))
    workers = min(4, os.cpu_count() or 1)
    if parallel and workers > 1 and len(paths) >= PARALLEL_FROM:
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                return list(pool.map(load_document, paths, chunksize=50))
        except Exception as error:  # noqa: BLE001 - any pool failure: parse here instead
            log.debug(f"postmortems: parallel parsing unavailable ({error}); parsing serially")
    return [load_document(p) for p in paths]


class PostmortemsPlugin(BasePlugin[PostmortemsConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.site: Site | None = None
        self.edit_urls: dict[str, str] = {}
        self.pages: dict[str, GeneratedPage] = {}
        self.root = Path.cwd()
        self.archive_dir = Path("postmortems")
        self.serving = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # No fork() from inside `mkdocs serve`: its server threads are running.
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        project = _project_settings(self.root)
        archive = self.config.archive or project.get("archive") or "postmortems"
        self.archive_dir = (self.root / archive).resolve()
        if not self.archive_dir.is_dir():
            raise PluginError(
                f"postmortems: archive folder {archive!r} (relative to {self.root.name}/mkdocs.yml) "
                "does not exist; set `archive:` in the plugin options"
            )
        self.severities = tuple(self.config.severities or project.get("severity_scale") or ())
        if not self.config.repository_facts:
            config.theme.dirs.insert(0, str(TEMPLATES))
        config.extra_css.append(STYLESHEET)
        config.extra_javascript.append(SCRIPT)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        # Parsing and page generation allocate many long-lived objects and few cycles: the
        # garbage collector would walk them again and again for nothing.
        gc.disable()
        try:
            return self._generate(files, config)
        finally:
            if not self.serving:
                # The archive lives until the build ends: keep the collector from walking it
                # on every later collection and at exit. Not under `serve`, where each rebuild
                # replaces it.
                gc.freeze()
            gc.enable()

    def _generate(self, files: Files, config: MkDocsConfig) -> Files:
        docs = load_postmortems(self.archive_dir, parallel=not self.serving)
        state = self._sync_state()
        options = SiteOptions(
            today=datetime.now(UTC).date(),
            preview=self.config.preview,
            restricted=self.config.restricted,
            raw_html=self.config.raw_html,
            severities=self.severities or ("P1", "P2", "P3", "P4"),
            directory_urls=config.use_directory_urls,
            prefix=self.config.prefix,
            archive_page=self.config.archive_page,
            material_tags=_has_material_tags(config),
            repo_url=config.repo_url or "",
            edit_uri=self._edit_uri(config),
            site_url=config.site_url or "",
            site_name=config.site_name,
            feed_limit=self.config.feed_limit,
            archive_root=self.archive_dir,
            repo_root=self.root,
        )
        self.site = build_site(docs, options, state)
        for warning in self.site.warnings:
            log.warning(warning)
        for note in self.site.notes:  # the site is right without issue links: not a failure
            log.info(note)
        for page in self.site.pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                raise PluginError(
                    f"postmortems: {config.docs_dir}/{page.src_uri} exists, but the plugin "
                    "generates this page; rename the file or set `archive_page` / `prefix`"
                )
            files.append(File.generated(config, page.src_uri, content=page.template))
            self.pages[page.src_uri] = page
            if page.edit_url:
                self.edit_urls[page.src_uri] = page.edit_url
        if self.config.feed:
            files.append(File.generated(config, "feed.xml", content=self.site.feed))
        for asset in sorted(ASSETS.iterdir()):
            if asset.is_file():
                files.append(
                    File.generated(config, f"{ASSET_DIR}/{asset.name}", abs_src_path=str(asset))
                )
        return files

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        # MkDocs has no edit link for generated files: point it at the post-mortem's source.
        edit_url = self.edit_urls.get(page.file.src_uri)
        if edit_url:
            page.edit_url = edit_url
        return page

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        generated = self.pages.get(page.file.src_uri)
        return generated.fill(html, late=False) if generated else html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            output = generated.fill(output, late=True)
        if not self.config.feed:
            return output
        href = _relative_root(page.url) + "feed.xml"
        link = (
            f'<link rel="alternate" type="application/atom+xml" title="Post-mortems" href="{href}">'
        )
        return output.replace("</head>", link + "</head>", 1)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        # Post-mortems live outside docs_dir: watch them (and the sync state) for live reload.
        server.watch(str(self.archive_dir))
        state = self.root / self.config.sync_state
        if state.parent.is_dir():
            server.watch(str(state.parent))
        return server

    # ---------------------------------------------------------------------------------------
    def _sync_state(self) -> dict[str, Any] | None:
        path = self.root / self.config.sync_state
        if not path.is_file():
            return None
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            log.info(f"postmortems: {self.config.sync_state}: cannot read: {error}")
            return None
        state, problem = load_sync_state(text)
        if problem:
            log.info(f"postmortems: {self.config.sync_state}: {problem}; issue links left out")
        return state

    def _edit_uri(self, config: MkDocsConfig) -> str:
        """The edit path of repository files; from MkDocs' edit_uri without the docs folder."""
        if self.config.edit_uri is not None:
            return self.config.edit_uri
        edit_uri = (config.edit_uri or "").rstrip("/")
        docs = Path(config.docs_dir).name
        if edit_uri.endswith("/" + docs):
            return edit_uri[: -len(docs)]
        return edit_uri


def _has_material_tags(config: MkDocsConfig) -> bool:
    return any(name in ("tags", "material/tags") for name in config.plugins)


def _relative_root(url: str) -> str:
    depth = url.count("/")
    return "../" * depth if depth else "./"


def _project_settings(root: Path) -> dict[str, Any]:
    """`archive` and `severity_scale` from the project configuration, when there is one."""
    try:
        return dict(load_config(start=root, check_prose=False).values)
    except ConfigError as error:
        raise PluginError(f"postmortems: {error}") from None
