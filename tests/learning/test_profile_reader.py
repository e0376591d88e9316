"""The profile of a file read with the light frontmatter reader is the profile the full
frontmatter loader gives (the reader every file of an archive goes through on a cold cache)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from postmortem.document import load_frontmatter, split_lines
from postmortem.learning import profile as profile_module
from postmortem.learning.profile import META, profile_from_parts, profile_from_text

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

HEAD = "---\ntitle: T\n"
BODY = "---\n\n## Root Cause\n\nThe connection pool ran out.\n"
CRAFTED = {
    "plain": HEAD + "id: 2025-01-01-a\nstatus: published\nservices: [a, b]\n",
    "quoted": HEAD + 'id: "2025-01-01-a"\ntags: ["x, y", \'z\']\nrelated: [b]\n',
    "yes is a word": HEAD + "id: a\nrestricted: yes\nstatus: published\n",
    "true": HEAD + "id: a\nrestricted: true\nstatus: published\n",
    "numbers": HEAD + "id: 2025\ntitle: 1.5\nservices: [1, 0x1f, 017, ~]\n",
    "null and empty": HEAD + "id:\nstatus: ~\ntags: []\n",
    "block list": HEAD + "id: a\nservices:\n  - a\n  - b\nrelated:\n- c\n",
    "duplicate": HEAD + "id: a\nid: b\nstatus: published\nstatus: draft\n",
    "alias": HEAD + "id: &x a\nrelated: [*x]\n",
    "alias elsewhere": HEAD + "id: a\nimpact: &x {users: 1}\nother: *x\n",
    "alias under a duplicate": HEAD + "id: a\nextra: &x 1\nextra: *x\n",
    "merge key": HEAD + "id: a\nbase: {x: 1}\n<<: {y: 2}\n",
    "key not a word": HEAD + "id: a\n[x]: 1\n",
    "invalid": HEAD + "id: a\n  bad: [\n",
    "tab": HEAD + "id: a\n\tstatus: published\n",
    "not a mapping": "---\n- a\n- b\n",
    "empty": "---\n",
    "deep": HEAD + "id: a\nx: " + "[" * 40 + "]" * 40 + "\n",
    "many": HEAD + "id: a\nx: [" + ", ".join(["1"] * 5100) + "]\n",
    "control character": HEAD + "id: a\nstatus: pub\x07lished\n",
    "nel": HEAD + "id: a\x85b\nrelated: [c]\n",
    "nested related": HEAD + "id: a\nrelated: {x: [b]}\nservices: [{a: 1}, b]\n",
    "comment": HEAD + "# note\nid: a # the id\nrelated: [b] # and\n",
    "multi-line": HEAD + 'id: a\ntitle: "first\n  second"\nrelated: [b,\n  c]\n',
}


def full_profile(text: str, path: str):
    """What the profile was before: every frontmatter field built by load_frontmatter."""
    lines = split_lines(text.removeprefix("\ufeff"))
    meta, meta_lines, body = {}, {}, lines
    if lines and lines[0].rstrip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if end is not None:
            meta, meta_lines, _ = load_frontmatter("\n".join(lines[1:end]), path, first_line=2)
            body = lines[end + 1 :]
    return profile_from_parts(path, meta, meta_lines, body)


def same(text: str, path: str) -> None:
    light, full = profile_from_text(text, path), full_profile(text, path)
    assert light == full
    assert (light.terms, light.surface) == (full.terms, full.surface)


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_crafted_frontmatter(name):
    same(CRAFTED[name] + BODY, f"{name}.md")


def test_every_markdown_file_of_the_project_and_generated_ones(tmp_path):
    paths = [p for p in ROOT.glob("**/*.md") if ".venv" not in p.parts and "site" not in p.parts]
    paths += generate(tmp_path, 60, 300)
    assert len(paths) > 60
    for path in paths:
        same(path.read_text("utf-8", "replace"), path.as_posix())


@pytest.mark.shared
def test_every_file_of_the_shared_corpus():
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent (a clone without the shared folder)")
    paths = sorted(CORPUS.rglob("*.md"))
    assert paths
    for path in paths:
        same(path.read_text("utf-8", "replace"), path.as_posix())


def test_the_fields_read_are_those_a_profile_uses():
    used = {"id", "title", "status", "restricted", "started", "services", "tags", "related"}
    assert set(META) == used
    assert profile_module.META is META


SECTION_PIECES = [
    "## Root Cause", "# Summary", "### Detail", "#Not", "   ## Indented", "    ## Code",
    "## Root Cause ##", "##\tTabbed", "## ", "##", "text", "", "  ", "| Action | Owner |",
    "## Action Items", "## Root  Cause", "- item", "#", "## Timeline", "\x0c## Feed",
    "## \u2028 odd", "```", "~~~", "## Contributing Factors",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(300))
def test_sections_found_in_the_whole_text_are_those_found_line_by_line(seed):
    import random

    rng = random.Random(seed)
    pieces = SECTION_PIECES if seed % 3 else SECTION_PIECES[:-4]  # some without fences
    lines = [rng.choice(pieces) for _ in range(rng.randint(0, 30))]
    assert profile_module.split_sections(lines) == profile_module._sections_line_by_line(lines)


def test_sections_of_real_files_either_way():
    paths = [p for p in ROOT.glob("**/*.md") if ".venv" not in p.parts]
    if CORPUS.is_dir():
        paths += sorted(CORPUS.rglob("*.md"))
    for path in paths:
        lines = split_lines(path.read_text("utf-8", "replace"))
        assert profile_module.split_sections(lines) == profile_module._sections_line_by_line(lines)


def test_stems_are_the_stems_of_the_words(tmp_path):
    from postmortem.learning.profile import stem_words, stems, words

    paths = [p for p in ROOT.glob("**/*.md") if ".venv" not in p.parts]
    paths += generate(tmp_path, 20, 300)
    if CORPUS.is_dir():
        paths += sorted(CORPUS.rglob("*.md"))
    for path in paths:
        text = path.read_text("utf-8", "replace")
        assert stems(text) == stem_words(words(text))
    odd = "I/O @alice's DB db_pool <!-- x --> [a](http://x) www.Example.com it's ‘quoted’ a b"
    assert stems(odd) == stem_words(words(odd))
