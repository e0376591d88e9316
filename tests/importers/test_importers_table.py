from postmortem.importers import HEADER, ImportedEvent, format_table, merge_events

from importer_samples import table_rows, utc


def ev(minute, text, source="logs", second=0):
    return ImportedEvent(utc(2025, 3, 14, 10, minute, second), text, source, "system")


def test_table_has_the_template_header_and_parses_back():
    text = format_table([ev(4, "GET /a|b returned 503"), ev(1, "first")])
    assert text.splitlines()[0].split("|")[1].strip() == "Time (UTC)"
    rows = table_rows(text)
    assert rows[0] == list(HEADER)
    # format_table keeps the given order; the pipe is escaped and survives as one cell
    assert rows[1] == ["2025-03-14 10:04", "GET /a|b returned 503", "logs", "system"]
    assert len(rows) == 3


def test_columns_are_aligned():
    lines = format_table([ev(4, "short"), ev(5, "a much longer event text")]).splitlines()
    assert len({len(line) for line in lines}) == 1


def test_empty_table_is_just_header_and_separator():
    assert len(format_table([]).splitlines()) == 2


def test_merge_sorts_and_drops_rows_that_print_the_same():
    events, duplicates = merge_events(
        [[ev(5, "b"), ev(4, "a", second=10)], [ev(4, "a", second=50), ev(4, "a", source="other")]]
    )
    assert duplicates == 1  # same minute, same text, same source: one row
    assert [(e.time.minute, e.event, e.source) for e in events] == [
        (4, "a", "other"),  # 10:04:00
        (4, "a", "logs"),  # 10:04:10 (the 10:04:50 copy prints the same and is dropped)
        (5, "b", "logs"),
    ]
    # with seconds shown, they differ
    assert merge_events([[ev(4, "a", second=10), ev(4, "a", second=50)]], seconds=True)[1] == 0


def test_events_in_the_same_minute_keep_their_true_order():
    events, _ = merge_events([[ev(4, "later", second=40)], [ev(4, "earlier", second=5)]])
    assert [e.event for e in events] == ["earlier", "later"]
