"""Prose rules (PR1xx): proselint on prose only, per-family codes, the default set, config."""

from __future__ import annotations

from datetime import date

import pytest

from postmortem.config import Config, ConfigError
from postmortem.document import load_document, parse_document
from postmortem.rules import REGISTRY, prose
from postmortem.validation import check_document

from ruletools import ROOT, checker_problems, line_of, run_rules

CORPUS = ROOT.parent / "shared" / "corpus" / "real-postmortems"
TODAY = date(2025, 3, 1)


def prose_findings(text: str, config: Config | None = None) -> list[tuple[int, int, str, str]]:
    """(line, column, code, message) of every PR rule, run straight from the registry."""
    config = config or Config()
    doc = parse_document(text, "x.md")
    found = checker_problems(doc, "PR", config, TODAY)
    return sorted((p.line, p.column, code, p.message) for code, p in found)


def body(*paragraphs: str) -> str:
    """A small post-mortem: frontmatter, a Summary with the given paragraphs."""
    return "---\nid: 2025-02-09-x\n---\n\n## Summary\n\n" + "\n\n".join(paragraphs) + "\n"


def config_with(**values) -> Config:
    config = Config()
    config.values.update(values)
    return config


def test_every_family_has_its_own_code_and_documentation():
    families = {code for code, _ in prose.FAMILIES.values()}
    assert len(families) == len(prose.FAMILIES) == 24
    for code in [*families, "PR100"]:
        rule = REGISTRY[code]
        assert (rule.category, rule.severity) == ("prose", "warning")
        assert rule.summary and "proselint" in rule.doc or code == "PR100"


def test_seed_example_is_clean(seed):
    assert run_rules(seed, "PR") == []


def test_repeated_word_reported_at_its_line_and_column():
    text = body("The deploy started.", "Requests queued for the the pool.")
    line = line_of(text, "the the")
    column = text.splitlines()[line - 1].index("the the") + 1
    found = prose_findings(text)
    assert [(f[0], f[1], f[2]) for f in found] == [(line, column, "PR107")]
    assert "lexical_illusions" in found[0][3]
    assert prose_findings(body("The deploy started.", "Requests queued for the pool.")) == []


def test_position_on_the_second_line_of_a_wrapped_paragraph():
    text = body("The deploy started at 13:55 and\nwe will add an additional alert.")
    line = line_of(text, "add an additional")
    column = text.splitlines()[line - 1].index("add an additional") + 1
    assert [(f[0], f[1], f[2]) for f in prose_findings(text)] == [(line, column, "PR116")]


def test_table_cell_position_and_suggested_rewrite(seed):
    text = seed.replace(
        "Run a weekly load test in staging", "Add an additional weekly load test in staging"
    )
    found = run_rules(text, "PR")
    line = line_of(text, "Add an additional")
    column = text.splitlines()[line - 1].index("Add an additional") + 1
    assert [(f.line, f.column, f.rule) for f in found] == [(line, column, "PR116")]
    assert found[0].severity == "warning" and found[0].category == "prose"
    assert found[0].suggestion.startswith("Write 'add' instead")
    assert "-redundancy.misc" in found[0].suggestion  # tells how to turn the check off


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("First and foremost, the pool was too small.", "PR103"),
        ("The outage lasted from February, 2025 until March.", "PR104"),
        ("The team was thrown under the bus by the vendor.", "PR106"),
        ("We asked in regards to the quota.", "PR109"),
        ("The rollout was irregardless of the alert.", "PR113"),
        ("Each and every node restarted.", "PR116"),
        ("The chairman of the board asked for a report.", "PR119"),
        ("We saw alot of errors.", "PR120"),
        ("The pool was empty!!", "PR122"),
    ],
)
def test_default_families_flag_and_neutral_twin_passes(sentence, code):
    assert [(f[0], f[2]) for f in prose_findings(body(sentence))] == [(7, code)]


def test_placeholders_are_left_to_st102_unless_annotations_are_enabled():
    text = body("TODO: add the impact numbers.")
    assert prose_findings(text) == []
    assert [
        (f[0], f[2])
        for f in prose_findings(text, config_with(prose_checks=["default", "annotations"]))
    ] == [(7, "PR101")]
    assert [f.rule for f in run_rules(text, "ST102")] == ["ST102"]


@pytest.mark.parametrize(
    "sentence",
    [
        'The job logged "no space left on device" and stopped.',  # straight quotes
        "The deploy took 10x longer... then it finished.",  # x for times, three dots
        "We resume traffic once the replica catches up.",  # `resume` is a verb here
        "The node allocatable memory was very low.",  # Kubernetes term, `very`
        "Between 14:02 and 15:40 UTC, from 14:02 to 15:40, around 9am PST.",
        "The new logs are more complete and largely complete by now.",
        "Obviously the cache was cold.",  # hindsight is BL105's job, not proselint's twice
        "But the alert did not fire.",
        "Hopefully the new limit holds.",
        "Requests failed.  Two spaces after a period do not render in Markdown.",
    ],
)
def test_technical_writing_is_not_flagged_by_default(sentence):
    assert prose_findings(body(sentence)) == []


def test_code_urls_headings_and_quotes_are_not_prose():
    text = body(
        "Run `echo the` `the` and read the output.",
        "```\nthe the pool\n```",
        "> the the quote from chat",
        "### The the heading",
        "See https://example.com/the/the and https://example.com/the/the.",
    )
    assert prose_findings(text) == []


def test_repeats_made_by_joining_blocks_or_placeholders_are_dropped():
    items = body("- Terraform state lock\n- State lock cleared\n- Started at 2019-10-20 00:55")
    assert prose_findings(items) == []
    assert prose_findings(body("The values `a`, `b` and `c` were `d` `e` read.")) == []


def test_a_phrase_inside_quotes_is_not_reported():
    """proselint skips quoted text for most checks (LintFile's quoted spans, found only when a
    finding needs them): the same phrase is reported outside quotes only."""
    assert len(prose_findings(body("We asked in regards to the quota."))) == 1
    assert prose_findings(body('We wrote "we asked in regards to the quota" in the log.')) == []
    found = prose_findings(body('Each and every host, then "each and every host" again.'))
    assert [(line, column) for line, column, *_ in found] == [(7, 1)]


def test_one_finding_per_span_even_when_two_checks_agree():
    # misc.preferred_forms and misc.tense_present both flag "in regards to".
    assert len(prose_findings(body("We asked in regards to the quota."))) == 1


def test_prose_checks_setting_adds_removes_and_turns_off():
    text = body("The pool was very small. Each and every node restarted.")
    assert [f[2] for f in prose_findings(text)] == ["PR116"]
    added = config_with(prose_checks=["default", "weasel_words"])
    assert [f[2] for f in prose_findings(text, added)] == ["PR124", "PR116"]
    removed = config_with(prose_checks=["default", "-redundancy"])
    assert prose_findings(text, removed) == []
    assert prose_findings(text, config_with(prose_checks=[])) == []
    only = config_with(prose_checks=["weasel_words.very"])
    assert [f[2] for f in prose_findings(text, only)] == ["PR124"]


def test_unknown_proselint_check_is_a_clear_error():
    config = config_with(prose_checks=["default", "redundancy.typo"])
    with pytest.raises(ConfigError, match=r"unknown proselint check `redundancy.typo`"):
        prose_findings(body("Each and every node restarted."), config)
    assert prose.unknown_checks(["-spelling.able_atable", "misc", "nope"]) == ["nope"]
    # Through the engine: one finding per file naming the setting, not one per PR rule.
    doc = parse_document(body("Each and every node restarted."), "x.md")
    found = [f for f in check_document(doc, config, TODAY) if f.rule.startswith(("PR", "INT"))]
    assert len(found) == 1 and "redundancy.typo" in found[0].message


def test_ignored_families_are_not_run():
    config = config_with(ignore=["PR116"])
    assert prose_findings(body("Each and every node restarted."), config) == []
    spelling_only = prose.enabled_checks(("default",), frozenset({"spelling"}))
    assert spelling_only and all(c.path.startswith("spelling.") for c in spelling_only)
    assert not any(c.path == "spelling.able_atable" for c in spelling_only)


def test_proselint_checks_are_registered_once_per_process():
    from proselint.checks import __register__
    from proselint.registry import CheckRegistry

    prose.enabled_checks.cache_clear()
    for _ in range(3):
        prose.enabled_checks(("default",), None)
        prose.lint_prose(parse_document(body("Each and every node."), "x.md"), prose._all_checks())
    assert len(CheckRegistry().checks) == len(__register__)


def test_in_place_suppression_and_severity_override(seed):
    text = seed.replace(
        "Run a weekly load test in staging", "Add an additional weekly load test in staging"
    )
    config = Config()
    config.values["rules"] = {"PR116": {"severity": "error"}}
    assert [f.severity for f in run_rules(text, "PR", config=config)] == ["error"]
    line = line_of(text, "Add an additional")
    lines = text.splitlines()
    lines.insert(line - 1, "<!-- postmortem: disable-next-line=PR116 -->")
    assert run_rules("\n".join(lines) + "\n", "PR") == []


@pytest.mark.shared
def test_real_postmortems_few_findings_and_no_crash():
    """The default set stays quiet on real reports: measured 16 findings in ~31,000 words."""
    files = sorted(CORPUS.rglob("*.md"))
    assert len(files) >= 50
    found = []
    for path in files:
        doc = load_document(path)
        found += [(path.name, p.line, code) for code, p in checker_problems(doc, "PR")]
    assert 5 <= len(found) <= 30, found
    # Two real typos in the corpus are caught: "the the" in two different reports.
    assert sum(1 for _, _, code in found if code == "PR107") >= 2


def test_prose_runs_once_per_document_for_all_families(monkeypatch):
    doc = parse_document(body("Each and every node restarted. We saw alot of errors."), "x.md")
    calls = []
    real = prose.lint_prose
    monkeypatch.setattr(prose, "lint_prose", lambda *a: calls.append(a) or real(*a))
    found = check_document(doc, Config(), TODAY)
    assert len(calls) == 1
    assert [f.rule for f in found if f.rule.startswith("PR")] == ["PR116", "PR120"]


def test_codes_of_paths():
    assert prose.code_of("typography.symbols.curly_quotes") == "PR122"
    assert prose.code_of("some_new_family.check") == "PR100"


@pytest.mark.shared
def test_prefilter_finds_exactly_what_every_check_finds(monkeypatch):
    """The RE2 pre-selection of checks changes speed, never results (real reports, all checks)."""
    every = prose.enabled_checks(tuple(sorted(set(prose.FAMILIES) - {"restricted"})), None)

    class RunAll:
        def select(self, text):
            return list(every)

    docs = [load_document(p) for p in sorted(CORPUS.rglob("*.md"))]
    monkeypatch.setattr(prose, "PLAN_AFTER", 0)  # the plan from the first report on
    selected = [prose.lint_prose(doc, every) for doc in docs]
    plan = prose._plan(every)
    assert plan.always and plan.sets  # most checks are pre-selected, a few always run
    monkeypatch.setattr(prose, "_plan", lambda checks: RunAll())
    unfiltered = [prose.lint_prose(doc, every) for doc in docs]
    assert sum(map(len, unfiltered)) > 100  # all checks on: plenty to compare
    assert selected == unfiltered


def test_a_run_over_many_reports_uses_the_plan_from_the_first(monkeypatch):
    """Validating more reports than PLAN_AFTER builds the plan at once; a few run every check
    (the plan's cost would not pay off). Either way the findings are the same (see above)."""
    checks = prose.enabled_checks(("default",))
    monkeypatch.setattr(prose, "_LINTED", [0])
    prose.expect_reports(3)
    assert isinstance(prose._selector(checks), prose._RunAll)
    monkeypatch.setattr(prose, "_LINTED", [0])
    prose.expect_reports(prose.PLAN_AFTER + 1)
    assert isinstance(prose._selector(checks), prose._Plan)
