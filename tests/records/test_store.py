"""The results store, as a training room uses it: real files, real processes, a real server."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.records.store import ResultsStore, StoreError
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
    with pytest.raises(StoreError):
        ResultsStore.open(str(path)).plays()


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
    size = path.stat().st_size + sum(p.stat().st_size for p in tmp_path.glob("*-wal"))
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
    with pytest.raises(StoreError, match="newer simulator"):
        ResultsStore.open(str(path))


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
