"""Schema rules: the frontmatter and table rows against the JSON Schemas in `schema/`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document import Document, Row, parse_instant
from ..options import project
from ..scales import Scale
from .base import Context, Problem, rule

if TYPE_CHECKING:  # jsonschema is imported when a check first runs: settings stay light
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_SCHEMA_FILES = {
    "frontmatter": "postmortem.schema.json",
    "timeline": "timeline-row.schema.json",
    "action": "action-item.schema.json",
}


def schema_dir() -> Path:
    """`schema/` of the source checkout, else the copy installed with the package."""
    source = Path(__file__).resolve().parents[3] / "schema"
    if (source / _SCHEMA_FILES["frontmatter"]).is_file():
        return source
    return Path(sys.prefix) / "share" / "postmortem" / "schema"


@cache
def _schema_bytes(kind: str) -> bytes:
    return (schema_dir() / _SCHEMA_FILES[kind]).read_bytes()


@cache
def schema(kind: str) -> dict[str, Any]:
    return json.loads(_schema_bytes(kind).decode("utf-8"))


@cache
def validator(kind: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(kind))


@cache
def _gate(kind: str) -> Callable[[Any], Any] | None:
    """The compiled yes/no check of a schema (schema_codegen.py), if made from this schema."""
    from ..hashing import sha256_hex
    from .schema_gate import VALIDATORS

    digest, check = VALIDATORS.get(kind, ("", None))
    return check if digest == sha256_hex(_schema_bytes(kind)) else None


def schema_errors(kind: str, instance: Any) -> list[ValidationError]:
    """jsonschema's errors for an instance; none, without asking it, when the compiled check
    accepts the instance (it accepts what jsonschema accepts: tests/rules/test_schema_gate.py).
    The compiled check of a table row leaves out `required`: missing cells are not reported
    by the schema rules."""
    gate = _gate(kind)
    if gate is not None:
        try:
            gate(instance)
            return []
        except Exception:  # rejected (or a value the generated code cannot read): ask jsonschema
            pass
    return list(validator(kind).iter_errors(instance))


def _describe(error: ValidationError, root: dict[str, Any]) -> tuple[str, str | None]:
    """A plain sentence for a schema error, and the field's own description as a hint."""
    where = ".".join(str(p) for p in error.absolute_path) or "frontmatter"
    prop = (
        root.get("properties", {}).get(str(error.absolute_path[0])) if error.absolute_path else None
    )
    hint = prop.get("description") if isinstance(prop, dict) else None
    validator_name = error.validator
    if validator_name == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        prop = root.get("properties", {}).get(missing, {})
        return f"missing required field `{missing}`", prop.get("description")
    if validator_name == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        known = ", ".join(sorted(error.schema.get("properties", {})))
        return f"unknown field(s) {', '.join(f'`{e}`' for e in extra)}", f"Known fields: {known}."
    if validator_name == "enum":
        allowed = ", ".join(str(v) or "(empty)" for v in error.validator_value)
        return f"`{where}` is `{error.instance}`; allowed: {allowed}", hint
    if validator_name == "type":
        return (
            f"`{where}` must be {_a(error.validator_value)}, "
            f"not {_a(_json_type(error.instance))} (`{error.instance!r}`)"
        ), hint
    if validator_name in ("pattern", "minLength", "maxLength", "format"):
        return f"`{where}` has an invalid value `{error.instance}`", hint
    if validator_name == "minItems":
        return (
            f"`{where}` needs at least {error.validator_value} entr{'y' if error.validator_value == 1 else 'ies'}",
            hint,
        )
    if validator_name == "uniqueItems":
        return f"`{where}` lists the same entry twice", hint
    return f"`{where}`: {error.message}", hint


def _a(kind: Any) -> str:
    kind = str(kind)
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


def _json_type(value: Any) -> str:
    return {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


@rule("SC101", "frontmatter-schema", "schema")
def frontmatter_schema(doc: Document, ctx: Context) -> Iterator[Problem]:
    """The frontmatter must match `schema/postmortem.schema.json`.

    Required fields, types, the id and time formats (ISO 8601 with an explicit offset, such as
    `2025-02-09T14:02:00Z`), and no unknown fields (a misspelt key is not silently ignored).
    """
    if not doc.parsed or (not doc.meta and doc.problems):
        return
    root = schema("frontmatter")
    errors = sorted(
        schema_errors("frontmatter", doc.meta),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    # A value the YAML reader already reported (`restricted: yes`, IN016) gets no second,
    # contradictory finding about its type here.
    ambiguous = {p.line for p in doc.problems if p.rule == "IN016"}
    # A misspelt key (`severty`) is one problem: reported on its own line with the key it
    # stands for, not also as that key missing.
    misspelt: dict[tuple[str, ...], list[Problem]] = {}
    meant: set[tuple[str, ...]] = set()
    for error in errors:
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            where = tuple(str(p) for p in error.absolute_path)
            misspelt[where] = list(_unknown_keys(doc, error, meant))
    for error in errors:
        message, hint = _describe(error, root)
        line = doc.meta_line(list(error.absolute_path))
        where = tuple(str(p) for p in error.absolute_path)
        if error.validator in ("type", "enum") and line in ambiguous:
            continue
        if error.validator == "additionalProperties" and where in misspelt:
            yield from misspelt.pop(where)
            continue
        if error.validator == "required" and (*where, _missing(error)) in meant:
            continue
        yield Problem(line, message, hint)
    # The pattern accepts `2025-02-30T10:00Z` and `0001-01-01T00:00+14:00`; the rules cannot
    # use such a time, so it is reported here instead of being silently skipped.
    flagged = {str(e.absolute_path[0]) for e in errors if e.absolute_path}
    for key, prop in root.get("properties", {}).items():
        value = doc.meta.get(key)
        if prop.get("$ref") != "#/$defs/instant" or key in flagged or not isinstance(value, str):
            continue
        if parse_instant(value) is None:
            yield Problem(
                doc.meta_line(key),
                f"`{key}` is `{value}`: not a real date and time",
                prop.get("description"),
            )


def _missing(error: ValidationError) -> str:
    return error.message.split("'")[1] if "'" in error.message else error.message


def _unknown_keys(
    doc: Document, error: ValidationError, meant: set[tuple[str, ...]]
) -> Iterator[Problem]:
    """Each misspelt or unknown key on its own line, with the nearest known one (added to
    `meant` when that key is absent: its "missing" error is the same problem)."""
    known = sorted(error.schema.get("properties", {}))
    where = [str(p) for p in error.absolute_path]
    for extra in sorted(set(error.instance) - set(known)):
        import difflib  # only for an unknown field

        near = difflib.get_close_matches(str(extra).lower(), known, n=1, cutoff=0.6)
        if near and near[0] not in error.instance:
            meant.add((*where, near[0]))
        yield Problem(
            doc.meta_line([*where, str(extra)]),
            f"unknown field `{extra}`" + (f": did you mean `{near[0]}`?" if near else ""),
            f"Rename it to `{near[0]}`." if near else f"Known fields: {', '.join(known)}.",
        )


def _row_problems(
    kind: str, row: Row, ctx: Context, skip: tuple[str, ...] = ()
) -> Iterator[Problem]:
    root = schema(kind)
    instance = {
        key: cell.text
        for key, cell in row.cells.items()
        if cell.text.strip() not in ("", "-") and key not in skip
    }
    for error in schema_errors(kind, instance):
        if error.validator == "required":
            continue  # empty cells are reported by the completeness rules with a better message
        message, hint = _describe(error, root)
        column = row.column(str(error.absolute_path[0])) if error.absolute_path else 1
        yield Problem(row.line, message, hint, column)


@rule("SC102", "timeline-row-schema", "schema")
def timeline_row_schema(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Each Timeline row must match `schema/timeline-row.schema.json`."""
    section = doc.section("timeline")
    if section and section.tables:
        for row in section.tables[0].rows:
            # Times are checked by the timeline rules, which can say what is wrong with one
            # (no date, not UTC) and give its UTC rewrite.
            yield from _row_problems("timeline", row, ctx, skip=("time",))


@rule("SC103", "action-item-schema", "schema")
def action_item_schema(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Each Action Items row must match `schema/action-item.schema.json`.

    Owners are one GitHub handle (`@alice`), deadlines are `YYYY-MM-DD`, status is one of
    open, in-progress, blocked, done, wont-do.
    """
    section = doc.section("action items")
    if section and section.tables:
        for row in section.tables[0].rows:
            yield from _row_problems("action", row, ctx)


@rule("SC104", "severity-scale", "schema", options=project("severity_scale"))
def severity_scale(doc: Document, ctx: Context) -> Iterator[Problem]:
    """The severity must be one of the configured scale (`severity_scale`, default P1..P4)."""
    scale = Scale.from_setting(ctx.option("severity_scale"))
    if doc.severity and doc.severity not in scale:
        yield Problem(
            doc.meta_line("severity"),
            f"severity `{doc.severity}` is not on the scale {scale.describe()}",
            f"Use one of {scale.describe()}.",
        )


@rule("SC105", "file-name", "schema")
def file_name(doc: Document, ctx: Context) -> Iterator[Problem]:
    """The file is named after the id: `<id>.md`.

    The id is the stable key of the post-mortem's GitHub issues and site URL; a file name that
    disagrees with it is usually a copied file whose id was not changed.
    """
    if doc.id and doc.path.name != f"{doc.id}.md":
        yield Problem(
            doc.meta_line("id"),
            f"file name `{doc.path.name}` does not match the id `{doc.id}`",
            f"Rename the file to `{doc.id}.md`, or fix the id.",
        )
