"""One finding per problem, on the line where the problem is."""

from __future__ import annotations

import pytest

from postmortem.config import Config
from postmortem.rules.action_items import VAGUE, vague_reason

from ruletools import codes, line_of, run_rules


def test_a_deadline_before_the_incident_is_one_finding(seed):
    text = seed.replace("| 2025-04-30 | P3       | done   |", "| 2025-01-30 | P3       | open   |")
    found = [f for f in run_rules(text) if f.line == line_of(text, "2025-01-30")]
    assert [f.rule for f in found] == ["AI103"]
    # A deadline after the incident that has passed is still overdue.
    late = seed.replace("| 2025-04-30 | P3       | done   |", "| 2025-02-20 | P3       | open   |")
    assert [f.rule for f in run_rules(late, "DL103")] == ["DL103"]


def test_restricted_yes_is_one_finding_that_says_what_to_write(seed):
    text = seed.replace("related: []\n", "related: []\nrestricted: yes\n")
    line = line_of(text, "restricted: yes")
    found = [f for f in run_rules(text) if f.line == line]
    assert [f.rule for f in found] == ["IN016"]
    assert "true or false" in found[0].suggestion and "--fix" in found[0].suggestion


def test_a_misspelt_key_is_reported_on_its_line_with_the_key_it_stands_for(seed):
    text = seed.replace("\nseverity: P2\n", "\nseverty: P2\n")
    found = run_rules(text, "SC101")
    assert codes(found) == [(line_of(text, "severty:"), "SC101")]
    assert "did you mean `severity`?" in found[0].message
    # An unknown key that is not a typo of an absent one: on its line, with the known ones.
    extra = seed.replace("related: []\n", "related: []\nteam: payments\n")
    found = run_rules(extra, "SC101")
    assert codes(found) == [(line_of(extra, "team: payments"), "SC101")]
    assert "Known fields:" in found[0].suggestion


def test_be_more_careful_is_left_to_the_blameless_rule(seed):
    action = "Run a weekly load test in staging at 50% of production peak                 "
    text = seed.replace(action, "Be more careful when changing pool settings".ljust(len(action)))
    line = line_of(text, "Be more careful")
    assert [f.rule for f in run_rules(text) if f.line == line] == ["BL109"]
    # With the blameless rule switched off, the action-item rule still flags it.
    config = Config()
    config.values["rules"] = {"BL109": False}
    assert codes(run_rules(text, "AI105", config=config)) == [(line, "AI105")]


@pytest.mark.parametrize("action", VAGUE.examples["vague"])
def test_vague_examples_are_flagged(action: str) -> None:
    assert vague_reason(action) is not None


@pytest.mark.parametrize("action", VAGUE.examples["specific"])
def test_specific_examples_are_not_flagged(action: str) -> None:
    assert vague_reason(action) is None


def test_the_reference_actions_pass_and_a_well_formed_vague_one_does_not(seed):
    action = "Run a weekly load test in staging at 50% of production peak                 "
    text = seed.replace(
        action, "Implement rules and guidelines for contributions".ljust(len(action))
    )
    found = run_rules(text, "AI105")
    assert codes(found) == [(line_of(text, "Implement rules"), "AI105")]
    assert '"Implement ... rules"' in found[0].message
