"""Write the person-name list of the blameless-wording checker from Faker's first names.

    .venv/bin/python benchmarks/blame_names.py           # compare with the shipped list
    .venv/bin/python benchmarks/blame_names.py --write   # rewrite it

The checker recognises a capitalised word as a person when it is a known given name. The hand
list in words.yml (about 400 names) missed "Rasmus", "Søren", "Siddharth", "Thi", "Uma", ...
Faker (MIT licence, a well-kept library with first-name lists for 80+ locales) holds about
20,000 first names in the Latin script. It is not a run-time dependency: importing its person
providers costs about half a second per process, so this script writes the names, filtered, to
``tools/postmortem/data/blame/en/names.txt`` (shipped with the package; nothing is downloaded
at run time) and the checker reads that file.

Filter: Latin script only; at least three letters; not a lower-case English word (the
system word list, /usr/share/dict/words from Debian's wamerican package, when present:
"Will", "Chase", "Grant", "Hope", "Page" stay out); not one of the checker's tech words
(products and weekdays). Names that are also common English words stay recognised through the
hand list's ambiguous names only where the sentence shows they are names.

Measured (benchmarks/blame_eval.py, and the doc/README probe described in blame_eval.py):
see the docstring of blame_eval.py, "person-name library".
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

NAMES = ROOT / "tools" / "postmortem" / "data" / "blame" / "en" / "names.txt"
DICT = Path("/usr/share/dict/words")
HEADER = """\
# Given names (lower case, one a line) that make a capitalised word a person.
# Source: the first-name lists of Faker {version} (faker.providers.person.*), MIT licence,
# Copyright (c) 2012 Daniele Faraglia and the Faker contributors. Written by
# benchmarks/blame_names.py: Latin script, three letters or more, lower-case English words
# and the checker's tech words left out. Do not edit by hand; rerun the script.
"""


def faker_names() -> tuple[str, set[str]]:
    """Faker's version and its first names in the Latin script, lower case."""
    import faker
    import faker.providers.person as person

    names: set[str] = set()
    for mod in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{mod.name}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            value = provider.__dict__.get(attr)
            if value is None or isinstance(value, property):
                continue
            for name in value.keys() if hasattr(value, "keys") else value:
                if name.isalpha() and name[:1].isupper() and all(ord(c) < 0x250 for c in name):
                    names.add(name.lower())
    return faker.VERSION, names


def english_words() -> set[str]:
    if not DICT.is_file():
        raise SystemExit(f"{DICT} not found: install Debian's wamerican package to filter names")
    return {w for w in DICT.read_text(encoding="utf-8").split() if w.islower()}


def build() -> str:
    from postmortem.language.lexicon import load_language

    version, names = faker_names()
    tech = load_language().words("tech_words")
    keep = sorted(n for n in names - english_words() - tech if len(n) >= 3)
    return HEADER.format(version=version) + "".join(f"{n}\n" for n in keep)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    text = build()
    if args.write:
        NAMES.write_text(text, encoding="utf-8")
        print(f"{text.count(chr(10)) - HEADER.count(chr(10))} names written to {NAMES}")
        return 0
    same = NAMES.is_file() and NAMES.read_text(encoding="utf-8") == text
    print("names.txt is up to date" if same else "names.txt differs: rerun with --write")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
