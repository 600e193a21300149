"""What a state must remember to decide its futures: the inputs still live at each node.

Two plays that stand at the same node differ only in ways no later step can see
once every value, visit count and past choice that a later condition or effect
may read is equal. Forgetting the rest lets the search merge them, as a compiler
forgets dead variables. The meters are always live: the score reads them.
"""

from __future__ import annotations

import operator
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulator.scenario.components import strongly_connected
from simulator.scenario.expressions import Reads, parse_condition, parse_effect, reads_of
from simulator.scenario.model import Node
from simulator.scenario.playable import CRITICAL, PlayableScenario
from simulator.scenario.validate import successors

# What the score reads, so always live: the meters, and the count of critical mistakes
# (left out of the values where no choice is critical).
METERS = ("satisfaction", "cost", CRITICAL)


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
    """For every node, what a state standing there must remember: what it reads itself
    and whatever any node after it needs. Worked backwards, so that without loops one
    pass settles every node; a loop sends the nodes before a node whose needs grew
    round again."""
    nodes = scenario.model.nodes
    live = {node_id: _own_reads(scenario, node_id, node) for node_id, node in nodes.items()}
    after = {node_id: {to for to, _ in successors(node)} for node_id, node in nodes.items()}
    before: dict[str, set[str]] = {node_id: set() for node_id in nodes}
    for node_id, targets in after.items():
        for target in targets:
            before[target].add(node_id)
    # Tarjan's order lists each group of nodes after every group it leads to: worked in
    # that order, nodes are settled after the nodes they lead to.
    components = strongly_connected(after)
    pending = deque(node_id for component in components for node_id in component)
    queued = set(pending)
    while pending:
        node_id = pending.popleft()
        queued.discard(node_id)
        reads = live[node_id]
        size = len(reads.names) + len(reads.visits) + len(reads.choices)
        for target in after[node_id]:
            later = live[target]
            reads.names |= later.names
            reads.visits |= later.visits
            reads.choices |= later.choices
        if len(reads.names) + len(reads.visits) + len(reads.choices) != size:
            for earlier in before[node_id] - queued:
                pending.append(earlier)
                queued.add(earlier)
    # A play standing at a node can only have passed nodes that lead to it. A node ranked
    # below this one in Tarjan's order cannot lead here: its visit count is always nothing
    # yet, the same for every play, and need not be remembered; nor need a choice whose
    # next node is such.
    rank = {node_id: number for number, component in enumerate(components) for node_id in component}
    leads_to = {
        scenario.choice_ids[node_id][index]: choice.next
        for node_id, node in nodes.items()
        for index, choice in enumerate(node.choices or [])
    }
    order = list(scenario.initial_values)
    found: dict[str, LiveInputs] = {}
    for node_id, reads in live.items():
        names = tuple(name for name in order if name in reads.names)
        here = rank[node_id]
        found[node_id] = LiveInputs(
            names=names,
            values=operator.itemgetter(*names),  # the meters make at least two: always a tuple
            visits=tuple(sorted(node for node in reads.visits if rank[node] >= here)),
            choices=frozenset(c for c in reads.choices if rank[leads_to[c]] >= here),
        )
    return found
