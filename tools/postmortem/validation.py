"""Validation: run the rules over files and the archive, apply config and suppressions.

Per-file work (parse + document rules) runs in a process pool across cores; archive rules run
once over a cheap index of every file's frontmatter, so `--changed-since` checks one file fully
and the rest only for what spans the archive (unique ids).
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .archive_index import GitChanges, index_entries, list_archive
from .config import Config
from .document import (
    MAX_FILE_BYTES,
    Document,
    load_document,
    load_frontmatter,
    parse_bytes,
    split_lines,
)
from .findings import Finding
from .rules import CHECKERS, REGISTRY, Checker, Context, Problem, Rule
from .rules.archive import Entry
from .rules.learning import PROFILE

_SUPPRESS = re.compile(
    r"postmortem:\s*(?P<kind>disable-file|disable-next-line|disable)\s*=\s*"
    r"(?P<codes>[A-Z]{2}\d{3}(?:\s*,\s*[A-Z]{2}\d{3})*)",
    re.IGNORECASE,
)
PARALLEL_THRESHOLD = 40
INTERNAL = "INTERNAL"  # the rule code of a rule that crashed: exit 2, the other rules still ran


@dataclass
class Report:
    """The result of a validation run: files checked and their findings."""

    files_checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def exit_code(self) -> int:
        if any(f.rule == INTERNAL for f in self.findings):
            return 2
        return 1 if self.errors else 0

    def to_dict(self) -> dict[str, object]:
        return {
            "files_checked": self.files_checked,
            "findings": [f.to_dict() for f in self.findings],
        }


def suppressions(text: str) -> tuple[set[str], dict[int, set[str]]]:
    """Codes silenced for the whole file, and per line, by `postmortem: disable=CODE` comments."""
    whole: set[str] = set()
    by_line: dict[int, set[str]] = {}
    if "postmortem:" not in text:
        return whole, by_line
    for number, line in enumerate(split_lines(text), start=1):
        for match in _SUPPRESS.finditer(line):
            codes = {c.strip().upper() for c in match["codes"].split(",")}
            if match["kind"] == "disable-file":
                whole |= codes
            else:
                target = number + 1 if match["kind"] == "disable-next-line" else number
                by_line.setdefault(target, set()).update(codes)
    return whole, by_line


def _is_suppressed(finding: Finding, whole: set[str], by_line: dict[int, set[str]]) -> bool:
    return finding.rule in whole or finding.rule in by_line.get(finding.line, ())


def _finding(rule: Rule, config: Config, path: str, problem: Problem) -> Finding:
    return Finding(
        path,
        max(problem.line, 1),
        max(problem.column, 1),
        rule.code,
        rule.category,
        config.severity(rule.code, rule.severity),
        problem.message,
        problem.suggestion,
    )


def enabled_codes(config: Config) -> set[str]:
    """The codes of the rules the configuration enables."""
    return {code for code in REGISTRY if config.is_enabled(code)}


def enabled_checkers(enabled: set[str], archive: bool) -> list[Checker]:
    """The checkers with at least one enabled rule (`enabled_codes`): each runs once per
    document."""
    return [
        c for c in CHECKERS.values() if c.archive == archive and not enabled.isdisjoint(c.codes)
    ]


def check_document(doc: Document, config: Config, today: date) -> list[Finding]:
    """Every enabled checker on one parsed document, each run once; findings of enabled rules."""
    path = doc.display_path
    findings: list[Finding] = []
    shared: dict = {}
    enabled = enabled_codes(config)
    for checker in enabled_checkers(enabled, archive=False):
        try:
            results = checker.run(doc, Context(config, today, cache=shared))
        except Exception as error:  # a checker bug must not hide the other checkers' results
            findings.append(_crashed(checker, error, path, "file"))
            continue
        findings.extend(
            _finding(rule, config, path, p) for rule, p in results if rule.code in enabled
        )
    whole, by_line = suppressions(doc.text)
    return sorted(f for f in findings if not _is_suppressed(f, whole, by_line))


def _crashed(checker: Checker, error: Exception, path: str, attach: str) -> Finding:
    """The INTERNAL error finding of a checker that raised `error`."""
    if len(checker.rules) == 1:
        named = f"rule {checker.rules[0].code}"
    else:
        named = f"checker {checker.name} ({checker.codes[0]}..{checker.codes[-1]})"
    return Finding(
        path,
        1,
        1,
        INTERNAL,
        checker.rules[0].category,
        "error",
        f"internal error in {named}: {type(error).__name__}: {error}",
        f"Please report this with the {attach} attached.",
    )


def entry_for(doc: Document, config: Config | None = None, profile: bool = True) -> Entry:
    """The archive index's entry of a document; with its similarity profile when LE101 is
    enabled and `profile` (LE101 compares two or more post-mortems: one alone needs none)."""
    extra = {}
    if profile and config is not None and config.is_enabled("LE101") and doc.parsed:
        from .learning.profile import profile_from_document  # no text engine imported here

        extra[PROFILE] = profile_from_document(doc)
    return Entry(
        doc.display_path,
        doc.id,
        doc.meta_line("id"),
        tuple(doc.related),
        doc.meta_line("related"),
        extra,
    )


_INDEX_BYTES = 256_000
# Lines that end the frontmatter for the document parser: `---` or `...` and spaces.
_CLOSING = re.compile(r"\n(?:---|\.\.\.)[^\S\n]*(?:\n|$)")
# A quoted id, or an unquoted one in the documented form (YAML reads it as text), on a line
# of its own: a blank or indented next line may continue the value. Others go through YAML.
_PLAIN_ID = re.compile(
    r"""^id:[ \t]*(?:(["'])([A-Za-z0-9._-]+)\1|()(\d{4}-\d{2}-\d{2}-[A-Za-z0-9._-]+))[ \t]*"""
    r"""$(?=\n(?:[^ \t\n]|\Z))""",
    re.MULTILINE,
)
_PLAIN_RELATED = re.compile(r"^related:[ \t]*\[([^\]\n]*)\][ \t]*$", re.MULTILINE)
_RELATED_KEY = re.compile(r"^related:", re.MULTILINE)


def _unquoted_or_quoted(name: str) -> bool:
    quotes = "'\""
    if name[0] in quotes or name[-1] in quotes:
        return len(name) >= 2 and name[0] == name[-1] and name[0] in quotes
    return True


def read_entry(path: Path | str) -> Entry:
    """The archive index entry of a file from its frontmatter alone (no body parsing).

    Archive rules need only `id` and `related` of files not being checked; in the usual plain
    form they are read with two regular expressions, anything else goes through the YAML loader.
    The entry must be what a full parse gives (or `--changed-since` and a full run disagree
    about duplicate and related ids): a file the parser cannot read has no id here either, and
    the frontmatter is delimited by the same lines.
    """
    shown = path if isinstance(path, str) else path.as_posix()
    try:
        with open(path, "rb") as handle:
            data = handle.read(_INDEX_BYTES)
            size = os.fstat(handle.fileno()).st_size
    except OSError:
        return Entry(shown, "", 1)
    if size > MAX_FILE_BYTES or b"\x00" in data:
        return Entry(shown, "", 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if len(data) < _INDEX_BYTES or error.start < len(data) - 3:
            return Entry(shown, "", 1)
        text = data[: error.start].decode("utf-8")  # the read ended inside a character
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = "\n".join(split_lines(text)) + "\n"
    first = text.split("\n", 1)[0]
    closing = _CLOSING.search(text, len(first))
    if first.rstrip() != "---" or closing is None:
        return Entry(shown, "", 1)
    block = text[len(first) + 1 : closing.start() + 1]
    ids = _PLAIN_ID.findall(block)
    related = _PLAIN_RELATED.search(block)
    names = [n.strip() for n in related[1].split(",") if n.strip()] if related else []
    if (
        len(ids) == 1
        and (related or not _RELATED_KEY.search(block))
        and all(_unquoted_or_quoted(n) for n in names)  # not 'a, b' split at its comma
    ):
        id_match = _PLAIN_ID.search(block)
        return Entry(
            shown,
            ids[0][1] or ids[0][3],
            block.count("\n", 0, id_match.start()) + 2,
            tuple(n.strip("'\"") for n in names),
            block.count("\n", 0, related.start()) + 2 if related else 1,
        )
    meta, lines, _ = load_frontmatter(block, shown, first_line=2)
    raw_id = meta.get("id")
    listed = meta.get("related")
    return Entry(
        shown,
        raw_id if isinstance(raw_id, str) else "",
        lines.get("id", 1),
        tuple(r for r in listed if isinstance(r, str)) if isinstance(listed, list) else (),
        lines.get("related", 1),
    )


def _check_file(args: tuple[Path, Config, date, bool]) -> tuple[list[Finding], Entry]:
    path, config, today, profile = args
    doc = load_document(path)
    return check_document(doc, config, today), entry_for(doc, config, profile)


def _run_files(
    paths: Sequence[Path],
    config: Config,
    today: date,
    workers: int | None,
    progress: Callable[[], None] | None = None,
    profiles: bool = True,
) -> list[tuple[list[Finding], Entry]]:
    jobs = [(p, config, today, profiles) for p in paths]
    if len(jobs) > 1 and not gc.isenabled():
        # The console script turns the cycle collector off for `validate` (launcher.main):
        # right for one file, which leaves little garbage; not for many, nor for workers
        # forked from here.
        gc.enable()
    workers = workers if workers is not None else (os.cpu_count() or 1)
    results: list[tuple[list[Finding], Entry]] = []
    if workers <= 1 or len(jobs) < PARALLEL_THRESHOLD:
        from .rules.prose import expect_reports

        expect_reports(len(jobs))
        for job in jobs:
            results.append(_check_file(job))
            if progress:
                progress()
        return results
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, min(64, len(jobs) // (workers * 4)))
    # Each worker lints about len(jobs) / workers reports: enough for the RE2 preselection of
    # proselint checks to pay for itself from its first report (see rules/prose.py).
    share = len(jobs) // workers
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_expect_reports, initargs=(share,)
    ) as pool:
        for result in pool.map(_check_file, jobs, chunksize=chunk):
            results.append(result)
            if progress:
                progress()
    return results


def _expect_reports(count: int) -> None:
    from .rules.prose import expect_reports

    expect_reports(count)


def validate(
    paths: Iterable[Path | str],
    config: Config,
    today: date,
    only: set[Path] | set[str] | None = None,
    workers: int | None = None,
    archive_paths: Iterable[Path | str] | None = None,
    changes: GitChanges | None = None,
    progress: Callable[[int], Callable[[], None] | None] | None = None,
) -> Report:
    """Check files fully (all of them, or those in `only`) and the archive-wide rules.

    `only` holds absolute paths with symbolic links resolved (`git_changes(ref).changed`).
    `archive_paths` is the whole archive for archive rules (default: `paths`); files not
    checked fully are indexed from their frontmatter only, from the cache of index entries
    when `changes` tells which files git vouches for (see archive_index.py). `progress(total)`
    returns a function called after each file is checked (a progress bar), or None.
    """
    files = list_archive(paths)
    if only is None:
        checked = files
    else:
        wanted = {os.fspath(p) for p in only}
        checked = [f for f in files if f.real in wanted]
    advance = progress(len(checked)) if progress else None
    archive_files = files if archive_paths is None else list_archive(archive_paths)
    # One file and no other post-mortem (the pre-commit hook on one file): LE101 has nothing
    # to compare, and its similarity profile (3-4 ms with its imports) is not made.
    alone = len(checked) == 1 and all(f.shown == checked[0].shown for f in archive_files)
    paths_checked = [Path(f.shown) for f in checked]
    results = _run_files(paths_checked, config, today, workers, advance, profiles=not alone)
    report = Report(files_checked=len(checked))
    entries: dict[str, Entry] = {}
    for findings, entry in results:
        report.findings.extend(findings)
        entries[entry.path] = entry
    rest = [f for f in archive_files if f.shown not in entries]
    for entry in index_entries(rest, read_entry, changes):
        entries[entry.path] = entry
    if alone and len(entries) > 1:  # the file was indexed again under another name
        entries[results[0][1].path] = entry_for(load_document(paths_checked[0]), config)
    report.findings.extend(
        _archive_findings(list(entries.values()), config, today, {e.path for _, e in results})
    )
    report.findings.sort()
    return report


def validate_text(data: bytes, name: str, config: Config, today: date) -> Report:
    """Check one post-mortem given as bytes (standard input), reported under `name`.

    Archive-wide rules need the other files and are not run."""
    doc = parse_bytes(data, Path(name))
    return Report(files_checked=1, findings=check_document(doc, config, today))


def _archive_findings(
    entries: list[Entry], config: Config, today: date, reported: set[str]
) -> list[Finding]:
    findings = []
    texts: dict[str, tuple[set[str], dict[int, set[str]]]] = {}
    enabled = enabled_codes(config)
    for checker in enabled_checkers(enabled, archive=True):
        try:  # a checker bug must not hide the other checkers' results (as for documents)
            results = checker.run_archive(entries, Context(config, today))
        except Exception as error:
            findings.append(_crashed(checker, error, min(reported) if reported else "", "files"))
            continue
        for entry, rule, problem in results:
            if entry.path not in reported or rule.code not in enabled:
                continue  # only files being checked get findings; others are context
            finding = _finding(rule, config, entry.path, problem)
            if entry.path not in texts:
                try:
                    texts[entry.path] = suppressions(Path(entry.path).read_text("utf-8", "replace"))
                except OSError:
                    texts[entry.path] = (set(), {})
            if not _is_suppressed(finding, *texts[entry.path]):
                findings.append(finding)
    return findings
