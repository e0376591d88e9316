"""`postmortem similar FILE`: the nearest published post-mortems, with a score and the reason."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import click

from ..document import iter_markdown_files
from .archive import archive_profiles
from .profile import profile_from_file
from .similarity import Settings, SettingsError, published_other, similar


@click.command("similar")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--archive",
    "archive",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of post-mortems to compare with (default: the configured archive).",
)
@click.option("--limit", type=click.IntRange(1, 50), default=5, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Configuration file (default: nearest .postmortem.yml or pyproject.toml).",
)
def similar_command(
    file: Path, archive: Path | None, limit: int, fmt: str, config_path: str | None
) -> None:
    """List the published post-mortems closest to FILE, with a score and the reason.

    Those at or above the suggestion threshold (the LE101 settings) are marked `suggested`:
    `postmortem validate` notes them when FILE's `related:` does not list them yet.
    """
    from ..cli import get_config

    config = get_config(config_path)
    try:
        settings = Settings.from_options(config.rule_settings("LE101"))
    except SettingsError as error:
        raise click.ClickException(f"rules.LE101: {error}") from None
    folder = archive or config.archive_path()
    if not folder.is_dir():
        raise click.ClickException(f"{folder}: no such folder (give --archive)")
    query = profile_from_file(file)
    if query is None:
        raise click.ClickException(f"{file}: cannot be read as UTF-8 Markdown")
    mine = file.resolve()
    paths = [p for p in iter_markdown_files([folder]) if p.resolve() != mine]
    profiles = archive_profiles(paths, root=config.root.resolve())
    # List the nearest whatever their score; mark the ones validate would suggest.
    wide = replace(settings, min_score=0.0, min_text=1e-6, max_suggestions=limit)
    matches = similar(profiles, query, wide, published_other)

    def suggested(match) -> bool:
        return match.score >= settings.min_score and match.text >= settings.min_text

    if fmt == "json":
        rows = [
            {**m.to_dict(), "suggested": suggested(m), "listed": m.profile.id in query.related}
            for m in matches
        ]
        json.dump({"file": file.as_posix(), "similar": rows}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    if not matches:
        click.echo(f"{file}: no published post-mortem in {folder} shares its words.")
        return
    click.echo(f"Published post-mortems closest to {file} (of {len(profiles)} in {folder}):\n")
    for match in matches:
        other = match.profile
        marks = []
        if other.id and other.id in query.related:
            marks.append("listed in related")
        elif suggested(match):
            marks.append("suggested")
        mark = f"  [{', '.join(marks)}]" if marks else ""
        click.echo(f"{match.score:.2f}  {other.id or other.path}  {other.title}{mark}")
        click.echo(f"      {other.path}")
        click.echo(f"      {match.reason()}")
    missing = [m for m in matches if suggested(m) and m.profile.id not in query.related]
    if missing:
        ids = ", ".join([*query.related, *(m.profile.id or m.profile.path for m in missing)])
        click.echo(f"\nSuggested frontmatter line: related: [{ids}]")
