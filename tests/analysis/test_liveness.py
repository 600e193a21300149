"""What the search remembers of a state, and what it may forget."""

from __future__ import annotations

from collections.abc import Callable

from simulator.analysis.explore import Explorer
from simulator.analysis.liveness import live_inputs
from simulator.engine.session import Session
from simulator.scenario.playable import PlayableScenario

# 'haggle' may be entered twice (its own guard reads its visits); 'greet' comes before
# it and no play can come back there, so at 'greet' that count is always nothing yet.
# 'mood' is read only before it is set for good, so after 'settle' it is forgotten.
SCENARIO = """\
format: 1
id: live
title: Live
start: greet
variables:
  mood: {type: int, default: 0, min: 0, max: 3}
nodes:
  greet:
    choices:
      - {id: warm, text: Warm, effects: [mood += 1, satisfaction += 5], next: haggle}
      - {id: cool, text: Cool, next: haggle}
  haggle:
    choices:
      - {id: again, text: Ask again, if: 'visits("haggle") < 2 and mood < 2',
         effects: [mood += 1], next: haggle}
      - {id: settle, text: Settle, if: 'chose("warm")', effects: [cost += 1], next: done}
      - {id: leave, text: Leave, next: done}
  done: {ending: {kind: balanced, title: Done}}
scoring: {target: {satisfaction: 70, cost: 3}, cost_limit: 10, pass_mark: 70}
"""


def test_a_visit_count_is_remembered_only_where_it_can_differ(
    playable: Callable[[str], PlayableScenario],
) -> None:
    live = live_inputs(playable(SCENARIO))
    assert live["haggle"].visits == ("haggle",)
    assert live["greet"].visits == ()  # no play at 'greet' has been to 'haggle'
    assert live["haggle"].choices == frozenset({"warm"})
    assert live["greet"].choices == frozenset()  # nor made a choice there yet
    assert "mood" in live["haggle"].names and "mood" in live["greet"].names


def test_forgetting_changes_no_outcome(playable: Callable[[str], PlayableScenario]) -> None:
    """Every ending outcome the search finds is one a real play reaches, and back."""
    scenario = playable(SCENARIO)
    explorer = Explorer()
    explorer.search(Session.start(scenario, exploring=True))
    found = {(o.ending, o.satisfaction, o.cost) for o in explorer.outcomes}
    played = set()
    for first in ("warm", "cool"):
        for asks in range(3):
            for last in ("settle", "leave"):
                session = Session.start(scenario)
                session.choose(first)
                for _ in range(asks):
                    if "again" in session.available_choices:
                        session.choose("again")
                if last in session.available_choices:
                    session.choose(last)
                    result = session.result()
                    assert result is not None
                    played.add((result.ending, result.satisfaction, result.cost))
    assert found == played
