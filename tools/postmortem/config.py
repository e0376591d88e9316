"""Project configuration: `.postmortem.yml` at the repository root, or `[tool.postmortem]`.

A plain loader: it finds the file, reads it with the line of every key, and hands it to the
settings layer (`settings.py`), which checks it against what the rules and adapters declare.
Every setting has a default, so a repository without configuration gets the checks the reference
template asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .frontmatter import load_frontmatter
from .options import ConfigError
from .settings import DEFAULTS, resolve

CONFIG_FILE = ".postmortem.yml"

__all__ = [
    "CONFIG_FILE",
    "DEFAULTS",
    "Config",
    "ConfigError",
    "find_config",
    "load_config",
    "merge",
]


@dataclass
class Config:
    """The validator's settings: their values and where they were read from."""

    values: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS))
    source: str | None = None
    root: Path = field(default_factory=Path.cwd)
    lines: dict[str, int] = field(default_factory=dict)  # "sync/escalation/contact" -> 9

    def archive_path(self) -> Path:
        """The archive folder, relative to the working directory when it is below it."""
        archive = Path(self.values["archive"])
        if not archive.is_absolute():
            archive = self.root / archive
            if archive.is_relative_to(Path.cwd()):
                archive = archive.relative_to(Path.cwd())
        return archive

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def rule_settings(self, code: str) -> dict[str, Any]:
        settings = self.values["rules"].get(code.upper())
        return settings if isinstance(settings, dict) else {}

    def is_enabled(self, code: str) -> bool:
        code = code.upper()
        settings = self.values["rules"].get(code)
        if settings is False or (isinstance(settings, dict) and settings.get("enabled") is False):
            return False
        if isinstance(settings, dict) and settings.get("enabled") is True:
            return True
        select = [str(p).upper() for p in self.values["select"]]
        if select and not any(code.startswith(prefix) for prefix in select):
            return False
        return not any(code.startswith(str(p).upper()) for p in self.values["ignore"])

    def severity(self, code: str, default: str) -> str:
        return str(self.rule_settings(code).get("severity", default))


def find_config(start: Path | None = None) -> Path | None:
    """The nearest `.postmortem.yml`, or pyproject.toml with `[tool.postmortem]`, upwards."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.postmortem]" in pyproject.read_text("utf-8", "replace"):
            return pyproject
        if (folder / ".git").exists():
            break
    return None


def load_config(
    path: Path | None = None, start: Path | None = None, check_prose: bool = True
) -> Config:
    """Load the given config file, or the nearest one; defaults when there is none.

    `check_prose=False` (sync, review, the site) leaves `prose_checks` to the commands that lint
    prose, so that reading the settings does not load proselint.
    """
    path = path or find_config(start)
    if path is None:
        return Config(root=(start or Path.cwd()).resolve())
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None
    shown = _shown(path)
    if path.name == "pyproject.toml":
        import tomllib  # only for a pyproject.toml

        try:
            raw = tomllib.loads(text).get("tool", {}).get("postmortem", {})
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{shown}: invalid TOML: {error}") from None
        lines: dict[str, int] = {}
    else:
        raw, lines, problems = load_frontmatter(text, shown) if text.strip() else ({}, {}, [])
        if problems:
            first = problems[0]
            raise ConfigError(f"{first.path}:{first.line}: {first.message}")
    return Config(
        values=merge(raw, shown, lines, check_prose),
        source=shown,
        root=path.parent.resolve(),
        lines=lines,
    )


def _shown(path: Path) -> str:
    """The file as messages name it: relative to the working directory when below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def merge(
    raw: dict[str, Any], shown: str, lines: dict[str, int], check_prose: bool = True
) -> dict[str, Any]:
    """The configuration values of a file's mapping, checked (see `settings.resolve`)."""
    return resolve(raw, shown, lines, check_prose)
