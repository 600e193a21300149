"""The merged search must agree with playing every path one by one.

The search forgets whatever no later step can read (dead variables, visit
counts and past choices) and merges plays that meet in the same situation.
Here random scenarios, full of such traps, are searched both ways: merged, and
by brute force over every play without merging anything.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.analysis.explore import TIMEOUT, Explorer, Outcome
from simulator.engine.session import Session, Status
from simulator.scenario.playable import PlayableScenario

EFFECTS = [
    "satisfaction += 10",
    "satisfaction -= 15",
    "satisfaction += 5 * level",
    "cost += 3",
    "cost += 2 * level",
    "level += 1",
    "level = 0",
    "warned = true",
    "noted = true",
]
CONDITIONS = [
    None,
    None,
    "level >= 1",
    "not warned",
    "warned or noted",
    "satisfaction < 50",
    'visits("n1_1") == 1',
    'chose("n0_0_c0")',
]


def random_scenario(seed: int) -> str:
    """A layered scenario (no loops) with conditions, once-only choices, timers, branches
    and random branches, its last layer all endings."""
    rng = random.Random(seed)
    layers = rng.randint(2, 4)
    width = 2
    lines = [
        "format: 1",
        f"id: random-{seed}",
        "title: Random",
        "start: n0_0",
        "variables:",
        "  level: {type: int, default: 0, min: 0, max: 3}",
        "  warned: {type: bool}",
        "  noted: {type: bool}",
        "nodes:",
    ]
    for layer in range(layers):
        following = [f"n{layer + 1}_{i}" for i in range(width)]
        if layer == layers - 1:
            following = ["end-a", "end-b"]
        for index in range(1 if layer == 0 else width):
            node = f"n{layer}_{index}"
            lines.append(f"  {node}:")
            shape = rng.random()
            if layer > 0 and shape < 0.15:
                lines.append("    branch:")
                lines.append(f"      - {{if: 'warned', next: {following[0]}}}")
                lines.append(f"      - {{next: {following[1]}}}")
                continue
            if layer > 0 and shape < 0.3:
                lines.append("    random:")
                lines.append(f"      - {{weight: 1, next: {following[0]}}}")
                lines.append(f"      - {{weight: 3, next: {following[1]}}}")
                continue
            lines.append(f"    lines: [{{text: At {node}.}}]")
            if rng.random() < 0.3:
                lines.append(
                    f"    timer: {{seconds: 5, next: {following[1]}, effects: [satisfaction -= 5]}}"
                )
            lines.append("    choices:")
            count = rng.randint(2, 3)
            for number in range(count):
                condition = None if number == 0 else rng.choice(CONDITIONS)
                effects = rng.sample(EFFECTS, rng.randint(0, 3))
                target = following[number % width] if number < width else rng.choice(following)
                parts = [f"id: {node}_c{number}", f"text: Option {number}", f"next: {target}"]
                if condition is not None:
                    parts.append(f"if: '{condition}'")
                if effects:
                    parts.append(f"effects: [{', '.join(effects)}]")
                if number > 0 and rng.random() < 0.2:
                    parts.append("once: true")
                lines.append(f"      - {{{', '.join(parts)}}}")
            lines.append(f"    fallback: {following[0]}")
    lines.append("  end-a: {ending: {kind: balanced, title: A}}")
    lines.append("  end-b: {ending: {kind: lost, title: B}}")
    lines.append("scoring: {target: {satisfaction: 70, cost: 4}, cost_limit: 20, pass_mark: 60}")
    return "\n".join(lines) + "\n"


@dataclass
class EveryPlay:
    best: float = float("-inf")
    worst: float = float("inf")
    outcomes: set[Outcome] = field(default_factory=set)
    nodes: set[str] = field(default_factory=set)
    offered: set[str] = field(default_factory=set)


def play_everything(session: Session, found: EveryPlay) -> tuple[float, float, int]:
    """Every play from here, unmerged: (best expected score, longest decisions, -)."""
    while session.status is Status.WAITING_FOR_CONTINUE:
        session.continue_()
    state = session.state
    if session.status is Status.ENDED:
        result = session.result()
        assert result is not None
        outcome = Outcome(state.node, result.satisfaction, result.cost, result.score)
        found.outcomes.add(outcome)
        found.nodes.update(state.visits)
        found.best = max(found.best, result.score)
        found.worst = min(found.worst, result.score)
        return result.score, 0, 0
    assert session.status is not Status.STUCK, state.stuck_reason
    if session.status is Status.WAITING_FOR_CHANCE:
        expected, longest = 0.0, 0
        for index, (_, probability) in enumerate(session.chances):
            branch = session.fork()
            branch.resolve_chance(index)
            value, length, _ = play_everything(branch, found)
            expected += probability * value
            longest = max(longest, length)
        return expected, longest, 0
    picks = list(session.available_choices) + ([TIMEOUT] if session.timer else [])
    expected, longest = float("-inf"), 0
    for pick in picks:
        found.offered.add(pick)
        branch = session.fork()
        if pick == TIMEOUT:
            branch.tick(session.timer[0])  # type: ignore[index]
        else:
            branch.choose(pick)
        value, length, _ = play_everything(branch, found)
        expected = max(expected, value)
        longest = max(longest, length + 1)
    return expected, longest, 0


# 'playable' writes the text to one file and loads it: nothing carries over between inputs.
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(0, 10**6))
def test_merged_search_matches_every_play(
    playable: Callable[[str], PlayableScenario], seed: int
) -> None:
    scenario = playable(random_scenario(seed))
    everything = EveryPlay()
    expected, longest, _ = play_everything(Session.start(scenario, exploring=True), everything)

    explorer = Explorer()
    summary = explorer.summary(Session.start(scenario, exploring=True))
    searched = {outcome._replace(state=-1) for outcome in explorer.outcomes}
    assert searched == everything.outcomes
    assert len(explorer.outcomes) == len(everything.outcomes)  # each once
    assert (summary.best, summary.worst) == (everything.best, everything.worst)
    assert abs(summary.expected - expected) < 1e-9
    assert summary.longest == longest
    assert explorer.visited_nodes == everything.nodes
    assert explorer.offered_choices == everything.offered
    assert not explorer.stuck


def test_states_that_differ_only_in_dead_values_are_merged(
    playable: Callable[[str], PlayableScenario],
) -> None:
    """'level' is read at the first step only; after it, plays that differ in it meet."""
    scenario = playable(
        """\
format: 1
id: dead-value
title: Dead value
start: first
variables:
  level: {type: int, default: 0, min: 0, max: 5}
nodes:
  first:
    lines: [{text: First.}]
    choices:
      - {id: up, text: Up, effects: [level += 1], next: second}
      - {id: stay, text: Stay, next: second}
  second:
    lines: [{text: Second.}]
    choices:
      - {id: high, text: High, if: level >= 1, effects: [satisfaction += 5], next: third}
      - {id: plain, text: Plain, next: third}
  third:
    lines: [{text: Third.}]
    choices:
      - {id: good, text: Good, effects: [satisfaction += 10], next: end}
      - {id: bad, text: Bad, effects: [satisfaction -= 10], next: end}
  end: {ending: {kind: balanced, title: End}}
scoring: {target: {satisfaction: 70, cost: 0}, cost_limit: 10, pass_mark: 60}
"""
    )
    explorer = Explorer()
    explorer.search(Session.start(scenario, exploring=True))
    at_third = [key for key in explorer.index if key[0] == "third"]
    # Reached with satisfaction 50 (by three routes) or 55 (one): level is forgotten there.
    assert len(at_third) == 2
