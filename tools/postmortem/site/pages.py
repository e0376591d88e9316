"""The archive's pages, generated from parsed post-mortems: pure functions, no MkDocs, no I/O.

`build_site(documents, options, sync_state)` returns every generated page as Markdown (with
raw HTML where Markdown has no construct: the metadata card, the archive table, the charts),
the Atom feed, archive.json (every archive row, for filtering beyond the first page), and
warnings for the files that could not be published. The MkDocs plugin turns the pages into
in-memory `File`s; `postmortem render` writes the same pages to a folder.

The HTML of the card, the tables, the filters and the statistics' tiles and data tables comes
from Jinja templates (templates/postmortems/, overridable from the site's custom_dir: see
theme.py); the charts are drawn in charts.py. Archive and listings hold PAGE_SIZE rows a page.
Extra sections of a post-mortem page (after its body) are added through PAGE_SECTIONS, extra
pages through EXTRA_PAGES.

Links between generated pages are written relative to the page that holds them, computed here
for the site's URL style (`directory_urls`), because raw HTML links are not rewritten by MkDocs.
"""

from __future__ import annotations

import json
import posixpath
import re
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..document import Document, split_lines
from . import charts, theme
from . import learning as learning_site
from .markup import escape_body, escape_cell, html_text, md_text, plain
from .markup import page_frontmatter as _frontmatter
from .stats import (
    OVERDUE,
    ActionCounts,
    IssueRef,
    action_counts,
    archive_stats,
    format_duration,
    issue_refs,
    item_state,
    severity_order,
    time_to_detect,
    time_to_resolve,
)

STATUSES = ("draft", "in-review", "published")
_UNSAFE_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class SiteOptions:
    """How the archive is published (the plugin's configuration, as plain data)."""

    today: date
    preview: bool = False  # show drafts and in-review post-mortems, marked
    restricted: str = "omit"  # omit | summary
    raw_html: str = "escape"  # escape | keep (only for archives where every author is trusted)
    severities: tuple[str, ...] = ("P1", "P2", "P3", "P4")
    directory_urls: bool = True
    prefix: str = "postmortems"  # folder of the post-mortem pages in the site
    archive_page: str = "index.md"
    repo_url: str = ""
    edit_uri: str = ""  # relative to repo_url, for source files: e.g. "edit/main/"
    site_url: str = ""
    site_name: str = "Post-mortems"
    feed_limit: int = 50
    template_dirs: tuple[str, ...] = ()  # folders whose postmortems/*.html override ours
    archive_root: Path | None = None  # the post-mortems folder, for page paths
    repo_root: Path | None = None  # the repository, for source paths in edit links
    project: dict = field(default_factory=dict)  # project configuration (factor categories, LE101)


@dataclass(frozen=True)
class Entry:
    """A post-mortem that is on the site, and how."""

    doc: Document
    slug: str
    source: str  # repository-relative path of the file
    summary_only: bool

    @property
    def src_uri(self) -> str:
        return f"{self._prefix}/{self.slug}.md" if self._prefix else f"{self.slug}.md"

    _prefix: str = "postmortems"

    @property
    def published(self) -> bool:
        return self.doc.status == "published"

    @property
    def title(self) -> str:
        return self.doc.title or self.doc.id or self.slug


def _placeholder(key: str) -> str:
    return f'<div data-pm-fragment="{key}"></div>'


@dataclass(frozen=True)
class GeneratedPage:
    """A page as Markdown. Large generated HTML (tables, charts, the card) is kept aside as
    fragments behind placeholders: the plugin inserts them into the rendered page, so that
    Python-Markdown does not re-parse HTML we wrote, and the search index does not hold the
    archive table (`late` fragments go in after the search plugin has read the page).
    `markdown` is the self-contained page, for `postmortem render`."""

    src_uri: str
    template: str
    title: str
    kind: str  # archive | postmortem | listing | services | tags | statistics
    edit_url: str | None = None
    source: str | None = None
    fragments: dict[str, tuple[str, bool]] = field(default_factory=dict)  # key: (html, late)

    @property
    def markdown(self) -> str:
        text = self.template
        for key, (html, _) in self.fragments.items():
            text = text.replace(_placeholder(key), re.sub(r"\n\s*\n", "\n", html.strip()))
        return text

    def fill(self, html: str, late: bool) -> str:
        for key, (fragment, is_late) in self.fragments.items():
            if is_late == late:
                html = html.replace(_placeholder(key), fragment)
        return html


@dataclass
class Site:
    pages: list[GeneratedPage]
    feed: str
    entries: list[Entry]
    warnings: list[str] = field(default_factory=list)  # files that could not be published
    notes: list[str] = field(default_factory=list)  # sync state entries left out
    files: dict[str, str] = field(default_factory=dict)  # other generated files: path -> text

    def page(self, src_uri: str) -> GeneratedPage:
        return next(p for p in self.pages if p.src_uri == src_uri)


# ------------------------------------------------------------------------------------------
# URLs


def slugify(text: str) -> str:
    slug = _UNSAFE_SLUG.sub("-", text.strip().lower()).strip("-.")
    return slug or "untitled"


def page_url(src_uri: str, directory_urls: bool) -> str:
    """The URL MkDocs gives a Markdown file, relative to the site root."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/" if directory_urls else stem + ".html"


@lru_cache(maxsize=65536)
def relative_url(target: str, source: str, directory_urls: bool) -> str:
    """Link from the page of `source` (a src_uri) to `target` (a src_uri, or any other file)."""
    to = page_url(target, directory_urls) if target.endswith(".md") else target
    here = page_url(source, directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here)
    rel = posixpath.relpath("/" + to, "/" + base)
    return rel + "/" if to.endswith("/") or not to else rel


# ------------------------------------------------------------------------------------------
# Selecting what is published


def select_entries(docs: list[Document], options: SiteOptions) -> tuple[list[Entry], list[str]]:
    """The post-mortems on the site, newest first, and warnings for files left out."""
    warnings: list[str] = []
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for doc in docs:
        shown = _source_path(doc.path, options)
        if not doc.parsed or not doc.meta:
            first = doc.problems[0] if doc.problems else None
            where = f"{shown}:{first.line}" if first else shown
            reason = first.message if first else "no usable frontmatter"
            warnings.append(f"{where}: not published: {reason}")
            continue
        status = doc.status
        if status not in STATUSES:
            warnings.append(
                f"{shown}:{doc.meta_line('status')}: not published: status "
                f"{status or '(missing)'!r} is not one of {', '.join(STATUSES)}"
            )
            continue
        if status != "published" and not options.preview:
            continue
        if not doc.title:
            warnings.append(f"{shown}:{doc.meta_line('title')}: post-mortem has no title")
        if doc.restricted and options.restricted == "omit":
            continue
        slug = _slug(doc, options)
        if slug in seen:
            warnings.append(
                f"{shown}: not published: its page would replace {seen[slug]} (same name)"
            )
            continue
        seen[slug] = shown
        entries.append(
            Entry(
                doc=doc,
                slug=slug,
                source=shown,
                summary_only=doc.restricted and options.restricted == "summary",
                _prefix=options.prefix.strip("/"),
            )
        )
    ids = defaultdict(list)
    for entry in entries:
        if entry.doc.id:
            ids[entry.doc.id].append(entry.source)
    for doc_id, sources in ids.items():
        if len(sources) > 1:
            warnings.append(f"{sources[1]}: id {doc_id!r} is also used by {sources[0]}")
    entries.sort(key=_newest_first)
    return entries, warnings


def _newest_first(entry: Entry) -> tuple[float, str]:
    started = entry.doc.started
    return (-(started.timestamp()) if started else float("inf"), entry.slug)


def _source_path(path: Path, options: SiteOptions) -> str:
    if options.repo_root is not None:
        try:
            return path.resolve().relative_to(options.repo_root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _slug(doc: Document, options: SiteOptions) -> str:
    relative = Path(doc.path.name)
    if options.archive_root is not None:
        try:
            relative = doc.path.resolve().relative_to(options.archive_root.resolve())
        except ValueError:
            pass
    parts = [slugify(p) for p in relative.with_suffix("").parts]
    return "/".join(parts)


# ------------------------------------------------------------------------------------------
# Formatting helpers


PAGE_SIZE = 100  # rows a page of the archive and of a listing


@dataclass(frozen=True)
class Moment:
    iso: str  # 2025-05-06T08:00:00Z
    text: str  # 2025-05-06 08:00 UTC


@dataclass(frozen=True)
class Person:
    name: str
    href: str | None = None


@dataclass(frozen=True)
class CardView:
    """What the metadata card (templates/postmortems/card.html) shows."""

    severity: str
    severity_class: str
    status: str | None  # only when not published (preview builds)
    status_class: str
    times: list[tuple[str, Moment | None]]
    time_to_detect: str
    time_to_resolve: str
    authors: list[Person]
    reviewers: list[Person]
    services: list[tuple[str, str]]  # (name, href)
    tags: list[tuple[str, str]]
    counts: ActionCounts | None  # None for a restricted summary
    related: list[tuple[str, str]]  # (title, href) of related post-mortems on the site
    related_hidden: int  # related ids not on the site (drafts, restricted, unknown)
    source: str
    edit_url: str | None


# Extra sections of a post-mortem page, after its body: functions (builder, entry) -> a list of
# (title, Markdown) pairs. A feature that adds a section (e.g. similar incidents) appends here.
PAGE_SECTIONS: list[Callable[[Any, Entry], list[tuple[str, str]]]] = []
PAGE_SECTIONS.append(learning_site.similar_sections)
# Extra pages of the site: functions (builder) -> a list of GeneratedPage, made with
# builder.make(...) like the pages here.
EXTRA_PAGES: list[Callable[[Any], list[GeneratedPage]]] = []


def _moment(moment: datetime | None) -> Moment | None:
    if moment is None:
        return None
    return Moment(
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), f"{moment:%Y-%m-%d %H:%M} UTC"
    )


def _chunks(entries: list[Entry]) -> list[list[Entry]]:
    return [entries[i : i + PAGE_SIZE] for i in range(0, len(entries), PAGE_SIZE)] or [[]]


def _numbered(src_uri: str, number: int) -> str:
    """The src_uri of page `number` of a paged listing: services/cdn.md -> services/cdn/2.md,
    index.md -> archive/2.md."""
    stem = src_uri[:-3]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[:-5] + "archive"
    return f"{stem}/{number}.md"


def _data_uri(archive_page: str) -> str:
    return posixpath.join(posixpath.dirname(archive_page), "archive.json")


def _pager(
    uris: list[str], number: int, total: int, link: Callable[[str, str], str]
) -> dict[str, Any] | None:
    if len(uris) < 2:
        return None
    here = uris[number - 1]
    return {
        "number": number,
        "count": len(uris),
        "previous": link(uris[number - 2], here) if number > 1 else None,
        "next": link(uris[number], here) if number < len(uris) else None,
        "first": (number - 1) * PAGE_SIZE + 1,
        "last": min(number * PAGE_SIZE, total),
        "total": total,
    }


def _sev_class(severity: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (severity or "").lower()) or "unknown"


def _person(value: str, options: SiteOptions) -> Person:
    """A person as written; "@handle" links to the GitHub profile when the repo is on GitHub."""
    match = re.fullmatch(
        r"\s*(?:(?P<name>[^@()]+?)\s*\()?@(?P<handle>[A-Za-z0-9-]{1,39})\)?\s*", value
    )
    if match and options.repo_url.startswith("https://github.com/"):
        return Person(value.strip(), f"https://github.com/{match['handle']}")
    return Person(value)


def _source_lines(doc: Document, first: int, last: int) -> list[str]:
    """File lines first..last (1-based, inclusive)."""
    lines = split_lines(doc.text)
    return lines[max(first, 1) - 1 : max(last, 0)]


def section_markdown(doc: Document, key: str) -> str:
    section = doc.section(key)
    if section is None:
        return ""
    return "\n".join(_source_lines(doc, section.line + 1, section.end_line)).strip()


# ------------------------------------------------------------------------------------------
# Pages


class _Builder:
    def __init__(self, entries: list[Entry], options: SiteOptions, refs: dict[str, IssueRef]):
        self.entries = entries
        self.options = options
        self.refs = refs
        self.by_id = {e.doc.id: e for e in entries if e.doc.id}
        self.by_path = {e.doc.display_path: e for e in entries}
        self.counts = {e.slug: action_counts(e.doc, refs, options.today) for e in entries}
        self.severities = severity_order([e.doc for e in entries], options.severities)
        self.services = self._group(lambda e: e.doc.services)
        self.tags = self._group(lambda e: e.doc.tags)
        self.years = self._group(lambda e: [str(e.doc.started.year)] if e.doc.started else [])
        self._pending: dict[str, tuple[str, bool]] = {}
        self.learning = learning_site.learning_for(entries, options.project)

    def defer(self, html: str, late: bool = True) -> str:
        """A placeholder for a fragment of the page being built (see GeneratedPage)."""
        key = f"f{len(self._pending)}"
        self._pending[key] = (html, late)
        return "\n" + _placeholder(key) + "\n"

    def make(
        self, src_uri: str, template: str, title: str, kind: str, **extra: Any
    ) -> GeneratedPage:
        fragments, self._pending = self._pending, {}
        return GeneratedPage(src_uri, template, title, kind, fragments=fragments, **extra)

    def _group(self, keys: Any) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            for key in dict.fromkeys(keys(entry)):
                if key.strip():
                    groups[key.strip()].append(entry)
        return dict(sorted(groups.items(), key=lambda kv: kv[0].lower()))

    # -- links -----------------------------------------------------------------------------
    def link(self, target: str, source: str) -> str:
        """A relative URL (not escaped: templates escape, f-strings use `href`)."""
        return relative_url(target, source, self.options.directory_urls)

    def href(self, target: str, source: str) -> str:
        return html_text(self.link(target, source))

    def service_uri(self, service: str) -> str:
        return f"services/{slugify(service)}.md"

    def year_uri(self, year: str) -> str:
        return f"years/{slugify(year)}.md"

    def tag_uri(self, tag: str) -> str:
        return f"tags/{slugify(tag)}.md"

    def edit_url(self, entry: Entry) -> str | None:
        if not self.options.repo_url:
            return None
        base = self.options.repo_url.rstrip("/") + "/"
        uri = self.options.edit_uri.strip("/")
        return base + (uri + "/" if uri else "") + entry.source

    def render(self, name: str, **context: Any) -> str:
        return theme.render(self.options.template_dirs, name, **context)

    # -- the archive -----------------------------------------------------------------------
    def archive(self) -> list[GeneratedPage]:
        """The archive: the newest PAGE_SIZE post-mortems on the first page, older ones on
        numbered pages; with JavaScript, filtering and sorting load every row from
        archive.json."""
        here = self.options.archive_page
        published = sum(1 for e in self.entries if e.published)
        chunks = _chunks(self.entries)
        uris = [here] + [_numbered(here, n) for n in range(2, len(chunks) + 1)]
        data_uri = _data_uri(here) if len(chunks) > 1 else None
        pages = []
        for number, (uri, chunk) in enumerate(zip(uris, chunks, strict=True), start=1):
            lede = (
                f'<p class="pm-lede">{published} published post-mortem'
                f"{'s' if published != 1 else ''}"
                + (
                    f", {len(self.entries) - published} in preview"
                    if len(self.entries) > published
                    else ""
                )
                + ". Blameless write-ups of what happened, why, and what changed afterwards. "
                f'<a href="{self.href("statistics.md", uri)}">Statistics</a> · '
                f'<a href="{self.href("services/index.md", uri)}">By service</a> · '
                f'<a href="{self.href("tags.md", uri)}">By tag</a> · '
                f'<a href="{self.href(learning_site.THEMES_PAGE, uri)}">Recurring themes</a> · '
                + " ".join(
                    f'<a href="{self.href(self.year_uri(y), uri)}">{html_text(y)}</a>'
                    for y in sorted(self.years, reverse=True)
                )
                + f' · <a href="{self.href("feed.xml", uri)}" '
                f'type="application/atom+xml">Feed</a></p>\n'
            )
            title = "Post-mortem archive" + (f", page {number}" if number > 1 else "")
            html = (self.filters() if number == 1 else "") + self.table(
                chunk,
                uri,
                kind="pm-archive",
                pager=_pager(uris, number, len(self.entries), self.link),
                data_url=self.link(data_uri, uri) if data_uri and number == 1 else None,
                sortable=number == 1,
            )
            meta = {"title": title, "hide": ["navigation", "toc"]}
            body = _frontmatter(meta) + f"# {title}\n\n" + lede + self.defer(html)
            pages.append(self.make(uri, body, title, "archive"))
        return pages

    def archive_data(self) -> tuple[str, str] | None:
        """archive.json: every row of the archive, for filtering and sorting in the browser;
        only written when the archive has more than one page."""
        here = self.options.archive_page
        if len(self.entries) <= PAGE_SIZE:
            return None
        rank = {s: i for i, s in enumerate(self.severities)}
        rows = []
        for entry in self.entries:
            doc = entry.doc
            counts = self.counts[entry.slug]
            ttr = time_to_resolve(doc)
            rows.append(
                [
                    doc.started.strftime("%Y-%m-%dT%H:%M") if doc.started else "",
                    entry.title,
                    self.link(entry.src_uri, here),
                    doc.severity,
                    rank.get(doc.severity or "unknown", len(rank)),
                    [s for s in doc.services if s.strip()],
                    [t for t in doc.tags if t.strip()],
                    doc.status,
                    int(ttr.total_seconds() // 60) if ttr else -1,
                    format_duration(ttr),
                    [counts.done, counts.open, counts.overdue, counts.wont_do],
                    entry.summary_only,
                ]
            )
        services = {s: self.link(self.service_uri(s), here) for s in self.services}
        data = {
            "fields": "date title href severity rank services tags status ttr ttr_text counts "
            "restricted".split(),
            "services": services,
            "rows": rows,
        }
        return _data_uri(here), json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    def filters(self) -> str:
        severities = [s for s in self.severities if any(e.doc.severity == s for e in self.entries)]
        selects = [
            ("severity", "Severity", severities),
            ("service", "Service", list(self.services)),
            ("year", "Year", sorted(self.years, reverse=True)),
            ("tag", "Tag", list(self.tags)),
        ]
        if self.options.preview:
            selects.append(("status", "Status", list(STATUSES)))
        return self.render("filters.html", selects=selects)

    def table(
        self,
        entries: list[Entry],
        here: str,
        kind: str = "pm-listing",
        pager: dict[str, Any] | None = None,
        data_url: str | None = None,
        sortable: bool = True,
    ) -> str:
        rank = {s: i for i, s in enumerate(self.severities)}
        rows = []
        for entry in entries:
            doc = entry.doc
            counts = self.counts[entry.slug]
            ttr = time_to_resolve(doc)
            data = {
                "date": doc.started.strftime("%Y-%m-%dT%H:%M") if doc.started else "",
                "title": entry.title.lower(),
                "severity": doc.severity,
                "severity-rank": rank.get(doc.severity or "unknown", len(rank)),
                "services": "|".join(doc.services),
                "tags": "|".join(doc.tags),
                "year": str(doc.started.year) if doc.started else "",
                "status": doc.status,
                "ttr": int(ttr.total_seconds() // 60) if ttr else -1,
                "open": counts.overdue * 10000 + counts.unfinished,
            }
            rows.append(
                {
                    "data": list(data.items()),
                    "day": f"{doc.started:%Y-%m-%d}" if doc.started else "–",
                    "href": self.link(entry.src_uri, here),
                    "title": entry.title,
                    "status": None if entry.published else doc.status,
                    "status_class": _sev_class(doc.status),
                    "restricted": entry.summary_only,
                    "severity": doc.severity,
                    "severity_class": _sev_class(doc.severity),
                    "services": [
                        (s, self.link(self.service_uri(s), here)) for s in doc.services if s.strip()
                    ],
                    "ttr": format_duration(ttr),
                    "counts": counts,
                }
            )
        html = self.render(
            "table.html",
            kind=kind,
            rows=rows,
            pager=pager,
            data_url=data_url,
            total=pager["total"] if pager else len(entries),
        )
        if not sortable:
            html = html.replace(" data-sort=", " data-nosort=")
        return html

    # -- one post-mortem -------------------------------------------------------------------
    def postmortem(self, entry: Entry) -> GeneratedPage:
        doc = entry.doc
        here = entry.src_uri
        # Tags are shown once, in the card; the tag pages are generated here (tags/<tag>.md).
        parts = [_frontmatter({"title": html_text(entry.title)}), f"# {md_text(entry.title)}\n"]
        if not entry.published:
            parts.append(
                self.render(
                    "banner.html",
                    kind="status",
                    status=doc.status,
                    status_class=_sev_class(doc.status),
                )
            )
        if entry.summary_only:
            parts.append(self.render("banner.html", kind="restricted", status="", status_class=""))
        # The card goes in after the page is rendered: its facts are in the title and body
        # already, and Python-Markdown need not re-parse HTML we wrote.
        parts.append(self.defer(self.card(entry)))
        if entry.summary_only:
            parts.append("## Summary\n")
            parts.append(self.body_text(section_markdown(doc, "summary")) + "\n")
        else:
            parts.append(self.body(entry))
        # Extra sections after the body (e.g. "Similar incidents"): see PAGE_SECTIONS.
        for section in PAGE_SECTIONS:
            for title, markdown in section(self, entry):
                parts.append(f"## {md_text(title)}\n\n{markdown}\n")
        return self.make(
            here,
            "\n".join(parts),
            entry.title,
            "postmortem",
            edit_url=self.edit_url(entry),
            source=entry.source,
        )

    def body_text(self, markdown: str) -> str:
        return markdown if self.options.raw_html == "keep" else escape_body(markdown)

    def card(self, entry: Entry) -> str:
        doc = entry.doc
        here = entry.src_uri
        related: list[tuple[str, str]] = []
        hidden = 0
        for doc_id in dict.fromkeys(doc.related):
            target = self.by_id.get(doc_id)
            if target is not None and target is not entry:
                related.append((target.title, self.link(target.src_uri, here)))
            elif target is None:
                # A draft, a restricted report or an id that is not on the site: its id is
                # not shown (it can name the incident), only that one exists.
                hidden += 1
        view = CardView(
            severity=doc.severity,
            severity_class=_sev_class(doc.severity),
            status=None if entry.published else doc.status,
            status_class=_sev_class(doc.status),
            times=[
                ("Started", _moment(doc.started)),
                ("Detected", _moment(doc.detected)),
                ("Mitigated", _moment(doc.mitigated)),
                ("Resolved", _moment(doc.resolved)),
            ]
            + ([("Report", _moment(doc.report_date))] if doc.report_date else []),
            time_to_detect=format_duration(time_to_detect(doc)),
            time_to_resolve=format_duration(time_to_resolve(doc)),
            authors=[_person(v, self.options) for v in doc.authors],
            reviewers=[_person(v, self.options) for v in doc.reviewers],
            services=[(s, self.link(self.service_uri(s), here)) for s in doc.services if s.strip()],
            tags=[(t, self.link(self.tag_uri(t), here)) for t in doc.tags if t.strip()],
            counts=None if entry.summary_only else self.counts[entry.slug],
            related=related,
            related_hidden=hidden,
            source=entry.source,
            edit_url=self.edit_url(entry),
        )
        return self.render("card.html", pm=view)

    def body(self, entry: Entry) -> str:
        """The post-mortem's own Markdown, without its title, with the action-item table
        replaced by one that shows each item's state and issue."""
        doc = entry.doc
        lines = split_lines(doc.text)
        start = doc.body_line - 1 if doc.meta else 0
        skip: set[int] = set()  # 0-based line indexes to drop
        replace: dict[int, str] = {}
        for section in doc.sections:
            if section.level == 1:
                skip.add(section.line - 1)
                if section.line < len(lines) and re.fullmatch(r"=+\s*", lines[section.line]):
                    skip.add(section.line)
        actions = doc.section("action items")
        if actions is not None and actions.tables and doc.action_items:
            table = actions.tables[0]
            last = table.rows[-1].line if table.rows else table.line + 1
            skip.update(range(table.line - 1, last))
            replace[table.line - 1] = self.action_table(entry)
        out: list[str] = []
        chunk: list[str] = []

        def flush() -> None:
            if chunk:
                out.append(self.body_text("\n".join(chunk)))
                chunk.clear()

        for index in range(start, len(lines)):
            if index in replace:
                flush()
                out.append(replace[index])
            elif index not in skip:
                chunk.append(lines[index])
        flush()
        return "\n".join(out).strip() + "\n"

    def action_table(self, entry: Entry) -> str:
        doc = entry.doc
        rows = [
            "| ID | Action | Owner | Deadline | Priority | State |",
            "|----|--------|-------|----------|----------|-------|",
        ]
        for item in doc.action_items:
            ref = self.refs.get(item.key(doc.id))
            state = item_state(item, ref, self.options.today)
            badge = f'<span class="pm-state pm-state--{state}">{state}</span>'
            if ref is not None:
                issue = (
                    f'<a class="pm-issue pm-issue--{ref.state}" href="{html_text(ref.url)}" '
                    f'title="GitHub issue: {html_text(ref.label)}">#{ref.number}</a>'
                )
            elif item.issue:
                issue = escape_cell(item.issue)
            else:
                issue = ""
            deadline = escape_cell(item.deadline_text)
            if state == OVERDUE:
                deadline = f'<strong class="pm-overdue">{deadline}</strong>'
            rows.append(
                "| "
                + " | ".join(
                    [
                        escape_cell(item.id),
                        escape_cell(item.action),
                        escape_cell(item.owner),
                        deadline,
                        escape_cell(item.priority),
                        f"{badge} {issue}".strip(),
                    ]
                )
                + " |"
            )
        return "\n".join(rows) + "\n"

    # -- listings --------------------------------------------------------------------------
    def listing(
        self, src_uri: str, title: str, entries: list[Entry], intro: str
    ) -> list[GeneratedPage]:
        """A listing (service, year, tag), newest first, PAGE_SIZE rows a page."""
        chunks = _chunks(entries)
        uris = [src_uri] + [_numbered(src_uri, n) for n in range(2, len(chunks) + 1)]
        pages = []
        for number, (uri, chunk) in enumerate(zip(uris, chunks, strict=True), start=1):
            heading = title + (f", page {number}" if number > 1 else "")
            parts = [
                _frontmatter({"title": html_text(heading), "hide": ["toc"]}),
                f"# {md_text(heading)}\n",
                f'<p class="pm-lede">{intro} <a href="'
                f'{self.href(self.options.archive_page, uri)}">All post-mortems</a></p>\n',
                self.defer(
                    self.table(
                        chunk,
                        uri,
                        pager=_pager(uris, number, len(entries), self.link),
                        sortable=len(chunks) == 1,
                    )
                ),
            ]
            pages.append(self.make(uri, "\n".join(parts), heading, "listing"))
        return pages

    def index_page(
        self, src_uri: str, title: str, heading: str, groups: dict[str, list[Entry]], uri_of: Any
    ) -> GeneratedPage:
        rows = [
            (
                name,
                self.link(uri_of(name), src_uri),
                len(group),
                f"{group[0].doc.started:%Y-%m-%d}" if group[0].doc.started else "–",
            )
            for name, group in groups.items()
        ]
        body = (
            _frontmatter({"title": title, "hide": ["toc"]})
            + f"# {title}\n\n"
            + self.defer(self.render("index-table.html", heading=heading, rows=rows))
        )
        return self.make(src_uri, body, title, "index")

    def statistics(self) -> GeneratedPage:
        docs = [e.doc for e in self.entries if not e.summary_only]
        restricted = len(self.entries) - len(docs)
        stats = archive_stats(docs, self.refs, self.options.today, self.options.severities)
        actions = stats.actions
        done = f"{actions.done / actions.total * 100:.0f}%" if actions.total else "–"
        detect = (
            format_duration_minutes(stats.median_detect_minutes)
            if stats.median_detect_minutes is not None
            else "–"
        )
        resolve = (
            format_duration_minutes(stats.median_resolve_hours * 60)
            if stats.median_resolve_hours is not None
            else "–"
        )
        # The tiles count action items the way the action-item table below does: "open" is
        # open and not past its deadline, "overdue" is open and past it.
        tiles = [
            ("Post-mortems", str(stats.count)),
            ("Median time to detect", detect),
            ("Median time to resolve", resolve),
            ("Action items done", done),
            ("Open action items", str(actions.open)),
            ("Overdue action items", str(actions.overdue)),
        ]
        present = [s for s in stats.severities if stats.by_severity.get(s)]
        month_rows = [
            [m, *(stats.per_month[m][s] for s in present), sum(stats.per_month[m].values())]
            for m in stats.months
        ]
        resolve_rows = [
            [m, len(hours), f"{statistics.median(hours):.1f}", f"{max(hours):.1f}"]
            for m, hours in sorted(stats.resolve_hours_by_month.items())
        ]
        detect_rows = [
            [
                bucket,
                *(stats.detect_buckets[bucket].get(s, 0) for s in present),
                sum(stats.detect_buckets[bucket].values()),
            ]
            for bucket in stats.detect_buckets
        ]
        action_rows = [
            [m, c.done, c.open, c.overdue, c.wont_do, c.total]
            for m, c in stats.actions_per_month.items()
            if c.total
        ]
        service_rows = [
            (s, self.link(self.service_uri(s), "statistics.md"), n)
            for s, n in stats.by_service[:10]
        ]

        def table(caption: str, head: list[str], rows: list) -> str:
            return self.defer(self.render("data-table.html", caption=caption, head=head, rows=rows))

        parts = [
            _frontmatter({"title": "Statistics"}),
            "# Statistics\n",
            self.defer(self.render("tiles.html", tiles=tiles, restricted=restricted), late=False),
            "## Incidents per month\n",
            self.defer(charts.incidents_per_month(stats.months, stats.per_month, present)),
            table("incidents per month", ["Month", *present, "Total"], month_rows),
            "## Time to detect\n",
            self.defer(charts.time_to_detect(stats.detect_buckets, present)),
            table("time to detect", ["Time to detect", *present, "Total"], detect_rows),
            "## Time to resolve\n",
            self.defer(
                charts.time_to_resolve(stats.resolve_points, stats.monthly_median_hours, present)
            ),
            table(
                "time to resolve by month of the incident",
                ["Month", "Resolved incidents", "Median (h)", "Longest (h)"],
                resolve_rows,
            ),
            "## Action items\n",
            self.defer(charts.action_items(actions, stats.actions_per_month)),
            table(
                "action items by month of the incident",
                ["Month", "Done", "Open", "Overdue", "Won't do", "Total"],
                action_rows
                + [
                    [
                        "All",
                        actions.done,
                        actions.open,
                        actions.overdue,
                        actions.wont_do,
                        actions.total,
                    ]
                ],
            ),
            "## Most affected services\n",
            self.defer(
                self.render(
                    "index-table.html",
                    heading="Service",
                    rows=[(s, href, n, "") for s, href, n in service_rows],
                )
                .replace("<th>Latest</th>", "")
                .replace('<td data-label="Latest"></td>', "")
            ),
        ]
        parts += learning_site.statistics_parts(self, self.learning)
        return self.make("statistics.md", "\n".join(parts), "Statistics", "statistics")

    # -- the feed --------------------------------------------------------------------------
    def feed(self) -> str:
        """Atom feed of published post-mortems, newest publication first."""
        base = self.options.site_url.rstrip("/") + "/" if self.options.site_url else ""
        published = [e for e in self.entries if e.published]
        published.sort(
            key=lambda e: _published_at(e.doc) or datetime.min.replace(tzinfo=UTC), reverse=True
        )
        published = published[: self.options.feed_limit]
        updated = max(
            (_published_at(e.doc) for e in published if _published_at(e.doc)), default=None
        )
        name = html_text(self.options.site_name)
        out = [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<feed xmlns="http://www.w3.org/2005/Atom">',
            f"<title>{name}</title>",
            "<subtitle>Newly published post-mortems</subtitle>",
            f"<id>{html_text(base or 'urn:postmortems:' + slugify(self.options.site_name))}</id>",
            f'<link rel="alternate" type="text/html" href="{html_text(base or "./")}"/>',
            f'<link rel="self" type="application/atom+xml" href="{html_text(base)}feed.xml"/>',
            f"<updated>{_atom_time(updated or datetime(1970, 1, 1, tzinfo=UTC))}</updated>",
            "<generator>postmortem-as-code</generator>",
        ]
        for entry in published:
            doc = entry.doc
            url = base + page_url(entry.src_uri, self.options.directory_urls)
            when = _published_at(doc) or datetime(1970, 1, 1, tzinfo=UTC)
            authors = (
                "".join(f"<author><name>{html_text(a)}</name></author>" for a in doc.authors)
                or f"<author><name>{name}</name></author>"
            )
            categories = "".join(
                f'<category term="{html_text(c)}"/>'
                for c in dict.fromkeys([doc.severity, *doc.services, *doc.tags])
                if c
            )
            summary = plain(section_markdown(doc, "summary"))
            out.append(
                "<entry>"
                f"<title>{html_text(entry.title)}</title>"
                f'<link rel="alternate" type="text/html" href="{html_text(url)}"/>'
                f"<id>{html_text(url if base else 'urn:postmortem:' + (doc.id or entry.slug))}</id>"
                f"<published>{_atom_time(when)}</published><updated>{_atom_time(when)}</updated>"
                f"{authors}{categories}<summary>{html_text(summary)}</summary></entry>"
            )
        out.append("</feed>")
        return "\n".join(out) + "\n"


def _published_at(doc: Document) -> datetime | None:
    return doc.report_date or doc.resolved or doc.created or doc.started


def _atom_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_duration_minutes(minutes: float) -> str:
    return format_duration(timedelta(minutes=minutes))


# ------------------------------------------------------------------------------------------


def build_site(
    docs: list[Document], options: SiteOptions, sync_state: dict[str, Any] | None = None
) -> Site:
    """Every generated page of the archive, the feed, and what could not be published."""
    entries, warnings = select_entries(docs, options)
    refs, problems = issue_refs(sync_state)
    builder = _Builder(entries, options, refs)
    pages = builder.archive()
    pages += [builder.postmortem(e) for e in entries]
    pages.append(
        builder.index_page(
            "services/index.md", "Services", "Service", builder.services, builder.service_uri
        )
    )
    for service, group in builder.services.items():
        pages += builder.listing(
            builder.service_uri(service),
            f"Service: {service}",
            group,
            f"{len(group)} post-mortem{'s' if len(group) != 1 else ''} involving this service.",
        )
    for year, group in builder.years.items():
        pages += builder.listing(
            builder.year_uri(year),
            f"Post-mortems of {year}",
            group,
            f"{len(group)} incident{'s' if len(group) != 1 else ''} that started in {year}.",
        )
    pages.append(builder.index_page("tags.md", "Tags", "Tag", builder.tags, builder.tag_uri))
    for tag, group in builder.tags.items():
        pages += builder.listing(
            builder.tag_uri(tag),
            f"Tag: {tag}",
            group,
            f"{len(group)} post-mortem{'s' if len(group) != 1 else ''} tagged {html_text(tag)}.",
        )
    pages.append(builder.statistics())
    pages.append(learning_site.themes_page(builder, builder.learning))
    for extra in EXTRA_PAGES:
        pages += extra(builder)
    files = {}
    data = builder.archive_data()
    if data is not None:
        files[data[0]] = data[1]
    return Site(
        pages=pages,
        feed=builder.feed(),
        entries=entries,
        warnings=warnings,
        notes=[f"sync state: {p}" for p in problems],
        files=files,
    )


def load_sync_state(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """Parse the sync state file's text; (None, problem) when it is not usable JSON."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        return None, f"not valid JSON: {error}"
    if not isinstance(value, dict):
        return None, "not a JSON object"
    return value, None
