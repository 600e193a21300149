"""What a training manager wants to know about a group's plays, worked out from the store.

Pure data in, pure data out: the HTML page and the CSV file are drawn from it.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any


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
    scores: list[int]
    outcomes: list[tuple[float, float, str]]  # satisfaction, cost, ending kind
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


def build_cohort(plays: list[dict[str, Any]], decisions: list[dict[str, Any]]) -> Cohort:
    by_play: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for decision in decisions:
        by_play[decision["play_id"]].append(decision)
    rows = _trainee_rows(plays, by_play)
    summaries = []
    for scenario_id in sorted({play["scenario_id"] for play in plays}):
        mine = [play for play in plays if play["scenario_id"] == scenario_id]
        summaries.append(_scenario_summary(scenario_id, mine, by_play))
    return Cohort(len(plays), len({play["trainee"] for play in plays}), rows, summaries)


def _trainee_rows(
    plays: list[dict[str, Any]], by_play: dict[str, list[dict[str, Any]]]
) -> list[TraineeRow]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for play in plays:
        groups[(play["trainee"], play["scenario_id"])].append(play)
    rows = []
    for (trainee, scenario), group in sorted(groups.items()):
        finished = [p for p in group if p["score"] is not None]
        seconds = [d["seconds_to_decide"] for p in group for d in by_play[p["id"]]]
        rows.append(
            TraineeRow(
                trainee=trainee,
                scenario=scenario,
                plays=len(group),
                best_score=max((p["score"] for p in finished), default=None),
                last_score=finished[-1]["score"] if finished else None,
                passed=any(p["passed"] for p in finished),
                median_seconds=statistics.median(seconds) if seconds else None,
                taken_back=sum(p.get("taken_back", 0) for p in group),
            )
        )
    return rows


def _scenario_summary(
    scenario_id: str, plays: list[dict[str, Any]], by_play: dict[str, list[dict[str, Any]]]
) -> ScenarioSummary:
    finished = [p for p in plays if p["score"] is not None]
    endings = Counter((p["ending"], p["ending_kind"]) for p in finished)
    failures = Counter(
        " > ".join(d["choice"] or "timeout" for d in by_play[p["id"]])
        for p in finished
        if not p["passed"]
    )
    summary = ScenarioSummary(
        scenario=scenario_id,
        title=plays[-1]["scenario_title"],
        cost_unit=plays[-1]["cost_unit"],
        plays=len(plays),
        finished=len(finished),
        passed=sum(1 for p in finished if p["passed"]),
        scores=[p["score"] for p in finished],
        outcomes=[(p["satisfaction"], p["cost"], p["ending_kind"] or "other") for p in finished],
        endings=[(ending, kind, count) for (ending, kind), count in endings.most_common()],
        failure_paths=failures.most_common(5),
    )
    score_of = {p["id"]: p["score"] for p in finished}
    nodes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for play in plays:
        for decision in by_play[play["id"]]:
            nodes[decision["node"]].append(decision)
    for node, made in sorted(nodes.items(), key=lambda item: -len(item[1])):
        counts = Counter(d["choice"] or "timeout" for d in made)
        texts = {d["choice"] or "timeout": d["choice_text"] for d in made}
        choices = []
        for choice, picks in counts.most_common():
            scores = [
                score_of[d["play_id"]]
                for d in made
                if (d["choice"] or "timeout") == choice and d["play_id"] in score_of
            ]
            choices.append(
                ChoiceStats(
                    choice,
                    texts[choice],
                    picks,
                    picks / len(made),
                    statistics.mean(scores) if scores else None,
                )
            )
        summary.decisions.append(
            DecisionStats(
                scenario_id, node, choices, statistics.median(d["seconds_to_decide"] for d in made)
            )
        )
    return summary


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


def csv_rows(plays: list[dict[str, Any]], decisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per decision, for spreadsheets."""
    by_id = {play["id"]: play for play in plays}
    rows = []
    for decision in decisions:
        play = by_id[decision["play_id"]]
        rows.append(
            {
                "play_id": play["id"],
                "trainee": play["trainee"],
                "scenario": play["scenario_id"],
                "language": play["language"],
                "started_at": play["started_at"],
                "step": decision["step"] + 1,
                "node": decision["node"],
                "choice": decision["choice"] or "timeout",
                "choice_text": decision["choice_text"],
                "tags": ", ".join(json.loads(decision["tags"])),
                "lesson": decision["lesson"] or "",
                "satisfaction_delta": decision["satisfaction_delta"],
                "cost_delta": decision["cost_delta"],
                "satisfaction_after": decision["satisfaction_after"],
                "cost_after": decision["cost_after"],
                "seconds_to_decide": round(decision["seconds_to_decide"], 2),
                "decided_at": decision["decided_at"],
                "ending": play["ending"] or "",
                "score": play["score"] if play["score"] is not None else "",
                "passed": "" if play["passed"] is None else ("yes" if play["passed"] else "no"),
                "answers_taken_back": play.get("taken_back", 0),
            }
        )
    return rows
