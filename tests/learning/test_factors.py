"""Contributing-factor categories: bold labels as the reference writes them, markers, LE102."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from postmortem.config import Config, ConfigError, load_config
from postmortem.document import parse_document
from postmortem.learning.factors import build_taxonomy, default_taxonomy, factors, taxonomy_for
from postmortem.rules import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "data" / "similarity"
REFERENCE = ROOT.parent / "shared" / "reference-report.md"


def doc_with(items: str):
    text = f"---\nid: x\n---\n\n## Contributing Factors\n\n{items}\n\n## Action Items\n"
    return parse_document(text, "x.md")


def test_reference_report_labels_map_to_the_default_categories():
    if not REFERENCE.is_file():
        pytest.skip("../shared/reference-report.md is absent (a clone without the shared folder)")
    doc = parse_document(REFERENCE.read_text("utf-8"), "reference.md")
    found = {f.label: f.categories for f in factors(doc, default_taxonomy()) if f.label}
    assert found == {
        "Monitoring Gap": ("monitoring",),
        "Testing Gap": ("testing",),
        "Runbook Gap": ("runbook",),
        "Capacity Planning": ("capacity",),
    }


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("- **Monitoring Gap**: pool usage not watched", ("monitoring",)),
        ("- **Monitoring gap:** pool usage not watched", ("monitoring",)),
        ("- __Testing__ - no load test", ("testing",)),
        ("1. **Capacity Planning**: pool unchanged", ("capacity",)),
        ("- **Change Management**: no canary", ("change-management",)),
        ("- **Documentation**: runbook out of date", ("runbook",)),
        ("- **Third-party**: vendor notice missed", ("dependency",)),
        ("- Pool unchanged <!-- postmortem: category=capacity -->", ("capacity",)),
        ("- **Alerting**: late <!-- postmortem: category=process -->", ("monitoring", "process")),
        (
            "- Pool unchanged <!-- postmortem: category=capacity, configuration -->",
            ("capacity", "configuration"),
        ),  # fmt: skip
        ("- **Note**: not a category label", ()),
        ("- A factor without a label is fine", ()),
        ("- The word monitoring in the text is not a label", ()),
    ],
)
def test_factor_categories(item, expected):
    (factor,) = factors(doc_with(item), default_taxonomy())
    assert factor.categories == expected
    assert factor.unknown == ()


def test_factors_know_their_subheading_and_line():
    doc = parse_document((EXAMPLES / "2025-03-04-orders-pool-exhaustion.md").read_text(), "x.md")
    found = factors(doc, default_taxonomy())
    assert [(f.group, f.categories) for f in found] == [
        ("immediate cause", ()),
        ("contributing factors", ("monitoring",)),
        ("contributing factors", ("testing",)),
        ("contributing factors", ("capacity",)),
        ("systemic issues", ()),
    ]
    assert found[1].line == 55 and found[1].text.startswith("Monitoring Gap: connection pool")


def run_rule(doc, config: Config | None = None):
    from postmortem.rules import CHECKERS
    from postmortem.rules.base import Context

    checker = CHECKERS[REGISTRY["LE102"].checker]
    ctx = Context(config=config or Config(), today=__import__("datetime").date(2026, 1, 1))
    return [p for rule, p in checker.run(doc, ctx) if rule.code == "LE102"]


def test_unknown_marker_is_a_warning_with_the_known_names():
    problems = run_rule(doc_with("- Pool unchanged <!-- postmortem: category=capcity -->"))
    assert len(problems) == 1
    assert "`capcity`" in problems[0].message and problems[0].line == 7
    assert "capacity" in problems[0].suggestion
    assert REGISTRY["LE102"].severity == "warning"
    assert run_rule(doc_with("- **Capcity**: a bold label that matches nothing")) == []


def test_a_configured_taxonomy_replaces_the_default(tmp_path):
    (tmp_path / ".postmortem.yml").write_text(
        "factor_categories:\n"
        "  security: {title: Security, labels: [access control]}\n"
        "  monitoring: [observability]\n",
        "utf-8",
    )
    config = load_config(start=tmp_path)
    taxonomy = taxonomy_for(config.values)
    assert taxonomy.names == ["security", "monitoring"]
    assert taxonomy.title("security") == "Security"
    (factor,) = factors(doc_with("- **Access Control Gap**: shared admin keys"), taxonomy)
    assert factor.categories == ("security",)
    problems = run_rule(doc_with("- x <!-- postmortem: category=testing -->"), config)
    assert "`testing`" in problems[0].message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[monitoring]", "must be a mapping"),
        ("{Monitoring: [x]}", "lower-case"),
        ("{monitoring: {labels: x}}", "labels must be a list"),
        ("{monitoring: {colour: red}}", "unknown key"),
    ],
)
def test_taxonomy_typos_are_configuration_errors_with_a_line(tmp_path, value, message):
    (tmp_path / ".postmortem.yml").write_text(f"ignore: []\nfactor_categories: {value}\n", "utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(start=tmp_path)
    assert ".postmortem.yml:2:" in str(error.value) and message in str(error.value)
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "postmortem"), "validate", "--today", "2026-01-01"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2 and "factor_categories" in result.stderr


def test_rules_command_documents_the_marker():
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "postmortem"), "rules", "LE102"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "<!-- postmortem: category=capacity -->" in result.stdout
    assert "**Monitoring Gap**" in result.stdout
    assert build_taxonomy({"a": []}).names == ["a"]
