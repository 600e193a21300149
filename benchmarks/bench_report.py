"""The trainer's report over a large results store, and what a play costs the store.

    python benchmarks/bench_report.py                  # 1,000 and 10,000 plays
    python benchmarks/bench_report.py --large          # also 100,000 plays
    python benchmarks/bench_report.py --sizes 1000 --code /tmp/old   # another copy's code

Two ways of writing plays, both into fresh SQLite files:

- **recorded**: a sample of plays (``--sample``, 300 by default) of three bundled
  scenarios, played at random and written through the real ``Recorder`` and
  ``ResultsStore``, step by step as the game writes them: nine in ten are trainees' own
  plays (which keep a snapshot while under way), one in ten a headless ``run``, and one
  in eight takes back an answer in practice. Its bytes per play are the store's real
  cost of a play, without an LRS.
- **bulk**: each store of N plays is the sample's rows copied, as the recorder wrote
  them, column for column (plays, decisions, taken_back), with new play ids, trainees
  (one per 20 plays), start times spread over 60 days and times to decide varied.
  Recording a million decisions one commit at a time would take far longer than the
  report it is meant to measure.

Then ``report -o page.html --csv decisions.csv`` runs in a fresh process over each
store; its CPU time (user + system) and wall time come from the operating system's
accounting of that one child (``os.wait4``, the per-child form of
``getrusage(RUSAGE_CHILDREN)``), and its peak resident memory from the child itself
(``VmHWM``, see ``REPORT``), printed side by side with the targets of issue #16:
10,000 plays in 1 s and 150 MB, 100,000 plays in 5 s and 300 MB (both HTML and CSV);
then the same report without the CSV.
``--code DIR`` runs the report of the ``simulator`` package in DIR instead (a copy of
an older version, to compare); the stores are always written by this checkout.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SCENARIOS = ("late-client", "surprise-fee", "public-thread")
#: Issue #16: (plays, CPU seconds, peak MB) for report HTML + CSV.
TARGETS = {10_000: (1.0, 150), 100_000: (5.0, 300)}
BYTES_TARGET = 5 * 1024


def record_sample(path: Path, plays: int, seed: int = 7) -> None:
    """Plays written through the real Recorder, one commit per step as the game writes."""
    from simulator.engine.rewind import Rewinds
    from simulator.engine.session import Session, Status
    from simulator.records.recorder import Recorder
    from simulator.records.store import ResultsStore
    from simulator.scenario.loader import load_scenario

    scenarios = []
    for name in SCENARIOS:
        loaded = load_scenario(REPO / "scenarios" / f"{name}.yaml").scenario
        assert loaded is not None, name
        scenarios.append(loaded)
    store = ResultsStore.open(str(path))
    rng = random.Random(seed)
    for number in range(plays):
        scenario = scenarios[number % len(scenarios)]
        session = Session.start(scenario, seed=rng.randrange(2**31))
        source = "run" if number % 10 == 9 else "player"
        recorder = Recorder(store, f"sample-{number % 20}", source, lrs=None)
        rewinds = Rewinds()
        practise = number % 8 == 3
        assert recorder.sync(session), recorder.problem
        while session.status in (Status.WAITING_FOR_CHOICE, Status.WAITING_FOR_CONTINUE):
            if session.status is Status.WAITING_FOR_CONTINUE:
                session.continue_()
            else:
                rewinds.note(session)
                session.tick(rng.uniform(1.5, 14.0))
                if session.status is Status.WAITING_FOR_CHOICE:
                    session.choose(rng.choice(session.available_choices))
                if practise and rewinds.can_take_back(session):
                    practise = False
                    assert recorder.sync(session), recorder.problem
                    session = rewinds.take_back(session)
                    assert recorder.take_back(session), recorder.problem
                    continue
            assert recorder.sync(session), recorder.problem
        recorder.stop(session)
    store.engine.dispose()
    checkpoint(path)


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file, so its size is the store's size."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def bulk_copy(sample: Path, target: Path, plays: int, seed: int = 11) -> None:
    """A store of ``plays`` plays: the sample's rows copied column for column, with new
    ids, trainees, times and times to decide."""
    import shutil

    shutil.copyfile(sample, target)
    rng = random.Random(seed)
    with sqlite3.connect(target) as connection:
        play_columns = columns(connection, "plays")
        decision_columns = columns(connection, "decisions")
        aside_columns = columns(connection, "taken_back")
        template = connection.execute("SELECT * FROM plays").fetchall()
        steps: dict[str, list[tuple]] = {}
        for row in connection.execute("SELECT * FROM decisions ORDER BY play_id, step"):
            steps.setdefault(row[0], []).append(row)
        asides: dict[str, list[tuple]] = {}
        for row in connection.execute("SELECT * FROM taken_back"):
            asides.setdefault(row[0], []).append(row)
        for table in ("taken_back", "decisions", "plays"):
            connection.execute(f"DELETE FROM {table}")
        at = {name: index for index, name in enumerate(play_columns)}
        decided = decision_columns.index("decided_at")
        seconds = decision_columns.index("seconds_to_decide")
        aside_stamp = aside_columns.index("taken_back_at")
        start = datetime(2026, 9, 1, tzinfo=timezone.utc)
        trainees = max(20, plays // 20)
        batch: tuple[list, list, list] = ([], [], [])

        def flush() -> None:
            for table, names, rows in zip(
                ("plays", "decisions", "taken_back"),
                (play_columns, decision_columns, aside_columns),
                batch,
                strict=True,
            ):
                marks = ", ".join("?" * len(names))
                connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
                rows.clear()

        for _ in range(plays):
            original = template[rng.randrange(len(template))]
            play_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            began = start + timedelta(seconds=rng.uniform(0, 60 * 86400))
            row = list(original)
            row[at["id"]] = play_id
            row[at["trainee"]] = f"trainee-{rng.randrange(trainees):05d}"
            row[at["started_at"]] = stamp(began)
            if row[at["finished_at"]] is not None:
                row[at["finished_at"]] = stamp(began + timedelta(minutes=rng.uniform(3, 12)))
            batch[0].append(row)
            moment = began
            for step in steps.get(original[at["id"]], []):
                copied = list(step)
                copied[0] = play_id
                copied[seconds] = round(step[seconds] * rng.uniform(0.5, 1.5), 3)
                moment += timedelta(seconds=copied[seconds] + 20)
                copied[decided] = stamp(moment)
                batch[1].append(copied)
            for aside in asides.get(original[at["id"]], []):
                copied = list(aside)
                copied[0] = play_id
                copied[aside_stamp] = stamp(began + timedelta(minutes=2))
                batch[2].append(copied)
            if len(batch[1]) >= 50_000:
                flush()
        flush()
    connection.close()
    checkpoint(target)


def stamp(moment: datetime) -> str:
    """A time as SQLAlchemy keeps it in SQLite (UTC, without the offset)."""
    return moment.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def counts(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as connection:
        plays = connection.execute("SELECT count(*) FROM plays").fetchone()[0]
        decisions = connection.execute("SELECT count(*) FROM decisions").fetchone()[0]
    connection.close()
    return plays, decisions


#: ``python -m simulator``, which then writes its own peak resident memory (VmHWM) to
#: stderr. A child's ru_maxrss also counts the memory of the process it was forked from
#: (this one, which has just written the stores), so it cannot say the report's own peak.
REPORT = """
import runpy, sys
try:
    runpy.run_module("simulator", run_name="__main__", alter_sys=True)
finally:
    with open("/proc/self/status") as status:
        print(*(line for line in status if line.startswith("VmHWM")), file=sys.stderr, end="")
"""


def timed_report(
    code: Path, store: Path, folder: Path, with_csv: bool = True
) -> tuple[float, float, float, str]:
    """(CPU seconds, wall seconds, peak MB, what it printed) of one report process."""
    command = [sys.executable, "-c", REPORT, "report", "--results", str(store)]
    command += ["-o", str(folder / "report.html")]
    if with_csv:
        command += ["--csv", str(folder / "decisions.csv")]
    env = {**os.environ, "MPLCONFIGDIR": str(folder / "matplotlib")}
    out_path, err_path = folder / "report.out", folder / "report.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=code, env=env, stdout=out, stderr=err)
        # wait4, not Popen.wait: it gives this one child's accounting with its exit status.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    said = err_path.read_text()
    if process.returncode != 0 or "VmHWM:" not in said:
        raise SystemExit(f"report failed:\n{said}")
    peak_kb = int(said.split("VmHWM:")[1].split()[0])
    return (usage.ru_utime + usage.ru_stime, wall, peak_kb / 1024, out_path.read_text().strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--large", action="store_true", help="also 100,000 plays")
    parser.add_argument("--sample", type=int, default=300, help="plays recorded for real")
    parser.add_argument("--code", type=Path, default=REPO, help="where the report's code is")
    options = parser.parse_args()
    sizes = sorted(set(options.sizes + ([100_000] if options.large else [])))
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        folder = Path(scratch)
        sample = folder / "sample.sqlite3"
        started = time.perf_counter()
        record_sample(sample, options.sample)
        recorded = time.perf_counter() - started
        plays, decisions = counts(sample)
        per_play = sample.stat().st_size / plays
        print(
            f"recorded: {plays} plays, {decisions} decisions through the Recorder in "
            f"{recorded:.1f} s; store {sample.stat().st_size / 1024:.0f} KB = "
            f"{per_play / 1024:.2f} KB per play (target <= {BYTES_TARGET / 1024:g} KB) "
            f"{'PASS' if per_play <= BYTES_TARGET else 'MISS'}"
        )
        print(f"report code: {options.code}")
        for size in sizes:
            store = folder / f"plays-{size}.sqlite3"
            bulk_copy(sample, store, size)
            plays, decisions = counts(store)
            per_play = store.stat().st_size / plays
            cpu, wall, peak, said = timed_report(options.code, store, folder)
            line = (
                f"{size:>7,} plays ({decisions:,} decisions, {per_play / 1024:.2f} KB/play): "
                f"report HTML+CSV  CPU {cpu:6.2f} s  wall {wall:6.2f} s  peak {peak:6.0f} MB"
            )
            if size in TARGETS:
                cpu_target, mb_target = TARGETS[size]
                ok = cpu <= cpu_target and peak <= mb_target
                line += (
                    f"  (target <= {cpu_target:g} s CPU, <= {mb_target} MB) "
                    f"{'PASS' if ok else 'MISS'}"
                )
            print(line)
            print(f"{'':>9}{said.splitlines()[0] if said else ''}")
            page = (folder / "report.html").stat().st_size / 1024
            table = (folder / "decisions.csv").stat().st_size / 1024
            print(f"{'':>9}page {page:.0f} KB, CSV {table:.0f} KB")
            cpu, wall, peak, _ = timed_report(options.code, store, folder, with_csv=False)
            print(
                f"{'':>9}report HTML only  CPU {cpu:6.2f} s  wall {wall:6.2f} s  "
                f"peak {peak:6.0f} MB"
            )
            store.unlink()


if __name__ == "__main__":
    main()
