"""Property tests over a whole archive: several broken files validated together (the archive
rules and the frontmatter-only index of `--changed-since`), and a hand-edited sync state
file read by the site."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem.document import parse_bytes
from postmortem.site.pages import SiteOptions, build_site, load_sync_state
from postmortem.validation import INTERNAL, read_entry, validate

from fuzzing import CONFIG, SEED, TODAY, file_lines, mutated_seed, structured_document

pytestmark = pytest.mark.slow  # property tests over hundreds of generated inputs

# The project's Hypothesis profile (tests/conftest.py), with fewer examples: each is slower.
FUZZ = settings(max_examples=max(1, settings().max_examples // 3))
any_file = st.one_of(mutated_seed(), structured_document(), st.binary(max_size=600))


@FUZZ
@given(st.lists(any_file, min_size=1, max_size=4))
def test_archive_of_broken_files(files: list[bytes]) -> None:
    """Every file checked, or only the first (the others indexed from their frontmatter, as
    with --changed-since): findings only for checked files, at real lines, no crash."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for n, data in enumerate(files):
            path = Path(folder) / f"2025-02-09-file-{n}.md"
            path.write_bytes(data)
            paths.append(path)
        sizes = {p.as_posix(): file_lines(d) + 1 for p, d in zip(paths, files, strict=True)}
        for only in (None, {paths[0].resolve()}):
            report = validate([folder], CONFIG, TODAY, only=only, workers=1)
            assert report.files_checked == (len(paths) if only is None else 1)
            assert report.exit_code in (0, 1)
            checked = set(sizes) if only is None else {paths[0].as_posix()}
            for finding in report.findings:
                assert finding.rule != INTERNAL, finding
                assert finding.path in checked, finding
                assert 1 <= finding.line <= sizes[finding.path], finding
                assert finding.column >= 1


@FUZZ
@given(st.one_of(mutated_seed(), structured_document(), st.binary(max_size=2000)))
def test_frontmatter_index_entry_of_any_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.md"
        path.write_bytes(data)
        entry = read_entry(path)
    assert isinstance(entry.id, str) and entry.id_line >= 1 and entry.related_line >= 1
    assert all(isinstance(r, str) for r in entry.related)
    # The index must agree with a full parse, or --changed-since and a full run would
    # disagree about duplicate ids.
    doc = parse_bytes(data, path)
    if doc.parsed and not doc.problems:
        assert entry.id == doc.id
        if doc.id:
            assert entry.id_line == doc.meta_line("id")


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=30), inner, max_size=4)
    ),
    max_leaves=20,
)
ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "number": st.one_of(st.integers(-2, 10**20), JSON),
        "url": st.one_of(
            st.sampled_from(["https://github.com/a/b/issues/1", "javascript:x", "http://x"]), JSON
        ),
        "state": st.one_of(st.sampled_from(["open", "closed"]), JSON),
        "state_reason": JSON,
        "assignees": st.one_of(st.lists(st.text(max_size=10)), JSON),
    },
)
KEYS = st.one_of(
    st.sampled_from([f"2025-02-09-api-service-degradation/A{i}" for i in range(1, 6)]),
    st.text(max_size=30),
)
STATE = st.one_of(
    JSON,
    st.fixed_dictionaries(
        {"items": st.one_of(st.dictionaries(KEYS, st.one_of(ENTRY, JSON), max_size=6), JSON)}
    ),
)
SEED_DOC = parse_bytes(SEED.encode(), "postmortems/2025-02-09-api-service-degradation.md")


@FUZZ
@given(st.one_of(STATE.map(json.dumps), st.text(max_size=200)))
def test_site_reads_any_sync_state(text: str) -> None:
    """The sync state file is in the repository and can be edited by hand."""
    state, problem = load_sync_state(text)
    assert (state is None) == (problem is not None)
    site = build_site([SEED_DOC], SiteOptions(today=TODAY), state)
    assert [e.doc.id for e in site.entries] == [SEED_DOC.id]
    for page in site.pages:
        page.markdown.encode("utf-8")
