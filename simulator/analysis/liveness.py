"""What a state must remember to decide its futures: the inputs still live at each node.

Two plays that stand at the same node differ only in ways no later step can see
once every value, visit count and past choice that a later condition or effect
may read is equal. Forgetting the rest lets the search merge them, as a compiler
forgets dead variables. The meters are always live: the score reads them.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulator.scenario.expressions import Reads, parse_condition, parse_effect, reads_of
from simulator.scenario.model import Node
from simulator.scenario.playable import PlayableScenario
from simulator.scenario.validate import successors

METERS = ("satisfaction", "cost")


@dataclass(frozen=True)
class LiveInputs:
    """At one node: the values, visit counts and past choices a later step may read."""

    names: tuple[str, ...]
    values: Callable[[dict[str, Any]], tuple[Any, ...]]  # the live values, in a fixed order
    visits: tuple[str, ...]
    choices: frozenset[str]


def _own_reads(scenario: PlayableScenario, node_id: str, node: Node) -> Reads:
    """What the node's own steps read (lines are left out: they only show text)."""
    reads = Reads(names=set(METERS))
    trees: list[Any] = [parse_effect(source) for source in node.effects]
    for index, choice in enumerate(node.choices or []):
        if choice.if_ is not None:
            trees.append(parse_condition(choice.if_))
        if choice.once:
            reads.choices.add(scenario.choice_ids[node_id][index])
        trees.extend(parse_effect(source) for source in choice.effects)
    if node.timer is not None:
        trees.extend(parse_effect(source) for source in node.timer.effects)
    trees.extend(parse_condition(b.if_) for b in node.branch or [] if b.if_ is not None)
    for tree in trees:
        found = reads_of(tree)
        reads.names |= found.names
        reads.visits |= found.visits
        reads.choices |= found.choices
    return reads


def live_inputs(scenario: PlayableScenario) -> dict[str, LiveInputs]:
    """For every node, what a state standing there must remember (a backward fixpoint:
    a node needs what it reads itself and whatever any node after it needs)."""
    nodes = scenario.model.nodes
    live = {node_id: _own_reads(scenario, node_id, node) for node_id, node in nodes.items()}
    after = {node_id: {to for to, _ in successors(node)} for node_id, node in nodes.items()}
    changed = True
    while changed:
        changed = False
        for node_id, reads in live.items():
            size = len(reads.names) + len(reads.visits) + len(reads.choices)
            for target in after[node_id]:
                later = live[target]
                reads.names |= later.names
                reads.visits |= later.visits
                reads.choices |= later.choices
            if len(reads.names) + len(reads.visits) + len(reads.choices) != size:
                changed = True
    order = list(scenario.initial_values)
    found: dict[str, LiveInputs] = {}
    for node_id, reads in live.items():
        names = tuple(name for name in order if name in reads.names)
        found[node_id] = LiveInputs(
            names=names,
            values=operator.itemgetter(*names),  # the meters make at least two: always a tuple
            visits=tuple(sorted(reads.visits)),
            choices=frozenset(reads.choices),
        )
    return found
