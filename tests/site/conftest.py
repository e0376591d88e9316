"""Fixtures of the site tests; the archive generator lives in site_fixtures.py."""

from site_fixtures import built_site  # noqa: F401  (session fixture)
