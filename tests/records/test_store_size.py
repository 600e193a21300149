"""What a play costs the store, and stores written by earlier versions read as they were.

The benchmark (benchmarks/bench_report.py) prints the real bytes per play; the bound
here is generous, to catch a store that starts keeping something per play it should
not (a snapshot left behind by a finished play, statements queued without an LRS).
"""

from __future__ import annotations

import csv
import random
import sqlite3
from pathlib import Path

from simulator.engine.session import Session, Status
from simulator.records.recorder import Recorder
from simulator.records.store import ResultsStore
from simulator.scenario.loader import load_scenario
from tests.conftest import REPO, run_cli

LATE_CLIENT = REPO / "scenarios" / "late-client.yaml"
BYTES_PER_PLAY = 8 * 1024


def size_on_disk(path: Path) -> int:
    """The file's size once its write-ahead log is folded in."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return path.stat().st_size


def test_a_finished_play_without_an_lrs_takes_a_few_kilobytes(tmp_path: Path) -> None:
    scenario = load_scenario(LATE_CLIENT).scenario
    assert scenario is not None
    path = tmp_path / "results.sqlite3"
    store = ResultsStore.open(str(path))
    rng = random.Random(3)
    plays, decisions = 40, 0
    # The store's tables and first pages, then what the plays add.
    warm = Session.start(scenario, seed=0)
    assert Recorder(store, "warm-up", "player", lrs=None).sync(warm)
    empty = size_on_disk(path)
    for number in range(plays):
        session = Session.start(scenario, seed=number)
        recorder = Recorder(store, f"trainee-{number % 8}", "player", lrs=None)
        assert recorder.sync(session)
        while session.status is Status.WAITING_FOR_CHOICE:
            session.tick(rng.uniform(1, 9))
            if session.status is Status.WAITING_FOR_CHOICE:
                session.choose(rng.choice(session.available_choices))
            while session.status is Status.WAITING_FOR_CONTINUE:
                session.continue_()
            assert recorder.sync(session), recorder.problem
        assert session.status is Status.ENDED
        decisions += len(session.decisions)
    store.engine.dispose()
    per_play = (size_on_disk(path) - empty) / plays
    assert decisions >= plays * 5  # real plays, not one-decision ones
    assert per_play <= BYTES_PER_PLAY, f"{per_play:.0f} bytes per play"
    with sqlite3.connect(path) as connection:  # a finished play keeps nothing to resume
        assert connection.execute(
            "SELECT count(*) FROM snapshot_parts WHERE play_id IN "
            "(SELECT id FROM plays WHERE status = 'ended')"
        ).fetchone() == (0,)
        assert connection.execute(
            "SELECT count(*) FROM plays WHERE status = 'ended' AND snapshot IS NOT NULL"
        ).fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM xapi_queue").fetchone() == (0,)
    connection.close()


#: The tables as an earlier simulator made them: before answers could be taken back and
#: before snapshots were kept in parts (no taken_back, no snapshot_parts).
EARLIER_LAYOUT = """
CREATE TABLE plays (
    id VARCHAR(36) NOT NULL PRIMARY KEY, trainee VARCHAR(200) NOT NULL,
    scenario_id VARCHAR(80) NOT NULL, scenario_title TEXT NOT NULL,
    scenario_hash VARCHAR(64) NOT NULL, language VARCHAR(16) NOT NULL,
    cost_unit VARCHAR(16) NOT NULL, seed BIGINT NOT NULL, source VARCHAR(16) NOT NULL,
    started_at DATETIME NOT NULL, finished_at DATETIME, status VARCHAR(32) NOT NULL,
    ending VARCHAR(80), ending_kind VARCHAR(32), satisfaction FLOAT, cost FLOAT,
    score INTEGER, grade TEXT, passed BOOLEAN, snapshot TEXT);
CREATE INDEX ix_plays_trainee ON plays (trainee);
CREATE INDEX ix_plays_scenario_id ON plays (scenario_id);
CREATE TABLE decisions (
    play_id VARCHAR(36) NOT NULL REFERENCES plays (id), step INTEGER NOT NULL,
    node VARCHAR(80) NOT NULL, choice VARCHAR(80), choice_text TEXT NOT NULL,
    tags TEXT NOT NULL, lesson VARCHAR(80), satisfaction_delta FLOAT NOT NULL,
    cost_delta FLOAT NOT NULL, satisfaction_after FLOAT NOT NULL, cost_after FLOAT NOT NULL,
    seconds_to_decide FLOAT NOT NULL, decided_at DATETIME NOT NULL,
    PRIMARY KEY (play_id, step));
CREATE TABLE xapi_queue (
    id VARCHAR(36) NOT NULL PRIMARY KEY, play_id VARCHAR(36) NOT NULL,
    position INTEGER NOT NULL, body TEXT NOT NULL, queued_at DATETIME NOT NULL,
    sent_at DATETIME);
CREATE INDEX ix_xapi_queue_play_id ON xapi_queue (play_id);
CREATE TABLE store_info (key VARCHAR(40) NOT NULL PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO store_info VALUES ('schema_version', '1');
"""

EARLIER_PLAYS = [
    # id, trainee, started, status, ending, kind, satisfaction, cost, score, passed
    ("p1", "Anna", "2026-10-01 09:00:00.000000", "ended", "calm", "balanced", 80, 2, 85, 1),
    ("p2", "Anna", "2026-10-02 09:00:00.000000", "ended", "storm", "lost", 20, 6, 30, 0),
    ("p3", "Bence", "2026-10-03 09:00:00.000000", "playing", None, None, None, None, None, None),
]
EARLIER_DECISIONS = [
    ("p1", 0, "desk", "own-it", "It was our mistake.", 2.5),
    ("p1", 1, "follow", "call-back", "I will call you at four.", 4.5),
    ("p2", 0, "desk", "blame-courier", "The courier lost it.", 1.0),
    ("p3", 0, "desk", None, "(no answer)", 9.0),
]


def earlier_store(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.executescript(EARLIER_LAYOUT)
        for play, trainee, started, status, ending, kind, sat, cost, score, passed in EARLIER_PLAYS:
            connection.execute(
                "INSERT INTO plays VALUES (?, ?, 'parcel', 'The parcel', ?, 'en', 'h', 1, "
                "'player', ?, NULL, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)",
                (play, trainee, "0" * 64, started, status, ending, kind, sat, cost, score, passed),
            )
        for play, step, node, choice, text, seconds in EARLIER_DECISIONS:
            connection.execute(
                "INSERT INTO decisions VALUES (?, ?, ?, ?, ?, '[\"ownership\"]', NULL, 1.0, "
                "0.5, 60.0, 1.0, ?, '2026-10-01 09:01:00.000000')",
                (play, step, node, choice, text, seconds),
            )
    connection.close()


def test_a_store_in_an_earlier_layout_is_reported_as_it_was_and_left_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "results.sqlite3"
    earlier_store(path)
    before = path.read_bytes()
    page, table = tmp_path / "report.html", tmp_path / "decisions.csv"
    done = run_cli("report", "--results", str(path), "-o", str(page), "--csv", str(table))
    assert done.returncode == 0, done.stderr
    assert "(3 plays)" in done.stdout and "(4 decisions)" in done.stdout
    rows = list(csv.DictReader(table.open(encoding="utf-8", newline="")))
    assert [(r["play_id"], r["step"], r["choice"]) for r in rows] == [
        ("p1", "1", "own-it"),
        ("p1", "2", "call-back"),
        ("p2", "1", "blame-courier"),
        ("p3", "1", "timeout"),
    ]
    assert {r["answers_taken_back"] for r in rows} == {"0"}  # that store had no take-backs
    assert rows[0]["tags"] == "ownership" and rows[0]["started_at"].startswith("2026-10-01")
    html = page.read_text(encoding="utf-8")
    assert html.count('class="trainee-row"') == 2
    # Anna: two plays, best 85, last 30, passed; median of 2.5, 4.5 and 1.0 is 2.5 s.
    assert '<td class="number">85</td>' in html and '<td class="number">30</td>' in html
    assert "2.5 s" in html and "9.0 s" in html
    assert "blame-courier" in html and "1 plays, 0 finished" not in html
    assert path.read_bytes() == before  # nothing added, converted or rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "decisions.csv",
        "report.html",
        "results.sqlite3",
    ]
