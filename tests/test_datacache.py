"""Loaded data kept between runs (postmortem.datacache): the blame language data.

What a run reads from the file must be what loading gives: the same stored form (every
word class, pattern, gate and regular expression), the same findings, and a file that is
damaged or stale is loaded again and replaced, never used.
"""

from __future__ import annotations

import json
import marshal
import subprocess
import sys
from pathlib import Path

import pytest

from postmortem import datacache
from postmortem.language import lexicon

ROOT = Path(__file__).resolve().parents[1]


def sample() -> lexicon.Language:
    """A small language built by the loader's own code: word classes, one pattern (with its
    regular expressions and gate), verb forms."""
    classes = {
        "roles": frozenset({"sre", "on-call engineer"}),
        "given_names": frozenset({"alice", "bob", "new york"}),
    }
    entry = {
        "id": "forgot",
        "code": "BL101",
        "regex": r"\b(?P<who>{given_names}|{roles})\s+forgot\b",
        "unless": r"\bnobody\b",
        "keys": "forgot bad+call",
        "who": "person",
        "message": "Names a person.",
        "rewrite": "The step was missed.",
        "examples": {"match": ["Bob forgot"], "no_match": ["It forgot"]},
    }
    return lexicon.Language(
        code="x",
        classes=classes,
        participles={"forget": "forgotten"},
        past_to_participle={"forgot": "forgotten"},
        other_participles=frozenset({"done"}),
        patterns=(lexicon._pattern(entry, classes, "sample"),),
    )


def loader(value: object, calls: list[int]):
    def load() -> object:
        calls.append(1)
        return value

    return load


def test_the_language_data_comes_back_as_loaded() -> None:
    loaded = lexicon._load_language("en")
    stored = datacache.encode(loaded)
    back = datacache.decode(marshal.loads(marshal.dumps(stored)))
    assert datacache.encode(back) == stored
    assert back.classes == loaded.classes and len(back.classes["person_names"]) > 10_000
    assert [p.regex for p in back.patterns] == [p.regex for p in loaded.patterns]
    assert [p.unless for p in back.patterns] == [p.unless for p in loaded.patterns]
    for before, after in zip(loaded.patterns, back.patterns, strict=True):
        assert type(after) is type(before) and after.gate.together == before.gate.together
        assert after.must_match == before.must_match and after.message == before.message
    assert back.participles == loaded.participles


def test_a_second_call_reads_the_file_and_a_changed_source_loads_again(tmp_path: Path) -> None:
    source = tmp_path / "data.yml"
    source.write_text("one\n", "utf-8")
    calls: list[int] = []
    first = datacache.cached("t", [source], loader(sample(), calls), tmp_path)
    second = datacache.cached("t", [source], loader(sample(), calls), tmp_path)
    assert len(calls) == 1 and "t" in datacache.SERVED
    assert second is not first and datacache.encode(second) == datacache.encode(first)
    (pattern,), (again,) = first.patterns, second.patterns
    assert again.regex == pattern.regex and again.regex.flags == pattern.regex.flags
    assert again.unless == pattern.unless and again.gate.together == pattern.gate.together
    assert second.classes == first.classes and second.participles == first.participles
    source.write_text("two\n", "utf-8")
    datacache.cached("t", [source], loader(sample(), calls), tmp_path)
    assert len(calls) == 2
    source.unlink()  # a missing source is part of the key as well
    datacache.cached("t", [source], loader(sample(), calls), tmp_path)
    datacache.cached("t", [source], loader(sample(), calls), tmp_path)
    assert len(calls) == 3


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "other-format"])
def test_a_damaged_file_is_loaded_again_and_replaced(tmp_path: Path, damage: str) -> None:
    source = tmp_path / "data.yml"
    source.write_text("one\n", "utf-8")
    calls: list[int] = []
    datacache.cached("t", [source], loader(sample(), calls), tmp_path)
    path = datacache.cache_path("t", tmp_path)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":  # inside the payload: the key still matches, the checksum does not
        index = data.index(b"alice")
        path.write_bytes(data[:index] + b"elice" + data[index + 5 :])
    elif damage == "garbage":
        path.write_bytes(b"\x00\xffnot marshal")
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(marshal.dumps({"format": 99}))
    value = datacache.cached("t", [source], loader(sample(), calls), tmp_path)
    assert len(calls) == 2 and "t" not in datacache.SERVED
    assert "alice" in value.classes["given_names"] and "elice" not in value.classes["given_names"]
    assert path.read_bytes() == data  # replaced by a good one
    datacache.cached("t", [source], loader(sample(), calls), tmp_path)
    assert len(calls) == 2


def test_what_cannot_be_stored_is_returned_and_not_kept(tmp_path: Path) -> None:
    source = tmp_path / "data.yml"
    source.write_text("one\n", "utf-8")
    calls: list[int] = []
    value = {"f": len}  # a builtin function: not plain data
    assert datacache.cached("t", [source], loader(value, calls), tmp_path) is value
    assert not datacache.cache_path("t", tmp_path).exists()
    with pytest.raises(datacache.Unsupported):
        datacache.encode({1: "non-str key"})
    with pytest.raises(datacache.Unsupported):
        datacache.encode(json.JSONDecoder())  # a class from outside the package


def test_a_read_only_folder_only_means_loading(tmp_path: Path) -> None:
    source = tmp_path / "data.yml"
    source.write_text("one\n", "utf-8")
    calls: list[int] = []
    missing = tmp_path / "a-file" / "cache"
    (tmp_path / "a-file").write_text("", "utf-8")  # the folder cannot be created
    for _ in range(2):
        assert datacache.cached("t", [source], loader(sample(), calls), missing).code == "x"
    assert len(calls) == 2


def test_data_errors_are_raised_and_nothing_is_written(tmp_path: Path) -> None:
    source = tmp_path / "data.yml"
    source.write_text("one\n", "utf-8")

    def broken() -> object:
        raise lexicon.LanguageDataError("data.yml: invalid YAML")

    for _ in range(2):
        with pytest.raises(lexicon.LanguageDataError, match="invalid YAML"):
            datacache.cached("t", [source], broken, tmp_path)
    assert not datacache.cache_path("t", tmp_path).exists()


PROBE = """
import json, sys
from pathlib import Path
from postmortem import datacache
datacache.FOLDER = Path(sys.argv[1])
from postmortem.language import find_blame
from postmortem.language.lexicon import load_language
lang = load_language()
served = sorted(datacache.SERVED)
texts = [t for p in lang.patterns for t in (*p.must_match, *p.must_not_match)]
hits = [[(h.code, h.start, h.end, h.message, h.suggestion) for h in find_blame(t)] for t in texts]
print(json.dumps({"served": served, "hits": hits}))
"""


def blame_run(folder: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_the_findings_are_the_same_from_the_file_and_from_the_data(tmp_path: Path) -> None:
    """Two real processes: one loads the data (no file), one reads the file it wrote."""
    cold = blame_run(tmp_path)
    assert datacache.cache_path("language-en", tmp_path).is_file()
    warm = blame_run(tmp_path)
    assert cold["served"] == [] and warm["served"] == ["language-en"]
    assert sum(map(len, warm["hits"])) > 100  # the examples that must match did
    assert warm["hits"] == cold["hits"]
