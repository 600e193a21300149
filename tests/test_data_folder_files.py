"""The files the simulator keeps in its data folder (settings, the menu index, the LRS's
details) are read as untrusted: another version may have written them, a crash or a
full disk may have damaged them, anyone with the folder may have changed them. Each is
only ever ignored and written afresh, never a traceback, a wait or a memory hog.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from simulator.library import MAX_INDEX_BYTES
from simulator.userdata import read_json
from tests.conftest import run_cli


def _home(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "CS_SIMULATOR_HOME": str(tmp_path)}


def _listing(tmp_path: Path) -> str:
    done = run_cli("list", env=_home(tmp_path), timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


@pytest.mark.parametrize(
    "damage",
    [
        {"id": 5},  # written by a version with other fields, or cut short
        {"id": "x", "title": "x", "minutes": True, "language": "en", "summary": ""},
        {"id": "x", "title": "x", "minutes": -5, "language": "en", "summary": ""},
        {"id": "x", "title": ["x"], "minutes": 10, "language": "en", "summary": ""},
        "not an entry",
    ],
)
def test_a_damaged_menu_index_entry_is_read_afresh(tmp_path: Path, damage: object) -> None:
    expected = _listing(tmp_path)  # fills the index
    index_path = tmp_path / "menu-index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    late_client = next(key for key in index if key.endswith("late-client.yaml"))
    index[late_client]["entry"] = damage  # its stamp still matches the file
    index_path.write_text(json.dumps(index), encoding="utf-8")
    assert _listing(tmp_path) == expected
    mended = json.loads(index_path.read_text(encoding="utf-8"))[late_client]["entry"]
    assert mended["id"] == "late-client" and mended["minutes"] == 15


def test_a_menu_index_record_of_another_layout_is_read_afresh(tmp_path: Path) -> None:
    """Another version keeps, say, its entries under another name: with the file's
    stamp matching, that record must not hide the scenario from the menu."""
    expected = _listing(tmp_path)
    index_path = tmp_path / "menu-index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    for record in index.values():
        record["meta"] = record.pop("entry")
    index_path.write_text(json.dumps(index), encoding="utf-8")
    assert _listing(tmp_path) == expected


def test_a_menu_index_far_too_large_is_not_read(tmp_path: Path) -> None:
    expected = _listing(tmp_path)
    index_path = tmp_path / "menu-index.json"
    index_path.write_bytes(b"{" + b" " * MAX_INDEX_BYTES + b"}")
    assert read_json(index_path, MAX_INDEX_BYTES) is None
    assert _listing(tmp_path) == expected
    assert index_path.stat().st_size < MAX_INDEX_BYTES  # written afresh


def test_a_named_pipe_for_the_menu_index_or_settings_is_never_waited_on(
    tmp_path: Path,
) -> None:
    os.mkfifo(tmp_path / "menu-index.json")
    os.mkfifo(tmp_path / "settings.json")
    assert read_json(tmp_path / "settings.json") is None
    assert "late-client" in _listing(tmp_path)  # run_cli's timeout fails a wait


def test_json_nested_past_what_the_parser_follows_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    assert read_json(path) is None
    path.write_text('{"text_size": "large"}', encoding="utf-8")
    assert read_json(path) == {"text_size": "large"}
