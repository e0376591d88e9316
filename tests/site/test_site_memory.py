"""What the site keeps of each document (plugin.load_for_site), and the pages generated in a
child process (plugin.generate_in_child): the pages are the pages of full documents made
here, reading what is not kept is an error (not an empty list), and a failure in the child
is raised in the build."""

from __future__ import annotations

import os
import pickle
from datetime import date
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from postmortem.document import load_document
from postmortem.site import plugin
from postmortem.site.pages import SiteOptions, build_site
from postmortem.site.plugin import _NotKept, generate_in_child, load_for_site, load_postmortems_of
from postmortem.site.sample import write_sample_archive

ROOT = Path(__file__).resolve().parents[2]


def pages_of(docs, folder: Path) -> list[tuple]:
    options = SiteOptions(today=date(2026, 3, 1), preview=True, archive_root=folder)
    site = build_site(docs, options)
    return [
        *[
            (p.src_uri, p.title, p.kind, p.template, sorted(p.fragments.items()))
            for p in site.pages
        ],
        ("feed", site.feed),
        ("files", sorted(site.files.items())),
        ("warnings", site.warnings),
    ]


def test_the_pages_are_those_of_full_documents(tmp_path: Path) -> None:
    files = sorted(write_sample_archive(tmp_path / "postmortems", 40, seed=5))
    files += sorted((ROOT / "postmortems").glob("*.md"))
    full = pages_of([load_document(f) for f in files], tmp_path)
    kept = pages_of([load_for_site(f) for f in files], tmp_path)
    assert len(full) > 40 and kept == full


def test_reading_what_is_not_kept_is_an_error(tmp_path: Path) -> None:
    (path,) = write_sample_archive(tmp_path, 1, seed=2)
    doc = load_for_site(path)
    assert load_document(path).prose  # there were prose blocks to drop
    for blocks in (doc.prose, doc.headings, doc.cells):
        with pytest.raises(AttributeError, match="the site does not keep"):
            list(blocks)
        with pytest.raises(AttributeError, match="the site does not keep"):
            bool(blocks)
    assert doc.sections and doc.text and doc.meta  # what the pages read is there


def test_documents_from_worker_processes_are_the_same(tmp_path: Path) -> None:
    files = sorted(write_sample_archive(tmp_path, 4, seed=3))
    again = pickle.loads(pickle.dumps(load_for_site(files[0])))
    assert isinstance(again.prose, _NotKept) and again.prose.what == "prose blocks"
    serial = load_postmortems_of(files, parallel=False)
    assert [d.text for d in serial] == [f.read_text("utf-8") for f in files]
    assert all(isinstance(d.cells, _NotKept) for d in serial)


fork_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this system")


@fork_only
def test_pages_made_in_a_child_process_are_the_pages(tmp_path: Path) -> None:
    folder = tmp_path / "postmortems"
    write_sample_archive(folder, 30, seed=7)
    options = SiteOptions(today=date(2026, 3, 1), archive_root=folder)
    here = build_site(load_postmortems_of(sorted(folder.glob("*.md")), parallel=False), options)
    there = generate_in_child(folder, options, None)
    assert there.entries == [] and len(there.pages) > 30  # the documents stay in the child
    assert [vars(p) for p in there.pages] == [vars(p) for p in here.pages]
    assert (there.feed, there.files, there.warnings) == (here.feed, here.files, here.warnings)


class Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("cannot pickle")


@fork_only
@pytest.mark.parametrize(
    ("failure", "raised", "message"),
    [
        (ValueError("bad value"), ValueError, "bad value"),
        (Unpicklable("odd"), PluginError, "Unpicklable: odd"),
        (None, PluginError, "ended without a result"),
    ],
)
def test_a_failure_in_the_child_is_raised_here(tmp_path, monkeypatch, failure, raised, message):
    def fail(*args):
        if failure is None:
            os._exit(3)
        raise failure

    monkeypatch.setattr(plugin, "_generate_pages", fail)
    with pytest.raises(raised, match=message):
        generate_in_child(tmp_path, SiteOptions(today=date(2026, 3, 1)), None)
