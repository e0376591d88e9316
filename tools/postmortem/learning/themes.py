"""Recurring themes: causes that come back across the published archive.

Two kinds of theme, each a group of at least two published, unrestricted post-mortems:

- a contributing-factor category (`monitoring`, `capacity`, ...) that several incidents name;
- a service on which similar incidents recur: post-mortems that share the service and that
  similarity links (the LE101 criteria), grouped transitively.

Each theme counts its incidents per quarter. A theme *recurred* in a window (the weekly
digest's last 90 days) when an incident other than its first one started in that window.
Drafts, reports in review and restricted reports never take part: not as incidents, not in
the counts, not as similar incidents.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..document import Document
from .factors import Taxonomy, categories_of, taxonomy_for
from .profile import profile_from_document
from .similarity import Match, Settings, build_index, published_other


def quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarters_between(first: str, last: str) -> list[str]:
    """Every quarter from first to last ("2025-Q3" .. "2026-Q1"), inclusive."""
    year, q = int(first[:4]), int(first[-1])
    end = (int(last[:4]), int(last[-1]))
    out = []
    while (year, q) <= end and len(out) < 400:
        out.append(f"{year}-Q{q}")
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


@dataclass(frozen=True)
class Incident:
    doc: Document

    @property
    def started(self) -> date | None:
        return self.doc.started.date() if self.doc.started else None

    @property
    def title(self) -> str:
        return self.doc.title or self.doc.id or self.doc.path.stem


@dataclass
class Theme:
    kind: str  # "category" | "service"
    name: str  # the category's name, or the service
    title: str
    incidents: list[Incident]  # oldest first
    words: tuple[str, ...] = ()  # service themes: words their causes share

    @property
    def per_quarter(self) -> Counter[str]:
        return Counter(quarter(i.started) for i in self.incidents if i.started)

    def recurred_since(self, since: date) -> list[Incident]:
        """The incidents after the first that started on or after `since`."""
        return [i for i in self.incidents[1:] if i.started and i.started >= since]

    @property
    def last(self) -> date | None:
        days = [i.started for i in self.incidents if i.started]
        return max(days) if days else None


@dataclass
class ArchiveLearning:
    """What the site and the digest show: similar incidents of each published post-mortem,
    the recurring themes, and factor categories per quarter."""

    taxonomy: Taxonomy
    similar: dict[str, list[Match]] = field(default_factory=dict)  # by display path
    themes: list[Theme] = field(default_factory=list)
    categories_per_quarter: dict[str, Counter[str]] = field(default_factory=dict)
    categorised: int = 0  # published post-mortems with at least one categorised factor
    published: int = 0


def shareable(doc: Document) -> bool:
    return doc.parsed and doc.status == "published" and not doc.restricted


def _oldest_first(docs: list[Document]) -> list[Incident]:
    return [
        Incident(d)
        for d in sorted(docs, key=lambda d: (d.started.timestamp() if d.started else 0, d.id))
    ]


def learn(docs: Sequence[Document], config_values: dict[str, Any]) -> ArchiveLearning:
    """Similar incidents and recurring themes over the published, unrestricted post-mortems."""
    taxonomy = taxonomy_for(config_values)
    published = [d for d in docs if shareable(d)]
    result = ArchiveLearning(taxonomy, published=len(published))
    by_category: dict[str, list[Document]] = defaultdict(list)
    for doc in published:
        names = categories_of(doc, taxonomy)
        result.categorised += bool(names)
        for name in names:
            by_category[name].append(doc)
            if doc.started:
                result.categories_per_quarter.setdefault(quarter(doc.started.date()), Counter())[
                    name
                ] += 1
    for name in taxonomy.names:
        group = by_category.get(name, [])
        if len(group) >= 2:
            result.themes.append(
                Theme("category", name, taxonomy.title(name), _oldest_first(group))
            )
    if len(published) < 2:
        return result
    rules = config_values.get("rules", {})
    options = rules.get("LE101") if isinstance(rules, dict) else None
    settings = Settings.from_options(options if isinstance(options, dict) else {})
    profiles = [profile_from_document(d) for d in published]
    index = build_index(profiles, settings)
    found = index.neighbours(range(len(profiles)), published_other)
    doc_of = {p.path: d for p, d in zip(profiles, published, strict=True)}
    links: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    words: dict[str, Counter[str]] = defaultdict(Counter)
    for row, matches in found.items():
        query = profiles[row]
        result.similar[query.path] = matches
        for match in matches:
            for service in match.services:
                key = service.strip().lower()
                links[key][query.path].add(match.profile.path)
                links[key][match.profile.path].add(query.path)
                for _field, found_words in match.words:
                    words[key].update(found_words)
    for service, graph in sorted(links.items()):
        seen: set[str] = set()
        for start in sorted(graph):
            if start in seen:
                continue
            group, todo = set(), [start]
            while todo:  # connected component; bounded by the number of post-mortems
                path = todo.pop()
                if path in group:
                    continue
                group.add(path)
                todo.extend(graph[path] - group)
            seen |= group
            docs_in = [doc_of[p] for p in sorted(group)]
            label = next(
                (s for d in docs_in for s in d.services if s.strip().lower() == service), service
            )
            top = tuple(w for w, _ in words[service].most_common(5))
            result.themes.append(Theme("service", label, label, _oldest_first(docs_in), top))
    return result


def recurring_in_window(learning: ArchiveLearning, today: date, days: int = 90) -> list[Theme]:
    """Themes with a recurrence (an incident after their first) in the last `days` days."""
    since = today - timedelta(days=days)
    found = [t for t in learning.themes if t.recurred_since(since)]
    return sorted(found, key=lambda t: (-len(t.recurred_since(since)), t.kind, t.name))


def digest_lines(learning: ArchiveLearning, today: date, days: int = 90) -> list[str]:
    """One sentence per theme that recurred in the window, for the weekly digest."""
    since = today - timedelta(days=days)
    lines = []
    for theme in recurring_in_window(learning, today, days):
        recent = theme.recurred_since(since)
        names = ", ".join(f"{i.doc.id or i.title} ({i.started})" for i in recent)
        what = (
            f"Contributing factor '{theme.title}'"
            if theme.kind == "category"
            else f"Similar incidents on {theme.title}"
            + (f" ({', '.join(theme.words[:3])})" if theme.words else "")
        )
        lines.append(
            f"{what}: {len(theme.incidents)} post-mortems since {theme.incidents[0].started}, "
            f"{len(recent)} in the last {days} days: {names}"
        )
    return lines


def review_themes(
    docs: Sequence[Document], config_values: dict[str, Any], today: date, days: int = 90
) -> list[str]:
    """The weekly digest's recurring themes, from the documents the review read."""
    published = [d for d in docs if shareable(d)]
    if len(published) < 2:
        return []
    return digest_lines(learn(published, config_values), today, days)
