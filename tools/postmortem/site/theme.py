"""The Jinja templates of the generated markup (card, tables, filters, tiles), overridable.

A site overrides a template the way Material for MkDocs allows for its own partials: a file of
the same name under the theme's `custom_dir` wins, e.g. `overrides/postmortems/card.html`
with `theme: {name: material, custom_dir: overrides}` in mkdocs.yml. Values are escaped by
Jinja's autoescape; HTML built here (links, badges) is passed as `Markup`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=8)
def environment(override_dirs: tuple[str, ...] = ()) -> jinja2.Environment:
    """Templates from override_dirs first (the site's custom_dir), then the package's own."""
    loader = jinja2.FileSystemLoader([*override_dirs, str(TEMPLATES)])
    return jinja2.Environment(
        loader=loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(override_dirs: tuple[str, ...], name: str, **context: object) -> str:
    """Render postmortems/<name> with context."""
    return environment(override_dirs).get_template(f"postmortems/{name}").render(**context)
