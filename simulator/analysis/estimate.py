"""Before searching: can the exhaustive search finish within its bound?

The search merges plays that meet in the same situation, so the states it holds
are far fewer than the routes through the map; but the routes still say how much
merging a search would need. Among the bundled scenarios the most needed is one
state for about 300,000 routes. A generated map of 1,000 nodes has about 5e75
routes: searching it until the bound of 200,000 states gives way only wastes the
time (nine tenths of that analysis) and the memory. Past ``ROUTES_PER_STATE``
routes for each state the search may hold, the search gets a short budget
instead (``PROBE_SHARE`` of the bound), and random playthroughs take over when
that is not enough, saying why.

The short search is there for maps whose routes are many but merge almost
entirely: sixty decisions in a row whose two options lead to the same next step
make 1e18 routes and, with a point of satisfaction at stake in each, a couple of
thousand states. Such a map is still searched to the
end, and its results are exact; only a map that needs more than the short budget
as well as having that many routes loses the rest of the search.

The count takes each loop once, so a map with loops may still hold more states
than the bound; the bound stops that search, as before.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping

from simulator.scenario.components import successors
from simulator.scenario.playable import PlayableScenario

#: Routes for each state the search may hold beyond which it only gets a short budget:
#: ten billion, some 30,000 times what any bundled scenario needs.
ROUTES_PER_STATE = 1e10
#: The short budget, as a share of the bound: a twentieth (10,000 of 200,000 states).
PROBE_SHARE = 20


def routes(scenario: PlayableScenario) -> float:
    """How many ways lead through the scenario's map from its start, each loop taken once:
    a rough guess at how much its search will have to do. (File size guesses badly: the
    bundled scenario with the most states is only the fourth largest.) Past about 1e308
    the count is infinite."""
    nodes = scenario.model.nodes
    # Every choice counts, even two to the same node: their effects can differ.
    after = {node_id: [to for to, _ in successors(node)] for node_id, node in nodes.items()}
    counted: dict[str, float] = {}
    for node_id in _post_order(scenario.model.start, after):
        # A step back round a loop leads to a node not yet counted: it adds no route.
        counted[node_id] = sum(counted.get(target, 0.0) for target in after[node_id]) or 1.0
    return counted[scenario.model.start]


def _post_order(start: str, after: Mapping[str, Iterable[str]]) -> list[str]:
    """The nodes reachable from ``start``, each after every node it leads to, except where
    a step leads back round a loop to a node still being walked. Without recursion: a
    map may have thousands of nodes in a row."""
    order: list[str] = []
    seen = {start}
    walking: list[tuple[str, Iterator[str]]] = [(start, iter(after[start]))]
    while walking:
        node_id, targets = walking[-1]
        for target in targets:
            if target not in seen:
                seen.add(target)
                walking.append((target, iter(after[target])))
                break
        else:
            walking.pop()
            order.append(node_id)
    return order


def search_budget(scenario: PlayableScenario, max_states: int) -> tuple[int, str | None]:
    """How many states the search may hold, and, when the routes cut that down to the
    short budget, what to tell the trainer if even that does not suffice."""
    count = routes(scenario)
    budget = max(1, max_states // PROBE_SHARE)
    if count <= ROUTES_PER_STATE * max_states or budget >= max_states:  # a tiny bound stays
        return max_states, None
    return budget, (
        f"{_amount(count)} routes lead through the map, more than a search of "
        f"{max_states:,} states can merge, and a short search of {budget:,} states "
        "did not finish"
    )


def _amount(count: float) -> str:
    """A count of routes as a trainer reads it: 5.1e+75, or past what a float holds."""
    return "more than 1e+308" if math.isinf(count) else f"about {count:.2g}"
