"""Everything a trainer wants to know about a scenario before a new hire plays it.

``analyse`` is the one piece of code behind ``python -m simulator analyze`` and
the balance tests of the bundled scenarios.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from simulator.analysis.checks import content_blind, score_and_ending
from simulator.analysis.estimate import search_budget
from simulator.analysis.evidence import GraphRoutes, ReplayablePath, replayable
from simulator.analysis.explore import (
    Explorer,
    Outcome,
    StateSpaceTooLarge,
    critical_of,
)
from simulator.analysis.policies import (
    GraphPolicies,
    Policy,
    blind_policies,
    choice_tags,
    play_out,
    random_policy,
    sampled_mean,
    scenario_tags,
    tag_policy,
    where_tags_offered,
)
from simulator.analysis.progress import Progress
from simulator.engine.script import replay
from simulator.engine.session import Session
from simulator.gcpause import without_cyclic_gc
from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.i18n import translatable_texts
from simulator.scenario.playable import PlayableScenario

DEFAULT_MAX_STATES = 200_000
DEFAULT_WALKS = 1000  # random playthroughs, where they stand in for the search or loops


@dataclass
class Analysis:
    scenario: str
    title: str
    method: str  # "exhaustive" or "random playthroughs"
    states: int
    walks: int
    reachable_nodes: list[str]
    unreachable_nodes: list[str]
    unoffered_choices: list[str]  # choices no play can ever pick (their conditions never hold)
    endings: dict[str, dict[str, Any]]  # ending id -> kind, title, reached
    stuck: dict[str, str]  # node -> why a run cannot end there
    score_range: tuple[float, float]
    best: ReplayablePath
    worst: ReplayablePath
    best_expected: float | None  # the best expected score, random branches averaged
    pareto: list[Outcome]
    policies: dict[str, float]
    blind_policies: dict[str, float]  # content-blind play: by length or position alone
    ending_paths: dict[str, ReplayablePath]  # one replayable play to every ending reached
    findings: list[Diagnostic]  # the checks of checks.py, not yet placed in the file
    longest_path_decisions: int | None = None  # None when only random walks were made
    best_paths: list[list[str]] = field(default_factory=list)
    statistics: dict[str, int] = field(default_factory=dict)
    # Why random playthroughs stood in for the search (None when it was exhaustive).
    why_sampled: str | None = None

    @property
    def failed(self) -> bool:
        """Whether the scenario broke a check that must hold (an error, not a warning)."""
        return bool(self.stuck) or any(finding.is_error for finding in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "title": self.title,
            "method": self.method,
            "states": self.states,
            "walks": self.walks,
            "reachable_nodes": self.reachable_nodes,
            "unreachable_nodes": self.unreachable_nodes,
            "unoffered_choices": self.unoffered_choices,
            "endings": self.endings,
            "stuck": self.stuck,
            "score_range": list(self.score_range),
            "best": _path_json(self.best),
            "worst": _path_json(self.worst),
            "ending_paths": {
                ending: _path_json(path) for ending, path in self.ending_paths.items()
            },
            "best_expected": _finite(self.best_expected),
            "pareto": [
                {
                    "ending": o.ending,
                    "satisfaction": o.satisfaction,
                    "cost": o.cost,
                    "score": o.score,
                }
                for o in self.pareto
            ],
            "policies": self.policies,
            "blind_policies": self.blind_policies,
            "findings": [
                {"code": f.code, "severity": f.severity.value, "message": f.message}
                for f in self.findings
            ],
            "longest_path_decisions": self.longest_path_decisions,
            "best_paths": self.best_paths,
            "statistics": self.statistics,
            "why_sampled": self.why_sampled,
        }


def _path_json(path: ReplayablePath) -> dict[str, Any]:
    return {
        "score": _finite(path.score),
        "numbers": path.numbers,
        "choices": path.choices,
        "seed": path.seed,
    }


def _finite(value: float | None) -> float | None:
    """JSON has no infinity: where no play can end, there is no score to give."""
    return value if value is not None and math.isfinite(value) else None


def pareto_frontier(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """Outcomes no other beats on both satisfaction (higher) and cost (lower): at each
    satisfaction only the cheapest can count (ties: the higher score, then the ending's
    id), and one sweep from the happiest customer down keeps those cheaper than all
    before them. Tens of thousands of outcomes share a hundred or so satisfactions."""
    cheapest_at: dict[float, Outcome] = {}
    for outcome in outcomes:
        known = cheapest_at.get(outcome.satisfaction)
        if known is None or (outcome.cost, -outcome.score, outcome.ending) < (
            known.cost,
            -known.score,
            known.ending,
        ):
            cheapest_at[outcome.satisfaction] = outcome
    frontier: list[Outcome] = []
    cheapest = float("inf")
    for satisfaction in sorted(cheapest_at, reverse=True):
        outcome = cheapest_at[satisfaction]
        if outcome.cost < cheapest:
            cheapest = outcome.cost
            frontier.append(outcome)
    return frontier[::-1]  # cheapest first


STATISTICS = {"words", "nodes", "decisions", "choices", "endings"}  # what statistics() counts


def statistics(scenario: PlayableScenario) -> dict[str, int]:
    model = scenario.model
    texts = translatable_texts(model, dict(scenario.characters))
    return {
        "words": sum(len(text.split()) for text, _ in texts.values()),
        "nodes": len(model.nodes),
        "decisions": sum(1 for node in model.nodes.values() if node.choices),
        "choices": sum(len(node.choices or []) for node in model.nodes.values()),
        "endings": sum(1 for node in model.nodes.values() if node.ending),
    }


def has_chance(scenario: PlayableScenario) -> bool:
    return any(node.random for node in scenario.model.nodes.values())


def _policies(
    scenario: PlayableScenario,
    named: dict[str, Policy],
    walks: int,
    seed: int,
    graph: GraphPolicies | None,
    guessing: bool,
    offered_at: dict[str, frozenset[str]] | None = None,
) -> dict[str, float]:
    """Each policy's mean score: weighed exactly on the searched graph where there is one
    and plays cannot loop, otherwise from seeded plays (one suffices for policies that
    never guess, when nothing is left to chance). ``offered_at``: for the tag policies,
    by name, where their tags may still be offered."""
    runs = walks if guessing or has_chance(scenario) else 1
    table: dict[str, float] = {}
    for name, policy in named.items():
        mean = None if graph is None else graph.mean(policy, (offered_at or {}).get(name))
        table[name] = sampled_mean(scenario, policy, runs, seed) if mean is None else mean
    return table


def _named_policies(scenario: PlayableScenario) -> dict[str, Policy]:
    return {"random": random_policy} | {tag: tag_policy(tag) for tag in scenario_tags(scenario)}


def analyse(
    scenario: PlayableScenario,
    walks: int = DEFAULT_WALKS,
    seed: int = 0,
    max_states: int = DEFAULT_MAX_STATES,
    progress: Progress | None = None,
) -> Analysis:
    """Search the scenario, or play it at random when the search cannot finish within
    ``max_states`` (or within a short budget, when the routes through its map say it
    cannot finish; see ``estimate``). ``progress`` is told how far the search or the
    playthroughs have got."""
    with without_cyclic_gc():
        return _analyse(scenario, walks, seed, max_states, progress)


def _analyse(
    scenario: PlayableScenario,
    walks: int,
    seed: int,
    max_states: int,
    progress: Progress | None,
) -> Analysis:
    model = scenario.model
    endings_meta = {
        node_id: {"kind": node.ending.kind.value, "title": node.ending.title, "reached": False}
        for node_id, node in model.nodes.items()
        if node.ending
    }
    budget, doubt = search_budget(scenario, max_states)
    searched = _search(scenario, budget, progress)
    if searched is None:
        why = doubt or f"the search met {max_states:,} states without finishing"
        return _analyse_by_walks(scenario, walks, seed, endings_meta, progress, why)
    explorer, root = searched
    outcomes = explorer.outcomes
    for outcome in outcomes:
        endings_meta[outcome.ending]["reached"] = True
    routes = GraphRoutes(explorer, root)

    def witness(outcome: Outcome) -> str:
        steps = routes.steps_to(outcome.state)
        return replayable(scenario, steps, outcome.score).command(scenario.id)

    graph = GraphPolicies(explorer, root, choice_tags(scenario))
    blind = _policies(scenario, blind_policies(scenario), walks, seed, graph, guessing=False)
    scores = [o.score for o in outcomes] or [0]
    reachable = sorted(explorer.visited_nodes)
    return Analysis(
        scenario=scenario.id,
        title=scenario.title,
        method="exhaustive",
        states=explorer.states,
        walks=walks,
        reachable_nodes=reachable,
        unreachable_nodes=sorted(set(model.nodes) - set(reachable)),
        unoffered_choices=sorted(scenario.declarations.choice_ids - explorer.offered_choices),
        endings=endings_meta,
        stuck=explorer.stuck,
        score_range=(min(scores), max(scores)),
        best=replayable(scenario, explorer.fewest_steps(root, "best"), explorer.best[root]),
        worst=replayable(scenario, explorer.fewest_steps(root, "worst"), explorer.worst[root]),
        best_expected=explorer.expected[root],
        pareto=pareto_frontier(outcomes),
        policies=_policies(
            scenario,
            _named_policies(scenario),
            walks,
            seed,
            graph,
            guessing=True,
            offered_at=where_tags_offered(scenario),
        ),
        blind_policies=blind,
        ending_paths={
            ending: replayable(scenario, routes.steps_to(number), explorer.best[number])
            for ending, number in sorted(routes.first_end_per_node().items())
        },
        findings=score_and_ending(scenario, outcomes, witness) + content_blind(scenario, blind),
        longest_path_decisions=explorer.longest[root],
        best_paths=explorer.best_paths(Session.start(scenario, exploring=True), limit=200),
        statistics=statistics(scenario),
    )


def _search(
    scenario: PlayableScenario, max_states: int, progress: Progress | None
) -> tuple[Explorer, int] | None:
    """The searched graph and its root, or None when the search met ``max_states``
    states: then the graph is dropped here, before random playthroughs begin."""
    explorer = Explorer(max_states, None if progress is None else progress.searched)
    try:
        return explorer, explorer.search(Session.start(scenario, exploring=True))
    except StateSpaceTooLarge:
        return None


def _analyse_by_walks(
    scenario: PlayableScenario,
    walks: int,
    seed: int,
    endings_meta: dict[str, dict[str, Any]],
    progress: Progress | None,
    why: str,
) -> Analysis:
    model = scenario.model
    reachable: set[str] = set()
    offered: set[str] = set()
    outcomes: dict[Outcome, tuple[list[str], int]] = {}  # each with its first play and seed
    stuck: dict[str, str] = {}
    best: tuple[float, list[str], int] = (float("-inf"), [], 0)
    worst: tuple[float, list[str], int] = (float("inf"), [], 0)
    for index in range(walks):
        run_seed = seed * 1_000_003 + index
        play = play_out(scenario, random_policy, run_seed)
        session = play.session
        reachable.update(session.state.visits)
        offered.update(play.path)
        result = session.result()
        if result is None:
            stuck.setdefault(session.state.node, session.state.stuck_reason or "did not end")
        else:
            outcome = Outcome(
                result.ending,
                result.satisfaction,
                result.cost,
                result.score,
                critical_of(session.state.values),
            )
            outcomes.setdefault(outcome, (play.path, run_seed))
            endings_meta[result.ending]["reached"] = True
            if result.score > best[0]:
                best = (result.score, play.path, run_seed)
            if result.score < worst[0]:
                worst = (result.score, play.path, run_seed)
        if progress is not None:
            progress.played(index + 1, walks)
    scores = [o.score for o in outcomes] or [0]

    def witness(outcome: Outcome) -> str:
        path, run_seed = outcomes[outcome]
        return _path_summary(scenario, (outcome.score, path, run_seed)).command(scenario.id)

    first_per_ending: dict[str, Outcome] = {}
    for outcome in outcomes:
        first_per_ending.setdefault(outcome.ending, outcome)
    blind = _policies(scenario, blind_policies(scenario), walks, seed, None, guessing=False)
    return Analysis(
        scenario=scenario.id,
        title=scenario.title,
        method="random playthroughs",
        states=0,
        walks=walks,
        reachable_nodes=sorted(reachable),
        unreachable_nodes=sorted(set(model.nodes) - reachable),
        unoffered_choices=sorted(scenario.declarations.choice_ids - offered),
        endings=endings_meta,
        stuck=stuck,
        score_range=(min(scores), max(scores)),
        best=_path_summary(scenario, best),
        worst=_path_summary(scenario, worst),
        best_expected=None,
        pareto=pareto_frontier(outcomes),
        policies=_policies(scenario, _named_policies(scenario), walks, seed, None, True),
        blind_policies=blind,
        ending_paths={
            ending: _path_summary(scenario, (o.score, *outcomes[o]))
            for ending, o in sorted(first_per_ending.items())
        },
        findings=score_and_ending(scenario, outcomes, witness) + content_blind(scenario, blind),
        statistics=statistics(scenario),
        why_sampled=why,
    )


def _path_summary(
    scenario: PlayableScenario, found: tuple[float, list[str], int]
) -> ReplayablePath:
    """A random playthrough's path, replayable with the seed it was played with."""
    score, path, run_seed = found
    if not path:
        return ReplayablePath(score if math.isfinite(score) else 0, [], [], run_seed)
    numbers = replay(Session.start(scenario, seed=run_seed), path)
    return ReplayablePath(score, numbers, path, run_seed)
