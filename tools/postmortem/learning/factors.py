"""Contributing factors and their categories (the taxonomy in `data/factor_categories.yml`).

A factor is one list item of the Contributing Factors section. Its category comes from its
bold label as the reference report writes it (`**Monitoring Gap**: ...`) or from an explicit
marker (`<!-- postmortem: category=monitoring -->`); never from guessing at its words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..document import Document, split_lines

# libyaml when it is there: the data files are read at import, on every run.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DATA = Path(__file__).resolve().parent.parent / "data" / "factor_categories.yml"

# `**Monitoring Gap**: text`, `**Monitoring gap:** text`, `__Testing__ - text`
_LABEL = re.compile(
    r"^\s*(?:\*\*|__)(?P<label>[^*_\n]{1,60}?)\s*[:.\-–]?\s*(?:\*\*|__)\s*(?:[:.\-–]\s*)?"
)
MARKER = re.compile(
    r"<!--\s*postmortem:\s*category\s*=\s*(?P<names>[^>\n]{0,200}?)\s*-->",
    re.IGNORECASE | re.DOTALL,
)
_SUFFIX = re.compile(r"\s+(?:gaps?|issues?|problems?|failures?|weakness(?:es)?)$")
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,40}$")


def normalise_label(text: str) -> str:
    """`**Monitoring Gap**` → `monitoring`; `Capacity Planning:` → `capacity planning`."""
    words = re.sub(r"[^\w\s/-]", " ", text.lower()).replace("/", " ")
    words = " ".join(words.split())
    return _SUFFIX.sub("", words).strip()


@dataclass(frozen=True)
class Category:
    name: str
    title: str
    labels: frozenset[str]


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.categories]

    def title(self, name: str) -> str:
        for category in self.categories:
            if category.name == name:
                return category.title
        return name

    def by_label(self, label: str) -> str | None:
        key = normalise_label(label)
        for category in self.categories:
            if key == category.name or key == category.name.replace("-", " "):
                return category.name
            if key in category.labels:
                return category.name
        return None

    def has(self, name: str) -> bool:
        return any(c.name == name for c in self.categories)


class TaxonomyError(ValueError):
    """A `factor_categories` setting that cannot be used."""


def build_taxonomy(raw: Any) -> Taxonomy:
    """A taxonomy from `{name: [labels]}` or `{name: {title: ..., labels: [...]}}`."""
    if not isinstance(raw, dict) or not raw:
        raise TaxonomyError("must be a mapping of category name to its labels")
    categories = []
    for name, value in raw.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise TaxonomyError(
                f"category name `{name}` must be lower-case letters, digits and dashes"
            )
        title = name.replace("-", " ").capitalize()
        labels: Any = value
        if isinstance(value, dict):
            unknown = set(value) - {"title", "labels"}
            if unknown:
                raise TaxonomyError(
                    f"category `{name}`: unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                    "(known: title, labels)"
                )
            title = value.get("title", title)
            labels = value.get("labels", [])
            if not isinstance(title, str) or not title.strip():
                raise TaxonomyError(f"category `{name}`: `title` must be text")
        if labels is None:
            labels = []
        if not isinstance(labels, list) or not all(isinstance(v, str) for v in labels):
            raise TaxonomyError(f"category `{name}`: labels must be a list of words")
        categories.append(
            Category(name, title.strip(), frozenset(normalise_label(v) for v in labels))
        )
    return Taxonomy(tuple(categories))


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    with DATA.open(encoding="utf-8") as handle:
        return build_taxonomy(yaml.load(handle, Loader=_LOADER)["categories"])


def taxonomy_for(config_values: dict[str, Any]) -> Taxonomy:
    """The project's taxonomy: `factor_categories` from the configuration, else the default."""
    raw = config_values.get("factor_categories")
    return build_taxonomy(raw) if raw else default_taxonomy()


@dataclass(frozen=True)
class Factor:
    """One contributing factor: its text, where it is, and its categories (maybe none)."""

    text: str
    line: int
    group: str  # the `###` heading it is under: "immediate cause", "contributing factors", ...
    label: str  # the bold label as written, or ""
    categories: tuple[str, ...]
    unknown: tuple[str, ...] = ()  # marker names that are not in the taxonomy


def _groups(doc: Document, first: int, last: int) -> list[tuple[int, str]]:
    """(line, heading) of the sub-headings between two file lines."""
    lines = split_lines(doc.text)
    found = []
    fence = False
    for number in range(first, min(last, len(lines)) + 1):
        line = lines[number - 1]
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        elif not fence and re.match(r"^\s{0,3}#{3,6}\s", line):
            found.append((number, " ".join(line.strip().strip("#").lower().split())))
    return found


def factors(doc: Document, taxonomy: Taxonomy) -> list[Factor]:
    """The contributing factors of a post-mortem, in order, with their categories."""
    section = doc.section("contributing factors")
    if section is None:
        return []
    groups = _groups(doc, section.line + 1, section.end_line)
    found = []
    for item in section.items:
        raw = item.raw
        group = ""
        for line, heading in groups:
            if line < item.line:
                group = heading
        names: list[str] = []
        unknown: list[str] = []
        for marker in MARKER.finditer(raw):
            for name in re.split(r"[\s,]+", marker["names"].strip().lower()):
                if not name:
                    continue
                (names if taxonomy.has(name) else unknown).append(name)
        label_match = _LABEL.match(MARKER.sub("", raw))
        label = label_match["label"].strip() if label_match else ""
        if label:
            by_label = taxonomy.by_label(label)
            if by_label:
                names.insert(0, by_label)
        text = " ".join(item.text.split())
        if not text:
            continue
        found.append(
            Factor(text, item.line, group, label, tuple(dict.fromkeys(names)), tuple(unknown))
        )
    return found


def categories_of(doc: Document, taxonomy: Taxonomy) -> list[str]:
    """The distinct categories of a post-mortem's factors, in taxonomy order."""
    seen = {name for factor in factors(doc, taxonomy) for name in factor.categories}
    return [name for name in taxonomy.names if name in seen]
