"""Project configuration: `.postmortem.yml` at the repository root, or `[tool.postmortem]`.

Every setting has a default, so a repository without configuration gets the checks the reference
template asks for. Unknown keys are errors: a typo must not silently switch a check off.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .document import load_frontmatter
from .scales import DEFAULT_PRIORITY_SCALE, DEFAULT_SEVERITY_SCALE

CONFIG_FILE = ".postmortem.yml"
MAX_NUMBER = 1_000_000  # hours or days; more would overflow the rules' date arithmetic

DEFAULTS: dict[str, Any] = {
    # Where the archive lives, relative to the repository root.
    "archive": "postmortems",
    # Most urgent first; a level may list synonyms: [P2, High] (see scales.py).
    "severity_scale": DEFAULT_SEVERITY_SCALE,
    "priority_scale": DEFAULT_PRIORITY_SCALE,
    # The reference template: the report is published within 48 hours; a draft untouched for a week is stale.
    "publish_within_hours": 48,
    "stale_draft_days": 7,
    "min_contributing_factors": 2,
    # Timeline rows may precede impact (the change that triggered it) by this much.
    "timeline_lead_hours": 24,
    "timeline_trail_hours": 0,
    # The team's time zone (an IANA name such as Europe/Dublin): only used to read zone
    # abbreviations with several meanings (IST, CST, BST) in timeline rows.
    "timezone": "",
    "required_sections": [
        "Summary",
        "Impact",
        "Root Cause",
        "Timeline",
        "Contributing Factors",
        "Action Items",
        "What Went Well",
        "Lessons Learned",
    ],
    # Rule selection by code or prefix, flake8-style. Empty `select` means every rule.
    "select": [],
    "ignore": [],
    # Per-rule settings: {"BL105": {"severity": "warning"}, "AI107": {"phrases": [...]}}
    "rules": {},
    # proselint checks run on prose (see `postmortem rules`); an empty list turns prose off.
    "prose_checks": None,
    # Contributing-factor categories ({} = the default taxonomy, data/factor_categories.yml).
    "factor_categories": {},
    # GitHub sync and site settings are read by their adapters.
    "sync": {},
    "site": {},
}


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and line."""


@dataclass
class Config:
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
        settings = self.values["rules"].get(code)
        return settings if isinstance(settings, dict) else {}

    def is_enabled(self, code: str) -> bool:
        settings = self.values["rules"].get(code)
        if settings is False or (isinstance(settings, dict) and settings.get("enabled") is False):
            return False
        if isinstance(settings, dict) and settings.get("enabled") is True:
            return True
        select = self.values["select"]
        if select and not any(code.startswith(prefix) for prefix in select):
            return False
        return not any(code.startswith(prefix) for prefix in self.values["ignore"])

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


def load_config(path: Path | None = None, start: Path | None = None) -> Config:
    """Load the given config file, or the nearest one; defaults when there is none."""
    path = path or find_config(start)
    if path is None:
        return Config(root=(start or Path.cwd()).resolve())
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None
    shown = path.as_posix()
    if path.name == "pyproject.toml":
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
        values=merge(raw, shown, lines), source=shown, root=path.parent.resolve(), lines=lines
    )


def merge(raw: dict[str, Any], shown: str, lines: dict[str, int]) -> dict[str, Any]:
    values = dict(DEFAULTS)
    for key, value in raw.items():
        where = f"{shown}:{lines.get(key, 1)}"
        if key not in DEFAULTS:
            known = ", ".join(sorted(DEFAULTS))
            raise ConfigError(f"{where}: unknown setting `{key}` (known: {known})")
        if value is None:
            continue  # `key:` with nothing after it is YAML's null: keep the default
        expected = type(DEFAULTS[key]) if DEFAULTS[key] is not None else list
        if not isinstance(value, expected):
            raise ConfigError(f"{where}: `{key}` must be a {expected.__name__}")
        if key in ("select", "ignore") and not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: `{key}` must be a list of rule codes or prefixes")
        if expected is int and abs(value) > MAX_NUMBER:  # no date overflow
            raise ConfigError(f"{where}: `{key}` must be between -{MAX_NUMBER} and {MAX_NUMBER}")
        values[key] = value
    for code, settings in values["rules"].items():
        if not (isinstance(settings, dict) or isinstance(settings, bool)):
            raise ConfigError(
                f"{shown}:{lines.get('rules/' + str(code), 1)}: settings of rule "
                f"`{code}` must be a mapping (e.g. {{severity: warning}}) or false"
            )
        for name, value in settings.items() if isinstance(settings, dict) else ():
            # A project setting given per rule (TL104: {timeline_lead_hours: 2}) is a number
            # the rule does date arithmetic with: checked like the project setting.
            if isinstance(DEFAULTS.get(name), int) and not (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and abs(value) <= MAX_NUMBER
            ):
                where = lines.get(f"rules/{code}/{name}", lines.get(f"rules/{code}", 1))
                raise ConfigError(
                    f"{shown}:{where}: `{name}` of rule `{code}` must be a number between "
                    f"-{MAX_NUMBER} and {MAX_NUMBER}"
                )
        severity = settings.get("severity") if isinstance(settings, dict) else None
        if severity is not None and severity not in ("error", "warning", "info"):
            raise ConfigError(
                f"{shown}:{lines.get('rules/' + str(code), 1)}: severity of "
                f"`{code}` must be error, warning or info, not `{severity}`"
            )
    similar = values["rules"].get("LE101")
    if isinstance(similar, dict):
        from .learning.similarity import Settings as SimilaritySettings
        from .learning.similarity import SettingsError

        try:
            SimilaritySettings.from_options(similar)
        except SettingsError as error:
            where = lines.get("rules/LE101", 1)
            raise ConfigError(f"{shown}:{where}: rule `LE101`: {error}") from None
    if values["factor_categories"]:
        from .learning.factors import TaxonomyError, build_taxonomy

        try:
            build_taxonomy(values["factor_categories"])
        except TaxonomyError as error:
            where = lines.get("factor_categories", 1)
            raise ConfigError(f"{shown}:{where}: `factor_categories`: {error}") from None
    if values["timezone"]:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"{shown}:{lines.get('timezone', 1)}: `timezone` is `{values['timezone']}`, not a "
                "time zone name; write an IANA name such as Europe/Dublin or America/Chicago"
            ) from None
    if values["prose_checks"] is not None:
        from .rules.prose import unknown_checks  # late import: the rules import this module

        bad = unknown_checks(values["prose_checks"])
        if bad:
            raise ConfigError(
                f"{shown}:{lines.get('prose_checks', 1)}: unknown proselint "
                f"check(s) in `prose_checks`: {', '.join(bad)}"
            )
    return values
