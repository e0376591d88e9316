"""The site's settings, declared as data: the options of the `postmortems` MkDocs plugin.

They are set in mkdocs.yml under `plugins: - postmortems:`, where MkDocs checks them with the
plugin's config class (plugin.PostmortemsConfig; a test keeps the two in step). The same
declaration is a JSON Schema, so that the project's settings layer can validate a `site:`
section of .postmortem.yml against it.
"""

from __future__ import annotations

from typing import Any

RESTRICTED_MODES = ("omit", "summary")
RAW_HTML_MODES = ("escape", "keep")
SEARCH_ENGINES = ("pagefind", "material")

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "archive": {"type": "string", "description": "Folder of post-mortems."},
        "preview": {
            "type": "boolean",
            "default": False,
            "description": "Show drafts and in-review post-mortems, marked.",
        },
        "restricted": {
            "enum": list(RESTRICTED_MODES),
            "default": "omit",
            "description": "Restricted post-mortems: leave out, or publish the summary only.",
        },
        "raw_html": {
            "enum": list(RAW_HTML_MODES),
            "default": "escape",
            "description": "Raw HTML in bodies: shown as text, or kept (still sanitised).",
        },
        "sync_state": {"type": "string", "default": ".postmortem/issues.json"},
        "edit_uri": {"type": ["string", "null"], "description": "Edit path of source files."},
        "prefix": {"type": "string", "default": "postmortems"},
        "archive_page": {"type": "string", "default": "index.md"},
        "feed": {"type": "boolean", "default": True},
        "feed_limit": {"type": "integer", "minimum": 1, "default": 50},
        "severities": {"type": ["array", "null"], "items": {"type": "string"}},
        "search": {
            "enum": list(SEARCH_ENGINES),
            "default": "pagefind",
            "description": "Pagefind's chunked index, or Material's search plugin.",
        },
        "repository_facts": {
            "type": "boolean",
            "default": False,
            "description": "Let Material ask api.github.com for stars and forks.",
        },
    },
}
