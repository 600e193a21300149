"""A play's history as saves hold it: every event type and a decision record, written
exactly as earlier versions wrote them, restore to the same values and are written back
the same, field order included. The records are plain slotted classes now (issue #16),
so this pins down that saves in stores and files still fit."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, get_args

import pytest

from simulator.engine.events import (
    BranchTaken,
    ChoiceMade,
    EpisodeStarted,
    Event,
    FallbackTaken,
    LineShown,
    NodeEntered,
    SessionEnded,
    SessionStuck,
    TimerExpired,
    event_from_dict,
    event_to_dict,
)
from simulator.engine.session import DecisionRecord, Session
from simulator.scenario.playable import PlayableScenario

SCENARIO = """\
format: 1
id: saved-history
title: Saved history
start: ask
nodes:
  ask:
    lines: [{id: ask.l1, text: Can I help?}]
    choices:
      - {id: help, text: Yes., effects: [satisfaction += 10], next: done, tags: [accommodate]}
  done:
    ending: {kind: balanced, title: Done}
scoring:
  target: {satisfaction: 60, cost: 0}
  cost_limit: 10
"""

# One of each event type, as a save holds it.
SAVED_EVENTS: list[dict[str, Any]] = [
    {"type": "NodeEntered", "node": "ask"},
    {
        "type": "EpisodeStarted",
        "episode": "monday",
        "title": "Monday",
        "intro": "He calls at half past five.",
        "day": 1,
        "time": 1050,
    },
    {
        "type": "LineShown",
        "node": "ask",
        "line": "ask.l1",
        "speaker": "viktor",
        "mood": "annoyed",
        "text": "Can I help?",
    },
    {
        "type": "ChoiceMade",
        "node": "ask",
        "choice": "help",
        "text": "Yes.",
        "satisfaction_delta": 10.0,
        "cost_delta": 2.5,
        "satisfaction": 60.0,
        "cost": 2.5,
    },
    {
        "type": "TimerExpired",
        "node": "ask",
        "satisfaction_delta": -10.0,
        "cost_delta": 0.0,
        "satisfaction": 40.0,
        "cost": 0.0,
    },
    {"type": "BranchTaken", "node": "late", "target": "lost", "random": True},
    {"type": "FallbackTaken", "node": "ask", "target": "done"},
    {"type": "SessionEnded", "node": "done", "kind": "balanced"},
    {"type": "SessionStuck", "node": "ask", "reason": "no branch condition held"},
]

# A decision as a save holds it, every field in the order saves write them.
SAVED_DECISION: dict[str, Any] = {
    "node": "ask",
    "choice": "help",
    "text": "Yes.",
    "tags": ["accommodate"],
    "lesson": None,
    "feedback": "",
    "satisfaction_before": 50.0,
    "satisfaction_after": 60.0,
    "cost_before": 0.0,
    "cost_after": 0.0,
    "seconds_to_decide": 4.5,
    "day": None,
    "time": None,
    "critical": None,
    "consequence_satisfaction": -5.0,
    "consequence_cost": 1.5,
}


@pytest.fixture
def scenario(playable: Callable[[str], PlayableScenario]) -> PlayableScenario:
    return playable(SCENARIO)


def test_every_event_type_has_a_saved_form_here() -> None:
    event_types = {cls.__name__ for cls in get_args(Event)}
    assert {data["type"] for data in SAVED_EVENTS} == event_types


@pytest.mark.parametrize("data", SAVED_EVENTS, ids=lambda data: data["type"])
def test_a_saved_event_restores_and_is_written_back_the_same(data: dict[str, Any]) -> None:
    event = event_from_dict(json.loads(json.dumps(data)))
    assert type(event).__name__ == data["type"]
    written = event_to_dict(event)
    assert list(written.items()) == list(data.items())  # the same fields, in the same order
    assert event_from_dict(written) == event
    assert hash(event_from_dict(written)) == hash(event)  # hashed by value, as when frozen


def test_a_saved_event_with_a_field_this_version_does_not_know_still_restores() -> None:
    event = event_from_dict({"type": "NodeEntered", "node": "ask", "later": 1})
    assert event == NodeEntered("ask")


def test_events_of_different_types_with_the_same_values_differ() -> None:
    assert FallbackTaken("ask", "done") != SessionStuck("ask", "done")
    assert len({FallbackTaken("ask", "done"), SessionStuck("ask", "done")}) == 2


def test_a_saved_decision_restores_and_is_written_back_the_same(
    scenario: PlayableScenario,
) -> None:
    data = Session.start(scenario).snapshot()
    data["decisions"] = [SAVED_DECISION]
    data["charged"] = [60.0, 0.0]
    restored = Session.restore(scenario, json.loads(json.dumps(data)))
    (decision,) = restored.decisions
    assert decision.tags == ("accommodate",)
    assert decision.satisfaction_delta == 5.0
    assert decision.cost_delta == 1.5
    written = restored.snapshot()["decisions"]
    assert [list(item.items()) for item in written] == [list(SAVED_DECISION.items())]


def test_a_played_history_survives_a_save_unchanged(scenario: PlayableScenario) -> None:
    session = Session.start(scenario)
    session.choose("help")
    saved = json.loads(json.dumps(session.snapshot()))
    restored = Session.restore(scenario, saved)
    assert restored.events == session.events
    assert restored.decisions == session.decisions
    assert [type(event) for event in restored.events] == [
        NodeEntered,
        LineShown,
        ChoiceMade,
        NodeEntered,
        SessionEnded,
    ]
    assert restored.snapshot() == session.snapshot()


def test_a_consequence_makes_a_new_record_and_leaves_the_first_as_it_was() -> None:
    # The recorder tells a revised decision from the one it wrote by identity.
    first = DecisionRecord(
        "ask", "help", "Yes.", ("accommodate",), None, "", 50.0, 60.0, 0.0, 0.0, 1.0, None, None
    )
    revised = first.with_consequence(-5.0, 1.5)
    assert revised is not first
    assert (first.consequence_satisfaction, first.consequence_cost) == (0.0, 0.0)
    assert (revised.satisfaction_delta, revised.cost_delta) == (5.0, 1.5)
    assert first.with_consequence(0.0, 0.0) is first
    assert len({first, revised, first}) == 2


@pytest.mark.parametrize(
    "event",
    [
        EpisodeStarted("monday", "Monday", "", 1, None),
        TimerExpired("ask", -1.0, 0.0, 49.0, 0.0),
        BranchTaken("late", "lost", False),
    ],
)
def test_an_event_is_equal_to_its_copy_and_not_to_a_changed_one(event: Event) -> None:
    copy = event_from_dict(event_to_dict(event))
    assert copy == event and copy is not event
    changed = event_from_dict({**event_to_dict(event), "node": "elsewhere", "episode": "x"})
    assert changed != event
