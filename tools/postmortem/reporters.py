"""Output formats for validation reports: text, GitHub annotations, JSON, SARIF, and a summary."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, TextIO

from . import PROJECT_URL, __version__

# `--help` imports this module for FORMATS: what only writing a report needs (json, urllib,
# the Finding class) is imported when a report is written.
if TYPE_CHECKING:
    from .findings import Finding
    from .validation import Report

FORMATS = ("text", "github", "json", "sarif")
_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def _totals(report: Report) -> str:
    counts = Counter(f.severity for f in report.findings)
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}"
        for s in ("error", "warning", "info")
        if counts[s]
    ]
    files = f"{report.files_checked} file{'s' if report.files_checked != 1 else ''} checked"
    return f"{files}: " + (", ".join(parts) if parts else "no problems")


def write_text(report: Report, out: TextIO, colour: bool, quiet: bool = False) -> None:
    """`path:line:col: CODE [severity] message`, then the suggestion indented, then totals
    (not with `quiet`: the findings and nothing else)."""
    if colour:  # only on a terminal: a plain run (the pre-commit hook) does not import click
        import click
    for f in report.findings:
        severity = (
            click.style(f.severity, fg=_COLOURS.get(f.severity), bold=True)
            if colour
            else f.severity
        )
        code = click.style(f.rule, bold=True) if colour else f.rule
        place = (
            click.style(f"{f.path}:{f.line}:{f.column}:", bold=True)
            if colour
            else f"{f.path}:{f.line}:{f.column}:"
        )
        out.write(f"{place} {code} [{severity}] {f.message}\n")
        if f.suggestion:
            hint = f"    suggestion: {f.suggestion}"
            out.write((click.style(hint, dim=True) if colour else hint) + "\n")
    if not quiet:
        out.write(_totals(report) + "\n")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def write_github(report: Report, out: TextIO, quiet: bool = False) -> None:
    """Workflow commands: each finding becomes an annotation on its line of the pull request."""
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for f in report.findings:
        message = f"{f.message}" + (f"\n\nSuggestion: {f.suggestion}" if f.suggestion else "")
        title = f"{f.rule} ({f.category})"
        out.write(
            f"::{level.get(f.severity, 'notice')} file={_escape_property(f.path)},"
            f"line={f.line},col={f.column},title={_escape_property(title)}::"
            f"{_escape_data(message)}\n"
        )
    if not quiet:
        out.write(_totals(report) + "\n")


def write_json(report: Report, out: TextIO) -> None:
    import json

    json.dump(report.to_dict(), out, indent=2, ensure_ascii=False)
    out.write("\n")


def sarif(report: Report) -> dict:
    """SARIF 2.1.0 for GitHub code scanning."""
    from urllib.parse import quote

    from .rules import REGISTRY

    used = sorted({f.rule for f in report.findings})
    rules = []
    for code in used:
        rule = REGISTRY.get(code)
        rules.append(
            {
                "id": code,
                "name": rule.name if rule else code,
                "shortDescription": {"text": rule.summary if rule else code},
                "fullDescription": {"text": rule.doc if rule else code},
                "properties": {"category": rule.category if rule else ""},
            }
        )
    index = {code: n for n, code in enumerate(used)}
    level = {"error": "error", "warning": "warning", "info": "note"}

    def result(f: Finding) -> dict:
        text = f.message + (f" Suggestion: {f.suggestion}" if f.suggestion else "")
        return {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": level.get(f.severity, "note"),
            "message": {"text": text},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(f.path)},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }

    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "postmortem",
                        "version": __version__,
                        "informationUri": PROJECT_URL,
                        "rules": rules,
                    }
                },
                "results": [result(f) for f in report.findings],
            }
        ],
    }


def write_sarif(report: Report, out: TextIO) -> None:
    import json

    json.dump(sarif(report), out, indent=2)
    out.write("\n")


def markdown_summary(report: Report) -> str:
    """The job summary: totals, then a table of findings (errors first)."""
    lines = ["## Post-mortem validation", "", _totals(report), ""]
    if not report.findings:
        lines.append("All checked post-mortems pass. :white_check_mark:")
        return "\n".join(lines) + "\n"
    order = {"error": 0, "warning": 1, "info": 2}
    lines += ["| Severity | File | Line | Rule | Message |", "|---|---|---|---|---|"]
    shown = sorted(report.findings, key=lambda f: (order.get(f.severity, 3), f.path, f.line))
    for f in shown[:500]:
        message = f.message.replace("|", "\\|").replace("\n", " ")
        if f.suggestion:
            message += "<br>*Suggestion:* " + f.suggestion.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {f.severity} | `{f.path}` | {f.line} | {f.rule} | {message} |")
    if len(shown) > 500:
        lines.append(f"\n…and {len(shown) - 500} more.")
    return "\n".join(lines) + "\n"


def statistics(report: Report) -> list[dict[str, object]]:
    """Findings counted per rule, most frequent first (`--statistics`)."""
    from .rules import REGISTRY

    counts = Counter((f.rule, f.severity) for f in report.findings)
    rows = []
    for (code, severity), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        rule = REGISTRY.get(code)
        rows.append(
            {
                "rule": code,
                "name": rule.name if rule else code.lower(),
                "severity": severity,
                "count": count,
            }
        )
    return rows


def write_statistics(report: Report, fmt: str, out: TextIO, quiet: bool = False) -> None:
    """`count  CODE  [severity]  name` per rule, as `ruff --statistics` prints them."""
    rows = statistics(report)
    if fmt == "json":
        import json

        json.dump({"files_checked": report.files_checked, "statistics": rows}, out, indent=2)
        out.write("\n")
        return
    width = max((len(str(r["count"])) for r in rows), default=1)
    for row in rows:
        out.write(f"{row['count']:>{width}}  {row['rule']}  [{row['severity']}]  {row['name']}\n")
    if not quiet:
        out.write(_totals(report) + "\n")


def write(report: Report, fmt: str, out: TextIO, colour: bool = False, quiet: bool = False) -> None:
    if fmt == "text":
        write_text(report, out, colour, quiet)
    elif fmt == "github":
        write_github(report, out, quiet)
    elif fmt == "json":
        write_json(report, out)
    elif fmt == "sarif":
        write_sarif(report, out)
    else:
        raise ValueError(f"unknown format {fmt}")
