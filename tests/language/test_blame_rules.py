"""Blameless-wording rules, family by family: each blameful sentence has a neutral twin that
differs in who (or what) does the thing, and the twin must produce no finding at all."""

from __future__ import annotations

import pytest

from postmortem.language import CODES, find_blame

PEOPLE = {"alice", "Alice Chen", "kenji-watanabe", "@mgarcia", "Ravi Kumar"}

# (blameful sentence, expected code, neutral twin)
CASES = [
    # BL101 person as the agent of a failure
    ("The on-call engineer failed to notice the alert.", "BL101", "The cache failed to warm up."),
    ("Alice forgot to drain the node first.", "BL101", "Alice drained the node first."),
    ("@mgarcia neglected to rotate the key.", "BL101", "@mgarcia rotated the key at 09:10."),
    ("Thi missed the page at 02:14.", "BL101", "The pager missed a heartbeat at 02:14."),
    ("Kenji broke the login flow.", "BL101", "The deploy broke the login flow."),
    (
        "The DBA misconfigured the replica.",
        "BL101",
        "The operator chart misconfigured the replica.",
    ),
    ("An admin deleted the wrong volume.", "BL101", "The GC job deleted the wrong volume."),
    ("Alice caused the outage.", "BL101", "A race condition caused the outage."),
    ("The outage was caused by the intern.", "BL101", "The outage was caused by a race condition."),
    ("It was Kenji's fault.", "BL101", "A page fault slowed the process."),
    ("The mistake was made by the DBA.", "BL101", "The change was made by the DBA at 10:00."),
    ("Who is to blame here is clear.", "BL101", "This is a blameless review."),
    (
        "Alice is responsible for the outage.",
        "BL101",
        "The bug responsible for the outage is fixed.",
    ),
    ("The SRE did not check the runbook.", "BL101", "The script did not check the exit code."),
    ("Alice accidentally deleted the index.", "BL110", "Alice accidentally found the root cause."),
    (
        "The developer made a mistake in the query.",
        "BL101",
        "The developer made a fix in the query.",
    ),
    ("Ravi failed to renew the certificate.", "BL101", "Renewal failed to complete."),
    # BL102 human error as a cause
    ("The root cause was human error.", "BL102", "The root cause was a missing confirmation step."),
    ("Operator error wiped the disk.", "BL102", "The Kafka operator error log was empty."),
    ("It was user error, plain and simple.", "BL102", "The API returned a user error code."),
    (
        "A fat-fingered command dropped the table.",
        "BL102",
        "A typo in the command dropped the table.",
    ),
    # BL103 counterfactuals about people
    ("Alice should have paged the DBA.", "BL103", "We should have paging for the DBA team."),
    ("This should have been caught in testing.", "BL108", "This will be caught by the new test."),
    ("We shouldn't have merged on Friday.", "BL108", "We merged on Friday at 17:00."),
    ("Kofi shouldn't have merged on Friday.", "BL103", "Kofi merged on Friday at 17:00."),
    (
        "If only Kenji had waited for CI.",
        "BL103",
        "If only one replica is down, traffic continues.",
    ),
    (
        "Had the reviewer been careful, it would not have shipped.",
        "BL103",
        "Had the cache been warm, latency would have stayed flat.",
    ),
    (
        "The engineer could have noticed the spike.",
        "BL103",
        "An attacker could have used the token.",
    ),
    # BL104 judgements of character or state
    ("It was a careless change.", "BL104", "It was a small change."),
    ("The rollout was sloppy.", "BL104", "Cassandra used a sloppy quorum."),
    ("The team got lazy about tests.", "BL104", "The page uses lazy loading."),
    ("The reviewer was asleep at the wheel.", "BL104", "The reviewer was asleep; it was 3 a.m."),
    ("Ops dropped the ball.", "BL104", "Ops dropped the stale connections."),
    ("It was a lapse in judgment.", "BL104", "It was a lapse in monitoring coverage."),
    (
        "We wrongly assumed the flag was off.",
        "BL108",
        "We assumed the flag was off, as documented.",
    ),
    ("Nothing was done for two hours.", "BL104", "Nothing changed for two hours."),
    # BL105 hindsight minimizers
    ("Obviously the deploy should have waited.", "BL105", "The deploy waited for the canary."),
    ("They should have known the TTL was short.", "BL105", "They did not know the TTL was short."),
    (
        "It was obvious that the disk would fill.",
        "BL105",
        "It was not obvious that the disk would fill.",
    ),
    # An agentive miss outranks the minimizer inside it: the error is reported, not hidden.
    ("The engineer simply forgot the flag.", "BL101", "Simply restarting did not help."),
    ("All the engineer had to do was restart the pod.", "BL105", "The pod had to restart twice."),
    ("They just needed to restart the pod.", "BL105", "The rollback took just under 5 minutes."),
    ("This could easily have been avoided.", "BL105", "The alert was easily missed in the noise."),
    ("Clearly the reviewer did not read the diff.", "BL105", "The graph clearly shows the spike."),
    # BL106 why-questions about people
    ("Why did the developer skip the tests?", "BL106", "Why did the tests not run?"),
    ("Why didn't Alice roll back?", "BL106", "Why didn't the rollback start?"),
    # ... asked of the team itself it is self-blame: a warning, as the labelling guide has it
    ("Why did we ignore the warnings?", "BL108", "What made the warnings easy to ignore?"),
    ("Who approved this change?", "BL106", "How did this change get approved?"),
    # Styles the first rules missed (subjectless fragments, timeline cells, chat lines,
    # passives, elided subjects); each twin keeps the shape and drops the person as agent.
    # A subjectless fragment singles no one out: the writer's own lapse, a warning.
    ("Missed the disk alert during handover.", "BL108", "Missed heartbeats triggered a failover."),
    ("Didn't check the replication lag.", "BL108", "Did not reproduce in staging."),
    ("10:20 – on-call misses page", "BL101", "10:20 – on-call acknowledges page"),
    ("14:02 SRE runs cleanup on wrong cluster", "BL101", "14:02 SRE runs cleanup on staging"),
    ("The DBA ran the migration by mistake.", "BL101", "The pod was deleted by mistake."),
    (
        "No one checked the restore since March.",
        "BL101",
        "The failover was seamless; no one noticed any impact.",
    ),
    (
        "The step was skipped by the release engineer.",
        "BL101",
        "The step was skipped by the pipeline.",
    ),
    (
        "After the deploy, the engineer kept watching one graph and failed to see the errors.",
        "BL101",
        "After the deploy, the pods kept restarting and failed to pull the image.",
    ),
    ("Engineer did mistake and not check it.", "BL101", "Support team not informed about it."),
    ("The commander lost track of the timeline.", "BL104", "The scheduler lost track of the job."),
    ("Be more careful with prod credentials.", "BL109", "Be more specific in alert names."),
    # BL107 consequences for people
    ("The engineer has been reprimanded.", "BL107", "The engineer has been paged."),
    ("It was a people problem, plain and simple.", "BL107", "It was a DNS problem."),
    # BL108 self-blame and lapses (warning)
    ("We missed the page at 02:14.", "BL108", "We acknowledged the page at 02:14."),
    ("The expiry warning went unnoticed for a week.", "BL108", "The expiry warning fired."),
    # BL109 vigilance as the fix (warning)
    ("Never ignore errors again.", "BL109", "Errors now page the on-call."),
    ("Strictly adhere to the release policy.", "BL109", "The release policy is in the handbook."),
    # BL110 names who triggered it (warning)
    ("An engineer unintentionally deleted the namespace.", "BL110", "A job deleted the namespace."),
    ("sara: @tom why didn't you?", "BL106", "sara: why didn't it page?"),
    ("mark: who approved this??", "BL106", "mark: how did this get approved??"),
]


@pytest.mark.parametrize(("sentence", "code", "twin"), CASES, ids=[c[0][:40] for c in CASES])
def test_blameful_sentence_is_flagged_with_its_code(sentence: str, code: str, twin: str) -> None:
    hits = find_blame(sentence, PEOPLE)
    assert code in [h.code for h in hits], hits
    hit = next(h for h in hits if h.code == code)
    assert 0 <= hit.start < hit.end <= len(sentence)
    assert hit.message and hit.suggestion


@pytest.mark.parametrize(("sentence", "code", "twin"), CASES, ids=[c[2][:40] for c in CASES])
def test_neutral_twin_is_not_flagged(sentence: str, code: str, twin: str) -> None:
    assert find_blame(twin, PEOPLE) == []


def test_every_family_is_covered_by_the_cases() -> None:
    assert {code for _, code, _ in CASES} == set(CODES)


def test_suggestion_is_a_concrete_rewrite() -> None:
    [hit] = find_blame("The on-call engineer failed to notice the alert.")
    assert "The alert was not noticed" in hit.suggestion
    assert "what made it hard to notice" in hit.suggestion
    [hit] = find_blame("This should have been caught in review.")
    assert "This was not caught in review" in hit.suggestion and hit.tier == "warning"
    [hit] = find_blame("We wrongly assumed the chart set limits.")
    assert "We assumed the chart set limits" in hit.suggestion
    [hit] = find_blame("Why did the developer forget to check the endpoint?")
    assert "What made it easy to forget to check the endpoint?" in hit.suggestion
    [hit] = find_blame("The duty engineer missed two pages overnight.")
    assert "Two pages were not acted on overnight" in hit.suggestion
    [hit] = find_blame("The responder should not have restarted the primary.")
    assert "'The primary was restarted'" in hit.suggestion  # what happened, without verdict
    [hit] = find_blame("Alice Chen failed to hand over the incident.", PEOPLE)
    assert "'The incident was not handed over'" in hit.suggestion


def test_span_points_at_the_phrase() -> None:
    text = "At 10:12 Alice acknowledged the page. Later the on-call engineer ignored the alert."
    [hit] = find_blame(text, PEOPLE)
    assert text[hit.start : hit.end] == "engineer ignored"
    text = "Service was restored. Operator error was the cause."
    [hit] = find_blame(text)
    assert text[hit.start : hit.end] == "Operator error"


def test_people_from_the_document_turn_a_name_into_a_person() -> None:
    sentence = "Quillon failed to renew the certificate."
    assert find_blame(sentence) == []  # unknown capitalised word: could be a product
    assert [h.code for h in find_blame(sentence, {"Quillon Kumar"})] == ["BL101"]
    assert [h.code for h in find_blame(sentence, ["@quillon"])] == ["BL101"]
    # A given name from the name library (names.txt) is a person without the document.
    assert [h.code for h in find_blame("Ravi failed to renew the certificate.")] == ["BL101"]
    # Handle parts are only names when they are given names: "test-infra" is no person.
    assert find_blame("The test failed to start.", {"test-infra-oncall"}) == []
    assert [h.code for h in find_blame("kenji failed to page.", {"kenji-watanabe"})] == ["BL101"]


def test_products_and_systems_are_not_people() -> None:
    for sentence in (
        "Flux failed to reconcile the namespace.",
        "Kubernetes missed the node heartbeat.",
        "The Prometheus operator failed to reload.",
        "The lock manager caused the outage.",
        "The pods restarted, but they failed to become ready.",
        "We have monitoring for jobs failing to execute.",
    ):
        assert find_blame(sentence) == [], sentence


def test_quoted_mentions_and_negations_are_not_findings() -> None:
    assert find_blame("“Human error” is never a root cause.") == []
    assert find_blame("This was not human error: the form accepted bad input.") == []
    assert find_blame("We do not blame anyone for this.") == []
    assert find_blame("Human error is a symptom of a missing mechanism.") == []


def test_overlapping_hits_are_reported_once_with_the_specific_code() -> None:
    hits = find_blame("Why did the developer forget to check the endpoint?")
    assert [h.code for h in hits] == ["BL106"]


def test_several_sentences_give_several_hits_in_order() -> None:
    text = "Alice forgot the flag. The cache failed to warm up. It was human error."
    hits = find_blame(text, PEOPLE)
    assert [h.code for h in hits] == ["BL101", "BL102"]
    assert hits[0].start < hits[1].start


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n", "?", "...", "’s", "@", "why did", "should have", "İ" * 50, "\x00 failed to"],
)
def test_odd_input_does_not_crash(text: str) -> None:
    assert isinstance(find_blame(text), list)


def test_a_long_block_costs_in_proportion_to_its_length(growth) -> None:
    paragraph = (
        "At 10:12 Alice acknowledged the page and opened the incident channel. The cache "
        "failed to warm up after the deploy, so latency rose for twelve minutes. The on-call "
        "engineer failed to notice the second alert. We rolled back at 10:31. "
    )
    assert len(find_blame(paragraph * 300, PEOPLE)) == 300  # ~15,000 words in one block
    assert growth(lambda n: find_blame(paragraph * n, PEOPLE), 40) < 8


@pytest.mark.parametrize(
    "unit",
    [
        "we failed to x ",
        "Why did we ",
        "we should've checked ",
        "human error ",
        "very ",
        "a",
        "It was ",
        "Not ",
    ],
    ids=["failed-to", "why", "should-ve", "human-error", "long-gap", "no-spaces", "cleft", "not"],
)
def test_pathological_blocks_stay_linear(unit: str, growth) -> None:
    size = 15_000 // len(unit)  # the larger run is about 60 KB of one pattern
    if unit == "very ":
        assert growth(lambda n: find_blame("The developer " + unit * n + "forgot"), size) < 8
    else:
        assert growth(lambda n: find_blame(unit * n), size) < 8


def test_rewrite_agrees_in_number() -> None:
    [hit] = find_blame("We should have checked the logs.")
    assert "The logs were not checked" in hit.suggestion
    [hit] = find_blame("These alerts should have been acknowledged.")
    assert "These alerts were not acknowledged" in hit.suggestion
