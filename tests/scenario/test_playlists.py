"""Playlists name their scenarios as a trainer would: a file beside them, the id of a
scenario beside them, or a bundled id; a slip gets a did-you-mean."""

from __future__ import annotations

from pathlib import Path

from simulator.scaffold import scaffold
from simulator.scenario.playlist import load_playlist


def write_playlist(folder: Path, *entries: str) -> Path:
    path = folder / "morning.yaml"
    listed = "".join(f"  - {{scenario: {entry}}}\n" for entry in entries)
    path.write_text(
        f"format: 1\nkind: playlist\nid: morning\ntitle: A morning\nscenarios:\n{listed}",
        encoding="utf-8",
    )
    return path


def test_an_entry_can_name_a_scenario_beside_it_by_its_id(tmp_path: Path) -> None:
    scaffold("refund-rush", tmp_path, None)
    checked, problems = load_playlist(
        write_playlist(tmp_path, "refund-rush", "refund-rush.yaml", "late-client")
    )
    assert problems == [] and checked is not None
    assert [item.scenario_id for item in checked.items] == [
        "refund-rush",
        "refund-rush",
        "late-client",
    ]
    assert checked.items[0].path == tmp_path / "refund-rush.yaml"


def test_a_misspelt_entry_says_what_it_could_have_meant(tmp_path: Path) -> None:
    scaffold("refund-rush", tmp_path, None)
    _, problems = load_playlist(write_playlist(tmp_path, "refund-rsh", "late-clinet"))
    assert [(p.code, p.line) for p in problems] == [("E217", 6), ("E217", 7)]
    assert "did you mean 'refund-rush'" in problems[0].message
    assert "did you mean 'late-client'" in problems[1].message
