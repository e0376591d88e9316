"""The compiled schema check (schema_gate.py) accepts exactly what jsonschema accepts.

The schema rules skip jsonschema when the compiled check accepts an instance, so an instance
it accepts and jsonschema rejects would lose findings: these tests look for one on the
project's post-mortems, generated reports, the corpus (when present) and random instances.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem.document import load_document
from postmortem.rules import schema as schema_rules
from postmortem.rules import schema_codegen, schema_gate

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

KINDS = ("frontmatter", "timeline", "action")


def test_generated_module_is_up_to_date() -> None:
    pytest.importorskip("fastjsonschema")
    expected = schema_codegen.generate()
    assert schema_codegen.TARGET.read_text("utf-8") == expected, (
        "schema/ changed: run `python -m postmortem.rules.schema_codegen`"
    )


def gate_accepts(kind: str, instance) -> bool:
    check = schema_rules._gate(kind)
    assert check is not None, "the compiled check is stale"
    try:
        check(instance)
    except Exception:
        return False
    return True


def agree(kind: str, instance) -> None:
    """What the gate accepts, jsonschema accepts: an accepted instance skips jsonschema, so
    the reverse would lose findings. The gate may reject more: a rejected instance goes to
    jsonschema, which decides. (They differ on a value ending in a newline: Python's `$`
    matches before it, ECMA-262's, which the gate follows, does not.) For a row, missing
    cells (`required`) do not count."""
    errors = schema_rules.validator(kind).iter_errors(instance)
    if kind == "frontmatter":
        jsonschema_ok = not list(errors)
    else:
        jsonschema_ok = all(e.validator == "required" for e in errors)
    if gate_accepts(kind, instance):
        assert jsonschema_ok, (kind, instance)
    elif not _ends_in_newline(instance):
        assert not jsonschema_ok, (kind, instance)


def _ends_in_newline(value) -> bool:
    """A string anywhere in the value that ends in a newline."""
    if isinstance(value, str):
        return value.endswith("\n")
    if isinstance(value, dict):
        return any(_ends_in_newline(v) for v in value.values())
    if isinstance(value, list):
        return any(_ends_in_newline(v) for v in value)
    return False


def instances(doc) -> list[tuple[str, dict]]:
    found = [("frontmatter", doc.meta)]
    for kind, title in (("timeline", "timeline"), ("action", "action items")):
        section = doc.section(title)
        if section and section.tables:
            for row in section.tables[0].rows:
                found.append((kind, {k: c.text for k, c in row.cells.items()}))
    return found


def test_agrees_on_real_and_generated_reports(tmp_path: Path) -> None:
    paths = sorted((ROOT / "postmortems").glob("*.md")) + sorted(ROOT.glob("tests/**/*.md"))
    paths += generate(tmp_path, 40, 900, seed=5)
    if CORPUS.is_dir():
        paths += sorted(CORPUS.rglob("*.md"))
    seen = 0
    for path in paths:
        for kind, instance in instances(load_document(path)):
            agree(kind, instance)
            seen += 1
    assert seen > 500


def test_findings_unchanged_when_the_gate_is_off(tmp_path: Path, monkeypatch) -> None:
    """The schema rules give the same findings with the compiled check and without it."""
    from postmortem.config import Config
    from postmortem.validation import check_document

    paths = sorted((ROOT / "postmortems").glob("*.md")) + sorted(ROOT.glob("tests/**/*.md"))
    paths += generate(tmp_path, 10, 900, seed=9)
    config = Config()
    config.values["select"] = ["SC"]
    today = date(2026, 6, 1)
    with_gate = [check_document(load_document(p), config, today) for p in paths]
    monkeypatch.setattr(schema_rules, "_gate", lambda kind: None)
    assert [check_document(load_document(p), config, today) for p in paths] == with_gate


def test_stale_code_is_not_used(monkeypatch) -> None:
    """After an edit of schema/*.json the compiled check is ignored (jsonschema alone)."""
    schema_rules._gate.cache_clear()
    digest, check = schema_gate.VALIDATORS["frontmatter"]
    monkeypatch.setitem(schema_gate.VALIDATORS, "frontmatter", ("0" * 64, check))
    try:
        assert schema_rules._gate("frontmatter") is None
        errors = schema_rules.schema_errors("frontmatter", {"id": 3})
        assert any(e.validator == "required" for e in errors)
    finally:
        schema_rules._gate.cache_clear()


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.sampled_from(
        [
            "",
            "-",
            " ",
            "x",
            "P1",
            "P5",
            "High",
            "draft",
            "published",
            "in-review",
            "open",
            "done",
            "wont-do",
            "A1",
            "@alice",
            "@a-",
            "Alice (@alice)",
            "@alice\n",
            "2025-02-09",
            "2025-02-30",
            "2025-02-09\n",
            "2025-02-09T14:02:00Z",
            "2025-02-09T14:02Z",
            "2025-02-09 14:02:00+01:00",
            "2025-02-09T14:02:00",
            "2025-02-09-api-outage",
            "2025-02-09-API",
            "Add an alert on pool saturation",
            "short",
            "a" * 130,
            "Ω" * 5,
        ]
    ),
    st.datetimes(timezones=st.just(UTC)),
    st.dates(),
    st.just(datetime(2025, 2, 9, 14, 2)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "id"]), inner)
    ),
    max_leaves=6,
)


def keys(kind: str) -> list[str]:
    return [*schema_rules.schema(kind).get("properties", {}), "extra", "Id"]


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(KINDS), st.data())
def test_agrees_on_random_instances(kind: str, data) -> None:
    chosen = data.draw(st.lists(st.sampled_from(keys(kind)), unique=True, max_size=12))
    instance = {key: data.draw(VALUES) for key in chosen}
    agree(kind, instance)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(KINDS), st.data())
def test_agrees_on_nearly_valid_instances(kind: str, data) -> None:
    """A valid instance with one value replaced: the edge of the schema, where they could
    differ."""
    valid = {
        "frontmatter": {
            "id": "2025-02-09-api-outage",
            "title": "API outage",
            "status": "published",
            "severity": "P2",
            "started": "2025-02-09T14:02:00Z",
            "detected": "2025-02-09T14:05:00Z",
            "resolved": "2025-02-09T15:00:00Z",
            "report_date": "2025-02-10T09:00:00Z",
            "authors": ["@alice"],
            "reviewers": ["@bob"],
            "services": ["api"],
        },
        "timeline": {
            "time": "2025-02-09 14:02",
            "event": "Alert fired",
            "source": "Prometheus",
            "actor": "@alice",
        },
        "action": {
            "id": "A1",
            "action": "Add an alert on pool saturation",
            "owner": "@alice",
            "deadline": "2025-03-01",
            "priority": "P2",
            "status": "open",
        },
    }[kind]
    assert schema_rules.validator(kind).is_valid(valid)
    key = data.draw(st.sampled_from(keys(kind)))
    instance = {**valid, key: data.draw(VALUES)}
    agree(kind, instance)
    if data.draw(st.booleans()):
        instance.pop(data.draw(st.sampled_from(sorted(instance))))
        agree(kind, instance)


# -- settings sections declared as JSON Schemas (`sync:`) ----------------------------------
def sync_spec():
    from postmortem.settings import TOP

    return TOP["sync"]


def sync_agrees(section) -> None:
    """The compiled check of `sync:` accepts a section only if jsonschema finds no error, and
    leaves the section as it was (fastjsonschema's code fills in defaults: they are not
    compiled)."""
    from copy import deepcopy

    from jsonschema import Draft202012Validator

    spec = sync_spec()
    before = deepcopy(section)
    accepted = spec.accepted_by_gate(section)
    assert section == before
    valid = not list(Draft202012Validator(dict(spec.schema)).iter_errors(section))
    assert accepted == valid, section


def test_sync_settings_gate_is_current() -> None:
    spec = sync_spec()
    assert spec.gate and spec.accepted_by_gate({}), "the compiled `sync:` check is stale"


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-2, 2, allow_nan=False),
    st.sampled_from(["", "P1", "@acme/sre", "main", "1"]),
)
VALUES = st.one_of(
    SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.sampled_from(["x", "y"]), SCALARS)
)


@settings(max_examples=settings().max_examples * 3)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "repo",
                "api_url",
                "label",
                "statuses",
                "ref",
                "pace",
                "max_wait",
                "max_writes",
                "settle",
                "state_branch",
                "state_file",
                "due_soon_days",
                "followup_review_days",
                "escalation",
                "unknown",
            ]
        ),  # fmt: skip
        VALUES,
    ),
    st.dictionaries(
        st.sampled_from(["contact", "priorities", "grace_days", "other"]), VALUES, max_size=3
    ),
)
def test_sync_gate_agrees_on_random_sections(section, escalation) -> None:
    sync_agrees(section)
    sync_agrees({**section, "escalation": escalation})


def test_sync_gate_agrees_on_the_project_settings() -> None:
    import yaml

    sections = [yaml.safe_load((ROOT / ".postmortem.yml").read_text("utf-8"))["sync"]]
    sections.append({"escalation": None, "max_writes": True, "pace": 1.0, "statuses": "x"})
    for section in sections:
        sync_agrees(section)


def test_stale_sync_gate_is_not_used(monkeypatch) -> None:
    check = schema_gate.VALIDATORS["settings.sync"][1]
    monkeypatch.setitem(schema_gate.VALIDATORS, "settings.sync", ("0" * 64, check))
    assert not sync_spec().accepted_by_gate({})
