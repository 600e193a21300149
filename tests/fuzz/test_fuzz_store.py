"""The results store on damaged files: a real store with random bytes written over it at
random places, cut short, its header or a whole page overwritten; and SQLite files of
other programs. Every refusal is a StoreError with a message and leaves the file's bytes
as they were; a read-only opening (as `report` makes) never changes them at all; a
damaged file that SQLite still finds sound is recorded into or refused, never with any
other exception."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from simulator.engine.script import play_script
from simulator.records.recorder import Recorder
from simulator.records.store import ResultsStore, StoreError
from simulator.scenario.loader import load_scenario
from tests.conftest import REPO
from tests.fuzz.budget import budget

TOUR = load_scenario(REPO / "docs" / "examples" / "format-tour.yaml").scenario
assert TOUR is not None
PAGE = 4096


def record_play(store: ResultsStore, trainee: str, source: str) -> Recorder:
    """A play of the format tour recorded step by step, as the game records one."""
    session, problem = play_script(TOUR, [], seed=1)
    assert problem is None
    recorder = Recorder(store, trainee, source)
    recorder.sync(session)
    for pick in ("own-it",):
        session.choose(pick)
        recorder.sync(session)
    return recorder


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real store's bytes: three trainees' plays, one of them unfinished (a snapshot)."""
    path = tmp_path_factory.mktemp("store") / "results.sqlite3"
    store = ResultsStore.open(str(path))
    for trainee in ("Mari", "Jaan", "Liis"):
        assert record_play(store, trainee, "player").problem is None
    store.engine.dispose()  # the last connection checkpoints the write-ahead log
    assert not path.with_name(path.name + "-wal").exists()
    return path.read_bytes()


def assert_refused_or_usable(path: Path) -> None:
    """Read-only (never a byte changed), then for writing: refused with its bytes kept,
    or recorded into, with StoreError the only exception either way."""
    before = path.read_bytes()
    try:
        reader = ResultsStore.open(str(path), read_only=True)
        try:
            plays = reader.plays()
            reader.decisions([play["id"] for play in plays])
        finally:
            reader.engine.dispose()
    except StoreError as error:
        assert str(error)
    assert path.read_bytes() == before, "a read-only opening changed the file"
    try:
        store = ResultsStore.open(str(path))
    except StoreError as error:
        assert str(error)
        assert path.read_bytes() == before, "a refused store was written to"
        event("refused")
        return
    event("still sound to SQLite: recorded into")
    try:
        recorder = record_play(store, "Fuzz", "run")
        assert recorder.problem is None or str(recorder.problem)
        store.plays()
    except StoreError as error:
        assert str(error)
    finally:
        store.engine.dispose()


@budget(300)
@given(st.data())
def test_a_damaged_store_is_refused_untouched_or_still_works(
    tmp_path_factory: pytest.TempPathFactory, pristine: bytes, data: st.DataObject
) -> None:
    damaged = bytearray(pristine)
    how = data.draw(st.sampled_from(["bytes", "bytes", "header", "page", "cut"]))
    if how == "cut":
        damaged = damaged[: data.draw(st.integers(min_value=1, max_value=len(damaged) - 1))]
    elif how == "page":
        page = data.draw(st.integers(min_value=0, max_value=len(damaged) // PAGE - 1))
        noise = data.draw(st.binary(min_size=PAGE, max_size=PAGE))
        damaged[page * PAGE : (page + 1) * PAGE] = noise
    else:
        end = 100 if how == "header" else len(damaged) - 1
        for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
            offset = data.draw(st.integers(min_value=0, max_value=end))
            chunk = data.draw(st.binary(min_size=1, max_size=64))
            damaged[offset : offset + len(chunk)] = chunk
    path = tmp_path_factory.mktemp("damaged") / "results.sqlite3"
    path.write_bytes(bytes(damaged))
    assert_refused_or_usable(path)


TABLES = st.sampled_from(["notes", "customers", "plays", "decisions", "xapi_queue", "t"])


@budget(60)
@given(
    st.lists(TABLES, min_size=1, max_size=3, unique=True),
    st.lists(
        st.one_of(
            st.integers(min_value=-(2**63), max_value=2**63 - 1),
            st.text(max_size=20),
            st.binary(max_size=20),
        ),
        max_size=5,
    ),
    st.sampled_from(["delete", "wal", "truncate"]),
)
def test_another_programs_database_is_never_changed(
    tmp_path_factory: pytest.TempPathFactory, tables: list[str], rows: list, journal: str
) -> None:
    """Tables of other names are another program's; a table that only shares a name
    with ours lacks our columns. Either way the file is refused, byte for byte as it was."""
    path = tmp_path_factory.mktemp("foreign") / "notes.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA journal_mode = {journal}")
        for table in tables:
            connection.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, body)")
            connection.executemany(f"INSERT INTO {table} (body) VALUES (?)", [(r,) for r in rows])
    connection.close()
    before = path.read_bytes()
    for read_only in (True, False):
        with pytest.raises(StoreError, match=r"another program|not ours"):
            ResultsStore.open(str(path), read_only=read_only)
    assert path.read_bytes() == before
