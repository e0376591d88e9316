"""The cheap archive index agrees with the full parse on every frontmatter form."""

from __future__ import annotations

import pytest

from postmortem.document import load_document
from postmortem.validation import entry_for, read_entry

FORMS = {
    "plain": "id: 2025-01-01-a\nrelated: [2025-01-02-b, '2025-01-03-c']\n",
    "quoted": 'id: "2025-01-01-a"\ntitle: x\n',
    "block-related": "id: 2025-01-01-a\nrelated:\n  - 2025-01-02-b\n  - 2025-01-03-c\n",
    "no-id": "title: x\nrelated: []\n",
    "duplicate-id": "id: 2025-01-01-a\nid: 2025-01-01-b\n",
    "nested-id-lookalike": "title: x\nextra:\n  id: nope\nid: 2025-01-01-a\n",
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_index_matches_full_parse(tmp_path, name):
    path = tmp_path / "x.md"
    path.write_text("---\n" + FORMS[name] + "---\n\n## Summary\n\nText.\n", "utf-8")
    assert read_entry(path) == entry_for(load_document(path))
