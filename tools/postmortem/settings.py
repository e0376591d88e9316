"""Settings: a whole configuration checked against what the registry and the adapters declare.

The schema of `.postmortem.yml` is gathered here from its owners: the project settings and the
option specs (`options.py`), every rule's declared options (the registry), and the sections of
the adapters (`sync:` from `sync/settings.py`). Anything that does not fit is a `ConfigError`
naming the file, the line and the setting, and an unknown name comes with the nearest known
one: a typo never turns a check off silently. Rule codes are case-insensitive everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .options import PROJECT, ConfigError, Flag, JsonSchema, Spec, Text, Texts, Where, nearest
from .rules import REGISTRY
from .sync.settings import SCHEMA as SYNC_SCHEMA

SEVERITY = Text(choices=("error", "warning", "info"))
# What every rule accepts under `rules: {CODE: {...}}`, besides its declared options.
RULE_SETTINGS: dict[str, Spec] = {"severity": SEVERITY, "enabled": Flag()}


class FactorCategories(Spec):
    """Contributing-factor categories: a taxonomy `learning.factors` can build ({} = default)."""

    def check(self, value: Any) -> str | None:
        if not isinstance(value, dict):
            return "a mapping of categories (see data/factor_categories.yml)"
        if not value:
            return None
        from .learning.factors import TaxonomyError, build_taxonomy

        try:
            build_taxonomy(value)
        except TaxonomyError as error:
            return f"a taxonomy of contributing factors ({error})"
        return None


TOP: dict[str, Spec] = {
    # Where the archive lives, relative to the repository root.
    "archive": Text(example="postmortems", default="postmortems"),
    **PROJECT,
    # Rule selection by code or prefix, flake8-style. Empty `select` means every rule.
    "select": Texts(example="[BL, TL101]", default=[]),
    "ignore": Texts(example="[PR]", default=[]),
    # Per-rule settings: {"BL105": {"severity": "warning"}, "AI105": {"vague_phrases": [...]}}
    "rules": Spec(),  # checked against each rule's declaration by `_rules`
    # proselint checks run on prose (see `postmortem rules PR`); an empty list turns prose off.
    "prose_checks": Texts(example="[default, -typography]", default=None),
    # Contributing-factor categories ({} = the default taxonomy, data/factor_categories.yml).
    "factor_categories": FactorCategories(),
    # The adapters' own sections, declared next to them.
    "sync": JsonSchema(SYNC_SCHEMA, gate="settings.sync"),
}
DEFAULTS: dict[str, Any] = {
    key: (spec.default if key not in ("rules", "sync", "factor_categories") else {})
    for key, spec in TOP.items()
}
# Sections other tools own, with where their settings go instead.
ELSEWHERE = {
    "site": "the site is configured in mkdocs.yml, under `plugins: - postmortems:` "
    '(see the README, "The published archive")',
}


def where_in(shown: str, lines: Mapping[str, int]) -> Where:
    """`file:line` of a setting path ("sync/escalation/contact"), or of its nearest parent."""

    def where(path: str) -> str:
        parts = path.split("/")
        while parts:
            line = lines.get("/".join(parts))
            if line:
                return f"{shown}:{line}"
            parts.pop()
        return f"{shown}:1"

    return where


def families() -> list[str]:
    """The two-letter prefixes of the rule codes (BL, TL, ...)."""
    return sorted({code[:2] for code in REGISTRY})


def check_codes(values: Iterable[Any], what: str) -> list[str]:
    """Rule codes or prefixes, upper-cased; an unknown one is a ConfigError naming it."""
    codes = []
    for value in values:
        code = str(value).strip().upper()
        if not code or not any(known.startswith(code) for known in REGISTRY):
            hint = nearest(code, [*REGISTRY, *families()])
            raise ConfigError(
                f"{what}: unknown rule code or prefix `{value}`{hint}; "
                "`postmortem rules` lists them"
            )
        codes.append(code)
    return codes


def resolve(
    raw: Mapping[str, Any], shown: str, lines: Mapping[str, int], check_prose: bool = True
) -> dict[str, Any]:
    """Configuration values: the defaults, overridden by `raw` once every value is checked.

    `check_prose` also checks `prose_checks` against proselint's own list of checks; commands
    that never lint prose (sync, review, the site) skip it and do not load proselint.
    """
    where = where_in(shown, lines)
    values = {key: (list(v) if isinstance(v, list) else v) for key, v in DEFAULTS.items()}
    values["rules"], values["sync"] = {}, {}
    problems: list[str] = []  # every problem of the file is reported, not only the first
    for key, value in raw.items():
        if key not in TOP:
            if key in ELSEWHERE:
                problems.append(f"{where(key)}: `{key}` is not read here: {ELSEWHERE[key]}")
            else:
                problems.append(
                    f"{where(key)}: unknown setting `{key}`{nearest(str(key), TOP)} "
                    f"(known: {', '.join(sorted(TOP))})"
                )
            continue
        if value is None:
            continue  # `key:` with nothing after it is YAML's null: keep the default
        try:
            if key == "rules":
                values[key] = _rules(value, where)
                continue
            found = TOP[key].problems(value, key, where)
            if found:
                problems += found
                continue
            if key in ("select", "ignore"):
                value = check_codes(value, f"{where(key)}: `{key}`")
            values[key] = value
        except ConfigError as error:
            problems.append(str(error))
    if problems:
        raise ConfigError("\n".join(sorted(problems, key=_line_number)))
    if check_prose and values["prose_checks"] is not None:
        from .rules.prose import unknown_checks

        bad = unknown_checks(values["prose_checks"])
        if bad:
            raise ConfigError(
                f"{where('prose_checks')}: unknown proselint check(s) in `prose_checks`: "
                f"{', '.join(bad)} (see `postmortem rules PR`)"
            )
    return values


def _line_number(problem: str) -> int:
    """The line of a "file:line: message" problem, to report a file's problems in order."""
    parts = problem.split(":", 2)
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else 0


def _rules(value: Any, where: Where) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(
            f"{where('rules')}: `rules` must be a mapping of rule codes, such as "
            "{BL105: {severity: error}, DL103: false}"
        )
    rules: dict[str, Any] = {}
    problems: list[str] = []
    for written, settings in value.items():
        path = f"rules/{written}"
        code = str(written).strip().upper()
        if code not in REGISTRY:
            problems.append(
                f"{where(path)}: unknown rule `{written}`{nearest(code, REGISTRY)}; "
                "`postmortem rules` lists them"
            )
            continue
        if settings is None:
            continue
        if isinstance(settings, bool):
            rules[code] = settings
            continue
        if not isinstance(settings, dict):
            problems.append(
                f"{where(path)}: settings of rule `{written}` must be a mapping "
                "(e.g. {severity: warning}) or false"
            )
            continue
        declared = {**RULE_SETTINGS, **REGISTRY[code].options}
        checked: dict[str, Any] = {}
        for name, option in settings.items():
            sub = f"{path}/{name}"
            spec = declared.get(name)
            if spec is None:
                problems.append(
                    f"{where(sub)}: rule `{code}` has no setting `{name}`"
                    f"{nearest(str(name), declared)} (its settings: {', '.join(declared)})"
                )
            elif option is not None:
                found = spec.problems(option, sub, where)
                problems += found
                if not found:
                    checked[name] = option.lower() if name == "severity" else option
        rules[code] = checked
    if problems:
        raise ConfigError("\n".join(problems))
    return rules
