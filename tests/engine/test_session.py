"""The engine. Every test runs twice: plainly, and with the session saved to JSON and
restored after every action, so saving can never silently lose state."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import pytest

from simulator.engine.events import ChoiceMade, EpisodeStarted, LineShown, TimerExpired
from simulator.engine.session import (
    Session,
    SessionError,
    SessionState,
    SnapshotError,
    Status,
)
from simulator.scenario.playable import PlayableScenario
from tests.conftest import STUCK

SCENARIO = """\
format: 1
id: engine-test
title: Engine test
start: intro
clock: {day: 1, time: "17:30", day_names: [Monday, Tuesday, Wednesday, Thursday]}
characters:
  viktor: {name: Viktor, moods: [neutral, pleased, annoyed, angry]}
variables:
  expectation: {type: int, default: 0, min: 0, max: 3}
  voucher: {type: bool, default: false}
episodes:
  monday: {title: Monday, start: intro, intro: He calls at half past five.}
  thursday: {title: Thursday, start: thursday, day: 4, time: "19:45", intro: Later again.}
nodes:
  intro:
    lines:
      - {id: intro.l1, speaker: viktor, mood: annoyed, text: Can you wait for me?}
      - {id: intro.l2, speaker: viktor, text: Only if you wait., if: expectation > 0}
    timer: {seconds: 10, next: thursday, effects: [satisfaction -= 10]}
    choices:
      - {id: wait-silently, text: Sure., effects: [satisfaction += 10, cost += 2,
         expectation += 1, "advance(120)"], next: thursday, tags: [accommodate]}
      - {id: voucher, text: Have a voucher., once: true, reason: Already given.,
         effects: [cost += 5, voucher = true], next: intro, tags: [accommodate]}
      - {id: refuse, text: No., if: not voucher, effects: [satisfaction -= 30], next: thursday,
         tags: [refuse]}
  thursday:
    lines:
      - {id: thursday.l1, text: Thursday evening.}
    next: arrival
  arrival:
    branch:
      - {if: expectation >= 1, next: late}
      - {next: on-time}
  late:
    random:
      - {weight: 1, next: lost}
      - {weight: 1, next: kept}
  on-time:
    lines: [{id: on-time.l1, speaker: viktor, mood: pleased, text: Right on time.}]
    ending: {kind: balanced, title: On time}
  lost:
    lines: [{id: lost.l1, speaker: viktor, mood: angry, text: Where is everyone?}]
    ending: {kind: lost, title: Lost}
  kept:
    ending: {kind: over-accommodating, title: Kept, text: He will be later next time.}
scoring:
  target: {satisfaction: 60, cost: 2}
  cost_limit: 10
  pass_mark: 70
"""


@pytest.fixture(params=["plain", "json-roundtrip"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def scenario(playable: Callable[[str], PlayableScenario]) -> PlayableScenario:
    return playable(SCENARIO)


class Driver:
    """Acts on a session; in round-trip mode, saves and restores it after every action."""

    def __init__(self, scenario: PlayableScenario, mode: str, seed: int = 7) -> None:
        self.scenario = scenario
        self.mode = mode
        self.session = self.cycle(Session.start(scenario, seed=seed))

    def cycle(self, session: Session) -> Session:
        if self.mode == "plain":
            return session
        data = json.loads(json.dumps(session.snapshot()))
        return Session.restore(self.scenario, data)

    def choose(self, choice: str) -> Driver:
        self.session.choose(choice)
        self.session = self.cycle(self.session)
        return self

    def continue_(self) -> Driver:
        self.session.continue_()
        self.session = self.cycle(self.session)
        return self

    def tick(self, seconds: float) -> Driver:
        self.session.tick(seconds)
        self.session = self.cycle(self.session)
        return self


def test_start_shows_lines_choices_and_clock(scenario: PlayableScenario, mode: str) -> None:
    session = Driver(scenario, mode).session
    assert session.status is Status.WAITING_FOR_CHOICE
    assert [line.text for line in session.lines] == ["Can you wait for me?"]
    assert [(c.number, c.id) for c in session.choices] == [
        (1, "wait-silently"),
        (2, "voucher"),
        (3, "refuse"),
    ]
    assert session.clock is not None and session.clock.day_name == "Monday"
    assert session.clock.time_text == "17:30"


def test_choice_applies_effects_and_records_decision(scenario: PlayableScenario, mode: str) -> None:
    driver = Driver(scenario, mode).choose("wait-silently")
    session = driver.session
    assert session.status is Status.WAITING_FOR_CONTINUE
    assert (session.satisfaction, session.cost, session.value("expectation")) == (60, 2, 1)
    (decision,) = session.decisions
    assert (decision.choice, decision.satisfaction_delta, decision.cost_delta) == (
        "wait-silently",
        10,
        2,
    )
    assert decision.tags == ("accommodate",)


def test_episode_sets_clock_and_emits_card(scenario: PlayableScenario, mode: str) -> None:
    session = Driver(scenario, mode).choose("wait-silently").session
    cards = [e for e in session.events if isinstance(e, EpisodeStarted)]
    assert [c.episode for c in cards] == ["monday", "thursday"]
    assert session.clock is not None
    assert (session.clock.day_name, session.clock.time_text) == ("Thursday", "19:45")


def test_once_choice_is_shown_disabled_with_reason(scenario: PlayableScenario, mode: str) -> None:
    session = Driver(scenario, mode).choose("voucher").session
    views = {c.id: c for c in session.choices}
    assert not views["voucher"].available
    assert views["voucher"].reason == "Already given."
    assert "refuse" not in views  # unavailable without a reason: hidden
    with pytest.raises(SessionError):
        session.choose("voucher")


def test_revisiting_the_episode_start_does_not_restart_the_episode(
    scenario: PlayableScenario, mode: str
) -> None:
    session = Driver(scenario, mode).choose("voucher").session
    assert sum(isinstance(e, EpisodeStarted) for e in session.events) == 1


def test_conditional_line_follows_state(scenario: PlayableScenario, mode: str) -> None:
    session = Driver(scenario, mode).session
    assert len(session.lines) == 1


def test_line_mood_carries_to_later_lines(scenario: PlayableScenario, mode: str) -> None:
    session = Driver(scenario, mode).session
    shown = [e for e in session.events if isinstance(e, LineShown)]
    assert shown[0].mood == "annoyed"
    assert session.state.moods["viktor"] == "annoyed"


def test_branch_reaches_ending_with_score(scenario: PlayableScenario, mode: str) -> None:
    driver = Driver(scenario, mode).choose("refuse").continue_()
    result = driver.session.result()
    assert driver.session.status is Status.ENDED
    assert result is not None
    assert (result.ending, result.ending_kind, result.satisfaction, result.cost) == (
        "on-time",
        "balanced",
        20,
        0,
    )
    assert result.path == ["refuse"]
    # The author called this ending balanced: it passes, however the meters stand.
    assert result.passed and result.breakdown.band == "balanced"


def test_timer_runs_out_into_its_branch(scenario: PlayableScenario, mode: str) -> None:
    driver = Driver(scenario, mode).tick(4)
    assert driver.session.timer == (6, 10)
    driver.tick(6)
    session = driver.session
    assert any(isinstance(e, TimerExpired) for e in session.events)
    (decision,) = session.decisions
    assert decision.timed_out and decision.satisfaction_delta == -10
    assert decision.seconds_to_decide == 10


def test_time_to_decide_is_recorded(scenario: PlayableScenario, mode: str) -> None:
    session = Driver(scenario, mode).tick(3.5).choose("refuse").session
    assert session.decisions[0].seconds_to_decide == 3.5


def test_same_seed_same_random_outcome(scenario: PlayableScenario, mode: str) -> None:
    endings = set()
    for seed in range(40):
        first = Driver(scenario, mode, seed).choose("wait-silently").continue_().session
        second = Driver(scenario, mode, seed).choose("wait-silently").continue_().session
        assert first.state.node == second.state.node
        endings.add(first.state.node)
    assert endings == {"lost", "kept"}  # both random branches happen across seeds


def test_choosing_when_nothing_waits_is_refused(scenario: PlayableScenario, mode: str) -> None:
    session = Driver(scenario, mode).choose("wait-silently").session
    with pytest.raises(SessionError):
        session.choose("refuse")


def test_unknown_choice_is_refused(scenario: PlayableScenario, mode: str) -> None:
    with pytest.raises(SessionError):
        Driver(scenario, mode).session.choose("shout")


def test_events_and_decisions_survive_snapshot(scenario: PlayableScenario, mode: str) -> None:
    session = Driver(scenario, mode).tick(2).choose("wait-silently").continue_().session
    restored = Session.restore(scenario, json.loads(json.dumps(session.snapshot())))
    assert restored.events == session.events
    assert restored.decisions == session.decisions
    assert restored.snapshot() == session.snapshot()
    assert any(isinstance(e, ChoiceMade) for e in restored.events)


def test_snapshot_of_another_scenario_is_refused(
    scenario: PlayableScenario, playable: Callable[[str], PlayableScenario]
) -> None:
    other = playable(SCENARIO.replace("id: engine-test", "id: other"))
    data = Session.start(scenario).snapshot()
    with pytest.raises(SnapshotError, match="scenario"):
        Session.restore(other, data)


def test_snapshot_of_changed_scenario_is_refused(
    scenario: PlayableScenario, playable: Callable[[str], PlayableScenario]
) -> None:
    changed = playable(SCENARIO.replace("Right on time.", "Just in time."))
    with pytest.raises(SnapshotError, match="changed"):
        Session.restore(changed, Session.start(scenario).snapshot())


def test_damaged_snapshot_is_refused(scenario: PlayableScenario) -> None:
    data = Session.start(scenario).snapshot()
    del data["values"]
    with pytest.raises(SnapshotError, match="damaged"):
        Session.restore(scenario, data)
    with pytest.raises(SnapshotError, match="save format"):
        Session.restore(scenario, {**Session.start(scenario).snapshot(), "save_format": 99})


def test_session_stuck_when_runtime_finds_no_choice(
    playable: Callable[[str], PlayableScenario],
) -> None:
    # The validator's test points cannot see visits() counts above 2; at runtime the engine
    # must still stop cleanly rather than wait for ever.
    scenario = playable(STUCK)
    session = Session.start(scenario)
    for _ in range(3):
        session.choose("again")
    assert session.status is Status.STUCK
    assert "no choice is available" in session.state.stuck_reason


def test_a_fork_copies_every_part_of_the_state(scenario: PlayableScenario) -> None:
    """A fork is the same session, played on independently: every field equal, and no
    mutable part shared, or playing one would change the other."""
    session = Session.start(scenario, seed=3)
    session.choose("voucher")  # back to the start, with a choice made and a timer running
    session.tick(2)
    fork = session.fork(keep_events=True)
    for field in dataclasses.fields(SessionState):
        original, copied = getattr(session.state, field.name), getattr(fork.state, field.name)
        assert copied == original, field.name
        if isinstance(original, (list, dict, set)):
            assert copied is not original, field.name
    assert fork.snapshot() == session.snapshot()
    fork.choose(fork.available_choices[0])
    assert fork.snapshot() != session.snapshot()
    assert session.status is Status.WAITING_FOR_CHOICE


def test_an_explored_play_can_roll_the_same_dice_as_normal_play(
    scenario: PlayableScenario,
) -> None:
    """The analysis's seeded plays keep no history but must meet the same luck as a
    trainee with the same seed, or replaying their choices would go elsewhere."""
    endings = set()
    for seed in range(40):
        played = Session.start(scenario, seed=seed)
        played.choose("wait-silently")
        played.continue_()
        explored = Session.start(scenario, seed=seed, exploring=True)
        explored.choose("wait-silently")
        assert explored.status is Status.WAITING_FOR_CHANCE
        explored.roll_chance()
        assert explored.status is played.status is Status.ENDED
        assert explored.state.node == played.state.node
        assert explored.state.rng == played.state.rng
        endings.add(played.state.node)
    assert endings == {"lost", "kept"}
    with pytest.raises(SessionError):
        Session.start(scenario, exploring=True).roll_chance()
