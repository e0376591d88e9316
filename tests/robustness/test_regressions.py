"""Regression tests for the crashes and wrong places the fuzz tests found, one per fix."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortem.authoring import AuthoringError, create_postmortem, parse_started
from postmortem.config import DEFAULTS, Config, ConfigError, merge
from postmortem.document import load_document, parse_bytes
from postmortem.importers import ImportOptions, TimelineImportError, read_events
from postmortem.importers.model import parse_time
from postmortem.rules.security import find_secrets
from postmortem.site.markup import plain
from postmortem.site.pages import SiteOptions, build_site
from postmortem.validation import check_document, read_entry

from fuzzing import (
    CONFIG,
    SEED,
    TODAY,
    assert_downstream_survives,
    assert_findings_sound,
    file_lines,
)

PATH = Path("postmortems/2025-02-09-api-service-degradation.md")


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\x1c", "\x1e", "\x85", "\u2028", "\u2029"])
def test_unusual_line_separators_do_not_shift_line_numbers(separator: str) -> None:
    """Python's splitlines() breaks lines at form feeds, NEL and U+2028; editors, GitHub and
    Markdown do not. A report pasted from a word processor must keep its findings on the
    lines GitHub shows."""
    text = SEED.replace("## Summary\n", f"## Summary{separator}\n")
    text = text.replace("## Timeline", "## Timeline\n\nTODO: the on-call engineer failed to act.")
    data = text.encode()
    findings = assert_findings_sound(parse_bytes(data, PATH), data)
    placeholder = [f for f in findings if f.rule == "ST102"]
    assert [f.line for f in placeholder] == [line_of(text, "TODO: the on-call")]
    assert max(f.line for f in findings) <= file_lines(data)


def test_suppression_comment_after_a_form_feed_silences_its_own_line() -> None:
    text = SEED.replace("## Impact\n", "## Impact\x0c\n").replace(
        "## Timeline", "## Timeline\n\nTODO: fill in <!-- postmortem: disable=ST102 -->"
    )
    findings = check_document(parse_bytes(text.encode(), PATH), CONFIG, TODAY)
    assert not [f for f in findings if f.rule == "ST102"]


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_yaml_line_breaks_inside_frontmatter_values_keep_key_lines(separator: str) -> None:
    """YAML counts NEL, U+2028 and U+2029 as line breaks; the file does not. A title pasted
    with one must not move the findings of the keys below it."""
    text = SEED.replace("title: API Service Degradation", f'title: "API{separator}Service"')
    text = text.replace("tags: [latency, database, connection-pool]", "tags: [no, latency]")
    text = text.replace("severity: P2", "severity: P2\nseverity: P1")
    data = text.encode()
    doc = parse_bytes(data, PATH)
    assert doc.meta_line("tags") == line_of(text, "tags: [no")
    findings = assert_findings_sound(doc, data)
    where = {f.rule: (f.line, f.column) for f in findings if f.rule in ("IN014", "IN016")}
    assert where == {
        "IN014": (line_of(text, "severity: P1"), 1),
        "IN016": (line_of(text, "tags:"), 8),
    }


def test_yaml_error_after_a_unicode_line_separator_points_at_the_file_line() -> None:
    """YAML reads `title: API<U+2028>Service` as a key without `:` on a line of its own and
    reports the next key, as it does for a real line break; that key's file line is the
    one after the title, not two after."""
    text = SEED.replace("title: API Service Degradation", "title: API\u2028Service")
    doc = parse_bytes(text.encode(), PATH)
    [problem] = doc.problems
    assert problem.rule == "IN012"
    assert problem.line == line_of(text, "status: published")


EDGE_INSTANTS = [
    "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
    "9999-12-31T23:59:59-23:59",  # after year 9999 in UTC
    "0001-01-01T00:00:00Z",  # minus the timeline lead hours overflows
    "9999-12-30T00:00:00Z",  # plus the publication window overflows
]


@pytest.mark.parametrize("key", ["started", "detected", "mitigated", "resolved", "report_date"])
@pytest.mark.parametrize("value", EDGE_INSTANTS)
def test_instants_at_the_limits_of_datetime_are_findings_not_crashes(key: str, value: str) -> None:
    """Converting these to UTC, or shifting them by hours, raised OverflowError in a dozen
    rules, the site and the sync plan. They are now a schema finding on their own line."""
    text = re.sub(rf"^{key}: .*$", f'{key}: "{value}"', SEED, flags=re.M)
    data = text.encode()
    doc = parse_bytes(data, PATH)
    findings = assert_findings_sound(doc, data)
    assert_downstream_survives(doc)
    assert (line_of(text, f"{key}: "), "SC101") in {(f.line, f.rule) for f in findings}


def test_impossible_calendar_date_in_the_frontmatter_is_reported() -> None:
    text = SEED.replace('resolved: "2025-02-09T15:40:00Z"', 'resolved: "2025-02-30T15:40:00Z"')
    findings = check_document(parse_bytes(text.encode(), PATH), CONFIG, TODAY)
    [finding] = [f for f in findings if f.rule == "SC101"]
    assert finding.line == line_of(text, "resolved:")
    assert "not a real date and time" in finding.message


@pytest.mark.parametrize("cell", ["0001-01-01 00:00 +14:00", "9999-12-31 23:59 -2359"])
def test_timeline_time_outside_utc_range_is_not_a_date(cell: str) -> None:
    text = SEED.replace("| 2025-02-09 14:02 |", f"| {cell} |")
    data = text.encode()
    doc = parse_bytes(data, PATH)
    findings = assert_findings_sound(doc, data)
    assert_downstream_survives(doc)
    assert (line_of(text, cell), "TL101") in {(f.line, f.rule) for f in findings}


# --------------------------------------------------------------------------- importers
PROMETHEUS = (
    '{"status": "success", "data": {"resultType": "matrix", "result": '
    '[{"metric": {"__name__": "up"}, "values": [[STAMP, "1"]]}]}}'
)


@pytest.mark.parametrize("stamp", ["1e300", "-1e300", "1" + "0" * 400, "NaN", "Infinity", "1e30"])
def test_prometheus_sample_time_out_of_range_is_a_bad_sample(stamp: str) -> None:
    """datetime.fromtimestamp raised OverflowError, OSError or ValueError (NaN)."""
    with pytest.raises(TimelineImportError, match="bad sample") as caught:
        read_events(PROMETHEUS.replace("STAMP", stamp), ImportOptions(above=0.5))
    assert caught.value.line == 1


@pytest.mark.parametrize("stamp", ["1e300", "1" + "0" * 400, "NaN", "-1e30"])
def test_json_log_line_with_unusable_epoch_is_skipped(stamp: str) -> None:
    bad = '{"ts": STAMP, "level": "error", "msg": "boom"}'.replace("STAMP", stamp)
    text = bad + '\n{"ts": 1741946671, "level": "error", "msg": "ok"}'
    kind, result = read_events(text, ImportOptions())
    assert kind == "logs"
    assert [e.event for e in result.events] == ["ERROR ok"]
    assert result.skipped == 1


@pytest.mark.parametrize(
    "moment",
    ["2025-03-14T10:04:31+99:99", "2025-03-14T10:04:31-24:00", "9999-12-31T23:59:59-23:59"],
)
def test_time_with_impossible_offset_is_not_a_time(moment: str) -> None:
    """timezone() refuses offsets of 24 h or more (ValueError); 9999-12-31 at -23:59 is
    after year 9999 in UTC (OverflowError). Both are simply not times."""
    alerts = json.dumps([{"labels": {"alertname": "X"}, "startsAt": moment}])
    with pytest.raises(TimelineImportError, match="not an RFC 3339 time"):
        read_events(alerts, ImportOptions())
    assert parse_time(moment) is None


def test_json_integer_over_the_digit_limit_is_invalid_json() -> None:
    """Python refuses to convert integers of more than 4300 digits with a plain ValueError,
    which is not a JSONDecodeError."""
    with pytest.raises(TimelineImportError, match="invalid JSON"):
        read_events('{"alerts": [' + "9" * 5000 + "]}", ImportOptions())


# --------------------------------------------------------------------------- slow paths
def test_secret_spans_claimed_once_with_thousands_of_hits() -> None:
    """find_secrets checked each match against every span claimed so far (quadratic: 1 MB
    of `token: ` took minutes); the bisection must give the same answer as that scan."""
    token = "ghp_" + "A1b2" * 9
    text = f"password={token} and token: {token} " + "token: x9!k2Lq " * 2000
    hits = find_secrets(text)
    spans = [(h.start, h.start + len(h.value)) for h in hits]
    assert all(
        a_end <= b_start for (_, a_end), (b_start, _) in zip(spans[:-1], spans[1:], strict=True)
    )
    assert [h.code for h in hits[:2]] == ["SE105", "SE105"]  # the token, not the labels
    assert len(hits) == 2 + 2000


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("a <!-- note --> b <!-- open", "a b <!-- open"),
        ("<!-->x-->y", "y"),
        ("see [docs](https://x.y/a) and ![img](i.png) end", "see docs and img end"),
        ("[wiki](https://en.wikipedia.org/wiki/Foo_(bar)) end", "wiki end"),
        ("[[[[ unclosed ![ [a](", "[[[[ unclosed ![ [a]("),
    ],
)
def test_feed_summary_plain_text(markdown: str, expected: str) -> None:
    """plain() scanned to the end of the text from every `[` and every unclosed `<!--`;
    its output for ordinary Markdown is what it was."""
    assert plain(markdown) == expected


def test_repeated_word_found_next_to_a_long_run_of_digits() -> None:
    """lexical_illusions reads runs of 50+ word characters blanked out (they made its
    pattern backtrack for minutes); repeated words around them are still found."""
    text = SEED.replace(
        "intermittent 503 responses.",
        "intermittent 503 responses. Request " + "7" * 5000 + " failed the the same way.",
    )
    findings = check_document(parse_bytes(text.encode(), PATH), CONFIG, TODAY)
    illusions = [f for f in findings if "lexical_illusions" in f.message]
    assert [(f.line, "the the" in f.message) for f in illusions] == [
        (line_of(text, "failed the the"), True)
    ]


# --------------------------------------------------------------------------- archive index
INDEX_CASES = {
    "bom": "\ufeff" + SEED,
    "closed-with-dots": SEED.replace("related: []\n---\n", "related: []\n...\n", 1),
    "old-mac-line-ends": SEED.replace("\n", "\r"),
    "four-dashes-first": SEED.replace("---\n", "----\n", 1),
    "quoted-comma-in-related": SEED.replace("related: []", "related: [a, 'b,c']"),
    "integer-id": SEED.replace("id: 2025-02-09-api-service-degradation", "id: 123"),
    "null-id": SEED.replace("id: 2025-02-09-api-service-degradation", "id: null"),
    "latin-1": SEED.replace("API Service", "API S\xe9rvice"),
    "nul": SEED.replace("API Service", "API\x00Service"),
    "id-continued": SEED.replace("title: API", "  continued\ntitle: API"),
    "id-continued-after-blank": SEED.replace("title: API", "\n  continued\ntitle: API"),
}


@pytest.mark.parametrize("name", INDEX_CASES)
def test_archive_index_entry_agrees_with_the_full_parse(name: str, tmp_path: Path) -> None:
    """`--changed-since` indexes unchanged files from their frontmatter with two regular
    expressions; the index gave a different id than the full parse for these files (a BOM
    hid the id, `...` closing or `\\r` line ends were not found, `'b,c'` was split, `123`
    was taken as a text id, unreadable files had ids), so archive rules disagreed between
    a full run and a --changed-since run."""
    text = INDEX_CASES[name]
    data = text.encode("latin-1") if name == "latin-1" else text.encode()
    path = tmp_path / "2025-02-09-api-service-degradation.md"
    path.write_bytes(data)
    doc = parse_bytes(data, path)
    entry = read_entry(path)
    assert (entry.id, entry.related) == (doc.id, tuple(doc.related))
    if doc.id:
        assert entry.id_line == doc.meta_line("id")


# --------------------------------------------------------------------------- configuration
@pytest.mark.parametrize(
    "key", ["publish_within_hours", "timeline_lead_hours", "timeline_trail_hours"]
)
@pytest.mark.parametrize("value", [10**30, -(10**30)])
def test_absurd_hours_in_the_configuration_are_a_config_error(key: str, value: int) -> None:
    """`timeline_lead_hours: 1000000000000000000000000000000` made timedelta overflow in
    DL101 and TL104 (INTERNAL, exit 2) on every file; it is a configuration error with the
    file and line now."""
    with pytest.raises(
        ConfigError, match=rf"^\.postmortem\.yml:3: `{key}` must be a number between"
    ):
        merge({key: value}, ".postmortem.yml", {key: 3})
    merge({key: 1000}, ".postmortem.yml", {key: 3})  # large but sane values still work


# --------------------------------------------------------------------------- authoring
@pytest.mark.parametrize(
    "started", ["0001-01-01T00:00+14:00", "9999-12-31T23:59-23:59", "0001-01-01T00:00Z"]
)
def test_new_refuses_a_start_time_out_of_range(started: str) -> None:
    """OverflowError ('internal error', exit 2) for the first two; the third wrote a file
    with the id `1-01-01-...` that its own validator rejected."""
    with pytest.raises(AuthoringError, match="out of range"):
        parse_started(started)


@pytest.mark.parametrize("title", ["Outage\x7f", "Outage\x1b[31m", "Out\x00age", "DNS\x85\u2028x"])
def test_new_with_control_characters_in_the_title_writes_a_readable_file(
    title: str, tmp_path: Path
) -> None:
    """DEL and C1 characters made the frontmatter invalid YAML (libyaml refuses them), NUL
    made the file binary; they are dropped from the title now."""
    started = datetime(2025, 2, 10, tzinfo=UTC)
    created = create_postmortem(title, tmp_path, started=started, now=started)
    doc = load_document(created.path)
    assert doc.parsed and not doc.problems, doc.problems
    assert doc.title.isprintable()


def test_prose_finding_positions_in_a_long_paragraph_with_many_findings() -> None:
    """ProseBlock.position counted the line breaks of text[:offset] for every finding:
    quadratic in a long paragraph with thousands of proselint hits (400 KB of 'alot ' took
    6 s, 2 MB minutes). Positions are unchanged: each hit on its own line and column."""
    lines = ["Between alot of retries the queue grew."] * 3
    text = SEED.replace("intermittent 503 responses.", "\n".join(lines))
    findings = check_document(parse_bytes(text.encode(), PATH), CONFIG, TODAY)
    first = line_of(text, "Between alot")
    assert [(f.line, f.column) for f in findings if f.rule == "PR120"] == [
        (first, 9),
        (first + 1, 9),
        (first + 2, 9),
    ]


def test_old_mac_line_ends_keep_the_site_body_and_secret_lines() -> None:
    """With `\\r` alone as line end the document's lines (like Markdown's) count it, but the
    site page body split on `\\n` only (and came out empty) and secrets were all on line 1."""
    token = "ghp_" + "A1b2" * 9
    text = SEED.replace("## Impact", f"Token: {token}\n\n## Impact")
    doc = parse_bytes(text.replace("\n", "\r").encode(), PATH)
    [secret] = [f for f in check_document(doc, CONFIG, TODAY) if f.rule == "SE105"]
    assert (secret.line, secret.column) == (line_of(text, "Token: ghp_"), 8)
    site = build_site([doc], SiteOptions(today=TODAY))
    body = site.page("postmortems/2025-02-09-api-service-degradation.md").markdown
    assert "renamed the key" in body and "## Lessons Learned" in body


@pytest.mark.parametrize("character", ["\x7f", "\x0c", "\x1b", "\x80"])
def test_control_character_in_frontmatter_is_reported_on_its_line(character: str) -> None:
    """YAML's reader refuses control characters; the finding was on the first frontmatter
    line with the reader's byte position in the message. It is on the character's line and
    column now (the C reader counts bytes: the title before it has non-ASCII letters)."""
    text = SEED.replace("title: API Service Degradation", "title: Dégradation €").replace(
        "severity: P2", f"severity: P{character}2"
    )
    [problem] = parse_bytes(text.encode(), PATH).problems
    assert (problem.rule, problem.line, problem.column) == ("IN012", line_of(text, "severity:"), 12)
    assert f"U+{ord(character):04X}" in problem.message


@pytest.mark.parametrize("value", [1e300, "abc", float("nan"), True])
def test_per_rule_hours_that_are_not_numbers_are_a_config_error(value: object) -> None:
    """`rules: {TL104: {timeline_lead_hours: abc}}` reached the rule unchecked: float('abc')
    or timedelta(hours=1e300) made TL104 an INTERNAL error (exit 2) on every file."""
    lines = {"rules/TL104/timeline_lead_hours": 12}
    with pytest.raises(
        ConfigError,
        match=r"^\.postmortem\.yml:12: `rules/TL104/timeline_lead_hours` must be a number",
    ):
        merge({"rules": {"TL104": {"timeline_lead_hours": value}}}, ".postmortem.yml", lines)
    merge({"rules": {"TL104": {"timeline_lead_hours": 2.5}}}, ".postmortem.yml", lines)


@pytest.mark.parametrize("key", ["severity_scale", "required_sections", "rules", "select"])
def test_empty_configuration_value_means_the_default(key: str) -> None:
    """`severity_scale:` with nothing after it is YAML's null; it replaced the default and
    SC104 crashed iterating it (`rules:` crashed the configuration loader itself)."""
    values = merge({key: None}, ".postmortem.yml", {key: 4})
    assert values[key] == DEFAULTS[key]
    findings = check_document(parse_bytes(SEED.encode(), PATH), Config(values=values), TODAY)
    assert not [f for f in findings if f.rule == "INTERNAL"]


@pytest.mark.parametrize("key", ["select", "ignore"])
def test_rule_selection_must_be_codes(key: str) -> None:
    """`select: [1]` or `ignore: [~]` crashed every check in str.startswith."""
    with pytest.raises(ConfigError, match=rf"^\.postmortem\.yml:4: `{key}` must be a list"):
        merge({key: ["SE", None]}, ".postmortem.yml", {key: 4})
