"""Evaluate the blameless-wording detector and list what it flags on real post-mortems.

Run from the repository root:

    .venv/bin/python benchmarks/blame_eval.py            # figures + misses + corpus flags
    .venv/bin/python benchmarks/blame_eval.py --no-corpus

Prints precision/recall/F1 on our labelled set (tests/data/blame-labelled.tsv) and on the
shared development set (../shared/corpus/real-postmortems/blame-dev-cases.tsv), recall per
rule family, every miss and false alarm, the detector's speed, and then every hit on every
Markdown file of the real-post-mortem corpus (file, line, code, sentence) so a person can
judge how many of them are right. The corpus is split naively (paragraphs, list items, table
cells; fenced code and inline code removed) because these files are not in our format, so
chat logs that the document model drops as block quotes are scanned here too.

How the labelled set was built (so its perfect score is read correctly): 187 sentences were
written first and measured once (precision 0.958, recall 0.978) before the rules were tuned
on them; three further batches were then written and each measured once before being added:
40 plain sentences (P 1.00, R 0.95), 40 sentences written to probe known weaknesses (P 0.67,
R 0.90) and 30 plain sentences (P 1.00, R 0.87). The held-out batches are marked
"holdout"/"holdout2"/"holdout3" in the kind column.

Because that set was tuned on, the honest figure is the corpus one: every prose sentence of
the real post-mortems is labelled in tests/data/blame-corpus-labels.tsv by (file, line, n),
with the text read from the corpus at run time. Files sorted by path, every other one held
out (29 files, 973 sentences, 14 blameful); the other 29 are for tuning. Measured before the
rules were changed for them, and after (P precision, R recall):

    held-out half   before P 0.917 R 0.786 (11/14, 1 false alarm)   after P 0.929 R 0.929
    tuning half     before P 1.000 R 0.786 (11/14)                   after P 1.000 R 0.929
    held-out, rows not in the shared dev set: before P 0.80 R 0.57 (4/7), after P 0.86 R 0.86

Two more batches of our own were then written in styles unlike the first set (passives, long
compound sentences, non-native English, subjectless bullets, chat lines outside block quotes,
"we", terse timeline cells, named teams), each measured once before it was tuned on:
"batch4" (90 sentences) P 1.00 R 0.64, "batch5" (45 sentences, written after the batch4
changes, mostly traps for them) P 0.94 R 0.85.

Issue 10 (generalisation) adds two measurements, both split before any tuning:

1. The labelled dev corpus (../shared/corpus/labelled-dev: 19 organisations, every sentence
   strict / borderline / clean, labelled by a guide). Split by organisation, chosen before its
   sentences were read (postmortem.language.evaluation.DEV_HELD_OUT / DEV_TUNING):
   held out: 2i2c, goatcounter, hachyderm, joshschmelzle, notional, osmf-owg, turboflakes,
             va-gov, wire, wobscale (2,017 sentences, 5 strict, 23 borderline);
   tuning:   alantech-iasql, cocoapods, homebrew, jd4883, moj-cloud-platform, opensuse-obs,
             terra-rebels, tzbtc-bridge, yearn (4,147 sentences, 10 strict, 67 borderline).
   The detector runs line by line (a line is a paragraph line, list item or table row);
   block-quoted lines are skipped as the validator skips them. Measured:

                     strict recall   all-blameful recall   false alarms
   held-out before   0.60 (3/5)      0.18 (5/28)           11 (5.5 per 1,000)
   held-out, 1st     0.60 (3/5)      0.32 (9/28)           13 (6.4 per 1,000)
   held-out, 2nd     0.60 (3/5)      0.32 (9/28)           12 (5.9 per 1,000)
   tuning before     0.10 (1/10)     0.22 (17/77)          14 (3.4 per 1,000)
   tuning after      0.90 (9/10)     0.79 (61/77)           1 (0.2 per 1,000)

   "1st" is the measurement right after tuning; the rules were then made more conservative
   from reasoning and from the tuning organisations and real-postmortems only (names beyond a
   list only before human-only verbs, fewer words that also name things) and measured a 2nd
   and last time. Held-out sentences were never printed or read; the gap to the tuning figures
   is the honest size of what the rules do not yet generalise (hachyderm, a chatty blog with
   pasted chat, gives 9 of the 12 false alarms).
2. Our written set (tests/data/blame-written.tsv, 120 sentences: blameful in every form the
   issue lists, with unlisted names and roles, and neutral look-alikes). "tune" rows were
   used while writing the patterns; "holdout" rows were measured afterwards: 1st measurement
   P 1.00 R 0.90 (27/30; missed "Kofi should have ...", "Strictly follow ...", "caught with its
   pants down"). The first two misses were then seen and fixed (names by their place in
   counterfactuals; a prefilter key), and the tightening lost "because Chidi disabled ..."
   (an unknown name before a verb products also do): 2nd measurement P 1.00 R 0.93 (28/30).
   Tune: P 1.00 R 0.97 (29/30; "Ibrahim deployed a broken image" is given up for the same
   reason).
3. All real text (labelled-dev and the real-postmortems labels): 16 false alarms in 8,103
   sentences, 1.97 per 1,000 (most in the held-out organisations above).

Speed and a 3rd held-out measurement (later in issue 10). The rules and data patterns now run
only when a block holds the words their phrase needs together ("word+word" gates in the
engine, "word+word" and "{class}+word" keys in patterns.yml) instead of any one common word
("s", "on", "had", "error", "failed", "nothing"). Findings are unchanged: every finding on the
project's files, our labelled sentences and every Markdown file of ../shared/corpus is kept as
a (set, file, line, start, end, code) key in tests/data/blame-keys.tsv
(benchmarks/blame_keys.py) and tests/language/test_blame_keys.py holds the engine to it.
CPU, one process, best of 3, old and new engine run alternately on the same loaded machine:

                                                       before     after
   find_blame per labelled-dev sentence (5,552 lines)  18.6 us    15.0 us
   labelled-dev run (detector + line handling)         29.4 us    26.5 us per sentence
   blame pass per generated file (60 x 1,600 words)    3.86 ms    1.97 ms
   profile_validate "blame" stage (adds doc.people)    5.43 ms    3.15 ms per file

Real text gains less than generated text: 43% of its lines still hold a trigger word.
The rules were then made more conservative on neutral look-alikes written for it, never on
held-out text ("we failed to find a better option", "we missed you all", "if only we had more
disks", "we blamed DNS", "make sure to check out ..."; new rows in the written set with their
blameful twins). Measured a 3rd time: held-out strict recall 0.60 (3/5), all-blameful recall
0.32 (9/28), 12 false alarms (5.9 per 1,000), unchanged; tuning unchanged (0.90, 0.79, 1).
These look-alikes are not what the held-out false alarms are made of; the gap stands.

Issue 10, next session: fewer false alarms on text never seen. Baseline (4th held-out run,
aggregates only): strict 0.60 (3/5), all-blameful 0.32 (9/28), 12 false alarms (5.9 per
1,000; hachyderm 9, 2i2c 1, notional 1, va-gov 1); error tier 8 flags, 3 of them blameful.
The held-out test and the key record no longer read the held-out organisations' lines for
routine runs (the record leaves them out; ``--tuning-only`` here; the test computes one side of
the split at a time), so a rule change shows nothing of them.

Unseen neutral text as a probe: the READMEs, NEWS and change logs of the installed Python
packages and Debian's /usr/share/doc (1,215 files; no blame intended, so nearly every hit is
a false alarm or a changelog's own "forgot to"). 1,483 hits before. Words and forms that
judge people in one sense and name things in another were the bulk, and none of them is
specific to that text: "lazy"/"lazily"/"dumb"/"greedy" (lazy loading, TERM=dumb, a greedy
regex) now need a person in the sentence (``needs_person`` in patterns.yml, the same test in
the engine); "the code incorrectly assumed" (a thing as subject); "they are ignored" (a
passive: its subject is what was missed); "Add forgotten file", "Fix botched import"
(participles as adjectives); "(introduced by Nick)" credit lines; "blame:" (the git command),
"the cache is to blame"; "should have received/succeeded/been" (an expected outcome, not a
duty; class expected_outcomes); "obviously"/"clearly" with no person and no fault word in the
sentence; "you just have to ..." (an instruction). 1,212 hits after (-18%), 1,154 with the
name library below. Tuning organisations, labelled set, real-postmortems: unchanged or better.

Written set, second batch (b2-*, 48 sentences: 24 blameful, 24 neutral look-alikes in the
styles above), measured once before any change for it: tune half P 0.77 R 0.83, holdout half
P 0.75 R 0.75 (8/12 in the expected tier). Tuned on the tune half only: tune P 1.00 R 1.00;
holdout (never tuned on) P 0.82 R 0.75. Whole written set: tune P 1.00 R 1.00 (47/47),
holdout P 0.95 R 0.88 (37/42).

Person-name library, measured before choosing it. Faker 40.63 (MIT, 80+ locales) holds
20,557 first names in the Latin script; importing its providers costs 0.54 s per process,
so benchmarks/blame_names.py writes them, filtered (three letters or more, no lower-case
English word from Debian's wamerican list, no tech word: 19,822 names), to
data/blame/en/names.txt, shipped with the package; a capitalised word on it is a person.
It knows Rasmus, Søren, Siddharth, Thi, Uma, Ibrahim, Ngozi, Kofi (not Oluwaseun, Chidi,
Haruto: names by their place in the sentence still cover those). Effect: tuning all-blameful
recall 61 -> 62 of 77, no new false alarm on the tuning organisations or real-postmortems;
5 new hits on the probe (of ~1M lines), none of them from a name misread. Speed, CPU best
of 5, same machine, old and new alternately: 38.1/38.6 -> 38.4/39.1 us per labelled
sentence, 349/351 -> 359/366 us per 56-word paragraph (the new person tests cost ~2%).

Written set, third batch (b3-*, 40 sentences in the chatty-blog and pasted-chat style of a
community service: 20 neutral, 20 blameful), measured once before any change for it: tune
half P 0.78 R 0.70 (6/10 in the expected tier), holdout half P 1.00 R 1.00 (8/10 in tier).
Tuned on the tune half only ("on purpose"/"deliberately" justify an ignored alert; "nobody
noticed a thing" is no impact; "didn't even look"; "way more careful"; volunteers and
moderators are people; an error is no longer hidden by a warning on the same words, "our
admin just ignored ..."): tune 10/10, holdout unchanged. Dropped as people: "subscriber",
"tenant" (pub/sub and accounts); "client" stays (a holdout row of ours needs it). Whole
written set now: tune P 1.00 R 1.00 (57/57), holdout P 0.96 R 0.90 (47/52).

More look-alikes, written in that style and from the probe, each with a blameful twin (tests
in tests/language/test_blame_generalisation.py): "human error" as a risk to design against
("to reduce the chance of human error", "human error is inevitable") is not a cause;
"stupid"/"dumb"/"idiotic"/"foolish" need a person or a person's act (a mistake, a decision, a
plan) in the sentence ("this stupid disk controller"); "missed" needs a duty as its object
(an alert, a step, a check, a change ...), so "missed the Friday meeting", "everyone missed
the old layout", "users missed notifications" (impact) are not lapses, while "a sign we
missed" still is; "forgot her laptop"; "failed to connect/log in/reach" is an attempt, for
anyone. Tiers: first-person blame inside the phrase ("a mistake on my part", "had we
looked, we could have") and a judgement word whose only people are the speakers ("I felt
stupid") are warnings. Two generic borderline patterns from the labelling guide's kinds:
person-change-caused (a named person or team whose change caused the alert: BL110) and
reminder-as-fix (reminding or urging engineers to test or check: BL109). Probe hits 1,161 ->
1,031; tuning all-blameful recall 62 -> 65 of 77, strict 9/10, 1 false alarm; error-tier
precision on tuning 13/13; all real text we may read 0.66 false alarms per 1,000.

Later in that session: "why did we choose / decide ...?" explains a decision; a why-question
the team asks of itself is a warning; CamelCase identifiers are not names; "blame" inside an
identifier is not blame; "..., overlooked during the review" is a lapse (warning), not a
person's fault; "we forgot to mention: ..." is an aside; "the pods that should have been
evicted" is what a thing was expected to do; plain names in the Owner, author, reviewer and
Actor cells are people (rules/blameless.py); the engine split by rule family (agents.py,
hindsight.py, judgements.py, gates.py; blame.py is the entry point, 1,510 -> 190 lines) with
the key record unchanged.

Final measurement of that session (the 5th held-out run, aggregates only; nothing was
changed after it):

                     strict recall   all-blameful recall   false alarms          error tier
   held-out before   0.60 (3/5)      0.32 (9/28)           12 (5.9 per 1,000)    8 flags, 3 blameful
   held-out after    0.60 (3/5)      0.32 (9/28)           11 (5.5 per 1,000)    6 flags, 3 blameful
   tuning after      0.90 (9/10)     0.84 (65/77)           1 (0.2 per 1,000)   13 flags, 13 blameful

   per held-out organisation, false alarms before -> after: hachyderm 9 -> 8, notional 1 -> 2,
   va-gov 1 -> 1, 2i2c 1 -> 0, the others 0 -> 0; recall unchanged in every organisation.

Written set: tune P 1.00 R 1.00 (57/57, all in the expected tier), holdout P 0.96 R 0.90
(47/52, 44 in the expected tier). Labelled set P 1.00 R 0.97; real-postmortems dev cases
P 1.00 R 1.00; real-postmortems labels, held-out half P 0.93 R 1.00, tuning half P 0.93 R
0.93. All real text: 14 false alarms in 8,103 sentences, 1.73 per 1,000 (was 1.97), 11 of them
in the held-out organisations. Speed, CPU, old (start of the session) and new alternately:
38.4-40.5 -> 42.0-42.3 us per labelled sentence (+5%), 357-366 -> 420-425 us per hit-dense
56-word paragraph; profile_validate blame stage 3.10/3.24 -> 2.71/2.84 ms per file (0.28x
proselint alone); 28 us CPU per labelled-dev line with line handling (27 before).

What this says: generic hardening against look-alikes (found on READMEs, change logs and
sentences written in a chatty style) removed most false alarms there (1,483 -> 1,004 probe
hits) but only one on the held-out organisations, and gained recall only where the tuning
organisations already were. The held-out false alarms and misses are of kinds this session
could not see, and the goals (at most 1 false alarm per 1,000, strict recall 0.9,
all-blameful 0.6) are not met on held-out text.

Issue 10, third session: precision on text never seen, measured on neutral text. The probe is
now a script, benchmarks/blame_neutral.py: the READMEs, NEWS, change logs and histories under
/usr/share/doc and the METADATA of the installed Python packages (1,565 distinct texts,
593,379 sentences; a text shipped by several packages counts once), with each pattern's hits
beside its hits on blameful text (tuning organisations' strict and borderline sentences, the
blameful rows of our labelled and written sets). Per pattern, neutral hits before -> after
(blameful hits after in brackets):

   BL101 engine (agentive failures)     128 -> 35   [98]   subjectless 'Forgot to ...' is BL108
   BL104 engine (judgement words)        72 -> 45   [42]   'sloppy locking', 'stupid bug', 'lazily'
   vigilance-imperative                  43 -> 24   [15]   'X does a better job', 'better test coverage'
   accidentally-by-person                13 -> 1    [0]    passives, 'you may have', 'not ...'
   incorrect-assumption (now BL108)       9 -> 6    [0]    'fix/remove wrong assumption', 'commit X made'
   BL108 engine (lapses, self-blame)    157 -> 235  [52]   receives the subjectless fragments
   total                                594 -> 518; error tier 252 -> 123 (-51%)

What changed, all generic (no rule names a package or a probe sentence):
- A subjectless agentive failure ("Forgot to bump the version", "Missed the disk alert during
  handover", "Did not disable pipeline ...") singles no one out: it is the writer's lapse, a
  warning (BL108), as "we forgot" is. On the probe these were most of BL101's hits.
- Single judgement words (careless, sloppy, stupid, reckless, negligent, irresponsible,
  clueless, knowingly ...) judge people only when a person or a person's act is in play: an
  attributive adjective is decided by its noun ("a careless deploy", "a lazy engineer" are
  judged; "sloppy locking", "a stupid gcov-breaking bug", "careless URI construction", "dumb
  user configuration" are things); predicative and adverb uses need a person, an act or a
  gerund subject ("Leaving the endpoint open was negligent"). "lazily" is a technical adverb
  and never judged (our sets hold it only in neutral rows); licence boilerplate in capitals
  ("INCLUDING NEGLIGENCE") is skipped.
- A subject inside a general condition ("if you forget to disable it", "when users forget the
  -r flag", "bugs that you didn't think of") is advice, not an account; "they failed to work /
  operate / match" is what things do (outcome_verbs).
- accidentally-by-person skips passives and hypotheticals ("they were accidentally included",
  "you may have accidentally typed"); incorrect-assumption is a warning and skips a fix of the
  assumption; "do a better job" needs an imperative or a person ("the planner will do a better
  job" is a program); "better check for X", "better test coverage" are nouns; "strictly comply
  with RFC 6797" is a standard.
Tuning organisations unchanged: strict 0.90 (9/10), all-blameful 0.84 (65/77), 1 false alarm,
error tier 13/13 blameful (one tuning-org sentence, the sentence key of "Did not disable
pipeline", moved from BL101 to BL108 on real-postmortems). Labelled set P 1.00 R 0.967;
real-postmortems dev cases P 1.00 R 1.00; real-postmortems labels unchanged (held-out half P
0.93 R 1.00, tuning half P 0.93 R 0.93). Written set: one neutral holdout row ("If you missed
the maintenance notice, ...") is no longer a false alarm.

Written set, fourth batch (b4-*, 20 sentences: first-person judgements of performance and role
words that destroyed data, with look-alikes), written before any rule for them and measured
once: tune half P 1.00 R 0.33 (2/6), holdout half P 1.00 R 0.33 (2/6). Tuned on the tune half
only (spent-way-too-long-ourselves, BL108; insufficient-effort takes "put enough effort";
role-destroyed-data, BL110): tune P 1.00 R 1.00 (6/6, in tier), holdout P 1.00 R 0.67 (4/6;
"we wasted an hour", "we were far too slow to roll back" are still missed). Neither new
pattern fires on the probe (0 hits). A plain "we spent too much time getting the service
back" stays clean: a tuning organisation labels it so; only the intensified verdict ("way /
far too long") is flagged. Whole written set: tune P 1.00 R 1.00 (63/63), holdout P 0.98 R
0.88 (51/58).

Later in the same session: lapse-fragment skips a gerund subject of a general statement ("Not
setting -j leads to ...", "Leaving the old code in place would be confusing") and an
adverbial participle ("Not finding it, the parser reports ..."): probe 17 -> 4 [5]; "just /
simply needs to / has to" in the present tense is an instruction for any subject, not only
"you" (BL105 24 -> 19 [24]); "should have vanished" is an expected outcome. Whole probe now 594
-> 501 hits (0.84 per 1,000 sentences), error tier 252 -> 122. Tuning organisations, labelled
set, real-postmortems and written set unchanged by these.

Speed. The first pass now lets a block through on the first word of a "word+word" key only
when the partner words are there too (blame.py _PAIRED_KEYS; the lexicon accepts
"deleted+{stores}"), and the patterns that start with a verb list begin with a one-letter
look-ahead ("(?=[acdeilmprsu])"), which Python's re tests far faster than a case-insensitive
alternation. Old (start of session) and new alternately, best of 5 / same machine:
find_blame on the tuning organisations' lines 19.1-19.6 -> 18.9-19.7 us per line;
profile_validate blame stage 2.62-2.80 -> 2.53-2.60 ms per file (0.26-0.27x proselint alone).

Lemma / inflection library for participles.yml, measured, not chosen. Candidates from PyPI in
a scratch environment (never the project's): lemminflect 0.2.3 (MIT; 1.1 MB, but needs numpy,
45 MB; import 73 ms plus 99 ms on its first call, per process) and simplemma 2.0.0 (MIT, no
dependencies; 19 MB for all its languages, 248 KB of English data; import 35 ms plus 139 ms to
load English). On the hand-kept table: lemminflect gives 65/66 base -> participle (it says
"gotten" for "get", the table "got"), 14/14 past -> participle, 23/24 participle round trips
("proven" -> "proved"); simplemma, a lemmatizer with no part of speech, maps 61/66
participles back to their base ("thought", "left", "felt", "won" stay as they are; "gone" ->
"gan"). Neither is worth a run-time dependency: the table is 80 lines, loads in well under a
millisecond, and either library adds 100-170 ms per process to a check budgeted in
milliseconds per file. As a generator (as Faker is for names.txt) lemminflect was used once:
comparing the project's _participle() with it on every verb of words.yml's verb classes (104)
found two real gaps, "buy" -> "bought" and "prefer" -> "preferred", now in the table (the other
two differences are "got"/"gotten" and "login", not a verb). A generated table is not kept:
the rules need the forms of a few hundred verbs, which the spelling rules and this table cover.

"<thing> should have been <participle>" with no person as the subject is a lapse only when
the participle is something asked of people (the duty verbs, or oversight_verbs in words.yml:
addressed, rushed, discussed, planned, run ...); otherwise it states what a thing was meant to
be ("1.4.1 should have been called 1.4.2", "the soname should have been bumped", "rows that
should have been hidden", the guide's template heading "what should have been done?"). Every
"should have been" in the tuning organisations' blameful sentences and in our sets uses such a
participle (checked, acknowledged, noticed, reviewed, validated; real-postmortems: addressed,
communicated, rushed, caught). Probe BL108 235 -> 185 [52 unchanged]; whole probe 501 -> 451
(0.76 per 1,000 sentences); tuning organisations unchanged.

Judgement words, last pass: "TERM=dumb" is a value; "lazy-addition" is decided by its
compound's noun; "didn't bother" with a thing as subject ("the patches didn't bother to
check") is what code does; "a bad call to <verb>" is a decision only with a verb of action
("a bad call to restart the primary"), not "a bad call to memcmp"; "tech" / "techs" are people
(roles). Probe BL104 45 -> 37 [41]; whole probe 451 -> 443 (0.75 per 1,000), error tier 114.

"i.e." / "e.g." are one token and "-I" / "--forget" are flags, not the pronoun or a verb; a
negated or purposive double-check ("no need to double-check", "an assertion to double-check
correctness", "don't check the state twice") is not vigilance (vigilance-imperative 24 -> 19).

End of this session (nothing on the held-out organisations was run or read; the coordinator
measures them). Neutral probe, per 1,000 of its 593,379 sentences: 1.00 -> 0.73 hits (594 ->
435), error tier 0.42 -> 0.19 (252 -> 114). Per pattern, neutral before -> after [blameful
hits after]: BL101 128 -> 35 [98], BL104 72 -> 37 [42], vigilance-imperative 43 -> 19 [15],
lapse-fragment 17 -> 4 [5], accidentally-by-person 13 -> 1 [0], incorrect-assumption 9 -> 6
[0], BL105 24 -> 19 [24], BL108 157 -> 182 [52] (it takes the subjectless fragments from
BL101 and lost 53 "should have been <called>"). What stays is mostly what the labelling guide
calls borderline in form: change logs' own "I forgot to ...", "Forgot to bump ...", "was
overlooked in 2.33", "be more careful about ..." as commit titles (passive-lapse 30 [8],
be-more-careful 23 [8], mistakenly-passive 10 [2], make-sure-vigilance 9 [2] are warnings
whose neutral-to-blameful ratio stays high and that a change-log genre cannot be told from a
post-mortem's "what went wrong" list by these rules). Tuning organisations: strict 0.90 (9/10),
all-blameful 0.84 (65/77), 1 false alarm, error tier 13/13, all as before. Labelled set P 1.00
R 0.967; real-postmortems dev cases P 1.00 R 1.00; real-postmortems labels held-out half P
0.93 R 1.00, tuning half P 0.93 R 0.93. Written set: tune P 1.00 R 1.00 (63/63), holdout P
0.98 R 0.88 (51/58). Speed at the end, start-of-session code and this alternately, best of 5:
find_blame 19.6-19.7 -> 18.9-19.1 us per tuning-organisation line; profile_validate blame stage
2.62-2.64 -> 2.46-2.50 ms per file (0.27x proselint alone).

The coordinator's held-out measurement after that session (the 6th, aggregates per
organisation only, run once after the last rule change): strict recall 0.40 (2/5, was 3/5),
all-blameful recall 0.29 (8/28, was 9/28), false alarms 10 = 5.0 per 1,000 (was 11); error tier
5 flags, 2 on blameful sentences. Per organisation, false alarms: hachyderm 8 (789 sentences;
its one strict sentence missed, 3/10 blameful found), notional 2 (79; strict 1/3), all others
0; va-gov 2/4 blameful found, 2i2c 1/4, wobscale 1/1. So the precision work on neutral text
cut the neutral probe's hits by a quarter (errors by 55%) but moved the held-out organisations
little, and one held-out strict sentence that was found before is no longer found (which one
is not looked at). The held-out test's floors are set to these figures.

Issue 10, fourth session (2026-11-30): the held-out organisations are retired. Having been
measured six times, the ten held-out organisations (2i2c, goatcounter, hachyderm,
joshschmelzle, notional, osmf-owg, turboflakes, va-gov, wire, wobscale) are no longer a
held-out set; the 6th run above (strict 0.40 (2/5), all-blameful 0.29 (8/28), 10 false alarms =
5.0 per 1,000) is their final held-out record. From this session on all 19 organisations,
the real-postmortems labels and the written set are read and tuned on, and the honest
held-out figures come from a blind real-text set and a blind written set built outside the
project and measured once by the lead. The two groups are still printed apart
(evaluation.DEV_RETIRED_HELD_OUT, "formerly held out"; DEV_FIRST_TUNING, "first tuning").

Written set, fifth batch (b5-*, 40 sentences, one blameful row and one neutral look-alike per
kind of the labelling guide, with names and roles not used before: Mirela, Teodor, Saoirse,
the DBA, the intern, the release manager, the maintainer, the vendor), written and split
before any rule change and measured before: tune P 1.00 R 0.80 (8/10), holdout P 1.00 R 0.80
(8/10, "Teodor's hotfix took down checkout", "the maintainer merged the dependency bump that
broke the build").

What changed, each a shape rather than a sentence (patterns.yml carries examples that must
and must not match for each):
- false alarms: "US" in capitals is the country, not the pronoun; a present-tense
  why-question put to "you" is dialogue ("Why are you filling our queues?"); a capitalised
  name before a present-tense "fails to" and a verb no duty asks of people is a product
  ("Hermes fails to relay"); "missed" + an amount ("at least several hours worth of blocks")
  is impact unless what was missed is a duty; "obviously"/"clearly" about a thing subject
  with no person word and no fault word; "<errors> by @x" after a participle of making or
  reporting ("alerts added for pgbouncer errors by @x") credits, not blames; "put more effort
  into scaling / building / automating" is engineering investment.
- misses: passives of misreading ("was misinterpreted to be / as"); hindsight grading of
  work ("could have been handled much better"); lack of knowledge held by people
  (limited-understanding, needs a person in the sentence: "limited knowledge about kafka due
  to holidays" stays clean); a judging adverb + participle + "by <person>" ("very poorly
  designed by Jacob"); a person's action done "instead of / rather than" the right one that
  then caused harm; "the engineer that triggered the incident"; the writer's own act called
  a mistake and "a silly / rookie mistake"; "for some reason we decided"; acting "despite
  advice / warnings"; "without a proper review / vote / sign-off"; "Failure to <duty>"
  opening a sentence; "did not know how to" / "wasn't something X knew how to"; "we did not
  communicate / notify / inform / escalate" (first person: a warning); "missed <X> this
  time"; act nouns judged by an adjective include habits, practices, behaviour, conduct
  ("reckless working habits"); vigilance includes "need to do more QA / testing / reviews"
  and "plan ahead"; team-blame's "abandons their failed v1 experiment" takes a modifier;
  "without anyone reviewing"; a person's action ", which locked / corrupted / overloaded the
  ..." names who triggered it.

Later in the session, each batch written and split before the rules for it and measured
once before and once after (holdout rows never tuned on):
- b6-* (52 sentences: idioms, consequences, vigilance in disguise, judgements, blame without
  a failure verb): tune 3/14 -> 14/14, holdout 7/12 -> 11/12. Rules: idioms-of-blame-people
  (cut corners, out to lunch, had one job, passed the buck, dragged their feet, slept through
  the pages ...), privileges-taken-away (lost commit access, removed from the on-call
  rotation, fired; users losing access is impact), comes-down-to-person, "waved the change
  through", vigilance-in-disguise (exercise more caution, stay alert, think before you ...,
  always read ... carefully), a judgement adjective after a person's possessive ("the
  contractor's sloppy script").
- b7-* (56 sentences, the guide's borderline kinds): tune 8/16 -> 14/16, holdout 6/12 -> 9/12
  (its misses were printed once after that measurement; nothing was tuned on them). Rules:
  "slipped through the cracks", "got lost in the noise", "was never actioned", "should have
  been started sooner" (people's timing), persons-change-caused ("@x's config change set off
  the alert storm"), hindsight-signs ("in retrospect, the signs were all there"), "be more
  deliberate / disciplined".
- b8-* (56 sentences: fault nouns, blame without a failure verb, unlisted roles and names):
  tune 8/16 -> 16/16, holdout 6/12 -> 7/12. Rules: culprit-is-person, approved-own-change,
  pushed-to-skip, fault nouns misconfiguration / mix-up / "<person>'s doing", handing over
  "the wrong" thing, plural insults after a pointing word ("those idiots"), more role words
  (captain, director, supervisor, CTO, rep ...).
- b9-* (48 sentences in a post-mortem's own voice: self-blame, lapses, be-more-careful, named
  triggers, hindsight): tune 6/14 -> 14/14, holdout 9/10 -> 9/10. Rules: in-our-haste,
  underestimated, started-when-person ("the outage started when Petra ran ..."),
  change-by-person-caused ("a change merged by Yusuf introduced the regression"),
  step-skipped (a bare "a step in the runbook was skipped"; a pipeline, a rule or a reason
  keeps it clean: three neutral rows of our labelled set hold it to that), "was not noticed
  until", skipped-safeguard takes two modifiers ("the usual smoke tests"), reminders to
  "everyone", "would have been the right call" after "in hindsight".
- b10-* (32 sentences: blameful rows and neutral traps for this session's own rules),
  measured before: tune P 1.00 R 0.75 (6/8), holdout P 0.67 R 1.00 (4 of its 8 look-alikes
  flagged: "in the hurry of the move", "nobody took over ... on purpose", "the root cause was
  Cassandra's compaction strategy", "despite the warnings in the changelog, the upgrade went
  smoothly"). The causes were fixed in general form (in-our-haste takes possessives only;
  "nobody ..." skips a justified sentence; a person's possession as the culprit must be an act
  or a change; "despite the warnings" needs a person in the sentence) knowing those traps, so
  b10's holdout half (now P 1.00 R 1.00) is not a clean measure; the lesson is that new rules
  cost precision on look-alikes written against them, which the blind written set will show.
  Tune: "the whole mess is down to ...", "our bad: ...".
- From the labelled set's old misses and the issue's categories: "made a typo / an
  oversight", "ran X against production instead of staging", "pushed untested code" (no
  determiner), "nobody took over", "never switched it back on", "pushed by <person> without
  any review", "could simply have", "lied about", "understood as X rather than Y".
- Precision: "Fix typo by @x" and "fixes the rethrowing error by Thomas" credit the fixer; "you
  could simply use ..." (no perfect) is present advice.
- Speed: data patterns and the agentive rules now pick their candidates in one pass over the
  block's words with the partner words (patterns._candidates, agents._bl101), and the new
  vigilance alternatives are a pattern of their own, so the new rules cost nothing overall.

End of the session (all figures tuned, not held out):

   labelled dev corpus      strict recall   all-blameful recall   false alarms        error tier
   formerly held out before 0.40 (2/5)      0.29 (8/28)           10 (5.0 per 1,000)  5 flags, 2 blameful
     after                  1.00 (5/5)      0.79 (22/28)           4 (2.0 per 1,000)  6 flags, 5 blameful
   first tuning before      0.90 (9/10)     0.84 (65/77)           1 (0.2 per 1,000)  13 flags, 13 blameful
     after                  1.00 (10/10)    0.92 (71/77)           0 (0.0 per 1,000)  15 flags, 15 blameful
   all 19 before            0.73 (11/15)    0.70 (73/105)         11 (1.8 per 1,000)  18 flags, 15 blameful
     after                  1.00 (15/15)    0.89 (93/105)          4 (0.6 per 1,000)  21 flags, 20 blameful

   per organisation after (all-blameful found / blameful, false alarms): 2i2c 2/4 0,
   alantech-iasql 3/4 0, cocoapods -/0 0, goatcounter 2/2 0, hachyderm 7/10 4, homebrew - 0,
   jd4883 - 0, joshschmelzle - 0, moj-cloud-platform 11/13 0, notional 3/4 0, opensuse-obs
   41/42 0, osmf-owg 1/1 0, terra-rebels 12/13 0, turboflakes 2/2 0, tzbtc-bridge - 0, va-gov
   4/4 0, wire - 0, wobscale 1/1 0, yearn 4/5 0. Warning tier, all 19: 77 flags, 0.96 on
   blameful sentences.

The four false alarms left are all hachyderm ("we seemed to lose track of ...", "I think we
should have seen these, but I am not sure?", a line-wrapped "... the part of the specific
moderator who made the mistake", "Not using descriptive language, EG: ..."): each is
borderline in form and labelled clean by its context; no rule was bent for them.
Real-postmortems labels: held-out half P 0.93 R 1.00, tuning half P 0.93 R 0.93 (unchanged;
its two false alarms are "approve/merge it hastily" and "went unnoticed for too long", both
guide-borderline in form). Labelled set P 1.00 R 0.986 (was 0.967); real-postmortems dev cases
P 1.00 R 1.00. All real text: 6 false alarms in 8,103 sentences, 0.74 per 1,000 (was 13, 1.60).

Written set: tune P 1.00 R 0.99 (140/141, 137 in tier), holdout P 0.99 R 0.87 (106/122, 98 in
tier); the holdout grew by b5-b10 (66 rows), whose blameful rows went 44/64 -> 52/64 from
before to after the rules for their batches (b10's look-alikes: 4 false alarms before, 0
after, not clean). Neutral probe (benchmarks/blame_neutral.py, 593,379 sentences): 435 -> 430 hits
(0.733 -> 0.725 per 1,000), error tier 114 -> 113; no new pattern fires more than once on it.

Speed, CPU, session-start code and this alternately on the same machine: profile_validate
blame stage 2.52-2.56 -> 2.51-2.53 ms per generated file (0.27x proselint alone; whole
validate 0.85x); find_blame alone 1.70-1.73 -> 1.75-1.76 ms per file and 12.9-13.1 ->
13.3-13.4 us per labelled-dev sentence (within the run-to-run spread; it was 4-8% slower
before the candidate indexing); 27 us CPU per labelled-dev sentence with line handling.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from postmortem.language.blame import CODES, find_blame  # noqa: E402
from postmortem.language.evaluation import (  # noqa: E402
    DEV_FIRST_TUNING,
    DEV_GROUPS,
    DEV_ORGANISATIONS,
    DEV_RETIRED_HELD_OUT,
    Case,
    Score,
    by_family,
    dev_scores,
    load_corpus_labels,
    load_dev_cases,
    load_labelled,
    load_written,
    run_dev_corpus,
    score,
    score_corpus,
)
from postmortem.language.sentences import SentenceIndex  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "blame-labelled.tsv"
CORPUS_LABELS = ROOT / "tests" / "data" / "blame-corpus-labels.tsv"
CORPUS = ROOT.parent / "shared" / "corpus" / "real-postmortems"
DEV = ROOT.parent / "shared" / "corpus" / "labelled-dev"
WRITTEN = ROOT / "tests" / "data" / "blame-written.tsv"

_INLINE_CODE = re.compile(r"`[^`\n]*`")
_URL = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+")
_BLOCK_START = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+|^\s*#|^\s*\|")


def naive_blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, prose) for each paragraph, list item and table cell of a file."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    in_fence = False

    def flush() -> None:
        if current:
            blocks.append((start, " ".join(current)))
            current.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            flush()
            continue
        if in_fence:
            continue
        if not line.strip():
            flush()
            continue
        line = _URL.sub("]", _INLINE_CODE.sub("CODE", line))
        if line.lstrip().startswith("|"):
            flush()
            for cell in line.strip().strip("|").split("|"):
                if cell.strip() and not set(cell.strip()) <= set("-: "):
                    blocks.append((number, cell.strip()))
            continue
        if _BLOCK_START.match(line):
            flush()
        if not current:
            start = number
        current.append(line.strip().lstrip(">").strip())
    flush()
    return blocks


def print_score(name: str, cases: list[Case]) -> None:
    result = score(cases)
    print(result.line(name))
    for fam, fs in by_family(cases).items():
        label = CODES.get(fam, "(dev-set label)")
        if fs.tp or fs.fn:
            print(
                f"  {fam} {label}: recall {fs.recall:.3f} ({len(fs.tp)}/{len(fs.tp) + len(fs.fn)})"
            )
        if fs.fp:
            print(f"  {fam} {label}: {len(fs.fp)} false alarm(s)")
    for case in result.fn:
        print(f"  MISS  [{case.kind}] {case.source} {case.text}")
    for case, hits in result.fp:
        spans = ", ".join(f"{h.code} '{case.text[h.start : h.end]}'" for h in hits)
        print(f"  FALSE [{case.kind}] {case.source} {case.text}  -> {spans}")
    print()


def speed(cases: list[Case]) -> None:
    texts = [c.text for c in cases]
    paragraph = " ".join(texts[:6])  # a ~100-word paragraph with several hits
    rounds = 200
    t0 = time.perf_counter()
    for _ in range(rounds):
        for t in texts:
            find_blame(t)
    per_sentence = (time.perf_counter() - t0) / (rounds * len(texts))
    t0 = time.perf_counter()
    for _ in range(rounds * 5):
        find_blame(paragraph)
    per_paragraph = (time.perf_counter() - t0) / (rounds * 5)
    print(
        f"speed: {per_sentence * 1e6:.1f} us per labelled sentence, "
        f"{per_paragraph * 1e6:.1f} us per {len(paragraph.split())}-word paragraph"
    )
    print()


def written() -> None:
    rows = load_written(WRITTEN)
    for split in ("tune", "holdout"):
        score, tiers = Score(), Score()
        for row in rows:
            if row.split != split:
                continue
            hits = find_blame(row.case.text)
            score.add(row.case, hits)
            if row.case.flag:  # is the finding in the tier a reviewer expects?
                tiers.add(
                    Case(True, row.tier, row.case.text), [h for h in hits if h.tier == row.tier]
                )
        print(score.line(f"written set, {split}"))
        print(f"  in the expected tier: {len(tiers.tp)}/{len(tiers.tp) + len(tiers.fn)}")
        for case in score.fn:
            print(f"  MISS  {case.text}")
        for case, hits in score.fp:
            print(f"  FALSE {case.text} -> {', '.join(h.code for h in hits)}")
    print()


def dev_corpus() -> tuple[int, int]:
    """Per-organisation figures on the labelled dev corpus; (sentences, false alarms)."""
    t0 = time.process_time()
    sentences = run_dev_corpus(DEV)
    elapsed = time.process_time() - t0
    scores = dev_scores(sentences)
    print("labelled dev corpus, by organisation (all are tuned on since the fourth session):")
    for name in (*DEV_ORGANISATIONS, *DEV_GROUPS):
        print("  " + scores[name].line(name))
    groups = {
        "formerly held out": set(DEV_RETIRED_HELD_OUT),
        "first tuning": set(DEV_FIRST_TUNING),
        "all": set(DEV_ORGANISATIONS),
    }
    for tier in ("error", "warning"):
        for group, orgs in groups.items():
            chosen = [s for s in sentences if s.org in orgs]
            flagged = [s for s in chosen if tier in s.tiers]
            strict = [s for s in chosen if s.label == "strict"]
            blameful = [s for s in chosen if s.label != "clean"]
            right = [s for s in flagged if s.label != "clean"]
            print(
                f"  {tier:7} tier, {group:17}: flags {len(flagged):3}, precision (vs blameful) "
                f"{len(right) / len(flagged) if flagged else 1:.2f}, recall strict "
                f"{sum(tier in s.tiers for s in strict)}/{len(strict)}, all blameful "
                f"{sum(tier in s.tiers for s in blameful)}/{len(blameful)}"
            )
    print(
        f"  time: {elapsed / len(sentences) * 1e6:.0f} us CPU per sentence "
        f"({len(sentences)} sentences, detector and line handling)"
    )
    print()
    return scores["all"].sentences, scores["all"].clean_flagged


def corpus_hits() -> None:
    files = sorted(CORPUS.rglob("*.md"))
    total = 0
    words = 0
    t0 = time.perf_counter()
    rows = []
    for path in files:
        rel = path.relative_to(CORPUS)
        text = path.read_text(encoding="utf-8", errors="replace")
        words += len(text.split())
        for line, block in naive_blocks(text):
            for hit in find_blame(block):
                index = SentenceIndex(block)
                s, e = index.around(hit.start)
                rows.append((rel, line, hit, block[s:e], block[hit.start : hit.end]))
    elapsed = time.perf_counter() - t0
    print(f"corpus: {len(files)} files, {words} words, scanned in {elapsed * 1000:.0f} ms")
    for rel, line, hit, sentence, phrase in rows:
        total += 1
        print(f"{rel}:{line}\t{hit.code}\t[{phrase}]\t{sentence}")
    print(f"corpus: {total} hits")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-corpus", action="store_true", help="skip the corpus scan")
    args = parser.parse_args()
    labelled = load_labelled(LABELLED)
    print_score("labelled set (tests/data/blame-labelled.tsv)", labelled)
    dev = CORPUS / "blame-dev-cases.tsv"
    if dev.exists():
        print_score("dev set (real-postmortems/blame-dev-cases.tsv)", load_dev_cases(dev))
    else:
        print(f"dev set not found at {dev}")
    written()
    real_sentences = real_false = 0
    if (DEV / "labels.tsv").is_file():
        real_sentences, real_false = dev_corpus()
    else:
        print(f"labelled dev corpus not found at {DEV}")
    if CORPUS.is_dir():
        labels = load_corpus_labels(CORPUS_LABELS)
        for split in ("heldout", "tuning"):
            result = score_corpus(CORPUS, [lab for lab in labels if lab.split == split])
            real_sentences += len(result.tp) + len(result.fp) + len(result.fn) + len(result.tn)
            real_false += len(result.fp)
            print(result.line(f"corpus {split} half (tests/data/blame-corpus-labels.tsv)"))
            for case in result.fn:
                print(f"  MISS  [{case.kind}] {case.source}")
            for case, hits in result.fp:
                print(f"  FALSE [{case.kind}] {case.source} -> {', '.join(h.code for h in hits)}")
        print()
    if real_sentences:
        print(
            f"all real text: {real_false} false alarms in {real_sentences} sentences "
            f"({1000 * real_false / real_sentences:.2f} per 1,000)"
        )
        print()
    speed(labelled)
    if not args.no_corpus:
        if CORPUS.is_dir():
            corpus_hits()
        else:
            print(f"corpus not found at {CORPUS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
