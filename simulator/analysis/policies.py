"""Simple ways of playing, and how well each would do: the policy table.

A policy says, at a step, how likely it is to pick each available choice. The
same policy is either played out (seeded plays, as a trainee would meet random
branches) or, when the whole graph of states is known, weighed exactly: every
choice and random branch taken with its probability, with no sampling error.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from simulator.analysis.explore import (
    CHANCE,
    CHOICE,
    END,
    MAX_DEPTH,
    TIMEOUT,
    Explorer,
    apply_option,
    options,
)
from simulator.engine.plan import plan_for
from simulator.engine.session import MAX_AUTOMATIC_STEPS, Session, Status
from simulator.scenario.components import predecessors, reachable, successors
from simulator.scenario.playable import PlayableScenario

Tags = Mapping[str, Sequence[str]]  # choice id -> its tags
# Given the ids of the available choices (in the order shown) and every choice's tags:
# each choice the policy may pick, with its probability.
Policy = Callable[[Sequence[str], Tags], list[tuple[float, str]]]


def random_policy(available: Sequence[str], tags: Tags) -> list[tuple[float, str]]:
    share = 1 / len(available)
    return [(share, choice) for choice in available]


def tag_policy(tag: str) -> Policy:
    """Pick a choice with this tag whenever one is offered (the first, if several);
    otherwise any offered choice, each as likely: where the tag is not on offer, the
    policy has no preference, and the order the author listed choices in must not
    decide its score."""

    def pick(available: Sequence[str], tags: Tags) -> list[tuple[float, str]]:
        for choice in available:
            if tag in tags[choice]:
                return [(1.0, choice)]
        return random_policy(available, tags)

    return pick


# ---------------------------------------------------------------- content-blind play
# A trainee who never reads the words, only how the options look or where they stand.
# If one of these passes, the options give the answer away.


def position_policy(position: int) -> Policy:
    """Always the option at this position (1: the first), or the last if there are fewer;
    0 means always the last."""

    def pick(available: Sequence[str], tags: Tags) -> list[tuple[float, str]]:
        index = len(available) - 1 if position == 0 else min(position, len(available)) - 1
        return [(1.0, available[index])]

    return pick


def length_policy(lengths: Mapping[str, int], longest: bool) -> Policy:
    """Always the longest (or shortest) option's text; the first of equals."""
    sign = -1 if longest else 1

    def pick(available: Sequence[str], tags: Tags) -> list[tuple[float, str]]:
        return [(1.0, min(available, key=lambda choice: sign * lengths[choice]))]

    return pick


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


def blind_policies(scenario: PlayableScenario) -> dict[str, Policy]:
    """Every content-blind policy worth trying on this scenario, by name."""
    lengths = {choice: len(text) for choice, text in plan_for(scenario).texts.items()}
    widest = max((len(node.choices or []) for node in scenario.model.nodes.values()), default=0)
    named: dict[str, Policy] = {
        "longest": length_policy(lengths, longest=True),
        "shortest": length_policy(lengths, longest=False),
    }
    for position in range(1, min(widest, len(ORDINALS) + 1)):  # the widest's last: "last"
        named[ORDINALS[position - 1]] = position_policy(position)
    named["last"] = position_policy(0)
    return named


def choice_tags(scenario: PlayableScenario) -> Mapping[str, tuple[str, ...]]:
    """Every choice's tags, gathered once per scenario with its plan (plays are many)."""
    return plan_for(scenario).tags


def scenario_tags(scenario: PlayableScenario) -> list[str]:
    return sorted({tag for tags in choice_tags(scenario).values() for tag in tags})


# ---------------------------------------------------------------- played out


@dataclass
class PolicyPlay:
    score: int | None
    ending: str | None
    path: list[str]
    session: Session  # where the play stopped (ended or stuck), its visit counts included


def play_out(scenario: PlayableScenario, policy: Policy, seed: int) -> PolicyPlay:
    """One whole play by a policy. Random branches come from the seed, as in real play:
    a trainee playing the same choices with the same seed meets the same luck. The play
    keeps no history (lines, events, decisions), which it does not need."""
    tags = choice_tags(scenario)
    rng = random.Random(seed)
    session = Session.start(scenario, seed=seed, exploring=True)
    path: list[str] = []
    for _ in range(MAX_DEPTH):
        rolls = 0  # normal play sticks after this many automatic steps; so does this one
        while session.status is Status.WAITING_FOR_CHANCE and rolls < MAX_AUTOMATIC_STEPS:
            session.roll_chance()
            rolls += 1
        if session.status is not Status.WAITING_FOR_CHOICE:
            break
        available = options(session, with_timeout=False)
        if not available:
            session.tick(session.timer[0] if session.timer else 0)
            path.append(TIMEOUT)
            continue
        weighed = policy(available, tags)
        if len(weighed) == 1:
            option = weighed[0][1]
        else:
            picks = [choice for _, choice in weighed]
            option = rng.choices(picks, weights=[weight for weight, _ in weighed])[0]
        path.append(option)
        apply_option(session, option)
    result = session.result()
    return PolicyPlay(
        result.score if result else None,
        result.ending if result else None,
        path,
        session,
    )


def sampled_mean(scenario: PlayableScenario, policy: Policy, runs: int, seed: int = 0) -> float:
    """Mean score of ``runs`` seeded plays (a play that cannot end scores 0)."""
    total = 0.0
    for index in range(runs):
        outcome = play_out(scenario, policy, seed * 1_000_003 + index)
        total += outcome.score or 0
    return total / runs


# ---------------------------------------------------------------- weighed on the graph


def where_tags_offered(scenario: PlayableScenario) -> dict[str, frozenset[str]]:
    """Per tag, the nodes from which a choice with it may still be offered, by the map's
    own routes (conditions aside, so never fewer than plays can meet). From any other
    node, the tag's policy can only ever pick at random, as random play does."""
    nodes = scenario.model.nodes
    before = predecessors(
        {node_id: [to for to, _ in successors(nodes[node_id])] for node_id in nodes}
    )
    tags = choice_tags(scenario)
    offering: dict[str, list[str]] = {}
    for node_id, choice_ids in scenario.choice_ids.items():
        for tag in {tag for choice in choice_ids for tag in tags.get(choice, ())}:
            offering.setdefault(tag, []).append(node_id)
    return {
        tag: frozenset(reachable(starts, before.__getitem__)) for tag, starts in offering.items()
    }


class _Loops(Exception):
    """A play can come back to where it was: the mean is no finite sum."""


class GraphPolicies:
    """Policies weighed exactly on a searched graph: every choice and random branch taken
    with its probability, with no sampling error. Only the states a policy can reach are
    visited. Random play's means are kept: a tag policy plays exactly as random play does
    once its tag can no longer be offered, so from there it takes random play's means
    instead of weighing the same futures again (most tags are offered at a few steps)."""

    def __init__(self, explorer: Explorer, root: int, tags: Tags) -> None:
        self.explorer, self.root, self.tags = explorer, root, tags
        self.random = _Weighing(explorer, random_policy, tags)

    def mean(self, policy: Policy, offered_at: frozenset[str] | None = None) -> float | None:
        """The policy's mean score over every play from the root, or None when plays can
        loop (or run through more states in a row than Python can follow, which merged
        states make possible). ``offered_at``: for a tag policy, where its tag may still
        be offered (``where_tags_offered``); elsewhere it is random play."""
        if policy is random_policy:
            weighing = self.random
        elif offered_at is None:
            weighing = _Weighing(self.explorer, policy, self.tags)
        else:
            weighing = _Weighing(self.explorer, policy, self.tags, (self.random, offered_at))
        try:
            return weighing.mean(self.root)
        except (_Loops, RecursionError):  # or a chain of states deeper than Python recurses
            return None


class _Weighing:
    """One policy weighed on the graph. (A class, not a closure that calls itself: such a
    closure is a reference cycle, which would keep the whole graph alive until the cycle
    collector, paused during the analysis, gets round to it.)"""

    def __init__(
        self,
        explorer: Explorer,
        policy: Policy,
        tags: Tags,
        random_beyond: tuple[_Weighing, frozenset[str]] | None = None,
    ) -> None:
        self.kinds, self.edges, self.offered = explorer.kinds, explorer.edges, explorer.offered
        self.nodes = explorer.nodes
        self.scores = explorer.best  # an ending's best is its score
        self.policy, self.tags = policy, tags
        self.means: dict[int, float | None] = {}  # None while a state's futures are weighed
        self.decided: dict[tuple[str, ...], list[tuple[float, int]]] = {}  # offered -> weights
        # Random play's weighing, and the nodes outside which this policy plays as it does.
        self.random, self.own_nodes = random_beyond or (None, frozenset())

    def mean(self, number: int) -> float:
        means = self.means
        if number in means:
            known = means[number]
            if known is None:
                raise _Loops
            return known
        if self.random is not None and self.nodes[number] not in self.own_nodes:
            return self.random.mean(number)
        kind = self.kinds[number]
        edges = self.edges[number]
        if kind == END:
            means[number] = self.scores[number]
            return self.scores[number]
        means[number] = None
        value = 0.0  # a play that cannot end scores nothing
        if kind == CHANCE:
            for _, child, probability in edges:
                value += probability * self.mean(child)
        elif kind == CHOICE:
            available = self.offered[number]
            if not available:  # only the timer is left: it runs out
                value = self.mean(edges[0][1])
            else:
                weighed = self.decided.get(available)
                if weighed is None:
                    weighed = self.decided[available] = [
                        (chance, available.index(choice))
                        for chance, choice in self.policy(available, self.tags)
                    ]
                for chance, index in weighed:
                    value += chance * self.mean(edges[index][1])
        means[number] = value
        return value
