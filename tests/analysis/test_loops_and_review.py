"""Scenarios whose plays can come back to where they were, and the debrief's hints.

A loop makes the search meet a state whose futures it is still working out.
Its scores must still come out right, a loop with no way out must be reported
as a run that cannot end, and the paths shown must not go round and round.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest

from simulator.analysis.analyse import analyse
from simulator.analysis.explore import Explorer, StateSpaceTooLarge
from simulator.analysis.review import review_decisions
from simulator.engine.session import Session
from simulator.scenario.playable import PlayableScenario
from tests.conftest import run_cli

SCORING = "scoring: {target: {satisfaction: 70, cost: 0}, cost_limit: 10, pass_mark: 60}\n"

# From 'a' the trainee can fix it (+30: 100) or go to 'b'; from 'b', refuse (-30: a
# balance of 54, within ten points of the pass mark of 60, so squeezed to 50 for a lost
# ending) or go back to 'a'.
# Whichever door they come in by, 100 is still within reach.
LOOP = (
    """\
format: 1
id: loop
title: Loop
start: start
lessons:
  ask: {title: Ask first, debrief: Find out what he needs., applied_by: [b-to-a, a-fix]}
nodes:
  start:
    choices:
      - {id: go-a, text: Listen first, next: a}
      - {id: go-b, text: Explain the rules, next: b}
  a:
    choices:
      - {id: a-to-b, text: Explain the rules, next: b}
      - {id: a-fix, text: Fix it for him, effects: [satisfaction += 30], next: good}
  b:
    choices:
      - {id: b-to-a, text: Ask what he needs, next: a}
      - {id: b-refuse, text: Refuse, effects: [satisfaction -= 30], next: bad}
  good: {ending: {kind: balanced, title: Good}}
  bad: {ending: {kind: lost, title: Bad}}
"""
    + SCORING
)

# Once provoked, 'settle' is gone for good and the argument goes round for ever.
TRAP = (
    """\
format: 1
id: trap
title: Trap
start: desk
variables:
  angry: {type: bool}
nodes:
  desk:
    choices:
      - {id: calm, text: Calm him, effects: [satisfaction += 20], next: done}
      - {id: provoke, text: Provoke him, effects: [angry = true], next: argue}
  argue:
    lines: [{text: He argues.}, {text: Again?, if: 'visits("argue") > 1'}]
    choices:
      - {id: settle, text: Settle, if: not angry, next: done}
      - {id: argue-more, text: Argue more, next: argue2}
  argue2:
    choices:
      - {id: back, text: Go on, next: argue}
  done: {ending: {kind: balanced, title: Done}}
"""
    + SCORING
)

# Nobody answers half the time, and the trainee rings again: the phone is answered in
# the end, so the best expected score is the answered one.
RING = (
    """\
format: 1
id: ring
title: Ring
start: ring
nodes:
  ring:
    choices:
      - {id: call, text: Call, next: line}
      - {id: give-up, text: Give up, effects: [satisfaction -= 30], next: lost}
  line:
    random:
      - {weight: 1, next: answered}
      - {weight: 1, next: ring}
  answered:
    choices:
      - {id: fix, text: Fix it, effects: [satisfaction += 20], next: good}
  good: {ending: {kind: balanced, title: Good}}
  lost: {ending: {kind: lost, title: Lost}}
"""
    + SCORING
)


def test_scores_inside_a_loop_count_every_way_out(
    playable: Callable[[str], PlayableScenario],
) -> None:
    scenario = playable(LOOP)
    values = Explorer().option_values(Session.start(scenario, exploring=True))
    assert values == {"go-a": 100.0, "go-b": 100.0}  # from 'b', back to 'a' and fix it
    result = analyse(scenario, walks=50)
    assert (result.best.score, result.worst.score) == (100, 50)
    assert result.best.choices == ["go-a", "a-fix"]  # the shortest way, not round the loop
    assert result.worst.choices == ["go-b", "b-refuse"]
    assert all(len(path) <= 4 for path in result.best_paths)
    assert not result.stuck


def test_a_loop_with_no_way_out_is_a_run_that_cannot_end(
    playable: Callable[[str], PlayableScenario], write_file
) -> None:
    result = analyse(playable(TRAP), walks=50)
    assert set(result.stuck) == {"argue", "argue2"}
    assert "loop" in result.stuck["argue"]
    done = run_cli("analyze", str(write_file(TRAP, "trap.yaml")), "--walks", "20")
    assert done.returncode == 1 and "Runs that cannot end" in done.stdout


def test_random_branches_that_loop_average_out(
    playable: Callable[[str], PlayableScenario],
) -> None:
    result = analyse(playable(RING), walks=50)
    assert result.best_expected == pytest.approx(100.0, abs=1e-6)
    assert result.best.choices == ["call", "fix"]
    json.dumps(result.to_json(), allow_nan=False)  # JSON has no infinity


def test_the_debrief_sees_the_way_back_through_a_loop(
    playable: Callable[[str], PlayableScenario],
) -> None:
    """go-b, b-to-a, a-fix scores 100: go-b was no mistake and must not be called one."""
    scenario = playable(LOOP)
    session = Session.start(scenario, seed=1)
    for choice in ("go-b", "b-to-a", "a-fix"):
        session.choose(choice)
    reviews = review_decisions(scenario, 1, session.decisions)
    assert [review.better_choice for review in reviews] == [None, None, None]
    session = Session.start(scenario, seed=1)
    session.choose("go-b")
    session.choose("b-refuse")
    reviews = review_decisions(scenario, 1, session.decisions)
    assert reviews[1].better_choice == "b-to-a"


def remembered_steps(steps: int) -> str:
    """Yes-or-no steps, each remembered to the end: 2 ** steps ways through, and about
    as many states for the search."""
    flag = "{type: int, default: 0, min: 0, max: 1}"
    variables = "\n".join(f"  f{n}: {flag}" for n in range(steps))
    nodes = []
    for n in range(steps):
        following = f"s{n + 1}" if n + 1 < steps else "check"
        nodes.append(
            f"  s{n}:\n    choices:\n"
            f"      - {{id: yes{n}, text: Yes, effects: [f{n} = 1], next: {following}}}\n"
            f"      - {{id: no{n}, text: No, next: {following}}}"
        )
    total = " + ".join(f"f{n}" for n in range(steps))
    return (
        f"format: 1\nid: huge\ntitle: Huge\nstart: s0\nvariables:\n{variables}\nnodes:\n"
        + "\n".join(nodes)
        + f"\n  check:\n    branch:\n      - {{if: '{total} >= {steps * 3 // 4}', next: good}}\n"
        "      - {next: bad}\n"
        "  good: {ending: {kind: balanced, title: Good}}\n"
        "  bad: {ending: {kind: lost, title: Bad}}\n" + SCORING
    )


def test_a_search_can_be_stopped_from_another_thread(
    playable: Callable[[str], PlayableScenario],
) -> None:
    """How the game drops a search made ahead for a scenario the trainee has left: the
    search ends at its next state, as at its bound, long before its 260,000 states."""
    explorer = Explorer(max_states=10**6)
    session = Session.start(playable(remembered_steps(18)), exploring=True)
    outcome: list[BaseException | int] = []

    def search() -> None:
        try:
            outcome.append(explorer.search(session))
        except StateSpaceTooLarge as stopped:
            outcome.append(stopped)

    searching = threading.Thread(target=search)
    searching.start()
    while explorer.states == 0 and searching.is_alive():
        time.sleep(0.001)
    explorer.stop()
    searching.join()
    assert len(outcome) == 1 and isinstance(outcome[0], StateSpaceTooLarge)
    assert explorer.states < 2**18


def test_a_scenario_too_large_to_search_gets_a_debrief_without_hints(
    playable: Callable[[str], PlayableScenario],
) -> None:
    """Twelve yes-or-no steps, each remembered: 4,096 ways through, against a bound of
    1,000 states (the game's is REVIEW_MAX_STATES; this is the same search, smaller)."""
    steps = 12
    text = remembered_steps(steps)
    scenario = playable(text)
    session = Session.start(scenario, seed=1)
    for n in range(steps):
        session.choose(f"no{n}")
    reviews = review_decisions(scenario, 1, session.decisions, max_states=1000)
    assert len(reviews) == steps
    assert all(review.better_choice is None for review in reviews)
