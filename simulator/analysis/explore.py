"""Searching a scenario's futures: every outcome it can produce, and how.

The search plays real sessions (so it can never disagree with the engine),
merges states that are equal (the key holds everything that can change what
happens next), treats random branches as chance with their probabilities, and
counts "let the timer run out" as one more option of a timed choice. When the
state space is larger than a bound, ``analyse`` falls back to seeded random
playthroughs and says so.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from simulator.engine.events import NodeEntered
from simulator.engine.scoring import score_outcome
from simulator.engine.session import Session, Status
from simulator.scenario.expressions import (
    Call,
    ExpressionError,
    Literal,
    parse_condition,
    parse_effect,
)
from simulator.scenario.playable import PlayableScenario

TIMEOUT = "timeout"
MAX_DEPTH = 400


def remembered(scenario: PlayableScenario) -> tuple[frozenset[str], frozenset[str]]:
    """The visit counts and past choices that can change what happens next: nodes named by
    visits(), choices named by chose() or marked once. The rest is history only."""
    visits: set[str] = set()
    chosen: set[str] = set()
    sources = list(scenario.conditions) + list(scenario.effects)
    for source in sources:
        try:
            tree: Any = (
                parse_condition(source) if source in scenario.conditions else parse_effect(source)
            )
        except ExpressionError:
            continue
        stack = [tree]
        while stack:
            item = stack.pop()
            if isinstance(item, Call):
                if item.function in ("visits", "chose") and isinstance(item.arguments[0], Literal):
                    (visits if item.function == "visits" else chosen).add(
                        str(item.arguments[0].value)
                    )
                stack.extend(item.arguments)
            for attribute in ("operand", "left", "right", "value", "call"):
                child = getattr(item, attribute, None)
                if child is not None and not isinstance(child, (int, float, str, bool)):
                    stack.append(child)
    for node_id, node in scenario.model.nodes.items():
        for index, choice in enumerate(node.choices or []):
            if choice.once:
                chosen.add(scenario.choice_ids[node_id][index])
    return frozenset(visits), frozenset(chosen)


def state_key(session: Session, memory: tuple[frozenset[str], frozenset[str]]) -> Hashable:
    """Everything that can change what happens next (and the score), nothing more, so that
    plays which reach the same situation by different routes are searched once."""
    state = session.state
    visits, chosen = memory
    return (
        state.node,
        state.status.value,
        tuple(state.values.values()),  # every session of a scenario keeps the same key order
        tuple(state.visits.get(node, 0) for node in visits) if visits else (),
        frozenset(state.chosen & chosen) if chosen else frozenset(),
        state.episode,
        state.timer_left is not None,
    )


def options(session: Session, with_timeout: bool = True) -> list[str]:
    """What the trainee can do now: available choice ids, plus a timeout when timed."""
    picks = [view.id for view in session.choices if view.available]
    if with_timeout and session.timer is not None:
        picks.append(TIMEOUT)
    return picks


def apply_option(session: Session, option: str) -> None:
    if option == TIMEOUT:
        timer = session.timer
        assert timer is not None
        session.tick(timer[0])
    else:
        session.choose(option)


def settle(session: Session) -> None:
    """Move past steps that only wait for 'continue'."""
    while session.status is Status.WAITING_FOR_CONTINUE:
        session.continue_()


def replay(session: Session, picks: list[str]) -> list[int | str]:
    """Play choice ids (or timeouts) for as long as each is still offered; the option
    numbers, as shown, of those played. The session is left at the step after the last."""
    numbers: list[int | str] = []
    for pick in picks:
        settle(session)
        if session.status is not Status.WAITING_FOR_CHOICE:
            break
        if pick == TIMEOUT:
            if session.timer is None:
                break
        elif not any(view.id == pick and view.available for view in session.choices):
            break
        numbers.append(option_number(session, pick))
        apply_option(session, pick)
    return numbers


def option_number(session: Session, option: str) -> int | str:
    """The option as the trainee would type it: its number as shown, or 't'."""
    if option == TIMEOUT:
        return "t"
    for view in session.choices:
        if view.id == option:
            return view.number
    raise ValueError(option)


@dataclass(frozen=True)
class Outcome:
    ending: str
    satisfaction: float
    cost: float
    score: int


@dataclass
class _Summary:
    best: float
    worst: float
    best_step: int | str | None  # an option id, or a chance index
    worst_step: int | str | None
    longest: int = 0  # the most decisions any play from here can still make


class StateSpaceTooLarge(Exception):
    """The search met more states than it may; random playthroughs take over."""


class Explorer:
    """Memoised search over merged states."""

    def __init__(self, max_states: int = 200_000) -> None:
        self.max_states = max_states
        self.memo: dict[Hashable, _Summary] = {}
        self.values: dict[Hashable, float] = {}
        self.stuck: dict[str, str] = {}  # node -> reason, for runs that cannot end
        self.visited_nodes: set[str] = set()
        self.offered_choices: set[str] = set()
        self.outcomes: set[Outcome] = set()  # every ending outcome any play can reach
        self.memory: tuple[frozenset[str], frozenset[str]] | None = None
        self.scores: dict[tuple[float, float], int] = {}

    def score(self, session: Session) -> int:
        """The score of an ended session; many plays end on the same meters."""
        meters = (session.satisfaction, session.cost)
        score = self.scores.get(meters)
        if score is None:
            scoring = session.scenario.model.scoring
            score = self.scores[meters] = score_outcome(scoring, *meters).score
        return score

    def key(self, session: Session) -> Hashable:
        if self.memory is None:
            self.memory = remembered(session.scenario)
        return state_key(session, self.memory)

    # ------------------------------------------------------------ best expected score

    def value(self, session: Session, depth: int = 0) -> float:
        """The best expected score still reachable (random branches averaged)."""
        settle(session)
        status = session.status
        if status is Status.ENDED:
            return float(self.score(session))
        if status is Status.STUCK or depth > MAX_DEPTH:
            return float("-inf")
        key = self.key(session)
        known = self.values.get(key)
        if known is not None:
            return known
        self.values[key] = float("-inf")  # a state that leads back to itself gains nothing
        if status is Status.WAITING_FOR_CHANCE:
            best = 0.0
            for index, (_, probability) in enumerate(session.chances):
                branch = session.fork()
                branch.resolve_chance(index)
                best += probability * self.value(branch, depth + 1)
        else:
            best = float("-inf")
            for option in options(session):
                branch = session.fork()
                apply_option(branch, option)
                best = max(best, self.value(branch, depth + 1))
        self.values[key] = best
        return best

    def option_values(self, session: Session) -> dict[str, float]:
        """For a session waiting for a choice: the best expected score after each option."""
        settle(session)
        values = {}
        for option in options(session):
            branch = session.fork(exploring=True)
            apply_option(branch, option)
            values[option] = self.value(branch)
        return values

    # ------------------------------------------------------------ every outcome

    def summary(self, session: Session, depth: int = 0) -> _Summary:
        """Best and worst single outcome (random branches taken either way); every outcome
        met on the way is collected in ``outcomes``."""
        settle(session)
        key = self.key(session)
        known = self.memo.get(key)
        if known is not None:
            self.visited_nodes.update(session.state.visits)
            return known
        status = session.status
        if status is Status.ENDED:
            # A play's path ends here: every node it passed is in its visit counts.
            self.visited_nodes.update(session.state.visits)
            score = self.score(session)
            self.outcomes.add(
                Outcome(session.state.node, session.satisfaction, session.cost, score)
            )
            self.memo[key] = _Summary(score, score, None, None)
            return self.memo[key]
        if status is Status.STUCK or depth > MAX_DEPTH:
            self.visited_nodes.update(session.state.visits)
            reason = session.state.stuck_reason or f"more than {MAX_DEPTH} steps"
            self.stuck.setdefault(session.state.node, reason)
            return _Summary(float("-inf"), float("inf"), None, None)
        if len(self.memo) >= self.max_states:
            raise StateSpaceTooLarge
        self.memo[key] = _Summary(float("-inf"), float("inf"), None, None)
        steps: list[tuple[int | str, Session]] = []
        if status is Status.WAITING_FOR_CHANCE:
            for index in range(len(session.chances)):
                branch = session.fork()
                branch.resolve_chance(index)
                steps.append((index, branch))
        else:
            for option in options(session):
                self.offered_choices.add(option)
                branch = session.fork()
                apply_option(branch, option)
                steps.append((option, branch))
        best = (float("-inf"), None)
        worst = (float("inf"), None)
        longest = 0
        for step, branch in steps:
            child = self.summary(branch, depth + 1)
            longest = max(longest, child.longest)
            if child.best > best[0]:
                best = (child.best, step)
            if child.worst < worst[0]:
                worst = (child.worst, step)
        decision = 1 if status is not Status.WAITING_FOR_CHANCE else 0
        summary = _Summary(best[0], worst[0], best[1], worst[1], longest + decision)
        self.memo[key] = summary
        return summary

    def best_paths(self, session: Session, limit: int = 10_000) -> list[list[str]]:
        """Every path (choice ids) that can reach the best score found by ``summary``,
        random branches taken whichever way reaches it."""
        target = self.summary(session).best
        found: list[list[str]] = []

        def walk(current: Session, path: list[str], depth: int) -> None:
            settle(current)
            if len(found) >= limit or depth > MAX_DEPTH:
                return
            if current.status is Status.ENDED:
                found.append(path)
                return
            if (
                current.status is not Status.WAITING_FOR_CHOICE
                and current.status is not Status.WAITING_FOR_CHANCE
            ):
                return
            chance = current.status is Status.WAITING_FOR_CHANCE
            steps = range(len(current.chances)) if chance else options(current)
            for step in steps:
                branch = current.fork()
                if chance:
                    branch.resolve_chance(step)  # type: ignore[arg-type]
                else:
                    apply_option(branch, step)  # type: ignore[arg-type]
                if self.summary(branch).best == target:
                    walk(branch, path if chance else [*path, str(step)], depth + 1)

        walk(session, [], 0)
        return found

    def follow(self, session: Session, pick: str) -> list[tuple[int | str, str]]:
        """The path that ``summary`` found, as (number shown, choice id) pairs."""
        path: list[tuple[int | str, str]] = []
        for _ in range(MAX_DEPTH):
            settle(session)
            if session.status in (Status.ENDED, Status.STUCK):
                break
            summary = self.memo.get(self.key(session))
            if summary is None:
                break
            step = summary.best_step if pick == "best" else summary.worst_step
            if step is None:
                break
            if session.status is Status.WAITING_FOR_CHANCE:
                assert isinstance(step, int)
                session.resolve_chance(step)
            else:
                assert isinstance(step, str)
                path.append((option_number(session, step), step))
                apply_option(session, step)
        return path


# ---------------------------------------------------------------- policies

Policy = Callable[[Session, random.Random], str]


def random_policy(session: Session, rng: random.Random) -> str:
    return rng.choice(options(session, with_timeout=False))


def tag_policy(tag: str) -> Policy:
    """Pick a choice with this tag whenever one is offered, otherwise the first available."""

    def pick(session: Session, rng: random.Random) -> str:
        available = [view for view in session.choices if view.available]
        for view in available:
            if tag in view.tags:
                return view.id
        return available[0].id

    return pick


@dataclass
class PolicyPlay:
    score: int | None
    ending: str | None
    path: list[str] = field(default_factory=list)


def play_out(scenario: PlayableScenario, policy: Policy, seed: int) -> PolicyPlay:
    """One whole play by a policy; random branches come from the seed, as in real play."""
    rng = random.Random(seed)
    session = Session.start(scenario, seed=seed)
    path: list[str] = []
    for _ in range(MAX_DEPTH):
        settle(session)
        if session.status is not Status.WAITING_FOR_CHOICE:
            break
        if not options(session, with_timeout=False):
            session.tick(session.timer[0] if session.timer else 0)
            path.append(TIMEOUT)
            continue
        option = policy(session, rng)
        path.append(option)
        apply_option(session, option)
    result = session.result()
    return PolicyPlay(result.score if result else None, result.ending if result else None, path)


def policy_mean(scenario: PlayableScenario, policy: Policy, runs: int, seed: int = 0) -> float:
    """Mean score of ``runs`` seeded plays (a play that cannot end scores 0)."""
    total = 0.0
    for index in range(runs):
        outcome = play_out(scenario, policy, seed * 1_000_003 + index)
        total += outcome.score or 0
    return total / runs


def replay_numbers(
    scenario: PlayableScenario, picks: list[int | str], seed: int = 0
) -> tuple[set[str], set[str]]:
    """The nodes entered and choices made by one play given as numbers shown (or 't')."""
    session = Session.start(scenario, seed=seed)
    for step, pick in enumerate(picks, start=1):
        settle(session)
        if session.status is not Status.WAITING_FOR_CHOICE:
            raise ValueError(f"step {step}: the scenario has already ended")
        if pick in ("t", TIMEOUT):
            if session.timer is None:
                raise ValueError(f"step {step}: this choice is not timed")
            apply_option(session, TIMEOUT)
            continue
        view = session.choice_by_number(int(pick))
        if view is None or not view.available:
            raise ValueError(f"step {step}: there is no available choice {pick}")
        session.choose(view.id)
    settle(session)
    nodes = {event.node for event in session.events if isinstance(event, NodeEntered)}
    return nodes, {decision.choice for decision in session.decisions if decision.choice}
