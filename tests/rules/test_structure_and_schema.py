"""Schema, structure and input-table rules, each with a failing source and a passing twin."""

from __future__ import annotations

from postmortem.config import Config

from ruletools import codes, line_of, run_rules


def test_seed_example_is_clean(seed):
    assert run_rules(seed, "SC") == []
    assert run_rules(seed, "ST") == []
    assert run_rules(seed, "IN") == []


def test_sc101_missing_required_field_points_at_frontmatter(seed):
    text = seed.replace('detected: "2025-02-09T14:09:00Z"\n', "")
    found = run_rules(text, "SC101")
    assert [f.message for f in found] == ["missing required field `detected`"]
    assert found[0].suggestion and "first knew" in found[0].suggestion


def test_sc101_time_without_offset_and_unknown_field(seed):
    text = seed.replace('started: "2025-02-09T14:02:00Z"', 'started: "2025-02-09 14:02"')
    text = text.replace("tags:", "tagz: [x]\ntags:")
    found = run_rules(text, "SC101")
    assert (line_of(text, "started:"), "SC101") in codes(found)
    assert (line_of(text, "tagz:"), "SC101") in codes(found) or any(
        "tagz" in f.message for f in found
    )


def test_sc101_wrong_type_names_types(seed):
    text = seed.replace(
        "services: [api-gateway, orders-api, postgres-primary]", "services: api-gateway"
    )
    found = run_rules(text, "SC101")
    assert len(found) == 1
    assert found[0].line == line_of(text, "services:")
    assert "must be an array" in found[0].message and "string" in found[0].message


def test_sc101_published_needs_reviewers(seed):
    text = seed.replace('reviewers: ["@kenji-watanabe", "@lena-fischer"]', "reviewers: []")
    assert [f.rule for f in run_rules(text, "SC101")] == ["SC101"]
    draft = text.replace("status: published", "status: draft")
    assert run_rules(draft, "SC101") == []


def test_sc103_owner_must_be_handle(seed):
    text = seed.replace("| @lena-fischer   |", "| Lena          |")
    found = run_rules(text, "SC103")
    assert codes(found) == [(line_of(text, "| Lena "), "SC103")]
    assert "@alice" in found[0].suggestion
    assert found[0].column == text.splitlines()[found[0].line - 1].index("Lena") + 1


def test_sc104_severity_scale_is_configurable(seed):
    text = seed.replace("severity: P2", "severity: SEV2")
    assert codes(run_rules(text, "SC104")) == [(line_of(text, "severity:"), "SC104")]
    config = Config()
    config.values["severity_scale"] = ["SEV1", "SEV2"]
    assert run_rules(text, "SC104", config=config) == []


def test_sc105_file_name_matches_id(seed):
    assert codes(run_rules(seed, "SC105", name="copy.md")) == [(line_of(seed, "id:"), "SC105")]


def test_st101_missing_section_and_st102_placeholder(seed):
    text = seed.replace("## What Went Well", "## Went Well")
    assert any("What Went Well" in f.message for f in run_rules(text, "ST101"))
    text = seed.replace(
        "- The rollback path through Argo CD worked on the first attempt.", "- TODO: what worked?"
    )
    assert codes(run_rules(text, "ST102")) == [(line_of(text, "TODO: what"), "ST102")]


def test_st102_empty_section(seed):
    start = seed.index("## Lessons Learned")
    text = seed[:start] + "## Lessons Learned\n"
    found = run_rules(text, "ST102")
    assert [f.message for f in found] == ["section `Lessons Learned` is empty"]


def test_st103_needs_two_contributing_factors(seed):
    start = seed.index("## Contributing Factors")
    end = seed.index("## Action Items")
    one = "## Contributing Factors\n\n- The pool size key was renamed.\n\n"
    text = seed[:start] + one + seed[end:]
    assert [f.rule for f in run_rules(text, "ST103")] == ["ST103"]
    two = one + "- Staging traffic is too low to reach the pool limit.\n\n"
    assert run_rules(seed[:start] + two + seed[end:], "ST103") == []


def test_st104_missing_column(seed):
    text = seed.replace("| Time (UTC)       | Event ", "| When             | Event ")
    assert any("time" in f.message for f in run_rules(text, "ST104"))


def test_st105_duplicate_section(seed):
    text = seed + "\n## Summary\n\nAgain.\n"
    assert codes(run_rules(text, "ST105")) == [(line_of(text, "Again.") - 2, "ST105")]


def test_in020_missing_and_extra_cells(seed):
    text = seed.replace("| A4  | Run a weekly load test", "| A4  | Run a weekly | load test")
    found = run_rules(text, "IN020")
    assert codes(found) == [(line_of(text, "| A4 "), "IN020")]
    assert "extra" in found[0].message
    text = seed.replace("| @lena-fischer   | 2025-04-30 |", "| 2025-04-30 |")
    found = run_rules(text, "IN020")
    assert "missing" in found[0].message


def test_ar102_related_ids_must_exist(tmp_path, seed):
    from datetime import date

    from postmortem.validation import validate

    other = seed.replace("id: 2025-02-09-api-service-degradation", "id: 2025-03-01-other").replace(
        "related: []", "related: [2025-02-09-api-service-degradation, 2024-01-01-missing]"
    )
    (tmp_path / "2025-02-09-api-service-degradation.md").write_text(seed, "utf-8")
    (tmp_path / "2025-03-01-other.md").write_text(other, "utf-8")
    config = Config()
    config.values["select"] = ["AR"]
    report = validate([tmp_path], config, date(2025, 3, 2), workers=1)
    assert [(f.rule, f.severity, f.line) for f in report.findings] == [
        ("AR102", "warning", line_of(other, "related:"))
    ]
    assert "2024-01-01-missing" in report.findings[0].message


def test_in017_deeply_nested_frontmatter():
    text = "---\nid: x\nextra: " + "[" * 40 + "]" * 40 + "\n---\n\n## Summary\n\nText.\n"
    assert [f.rule for f in run_rules(text, "IN")] == ["IN017"]


def test_in005_unreadable_file(tmp_path):
    from datetime import date

    from postmortem.validation import validate

    (tmp_path / "broken.md").symlink_to(tmp_path / "nowhere.md")
    config = Config()
    config.values["select"] = ["IN"]
    report = validate([tmp_path / "broken.md"], config, date(2025, 3, 2), workers=1)
    assert [(f.rule, f.line) for f in report.findings] == [("IN005", 1)]
