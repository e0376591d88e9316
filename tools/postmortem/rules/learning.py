"""Learning rules: similar incidents not yet linked, and contributing-factor categories."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..document import Document
from .archive import Entry
from .base import Context, Problem, rule

PROFILE = "profile"  # key of the similarity profile in an archive Entry's `extra`
# Up to this many files checked, LE101 reads only the post-mortems that can match them; more
# (a full run) are compared with every profile of the archive at once.
FEW_ROWS = 64


@rule("LE101", "similar-incident", "learning", severity="info", archive=True)
def similar_incident(entries: Sequence[Entry], ctx: Context) -> Iterator[tuple[Entry, Problem]]:
    """This post-mortem closely resembles a published one that its `related:` does not list.

    Compared: the words of the Root Cause, Contributing Factors and Action Items sections
    (stemmed, so "exhausted" matches "exhaustion"; common words ignored), and the `services`
    and `tags`. The finding says why (the shared services and tags, and the matching words of
    each section) and gives the `related:` line to add; `postmortem similar FILE` lists the
    nearest post-mortems with their scores. Only published, unrestricted post-mortems are
    suggested, and only when they also share the words of their causes: a shared service alone
    is not enough. If the two are not related, ignore the note; it never fails a check.

    Settings (`rules: {LE101: {...}}`): `min_score` (default 0.35), `min_text` (0.2),
    `min_shared_words` (3), `max_suggestions` (3), `service_weight` (0.15), `tag_weight`
    (0.05), `max_df` (0.1: words in more than this share of a large archive do not count).
    """
    queries = [e for e in entries if PROFILE in e.extra]
    if not queries or len(entries) < 2:
        return
    from ..archive_index import BLOB
    from ..learning.archive import archive_neighbours, similar_in_archive
    from ..learning.similarity import Settings, not_listed

    settings = Settings.from_options(ctx.config.rule_settings("LE101"))
    root = ctx.config.root.resolve()
    mine = [e.extra[PROFILE] for e in queries]
    by_path = {e.path: e for e in queries}
    if len(queries) <= FEW_ROWS:
        # A pull request's check: only the post-mortems that can match are read (see
        # learning/archive.py); the rest of the archive is known by its word counts.
        others = [(e.path, e.extra.get(BLOB)) for e in entries if PROFILE not in e.extra]
        found = similar_in_archive(mine, others, root, settings, not_listed)
    else:
        known = {p.path: p for p in mine}
        blobs = {e.path: e.extra[BLOB] for e in entries if BLOB in e.extra}
        paths = (e.path for e in entries)
        found = archive_neighbours(paths, known, root, settings, not_listed, blobs)
    for path, matches in found.items():
        query = by_path[path].extra[PROFILE]
        entry = by_path[path]
        for match in matches:
            other = match.profile
            name = f"`{other.id}`" if other.id else other.path
            title = f" ({other.title})" if other.title else ""
            line = ", ".join([*query.related, other.id or other.path])
            yield (
                entry,
                Problem(
                    query.related_line,
                    f"resembles published post-mortem {name}{title}, score "
                    f"{match.score:.2f}: {match.reason()}",
                    f"If the two are related, list it: `related: [{line}]`",
                ),
            )


@rule("LE102", "factor-category", "learning", severity="warning")
def factor_category(doc: Document, ctx: Context) -> Iterator[Problem]:
    """A contributing factor's category marker names a category the taxonomy does not have.

    Contributing factors can be given a category, so that the site and the weekly digest can
    show which kinds of cause keep coming back. A factor (a list item of the Contributing
    Factors section) is categorised by its bold label, as the reference report writes it:

        - **Monitoring Gap**: connection pool utilisation was not monitored

    or by an explicit marker anywhere in the item (hidden on the site):

        - Pool size unchanged despite traffic growth <!-- postmortem: category=capacity -->

    Default categories: monitoring, testing, runbook (documentation), capacity,
    change-management, dependency, configuration, process. A label matches a category by its
    name or one of its labels, ignoring case and a trailing "gap" ("Runbook Gap" is runbook,
    "Capacity Planning" is capacity). Uncategorised factors are fine. Replace the taxonomy with
    `factor_categories:` in the configuration, e.g.
    `factor_categories: {monitoring: [observability, alerting], security: {title: Security,
    labels: [access control]}}`.
    """
    if not doc.parsed or "postmortem:" not in doc.text:
        return
    from ..learning.factors import factors, taxonomy_for

    taxonomy = taxonomy_for(ctx.config.values)
    for factor in factors(doc, taxonomy):
        for name in factor.unknown:
            yield Problem(
                factor.line,
                f"category marker names `{name}`, which is not a contributing-factor category",
                f"Use one of: {', '.join(taxonomy.names)} (or add it to `factor_categories`).",
            )
