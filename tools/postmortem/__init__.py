"""Blameless incident post-mortems as code."""

__version__ = "0.1.0"

# Where the project lives: SARIF's `informationUri` and the package metadata point here.
# Keep it in step with `[project.urls]` in pyproject.toml and `repo_url` in mkdocs.yml.
PROJECT_URL = "https://github.com/example/postmortems"
