"""The methods `dataclasses` compiles, kept between runs (postmortem.fncache).

A class made with the cache must be the class made without it: the same code in every
generated method, the same behaviour (equality, order, hashing, frozenness, defaults,
repr), and the same findings from a real `validate`. A damaged file is ignored and replaced.
"""

from __future__ import annotations

import json
import marshal
import subprocess
import sys
from pathlib import Path

import pytest

from postmortem import fncache

ROOT = Path(__file__).resolve().parents[1]

CLASSES = """
from dataclasses import dataclass, field, KW_ONLY
from typing import ClassVar

@dataclass(frozen=True, order=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()

@dataclass
class Bag:
    name: str
    items: list[int] = field(default_factory=list)
    hidden: int = field(default=3, repr=False, compare=False)
    count: ClassVar[int] = 0
    _: KW_ONLY
    flag: bool = False

    def __post_init__(self):
        self.items.append(len(self.name))

@dataclass(eq=True, unsafe_hash=True, slots=True)
class Slim:
    a: str
    b: float = 1.5

def behaviour():
    import dataclasses
    p, q = Point(1, 2, ("a",)), Point(1, 3)
    out = [repr(p), p < q, p == Point(1, 2, ("a",)), hash(p) == hash(Point(1, 2, ("a",)))]
    try:
        p.x = 5
    except dataclasses.FrozenInstanceError as error:
        out.append(type(error).__name__)
    b = Bag("abc", flag=True)
    out += [repr(b), b == Bag("abc", flag=True, hidden=9), b.items, Bag("x").items is not b.items]
    s = Slim("z")
    out += [repr(s), hash(s) == hash(Slim("z")), s == Slim("z", 1.5), not hasattr(s, "__dict__")]
    try:
        Bag("a", [], 1, True)
    except TypeError as error:
        out.append(str(error))
    return out
"""


def define() -> dict:
    namespace: dict = {"__name__": "fncache_probe"}
    sys.modules["fncache_probe"] = type(sys)("fncache_probe")
    sys.modules["fncache_probe"].__dict__.update(namespace)
    exec(compile(CLASSES, "<probe>", "exec"), sys.modules["fncache_probe"].__dict__)
    return sys.modules["fncache_probe"].__dict__


def methods(namespace: dict) -> dict[str, object]:
    found = {}
    for name in ("Point", "Bag", "Slim"):
        for attr, value in vars(namespace[name]).items():
            code = getattr(value, "__code__", None)
            if code is not None:
                found[f"{name}.{attr}"] = code
    return found


@pytest.fixture
def clean():
    fncache.uninstall()
    yield
    fncache.uninstall()
    sys.modules.pop("fncache_probe", None)


def test_classes_are_the_same_with_and_without_the_cache(tmp_path: Path, clean) -> None:
    plain = define()
    expected, expected_code = plain["behaviour"](), methods(plain)
    cache = tmp_path / "code.marshal"
    assert fncache.install(cache)
    first = define()
    assert fncache.stats()[1] > 10  # compiled: nothing was in the file
    fncache.save()
    fncache.uninstall()
    assert fncache.install(cache)
    second = define()
    served, compiled = fncache.stats()
    assert compiled == 0 and served > 10
    for namespace in (first, second):
        assert namespace["behaviour"]() == expected
        code = methods(namespace)
        assert code.keys() == expected_code.keys() and len(code) > 10
        for name, value in code.items():
            assert value == expected_code[name], name
            assert value.co_filename == expected_code[name].co_filename
            assert value.co_flags == expected_code[name].co_flags
            assert value.co_consts == expected_code[name].co_consts


@pytest.mark.parametrize("damage", ["garbage", "empty", "not-code", "other-format"])
def test_a_damaged_file_is_ignored_and_replaced(tmp_path: Path, clean, damage: str) -> None:
    expected = define()["behaviour"]()
    cache = tmp_path / "code.marshal"
    fncache.install(cache)
    define()
    fncache.save()
    fncache.uninstall()
    if damage == "garbage":
        cache.write_bytes(b"\x00\xffnot marshal")
    elif damage == "empty":
        cache.write_bytes(b"")
    elif damage == "not-code":
        data = marshal.loads(cache.read_bytes())
        data["entries"] = {text: (1, 42) for text in data["entries"]}
        cache.write_bytes(marshal.dumps(data))
    else:
        cache.write_bytes(marshal.dumps({"format": 99}))
    fncache.install(cache)
    assert define()["behaviour"]() == expected
    assert fncache.stats()[0] == 0  # nothing usable was served
    fncache.save()
    fncache.uninstall()
    fncache.install(cache)
    define()
    assert fncache.stats()[1] == 0  # the file was replaced by a good one


PROBE = """
import json, sys
from pathlib import Path
from postmortem import fncache
if sys.argv[1] != "-":
    fncache.install(Path(sys.argv[1]))
from postmortem.cli import main
sys.argv = ["postmortem", "validate", "--today", "2026-06-01", "--format", "json", *sys.argv[2:]]
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
stats = fncache.stats()
fncache.save()
sys.stderr.write("\\nSTATS " + json.dumps(stats) + "\\n")
"""


def validate(cache: str, files: list[Path]) -> tuple[dict, list[int]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, cache, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert "STATS " in done.stderr, done.stderr[-2000:]
    return json.loads(done.stdout), json.loads(done.stderr.rsplit("STATS ", 1)[1])


def test_validate_finds_the_same_from_the_file(tmp_path: Path) -> None:
    files = sorted((ROOT / "postmortems").glob("*.md"))[:3]
    bad = tmp_path / "2099-01-01-bad.md"
    bad.write_text("---\nid: 3\n---\n# x\n\nBob forgot the config.\n", "utf-8")
    files.append(bad)
    plain, _ = validate("-", files)
    cache = str(tmp_path / "code.marshal")
    cold, (served, compiled) = validate(cache, files)
    assert served == 0 and compiled > 100  # every dataclass of a run
    warm, (served, compiled) = validate(cache, files)
    assert compiled == 0 and served > 100
    assert plain["findings"] and plain == cold == warm
