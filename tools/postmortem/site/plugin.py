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
          search: pagefind            # pagefind | material (Material's search plugin)

Pages are `File.generated(...)` objects: nothing is written into the repository. A file that
cannot be published is logged as a warning naming its path and line, so `mkdocs build --strict`
fails on it while a normal build still publishes the rest.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
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
from .pages import GeneratedPage, Site, SiteOptions, build_site, load_sync_state
from .sanitize import sanitize
from .settings import RAW_HTML_MODES, RESTRICTED_MODES, SEARCH_ENGINES

log = logging.getLogger("mkdocs.plugins.postmortems")

ASSETS = Path(__file__).parent / "assets"
TEMPLATES = Path(__file__).parent / "templates"
ASSET_DIR = "assets/postmortems"
STYLESHEET = f"{ASSET_DIR}/postmortems.css"
SCRIPT = f"{ASSET_DIR}/archive.js"
SEARCH_SCRIPT = f"{ASSET_DIR}/search.js"
JS_CLASS = '<script>document.documentElement.classList.add("pm-js")</script>'


class PostmortemsConfig(Config):
    """The plugin's options; declared as data (a JSON Schema) in settings.SCHEMA."""

    archive = c.Optional(c.Type(str))  # default: `archive` of .postmortem.yml, else postmortems
    preview = c.Type(bool, default=False)
    restricted = c.Choice(RESTRICTED_MODES, default="omit")
    raw_html = c.Choice(RAW_HTML_MODES, default="escape")
    sync_state = c.Type(str, default=".postmortem/issues.json")
    edit_uri = c.Optional(c.Type(str))
    prefix = c.Type(str, default="postmortems")
    archive_page = c.Type(str, default="index.md")
    feed = c.Type(bool, default=True)
    feed_limit = c.Type(int, default=50)
    severities = c.Optional(c.ListOfItems(c.Type(str)))
    # Pagefind: a chunked static index built after the site, fetched a few KB at a time.
    # material: Material's own search plugin (list `- search` in plugins), whose index every
    # page downloads whole (3 MB at 1,000 post-mortems).
    search = c.Choice(SEARCH_ENGINES, default="pagefind")
    # Material asks api.github.com for the repository's stars and forks from the reader's
    # browser; off by default (private repositories, closed networks).
    repository_facts = c.Type(bool, default=False)


# From this many files on, a build parses them in worker processes (MkDocs itself uses one core).
PARALLEL_FROM = 200


Parsed = dict[Path, tuple[tuple[int, int] | None, Document]]


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def load_postmortems(folder: Path, parallel: bool, parsed: Parsed | None = None) -> list[Document]:
    """Parse every post-mortem under folder, in order; in worker processes for big archives.

    With `parsed` (the live preview's documents of the last build, updated here), a file whose
    size and modification time have not changed is not parsed again."""
    paths = list(iter_markdown_files([folder]))
    if parsed is None:
        return load_postmortems_of(paths, parallel)
    stamps = {p: _stamp(p) for p in paths}
    stale = [p for p in paths if p not in parsed or parsed[p][0] != stamps[p]]
    for path, doc in zip(stale, load_postmortems_of(stale, parallel), strict=True):
        parsed[path] = (stamps[path], doc)
    for gone in set(parsed) - set(stamps):
        del parsed[gone]
    return [parsed[p][1] for p in paths]


class _NotKept(list):
    """What the site does not keep of a document (see `load_for_site`): reading it is a bug
    of the site's code, reported as such rather than read as "no blocks"."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def __reduce__(self) -> tuple[Any, ...]:
        return (_NotKept, (self.what,))

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise AttributeError(
            f"the site does not keep {self.what} of a document: keep them in load_for_site"
        )

    __iter__ = __len__ = __getitem__ = __bool__ = __contains__ = __reversed__ = _refuse


def load_for_site(path: Path) -> Document:
    """A document with what the site's pages read: the frontmatter, the text and the
    sections (their tables and list items). The document-wide lists of prose blocks,
    headings and table cells that the wording rules read are dropped: at 300 post-mortems
    they were about 4 MB of a build's peak memory, held until every page was generated."""
    doc = load_document(path)
    doc.prose = _NotKept("prose blocks")
    doc.headings = _NotKept("headings")
    doc.cells = _NotKept("table cells")
    return doc


def load_postmortems_of(paths: list[Path], parallel: bool) -> list[Document]:
    workers = min(4, os.cpu_count() or 1)
    if parallel and workers > 1 and len(paths) >= PARALLEL_FROM:
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                return list(pool.map(load_for_site, paths, chunksize=50))
        except Exception as error:  # noqa: BLE001 - any pool failure: parse here instead
            log.debug(f"postmortems: parallel parsing unavailable ({error}); parsing serially")
    return [load_for_site(p) for p in paths]


def _generate_pages(archive: Path, options: SiteOptions, state: dict[str, Any] | None) -> Site:
    site = build_site(load_postmortems(archive, parallel=True), options, state)
    return replace(site, entries=[])  # the entries hold the documents: not sent back


def generate_in_child(archive: Path, options: SiteOptions, state: dict[str, Any] | None) -> Site:
    """The generated pages of the archive, made in a forked process that sends them back.

    A build's peak memory was the documents and everything made while generating the pages
    from them (about 20 MB at 300 post-mortems), on top of which MkDocs then rendered: Python
    does not give freed memory back to the system when a few objects still live among it. In
    a child process all of it goes when the child ends; this process receives only the pages
    (strings), and renders them with the memory a plain MkDocs build has. The child logs
    nothing (warnings come back in the Site and are logged here, where `--strict` counts
    them); an exception in it is raised here."""
    import pickle

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into MkDocs
        status = 0
        try:
            os.close(read_fd)
            try:
                payload = pickle.dumps((True, _generate_pages(archive, options, state)), 5)
            except BaseException as error:  # noqa: BLE001 - sent to the parent, raised there
                try:
                    payload = pickle.dumps((False, error), 5)
                except Exception:  # noqa: BLE001 - an exception that does not pickle
                    failure = PluginError(f"postmortems: {type(error).__name__}: {error}")
                    payload = pickle.dumps((False, failure), 5)
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        except BaseException:  # noqa: BLE001 - the parent reports a child without a result
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd, "rb") as source:
            payload = source.read()
    except BaseException:
        os.kill(pid, signal.SIGTERM)
        raise
    finally:
        _, status = os.waitpid(pid, 0)
    if not payload:
        raise PluginError(
            "postmortems: the process generating the pages ended without a result "
            f"(wait status {status})"
        )
    ok, value = pickle.loads(payload)
    if not ok:
        raise value
    return value


class _GeneratedFile(File):
    """A generated page that a dirty build (`mkdocs serve --dirty`) renders again only when
    its content differs from what was last built into the site folder."""

    digest = ""
    built = ""

    def is_modified(self) -> bool:
        if self.digest and self.digest == self.built and os.path.isfile(self.abs_dest_path):
            return False
        return super().is_modified()


def _digest(page: GeneratedPage) -> str:
    data = hashlib.sha256(page.template.encode())
    for part in (page.title, page.kind, page.edit_url or "", page.source or ""):
        data.update(b"\0" + part.encode())
    for key, (html, late) in sorted(page.fragments.items()):
        data.update(f"\0{key}\0{late}\0".encode() + html.encode())
    return data.hexdigest()


class PostmortemsPlugin(BasePlugin[PostmortemsConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.edit_urls: dict[str, str] = {}
        self.pages: dict[str, GeneratedPage] = {}
        self.root = Path.cwd()
        self.archive_dir = Path("postmortems")
        self.serving = False
        self.project: dict[str, Any] = {}
        self.dirty = False
        # Kept across the rebuilds of `mkdocs serve` (MkDocs keeps a plugin with on_startup):
        # the documents parsed, and a digest of each generated page as built into a site folder.
        self.parsed: Parsed = {}
        self.digests: dict[str, str] = {}
        self.built: dict[str, dict[str, str]] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # No fork() from inside `mkdocs serve`: its server threads are running.
        self.serving = command == "serve"
        self.dirty = dirty
        if dirty:
            # MkDocs warns on every dirty build, which `strict: true` turns into an abort:
            # `mkdocs serve --dirty` could not start with this project's configuration.
            logging.getLogger("mkdocs.commands.build").addFilter(_dirty_notice_as_info)

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
        self.project = project
        # Our partials (header with the Pagefind box, source link) go after the site's own
        # custom_dir, which can override them like any of Material's.
        position = 1 if config.theme.custom_dir else 0
        config.theme.dirs.insert(position, str(TEMPLATES))
        config.extra["pm_repository_facts"] = self.config.repository_facts
        config.extra_css.append(STYLESHEET)
        config.extra_javascript.append(SCRIPT)
        if self.config.search == "pagefind":
            if "material/search" in config.plugins:
                log.warning(
                    "postmortems: `search: pagefind` is set and Material's search plugin is "
                    "listed too; remove `- search` from plugins (or set `search: material`)"
                )
            config.extra["pm_search"] = "pagefind"
            config.extra_javascript.append(SEARCH_SCRIPT)
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
        self.digests = {}
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
            template_dirs=_override_dirs(config),
            repo_url=config.repo_url or "",
            edit_uri=self._edit_uri(config),
            site_url=config.site_url or "",
            site_name=config.site_name,
            feed_limit=self.config.feed_limit,
            archive_root=self.archive_dir,
            repo_root=self.root,
            project=self.project,
        )
        if self.serving or not hasattr(os, "fork"):
            docs = load_postmortems(
                self.archive_dir,
                parallel=not self.serving,
                parsed=self.parsed if self.serving else None,
            )
            # Only the pages are kept: the documents can be freed before MkDocs renders them.
            site = build_site(docs, options, state)
            del docs
        else:
            site = generate_in_child(self.archive_dir, options, state)
        for warning in site.warnings:
            log.warning(warning)
        for note in site.notes:  # the site is right without issue links: not a failure
            log.info(note)
        for page in site.pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                raise PluginError(
                    f"postmortems: {config.docs_dir}/{page.src_uri} exists, but the plugin "
                    "generates this page; rename the file or set `archive_page` / `prefix`"
                )
            generated = _GeneratedFile.generated(config, page.src_uri, content=page.template)
            if self.dirty:
                generated.digest = self.digests[page.src_uri] = _digest(page)
                generated.built = self.built.get(config.site_dir, {}).get(page.src_uri, "")
            files.append(generated)
            self.pages[page.src_uri] = page
            if page.edit_url:
                self.edit_urls[page.src_uri] = page.edit_url
        if self.config.feed:
            files.append(File.generated(config, "feed.xml", content=site.feed))
        for path, text in site.files.items():
            files.append(File.generated(config, path, content=text))
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
        if generated is None:
            return html
        if generated.kind == "postmortem":
            html = sanitize(html)  # the body is the author's; our fragments go in after this
        return generated.fill(html, late=False)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # The page's last use: its fragments are freed while the next pages are rendered.
        generated = self.pages.pop(page.file.src_uri, None)
        if generated is not None:
            output = generated.fill(output, late=True)
        if generated is None or generated.kind == "postmortem":
            # Pagefind indexes the post-mortems and the hand-written pages, not the listings.
            output = output.replace(
                '<article class="md-content__inner md-typeset">',
                '<article class="md-content__inner md-typeset" data-pagefind-body>',
                1,
            )
        # Before the first paint: the filter form is laid out at once when JavaScript runs
        # (no layout shift), and hidden without it.
        head = JS_CLASS
        if self.config.feed:
            href = _relative_root(page.url) + "feed.xml"
            # rel is a token list: feed readers find "alternate", while Material's script,
            # which takes every link[rel=alternate] for a language version and downloads its
            # sitemap.xml (1.5 MB at 10,000 post-mortems), does not match "alternate feed".
            head += (
                f'<link rel="alternate feed" type="application/atom+xml" title="Post-mortems" '
                f'href="{href}">'
            )
        return output.replace("</head>", head + "</head>", 1)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.dirty:
            self.built[config.site_dir] = dict(self.digests)
        if self.config.search == "pagefind":
            site_dir = Path(config.site_dir)
            if self.serving and (site_dir / "pagefind").is_dir():
                # A live preview's reload does not wait for the search index of the whole site.
                threading.Thread(target=_index_quietly, args=(site_dir,), daemon=True).start()
            else:
                build_search_index(site_dir)

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


def build_search_index(site_dir: Path) -> None:
    """Pagefind's index of the built site, in site_dir/pagefind/ (the binary comes with the
    `pagefind[bin]` wheel)."""
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site_dir),
        "--silent",
        # Heading permalinks (¶) and the edit button are not words of the page.
        "--exclude-selectors",
        ".headerlink, .md-content__button",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PluginError(f"postmortems: the search index could not be built: {error}") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise PluginError(
            "postmortems: the search index could not be built (pagefind exit "
            f"{result.returncode}): {detail[-1] if detail else 'no output'}; install "
            "`pagefind[bin]` or set `search: material`"
        )


def _index_quietly(site_dir: Path) -> None:
    try:
        build_search_index(site_dir)
    except PluginError as error:
        log.info(str(error))


def _dirty_notice_as_info(record: logging.LogRecord) -> bool:
    if record.levelno == logging.WARNING and record.getMessage().startswith(
        "A 'dirty' build is being performed"
    ):
        record.levelno, record.levelname = logging.INFO, "INFO"
    return True


def _override_dirs(config: MkDocsConfig) -> tuple[str, ...]:
    """The site's own template folder (theme.custom_dir), where postmortems/*.html override
    the plugin's templates as Material's partials are overridden."""
    custom = config.theme.custom_dir
    return (str(custom),) if custom else ()


def _relative_root(url: str) -> str:
    depth = url.count("/")
    return "../" * depth if depth else "./"


def _project_settings(root: Path) -> dict[str, Any]:
    """`archive` and `severity_scale` from the project configuration, when there is one."""
    try:
        return dict(load_config(start=root, check_prose=False).values)
    except ConfigError as error:
        raise PluginError(f"postmortems: {error}") from None
