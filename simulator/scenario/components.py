"""A scenario's map as a graph, for the validator and the analysis alike: where each
node leads, what the start reaches, the groups of nodes a play can go round between
(which nodes can be entered twice, which a play can have passed before standing at
another), and the map read backwards."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping

from simulator.scenario.model import Node


def successors(node: Node) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """Every node id this node can lead to, with the path of the reference."""
    for index, choice in enumerate(node.choices or []):
        yield choice.next, ("choices", index, "next")
    if node.fallback:
        yield node.fallback, ("fallback",)
    if node.timer:
        yield node.timer.next, ("timer", "next")
    if node.next:
        yield node.next, ("next",)
    if node.otherwise:
        yield node.otherwise, ("otherwise",)
    for index, branch in enumerate(node.branch or []):
        yield branch.next, ("branch", index, "next")
    for index, option in enumerate(node.random or []):
        yield option.next, ("random", index, "next")


def reachable(starts: Iterable[str], neighbours: Callable[[str], Iterable[str]]) -> set[str]:
    """Every node the starts lead to through ``neighbours``, the starts included."""
    seen = set(starts)
    queue = deque(seen)
    while queue:
        current = queue.popleft()
        for following in neighbours(current):
            if following not in seen:
                seen.add(following)
                queue.append(following)
    return seen


def nodes_on_cycles(graph: Mapping[str, list[str]]) -> set[str]:
    """Nodes that can be entered more than once: they lie on a cycle."""
    return {
        node_id
        for component in strongly_connected(graph)
        if len(component) > 1 or component[0] in graph[component[0]]
        for node_id in component
    }


def unreachable_regions(
    nodes: Mapping[str, Node], reachable: set[str], graph: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    """The nodes nothing reaches, grouped by where each group is entered: a node no other
    unreachable node leads to (or, for a closed loop, its first node in the file), with
    the unreachable nodes after it. Each node is in one group; linear in the graph."""
    unreachable = [node_id for node_id in nodes if node_id not in reachable]
    entered = {target for node_id in unreachable for target in graph[node_id]}
    roots = [node_id for node_id in unreachable if node_id not in entered]
    regions: dict[str, list[str]] = {}
    placed: set[str] = set()
    for root in itertools.chain(roots, unreachable):
        if root in placed:
            continue
        placed.add(root)
        after: list[str] = []
        queue = deque([root])
        while queue:
            for target in graph[queue.popleft()]:
                if target not in placed and target not in reachable:
                    placed.add(target)
                    after.append(target)
                    queue.append(target)
        regions[root] = after
    return regions


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Every node's component, each listed after every component it leads to (Tarjan's
    order). Written as a loop, so long chains of nodes cannot exhaust the stack."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index_of:
            continue
        work = [(root, iter(graph[root]))]
        index_of[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            current, children = work[-1]
            advanced = False
            for child in children:
                if child not in index_of:
                    index_of[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[current] = min(low[current], index_of[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[current])
            if low[current] == index_of[current]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == current:
                        break
                components.append(component)
    return components


def predecessors(graph: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """For each node of the map, the nodes that lead straight to it (the map read
    backwards: which nodes can still reach an ending, or still offer a choice)."""
    before: dict[str, list[str]] = {node_id: [] for node_id in graph}
    for node_id, targets in graph.items():
        for target in targets:
            if target in before:
                before[target].append(node_id)
    return before
