"""The report counted by the database equals a plain count in Python, on SQLite and
PostgreSQL alike, and its CSV is written row by row as the decisions are read.

The plays are real sessions recorded through the Recorder, at random: finished and
unfinished, passed and not, with answers taken back in practice, and headless runs
beside trainees' plays. What the report should say is counted here from the sessions
themselves, not from the store.
"""

from __future__ import annotations

import csv
import os
import random
import sqlite3
import statistics
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from simulator.engine.rewind import Rewinds
from simulator.engine.session import Session, Status
from simulator.records.recorder import Recorder
from simulator.records.store import ResultsStore
from simulator.reports.cohort import Cohort, Selection, Tally, build_cohort
from simulator.reports.html import write_csv
from simulator.scenario.loader import load_scenario
from simulator.scenario.playable import PlayableScenario
from tests.conftest import MINIMAL, REPO, run_cli
from tests.records.test_store import postgres_schema

SCENARIOS = (
    REPO / "docs" / "examples" / "format-tour.yaml",
    REPO / "scenarios" / "late-client.yaml",
)


@dataclass
class Played:
    """One recorded play as the test saw it."""

    trainee: str
    scenario: PlayableScenario
    source: str
    decisions: list[Any] = field(default_factory=list)  # DecisionRecords kept at the end
    result: Any = None
    taken_back: int = 0


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "results.sqlite3")
    return postgres_schema(f"report_{os.getpid()}_{uuid.uuid4().hex[:8]}")


def play_at_random(store: ResultsStore, rng: random.Random, played: Played) -> None:
    """A play as the game records it: a sync after each step; sometimes an answer taken
    back, sometimes left before the ending."""
    session = Session.start(played.scenario, seed=rng.randrange(1000))
    recorder = Recorder(store, played.trainee, played.source, lrs=None)
    rewinds = Rewinds()
    stop_after = rng.choice([None, None, None, 1, 2])
    practise = played.source == "player" and rng.random() < 0.3
    assert recorder.sync(session), recorder.problem
    while session.status in (Status.WAITING_FOR_CHOICE, Status.WAITING_FOR_CONTINUE):
        if session.status is Status.WAITING_FOR_CONTINUE:
            session.continue_()
        else:
            if stop_after is not None and len(session.decisions) >= stop_after:
                break
            rewinds.note(session)
            session.tick(round(rng.uniform(0.5, 12.0), 1))
            if session.status is Status.WAITING_FOR_CHOICE:
                session.choose(rng.choice(session.available_choices))
            if practise and rewinds.can_take_back(session):
                practise = False
                assert recorder.sync(session), recorder.problem
                session = rewinds.take_back(session)
                assert recorder.take_back(session), recorder.problem
                played.taken_back += 1
        assert recorder.sync(session), recorder.problem
    played.decisions = list(session.decisions)
    played.result = session.result()


def record_plays(location: str, count: int = 36) -> list[Played]:
    scenarios = [load_scenario(path).scenario for path in SCENARIOS]
    assert all(scenarios)
    store = ResultsStore.open(location)
    rng = random.Random(5)
    found = []
    for number in range(count):
        played = Played(
            trainee=rng.choice(["Anna", "Bence", "Csilla", "Dóra", "=Ede"]),
            scenario=scenarios[number % 2],  # type: ignore[arg-type]
            source="run" if number % 7 == 6 else "player",
        )
        play_at_random(store, rng, played)
        found.append(played)
    store.engine.dispose()
    return found


def expected_cohort(played: list[Played]) -> dict[str, Any]:
    """The report's figures counted plainly, in the order the report promises: the more
    plays first, then by name. ``played`` is in the order the plays began."""
    rows: dict[tuple[str, str], list[Played]] = defaultdict(list)
    for play in played:
        rows[(play.trainee, play.scenario.id)].append(play)
    trainee_rows = []
    for (trainee, scenario), group in sorted(rows.items()):
        finished = [p for p in group if p.result is not None]
        seconds = [d.seconds_to_decide for p in group for d in p.decisions]
        trainee_rows.append(
            (
                trainee,
                scenario,
                len(group),
                max((p.result.score for p in finished), default=None),
                finished[-1].result.score if finished else None,
                any(p.result.passed for p in finished),
                statistics.median(seconds) if seconds else None,
                sum(p.taken_back for p in group),
            )
        )
    scenarios = {}
    for scenario in sorted({p.scenario.id for p in played}):
        mine = [p for p in played if p.scenario.id == scenario]
        finished = [p for p in mine if p.result is not None]
        endings = Counter((p.result.ending, p.result.ending_kind) for p in finished)
        paths = Counter(
            " > ".join(d.choice or "timeout" for d in p.decisions)
            for p in finished
            if not p.result.passed
        )
        picks: dict[str, Counter[str]] = defaultdict(Counter)
        scores: dict[tuple[str, str], list[int]] = defaultdict(list)
        seconds: dict[str, list[float]] = defaultdict(list)
        texts: dict[tuple[str, str], str] = {}
        for play in mine:
            for decision in play.decisions:
                choice = decision.choice or "timeout"
                picks[decision.node][choice] += 1
                seconds[decision.node].append(decision.seconds_to_decide)
                texts[(decision.node, choice)] = decision.text
                if play.result is not None:
                    scores[(decision.node, choice)].append(play.result.score)
        nodes = []
        for node in sorted(picks, key=lambda n: (-sum(picks[n].values()), n)):
            total = sum(picks[node].values())
            nodes.append(
                (
                    node,
                    [
                        (
                            choice,
                            texts[(node, choice)],
                            count,
                            count / total,
                            statistics.mean(scores[(node, choice)])
                            if scores[(node, choice)]
                            else None,
                        )
                        for choice, count in sorted(
                            picks[node].items(), key=lambda item: (-item[1], item[0])
                        )
                    ],
                    statistics.median(seconds[node]),
                )
            )
        scenarios[scenario] = {
            "title": mine[-1].scenario.title,
            "plays": len(mine),
            "finished": len(finished),
            "passed": sum(1 for p in finished if p.result.passed),
            "scores": dict(Counter(p.result.score for p in finished)),
            "endings": sorted(
                ((e, k, n) for (e, k), n in endings.items()), key=lambda x: (-x[2], x[0], x[1])
            ),
            "failure_paths": sorted(paths.items(), key=lambda item: (-item[1], item[0]))[:5],
            "nodes": nodes,
            "outcome_kinds": Counter(p.result.ending_kind for p in finished),
        }
    return {
        "plays": len(played),
        "trainees": len({p.trainee for p in played}),
        "rows": trainee_rows,
        "scenarios": scenarios,
    }


def rounded(value: Any) -> Any:
    """The value with every number rounded to 9 places: a mean is added up in another
    order by the database than by ``statistics``."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(item) for item in value]
    return value


def as_counted(cohort: Cohort) -> dict[str, Any]:
    """The report's figures in the shape of ``expected_cohort``."""
    scenarios = {}
    for summary in cohort.scenarios:
        kinds: Counter[str] = Counter()
        for point in summary.outcomes:
            kinds[point.kind] += point.plays
        scenarios[summary.scenario] = {
            "title": summary.title,
            "plays": summary.plays,
            "finished": summary.finished,
            "passed": summary.passed,
            "scores": summary.scores,
            "endings": summary.endings,
            "failure_paths": summary.failure_paths,
            "nodes": [
                (
                    d.node,
                    [(c.choice, c.text, c.picks, c.share, c.mean_score) for c in d.choices],
                    d.median_seconds,
                )
                for d in summary.decisions
            ],
            "outcome_kinds": kinds,
        }
    return {
        "plays": cohort.plays,
        "trainees": cohort.trainees,
        "rows": [
            (
                r.trainee,
                r.scenario,
                r.plays,
                r.best_score,
                r.last_score,
                r.passed,
                r.median_seconds,
                r.taken_back,
            )
            for r in cohort.rows
        ],
        "scenarios": scenarios,
    }


def test_the_figures_counted_in_the_database_equal_a_plain_count(
    location: str, tmp_path: Path
) -> None:
    played = record_plays(location)
    store = ResultsStore.open(location, read_only=True)
    own = [p for p in played if p.source == "player"]
    assert 0 < len(own) < len(played)
    assert any(p.taken_back for p in own) and any(p.result is None for p in own)
    for selection, counted in ((Selection(), own), (Selection(all_plays=True), played)):
        assert rounded(as_counted(build_cohort(store, selection))) == rounded(
            expected_cohort(counted)
        )
    # The same figures when the decisions are counted while the CSV is written.
    tally = Tally(store, Selection())
    written = write_csv(tmp_path / "decisions.csv", tally.plays_read(for_csv=True))
    assert written == sum(len(p.decisions) for p in own)
    assert rounded(as_counted(tally.cohort())) == rounded(expected_cohort(own))
    tour = Selection(scenario="format-tour")
    expected = expected_cohort([p for p in own if p.scenario.id == "format-tour"])
    assert rounded(as_counted(build_cohort(store, tour))) == rounded(expected)


def test_the_csv_is_streamed_one_row_per_decision_as_the_plays_hold_them(
    location: str, tmp_path: Path
) -> None:
    played = record_plays(location, count=14)
    store = ResultsStore.open(location, read_only=True)
    table = tmp_path / "decisions.csv"
    rows = Tally(store, Selection(all_plays=True)).plays_read(for_csv=True)
    assert not isinstance(rows, list)  # a generator: rows are read as they are written
    assert write_csv(table, rows) == sum(len(p.decisions) for p in played)
    read = list(csv.DictReader(table.open(encoding="utf-8", newline="")))
    by_play: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read:
        by_play[row["play_id"]].append(row)
    recorded = sorted(
        ([d.choice or "timeout" for d in p.decisions], p.trainee) for p in played if p.decisions
    )
    shown = sorted(
        ([row["choice"] for row in rows], rows[0]["trainee"].removeprefix("'"))
        for rows in by_play.values()
    )
    assert shown == recorded
    for rows in by_play.values():
        assert [row["step"] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]
        assert rows[0]["started_at"].endswith("+00:00")
        assert rows[0]["decided_at"].endswith("+00:00")
    ede = [row for row in read if "Ede" in row["trainee"]]
    assert ede and all(row["trainee"] == "'=Ede" for row in ede)  # a formula, as text
    taken = {p.trainee: 0 for p in played}
    for play in played:
        taken[play.trainee] += play.taken_back
    counted: dict[str, int] = defaultdict(int)
    for rows in by_play.values():
        counted[rows[0]["trainee"].removeprefix("'")] += int(rows[0]["answers_taken_back"])
    assert {name: n for name, n in counted.items() if n} == {
        name: n for name, n in taken.items() if n
    }


def test_a_failed_play_with_no_decision_has_the_empty_path(tmp_path: Path) -> None:
    failing = tmp_path / "tiny.yaml"  # the start is the ending, with no satisfaction at all
    failing.write_text(
        MINIMAL.replace("start: a\n", "start: a\nmeters:\n  satisfaction: {start: 0}\n"),
        encoding="utf-8",
    )
    store = tmp_path / "results.sqlite3"
    assert run_cli("run", str(failing), "--results", str(store)).returncode == 0
    reader = ResultsStore.open(str(store), read_only=True)
    (summary,) = build_cohort(reader, Selection(all_plays=True)).scenarios
    assert (summary.finished, summary.passed) == (1, 0)
    assert summary.failure_paths == [("", 1)]


def test_the_csv_writes_each_cell_as_the_csv_module_and_repr_would(tmp_path: Path) -> None:
    """Cells made once and reused, and times rounded by formatting: the same text as
    ``csv.writer`` of ``repr(round(seconds, 2))`` and the stored numbers, for texts with
    commas, quotes and line breaks and for times on a half or next to one."""
    location = str(tmp_path / "results.sqlite3")
    played = record_plays(location, count=4)
    texts = ['Sorry, "truly"', "first line\nsecond line", "=1+1", "plain", "a\r\nb"]
    seconds = [0.125, 2.675, 4.335, 1e-7, 123456.785, 7.0, 0.005, 1e12, 99.995, 3.14159]
    with sqlite3.connect(location) as connection:
        keys = connection.execute("SELECT play_id, step FROM decisions ORDER BY rowid").fetchall()
        for number, (play_id, step) in enumerate(keys):
            connection.execute(
                "UPDATE decisions SET choice_text = ?, seconds_to_decide = ?, cost_delta = ? "
                "WHERE play_id = ? AND step = ?",
                (texts[number % 5], seconds[number % 10], 0.1 + 0.2, play_id, step),
            )
    connection.close()
    store = ResultsStore.open(location, read_only=True)
    table = tmp_path / "decisions.csv"
    written = write_csv(table, Tally(store, Selection(all_plays=True)).plays_read(for_csv=True))
    assert written == len(keys) == sum(len(p.decisions) for p in played) >= 10
    expected = {}
    for number, key in enumerate(keys):
        text = texts[number % 5]
        expected[key] = ("'" + text if text.startswith("=") else text, seconds[number % 10])
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == written
    for row in rows:
        text, moment = expected[(row["play_id"], int(row["step"]) - 1)]
        assert row["choice_text"] == text
        assert row["seconds_to_decide"] == repr(round(moment, 2))
        assert row["cost_delta"] == repr(0.1 + 0.2)
