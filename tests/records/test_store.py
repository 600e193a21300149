"""The results store, as a training room uses it: real files, real processes, a real server."""

from __future__ import annotations

import errno
import os
import random
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from simulator.engine.session import Session
from simulator.records.recorder import Recorder
from simulator.records.store import (
    ResultsStore,
    StoreError,
    _described,
    plays,
    snapshot_parts,
)
from simulator.scenario.loader import load_scenario
from simulator.scenario.playable import PlayableScenario
from tests.conftest import REPO, run_cli

TOUR = REPO / "docs" / "examples" / "format-tour.yaml"


def run(
    results: str, trainee: str, *extra: str, env: dict | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "run",
        str(TOUR),
        "--choices",
        "3,2",
        "--seed",
        "1",
        "--trainee",
        trainee,
        "--results",
        results,
        *extra,
        env=env,
        timeout=120,
    )


def test_a_headless_run_is_recorded_decision_by_decision(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    done = run(str(path), "Ilona")
    assert done.returncode == 0, done.stderr
    store = ResultsStore.open(str(path))
    (play,) = store.plays()
    assert (play["trainee"], play["scenario_id"], play["status"]) == (
        "Ilona",
        "format-tour",
        "ended",
    )
    assert play["seed"] == 1 and play["source"] == "run" and play["score"] is not None
    assert len(play["scenario_hash"]) == 64 and play["language"] == "en"
    steps = store.decisions([play["id"]])
    assert [d["choice"] for d in steps] == ["voucher-now", "own-it"]
    assert steps[0]["cost_delta"] == 50 and steps[0]["decided_at"] is not None


def start_room(results: str, trainees: list[str]) -> list[subprocess.Popen]:
    """A training room: every trainee's headless play starts at the same moment."""
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "simulator",
                "run",
                str(TOUR),
                "--choices",
                "3,2",
                "--seed",
                str(n),
                "--trainee",
                trainee,
                "--results",
                results,
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n, trainee in enumerate(trainees)
    ]


def test_twenty_trainees_recording_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "room.sqlite3"  # created by whichever trainee comes first
    processes = start_room(str(path), [f"trainee-{n:02d}" for n in range(20)])
    codes = [process.wait(timeout=300) for process in processes]
    assert codes == [0] * 20, [p.stderr.read() for p in processes if p.stderr]
    store = ResultsStore.open(str(path))
    plays = store.plays()
    assert sorted(p["trainee"] for p in plays) == [f"trainee-{n:02d}" for n in range(20)]
    assert len(store.decisions([p["id"] for p in plays])) == 40


def test_a_damaged_file_is_reported_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    junk = b"these are somebody's notes, not a database\n" * 50
    path.write_bytes(junk)
    done = run(str(path), "Ilona")
    assert done.returncode == 5
    assert "damaged or is not a results file" in done.stderr and "Traceback" not in done.stderr
    assert "ENDING:" in done.stdout  # the trainee's run itself still happened
    assert path.read_bytes() == junk


def test_a_truncated_store_is_reported_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    assert run(str(path), "Ilona").returncode == 0
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3] + b"\x00" * 100)
    with pytest.raises(StoreError) as raised:
        ResultsStore.open(str(path)).plays()
    assert raised.value.kind == "damaged"  # what the trainee's screen says, in its language


def test_a_locked_store_is_waited_for_and_nothing_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    assert run(str(path), "first").returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(2); "
            "c.rollback()",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    done = run(str(path), "second")
    holder.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= 1.5  # it waited for the lock
    assert sorted(p["trainee"] for p in ResultsStore.open(str(path)).plays()) == ["first", "second"]


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails like a full disk
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.argv = ["simulator"] + sys.argv[2:]
from simulator.cli import main
raise SystemExit(main())
"""


def test_a_full_disk_is_reported_and_earlier_plays_survive(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    for trainee in ("early", "earlier"):
        assert run(str(path), trainee).returncode == 0
    # Room in the write-ahead log for a few pages, not for a whole play: the disk fills
    # while the play is being recorded.
    size = 4 * 4096
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            FULL_DISK,
            str(size),
            "run",
            str(TOUR),
            "--choices",
            "3,2",
            "--trainee",
            "late",
            "--results",
            str(path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 5, (done.stdout, done.stderr)
    assert "not recorded" in done.stderr and "Traceback" not in done.stderr
    trainees = {p["trainee"] for p in ResultsStore.open(str(path)).plays()}
    assert {"early", "earlier"} <= trainees


def test_a_store_from_a_newer_simulator_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    ResultsStore.open(str(path))
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE store_info SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer simulator") as raised:
        ResultsStore.open(str(path))
    assert raised.value.kind == "newer"


def test_another_programs_database_is_refused_as_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(StoreError, match="tables of another program") as raised:
        ResultsStore.open(str(path))
    assert raised.value.kind == "damaged"


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("database is locked", "locked"),
        ("attempt to write a readonly database", "read_only"),
        ("database or disk is full", "disk"),
        ("disk I/O error", "disk"),
        ("file is not a database", "damaged"),
        ("database disk image is malformed", "damaged"),
        ("unable to open database file", "other"),
    ],
)
def test_what_sqlite_says_is_sorted_into_a_reason_a_trainee_can_read(said: str, kind: str) -> None:
    """SQLite's own words for each failure, where its error carries no code, become one
    of the few reasons the game words in the trainee's language."""
    error = _described(sqlite3.OperationalError(said), "/data/results.sqlite3")
    assert error.kind == kind
    assert "/data/results.sqlite3" in str(error)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (
            PermissionError(errno.EACCES, "Permission denied", "/srv/unlocked/r.sqlite3"),
            "read_only",
        ),
        (OSError(errno.ENOSPC, "No space left on device", "/srv/busy/r.sqlite3"), "disk"),
        (OSError(errno.EIO, "Input/output error", "/srv/corrupt/r.sqlite3"), "disk"),
        (OSError(errno.ENOENT, "No such file or directory", "/srv/locked/r.sqlite3"), "other"),
    ],
)
def test_a_system_error_is_sorted_by_its_number_not_by_the_path_in_its_text(
    error: OSError, kind: str
) -> None:
    """A folder called 'unlocked' or 'busy' says nothing about why a write failed."""
    assert _described(error, "/srv/r.sqlite3").kind == kind


def test_sqlites_own_code_sorts_a_real_failure(tmp_path: Path) -> None:
    """A write through a read-only connection fails as SQLite itself reports it."""
    path = tmp_path / "results.sqlite3"
    ResultsStore.open(str(path))
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError) as raised:
            connection.execute("DELETE FROM plays")
    finally:
        connection.close()
    assert raised.value.sqlite_errorname.startswith("SQLITE_READONLY")
    assert _described(raised.value, str(path)).kind == "read_only"


def test_a_kept_problem_holds_no_database_error_or_traceback(tmp_path: Path) -> None:
    """The game shows a store's problem for the rest of a play: what it keeps must not
    hold the failed write's rows (in the database error and its traceback's frames)."""
    junk = tmp_path / "results.sqlite3"
    junk.write_bytes(b"not a database " * 100)
    with pytest.raises(StoreError) as raised:
        ResultsStore.open(str(junk))
    kept = raised.value.detached()
    assert (str(kept), kept.kind) == (str(raised.value), "damaged")
    assert kept.__traceback__ is None and kept.__context__ is None


POSTGRES = os.environ.get("CS_SIMULATOR_TEST_POSTGRES")


def test_a_shared_postgresql_store_records_a_whole_room() -> None:
    if not POSTGRES:
        if os.environ.get("CI"):
            pytest.fail(".ci/run starts PostgreSQL and sets CS_SIMULATOR_TEST_POSTGRES")
        pytest.skip("set CS_SIMULATOR_TEST_POSTGRES to a postgresql:// URL to run this")
    processes = start_room(POSTGRES, [f"pg-{n:02d}-{os.getpid()}" for n in range(20)])
    assert [p.wait(timeout=300) for p in processes] == [0] * 20
    store = ResultsStore.open(POSTGRES)
    mine = [p for p in store.plays() if p["trainee"].endswith(f"-{os.getpid()}")]
    assert len(mine) == 20
    assert len(store.decisions([p["id"] for p in mine])) == 40


# ---------------------------------------------------------------- stores that are never harmed


def damage_old_decisions(path: Path) -> bytes:
    """Random bytes over a page of earlier plays' decisions, in the middle of the file: a
    new play's writes never touch that page, so only a check before writing sees it."""
    with sqlite3.connect(path) as connection:
        (page,) = connection.execute(
            "SELECT min(pageno) FROM dbstat WHERE name = 'decisions' AND pagetype = 'leaf'"
        ).fetchone()
    connection.close()
    data = bytearray(path.read_bytes())
    noise = random.Random(7)
    start = (page - 1) * 4096
    data[start : start + 4096] = bytes(noise.randrange(256) for _ in range(4096))
    path.write_bytes(bytes(data))
    return bytes(data)


def test_a_store_with_random_bytes_in_the_middle_is_refused_and_left_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "results.sqlite3"
    for n in range(6):
        assert run(str(path), f"early-{n}").returncode == 0
    damaged = damage_old_decisions(path)
    done = run(str(path), "late")
    assert done.returncode == 5, done.stderr
    assert "damaged" in done.stderr and "Traceback" not in done.stderr
    assert "ENDING:" in done.stdout  # the trainee's run itself still happened
    assert path.read_bytes() == damaged
    report = run_cli("report", "--results", str(path), "-o", str(tmp_path / "r.html"))
    assert report.returncode == 1 and "damaged" in report.stderr
    assert path.read_bytes() == damaged


def test_an_sqlite_file_of_another_program_is_never_changed(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        connection.execute("INSERT INTO notes (text) VALUES ('call the depot')")
    connection.close()
    original = path.read_bytes()
    done = run(str(path), "Ilona")
    assert done.returncode == 5 and "another program" in done.stderr, done.stderr
    page = tmp_path / "r.html"
    report = run_cli("report", "--results", str(path), "-o", str(page))
    assert report.returncode == 1 and "another program" in report.stderr
    sync = run_cli("sync", "--results", str(path), "--lrs", "http://127.0.0.1:1")
    assert sync.returncode == 1 and "another program" in sync.stderr
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite3"]  # no -wal either
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert [name for (name,) in tables] == ["notes"]
    connection.close()


def test_report_and_sync_never_create_a_store(tmp_path: Path) -> None:
    typo = tmp_path / "resluts.sqlite3"
    done = run_cli("report", "--results", str(typo), "-o", str(tmp_path / "r.html"))
    assert done.returncode == 2 and "no results store" in done.stderr, done.stderr
    done = run_cli("sync", "--results", str(typo), "--lrs", "http://127.0.0.1:1")
    assert done.returncode == 2 and "no results store" in done.stderr, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_runs_and_demos_are_kept_out_of_reports_and_resume_offers(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    tour = load_scenario(TOUR).scenario
    assert tour is not None
    store = ResultsStore.open(str(path))
    demo_store = ResultsStore.open(str(path))
    demo_store.source = "demo"  # what `play --autoplay` sets on the store it plays into
    for each_store, trainee in ((store, "Trainee"), (demo_store, "Demo")):
        session = Session.start(tour, seed=1)
        session.choose("voucher-now")
        assert Recorder(each_store, trainee, "player").sync(session)
    assert run(str(path), "Author").returncode == 0
    by_trainee = {p["trainee"]: p for p in ResultsStore.open(str(path)).plays()}
    assert {name: p["source"] for name, p in by_trainee.items()} == {
        "Trainee": "player",
        "Demo": "demo",
        "Author": "run",
    }
    assert store.unfinished("Trainee", tour.id, tour.content_hash) is not None
    assert store.unfinished("Demo", tour.id, tour.content_hash) is None
    page = tmp_path / "r.html"
    done = run_cli("report", "--results", str(path), "-o", str(page))
    assert done.returncode == 0 and "(1 play; 2 runs and demos left out" in done.stdout
    done = run_cli("report", "--results", str(path), "-o", str(page), "--all-plays")
    assert done.returncode == 0 and "(3 plays)" in done.stdout


@pytest.mark.parametrize(("choices", "code"), [("3", 3), ("3,3", 1)])
def test_a_run_that_stops_early_is_not_left_playing(
    tmp_path: Path, choices: str, code: int
) -> None:
    path = tmp_path / "results.sqlite3"
    done = run_cli("run", str(TOUR), "--choices", choices, "--seed", "1", "--results", str(path))
    assert done.returncode == code, done.stderr
    (play,) = ResultsStore.open(str(path)).plays()
    assert play["status"] == "abandoned" and play["snapshot"] is None
    assert [d["choice"] for d in ResultsStore.open(str(path)).decisions([play["id"]])] == [
        "voucher-now"
    ]


def test_a_run_without_an_lrs_queues_nothing_and_keeps_no_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "CS_SIMULATOR_LRS"}
    assert run(str(path), "Ilona", env=env).returncode == 0
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM xapi_queue").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM snapshot_parts").fetchone() == (0,)
        assert connection.execute("SELECT snapshot FROM plays").fetchall() == [(None,)]
    connection.close()


LOOP = """\
format: 1
id: loop
title: Round and round
start: desk
characters:
  pat: {name: Pat}
nodes:
  desk:
    lines:
      - {id: desk.l1, speaker: pat, text: "Again, please. I have a lot more to say about it."}
    choices:
      - {id: again, text: Once more, next: desk}
      - {id: done, text: That is all, next: end}
  end:
    ending: {title: End}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""


def test_recording_a_decision_costs_the_same_at_decision_400_as_at_decision_2(
    tmp_path: Path,
) -> None:
    """Counted in SQL statements and bytes sent to the database, not in seconds."""
    scenario = load_text(tmp_path, LOOP)
    store = ResultsStore.open(str(tmp_path / "results.sqlite3"))
    work = {"statements": 0, "bytes": 0}

    @event.listens_for(store.engine, "before_cursor_execute")
    def count(_connection, _cursor, _statement, parameters, _context, many) -> None:  # type: ignore[no-untyped-def]
        work["statements"] += 1
        for row in parameters if many else [parameters]:
            values = row.values() if isinstance(row, dict) else row
            work["bytes"] += sum(len(str(value)) for value in values)

    session = Session.start(scenario, seed=1)
    recorder = Recorder(store, "Tess", "player")  # a trainee's play keeps its snapshot
    assert recorder.sync(session)
    cost: dict[int, dict[str, int]] = {}
    for decision in range(1, 401):
        before = dict(work)
        session.choose("again")
        assert recorder.sync(session), recorder.problem
        cost[decision] = {key: work[key] - before[key] for key in work}
    assert cost[400]["statements"] == cost[2]["statements"]
    assert cost[400]["bytes"] <= cost[2]["bytes"] + 32  # a few more digits in the numbers
    # ... and the whole snapshot is still there to resume from, exactly.
    (_, snapshot, _) = store.unfinished("Tess", "loop", scenario.content_hash)
    assert snapshot == session.snapshot()


LATE_CHARGE = """\
format: 1
id: late-charge
title: Late charge
start: ask
nodes:
  ask:
    choices:
      - {id: promise, text: I promise it by Friday, next: wait}
  wait:
    choices:
      - {id: again, text: Once more, next: wait}
      - {id: move-on, text: Move on, next: bill}
  bill:
    consequence_of: [promise]
    effects: [cost += 3]
    choices:
      - {id: pay, text: Pay, next: end}
  end:
    ending: {title: End}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store of each kind: an SQLite file, and the PostgreSQL server when there is one."""
    if request.param == "sqlite":
        return str(tmp_path / "results.sqlite3")
    if not POSTGRES:
        if os.environ.get("CI"):
            pytest.fail(".ci/run starts PostgreSQL and sets CS_SIMULATOR_TEST_POSTGRES")
        pytest.skip("set CS_SIMULATOR_TEST_POSTGRES to a postgresql:// URL to run this")
    return POSTGRES


def test_a_resumed_play_carries_on_exactly_with_earlier_decisions_revised(
    location: str, tmp_path: Path
) -> None:
    scenario = load_text(tmp_path, LATE_CHARGE)
    trainee = f"Tess-{uuid.uuid4()}"
    session = Session.start(scenario, seed=4)
    recorder = Recorder(ResultsStore.open(location), trainee, "player")
    for choice in ("promise", "again", "again"):
        session.choose(choice)
        assert recorder.sync(session)
    # The PC is switched off; the next morning the play resumes from the store.
    store = ResultsStore.open(location)
    play_id, snapshot, _ = store.unfinished(trainee, "late-charge", scenario.content_hash)
    assert snapshot == session.snapshot()
    resumed = Session.restore(scenario, snapshot)
    recorder = Recorder(store, trainee, "player", play_id, written=len(resumed.decisions))
    resumed.choose("move-on")  # the bill charges the first decision, the promise
    assert recorder.sync(resumed)
    _, snapshot, _ = store.unfinished(trainee, "late-charge", scenario.content_hash)
    assert snapshot == resumed.snapshot()
    assert snapshot["decisions"][0]["consequence_cost"] == 3
    rows = store.decisions([play_id])
    assert [row["cost_delta"] for row in rows] == [3, 0, 0, 0]  # already, not at the end
    resumed.choose("pay")
    assert recorder.sync(resumed)
    (play,) = store.plays(trainee=trainee)
    assert (play["status"], play["snapshot"]) == ("ended", None)
    assert [row["choice"] for row in store.decisions([play_id])] == [
        "promise",
        "again",
        "again",
        "move-on",
        "pay",
    ]
    with store.engine.connect() as connection:  # nothing left to resume: the parts are gone
        parts = sa.select(sa.func.count()).where(snapshot_parts.c.play_id == play_id)
        assert connection.execute(parts).scalar() == 0


def load_text(folder: Path, text: str) -> PlayableScenario:
    path = folder / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path).scenario
    assert scenario is not None
    return scenario


def test_a_decision_taken_back_in_practice_is_kept_aside_and_the_play_resumes_as_it_is(
    location: str, tmp_path: Path
) -> None:
    """Taking back moves the decision's row, whole, to taken_back; what is recorded for
    the play (decisions, consequences charged to earlier ones, the snapshot to resume
    from) is the play as it is now."""
    from simulator.engine.rewind import Rewinds
    from simulator.records.store import taken_back

    scenario = load_text(tmp_path, LATE_CHARGE)
    trainee = f"Rita-{uuid.uuid4()}"
    session = Session.start(scenario, seed=2)
    rewinds = Rewinds()
    store = ResultsStore.open(location)
    recorder = Recorder(store, trainee, "player")
    rewinds.note(session)
    for choice in ("promise", "again", "move-on"):  # the bill charges the promise: 3
        session.choose(choice)
        rewinds.note(session)
        assert recorder.sync(session)
    play_id = recorder.play_id
    assert [row["cost_delta"] for row in store.decisions([play_id])] == [3, 0, 0]

    session = rewinds.take_back(session)  # back to the question before "move-on"
    assert recorder.take_back(session)
    rows = store.decisions([play_id])
    assert [(row["choice"], row["cost_delta"]) for row in rows] == [("promise", 0), ("again", 0)]
    assert store.taken_back([play_id]) == {play_id: 1}
    with store.engine.connect() as connection:
        query = (
            sa.select(taken_back).where(taken_back.c.play_id == play_id).order_by(taken_back.c.step)
        )
        revised, aside = connection.execute(query).mappings()
    assert (aside["rewind"], aside["step"], aside["why"]) == (1, 2, "taken back")
    assert (aside["choice"], aside["node"]) == ("move-on", "wait")
    # The promise's row as it stood, with the bill the taken-back answer charged to it.
    assert (revised["step"], revised["why"], revised["choice"]) == (0, "revised", "promise")
    assert revised["cost_delta"] == 3
    _, snapshot, _ = store.unfinished(trainee, "late-charge", scenario.content_hash)
    assert snapshot == session.snapshot()

    session.choose("again")
    rewinds.note(session)
    assert recorder.sync(session)
    # The PC is switched off here; the play resumes with its taken-back count.
    resumed_store = ResultsStore.open(location)
    found, snapshot, _ = resumed_store.unfinished(trainee, "late-charge", scenario.content_hash)
    assert found == play_id and snapshot == session.snapshot()
    resumed = Session.restore(scenario, snapshot)
    assert resumed.state.rewinds == 1
    recorder = Recorder(resumed_store, trainee, "player", play_id, written=len(resumed.decisions))
    resumed.choose("move-on")
    resumed.choose("pay")
    assert recorder.sync(resumed)
    rows = resumed_store.decisions([play_id])
    assert [row["choice"] for row in rows] == ["promise", "again", "again", "move-on", "pay"]
    assert [row["cost_delta"] for row in rows] == [3, 0, 0, 0, 0]
    assert resumed_store.taken_back([play_id]) == {play_id: 1}


def postgres_schema(name: str) -> str:
    """The CI server's database seen through a schema of its own (a fresh database to
    the store), made empty; the URL that opens it."""
    if not POSTGRES:
        if os.environ.get("CI"):
            pytest.fail(".ci/run starts PostgreSQL and sets CS_SIMULATOR_TEST_POSTGRES")
        pytest.skip("set CS_SIMULATOR_TEST_POSTGRES to a postgresql:// URL to run this")
    admin = sa.create_engine(POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {name}"))
    admin.dispose()
    joiner = "&" if "?" in POSTGRES else "?"
    return f"{POSTGRES}{joiner}options=-csearch_path%3D{name}"


def schema_tables(url: str) -> dict[str, list[str]]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        found = {
            table: sorted(column["name"] for column in inspector.get_columns(table))
            for table in inspector.get_table_names()
        }
    engine.dispose()
    return found


def test_a_postgresql_database_of_another_program_is_never_changed(tmp_path: Path) -> None:
    url = postgres_schema(f"notes_{os.getpid()}")
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE notes (id integer PRIMARY KEY, body text)"))
        connection.execute(sa.text("INSERT INTO notes VALUES (1, 'call the depot')"))
    engine.dispose()
    before = schema_tables(url)
    done = run(url, "Ilona")
    assert done.returncode == 5 and "another program" in done.stderr, done.stderr
    assert "simulator:simulator@" not in done.stderr  # the password is never printed
    report = run_cli("report", "--results", url, "-o", str(tmp_path / "r.html"))
    assert report.returncode in (1, 2) and "Traceback" not in report.stderr
    assert schema_tables(url) == before


def test_a_postgresql_store_with_a_table_changed_by_hand_is_refused(tmp_path: Path) -> None:
    url = postgres_schema(f"edited_{os.getpid()}")
    assert run(url, "first").returncode == 0
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE decisions DROP COLUMN cost_delta"))
    engine.dispose()
    before = schema_tables(url)
    done = run(url, "second")
    assert done.returncode == 5, done.stderr
    assert "damaged" in done.stderr and "cost_delta" in done.stderr
    assert schema_tables(url) == before
    with pytest.raises(StoreError, match="lacks cost_delta"):
        ResultsStore.open(url, read_only=True)


def test_queries_read_side_by_side_see_one_snapshot(location: str) -> None:
    """The report reads the plays and their decisions as two streams: a play recorded
    while they are read is in neither, so no decision ever lacks its play."""
    trainee = f"Snap-{uuid.uuid4()}"

    def start(store: ResultsStore, play_id: str) -> None:
        store.start_play(
            play_id, trainee, "parcel", "The parcel", "0" * 64, "en", "h", 1, "player", []
        )

    writer = ResultsStore.open(location)
    before = [str(uuid.uuid4()) for _ in range(3)]
    for play_id in before:
        start(writer, play_id)
    reader = ResultsStore.open(location, read_only=True)
    mine = plays.c.trainee == trainee
    first = sa.select(plays.c.id).where(mine).order_by(plays.c.id)
    second = sa.select(sa.func.count()).select_from(plays).where(mine)
    with reader.side_by_side(first, second, batch=1) as (ids, counts):
        seen = [next(ids)[0]]
        start(writer, str(uuid.uuid4()))  # recorded while the two are read
        seen += [row[0] for row in ids]
        (counted,) = next(counts)
    assert seen == sorted(before) and counted == len(before)
    writer.engine.dispose()
    reader.engine.dispose()
