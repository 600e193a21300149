"""What a training manager wants to know about a group's plays, worked out in the store.

The counts are made by the database (SQL ``GROUP BY`` and window functions through
SQLAlchemy, the same on SQLite and PostgreSQL), so only totals reach Python. Two things
SQL cannot add up portably are read from one lean pass over the decisions, in the order
they are kept: the median times to decide (per trainee and per decision; the middle
value, or the mean of the two middle values, as ``statistics.median`` gives) and the
choice paths of plays that did not pass. Only numbers and short ids are held for them,
never whole rows. The CSV's rows are streamed from one query and written as they are
read.

Ties are broken the same way everywhere: the more plays first, then by name.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from simulator.records.store import TRAINEE_SOURCES, ResultsStore, decisions, plays, taken_back
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


def build_cohort(store: ResultsStore, selection: Selection, tally: DecisionTally) -> Cohort:
    """The report's figures; ``tally`` has counted the chosen plays' decisions."""
    chosen = selection.conditions()
    ((count, trainees),) = store.query(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(plays.c.trainee))).where(*chosen)
    )
    tally.finish(store, selection)
    return Cohort(
        int(count),
        int(trainees),
        _trainee_rows(store, chosen, tally.trainee_medians()),
        _scenario_summaries(store, chosen, tally),
    )


# ---------------------------------------------------------------- shared pieces

FINISHED = plays.c.score.is_not(None)
PASSED = sa.case((FINISHED & plays.c.passed.is_(True), 1), else_=0)
CHOICE = sa.func.coalesce(decisions.c.choice, "timeout")
MADE = decisions.join(plays, decisions.c.play_id == plays.c.id)


def _order_key(count: int, name: Any) -> tuple[int, str]:
    """More plays first, then by name (see the module)."""
    return (-count, str(name))


def _latest(partition: list[Any], *columns: Any, where: list[Any]) -> Any:
    """Each partition's row of its latest play (a subquery): the last title, last score."""
    latest = sa.func.row_number().over(
        partition_by=partition, order_by=(plays.c.started_at.desc(), plays.c.id.desc())
    )
    inner = sa.select(*partition, *columns, latest.label("latest")).where(*where).subquery()
    return sa.select(*(inner.c[c.name] for c in [*partition, *columns])).where(inner.c.latest == 1)


class DecisionTally:
    """What one pass over the chosen plays' decisions gives: the median time to decide
    per (trainee, scenario) and per (scenario, node), and per scenario how many plays
    that finished without passing took each path of choices. It is fed the rows of the
    CSV when one is written (``watch``), so the decisions are read once, or reads a lean
    query of its own (``read``). Rows come play by play, each play's in step order."""

    def __init__(self) -> None:
        self.by_trainee: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.by_node: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.paths: dict[str, Counter[str]] = defaultdict(Counter)
        self._play: Any = None
        self._route: list[str] | None = None
        self._scenario = ""

    def add(
        self,
        play: Any,
        trainee: str,
        scenario: str,
        failing: bool,
        node: str,
        choice: str,
        seconds: float,
    ) -> None:
        if play != self._play:
            self._close()
            self._play, self._route, self._scenario = play, [] if failing else None, scenario
        if self._route is not None:
            self._route.append(choice)
        self.by_trainee[(trainee, scenario)].append(seconds)
        self.by_node[(scenario, node)].append(seconds)

    def _close(self) -> None:
        if self._route is not None:
            self.paths[self._scenario][" > ".join(self._route)] += 1
        self._play, self._route = None, None

    def watch(self, rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        """The CSV's rows, passed on as they are counted."""
        for row in rows:
            failing = row[SCORE] is not None and row[PASSED_CELL] != "yes"
            self.add(row[0], row[1], row[2], failing, row[NODE], row[NODE + 1], row[SECONDS])
            yield row

    def read(self, store: ResultsStore, selection: Selection) -> None:
        """Count from a query of just what is counted (when no CSV is written)."""
        failed = sa.case((FINISHED & plays.c.passed.is_not(True), 1), else_=0)
        query = (
            sa.select(
                plays.c.id,
                plays.c.trainee,
                plays.c.scenario_id,
                failed,
                decisions.c.node,
                CHOICE,
                decisions.c.seconds_to_decide,
            )
            .select_from(MADE)
            .where(*selection.conditions())
            .order_by(plays.c.id, decisions.c.step)
        )
        for row in store.stream(query):
            self.add(*row)

    def finish(self, store: ResultsStore, selection: Selection) -> None:
        """Close the last play, and count the failed plays that ended before any decision
        (they have no rows): theirs is the empty path."""
        self._close()
        made_none = ~sa.exists().where(decisions.c.play_id == plays.c.id)
        for scenario, count in store.query(
            sa.select(plays.c.scenario_id, sa.func.count())
            .where(*selection.conditions(), FINISHED, plays.c.passed.is_not(True), made_none)
            .group_by(plays.c.scenario_id)
        ):
            self.paths[scenario][""] += int(count)

    def trainee_medians(self) -> dict[tuple[str, str], float]:
        return {key: statistics.median(values) for key, values in self.by_trainee.items()}

    def node_medians(self) -> dict[tuple[str, str], float]:
        return {key: statistics.median(values) for key, values in self.by_node.items()}


# ---------------------------------------------------------------- per trainee


def _trainee_rows(
    store: ResultsStore, chosen: list[Any], medians: dict[tuple[str, str], float]
) -> list[TraineeRow]:
    group = [plays.c.trainee, plays.c.scenario_id]
    totals = store.query(
        sa.select(*group, sa.func.count(), sa.func.max(plays.c.score), sa.func.max(PASSED))
        .where(*chosen)
        .group_by(*group)
        .order_by(*group)
    )
    last = {
        (trainee, scenario): score
        for trainee, scenario, score in store.query(
            _latest(group, plays.c.score, where=[*chosen, FINISHED])
        )
    }
    taken: dict[tuple, int] = {}
    if store.has_table("taken_back"):
        aside = taken_back.join(plays, taken_back.c.play_id == plays.c.id)
        for trainee, scenario, count in store.query(
            sa.select(*group, sa.func.count())
            .select_from(aside)
            .where(*chosen, taken_back.c.why == "taken back")
            .group_by(*group)
        ):
            taken[(trainee, scenario)] = int(count)
    return [
        TraineeRow(
            trainee=trainee,
            scenario=scenario,
            plays=int(count),
            best_score=best,
            last_score=last.get((trainee, scenario)),
            passed=bool(passed),
            median_seconds=medians.get((trainee, scenario)),
            taken_back=taken.get((trainee, scenario), 0),
        )
        for trainee, scenario, count, best, passed in totals
    ]


# ---------------------------------------------------------------- per scenario


def _scenario_summaries(
    store: ResultsStore, chosen: list[Any], tally: DecisionTally
) -> list[ScenarioSummary]:
    scenario = plays.c.scenario_id
    totals = store.query(
        sa.select(scenario, sa.func.count(), sa.func.count(plays.c.score), sa.func.sum(PASSED))
        .where(*chosen)
        .group_by(scenario)
        .order_by(scenario)
    )
    if not totals:
        return []
    titles = {
        found: (title, unit)
        for found, title, unit in store.query(
            _latest([scenario], plays.c.scenario_title, plays.c.cost_unit, where=chosen)
        )
    }
    scores: dict[str, dict[int, int]] = defaultdict(dict)
    for found, score, count in store.query(
        sa.select(scenario, plays.c.score, sa.func.count())
        .where(*chosen, FINISHED)
        .group_by(scenario, plays.c.score)
    ):
        scores[found][int(score)] = int(count)
    outcomes = _outcomes(store, chosen)
    endings = _endings(store, chosen)
    nodes = _decisions(store, chosen, tally.node_medians())
    return [
        ScenarioSummary(
            scenario=found,
            title=titles[found][0],
            cost_unit=titles[found][1],
            plays=int(count),
            finished=int(finished),
            passed=int(passed or 0),
            scores=scores.get(found, {}),
            outcomes=outcomes.get(found, []),
            endings=endings.get(found, []),
            failure_paths=sorted(
                tally.paths.get(found, Counter()).items(),
                key=lambda item: _order_key(item[1], item[0]),
            )[:FAILURE_PATHS],
            decisions=nodes.get(found, []),
        )
        for found, count, finished, passed in totals
    ]


def _outcomes(store: ResultsStore, chosen: list[Any]) -> dict[str, list[Outcome]]:
    """Where the finished plays landed, one point per cell of a CELLS x CELLS grid over
    satisfaction (0-100) and each scenario's range of cost, and per kind of ending: the
    plays' mean satisfaction and cost there, and how many they are."""
    scenario, cost = plays.c.scenario_id, plays.c.cost
    ranges = (
        sa.select(
            scenario.label("scenario"),
            sa.func.min(cost).label("low"),
            ((sa.func.max(cost) - sa.func.min(cost)) / CELLS).label("width"),
        )
        .where(*chosen, FINISHED)
        .group_by(scenario)
        .subquery()
    )
    width = sa.case((ranges.c.width > 0, ranges.c.width), else_=sa.literal_column("1.0"))
    kind = sa.func.coalesce(plays.c.ending_kind, "other").label("kind")
    across = sa.func.round((cost - ranges.c.low) / width).label("across")
    up = sa.func.round(plays.c.satisfaction / sa.literal_column(str(100 / CELLS))).label("up")
    query = (
        sa.select(
            scenario,
            kind,
            across,
            up,
            sa.func.avg(plays.c.satisfaction),
            sa.func.avg(cost),
            sa.func.count(),
        )
        .select_from(plays.join(ranges, ranges.c.scenario == scenario))
        .where(*chosen, FINISHED)
        .group_by(scenario, kind, across, up)
    )
    found: dict[str, list[Outcome]] = defaultdict(list)
    for name, ending_kind, _, _, satisfaction, mean_cost, count in store.query(query):
        found[name].append(Outcome(float(satisfaction), float(mean_cost), ending_kind, int(count)))
    return found


def _endings(store: ResultsStore, chosen: list[Any]) -> dict[str, list[tuple[str, str, int]]]:
    group = [plays.c.scenario_id, plays.c.ending, plays.c.ending_kind]
    rows = store.query(sa.select(*group, sa.func.count()).where(*chosen, FINISHED).group_by(*group))
    found: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for scenario, ending, kind, count in sorted(
        rows, key=lambda row: (row[0], *_order_key(row[3], f"{row[1]}\0{row[2]}"))
    ):
        found[scenario].append((ending, kind, int(count)))
    return found


@dataclass
class _Choice:
    """One choice at one node, added up over the texts it was shown with."""

    picks: int = 0
    score_sum: int = 0
    scored: int = 0
    text: str = ""
    text_latest: str = ""


def _decisions(
    store: ResultsStore, chosen: list[Any], medians: dict[tuple[str, str], float]
) -> dict[str, list[DecisionStats]]:
    """Per scenario and node, how often each choice was picked and the mean final score
    of the finished plays that picked it, and the node's median time to decide. A choice
    shown with several texts (the scenario edited, or played in another language) is
    shown with the text of its latest play."""
    group = [plays.c.scenario_id, decisions.c.node, CHOICE.label("choice")]
    rows = store.query(
        sa.select(
            *group,
            decisions.c.choice_text,
            sa.func.count(),
            sa.func.sum(plays.c.score),
            sa.func.count(plays.c.score),
            sa.func.max(plays.c.started_at),
        )
        .select_from(MADE)
        .where(*chosen)
        .group_by(*group, decisions.c.choice_text)
    )
    nodes: dict[tuple[str, str], dict[str, _Choice]] = defaultdict(dict)
    for scenario, node, choice, text, count, score_sum, scored, latest in rows:
        entry = nodes[(scenario, node)].setdefault(choice, _Choice())
        entry.picks += int(count)
        entry.score_sum += int(score_sum or 0)
        entry.scored += int(scored)
        if str(latest) >= entry.text_latest:
            entry.text, entry.text_latest = text, str(latest)
    found: dict[str, list[DecisionStats]] = defaultdict(list)

    def node_order(item: tuple[tuple[str, str], dict[str, _Choice]]) -> tuple:
        (scenario, node), choices = item
        return (scenario, *_order_key(sum(entry.picks for entry in choices.values()), node))

    for (scenario, node), choices in sorted(nodes.items(), key=node_order):
        total = sum(entry.picks for entry in choices.values())
        ordered = sorted(choices.items(), key=lambda item: _order_key(item[1].picks, item[0]))
        found[scenario].append(
            DecisionStats(
                scenario,
                node,
                [
                    ChoiceStats(
                        choice,
                        entry.text,
                        entry.picks,
                        entry.picks / total,
                        entry.score_sum / entry.scored if entry.scored else None,
                    )
                    for choice, entry in ordered
                ],
                medians[(scenario, node)],
            )
        )
    return found


# ---------------------------------------------------------------- the CSV

CSV_COLUMNS = [
    "play_id",
    "trainee",
    "scenario",
    "language",
    "started_at",
    "step",
    "node",
    "choice",
    "choice_text",
    "tags",
    "lesson",
    "satisfaction_delta",
    "cost_delta",
    "satisfaction_after",
    "cost_after",
    "seconds_to_decide",
    "decided_at",
    "ending",
    "score",
    "passed",
    "answers_taken_back",
]
NODE = CSV_COLUMNS.index("node")
SECONDS = CSV_COLUMNS.index("seconds_to_decide")
SCORE = CSV_COLUMNS.index("score")
PASSED_CELL = CSV_COLUMNS.index("passed")


def _utc_text(moment: Any, dialect: str) -> Any:
    """A stored time as text, in UTC with its offset, made by the database: no time is
    parsed in Python for each of a million rows. SQLite keeps UTC as text without the
    offset; PostgreSQL keeps a moment, written here as UTC."""
    if dialect == "postgresql":
        at_utc = sa.func.timezone("UTC", moment)
        text = sa.func.to_char(at_utc, "YYYY-MM-DD HH24:MI:SS.US")
    else:
        text = sa.type_coerce(moment, sa.String)
    return text + sa.literal("+00:00", sa.String)


def csv_rows(store: ResultsStore, selection: Selection) -> Iterator[sa.Row[Any]]:
    """One row per decision (the columns of CSV_COLUMNS), for spreadsheets, streamed by
    play, each play's decisions in step order (the order of the indexes, so nothing is
    sorted). Only one batch of rows is in memory at a time. Cells come as the database
    gives them (``tags`` as its JSON list); html.write_csv makes them cells."""
    d, p = decisions.c, plays.c
    dialect = store.engine.dialect.name
    columns: list[Any] = [p.id, p.trainee, p.scenario_id, p.language]
    columns += [_utc_text(p.started_at, dialect), d.step + 1, d.node, CHOICE, d.choice_text]
    columns += [d.tags, sa.func.coalesce(d.lesson, ""), d.satisfaction_delta, d.cost_delta]
    columns += [d.satisfaction_after, d.cost_after, d.seconds_to_decide]
    columns += [_utc_text(d.decided_at, dialect), sa.func.coalesce(p.ending, ""), p.score]
    columns.append(sa.case((p.passed.is_(None), ""), (p.passed.is_(True), "yes"), else_="no"))
    joined: Any = MADE
    if store.has_table("taken_back"):
        counts = (
            sa.select(taken_back.c.play_id, sa.func.count().label("taken"))
            .where(taken_back.c.why == "taken back")
            .group_by(taken_back.c.play_id)
            .subquery()
        )
        joined = MADE.outerjoin(counts, counts.c.play_id == p.id)
        columns.append(sa.func.coalesce(counts.c.taken, 0))
    else:
        columns.append(sa.literal(0))
    query = sa.select(*columns).select_from(joined).where(*selection.conditions())
    yield from store.stream(query.order_by(p.id, d.step))
