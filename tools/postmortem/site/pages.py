"""The archive's pages, generated from parsed post-mortems: pure functions, no MkDocs, no I/O.

`build_site(documents, options, sync_state)` returns every generated page as Markdown (with
raw HTML where Markdown has no construct: the metadata card, the archive table, the charts),
the Atom feed, and warnings for the files that could not be published. The MkDocs plugin turns
the pages into in-memory `File`s; `postmortem render` writes the same pages to a folder.

Links between generated pages are written relative to the page that holds them, computed here
for the site's URL style (`directory_urls`), because raw HTML links are not rewritten by MkDocs.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..document import Document, split_lines
from . import charts
from . import learning as learning_site
from .markup import escape_body, escape_cell, html_text, md_text, plain
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
RESTRICTED_MODES = ("omit", "summary")
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
    material_tags: bool = True  # Material's tags plugin renders the tag index and chips
    repo_url: str = ""
    edit_uri: str = ""  # relative to repo_url, for source files: e.g. "edit/main/"
    site_url: str = ""
    site_name: str = "Post-mortems"
    feed_limit: int = 50
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
            text = text.replace(_placeholder(key), html.strip())
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

    def page(self, src_uri: str) -> GeneratedPage:
        return next(p for p in self.pages if p.src_uri == src_uri)


# ------------------------------------------------------------------------------------------
# URLs


def slugify(text: str) -> str:
    slug = _UNSAFE_SLUG.sub("-", text.strip().lower()).strip("-.")
    return slug or "untitled"


def tag_slug(tag: str) -> str:
    """The anchor Material's tags plugin gives a tag (`tag:<slug>`), computed the same way."""
    from pymdownx.slugs import slugify as pymdown_slugify

    return pymdown_slugify(case="lower")(tag, "-")


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


def _utc(moment: datetime | None) -> str:
    if moment is None:
        return "–"
    iso = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f'<time datetime="{iso}">{moment:%Y-%m-%d %H:%M} UTC</time>'


def _sev_class(severity: str) -> str:
    return re.sub(r"[^a-z0-9]", "", severity.lower()) or "unknown"


def severity_badge(severity: str) -> str:
    return (
        f'<span class="pm-sev pm-sev--{_sev_class(severity)}">{html_text(severity or "?")}</span>'
    )


def status_badge(status: str) -> str:
    return f'<span class="pm-status pm-status--{_sev_class(status)}">{html_text(status)}</span>'


def _frontmatter(values: dict[str, Any]) -> str:
    # JSON is YAML: one line per value, quoted and escaped, and far faster to write than
    # yaml.safe_dump (this runs once per generated page).
    lines = "".join(f"{key}: {json.dumps(value)}\n" for key, value in values.items())
    return "---\n" + lines + "---\n\n"


def _person(value: str, options: SiteOptions) -> str:
    """A person as written; "@handle" links to the GitHub profile when the repo is on GitHub."""
    match = re.fullmatch(
        r"\s*(?:(?P<name>[^@()]+?)\s*\()?@(?P<handle>[A-Za-z0-9-]{1,39})\)?\s*", value
    )
    if match and options.repo_url.startswith("https://github.com/"):
        label = html_text(value.strip())
        return f'<a href="https://github.com/{match["handle"]}">{label}</a>'
    return html_text(value)


def _counts_html(counts: ActionCounts) -> str:
    if counts.total == 0:
        return '<span class="pm-muted">none</span>'
    parts = [f'<span class="pm-count pm-count--done">{counts.done} done</span>']
    if counts.open:
        parts.append(f'<span class="pm-count pm-count--open">{counts.open} open</span>')
    if counts.overdue:
        parts.append(f'<span class="pm-count pm-count--overdue">{counts.overdue} overdue</span>')
    if counts.wont_do:
        parts.append(f'<span class="pm-count pm-count--wont-do">{counts.wont_do} won\'t do</span>')
    return " ".join(parts)


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
        return html_text(relative_url(target, source, self.options.directory_urls))

    def service_uri(self, service: str) -> str:
        return f"services/{slugify(service)}.md"

    def year_uri(self, year: str) -> str:
        return f"years/{slugify(year)}.md"

    def tag_href(self, tag: str, source: str) -> str:
        return self.link("tags.md", source) + "#tag:" + html_text(tag_slug(html_text(tag)))

    def edit_url(self, entry: Entry) -> str | None:
        if not self.options.repo_url:
            return None
        base = self.options.repo_url.rstrip("/") + "/"
        uri = self.options.edit_uri.strip("/")
        return base + (uri + "/" if uri else "") + entry.source

    # -- the archive -----------------------------------------------------------------------
    def archive(self) -> GeneratedPage:
        here = self.options.archive_page
        published = sum(1 for e in self.entries if e.published)
        lines = [
            _frontmatter({"title": "Post-mortem archive", "hide": ["navigation"]}),
            "# Post-mortem archive\n",
            f'<p class="pm-lede">{published} published post-mortem'
            f"{'s' if published != 1 else ''}"
            + (
                f", {len(self.entries) - published} in preview"
                if len(self.entries) > published
                else ""
            )
            + ". Blameless write-ups of what happened, why, and what changed afterwards. "
            f'<a href="{self.link("statistics.md", here)}">Statistics</a> · '
            f'<a href="{self.link("services/index.md", here)}">By service</a> · '
            f'<a href="{self.link("tags.md", here)}">By tag</a> · '
            f'<a href="{self.link(learning_site.THEMES_PAGE, here)}">Recurring themes</a> · '
            + " ".join(
                f'<a href="{self.link(self.year_uri(y), here)}">{html_text(y)}</a>'
                for y in sorted(self.years, reverse=True)
            )
            + f' · <a href="{self.link("feed.xml", here)}" '
            f'type="application/atom+xml">Feed</a></p>\n',
        ]
        lines.append(self.defer(self.filters() + self.table(self.entries, here, archive=True)))
        return self.make(here, "\n".join(lines), "Post-mortem archive", "archive")

    def filters(self) -> str:
        """Filter controls, hidden until the script runs: without JavaScript, the table and the
        service / tag / year pages are the way in."""

        def select(name: str, label: str, values: list[str]) -> str:
            options = "".join(
                f'<option value="{html_text(v)}">{html_text(v)}</option>' for v in values
            )
            return (
                f'<label>{label} <select data-filter="{name}">'
                f'<option value="">All</option>{options}</select></label>'
            )

        severities = [s for s in self.severities if any(e.doc.severity == s for e in self.entries)]
        return (
            '<form class="pm-filters" hidden data-search-exclude>'
            '<label>Search <input type="search" data-filter="text" placeholder="Title, service, tag"></label>'
            + select("severity", "Severity", severities)
            + select("service", "Service", list(self.services))
            + select("year", "Year", sorted(self.years, reverse=True))
            + select("tag", "Tag", list(self.tags))
            + (
                '<label><select data-filter="status"><option value="">Any status</option>'
                + "".join(f'<option value="{s}">{s}</option>' for s in STATUSES)
                + "</select></label>"
                if self.options.preview
                else ""
            )
            + '<button type="reset">Reset</button>'
            '<output class="pm-filter-count" aria-live="polite"></output></form>\n'
        )

    def table(self, entries: list[Entry], here: str, archive: bool = False) -> str:
        rank = {s: i for i, s in enumerate(self.severities)}
        head = (
            '<th data-sort="date" aria-sort="descending">Date</th><th data-sort="title">Title</th>'
            '<th data-sort="severity">Severity</th><th>Services</th>'
            '<th data-sort="ttr">Time to resolve</th><th data-sort="open">Action items</th>'
        )
        rows = []
        for entry in entries:
            doc = entry.doc
            counts = self.counts[entry.slug]
            ttr = time_to_resolve(doc)
            services = ", ".join(
                f'<a href="{self.link(self.service_uri(s), here)}">{html_text(s)}</a>'
                for s in doc.services
                if s.strip()
            )
            marks = ""
            if not entry.published:
                marks += " " + status_badge(doc.status)
            if entry.summary_only:
                marks += ' <span class="pm-status pm-status--restricted">restricted</span>'
            attrs = {
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
            data = " ".join(f'data-{k}="{html_text(v)}"' for k, v in attrs.items())
            day = f"{doc.started:%Y-%m-%d}" if doc.started else "–"
            rows.append(
                f"<tr {data}><td>{day}</td>"
                f'<td><a href="{self.link(entry.src_uri, here)}">{html_text(entry.title)}</a>{marks}</td>'
                f"<td>{severity_badge(doc.severity)}</td><td>{services}</td>"
                f"<td>{format_duration(ttr)}</td><td>{_counts_html(counts)}</td></tr>"
            )
        empty = (
            '<tr class="pm-empty-row"><td colspan="6">No post-mortems published yet.</td></tr>'
            if not entries
            else ""
        )
        kind = "pm-archive" if archive else "pm-listing"
        return (
            f'<div class="pm-table-wrap"><table class="pm-table {kind}" data-search-exclude>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}{empty}</tbody></table></div>\n"
        )

    # -- one post-mortem -------------------------------------------------------------------
    def postmortem(self, entry: Entry) -> GeneratedPage:
        doc = entry.doc
        here = entry.src_uri
        meta: dict[str, Any] = {"title": html_text(entry.title)}
        if doc.tags and self.options.material_tags:
            meta["tags"] = [html_text(t) for t in doc.tags]
        parts = [_frontmatter(meta), f"# {md_text(entry.title)}\n"]
        if not entry.published:
            parts.append(
                f'<p class="pm-banner pm-banner--{_sev_class(doc.status)}"><strong>'
                f"{html_text(doc.status.capitalize())}:</strong> this post-mortem is not published; "
                "it is shown because this is a preview build.</p>\n"
            )
        if entry.summary_only:
            parts.append(
                '<p class="pm-banner pm-banner--restricted"><strong>Restricted:</strong> only the '
                "summary of this post-mortem is published. Ask the authors for the full report.</p>\n"
            )
        # The card goes in after the search plugin has read the page: its facts are in the
        # title, tags and body already, and indexing ~80 more tags per page costs 30% of a build.
        parts.append(self.defer(self.card(entry)))
        if entry.summary_only:
            parts.append("## Summary\n")
            parts.append(self.body_text(section_markdown(doc, "summary")) + "\n")
        else:
            parts.append(self.body(entry))
            parts.append(learning_site.similar_section(self, entry, self.learning))
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
        rows: list[tuple[str, str]] = [("Severity", severity_badge(doc.severity))]
        if not entry.published:
            rows.append(("Status", status_badge(doc.status)))
        rows += [
            ("Started", _utc(doc.started)),
            ("Detected", _utc(doc.detected)),
            ("Mitigated", _utc(doc.mitigated)),
            ("Resolved", _utc(doc.resolved)),
            ("Time to detect", format_duration(time_to_detect(doc))),
            ("Time to resolve", format_duration(time_to_resolve(doc))),
        ]
        if doc.report_date:
            rows.append(("Report", _utc(doc.report_date)))
        people = [("Authors", doc.authors), ("Reviewers", doc.reviewers)]
        for label, values in people:
            rows.append((label, ", ".join(_person(v, self.options) for v in values) or "–"))
        rows.append(
            (
                "Services",
                ", ".join(
                    f'<a href="{self.link(self.service_uri(s), here)}">{html_text(s)}</a>'
                    for s in doc.services
                    if s.strip()
                )
                or "–",
            )
        )
        rows.append(
            (
                "Tags",
                " ".join(
                    f'<a class="pm-tag" href="{self.tag_href(t, here)}">{html_text(t)}</a>'
                    for t in doc.tags
                    if t.strip()
                )
                or "–",
            )
        )
        if not entry.summary_only:
            rows.append(("Action items", _counts_html(self.counts[entry.slug])))
        related = []
        for doc_id in doc.related:
            target = self.by_id.get(doc_id)
            if target is not None:
                related.append(
                    f'<a href="{self.link(target.src_uri, here)}">{html_text(target.title)}</a>'
                )
            else:
                related.append(html_text(doc_id))
        if related:
            rows.append(("Related", ", ".join(related)))
        edit = self.edit_url(entry)
        source = html_text(entry.source)
        rows.append(
            (
                "Source",
                f'<a href="{html_text(edit)}">{source}</a>' if edit else f"<code>{source}</code>",
            )
        )
        cells = "".join(
            f'<div class="pm-card__item pm-card__item--{_sev_class(label)}"><dt>{label}</dt>'
            f"<dd>{value}</dd></div>"
            for label, value in rows
        )
        return (
            f'<dl class="pm-card pm-card--{_sev_class(doc.severity)}" '
            f'data-severity="{html_text(doc.severity)}">{cells}</dl>\n'
        )

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
    def listing(self, src_uri: str, title: str, entries: list[Entry], intro: str) -> GeneratedPage:
        parts = [
            _frontmatter({"title": html_text(title)}),
            f"# {md_text(title)}\n",
            f'<p class="pm-lede">{intro} '
            f'<a href="{self.link(self.options.archive_page, src_uri)}">All post-mortems</a></p>\n',
            self.defer(self.table(entries, src_uri)),
        ]
        return self.make(src_uri, "\n".join(parts), title, "listing")

    def services_index(self) -> GeneratedPage:
        here = "services/index.md"
        rows = "".join(
            f'<tr><td><a href="{self.link(self.service_uri(s), here)}">{html_text(s)}</a></td>'
            f"<td>{len(es)}</td><td>{es[0].doc.started:%Y-%m-%d}</td></tr>"
            if es[0].doc.started
            else f'<tr><td><a href="{self.link(self.service_uri(s), here)}">{html_text(s)}</a></td>'
            f"<td>{len(es)}</td><td>–</td></tr>"
            for s, es in self.services.items()
        )
        body = (
            _frontmatter({"title": "Services"})
            + "# Services\n\n"
            + '<div class="pm-table-wrap"><table class="pm-table"><thead><tr><th>Service</th>'
            "<th>Post-mortems</th><th>Latest</th></tr></thead><tbody>"
            + (rows or '<tr><td colspan="3">No services yet.</td></tr>')
            + "</tbody></table></div>\n"
        )
        return self.make(here, body, "Services", "services")

    def tags_page(self) -> GeneratedPage:
        parts = [_frontmatter({"title": "Tags"}), "# Tags\n"]
        if self.options.material_tags:
            parts.append("<!-- material/tags -->\n")
        else:
            for tag, entries in self.tags.items():
                parts.append(f"## {md_text(tag)} {{ #tag:{tag_slug(html_text(tag))} }}\n")
                parts.extend(f"- [{md_text(e.title)}]({e.src_uri})" for e in entries)
                parts.append("")
        return self.make("tags.md", "\n".join(parts), "Tags", "tags")

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
        tiles = [
            ("Post-mortems", str(stats.count)),
            ("Median time to detect", detect),
            ("Median time to resolve", resolve),
            ("Action items done", done),
            ("Open action items", str(actions.unfinished)),
            ("Overdue action items", str(actions.overdue)),
        ]
        tile_html = "".join(
            f'<div class="pm-tile"><span class="pm-tile__value">{value}</span>'
            f'<span class="pm-tile__label">{label}</span></div>'
            for label, value in tiles
        )
        month_rows = "".join(
            f"<tr><td>{m}</td>"
            + "".join(f"<td>{stats.per_month[m][s]}</td>" for s in stats.severities)
            + f"<td>{sum(stats.per_month[m].values())}</td></tr>"
            for m in stats.months
        )
        month_head = "".join(f"<th>{html_text(s)}</th>" for s in stats.severities)
        service_rows = "".join(
            f'<tr><td><a href="{self.link(self.service_uri(s), "statistics.md")}">'
            f"{html_text(s)}</a></td><td>{n}</td></tr>"
            for s, n in stats.by_service[:10]
        )
        note = (
            f'<p class="pm-muted">{restricted} restricted post-mortem'
            f"{'s are' if restricted != 1 else ' is'} not counted.</p>\n"
            if restricted
            else ""
        )
        parts = [
            _frontmatter({"title": "Statistics"}),
            "# Statistics\n",
            f'<div class="pm-tiles">{tile_html}</div>\n',
            note,
            "## Incidents per month\n",
            self.defer(charts.incidents_per_month(stats.months, stats.per_month, stats.severities)),
            '<details class="pm-data"><summary>Data: incidents per month</summary>'
            f'<table class="pm-table"><thead><tr><th>Month</th>{month_head}<th>Total</th></tr>'
            f"</thead><tbody>{month_rows}</tbody></table></details>\n",
            "## Time to resolve\n",
            self.defer(
                charts.time_to_resolve(
                    stats.resolve_points, stats.monthly_median_hours, stats.severities
                )
            ),
            "## Action items\n",
            self.defer(charts.action_items(actions, stats.actions_per_month)),
            f'<table class="pm-table"><thead><tr><th>Done</th><th>Open</th><th>Overdue</th>'
            f"<th>Won't do</th><th>Total</th></tr></thead><tbody><tr><td>{actions.done}</td>"
            f"<td>{actions.open}</td><td>{actions.overdue}</td><td>{actions.wont_do}</td>"
            f"<td>{actions.total}</td></tr></tbody></table>\n",
            "## Most affected services\n",
            '<table class="pm-table"><thead><tr><th>Service</th><th>Post-mortems</th></tr>'
            f"</thead><tbody>{service_rows}</tbody></table>\n",
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
    pages = [builder.archive()]
    pages += [builder.postmortem(e) for e in entries]
    pages.append(builder.services_index())
    for service, group in builder.services.items():
        pages.append(
            builder.listing(
                builder.service_uri(service),
                f"Service: {service}",
                group,
                f"{len(group)} post-mortem{'s' if len(group) != 1 else ''} involving this service.",
            )
        )
    for year, group in builder.years.items():
        pages.append(
            builder.listing(
                builder.year_uri(year),
                f"Post-mortems of {year}",
                group,
                f"{len(group)} incident{'s' if len(group) != 1 else ''} that started in {year}.",
            )
        )
    pages.append(builder.tags_page())
    pages.append(builder.statistics())
    pages.append(learning_site.themes_page(builder, builder.learning))
    return Site(
        pages=pages,
        feed=builder.feed(),
        entries=entries,
        warnings=warnings,
        notes=[f"sync state: {p}" for p in problems],
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
