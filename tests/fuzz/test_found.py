"""What the fuzz tests found, each as the smallest file that shows it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from simulator.file_checks import load_any
from simulator.records.store import ResultsStore, StoreError


def test_nesting_in_flow_style_is_located_where_it_runs_too_deep(tmp_path: Path) -> None:
    """E008 for ``{a: {a: ...}}`` on one line pointed at 1:1, the file's start (the
    deepest indentation was the only pointer); it now points at the collection that is
    one level too deep."""
    path = tmp_path / "deep.yaml"
    path.write_text("format: 1\nid: x\ntitle: " + "{a: " * 60 + "1" + "}" * 60 + "\n")
    (diagnostic,) = load_any(path).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("E008", 3, 8 + 47 * 4)


def test_a_database_with_only_a_plays_table_is_not_ours(tmp_path: Path) -> None:
    """Another program's SQLite file whose one table happens to be called ``plays`` is
    refused ("it was left untouched"), yet its journal mode is switched to WAL (bytes 18,
    19, 27 and 95 of the header change) and -wal and -shm files appear beside it."""
    path = tmp_path / "music.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE plays (track TEXT, played_at TEXT)")
    connection.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="untouched"):
        ResultsStore.open(str(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["music.sqlite3"]
