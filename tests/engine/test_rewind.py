"""Taking back a decision in practice returns to the question exactly as it was asked."""

from __future__ import annotations

import random

import pytest

from simulator.engine.rewind import Rewinds
from simulator.engine.session import Session, Status
from simulator.library import resolve_scenario
from simulator.scenario.loader import load_scenario
from simulator.scenario.playable import PlayableScenario


def bundled(scenario_id: str) -> PlayableScenario:
    path = resolve_scenario(scenario_id)
    assert path is not None
    scenario = load_scenario(path).scenario
    assert scenario is not None
    return scenario


def settle(session: Session, rewinds: Rewinds) -> None:
    """Continue past lines-only steps, noting each question, as the game does."""
    while session.status is Status.WAITING_FOR_CONTINUE:
        session.continue_()
    rewinds.note(session)


def played(session: Session) -> dict[str, object]:
    """What a play has done, without its clock or its count of rewinds."""
    data = session.snapshot()
    for key in ("elapsed", "decision_started", "rewinds"):
        data.pop(key)
    for decision in data["decisions"]:
        decision.pop("seconds_to_decide")
    return data


@pytest.mark.parametrize("scenario_id", ["late-client", "misread-remark", "premium-expectations"])
def test_a_taken_back_decision_leaves_no_trace_but_the_count(scenario_id: str) -> None:
    """Play, take back, choose otherwise: the same as having chosen otherwise at once,
    decisions, meters, events and the dice included."""
    scenario = bundled(scenario_id)
    picker = random.Random(7)
    for seed in range(12):
        straight = Session.start(scenario, seed=seed)
        wavering = Session.start(scenario, seed=seed)
        rewinds = Rewinds()
        settle(wavering, rewinds)
        settle(straight, Rewinds())
        taken_back = 0
        while straight.status is Status.WAITING_FOR_CHOICE:
            options = list(straight.available_choices)
            first = picker.choice(options)
            wavering.tick(1.5)
            wavering.choose(first)
            settle(wavering, rewinds)
            if len(options) > 1 and picker.random() < 0.5 and wavering.result() is None:
                assert rewinds.can_take_back(wavering)
                wavering = rewinds.take_back(wavering)
                taken_back += 1
                assert wavering.status is Status.WAITING_FOR_CHOICE
                final = picker.choice([option for option in options if option != first])
                wavering.choose(final)
                settle(wavering, rewinds)
            else:
                final = first
            straight.choose(final)
            settle(straight, Rewinds())
            assert played(wavering) == played(straight)
        kept, direct = wavering.result(), straight.result()
        assert kept is not None and direct is not None
        assert (kept.ending, kept.score, kept.satisfaction, kept.cost) == (
            direct.ending,
            direct.score,
            direct.satisfaction,
            direct.cost,
        )
        assert wavering.state.rewinds == taken_back


def test_taking_back_twice_goes_back_two_questions_and_restores_the_timer() -> None:
    scenario = bundled("late-client")
    session = Session.start(scenario, seed=3)
    rewinds = Rewinds()
    settle(session, rewinds)
    first_question = session.snapshot()
    session.choose(session.available_choices[0])
    settle(session, rewinds)
    session.tick(4.0)
    session.choose(session.available_choices[-1])
    settle(session, rewinds)
    session = rewinds.take_back(session)
    session = rewinds.take_back(session)
    assert session.state.rewinds == 2
    again = session.snapshot()
    assert {**again, "rewinds": 0} == first_question
    assert not rewinds.can_take_back(session)  # nothing decided yet
    with pytest.raises(ValueError):
        rewinds.take_back(session)


def test_a_finished_play_is_not_taken_back() -> None:
    scenario = bundled("late-client")
    session = Session.start(scenario, seed=0)
    rewinds = Rewinds()
    settle(session, rewinds)
    while session.status is Status.WAITING_FOR_CHOICE:
        session.choose(session.available_choices[0])
        settle(session, rewinds)
    assert session.status is Status.ENDED
    assert not rewinds.can_take_back(session)


def test_the_history_is_bounded() -> None:
    scenario = bundled("late-client")
    session = Session.start(scenario, seed=0)
    rewinds = Rewinds(limit=2)
    settle(session, rewinds)
    for _ in range(4):
        session.choose(session.available_choices[0])
        settle(session, rewinds)
    session = rewinds.take_back(session)  # the question before the one waiting
    assert not rewinds.can_take_back(session)  # the older ones were let go


def test_a_rewound_play_saves_and_resumes_with_its_count() -> None:
    scenario = bundled("late-client")
    session = Session.start(scenario, seed=5)
    rewinds = Rewinds()
    settle(session, rewinds)
    session.choose(session.available_choices[0])
    settle(session, rewinds)
    session = rewinds.take_back(session)
    restored = Session.restore(scenario, session.snapshot())
    assert restored.state.rewinds == 1
    assert restored.snapshot() == session.snapshot()


def test_an_assessed_play_is_never_taken_back() -> None:
    scenario = bundled("late-client")
    session = Session.start(scenario, seed=0)
    session.state.assessed = True
    rewinds = Rewinds()
    settle(session, rewinds)
    session.choose(session.available_choices[0])
    settle(session, rewinds)
    assert not rewinds.can_take_back(session)
    assert Session.restore(scenario, session.snapshot()).state.assessed
