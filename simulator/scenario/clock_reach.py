"""When a play can reach each node at the earliest, by the scenario's clock: what the
validator needs to warn of an episode that would set the clock back (W508). It reads
how far each effect moves the clock when that is a fixed amount (``advance(30)``), and
whether an expression reads the clock at all."""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass

from simulator.scenario.expressions import (
    MINUTES_PER_DAY,
    VALUE_LIMIT,
    CallStatement,
    ExpressionNode,
    Statement,
    compile_value,
    reads_of,
)
from simulator.scenario.model import EffectItem, Scenario, each_effect, minutes_of
from simulator.scenario.probes import ProbeContext

#: The names by which an expression reads the clock.
CLOCK_NAMES = frozenset(("day", "time"))


@dataclass(frozen=True)
class ExpressionNotes:
    """What a checked expression means beyond its type: whether it reads the clock, and
    how far it moves the clock when that is a fixed amount (advance(30))."""

    reads_clock: bool
    advance: float | None


def notes_of(expression: ExpressionNode | Statement) -> ExpressionNotes:
    reads = reads_of(expression)
    advance = None
    if isinstance(expression, CallStatement):
        argument = expression.call.arguments[0]
        needs = reads_of(argument)
        if not (needs.names or needs.visits or needs.choices):
            value = compile_value(argument)(ProbeContext({}))
            advance = float(value) if math.isfinite(value) else None
    return ExpressionNotes(bool(reads.names & CLOCK_NAMES), advance)


def episode_setting(day: int | None, time: str | None, reached: int) -> int:
    """The clock (minutes since the start of day 1) an episode sets when entered at
    ``reached``: what it does not set stays as it was."""
    day_number = day if day is not None else reached // MINUTES_PER_DAY + 1
    minute = minutes_of(time) if time is not None else reached % MINUTES_PER_DAY
    return (day_number - 1) * MINUTES_PER_DAY + minute


def clock_text(clock: int, day_names: list[str] | None) -> str:
    day, minute = divmod(clock, MINUTES_PER_DAY)
    name = day_names[day] if day_names and day < len(day_names) else f"day {day + 1}"
    return f"{name} {minute // 60:02d}:{minute % 60:02d}"


def earliest_arrivals(
    scenario: Scenario,
    edges: Mapping[str, list[tuple[str, tuple[str | int, ...]]]],
    notes: Mapping[str, ExpressionNotes],
) -> dict[str, int]:
    """The earliest clock (minutes since the start of day 1) at which each node can be
    entered: Dijkstra over the nodes, where entering a node may start an episode and
    its effects and a choice's or timer's effects move the clock on by fixed amounts
    (an amount that depends on the play counts as none, the least it can be). An episode
    that would set the clock back is taken as leaving it where it is, so the times stay
    a lower bound on every path and grow along each; W508 reports that episode."""
    clock = scenario.clock
    assert clock is not None
    settings = {
        episode.start: (episode.day, episode.time) for episode in scenario.episodes.values()
    }

    def moved(items: list[EffectItem]) -> int:
        total = 0.0
        for source, _, condition in each_effect(items):
            # an effect under a condition may not happen: the least it moves is nothing
            step = notes[source].advance if source in notes and condition is None else None
            total += step if step is not None and step > 0 else 0
        return round(min(total, VALUE_LIMIT))

    start = (clock.day - 1) * MINUTES_PER_DAY + minutes_of(clock.time)
    arrival: dict[str, int] = {scenario.start: start}
    queue = [(start, scenario.start)]
    while queue:
        reached, node_id = heapq.heappop(queue)
        if reached > arrival[node_id]:
            continue
        node = scenario.nodes[node_id]
        now = reached
        if node_id in settings:
            now = max(now, episode_setting(*settings[node_id], now))
        if node.if_ is None:  # a node with 'if' may be passed by, its effects not run
            now += moved(node.effects)
        for target, reference in edges[node_id]:
            if target not in scenario.nodes:
                continue
            step = 0
            if reference[0] == "choices":
                step = moved((node.choices or [])[int(reference[1])].effects)
            elif reference[0] == "timer" and node.timer is not None:
                step = moved(node.timer.effects)
            elif reference[0] == "branch":
                step = moved((node.branch or [])[int(reference[1])].effects)
            elif reference[0] == "random":
                step = moved((node.random or [])[int(reference[1])].effects)
            if now + step < arrival.get(target, now + step + 1):
                arrival[target] = now + step
                heapq.heappush(queue, (now + step, target))
    return arrival
