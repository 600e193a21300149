"""What a training manager wants to know about a group's plays, added up in one pass.

The store gives two streams, read side by side from one snapshot of it: the chosen
plays, and their decisions, both in the order of the plays' ids (each play's decisions
in step order), which is the order of the tables' own keys: the decisions are never
sorted (with --scenario, SQLite sorts that scenario's plays, not their decisions). Every
figure is added up as they pass, and the CSV, when one is written, is written from the
same pass: the decisions are read once. Only totals are held (per trainee, scenario,
decision and choice), and the times to decide, as bare numbers, which the exact medians
need (the middle value, or the mean of the two middle values, as ``statistics.median``
gives).

Why not GROUP BY in the database: on 100,000 plays (736,000 decisions) in SQLite, the
dozen grouped queries and window functions the report needed took 3.3 s of CPU, on top
of the 2.2 s pass over the decisions that the medians need anyway; this one pass does
all of it in about 3 s. Two small queries remain: the range of each scenario's cost
(for the outcome chart's grid, before the pass) and the titles of the scenarios' latest
plays (after it).

Ties are broken the same way everywhere: the more plays first, then by name.
"""

from __future__ import annotations

import statistics
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

import sqlalchemy as sa

from simulator.records.store import (
    TRAINEE_SOURCES,
    ResultsStore,
    StoreError,
    decisions,
    plays,
    taken_back,
)
from simulator.reports.charts import Outcome

#: The outcome chart's grid: this many cells along each axis, one dot per cell and kind.
CELLS = 50
#: The paths of plays that did not pass shown per scenario.
FAILURE_PATHS = 5


@dataclass(frozen=True)
class Selection:
    """Which plays a report counts: ``--scenario``, ``--since`` and ``--all-plays``."""

    scenario: str | None = None
    since: datetime | None = None
    all_plays: bool = False

    def conditions(self, every_source: bool = False) -> list[Any]:
        """The plays' WHERE clause; ``every_source`` ignores --all-plays (to count what
        it leaves out)."""
        found: list[Any] = []
        if self.scenario:
            found.append(plays.c.scenario_id == self.scenario)
        if self.since:
            found.append(plays.c.started_at >= self.since)
        if not (self.all_plays or every_source):
            found.append(plays.c.source.in_(TRAINEE_SOURCES))
        return found


@dataclass
class ChoiceStats:
    choice: str
    text: str
    picks: int
    share: float
    mean_score: float | None  # the mean final score of the plays that made this choice


@dataclass
class DecisionStats:
    scenario: str
    node: str
    choices: list[ChoiceStats]
    median_seconds: float


@dataclass
class ScenarioSummary:
    scenario: str
    title: str
    cost_unit: str
    plays: int
    finished: int
    passed: int
    scores: dict[int, int]  # score: plays that finished with it
    outcomes: list[Outcome]
    endings: list[tuple[str, str, int]]  # ending, kind, count
    failure_paths: list[tuple[str, int]]  # "a > b > c", count
    decisions: list[DecisionStats] = field(default_factory=list)


@dataclass
class TraineeRow:
    trainee: str
    scenario: str
    plays: int
    best_score: int | None
    last_score: int | None
    passed: bool
    median_seconds: float | None
    taken_back: int  # answers taken back in practice, over these plays


@dataclass
class Cohort:
    plays: int
    trainees: int
    rows: list[TraineeRow]
    scenarios: list[ScenarioSummary]


def count_plays(store: ResultsStore, selection: Selection) -> tuple[int, int]:
    """(plays the report counts, runs and demos it leaves out) under --scenario/--since."""
    trainees = sa.case((plays.c.source.in_(TRAINEE_SOURCES), 1), else_=0)
    ((every, own),) = store.query(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(trainees), 0)).where(
            *selection.conditions(every_source=True)
        )
    )
    counted = every if selection.all_plays else own
    return int(counted), int(every - counted)


def recorded_scenarios(store: ResultsStore) -> list[str]:
    """The ids of the scenarios the store holds plays of, from any source."""
    return sorted(row[0] for row in store.query(sa.select(plays.c.scenario_id).distinct()))


def build_cohort(store: ResultsStore, selection: Selection) -> Cohort:
    """The report's figures, when no CSV is written alongside."""
    tally = Tally(store, selection)
    tally.count()
    return tally.cohort()


# ---------------------------------------------------------------- what is read


class Play:
    """One chosen play, as the pass needs it: the columns of ``_play_query``."""

    __slots__ = (
        "cost",
        "ending",
        "ending_kind",
        "id",
        "language",
        "latest",
        "passed",
        "satisfaction",
        "scenario",
        "score",
        "started_at",
        "taken_back",
        "trainee",
    )

    def __init__(self, row: Any) -> None:
        (
            self.id,
            self.trainee,
            self.scenario,
            self.language,
            self.started_at,  # UTC as text, "YYYY-MM-DD HH:MM:SS.ffffff": sorts as time does
            self.ending,
            self.ending_kind,
            self.score,  # None while the play has not finished
            self.passed,
            self.satisfaction,
            self.cost,
            self.taken_back,
        ) = row
        # Which of two plays is the later: started later, or at once and the greater id.
        self.latest = (self.started_at, self.id)


#: Where a decision's cells are in the rows ``Tally.plays_read`` gives: those the figures
#: need first, then those only the CSV needs (when it is asked for).
PLAY_ID, NODE, CHOICE, CHOICE_TEXT, SECONDS = range(5)
STEP, TAGS, LESSON, SATISFACTION_DELTA, COST_DELTA = range(5, 10)
SATISFACTION_AFTER, COST_AFTER, DECIDED_AT = range(10, 13)


def _utc_text(moment: Any, dialect: str) -> Any:
    """A stored time as text in UTC, made by the database: no time is parsed in Python
    for each of a million rows. SQLite keeps UTC as text; PostgreSQL keeps a moment,
    written here as UTC in the same fixed-width form (so texts sort as times do)."""
    if dialect == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", moment), "YYYY-MM-DD HH24:MI:SS.US")
    return sa.type_coerce(moment, sa.String)


def _play_query(store: ResultsStore, selection: Selection) -> Any:
    p = plays.c
    columns: list[Any] = [p.id, p.trainee, p.scenario_id, p.language]
    columns += [_utc_text(p.started_at, store.engine.dialect.name), p.ending, p.ending_kind]
    columns += [p.score, p.passed, p.satisfaction, p.cost]
    joined: Any = plays
    if store.has_table("taken_back"):  # a store written by an earlier version may lack it
        counts = (
            sa.select(taken_back.c.play_id, sa.func.count().label("taken"))
            .where(taken_back.c.why == "taken back")
            .group_by(taken_back.c.play_id)
            .subquery()
        )
        joined = plays.outerjoin(counts, counts.c.play_id == p.id)
        columns.append(sa.func.coalesce(counts.c.taken, 0))
    else:
        columns.append(sa.literal(0))
    return sa.select(*columns).select_from(joined).where(*selection.conditions()).order_by(p.id)


def _decision_query(store: ResultsStore, selection: Selection, for_csv: bool) -> Any:
    d = decisions.c
    columns: list[Any] = [d.play_id, d.node, d.choice, d.choice_text, d.seconds_to_decide]
    if for_csv:
        columns += [d.step, d.tags, d.lesson, d.satisfaction_delta, d.cost_delta]
        columns += [d.satisfaction_after, d.cost_after]
        columns.append(_utc_text(d.decided_at, store.engine.dialect.name))
    # IN rather than a join: SQLite reads the chosen plays' ids once, in the table's order,
    # instead of looking up each play's row among the decisions (0.2 s of 100,000 plays).
    chosen = sa.select(plays.c.id).where(*selection.conditions())
    return sa.select(*columns).where(d.play_id.in_(chosen)).order_by(d.play_id, d.step)


def _cost_ranges(store: ResultsStore, selection: Selection) -> dict[str, tuple[float, float]]:
    """Per scenario, the lowest cost of a finished play and the width of one cell of the
    outcome chart's grid (a CELLS-th of the range; 1 when every play cost the same)."""
    cost = plays.c.cost
    found = {}
    for scenario, low, high in store.query(
        sa.select(plays.c.scenario_id, sa.func.min(cost), sa.func.max(cost))
        .where(*selection.conditions(), plays.c.score.is_not(None))
        .group_by(plays.c.scenario_id)
    ):
        if low is not None:
            width = (float(high) - float(low)) / CELLS
            found[scenario] = (float(low), width if width > 0 else 1.0)
    return found


def _nearest(value: float) -> int:
    """The nearest whole number, halves away from zero (as SQLite's round() gives; a
    dot of the outcome chart lies in the cell it did when SQL placed it)."""
    return int(value + 0.5) if value >= 0 else -int(0.5 - value)


# ---------------------------------------------------------------- the pass


class _Choice:
    """One choice at one node shown with one text: how often, and the final scores of
    the finished plays that made it."""

    __slots__ = ("latest", "picks", "score_sum", "scored", "times")

    def __init__(self, times: array[float]) -> None:
        self.picks = 0
        self.score_sum = 0
        self.scored = 0
        self.latest: tuple[str, str] = ("", "")  # the latest play shown this text
        self.times = times  # the node's times to decide, shared by all its choices


class _Trainee:
    """One trainee's plays of one scenario."""

    __slots__ = ("best", "last", "latest", "passed", "plays", "taken_back", "times")

    def __init__(self) -> None:
        self.plays = 0
        self.best: int | None = None
        self.last: int | None = None
        self.latest: tuple[str, str] = ("", "")  # the latest finished play
        self.passed = False
        self.taken_back = 0
        self.times: array[float] = array("d")

    def add(self, play: Play) -> None:
        self.plays += 1
        self.taken_back += play.taken_back
        score = play.score
        if score is None:
            return
        if play.passed:
            self.passed = True
        if self.best is None or score > self.best:
            self.best = score
        if play.latest > self.latest:
            self.last, self.latest = score, play.latest


class _Scenario:
    """One scenario's plays: totals, and its decisions' choices and times."""

    def __init__(self, cost_range: tuple[float, float] | None) -> None:
        self.latest: tuple[str, str] = ("", "")  # the latest play: its title is shown
        self.plays = self.finished = self.passed = 0
        self.scores: dict[int, int] = {}
        self.endings: dict[tuple[str, str], int] = {}
        self.paths: Counter[str] = Counter()
        self.cost_range = cost_range
        # (kind, across, up): [satisfaction sum, cost sum, plays]
        self.cells: dict[tuple[str, int, int], list[float]] = {}
        self.choices: dict[tuple[str, str, str], _Choice] = {}
        self.times: dict[str, array[float]] = defaultdict(lambda: array("d"))

    def add(self, play: Play) -> None:
        self.plays += 1
        if play.latest > self.latest:
            self.latest = play.latest
        score = play.score
        if score is None:
            return
        self.finished += 1
        if play.passed:
            self.passed += 1
        self.scores[score] = self.scores.get(score, 0) + 1
        ending = (play.ending, play.ending_kind)
        self.endings[ending] = self.endings.get(ending, 0) + 1
        satisfaction, cost = play.satisfaction, play.cost
        if self.cost_range and satisfaction is not None and cost is not None:
            low, width = self.cost_range
            kind = play.ending_kind or "other"
            cell = (kind, _nearest((cost - low) / width), _nearest(satisfaction / 2.0))
            sums = self.cells.get(cell)
            if sums is None:
                self.cells[cell] = [satisfaction, cost, 1]
            else:
                sums[0] += satisfaction
                sums[1] += cost
                sums[2] += 1


class Tally:
    """The one pass over the chosen plays and their decisions, and what it adds up.

    ``plays_read`` gives each play with its decisions as they pass, for the CSV;
    ``count`` reads them without one (and without the columns only the CSV needs).
    Either is read once, to its end, before ``cohort``."""

    def __init__(self, store: ResultsStore, selection: Selection) -> None:
        self.store, self.selection = store, selection
        self.plays = 0
        self.trainee_names: set[str] = set()
        self.trainees: dict[tuple[str, str], _Trainee] = {}
        self.scenarios: dict[str, _Scenario] = {}
        self._ranges: dict[str, tuple[float, float]] = {}

    def count(self) -> None:
        for _ in self.plays_read(for_csv=False):
            pass

    def plays_read(self, for_csv: bool = True) -> Iterator[tuple[Play, list[sa.Row[Any]]]]:
        """Each chosen play with its decisions in step order, in the order of the plays'
        ids, counted as it passes (a play without a decision too). ``for_csv`` reads the
        decisions' columns that only the CSV needs. The two streams come from one
        snapshot, so every decision's play is among the plays, in the same order."""
        self._ranges = _cost_ranges(self.store, self.selection)
        queries = (
            _play_query(self.store, self.selection),
            _decision_query(self.store, self.selection, for_csv),
        )
        with self.store.side_by_side(*queries) as (play_rows, decision_rows):
            by_play = groupby(decision_rows, itemgetter(PLAY_ID))
            waiting = next(by_play, None)
            for row in play_rows:
                play, scenario, trainee = self._open(row)
                made: list[sa.Row[Any]] = []
                if waiting is not None and waiting[0] == play.id:
                    made = list(waiting[1])
                    waiting = next(by_play, None)
                    _add_decisions(play, made, scenario, trainee)
                elif play.score is not None and not play.passed:
                    scenario.paths[""] += 1  # failed before any decision: the empty path
                yield play, made
            if waiting is not None:
                raise StoreError("the results store changed in an unexpected way as it was read")

    def _open(self, row: Any) -> tuple[Play, _Scenario, _Trainee]:
        """Count a play's own figures."""
        play = Play(row)
        self.plays += 1
        self.trainee_names.add(play.trainee)
        scenario = self.scenarios.get(play.scenario)
        if scenario is None:
            ranges = self._ranges.get(play.scenario)
            scenario = self.scenarios[play.scenario] = _Scenario(ranges)
        scenario.add(play)
        key = (play.trainee, play.scenario)
        trainee = self.trainees.get(key)
        if trainee is None:
            trainee = self.trainees[key] = _Trainee()
        trainee.add(play)
        return play, scenario, trainee

    # ------------------------------------------------------------ the figures

    def cohort(self) -> Cohort:
        titles = _titles(self.store, [scenario.latest[1] for scenario in self.scenarios.values()])
        return Cohort(
            self.plays,
            len(self.trainee_names),
            [
                TraineeRow(
                    trainee=trainee,
                    scenario=scenario,
                    plays=row.plays,
                    best_score=row.best,
                    last_score=row.last,
                    passed=row.passed,
                    median_seconds=statistics.median(row.times) if row.times else None,
                    taken_back=row.taken_back,
                )
                for (trainee, scenario), row in sorted(self.trainees.items())
            ],
            [
                _summary(name, self.scenarios[name], *titles[self.scenarios[name].latest[1]])
                for name in sorted(self.scenarios)
            ],
        )


def _add_decisions(
    play: Play, made: list[sa.Row[Any]], scenario: _Scenario, trainee: _Trainee
) -> None:
    """Count a play's decisions: the choices' picks and final scores, the times to
    decide, and the path of choices of a play that finished without passing."""
    choices, times, mine = scenario.choices, scenario.times, trainee.times
    score, latest = play.score, play.latest
    path = []
    for row in made:
        node, choice, seconds = row[NODE], row[CHOICE], row[SECONDS]
        if choice is None:  # the timer ran out
            choice = "timeout"
        path.append(choice)
        mine.append(seconds)
        key = (node, choice, row[CHOICE_TEXT])
        entry = choices.get(key)
        if entry is None:
            entry = choices[key] = _Choice(times[node])
        entry.picks += 1
        if score is not None:
            entry.score_sum += score
            entry.scored += 1
        if latest > entry.latest:
            entry.latest = latest
        entry.times.append(seconds)
    if score is not None and not play.passed:
        scenario.paths[" > ".join(path)] += 1


def _titles(store: ResultsStore, play_ids: list[str]) -> dict[str, tuple[str, str]]:
    """The scenario's title and cost unit as these plays (each scenario's latest) had them."""
    if not play_ids:
        return {}
    return {
        play_id: (title, unit)
        for play_id, title, unit in store.query(
            sa.select(plays.c.id, plays.c.scenario_title, plays.c.cost_unit).where(
                plays.c.id.in_(play_ids)
            )
        )
    }


def _order_key(count: int, name: Any) -> tuple[int, str]:
    """More plays first, then by name (see the module)."""
    return (-count, str(name))


def _summary(name: str, scenario: _Scenario, title: str, cost_unit: str) -> ScenarioSummary:
    endings = sorted(
        scenario.endings.items(),
        key=lambda item: _order_key(item[1], f"{item[0][0]}\0{item[0][1]}"),
    )
    return ScenarioSummary(
        scenario=name,
        title=title,
        cost_unit=cost_unit,
        plays=scenario.plays,
        finished=scenario.finished,
        passed=scenario.passed,
        scores=scenario.scores,
        outcomes=[
            Outcome(satisfaction / count, cost / count, kind, int(count))
            for (kind, _, _), (satisfaction, cost, count) in sorted(scenario.cells.items())
        ],
        endings=[(ending, kind, count) for (ending, kind), count in endings],
        failure_paths=sorted(scenario.paths.items(), key=lambda item: _order_key(item[1], item[0]))[
            :FAILURE_PATHS
        ],
        decisions=_decisions(name, scenario),
    )


@dataclass
class _Shown:
    """One choice at one node, added up over the texts it was shown with."""

    picks: int = 0
    score_sum: int = 0
    scored: int = 0
    text: str = ""
    latest: tuple[str, str] = ("", "")


def _decisions(name: str, scenario: _Scenario) -> list[DecisionStats]:
    """Per node, how often each choice was picked and the mean final score of the
    finished plays that picked it, and the node's median time to decide. A choice shown
    with several texts (the scenario edited, or played in another language) is shown
    with the text of its latest play."""
    nodes: dict[str, dict[str, _Shown]] = defaultdict(dict)
    for (node, choice, text), entry in scenario.choices.items():
        shown = nodes[node].setdefault(choice, _Shown())
        shown.picks += entry.picks
        shown.score_sum += entry.score_sum
        shown.scored += entry.scored
        if entry.latest >= shown.latest:
            shown.text, shown.latest = text, entry.latest
    found = []
    totals = {node: sum(c.picks for c in choices.values()) for node, choices in nodes.items()}
    for node in sorted(nodes, key=lambda node: _order_key(totals[node], node)):
        ordered = sorted(nodes[node].items(), key=lambda item: _order_key(item[1].picks, item[0]))
        found.append(
            DecisionStats(
                name,
                node,
                [
                    ChoiceStats(
                        choice,
                        shown.text,
                        shown.picks,
                        shown.picks / totals[node],
                        shown.score_sum / shown.scored if shown.scored else None,
                    )
                    for choice, shown in ordered
                ],
                statistics.median(scenario.times[node]),
            )
        )
    return found
