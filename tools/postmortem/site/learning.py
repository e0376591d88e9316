"""Site sections for learning across incidents: similar incidents on each post-mortem page,
the "Recurring themes" page, and the contributing-factor categories on the statistics page.

Everything here reads `learning.themes.ArchiveLearning`, computed from published,
unrestricted post-mortems only: a draft or a restricted report is never listed, counted or
named as similar, even in a preview build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..learning.themes import ArchiveLearning, Theme, quarters_between
from . import charts
from .markup import html_text
from .markup import page_frontmatter as _frontmatter

if TYPE_CHECKING:
    from .pages import Entry, GeneratedPage, _Builder

THEMES_PAGE = "themes.md"
# Dark enough for white text, like the other charts' colours.
CATEGORY_COLOURS = [
    "#1565c0", "#c62828", "#b45309", "#2e7d32", "#6a1b9a", "#00695c", "#5d4037", "#455a64",
    "#ad1457", "#558b2f", "#283593", "#8d6e63",
]  # fmt: skip


def similar_sections(builder: _Builder, entry: Entry) -> list[tuple[str, str]]:
    """The "Similar incidents" section of a published post-mortem page (a `PAGE_SECTIONS`
    hook of pages.py); none for drafts, restricted reports, or when nothing is similar."""
    learning = builder.learning
    if learning is None or not entry.published or entry.summary_only or entry.doc.restricted:
        return []
    matches = learning.similar.get(entry.doc.display_path, [])
    by_path = builder.by_path
    items = []
    for match in matches:
        other = by_path.get(match.profile.path)
        if other is None or not other.published or other.summary_only or other.doc.restricted:
            continue
        listed = (
            " (listed as related)" if other.doc.id and other.doc.id in entry.doc.related else ""
        )
        items.append(
            f'<li><a href="{builder.href(other.src_uri, entry.src_uri)}">'
            f"{html_text(other.title)}</a>{listed} "
            f'<span class="pm-muted">score {match.score:.2f}: {html_text(match.reason())}</span>'
            "</li>"
        )
    if not items:
        return []
    return [("Similar incidents", '<ul class="pm-similar">' + "".join(items) + "</ul>")]


def _incident_links(builder: _Builder, theme: Theme, here: str) -> str:
    by_path = builder.by_path
    links = []
    for incident in theme.incidents:
        entry = by_path.get(incident.doc.display_path)
        day = f"{incident.started}" if incident.started else "–"
        if entry is None:
            continue
        links.append(
            f'<li><time>{day}</time> <a href="{builder.href(entry.src_uri, here)}">'
            f"{html_text(entry.title)}</a></li>"
        )
    return '<ul class="pm-theme__incidents">' + "".join(links) + "</ul>"


def _per_quarter(theme: Theme) -> str:
    """`2025-Q1 1 · 2025-Q3 2`: the quarters with incidents, oldest first."""
    counts = theme.per_quarter
    return " · ".join(f"{html_text(q)}&nbsp;<strong>{counts[q]}</strong>" for q in sorted(counts))


def _theme_table(builder: _Builder, themes: list[Theme], here: str) -> str:
    rows = []
    for theme in themes:
        words = (
            f'<br><span class="pm-muted">shared words: {html_text(", ".join(theme.words))}</span>'
            if theme.words
            else ""
        )
        rows.append(
            f"<tr><td><strong>{html_text(theme.title)}</strong>{words}"
            f"{_incident_links(builder, theme, here)}</td>"
            f"<td>{len(theme.incidents)}</td><td>{_per_quarter(theme)}</td></tr>"
        )
    return (
        '<div class="pm-table-wrap"><table class="pm-table pm-themes" data-search-exclude>'
        "<thead><tr><th>Theme</th><th>Incidents</th><th>Per quarter</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>\n"
    )


def _quarters(learning: ArchiveLearning, themes: list[Theme], last: int = 8) -> list[str]:
    seen = sorted({q for t in themes for q in t.per_quarter} | set(learning.categories_per_quarter))
    if not seen:
        return []
    return quarters_between(seen[0], seen[-1])[-last:]


def themes_page(builder: _Builder, learning: ArchiveLearning | None) -> GeneratedPage:
    here = THEMES_PAGE
    themes = learning.themes if learning is not None else []
    categories = [t for t in themes if t.kind == "category"]
    services = [t for t in themes if t.kind == "service"]
    quarters = _quarters(learning, themes) if learning is not None else []
    parts = [
        _frontmatter({"title": "Recurring themes"}),
        "# Recurring themes\n",
        '<p class="pm-lede">Causes that come back: contributing-factor categories named by '
        "several post-mortems, and services on which similar incidents recur. Published "
        "post-mortems only; counts per quarter"
        + (f" ({quarters[0]} to {quarters[-1]})" if quarters else "")
        + f'. <a href="{builder.href(builder.options.archive_page, here)}">All post-mortems</a>'
        f' · <a href="{builder.href("statistics.md", here)}">Statistics</a></p>\n',
        "## By contributing-factor category\n",
    ]
    if categories:
        parts.append(builder.defer(_theme_table(builder, categories, here)))
    else:
        parts.append(
            '<p class="pm-empty">No category is named by two published post-mortems yet. '
            "Label contributing factors as the reference does (`**Monitoring Gap**: ...`) or "
            "with `<!-- postmortem: category=monitoring -->`.</p>\n"
        )
    parts.append("## By service: similar incidents\n")
    if services:
        parts.append(builder.defer(_theme_table(builder, services, here)))
    else:
        parts.append('<p class="pm-empty">No similar incidents recur on one service yet.</p>\n')
    return builder.make(here, "\n".join(parts), "Recurring themes", "themes")


def category_chart(learning: ArchiveLearning) -> str:
    """Stacked bars: contributing-factor categories per quarter (post-mortems naming each),
    drawn like the statistics page's other charts."""
    quarters = _quarters(learning, [], last=12)
    per = learning.categories_per_quarter
    names = [n for n in learning.taxonomy.names if any(per.get(q, {}).get(n) for q in quarters)]
    if not quarters or not names:
        return (
            '<p class="pm-empty">No categorised contributing factors yet: label them as the '
            "reference does (<code>**Monitoring Gap**: ...</code>) or with "
            "<code>&lt;!-- postmortem: category=monitoring --&gt;</code>.</p>"
        )
    colour = {n: CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i, n in enumerate(names)}
    title = learning.taxonomy.title
    stacks = [[(title(n), per.get(q, {}).get(n, 0), colour[n]) for n in names] for q in quarters]

    def label(i: int, narrow: bool) -> str | None:
        if i % charts._every(len(quarters), narrow):
            return None
        return (
            quarters[i].replace("-", " ")
            if not narrow
            else f"{quarters[i][2:4]} {quarters[i][-2:]}"
        )

    total = sum(sum(per.get(q, {}).values()) for q in quarters)
    name = f"Contributing-factor categories per quarter: {total} over {len(quarters)} quarters"
    legend = [(title(n), colour[n]) for n in names]
    return charts.bar_chart(
        quarters,
        stacks,
        label,
        name,
        "Post-mortems naming each contributing-factor category, per quarter.",
        legend,
    )


def statistics_parts(builder: _Builder, learning: ArchiveLearning | None) -> list[str]:
    """The statistics page's section on contributing-factor categories."""
    if learning is None:
        return []
    quarters = _quarters(learning, [], last=12)
    per = learning.categories_per_quarter
    names = [n for n in learning.taxonomy.names if any(per.get(q, {}).get(n) for q in quarters)]
    rows = "".join(
        f"<tr><td>{html_text(learning.taxonomy.title(n))}</td>"
        + "".join(f"<td>{per.get(q, {}).get(n, 0)}</td>" for q in quarters)
        + "</tr>"
        for n in names
    )
    head = "".join(f"<th>{html_text(q)}</th>" for q in quarters)
    share = (
        f"{learning.categorised} of {learning.published} published post-mortems categorise "
        "at least one contributing factor."
    )
    return [
        "## Contributing-factor categories\n",
        f'<p class="pm-muted">{share} <a href="{builder.href(THEMES_PAGE, "statistics.md")}">'
        "Recurring themes</a></p>\n",
        builder.defer(category_chart(learning)),
        '<details class="pm-data"><summary>Data: categories per quarter</summary>'
        f'<table class="pm-table"><thead><tr><th>Category</th>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></details>\n"
        if rows
        else "",
    ]


def learning_for(entries: list[Entry], config_values: dict[str, Any]) -> ArchiveLearning | None:
    """The archive's learning, or None when the archive has nothing to learn from."""
    from ..learning.themes import learn

    docs = [e.doc for e in entries if e.published and not e.doc.restricted]
    if not docs:
        return None
    return learn(docs, config_values)
