"""What the format lets an author say beyond plain effects: effects under a condition,
effects on branches, a node or a timer that applies only sometimes, hidden values shown
in the debrief, and a cost made of named parts at the author's rates."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from simulator.analysis.analyse import analyse
from simulator.engine.events import BranchTaken, NodeEntered
from simulator.engine.script import play_script
from simulator.engine.session import Session, Status
from simulator.scenario.loader import LoadResult
from simulator.scenario.playable import PlayableScenario
from simulator.transcript import cost_part_lines, result_json, shown_value_lines

CALL = """\
format: 1
id: call
title: A refund call
start: greet
clock: {day: 1, time: "09:00"}
meters:
  cost:
    unit: money
    currency: EUR
    start: 2
    components:
      refunds: {label: Refunds, rate: 1}
      minutes: {label: Time on the line, unit: min, rate: 0.5}
      energy: {label: Your energy, unit: points, rate: 2}
variables:
  anger: {type: int, default: 2, min: 0, max: 10, label: Her anger, debrief: true}
  queue: {type: int, default: 0, min: 0}
nodes:
  greet:
    effects:
      - minutes += 4
      - if: anger >= 2
        then: [energy += 1, minutes += 2]
    choices:
      - id: listen
        text: Let her tell it from the start.
        effects: [anger -= 2, minutes += 6]
        next: line
      - id: rush
        text: Ask for the order number straight away.
        effects: [anger += 3, queue += 5]
        next: line
  line:
    random:
      - {weight: 1, next: supervisor}
      - {weight: 1, next: supervisor, effects: [anger += 1, energy += 2]}
  supervisor:
    if: anger >= 4
    otherwise: offer
    lines: [{id: supervisor.l1, text: She asks for your manager.}]
    next: offer
  offer:
    timer: {if: queue > 0, seconds: 10, next: lost, effects: [anger += 2]}
    choices:
      - id: refund
        text: Refund the delivery charge.
        effects: [refunds += 8, satisfaction += 20]
        next: done
      - id: nothing
        text: Say there is nothing you can do.
        effects: [satisfaction -= 20]
        next: lost
  done:
    ending: {kind: balanced, title: Sorted}
  lost:
    ending: {kind: lost, title: Gone}
scoring:
  target: {satisfaction: 60, cost: 20}
  cost_limit: 60
"""


@pytest.fixture
def call(playable: Callable[[str], PlayableScenario]) -> PlayableScenario:
    return playable(CALL)


def test_effects_under_a_condition_apply_only_when_it_holds(call: PlayableScenario) -> None:
    session = Session.start(call, seed=0)
    values = session.state.values
    # anger starts at 2, so the conditional part applied: 4 + 2 minutes, 1 point of energy
    assert (values["minutes"], values["energy"]) == (6, 1)
    assert values["cost"] == pytest.approx(2 + 6 * 0.5 + 1 * 2)


def test_a_random_branch_applies_its_own_effects(call: PlayableScenario) -> None:
    outcomes = set()
    for seed in range(40):
        session = Session.start(call, seed=seed)
        session.choose("listen")
        rolled = [e for e in session.events if isinstance(e, BranchTaken) and e.random]
        assert len(rolled) == 1
        outcomes.add((rolled[0].target, session.state.values["anger"]))
    # the same target either way; only the second branch makes her angrier
    assert outcomes == {("supervisor", 0), ("supervisor", 1)}


def test_a_node_whose_condition_fails_is_passed_by(call: PlayableScenario) -> None:
    calm = Session.start(call, seed=0)
    calm.choose("listen")  # anger 0 or 1: no manager
    entered = [e.node for e in calm.events if isinstance(e, NodeEntered)]
    assert "supervisor" not in entered and entered[-1] == "offer"
    assert calm.state.visits.get("supervisor") is None
    angry = Session.start(call, seed=0)
    angry.choose("rush")  # anger 5 or 6
    assert "supervisor" in [e.node for e in angry.events if isinstance(e, NodeEntered)]
    assert any("manager" in line.text for line in angry.lines)


def test_a_timer_runs_only_when_its_condition_holds(call: PlayableScenario) -> None:
    calm = Session.start(call, seed=0)
    calm.choose("listen")
    assert calm.status is Status.WAITING_FOR_CHOICE and calm.timer is None
    calm.tick(60)
    assert calm.status is Status.WAITING_FOR_CHOICE  # nothing runs out
    busy = Session.start(call, seed=0)
    busy.choose("rush")
    while busy.status is Status.WAITING_FOR_CONTINUE:
        busy.continue_()
    assert busy.timer == (10, 10)
    busy.tick(11)
    assert busy.status is Status.ENDED and busy.state.node == "lost"


def test_the_cost_is_its_parts_at_their_rates_and_the_debrief_shows_each(
    call: PlayableScenario,
) -> None:
    session = Session.start(call, seed=3)
    session.choose("listen")
    session.choose("refund")
    result = session.result()
    assert result is not None
    parts = {part.id: part for part in result.cost_parts}
    assert parts["refunds"].amount == 8 and parts["minutes"].amount == 12
    assert result.cost == pytest.approx(2 + sum(p.amount * p.rate for p in parts.values()))
    lines = cost_part_lines(result, session)
    assert lines[0] == "Refunds: 8 EUR"
    assert lines[1] == "Time on the line: 12\u00a0min × 0.5 EUR = 6 EUR"
    shown = shown_value_lines(result, session)
    assert len(shown) == 1 and shown[0].startswith("Her anger: ")
    assert shown[0].endswith("(at the start: 2)")
    data = result_json(session, [1, 1])
    assert data["values"]["anger"]["start"] == 2
    assert {p["id"] for p in data["cost_parts"]} == {"refunds", "minutes", "energy"}


def test_the_analysis_follows_every_new_step(call: PlayableScenario) -> None:
    """The search meets conditional effects, passed-by nodes, branch effects and a timer
    that runs only sometimes, and each play it reports replays to what it says."""
    analysis = analyse(call, walks=5)
    assert analysis.method == "exhaustive"
    assert set(analysis.ending_paths) == {"done", "lost"}
    for ending, path in [*analysis.ending_paths.items(), ("best", analysis.best)]:
        assert path.seed is not None
        session, problem = play_script(call, path.numbers, path.seed)
        assert problem is None
        result = session.result()
        assert result is not None and result.score == path.score
        assert ending == "best" or result.ending == ending


def test_the_validator_checks_what_the_new_parts_say(
    load_text: Callable[[str], LoadResult],
) -> None:
    broken = (
        CALL.replace("    otherwise: offer\n", "")
        .replace("if: anger >= 2", "if: angre >= 2")
        .replace("effects: [refunds += 8, satisfaction += 20]", "effects: [cost += 8]")
        .replace("queue: {type: int", "minutes: {type: int, default: 0}\n  queue: {type: int")
    )
    result = load_text(broken)
    found = {(d.code, d.line) for d in result.diagnostics if d.is_error}
    codes = sorted(code for code, _ in found)
    assert codes == ["E206", "E216", "E302", "E305"], [d.format() for d in result.diagnostics]
    messages = " ".join(d.message for d in result.diagnostics)
    assert "'if' needs 'otherwise'" in messages
    assert "change one of them (refunds, minutes, energy)" in messages
    assert "did you mean 'anger'" in messages
