"""What a state must remember to decide its futures: the inputs still live at each node.

Two plays that stand at the same node differ only in ways no later step can see
once every value, visit count and past choice that a later condition or effect
may read is equal. Forgetting the rest lets the search merge them, as a compiler
forgets dead variables. The meters are always live: the score reads them.

Needs are filtered while they travel back through the map, not at the end: a
visit count or past choice that cannot differ at a node is dropped before it is
handed on to the nodes before it. Unfiltered, every node would first gather
every later reference (millions of set entries in a map of 10,000 nodes) only
to drop almost all of them; filtered, the work and the memory are what the
answer itself holds.
"""

from __future__ import annotations

import operator
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.scenario.components import predecessors, strongly_connected, successors
from simulator.scenario.expressions import Reads, parse_condition, parse_effect, reads_of
from simulator.scenario.model import Node, each_effect
from simulator.scenario.playable import CRITICAL, PlayableScenario

# What the score reads, so always live: the meters, and the count of critical mistakes
# (left out of the values where no choice is critical).
METERS = ("satisfaction", "cost", CRITICAL)

_NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LiveInputs:
    """At one node: the values, visit counts and past choices a later step may read."""

    names: tuple[str, ...]
    values: Callable[[dict[str, Any]], tuple[Any, ...]]  # the live values, in a fixed order
    visits: tuple[str, ...]
    choices: frozenset[str]


def _own_reads(scenario: PlayableScenario, node_id: str, node: Node) -> Reads:
    """What the node's own steps read (lines are left out: they only show text)."""
    # the parts of the cost too: how far a part's next change moves the cost depends on
    # where the part stands (it stops at 0), whatever the effect reads
    reads = Reads(names=set(METERS) | set(scenario.model.meters.cost.components))
    trees: list[Any] = []
    conditions = [node.if_] if node.if_ is not None else []
    effect_lists = [node.effects]
    for index, choice in enumerate(node.choices or []):
        if choice.if_ is not None:
            conditions.append(choice.if_)
        if choice.once:
            reads.choices.add(scenario.choice_ids[node_id][index])
        effect_lists.append(choice.effects)
    if node.timer is not None:
        effect_lists.append(node.timer.effects)
        if node.timer.if_ is not None:
            conditions.append(node.timer.if_)
    for branch in node.branch or []:
        effect_lists.append(branch.effects)
        if branch.if_ is not None:
            conditions.append(branch.if_)
    effect_lists.extend(option.effects for option in node.random or [])
    for effects in effect_lists:
        for source, _, condition in each_effect(effects):
            trees.append(parse_effect(source))
            if condition is not None:
                conditions.append(condition)
    trees.extend(parse_condition(source) for source in conditions)
    for tree in trees:
        found = reads_of(tree)
        reads.names |= found.names
        reads.visits |= found.visits
        reads.choices |= found.choices
    return reads


class _Needs:
    """Every node's needs while they are worked out: the variables as bits of one
    number (a scenario declares a few dozen at most, its nodes may be 100,000), the
    visit counts and past choices as sets shared until they must grow."""

    def __init__(self, scenario: PlayableScenario, rank: Mapping[str, int]) -> None:
        self.rank = rank
        self.order = list(scenario.initial_values)
        bit = {name: 1 << index for index, name in enumerate(self.order)}
        # A choice's past can differ at a node only if the node it leads to can be
        # passed before it; that node stands for the choice in every rank test.
        self.leads_to = {
            scenario.choice_ids[node_id][index]: choice.next
            for node_id, node in scenario.model.nodes.items()
            for index, choice in enumerate(node.choices or [])
        }
        self.names: dict[str, int] = {}
        self.visits: dict[str, frozenset[str]] = {}
        self.choices: dict[str, frozenset[str]] = {}
        for node_id, node in scenario.model.nodes.items():
            reads = _own_reads(scenario, node_id, node)
            self.names[node_id] = sum(bit[name] for name in reads.names if name in bit)
            self.visits[node_id] = self._visible(reads.visits, rank[node_id])
            self.choices[node_id] = self._chosen(reads.choices, rank[node_id])

    def _visible(self, visits: set[str] | frozenset[str], here: int) -> frozenset[str]:
        """The visit counts that can differ at a node of this rank. A node ranked below it
        in Tarjan's order cannot lead to it: no play standing there has passed that node,
        its count is nothing yet for every play, and need not be remembered."""
        rank = self.rank
        kept = [node for node in visits if rank[node] >= here]
        return frozenset(kept) if kept else _NOTHING

    def _chosen(self, choices: set[str] | frozenset[str], here: int) -> frozenset[str]:
        """The past choices that can differ at a node of this rank (as for visits)."""
        rank, leads_to = self.rank, self.leads_to
        kept = [choice for choice in choices if rank[leads_to[choice]] >= here]
        return frozenset(kept) if kept else _NOTHING

    def gather(self, node_id: str, targets: list[str]) -> bool:
        """Add what the node's targets need, as far as it can differ here; True when the
        node's needs grew. Along any route ranks only fall, so what is dropped here
        would be dropped at every node before this one too: filtering on the way gives
        what filtering at the end gave."""
        here = self.rank[node_id]
        names, visits, choices = self.names[node_id], self.visits[node_id], self.choices[node_id]
        grew = False
        for target in targets:
            more = self.names[target]
            if more | names != names:
                names |= more
                grew = True
            same_group = self.rank[target] == here  # everything there can differ here too
            later = self.visits[target]
            if later and not later <= visits:
                added = later if same_group else self._visible(later - visits, here)
                if added:
                    visits = visits | added
                    grew = True
            later = self.choices[target]
            if later and not later <= choices:
                added = later if same_group else self._chosen(later - choices, here)
                if added:
                    choices = choices | added
                    grew = True
        self.names[node_id], self.visits[node_id], self.choices[node_id] = names, visits, choices
        return grew

    def inputs(self, node_id: str, getters: dict[tuple[str, ...], Any]) -> LiveInputs:
        mask = self.names[node_id]
        names = tuple(name for index, name in enumerate(self.order) if mask >> index & 1)
        values = getters.get(names)
        if values is None:  # one getter per set of names, shared by the nodes needing it
            values = getters[names] = operator.itemgetter(*names)  # meters: always a tuple
        return LiveInputs(
            names=names,
            values=values,
            visits=tuple(sorted(self.visits[node_id])),
            choices=self.choices[node_id],
        )


def live_inputs(scenario: PlayableScenario) -> dict[str, LiveInputs]:
    """For every node, what a state standing there must remember: what it reads itself
    and whatever any node after it needs, as far as it can differ there. Worked group by
    group in Tarjan's order, each group after every group it leads to: a node outside a
    loop is settled in one step, and only the nodes of a loop go round again while the
    needs of a node they lead to grow."""
    nodes = scenario.model.nodes
    after = {
        node_id: list(dict.fromkeys(to for to, _ in successors(node)))
        for node_id, node in nodes.items()
    }
    components = strongly_connected(after)
    rank = {node_id: number for number, component in enumerate(components) for node_id in component}
    needs = _Needs(scenario, rank)
    for component in components:
        if len(component) == 1:
            needs.gather(component[0], after[component[0]])
            continue
        before = predecessors({node_id: after[node_id] for node_id in component})
        pending = deque(component)
        queued = set(component)
        while pending:
            node_id = pending.popleft()
            queued.discard(node_id)
            if needs.gather(node_id, after[node_id]):
                for earlier in before[node_id]:
                    if earlier not in queued:
                        pending.append(earlier)
                        queued.add(earlier)
    getters: dict[tuple[str, ...], Any] = {}
    return {node_id: needs.inputs(node_id, getters) for node_id in nodes}
