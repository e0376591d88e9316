import pytest

from postmortem.importers import (
    ImportedEvent,
    TimelineImportError,
    insert_timeline,
    merge_into_timeline,
)
from postmortem.importers.insert import split_row

from importer_samples import DATA, sample, table_rows, utc

ACK = ImportedEvent(
    utc(2025, 3, 14, 10, 12, 41), "Incident #4521 acknowledged", "PagerDuty", "Marco Bianchi"
)
FIRED = ImportedEvent(
    utc(2025, 3, 14, 10, 6),
    "Alert CatalogAPIHighErrorRate fired (critical)",
    "Alertmanager",
    "system",
)
EARLY = ImportedEvent(utc(2025, 3, 14, 9, 40), "Cache memory at 80%", "Prometheus", "system")
LATE = ImportedEvent(
    utc(2025, 3, 14, 10, 41, 20), "Incident #4521 resolved", "PagerDuty", "Marco Bianchi"
)


def timeline_rows(text):
    """Body rows of the first table after the Timeline heading, as markdown-it sees them."""
    lines = text.splitlines()
    start = lines.index("## Timeline")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
    section = "\n".join(lines[start:end])
    return table_rows(section)[1:]


def test_merge_keeps_existing_rows_verbatim_and_in_order():
    original = sample("postmortem-catalog-draft.md")
    merged = merge_into_timeline(original, [LATE, FIRED, ACK, EARLY])
    assert (merged.added, merged.duplicates) == (3, 1)
    # every original line survives, in the same order
    remaining = iter(merged.text.splitlines())
    assert all(line in remaining for line in original.splitlines())
    rows = timeline_rows(merged.text)
    assert [r[0] for r in rows] == [
        "2025-03-14 09:40",
        "2025-03-14 09:52",
        "2025-03-14 10:06",
        "2025-03-14 10:12",
        "2025-03-14 10:31",
        "2025-03-14 10:41",
    ]
    assert rows[2] == ["2025-03-14 10:06", FIRED.event, "Alertmanager", "system"]
    assert merged.text.endswith(original.split("## Root Cause")[1])


def test_merge_is_idempotent():
    once = insert_timeline(sample("postmortem-catalog-draft.md"), [FIRED, LATE])
    again = merge_into_timeline(once, [FIRED, LATE])
    assert again.text == once
    assert (again.added, again.duplicates) == (0, 2)


def test_new_rows_use_the_existing_column_widths():
    short = ImportedEvent(utc(2025, 3, 14, 10, 20), "Short note", "Slack", "bot")
    lines = insert_timeline(sample("postmortem-catalog-draft.md"), [short]).splitlines()
    row = next(line for line in lines if "Short note" in line)
    separator = next(line for line in lines if line.startswith("|-----"))
    assert len(row) == len(separator)
    assert row.index("| Slack") == separator.index("|", 20)


def test_empty_section_gets_a_new_table_and_other_content_stays():
    original = sample("postmortem-empty-timeline.md")
    merged = merge_into_timeline(original, [LATE, FIRED])
    assert merged.added == 2
    assert [r[0] for r in timeline_rows(merged.text)] == ["2025-03-14 10:06", "2025-03-14 10:41"]
    assert "## Timeline\n\n| Time (UTC)" in merged.text
    assert "|\n\n## Root Cause\n\nTo be written.\n" in merged.text
    assert merged.text.startswith(original.split("## Timeline")[0])


def test_section_with_prose_but_no_table_keeps_the_prose_first():
    text = "# T\n\n## Timeline\n\nAll times UTC.\n\n\n## Next\n"
    result = insert_timeline(text, [FIRED])
    assert result.startswith("# T\n\n## Timeline\n\nAll times UTC.\n\n| Time (UTC)")
    assert result.endswith("|\n\n## Next\n")


def test_timeline_as_last_section_without_trailing_newline():
    result = insert_timeline("# T\n\n## Timeline", [FIRED])
    assert timeline_rows(result + "\n## End\n")[0][1] == FIRED.event


def test_missing_section_is_an_error():
    with pytest.raises(TimelineImportError, match='no "## Timeline" section'):
        insert_timeline("# Title\n\n## Summary\n\nText.\n", [FIRED])


def test_heading_in_code_block_or_frontmatter_is_not_the_section():
    text = "---\ntitle: x\n# Timeline\n---\n\n```\n## Timeline\n```\n\n## Summary\n"
    with pytest.raises(TimelineImportError):
        insert_timeline(text, [FIRED])


def test_table_without_time_column_is_an_error_with_line():
    text = "# T\n\n## Timeline\n\n| When | What |\n|---|---|\n| x | y |\n"
    with pytest.raises(TimelineImportError) as caught:
        insert_timeline(text, [FIRED])
    assert caught.value.line == 5


def test_extra_columns_and_crlf_are_kept():
    text = (
        "# T\r\n\r\n## Timeline\r\n\r\n| Time | Event | Source | Actor | Link |\r\n"
        "|---|---|---|---|---|\r\n| 2025-03-14 10:30 | Fix rolled out | Argo CD | bot | [run](x) |\r\n"
    )
    result = insert_timeline(text, [FIRED])
    lines = result.split("\r\n")
    assert "\n" not in result.replace("\r\n", "")
    assert split_row(lines[6]) == ["2025-03-14 10:06", FIRED.event, "Alertmanager", "system", ""]
    assert lines[7] == "| 2025-03-14 10:30 | Fix rolled out | Argo CD | bot | [run](x) |"


def test_pipes_in_new_rows_are_escaped_and_existing_escapes_compare_equal():
    piped = ImportedEvent(utc(2025, 3, 14, 10, 0), "GET /a|b returned 503", "logs", "system")
    once = insert_timeline("# T\n\n## Timeline\n", [piped])
    assert "GET /a\\|b returned 503" in once
    assert merge_into_timeline(once, [piped]).duplicates == 1


def test_document_model_reads_the_merged_timeline(tmp_path):
    from postmortem import document

    path = tmp_path / "2025-03-14-catalog-api-errors.md"
    path.write_text(insert_timeline(sample("postmortem-catalog-draft.md"), [EARLY, FIRED, LATE]))
    doc = document.load_document(path)
    times = [entry.time for entry in doc.timeline]
    assert len(times) == 6 and None not in times
    assert times == sorted(times)
    assert doc.timeline[0].event == EARLY.event


def test_sample_files_exist():
    assert (DATA / "postmortem-catalog-draft.md").is_file()


def test_rows_merge_in_order_into_a_timeline_of_time_only_rows():
    """The reference template writes `07:40:02`: the rows are dated from the incident window."""
    import re
    from pathlib import Path

    report = Path(__file__).resolve().parents[1] / "data" / "reference-style" / "queue-backlog.md"
    text = (
        '---\nid: 2025-05-14-checkout-queue-backlog\nstarted: "2025-05-14T07:40:00Z"\n'
        'resolved: "2025-05-14T08:32:00Z"\n---\n' + report.read_text("utf-8")
    )
    event = ImportedEvent(utc(2025, 5, 14, 7, 45), "Consumer lag above 1000", "Prometheus", "-")
    merged = merge_into_timeline(text, [event]).text
    rows = [line for line in merged.splitlines() if re.match(r"\| (\S+ )?\d\d:\d\d", line)]
    times = [row.split("|")[1].strip() for row in rows]
    assert times.index("2025-05-14 07:45") == times.index("07:40:02") + 1
