"""xAPI against a real Learning Record Store (Ralph on 127.0.0.1, started here)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

from simulator.records.store import ResultsStore
from tests.conftest import REPO, run_cli

TOUR = REPO / "docs" / "examples" / "format-tour.yaml"
USER, PASSWORD = "trainer", "not-a-real-secret-42"
HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ralph_environment(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "lrs"),
        "RALPH_AUTH_FILE": str(folder / "auth.json"),
        "RALPH_APP_DIR": str(folder),
    }


def make_credentials(folder: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ralph.__main__",
            "auth",
            "-u",
            USER,
            "-p",
            PASSWORD,
            "-s",
            "all",
            "-M",
            "mailto:trainer@example.org",
            "-w",
        ],
        env=ralph_environment(folder),
        check=True,
        capture_output=True,
        timeout=120,
    )


def start_ralph(folder: Path, port: int) -> subprocess.Popen:
    env = ralph_environment(folder)
    process = subprocess.Popen(
        [sys.executable, str(HERE / "ralph_server.py"), str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(150):
        try:
            requests.get(f"http://127.0.0.1:{port}/whoami", timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("Ralph did not start: " + (process.stderr.read() or b"").decode())


@pytest.fixture
def lrs(tmp_path: Path) -> Iterator[tuple[str, Path, int]]:
    folder = tmp_path / "ralph"
    folder.mkdir()
    make_credentials(folder)
    port = free_port()
    process = start_ralph(folder, port)
    yield f"http://127.0.0.1:{port}", folder, port
    process.terminate()
    process.wait(timeout=30)


def statements(url: str, **params: str) -> list[dict]:
    found: list[dict] = []
    query = {"limit": "500", **params}
    while True:
        answer = requests.get(
            f"{url}/xAPI/statements",
            params=query,
            auth=(USER, PASSWORD),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        )
        answer.raise_for_status()
        body = answer.json()
        found += body["statements"]
        if not body.get("more"):
            return found
        query = {}
        url = url.split("/xAPI")[0] + body["more"] if body["more"].startswith("/") else body["more"]


def run(
    url: str, results: Path, trainee: str = "Ilona Kovács", choices: str = "3,1"
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CS_SIMULATOR_LRS_USERNAME": USER, "CS_SIMULATOR_LRS_PASSWORD": PASSWORD}
    return run_cli(
        "run",
        str(TOUR),
        "--choices",
        choices,
        "--seed",
        "1",
        "--trainee",
        trainee,
        "--results",
        str(results),
        "--lrs",
        url,
        env=env,
        timeout=120,
    )


def test_a_full_play_arrives_as_xapi_statements(lrs, tmp_path: Path) -> None:
    url, _, _ = lrs
    done = run(url, tmp_path / "results.sqlite3")
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    (play,) = ResultsStore.open(str(tmp_path / "results.sqlite3")).plays()
    got = statements(url, registration=play["id"])
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in got)
    assert verbs == ["answered", "answered", "completed", "failed", "initialized", "terminated"]
    answered = [s for s in got if s["verb"]["id"].endswith("answered")]
    first = min(answered, key=lambda s: s["timestamp"])
    assert first["object"]["definition"]["interactionType"] == "choice"
    assert first["object"]["definition"]["type"].endswith("cmi.interaction")
    assert {s["result"]["response"] for s in answered} == {"voucher-now", "blame-courier"}
    assert all(s["result"]["duration"].startswith("PT") for s in answered)
    verdict = next(s for s in got if s["verb"]["id"].endswith("failed"))
    score = verdict["result"]["score"]
    assert (score["min"], score["max"]) == (0, 100) and score["raw"] == play["score"]
    assert score["scaled"] == pytest.approx(play["score"] / 100)
    assert any(key.endswith("/ending") for key in verdict["result"]["extensions"])
    actor = verdict["actor"]
    assert "account" in actor and "Ilona" not in str(actor)  # pseudonymous by default
    assert all(s["context"]["registration"] == play["id"] for s in got)
    assert ResultsStore.open(str(tmp_path / "results.sqlite3")).queued() == 0


def test_statements_wait_in_the_queue_while_the_lrs_is_down(tmp_path: Path) -> None:
    results = tmp_path / "results.sqlite3"
    port = free_port()
    down = run(f"http://127.0.0.1:{port}", results)
    assert down.returncode == 0 and "queued" in down.stderr  # the play itself was recorded
    store = ResultsStore.open(str(results))
    assert store.queued() == 6
    bodies = store.unsent()
    folder = tmp_path / "ralph"
    folder.mkdir()
    make_credentials(folder)
    process = start_ralph(folder, port)
    try:
        env = {
            **os.environ,
            "CS_SIMULATOR_LRS_USERNAME": USER,
            "CS_SIMULATOR_LRS_PASSWORD": PASSWORD,
        }
        sync = subprocess.run(
            [
                sys.executable,
                "-m",
                "simulator",
                "sync",
                "--results",
                str(results),
                "--lrs",
                f"http://127.0.0.1:{port}",
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert sync.returncode == 0, sync.stderr
        assert "sent 6 statements" in sync.stdout
        (play,) = ResultsStore.open(str(results)).plays()
        assert len(statements(f"http://127.0.0.1:{port}", registration=play["id"])) == 6
        # What the LRS holds leaves the queue; the play itself stays in the store.
        assert ResultsStore.open(str(results)).queued() == 0
        assert len(ResultsStore.open(str(results)).decisions([play["id"]])) == 2
        # Sending the same batch again (a retry after a lost reply) creates nothing new.
        from simulator.records.xapi import LrsClient

        client = LrsClient(f"http://127.0.0.1:{port}", USER, PASSWORD)
        assert len(client.send(bodies)) == 6
        assert len(statements(f"http://127.0.0.1:{port}", registration=play["id"])) == 6
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_lrs_going_down_mid_session_loses_nothing(lrs, tmp_path: Path) -> None:
    url, _folder, port = lrs
    results = tmp_path / "results.sqlite3"
    assert run(url, results, trainee="before").returncode == 0
    # The LRS stops; the next trainee plays on regardless.
    subprocess.run(["pkill", "-f", f"ralph_server.py {port}"], check=False)
    time.sleep(1)
    after = run(url, results, trainee="after")
    assert after.returncode == 0 and "queued" in after.stderr
    store = ResultsStore.open(str(results))
    assert store.queued() == 6
    assert {p["trainee"] for p in store.plays()} == {"before", "after"}


def test_sync_without_an_lrs_is_a_usage_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CS_SIMULATOR_LRS"}
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "sync", "--results", str(tmp_path / "r.sqlite3")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2


def queued_bodies(results: Path) -> list[str]:
    with sqlite3.connect(results) as connection:
        bodies = [body for (body,) in connection.execute("SELECT body FROM xapi_queue")]
    connection.close()
    return bodies


def test_the_pseudonym_is_keyed_by_a_secret_of_this_installation(tmp_path: Path) -> None:
    """A roster of names hashed the way the simulator hashes cannot find anyone: the
    pseudonym is an HMAC under a secret only this installation has."""
    home = tmp_path / "home"
    env = {**os.environ, "CS_SIMULATOR_HOME": str(home)}
    results = tmp_path / "results.sqlite3"
    down = f"http://127.0.0.1:{free_port()}"
    outputs = ""
    for _ in range(2):
        done = run_cli(
            "run", str(TOUR), "--choices", "3,1", "--seed", "1", "--trainee", "Ilona Kovács",
            "--results", str(results), "--lrs", down, env=env, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs += done.stdout + done.stderr
    secret_file = home / "xapi-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    secret = secret_file.read_bytes().strip()
    assert len(secret) >= 32 and secret.decode() not in outputs
    names = {json.loads(body)["actor"]["account"]["name"] for body in queued_bodies(results)}
    expected = hmac.new(secret, "Ilona Kovács".encode(), hashlib.sha256).hexdigest()[:32]
    unsalted = hashlib.sha256("cs-simulator:Ilona Kovács".encode()).hexdigest()[:32]
    assert names == {expected} and expected != unsalted  # the same trainee, the same name


def test_without_an_lrs_nothing_is_queued_and_no_secret_is_made(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k != "CS_SIMULATOR_LRS"}
    env["CS_SIMULATOR_HOME"] = str(home)
    results = tmp_path / "results.sqlite3"
    done = run_cli(
        "run", str(TOUR), "--choices", "3,1", "--seed", "1", "--results", str(results),
        env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert queued_bodies(results) == []
    assert not (home / "xapi-secret").exists()


def test_the_queue_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from simulator.engine.session import Session
    from simulator.records import recorder as recording
    from simulator.records.xapi import LrsClient
    from simulator.scenario.loader import load_scenario

    monkeypatch.setattr(recording, "XAPI_QUEUE_LIMIT", 6)
    scenario = load_scenario(TOUR).scenario
    assert scenario is not None
    store = ResultsStore.open(str(tmp_path / "results.sqlite3"))
    down = LrsClient(f"http://127.0.0.1:{free_port()}", USER, PASSWORD)
    problems = []
    for trainee in ("first", "second"):
        session = Session.start(scenario, seed=1)
        recorder = recording.Recorder(store, trainee, "run", lrs=down)
        for choice in ("voucher-now", "blame-courier"):
            session.choose(choice)
            assert recorder.sync(session)  # recorded either way
        problems.append(recorder.lrs_problem or "")
    assert store.queued() == 6  # the first play's statements, none of the second's
    assert "cannot be reached" in problems[0]
    assert "6 xAPI statements already wait" in problems[1] and "sync" in problems[1]
    assert len(store.plays()) == 2 and len(store.decisions([p["id"] for p in store.plays()])) == 4


def test_numbers_json_cannot_carry_are_sent_as_null(lrs, tmp_path: Path) -> None:
    """NaN or infinity (a scenario's runaway effect, or a statement queued by an earlier
    version) never make a statement the LRS refuses: they go as null."""
    from simulator.engine.session import DecisionRecord
    from simulator.records.xapi import StatementBuilder
    from simulator.scenario.loader import load_scenario

    scenario = load_scenario(TOUR).scenario
    assert scenario is not None
    builder = StatementBuilder(scenario, "7c0b8cf4-5b2e-4a53-9f43-1f7d0d1d2e3f", "Ilona", b"k")
    runaway = DecisionRecord(
        "counter", "own-it", "Sort it", (), None, "", 40, float("nan"), 0, float("inf"),
        float("nan"), None, None,
    )  # fmt: skip
    statement = builder.answered(0, runaway, datetime.now(timezone.utc))
    extensions = json.loads(json.dumps(statement, allow_nan=False))["result"]["extensions"]
    assert set(extensions.values()) == {None} and statement["result"]["duration"] == "PT0.00S"

    url, _, _ = lrs
    results = tmp_path / "results.sqlite3"
    queued = run(f"http://127.0.0.1:{free_port()}", results)  # the LRS is not there yet
    assert queued.returncode == 0 and ResultsStore.open(str(results)).queued() == 6
    with sqlite3.connect(results) as connection:  # as an earlier version queued them
        for key, body in connection.execute("SELECT id, body FROM xapi_queue").fetchall():
            statement = json.loads(body)
            for extensions in [statement.get("result", {}).get("extensions", {})]:
                for name in extensions:
                    if not name.endswith("/ending"):
                        extensions[name] = float("nan")
            body = json.dumps(statement)  # NaN, as json.dumps writes by default
            connection.execute("UPDATE xapi_queue SET body = ? WHERE id = ?", (body, key))
    connection.close()
    assert any("NaN" in body for body in queued_bodies(results))
    env = {**os.environ, "CS_SIMULATOR_LRS_USERNAME": USER, "CS_SIMULATOR_LRS_PASSWORD": PASSWORD}
    done = run_cli("sync", "--results", str(results), "--lrs", url, env=env, timeout=120)
    assert done.returncode == 0 and "sent 6 statements" in done.stdout, done.stderr


def test_a_decision_taken_back_is_withdrawn_from_the_lrs(
    lrs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The taken-back answer is voided, not deleted (an LRS never deletes), and the
    answer given instead is a statement of its own. (Ralph still lists a voided statement
    among the registration's; a conformant report leaves it out.)"""
    from simulator.engine.rewind import Rewinds
    from simulator.engine.session import Session
    from simulator.records.recorder import Recorder
    from simulator.records.xapi import LrsClient
    from simulator.scenario.loader import load_scenario

    url, _, _ = lrs
    monkeypatch.setenv("CS_SIMULATOR_HOME", str(tmp_path / "home"))
    scenario = load_scenario(TOUR).scenario
    assert scenario is not None
    session = Session.start(scenario, seed=1)
    rewinds = Rewinds()
    rewinds.note(session)
    store = ResultsStore.open(str(tmp_path / "results.sqlite3"))
    recorder = Recorder(store, "Rita", "player", lrs=LrsClient(url, USER, PASSWORD))
    first, other = "voucher-now", "own-it"  # "own-it" ends the play at once
    session.choose(first)
    assert recorder.sync(session) and recorder.lrs_problem is None
    session = rewinds.take_back(session)
    assert recorder.take_back(session)
    session.choose(other)
    assert recorder.sync(session) and recorder.lrs_problem is None
    assert store.queued() == 0

    got = statements(url, registration=recorder.play_id)
    answers = {
        s["result"]["response"]: s["id"] for s in got if s["verb"]["id"].endswith("/answered")
    }
    assert set(answers) == {first, other}  # each its own statement
    (withdrawal,) = [s for s in got if s["verb"]["id"].endswith("/voided")]
    assert withdrawal["object"] == {"objectType": "StatementRef", "id": answers[first]}
    assert store.taken_back([recorder.play_id]) == {recorder.play_id: 1}
