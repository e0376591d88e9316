"""Does the blameless-wording checker hold on text it was not tuned on? (issue 10)

Two measurements, both split before tuning:

- our written set (tests/data/blame-written.tsv): "tune" rows were used while writing the
  patterns, "holdout" rows were measured once afterwards;
- the labelled dev corpus (../shared/corpus/labelled-dev, 19 organisations, every sentence
  strict / borderline / clean). Its organisations were split into a tuning group and a
  held-out group until the fourth session of issue 10; the held-out group was measured six
  times and then retired (every organisation is tuned on now; a blind set outside the project
  is the held-out measurement). Floors are kept per group, at what was measured at the end of
  that session. Skipped with a reason where the shared corpus is absent.

Floors are the measured figures rounded down (benchmarks/blame_eval.py prints them all), so a
change that loses ground fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortem.language.blame import find_blame
from postmortem.language.evaluation import (
    DEV_FIRST_TUNING,
    DEV_ORGANISATIONS,
    DEV_RETIRED_HELD_OUT,
    Score,
    dev_scores,
    load_written,
    run_dev_corpus,
)

ROOT = Path(__file__).resolve().parents[2]
WRITTEN = ROOT / "tests" / "data" / "blame-written.tsv"
DEV = ROOT.parent / "shared" / "corpus" / "labelled-dev"
needs_dev = pytest.mark.skipif(
    not (DEV / "labels.tsv").is_file(), reason=f"the shared corpus is not here ({DEV}); CI has it"
)

# (precision, recall) floors per split of the written set.
# holdout: the second batch (b2-*) was measured once before tuning and never tuned on; the
# fourth (b4-*, performance judgements and role words) added two misses it has never been
# tuned for (51/58 = 0.879); the fifth (b5-*, the labelling guide's kinds with new names and
# roles) was measured before and after the fourth session's changes (8/10 both times); the
# sixth (b6-*, idioms, consequences, disguised vigilance: 7/12 -> 11/12) and seventh (b7-*, the
# guide's borderline kinds: 6/12 -> 9/12) and eighth (b8-*, fault nouns, blame without a
# failure verb, unlisted roles and names: 6/12 -> 7/12) and ninth (b9-*, a post-mortem's own
# voice: 9/10 -> 9/10) were each measured before and after the rules written for their tune
# halves. The tenth (b10-*, traps for those rules: precision 0.67 before, 4 look-alikes
# flagged) was fixed knowing its traps, so its holdout half is no longer a clean measure.
# The whole holdout: 106/122 = 0.869, precision 106/107; the floor follows the set as it
# grows, never above what it measures.
WRITTEN_FLOORS = {"tune": (0.95, 0.95), "holdout": (0.98, 0.86)}


def test_written_set_is_balanced_and_split_up_front() -> None:
    rows = load_written(WRITTEN)
    assert {r.split for r in rows} == {"tune", "holdout"}
    for split in ("tune", "holdout"):
        part = [r for r in rows if r.split == split]
        assert len(part) >= 60
        assert abs(sum(r.case.flag for r in part) - sum(not r.case.flag for r in part)) <= 2
    assert len({r.case.text for r in rows}) == len(rows), "duplicate sentences"
    assert all((r.tier in ("error", "warning")) == r.case.flag for r in rows)


@pytest.mark.parametrize("split", sorted(WRITTEN_FLOORS))
def test_written_set_precision_and_recall(split: str) -> None:
    score = Score()
    for row in load_written(WRITTEN):
        if row.split == split:
            score.add(row.case, find_blame(row.case.text))
    print("\n" + score.line(f"written {split}"))
    for case in score.fn:
        print("  miss:", case.text)
    for case, _ in score.fp:
        print("  false alarm:", case.text)
    precision, recall = WRITTEN_FLOORS[split]
    assert score.precision >= precision
    assert score.recall >= recall


def test_the_issue_examples_are_all_caught() -> None:
    examples = [
        "Rasmus forgot to run the plan",
        "Søren was too slow to escalate",
        "Oluwaseun forgot to run the migration",
        "Siddharth neglected to renew the certificate",
        "Thi missed the page",
        "Uma forgot to drain the node",
        "The user forgot to rotate the key",
        "The customer misconfigured the webhook",
        "The author forgot to update the runbook",
        "The person on call missed the page",
        "The sysadmins forgot to renew the certificate",
        "It was Tom who merged the faulty PR",
        "This incident is on Alex",
        "The outage happened because Anna approved the pull request",
        "Priya pushed a bad config that took down the API",
        "The reviewer rubber-stamped the change",
        "Victor's typo brought down payments",
        "@maria's decision to skip the load test",
        "the engineer's failure to validate the input",
        "a misunderstanding by the operator",
        "an incorrect assumption",
        "It was Bob's mistake",
        "The patch was applied hurriedly",
        "The fix was hastily deployed",
        "It was a misguided change",
        "The change was merged without being thorough",
        "The review was not thorough enough",
        "an inexperienced developer",
        "The operator lost situational awareness",
        "The team did not spend enough time testing",
        "The responders were slow to realise the impact",
        "They spent way too much time on the wrong host",
        "This is completely unacceptable",
        "nobody could be bothered",
        "We were caught with our pants down",
        "The on-call was asleep at the wheel",
        "The engineer has been reprimanded",
        "The contractor was let go",
        "It was a people problem, not a technology problem",
        "Be prudent when changing DNS records",
        "Never ignore errors again",
        "Strictly adhere to the policy",
    ]
    missed = [e for e in examples if not find_blame(e)]
    assert missed == []


@pytest.mark.parametrize(
    ("sentence", "tier"),
    [
        ("We spent way too much time debugging the wrong service.", "warning"),
        ("We did not spend enough time testing the migration.", "warning"),
        ("The user deleted the production database.", "warning"),
        ("The customer dropped the billing table.", "warning"),
        ("The sysadmin wiped the backup volume.", "warning"),
        ("Staging should have been checked first.", "warning"),
        ("The migration should have been run in staging first.", "warning"),
        ("The new tool shouldn't have been rushed to production.", "warning"),
    ],
)
def test_performance_judgements_and_role_words_are_found(sentence: str, tier: str) -> None:
    """The issue's follow-up families: first-person judgements of performance and a role word
    as the one who destroyed data are at least warnings."""
    assert tier in {h.tier for h in find_blame(sentence)}, sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "We spent too much time getting the service into working state again.",
        "The retention job deleted the old database snapshots.",
        "Users can delete their own databases from the console.",
        "It allows root access if you forget to disable it.",
        "Add a clearer error when users forget the -r flag.",
        "Before, they would fail to operate on deep directories.",
        "Version 1.4.1 should have been called 1.4.2.",
        "The soname should have been bumped with the API change.",
        "It returned rows that should have been hidden.",
        "What should have been done?",
        "The header entry is now ignored by the tools, i.e. it is used even if marked fuzzy.",
        "The new flag -I acts like -i, but ignores case.",
        "Set TERM=dumb during the test run, thanks Graham.",
        "Fix a bad call to memcmp in the parser.",
    ],
)
def test_their_look_alikes_are_not(sentence: str) -> None:
    assert find_blame(sentence) == [], sentence


def test_the_issue_look_alikes_are_not_flagged() -> None:
    for sentence in (
        "Alice acknowledged the page",
        "the cache failed to warm up",
        "the deploy pipeline allowed it",
    ):
        assert find_blame(sentence, {"Alice"}) == [], sentence


@pytest.mark.parametrize(
    "sentence",
    [
        # Written for the false alarms found on unseen neutral text (READMEs, change logs)
        # and in a chatty community-blog style: words that judge people in one sense and
        # describe things or everyday life in another.
        "To reduce the chance of human error, we automated the rotation.",
        "Human error is inevitable, so we added guard rails.",
        "This stupid disk controller kept resetting.",
        "Kris missed the Friday meeting because of the flight.",
        "Nova forgot her laptop at home, so she joined from a phone.",
        "Users missed notifications for two hours.",
        "Malte failed to connect to the VPN at first, so he used the serial console.",
        "Everyone missed the old timeline layout.",
        "Pages are loaded lazily to cut the start-up time.",
        "The regex was too greedy and matched the whole line.",
        "Add forgotten region.h to the tarball.",
        "Fix botched git import of the 2.3 branch.",
        "Remove the cast warnings, they are ignored.",
        "The parser incorrectly assumed UTF-8 input.",
        "A bug (introduced by Nick in 2.3) broke the build.",
        "The cache is to blame for the stale pages.",
        "You should have received a copy of the licence.",
        "The flag was clearly wrong for this platform.",
        "Teams have recently been encouraged to migrate to the new cluster.",
        "The team increased the timeout, leading to fewer errors.",
        "Why did we decide to self-host?",
        "Why did the team choose Postgres over MySQL?",
        "GtkSettings fails to read uint properties from settings.ini.",
        "Add .git-blame-ignore-revs to the repository.",
        "We forgot to mention: the new rules take effect on Monday.",
        "The pods that should have been evicted stayed up.",
    ],
)
def test_look_alikes_from_unseen_text_are_not_flagged(sentence: str) -> None:
    assert find_blame(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "tier"),
    [
        ("That was a stupid mistake.", "error"),
        ("Kim missed the alert.", "error"),
        ("A previous alert threshold was raised, which could have been a sign we missed.", ""),
        ("The platform team raised the replica count, causing the alert.", "warning"),
        ("We reminded all engineers to check the target cluster before applying.", "warning"),
        ("Our admin just ignored the disk warnings for a week.", "error"),
        ("Why did the team not choose the safer option?", "error"),
        ("Why did we ignore the capacity warnings?", "warning"),
        # a reduced passive names no agent: a lapse (warning), not a person's fault (error)
        ("Fix find_pair(), overlooked when refactoring.", "warning"),
        ("The changes that should have been reviewed went straight to production.", "warning"),
    ],
)
def test_their_blameful_twins_still_are(sentence: str, tier: str) -> None:
    hits = find_blame(sentence)
    assert hits, sentence
    assert not tier or tier in {h.tier for h in hits}


@needs_dev
def test_dev_groups_cover_every_organisation_once() -> None:
    docs = {p.name.split("__", 1)[0] for p in (DEV / "docs").glob("*__*.md")}
    assert set(DEV_RETIRED_HELD_OUT).isdisjoint(DEV_FIRST_TUNING)
    assert set(DEV_ORGANISATIONS) == docs


# Floors per group: (strict found, all blameful found, most false alarms), measured at the end
# of issue 10's fourth session (benchmarks/blame_eval.py prints them per organisation).
DEV_FLOORS = {
    "formerly held out": (5, 22, 4),
    "first tuning": (10, 71, 0),
}


@pytest.fixture(scope="module")
def dev_scores_all():
    if not (DEV / "labels.tsv").is_file():
        pytest.skip(f"the shared corpus is not here ({DEV}); CI has it")
    return dev_scores(run_dev_corpus(DEV))


@pytest.mark.parametrize("group", sorted(DEV_FLOORS))
def test_dev_corpus_groups(dev_scores_all, group: str) -> None:
    figures = dev_scores_all[group]
    print(figures.line(group))
    strict, blameful, false_alarms = DEV_FLOORS[group]
    assert figures.strict_found >= strict
    assert figures.strict_found + figures.borderline_found >= blameful
    assert figures.clean_flagged <= false_alarms


def test_dev_corpus_goals_on_all_organisations(dev_scores_all) -> None:
    """The issue's goals, on all the real text we may read: strict recall 0.9, all-blameful
    recall 0.6, at most one false alarm per 1,000 sentences."""
    every = dev_scores_all["all"]
    assert every.strict_found >= 0.9 * every.strict
    assert every.strict_found + every.borderline_found >= 0.6 * (every.strict + every.borderline)
    assert every.clean_flagged <= 0.001 * every.sentences


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        # The team asking itself how news reached it is a good blameless question ...
        ("Why didn't I know about this sooner?", False),
        ("Why didn't we hear about the maintenance window?", False),
        # ... asking a named person, or the team about a check it skipped, is not.
        ("Why didn't Bob know about the maintenance window?", True),
        ("Why didn't we check the logs?", True),
        # Names from other scripts and hyphenated given names are people by their place.
        ("Łukasz deleted the release branch.", True),
        ("Jean-Luc left a DEBUG log level on in production.", True),
        ("Read-Only left a DEBUG log level on in production.", False),
    ],
)
def test_general_forms_of_people_and_questions(text: str, flagged: bool) -> None:
    assert bool(find_blame(text)) is flagged, text
