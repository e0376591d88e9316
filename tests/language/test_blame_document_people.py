"""People named where the document puts people (Owner, author, Actor) count as people."""

from __future__ import annotations

from pathlib import Path

from postmortem.document import load_document
from postmortem.rules.blameless import _people, blame_hits

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "postmortems" / "2025-10-03-search-index-lag.md"


def _doc(tmp_path: Path, actor: str, owner: str, event: str):
    text = BASE.read_text(encoding="utf-8")
    row = "| @jonas-berg starts investigating; consumer lag shows 7 hours          | Grafana      | @jonas-berg   |"
    assert row in text
    text = text.replace(row, f"| {event} | Grafana | {actor} |")
    owner_cell = "| @amara-diallo | 2025-11-28 |"
    assert owner_cell in text
    text = text.replace(owner_cell, f"| {owner} | 2025-11-28 |")
    path = tmp_path / "pm.md"
    path.write_text(text, encoding="utf-8")
    return load_document(path)


def test_plain_names_in_actor_and_owner_cells_are_people(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "Chidi Okafor", "Zanele Dube", "Chidi disabled the rate limiter")
    people = _people(doc)
    assert {"Chidi Okafor", "Zanele Dube"} <= people


def test_team_and_system_names_are_not_people(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "Customer Support", "Platform Team", "Grafana showed the lag")
    assert not {"Customer Support", "Platform Team"} & _people(doc)
    doc = _doc(tmp_path, "Zendesk", "@amara-diallo", "Zendesk opened a ticket")
    assert "Zendesk" not in _people(doc)


def test_a_name_from_the_actor_column_turns_a_timeline_cell_into_a_finding(
    tmp_path: Path,
) -> None:
    event = "Chidi disabled the rate limiter, which took down search"
    doc = _doc(tmp_path, "Chidi Okafor", "@amara-diallo", event)
    text = (tmp_path / "pm.md").read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "rate limiter" in row)
    hits = [h for h in blame_hits(doc) if h[0] == line]
    assert [h[2] for h in hits] == ["BL110"]
