"""Every change of the meters is charged to the decision that caused it, so that the
debrief can say what each decision cost, and the deltas add up to the end result."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.engine.script import settle
from simulator.engine.session import Session, Status
from simulator.library import scenario_entries
from simulator.records.recorder import Recorder
from simulator.records.store import ResultsStore
from simulator.scenario.loader import load_scenario
from simulator.scenario.playable import PlayableScenario

# Staying open costs its overtime in the next scene, not at the moment of the promise; a
# promise made early is found out at the ending, after another decision in between.
LATE = """\
format: 1
id: late
title: Late
start: ask
nodes:
  ask:
    choices:
      - {id: stay, text: We'll wait for you., effects: [satisfaction += 10], next: evening}
      - {id: promise, text: It'll be ready Monday., effects: [satisfaction += 20], next: evening}
  evening:
    effects: [cost += 3]
    lines: [{id: evening.l1, text: The evening passes.}]
    choices:
      - {id: thank, text: Thanks for coming in., next: monday}
  monday:
    consequence_of: [promise]
    effects: [satisfaction -= 25]
    branch:
      - {if: satisfaction < 30, next: lost}
      - {next: kept}
  kept: {ending: {kind: balanced, title: Kept}}
  lost: {ending: {kind: lost, title: Lost}}
scoring: {target: {satisfaction: 60, cost: 2}, cost_limit: 10, pass_mark: 70}
"""

LIE = """\
format: 1
id: lie
title: Lie
start: ask
nodes:
  ask:
    choices:
      - id: blame-transport
        text: It must have happened in transport.
        critical: Blaming the transport for damage you caused is a lie she can check.
        effects: [satisfaction += 30]
        next: done
      - {id: own-it, text: We chipped it. I'm sorry., effects: [satisfaction += 20], next: done}
  done: {ending: {kind: balanced, title: Settled}}
scoring: {target: {satisfaction: 60, cost: 2}, cost_limit: 10, pass_mark: 70}
"""


def play(scenario: PlayableScenario, *choices: str) -> Session:
    session = Session.start(scenario, seed=1)
    for choice in choices:
        settle(session)
        session.choose(choice)
    settle(session)
    return session


def test_overtime_in_the_next_scene_is_charged_to_the_choice_that_caused_it(
    playable: Callable[[str], PlayableScenario],
) -> None:
    session = play(playable(LATE), "stay", "thank")
    stay = session.decisions[0]
    assert (stay.satisfaction_delta, stay.cost_delta) == (10, 3)


def test_a_late_effect_is_charged_to_the_earlier_choice_it_names(
    playable: Callable[[str], PlayableScenario],
) -> None:
    session = play(playable(LATE), "promise", "thank")
    promise, thank = session.decisions
    assert promise.satisfaction_delta == 20 - 25 and promise.cost_delta == 3
    assert thank.satisfaction_delta == 0  # Monday's disappointment is not the thank-you's


def test_consequence_of_a_choice_not_made_stays_with_the_latest(
    playable: Callable[[str], PlayableScenario],
) -> None:
    session = play(playable(LATE), "stay", "thank")
    assert session.result() is not None
    assert [d.satisfaction_delta for d in session.decisions] == [10, -25]


def test_charges_survive_a_save_and_resume(playable: Callable[[str], PlayableScenario]) -> None:
    scenario = playable(LATE)
    session = play(scenario, "promise")
    resumed = Session.restore(scenario, session.snapshot())
    settle(resumed)
    resumed.choose("thank")
    settle(resumed)
    assert [d.satisfaction_delta for d in resumed.decisions] == [-5, 0]


def test_a_critical_mistake_fails_the_play_and_says_why(
    playable: Callable[[str], PlayableScenario],
) -> None:
    scenario = playable(LIE)
    lied = play(scenario, "blame-transport").result()
    honest = play(scenario, "own-it").result()
    assert lied is not None and honest is not None
    assert honest.passed and not lied.passed
    assert lied.breakdown.critical == (
        "Blaming the transport for damage you caused is a lie she can check.",
    )
    assert lied.decisions[0].critical is not None and honest.decisions[0].critical is None


def test_the_analysis_scores_a_critical_mistake_as_play_does(
    playable: Callable[[str], PlayableScenario],
) -> None:
    from simulator.analysis.analyse import analyse

    analysis = analyse(playable(LIE), walks=10)
    assert analysis.best.choices == ["own-it"]
    lie_path = analysis.worst
    assert lie_path.choices == ["blame-transport"] and lie_path.score < 70


def random_plays(scenario: PlayableScenario, count: int):
    for seed in range(count):
        rng = random.Random(seed)
        session = Session.start(scenario, seed=seed)
        for _ in range(400):
            settle(session)
            if session.status is not Status.WAITING_FOR_CHOICE:
                break
            available = session.available_choices
            if not available or (session.timer is not None and rng.random() < 0.1):
                assert session.timer is not None
                session.tick(session.timer[0])
            else:
                session.choose(rng.choice(available))
        yield session


@pytest.mark.parametrize("entry", scenario_entries(), ids=lambda entry: entry.id)
def test_decision_deltas_add_up_to_the_final_meters(entry) -> None:
    scenario = load_scenario(entry.path).scenario
    assert scenario is not None
    for session in random_plays(scenario, 150):
        result = session.result()
        assert result is not None and result.decisions
        first = result.decisions[0]
        total_satisfaction = sum(d.satisfaction_delta for d in result.decisions)
        total_cost = sum(d.cost_delta for d in result.decisions)
        assert first.satisfaction_before + total_satisfaction == pytest.approx(result.satisfaction)
        assert first.cost_before + total_cost == pytest.approx(result.cost)


def test_the_store_keeps_the_charged_deltas(
    playable: Callable[[str], PlayableScenario], tmp_path: Path
) -> None:
    store = ResultsStore.open(str(tmp_path / "results.sqlite3"))
    scenario = playable(LATE)
    session = Session.start(scenario, seed=1)
    recorder = Recorder(store, "Tess", "run")
    for choice in ("promise", "thank"):
        settle(session)
        session.choose(choice)
        recorder.sync(session)  # each decision written as it is made
    settle(session)
    recorder.sync(session)
    (played,) = store.plays()
    stored = store.decisions([played["id"]])
    assert [row["satisfaction_delta"] for row in stored] == [-5, 0]
    assert [row["cost_delta"] for row in stored] == [3, 0]
    assert played["satisfaction"] == 50 - 5


def test_an_explored_play_that_keeps_no_history_still_counts_its_critical_mistake(
    playable: Callable[[str], PlayableScenario],
) -> None:
    """Random playthroughs and policy plays keep no decisions: the mistake must still
    fail them, as it fails the trainee's play."""
    from simulator.analysis.analyse import analyse

    scenario = playable(LIE)
    explored = Session.start(scenario, seed=1, exploring=True)
    explored.choose("blame-transport")
    result = explored.result()
    assert result is not None and not result.passed
    walked = analyse(scenario, walks=40, max_states=0)  # no search: seeded walks only
    assert walked.method == "random playthroughs"
    assert walked.best.choices == ["own-it"] and walked.worst.score < 70
