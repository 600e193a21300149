"""Strongly connected components of a scenario's map: the groups of nodes a play can
go round between, found once for the validator (which nodes can be entered twice)
and for the analysis (which nodes a play can have passed before standing at another)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


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
