"""Prose quality: proselint's checks, run on the prose of a post-mortem only.

proselint (https://github.com/amperser/proselint) is run through its Python API on the
document's prose blocks (paragraphs, list items, timeline events and actions; never code,
inline code, URLs, headings or quoted chat). Each proselint check family has its own code, so
`select`/`ignore` work per family (`ignore: [PR112]`) or for all prose (`ignore: [PR]`):

    PR100 other (a family this version does not know)   PR113 nonwords
    PR101 annotations          PR107 lexical_illusions  PR114 oxymorons
    PR102 archaism             PR108 malapropisms       PR115 psychology
    PR103 cliches              PR109 misc               PR116 redundancy
    PR104 dates_times          PR110 mixed_metaphors    PR117 restricted
    PR105 hedging              PR111 mondegreens        PR118 skunked_terms
    PR106 industrial_language  PR112 needless_variants  PR119 social_awareness
    PR120 spelling   PR121 terms   PR122 typography   PR123 uncomparables   PR124 weasel_words

Which proselint checks run is the `prose_checks` setting: a list of proselint check names or
prefixes (`spelling`, `misc.preferred_forms`); `-name` turns one off; `default` stands for the
default set below. Examples: `prose_checks: [default, weasel_words]`, `prose_checks: [default,
-redundancy]`, `prose_checks: []` (no prose checks at all).

The default set leaves out the checks that, measured on real post-mortems and technical
documentation, mostly flag normal technical writing: straight quotes, `...`, `10x` and `resume`
(typography.symbols, typography.diacritical_marks), `9am PST` and `from 14:02` (dates_times.am_pm,
dates_times.dates.dash_and_from), `more complete` and `largely complete` (uncomparables, also
half of proselint's running time), `very` (weasel_words), `allocatable` (spelling.able_atable, a
Kubernetes term), two spaces after a period, which Markdown does not render
(typography.punctuation.spacing), "obviously", already reported as hindsight by BL105
(misc.greylist), a paragraph starting with "But" (misc.but), `hopefully` (skunked_terms), the
rude wording of misc.pretension, and the families that never apply to incident reports
(restricted, psychology, terms).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from ..document import Document
from ..options import ConfigError
from .base import Context, Problem, Rule, checker
from .repeats import RepeatedWords

# proselint check family -> (code, rule name). Codes are stable: never renumber.
FAMILIES: dict[str, tuple[str, str]] = {
    "annotations": ("PR101", "prose-annotations"),
    "archaism": ("PR102", "prose-archaism"),
    "cliches": ("PR103", "prose-cliches"),
    "dates_times": ("PR104", "prose-dates-times"),
    "hedging": ("PR105", "prose-hedging"),
    "industrial_language": ("PR106", "prose-industrial-language"),
    "lexical_illusions": ("PR107", "prose-lexical-illusions"),
    "malapropisms": ("PR108", "prose-malapropisms"),
    "misc": ("PR109", "prose-misc"),
    "mixed_metaphors": ("PR110", "prose-mixed-metaphors"),
    "mondegreens": ("PR111", "prose-mondegreens"),
    "needless_variants": ("PR112", "prose-needless-variants"),
    "nonwords": ("PR113", "prose-nonwords"),
    "oxymorons": ("PR114", "prose-oxymorons"),
    "psychology": ("PR115", "prose-psychology"),
    "redundancy": ("PR116", "prose-redundancy"),
    "restricted": ("PR117", "prose-restricted"),
    "skunked_terms": ("PR118", "prose-skunked-terms"),
    "social_awareness": ("PR119", "prose-social-awareness"),
    "spelling": ("PR120", "prose-spelling"),
    "terms": ("PR121", "prose-terms"),
    "typography": ("PR122", "prose-typography"),
    "uncomparables": ("PR123", "prose-uncomparables"),
    "weasel_words": ("PR124", "prose-weasel-words"),
}
OTHER = ("PR100", "prose-other")

DEFAULT_CHECKS: tuple[str, ...] = (
    # "annotations" (TODO, FIXME) is left to ST102, which says what to write instead.
    "archaism",
    "cliches",
    "dates_times.dates",
    "-dates_times.dates.dash_and_from",
    "hedging",
    "industrial_language",
    "lexical_illusions",
    "malapropisms",
    "misc",
    "-misc.but",
    "-misc.greylist",
    "-misc.pretension",
    "mixed_metaphors",
    "mondegreens",
    "needless_variants",
    "nonwords",
    "oxymorons",
    "redundancy",
    "social_awareness",
    "spelling",
    "-spelling.able_atable",
    "typography.punctuation",
    "-typography.punctuation.spacing",
)

# Blocks are joined with a blank line, which proselint reads as a paragraph break; a match
# that spans two blocks is an artefact of the joining and is dropped.
_JOIN = "\n\n"
# The document model replaces inline code and URLs with these words; a match on them (e.g.
# "CODE CODE" as a repeated phrase) says nothing about the author's prose.
_PLACEHOLDER = re.compile(r"\b(?:CODE|URL)\b")
_LETTER = re.compile(r"[^\W\d_]")
# proselint's lexical_illusions pattern backtracks quadratically inside a long run of word
# characters that are not ASCII letters (digits, `_`, CJK or Cyrillic without spaces): a
# 100 KB run took minutes. A run this long is never a repeated prose word, so that check
# reads it blanked out, with the same length so that offsets do not move.
_LONG_WORD = re.compile(r"\w{50,}")


def _all_checks() -> tuple[Any, ...]:
    """Every proselint check, registered in proselint's registry once per process."""
    from proselint.checks import __register__
    from proselint.registry import CheckRegistry

    registry = CheckRegistry()
    if not registry.checks:  # the registry is a process-wide singleton: never register twice
        registry.register_many(__register__)
    return tuple(registry.checks)


def _expand(names: Sequence[str]) -> dict[str, bool]:
    """`prose_checks` as proselint's {prefix: enabled} map, most specific prefix first."""
    flags: dict[str, bool] = {}
    for raw in names:
        name = str(raw).strip()
        if name == "default":
            flags.update(_expand(DEFAULT_CHECKS))
            continue
        enabled = not name.startswith("-")
        flags[name.lstrip("-")] = enabled
    return dict(sorted(flags.items(), key=lambda item: item[0].count("."), reverse=True))


def unknown_checks(names: Sequence[Any]) -> list[str]:
    """Entries of `prose_checks` that name no proselint check (a typo must not pass silently)."""
    paths = [check.path for check in _all_checks()]
    unknown = []
    for raw in names:
        name = str(raw).strip().lstrip("-")
        if name == "default":
            continue
        if not any(path == name or path.startswith(name + ".") for path in paths):
            unknown.append(str(raw))
    return unknown


@lru_cache(maxsize=32)
def enabled_checks(names: tuple[str, ...], families: frozenset[str] | None = None) -> tuple:
    """The proselint checks selected by `prose_checks`, limited to enabled families."""
    bad = unknown_checks(names)
    if bad:
        known = ", ".join(sorted({c.path.split(".")[0] for c in _all_checks()}))
        raise ConfigError(
            f"prose_checks: unknown proselint check {', '.join(f'`{b}`' for b in bad)} "
            f"(families: {known}; see `postmortem rules`)"
        )
    flags = _expand(names)
    chosen = []
    for check in _all_checks():
        if families is not None and _family_of(check.path) not in families:
            continue
        value = next((on for prefix, on in flags.items() if check.matches_partial(prefix)), False)
        if value:
            chosen.append(check)
    return tuple(chosen)


def _family_of(path: str) -> str:
    family = path.split(".", 1)[0]
    return family if family in FAMILIES else ""


def code_of(path: str) -> str:
    """The rule code that reports a proselint check (`typography.symbols` -> PR122)."""
    return FAMILIES.get(_family_of(path), OTHER)[0]


def _configured(ctx: Context) -> tuple[str, ...]:
    value = ctx.config.values.get("prose_checks")
    if value is None:
        return ("default",)
    if not isinstance(value, list | tuple):
        raise ConfigError("prose_checks must be a list of proselint check names")
    return tuple(str(v) for v in value)


class _Plan:
    """Which checks can match a text, found with one RE2 pass instead of one pass per check.

    Most proselint checks are lists of words or phrases and find nothing in a given report.
    Every pattern of those checks, with its padding (word boundaries), goes into one RE2 set per
    regex option set; a check runs only when one of its patterns occurs in the text, so it finds
    exactly what it would have found (the equivalence is tested on real and generated text).
    Checks whose patterns RE2 cannot read (back-references, look-arounds, Python-only syntax)
    and checks written as functions always run.
    """

    def __init__(self, checks: Sequence[Any]) -> None:
        import re2

        self.checks = tuple(checks)
        self.always: list[int] = []
        sets: dict[Any, tuple[Any, list[int]]] = {}
        for index, check in enumerate(self.checks):
            patterns = _raw_patterns(check)
            if patterns is None:
                self.always.append(index)
                continue
            opts = check.engine.opts
            if opts not in sets:
                sets[opts] = (re2.Set.SearchSet(opts.re2_opts), [])
            search, owners = sets[opts]
            for pattern in patterns:
                search.Add(pattern)
                owners.append(index)
        self.sets = []
        for search, owners in sets.values():
            search.Compile()
            self.sets.append((search, owners))

    def select(self, text: str) -> list[Any]:
        chosen = set(self.always)
        for search, owners in self.sets:
            chosen.update(owners[i] for i in search.Match(text) or ())
        return [self.checks[i] for i in sorted(chosen)]


_PLAIN_ASCII = re.compile(r"^[A-Za-z0-9\s'.,&-]+$")
# proselint's STRICT_WORDS_IN_TEXT padding without look-arounds (RE2 has none): for "does it
# occur at all" the two are the same.
_STRICT = r"(?:^|[^A-Za-z'-])(?:{})(?:[^A-Za-z'-]|$)"


def _raw_patterns(check: Any) -> list[str] | None:
    """The patterns of a list-of-phrases check in RE2 syntax, or None when it must always run."""
    from proselint.registry.checks import Padding, engine, types

    kind = check.check_type
    if isinstance(kind, types.Existence | types.PreferredFormsSimple | types.PreferredForms):
        patterns, padding = list(kind.items), kind.padding
    elif isinstance(kind, types.ExistenceSimple):
        patterns, padding = [kind.pattern], Padding.RAW
    else:
        return None
    if not patterns:
        return None
    if not isinstance(check.engine, engine.Fast):
        # A Python-regex check: only plain ASCII words and phrases read the same in RE2.
        if not all(_PLAIN_ASCII.match(p) for p in patterns):
            return None
        if padding not in (Padding.RAW, Padding.WORDS_IN_TEXT, Padding.STRICT_WORDS_IN_TEXT):
            return None
    if padding == Padding.STRICT_WORDS_IN_TEXT:
        return [_STRICT.format(p) for p in patterns]
    return [padding.format(p) for p in patterns]


def run_check(check: Any, text: str) -> Iterator[Any]:
    """proselint's results of one check on a text; its repeated-phrase check (lexical
    illusions) is run by `RepeatedWords`, which finds the same matches in one linear pass."""
    from proselint.registry.checks import Padding, engine, types

    kind = check.check_type
    if (
        check.path == "lexical_illusions"
        and isinstance(kind, types.ExistenceSimple)
        and isinstance(check.engine, engine.Fancy)
        and kind.pattern == _LEXICAL_ILLUSIONS
    ):
        exceptions = check.engine.make_set(Padding.RAW, kind.exceptions, engine.Anchor.ANCHOR_BOTH)
        finder = RepeatedWords(check.engine.compiled_pattern(kind.pattern))
        results = types._process_existence(finder, exceptions, text, check)
        return check.flags.apply(results, len(text))
    return check.check_with_flags(text)


# proselint 0.16's pattern, which RepeatedWords was written (and is tested) against.
_LEXICAL_ILLUSIONS = r"(?<![A-Za-z'-])(\w+(?:\s+\w+){0,3})(\s+\1)+(?![A-Za-z'-])"

_PLANS: dict[int, tuple[Sequence[Any], _Plan]] = {}
# The RE2 sets cost about 40 ms to compile and warm up, and save about 4 ms per report after
# that: a process checking a few files (the pre-commit hook, a pull request) runs every check,
# one checking more builds the plan after this many reports.
PLAN_AFTER = 10
_LINTED = [0]


class _RunAll:
    def __init__(self, checks: Sequence[Any]) -> None:
        self.checks = list(checks)

    def select(self, text: str) -> list[Any]:
        return self.checks


def expect_reports(count: int) -> None:
    """This process is about to lint `count` reports, one after the other: with more than
    PLAN_AFTER, the plan pays for itself and is used from the first one."""
    if count > PLAN_AFTER:
        _LINTED[0] = max(_LINTED[0], PLAN_AFTER)


def _selector(checks: Sequence[Any]) -> _Plan | _RunAll:
    _LINTED[0] += 1
    return _plan(checks) if _LINTED[0] > PLAN_AFTER else _RunAll(checks)


def _plan(checks: Sequence[Any]) -> _Plan:
    """The plan for a tuple of checks (enabled_checks returns the same tuple for a setting)."""
    key = id(checks)
    cached = _PLANS.get(key)
    if cached is None or cached[0] is not checks:
        if len(_PLANS) > 8:
            _PLANS.clear()
        cached = (checks, _Plan(checks))
        _PLANS[key] = cached
    return cached[1]


def lint_prose(doc: Document, checks: Sequence[Any]) -> list[tuple[int, int, str, str, str | None]]:
    """(line, column, check path, message, replacement) of every proselint hit in the prose.

    proselint is run once on the whole prose of the document (blocks joined by blank lines),
    which is about three times faster than once per block; offsets are mapped back to blocks.
    Only the checks that can match run (see `_Plan`), once a process has linted PLAN_AFTER
    reports.
    """
    from proselint.tools import LintFile

    blocks = [b for b in doc.prose if b.text.strip()]
    if not blocks or not checks:
        return []
    starts = []
    offset = 1  # LintFile pads the content with a leading newline
    for block in blocks:
        starts.append(offset)
        offset += len(block.text) + len(_JOIN)
    joined = _JOIN.join(b.text for b in blocks)
    content = f"\n{joined}\n"  # what LintFile reads
    # LintFile finds the quoted spans of the whole text (a fifth of this function's time):
    # made only when a finding of a check that skips quotes needs them.
    lint: LintFile | None = None
    seen: set[tuple[int, int]] = set()
    hits = []
    blanked = content
    if max(map(len, content.split()), default=0) >= 50:  # a run of 50 \w needs a long chunk
        blanked = _LONG_WORD.sub(lambda m: "\u00b7" * len(m[0]), content)
    for check in _selector(checks).select(content):
        text = blanked if check.path == "lexical_illusions" else content
        for result in run_check(check, text):
            start, end = result.span
            if (start, end) in seen:
                continue  # two checks with the same finding (e.g. "in regards to")
            if not check.flags.allow_quotes:
                lint = lint or LintFile(doc.display_path, joined)
                if lint.is_quoted_pos(start):
                    continue
            index = bisect_right(starts, start) - 1
            if index < 0:
                continue
            block = blocks[index]
            local = start - starts[index]
            if end - starts[index] > len(block.text) + 1:
                continue  # spans two blocks
            if _PLACEHOLDER.search(content, start, max(end, start + 1)):
                continue
            if result.check_path == "lexical_illusions" and not _LETTER.search(content, start, end):
                continue  # "20 00" in a date is not a repeated word
            seen.add((start, end))
            line, column = block.position(max(local, 0))
            hits.append((line, column, result.check_path, result.message, result.replacements))
    hits.sort()
    return hits


def _suggestion(path: str, replacement: str | None) -> str:
    off = f"or, if it does not fit your team's style, add `-{path}` to `prose_checks`"
    if replacement:
        return f"Write '{replacement}' instead, {off}."
    return f"Rephrase, {off}."


def _rule(family: str, summary: str) -> Rule:
    code, name = FAMILIES.get(family, OTHER)
    if family:
        default = {True: "on by default", False: "partly on by default"}.get(
            _default_families().get(family), "off by default"
        )
        summary += f"\n\nproselint's `{family}` checks ({default}; see `prose_checks`)."
    return Rule(code, name, "prose", "warning", summary + "\n")


def _default_families() -> dict[str, bool]:
    """Family -> True when on by default as a whole, False when only some of its checks are."""
    families: dict[str, bool] = {}
    for name in DEFAULT_CHECKS:
        if not name.startswith("-"):
            families[name.split(".")[0]] = "." not in name
    return families


_SUMMARIES = (
    ("", "A proselint check from a family this version of the rules does not know yet."),
    ("annotations", "A note left in the text: TODO, FIXME, FIX THIS."),
    ("archaism", 'An archaic word ("whilst", "heretofore").'),
    ("cliches", 'A cliché ("at the end of the day", "first and foremost").'),
    ("dates_times", 'Dates and times written loosely ("February, 2025", "the 1990\'s").'),
    ("hedging", 'Hedging ("I would argue that", "to a certain degree"): say it.'),
    (
        "industrial_language",
        'Corporate, bureaucratic or chat language ("thrown under the bus", "lol").',
    ),
    ("lexical_illusions", 'A word repeated by accident ("the the"), often across a line break.'),
    ("malapropisms", "A malapropism: a similar-sounding wrong word."),
    ("misc", 'Usage: preferred forms ("off of", "in regards to"), hyphenation, capitalisation.'),
    ("mixed_metaphors", "A mixed metaphor."),
    ("mondegreens", "A misheard phrase."),
    ("needless_variants", 'A needless variant of a common word ("disassociate").'),
    ("nonwords", 'A nonword ("irregardless").'),
    ("oxymorons", "An oxymoron."),
    ("psychology", "Misused psychology terms."),
    ("redundancy", 'A redundant phrase ("each and every", "add an additional", "past history").'),
    ("restricted", "Words outside a restricted vocabulary (elementary-school or top-1000 words)."),
    ("skunked_terms", 'A skunked term, read differently by different readers ("hopefully").'),
    ("social_awareness", "Gendered or offensive terms, with a neutral replacement."),
    ("spelling", 'A misspelling or an inconsistent spelling ("alot", "centre"/"center").'),
    ("terms", "A more precise term exists (animal adjectives, denizen labels)."),
    ("typography", 'Punctuation and symbols ("et. al", "!!", too many exclamation marks).'),
    ("uncomparables", 'An uncomparable compared ("very unique").'),
    ("weasel_words", 'A weasel word ("very").'),
)


@checker("proselint", [_rule(family, summary) for family, summary in _SUMMARIES])
def prose(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Every hit of the enabled proselint checks, each under its family's code."""
    families = frozenset(family for family, (code, _) in FAMILIES.items() if ctx.enabled(code))
    if ctx.enabled(OTHER[0]):
        families |= {""}
    for line, column, path, message, replacement in lint_prose(
        doc, enabled_checks(_configured(ctx), families)
    ):
        yield Problem(
            line,
            f"{message} [proselint: {path}]",
            _suggestion(path, replacement),
            column,
            code_of(path),
        )
