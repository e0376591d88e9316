"""Option schemas, in the manner of yamllint's `CONF`: what a setting may hold, declared once.

Rules declare their options with these (`@rule(..., options={"vague_phrases": TEXTS})`); the
adapters declare their sections (`sync:`); `settings.py` gathers every declaration and checks
a whole configuration file against them. A value that does not fit is a `ConfigError` naming
the file, the line and the setting; an unknown key names the nearest known one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .scales import DEFAULT_PRIORITY_SCALE, DEFAULT_SEVERITY_SCALE

MAX_NUMBER = 1_000_000  # hours or days; more would overflow the rules' date arithmetic

# Where a setting is written: path ("sync/escalation/contact") -> "file:line".
Where = Callable[[str], str]


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file, line and setting."""


def nearest(word: str, known: Iterable[str]) -> str:
    """` (did you mean `x`?)` for the closest known word, or ``""``."""
    candidates = list(known)
    lowered = {c.lower(): c for c in candidates}
    import difflib  # only when a word is unknown

    found = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean `{lowered[found[0]]}`?)" if found else ""


@dataclass(frozen=True)
class Spec:
    """What one setting may hold. `check` returns None when the value fits, else what it
    must be ("a whole number of days, at least 0")."""

    default: Any = field(default=None, kw_only=True)
    doc: str = field(default="", kw_only=True)

    def check(self, value: Any) -> str | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def problems(self, value: Any, path: str, where: Where) -> list[str]:
        """Every problem of the value, each as "file:line: message"."""
        problem = self.check(value)
        if problem is None:
            return []
        return [f"{where(path)}: `{path}` must be {problem}, not {_show(value)}"]

    def validate(self, value: Any, path: str, where: Where) -> None:
        found = self.problems(value, path, where)
        if found:
            raise ConfigError("\n".join(found))


def _show(value: Any) -> str:
    text = repr(value)
    return f"`{text[:60]}…`" if len(text) > 60 else f"`{text}`"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Number(Spec):
    """A number (int or float) within a range."""

    minimum: float = -MAX_NUMBER
    maximum: float = MAX_NUMBER
    integer: bool = False

    def check(self, value: Any) -> str | None:
        kind = "a whole number" if self.integer else "a number"
        ok = isinstance(value, int) if self.integer else True
        if _is_number(value) and ok and self.minimum <= value <= self.maximum:
            return None
        if self.maximum >= MAX_NUMBER and self.minimum > -MAX_NUMBER:
            return f"{kind}, at least {_num(self.minimum)}"
        return f"{kind} between {_num(self.minimum)} and {_num(self.maximum)}"


def _num(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:g}"


def Integer(minimum: int = -MAX_NUMBER, maximum: int = MAX_NUMBER, **kw: Any) -> Number:  # noqa: N802
    return Number(minimum, maximum, integer=True, **kw)


@dataclass(frozen=True)
class Text(Spec):
    """A string, optionally matching a pattern or one of some choices (case-insensitive)."""

    pattern: str | None = None
    choices: tuple[str, ...] = ()
    example: str = ""
    allow_empty: bool = False

    def check(self, value: Any) -> str | None:
        if self.allow_empty and value == "":
            return None
        if self.choices:
            if not isinstance(value, str) or value.lower() not in self.choices:
                return "one of " + ", ".join(self.choices)
            return None
        if not isinstance(value, str) or not value.strip():
            return "a text" + (f" such as {self.example}" if self.example else "")
        if self.pattern and not re.fullmatch(self.pattern, value.strip()):
            return f"written like {self.example or self.pattern}"
        return None


@dataclass(frozen=True)
class Flag(Spec):
    """An option that is true or false."""

    def check(self, value: Any) -> str | None:
        return None if isinstance(value, bool) else "true or false"


@dataclass(frozen=True)
class Texts(Spec):
    """A list of strings; `single` also accepts one string for a one-item list."""

    nonempty: bool = False
    single: bool = False
    example: str = "[a, b]"

    def check(self, value: Any) -> str | None:
        if self.single and isinstance(value, str):
            value = [value]
        if (
            not isinstance(value, list)
            or (self.nonempty and not value)
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            return f"a list of texts such as {self.example}"
        return None


@dataclass(frozen=True)
class Section(Spec):
    """A mapping of declared keys; an unknown key is an error naming the nearest known one."""

    fields: Mapping[str, Spec] = field(default_factory=dict)
    example: str = ""

    def check(self, value: Any) -> str | None:
        if not isinstance(value, dict):
            return "a mapping of settings" + (f" such as {self.example}" if self.example else "")
        return None

    def problems(self, value: Any, path: str, where: Where) -> list[str]:
        found = super().problems(value, path, where)
        if found:
            return found
        for key, item in value.items():
            sub = f"{path}/{key}"
            spec = self.fields.get(key)
            if spec is None:
                known = ", ".join(self.fields) or "none"
                found.append(
                    f"{where(sub)}: unknown setting `{sub}`{nearest(str(key), self.fields)}"
                    f" (known under `{path}`: {known})"
                )
            elif item is not None:  # `key:` with no value keeps the default
                found += spec.problems(item, sub, where)
        return found


@dataclass(frozen=True)
class Levels(Spec):
    """An ordered scale: a list of levels, each a word or a list of synonyms (`[P2, High]`)."""

    example: str = "[P1, P2, P3, P4] or [[P1, Critical], [P2, High]]"

    def check(self, value: Any) -> str | None:
        def word(v: Any) -> bool:
            return isinstance(v, str | int) and not isinstance(v, bool) and str(v).strip() != ""

        if not isinstance(value, list) or not value:
            return f"a list of levels such as {self.example}"
        for level in value:
            words = level if isinstance(level, list) else [level]
            if not words or not all(word(w) for w in words):
                return f"a list of levels such as {self.example}"
        return None


@dataclass(frozen=True)
class TimeZone(Spec):
    """An IANA time zone name; empty for none."""

    def check(self, value: Any) -> str | None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        if value == "":
            return None
        try:
            ZoneInfo(value) if isinstance(value, str) else None
        except (ZoneInfoNotFoundError, ValueError):
            pass
        else:
            if isinstance(value, str):
                return None
        return "an IANA time zone name such as Europe/Dublin or America/Chicago"


_JSON_TYPES = {
    "string": "a text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of settings",
    "null": "empty",
}


def settings_digest(schema: Mapping[str, Any]) -> str:
    """The SHA-256 that a settings section's compiled check (rules/schema_codegen.py) records
    of the schema it was made from."""
    import json

    from .hashing import sha256_hex

    return sha256_hex(json.dumps(schema, sort_keys=True).encode("utf-8"))


@dataclass(frozen=True)
class JsonSchema(Spec):
    """A section an adapter declares as a JSON Schema (`sync/settings.py`, `site/settings.py`)."""

    schema: Mapping[str, Any] = field(default_factory=dict)
    # The name of its compiled yes/no check in rules/schema_gate.py (schema_codegen.py): a
    # section it accepts is valid without importing jsonschema, which only explains errors.
    gate: str = ""

    def check(self, value: Any) -> str | None:  # pragma: no cover - `problems` does it all
        return None

    def accepted_by_gate(self, value: Any) -> bool:
        """Whether the compiled check, made from this very schema, accepts the value."""
        if not self.gate:
            return False
        from .rules.schema_gate import VALIDATORS

        digest, check = VALIDATORS.get(self.gate, ("", None))
        if check is None or digest != settings_digest(dict(self.schema)):
            return False  # the schema was edited since the code was generated
        try:
            check(value)
        except Exception:  # rejected, or a value the generated code cannot read
            return False
        return True

    def problems(self, value: Any, path: str, where: Where) -> list[str]:
        if self.accepted_by_gate(value):
            return []
        from jsonschema import Draft202012Validator  # only when the file has such a section

        found = []
        errors = Draft202012Validator(dict(self.schema)).iter_errors(value)
        for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
            at = "/".join([path, *map(str, error.absolute_path)])
            if error.validator == "additionalProperties":
                known = error.schema.get("properties", {})
                for key in sorted(set(error.instance) - set(known), key=str):
                    sub = f"{at}/{key}"
                    found.append(
                        f"{where(sub)}: unknown setting `{sub}`{nearest(str(key), known)}"
                        f" (known under `{at}`: {', '.join(known)})"
                    )
                continue
            if error.validator == "type":
                kinds = error.validator_value
                kinds = [kinds] if isinstance(kinds, str) else list(kinds)
                wanted = " or ".join(_JSON_TYPES.get(k, k) for k in kinds)
            elif error.validator in ("minimum", "maximum"):
                word = "at least" if error.validator == "minimum" else "at most"
                wanted = f"{word} {_num(error.validator_value)}"
            elif error.validator == "enum":
                wanted = "one of " + ", ".join(map(str, error.validator_value))
            else:
                found.append(f"{where(at)}: `{at}`: {error.message}")
                continue
            found.append(f"{where(at)}: `{at}` must be {wanted}, not {_show(error.instance)}")
        return found


# The project's settings that rules read: each may also be given per rule
# (`rules: {TL104: {timeline_lead_hours: 2}}`), so rules declare them among their options.
PROJECT: dict[str, Spec] = {
    # Most urgent first; a level may list synonyms: [P2, High] (see scales.py).
    "severity_scale": Levels(default=DEFAULT_SEVERITY_SCALE),
    "priority_scale": Levels(default=DEFAULT_PRIORITY_SCALE),
    # The reference template: the report is published within 48 hours; a draft untouched for a week is stale.
    "publish_within_hours": Number(default=48, doc="report due this long after resolution"),
    "stale_draft_days": Integer(default=7, doc="a draft untouched this long is stale"),
    "min_contributing_factors": Integer(default=2),
    # Timeline rows may precede impact (the change that triggered it) by this much.
    "timeline_lead_hours": Number(default=24),
    "timeline_trail_hours": Number(default=0),
    # The team's time zone (an IANA name such as Europe/Dublin): only used to read zone
    # abbreviations with several meanings (IST, CST, BST) in timeline rows.
    "timezone": TimeZone(default=""),
    "required_sections": Texts(
        example="[Summary, Impact]",
        default=[
            "Summary",
            "Impact",
            "Root Cause",
            "Timeline",
            "Contributing Factors",
            "Action Items",
            "What Went Well",
            "Lessons Learned",
        ],
    ),
}


def project(*names: str) -> dict[str, Spec]:
    """The specs of project settings a rule reads (and accepts per rule)."""
    return {name: PROJECT[name] for name in names}
