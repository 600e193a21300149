"""Searching a scenario's futures: every outcome it can produce, and how.

The search plays real sessions (so it can never disagree with the engine) and
merges plays that meet in the same situation: the same step, and the same
values, visit counts and past choices as far as any later step can read them
(``liveness``). It treats random branches as chance with their probabilities
and counts "let the timer run out" as one more option of a timed choice. What
it finds is kept as a graph of states, from which paths, expected scores and
policy means are read without playing again. When the state space is larger
than a bound, ``analyse`` falls back to seeded random playthroughs and says so.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, NamedTuple

from simulator.analysis.liveness import LiveInputs, live_inputs
from simulator.analysis.progress import STATES_PER_REPORT
from simulator.engine.scoring import score_of
from simulator.engine.script import settle
from simulator.engine.session import Session, Status
from simulator.gcpause import without_cyclic_gc
from simulator.scenario.playable import CRITICAL

TIMEOUT = "timeout"
MAX_DEPTH = 400
MAX_SWEEPS = 10_000  # over a graph with loops, until its scores stop changing


def options(session: Session, with_timeout: bool = True) -> list[str]:
    """What the trainee can do now: available choice ids, plus a timeout when timed."""
    picks = list(session.available_choices)
    if with_timeout and session.timer is not None:
        picks.append(TIMEOUT)
    return picks


def critical_of(values: dict[str, Any]) -> int:
    """How many critical mistakes a play has made (0 where no choice is critical)."""
    return values.get(CRITICAL, 0)


def apply_option(session: Session, option: str) -> None:
    if option == TIMEOUT:
        timer = session.timer
        assert timer is not None
        session.tick(timer[0])
    else:
        session.choose(option)


class Outcome(NamedTuple):  # a tuple: the search makes tens of thousands
    ending: str
    satisfaction: float
    cost: float
    score: int
    critical: int = 0  # critical mistakes made on the way
    state: int = -1  # its state in the searched graph (-1: met by a random playthrough)


@dataclass(frozen=True)
class Summary:
    best: float
    worst: float
    longest: int  # the most decisions any play from here can still make
    expected: float  # the best expected score, random branches averaged


class StateSpaceTooLarge(Exception):
    """The search met more states than it may; random playthroughs take over."""


CHOICE, CHANCE, END, STUCK = range(4)  # the kinds of state in the graph
_PENDING = (float("-inf"), float("inf"), float("-inf"))  # a state whose futures are being searched
_NONE_CHOSEN: frozenset[str] = frozenset()
_NONE_OFFERED: tuple[str, ...] = ()


class Explorer:
    """Every state a scenario can reach, searched once into a graph of merged states.

    One depth-first pass plays each transition in a real session and, on the way
    back, works out for every state its best and worst outcome, its best expected
    score and the longest run of decisions still ahead. Paths, option values and
    the best paths are then read from the graph, not searched again.
    """

    def __init__(
        self, max_states: int = 200_000, counted: Callable[[int], None] | None = None
    ) -> None:
        self.max_states = max_states
        self.counted = counted  # told the number of states every STATES_PER_REPORT new ones
        self.index: dict[Hashable, int] = {}
        self.kinds: list[int] = []
        self.best: list[float] = []
        self.worst: list[float] = []
        self.expected: list[float] = []
        self.longest: list[int] = []
        self.edges: list[tuple[tuple[int | str, int, float], ...]] = []  # (step, state, chance)
        self.nodes: list[str] = []  # the node each state stands at
        self.offered: list[tuple[str, ...]] = []  # the choices a state offers (no timeout)
        self._open: set[int] = set()  # states whose futures are being searched
        self.looped = False  # some play comes back to a state it has been in
        self._settled = 0  # how many states the last sweep round loops covered
        self.stuck: dict[str, str] = {}  # node -> reason, for runs that cannot end
        self.visited_nodes: set[str] = set()
        self.offered_choices: set[str] = set()
        # Every ending outcome any play can reach, each once: an ending state is known by
        # its ending and meters, which settle the score.
        self.outcomes: list[Outcome] = []
        self.live: dict[str, LiveInputs] = {}  # per node; worked out when the search starts
        self.scores: dict[tuple[str, float, float, int], int] = {}

    def stop(self) -> None:
        """End a search from another thread: it stops at its next new state, as if it had
        met its bound (StateSpaceTooLarge), and the explorer is left half-searched."""
        self.max_states = 0

    @property
    def states(self) -> int:
        return len(self.kinds)

    def score(self, session: Session) -> int:
        """The score of an ended session; many plays end on the same meters."""
        values = session.state.values
        outcome = (session.state.node, values["satisfaction"], values["cost"], critical_of(values))
        score = self.scores.get(outcome)
        if score is None:
            model = session.scenario.model
            kind = model.nodes[outcome[0]].ending.kind.value  # type: ignore[union-attr]
            score = self.scores[outcome] = score_of(
                model.scoring, outcome[1], outcome[2], kind, outcome[3]
            )
        return score

    def _add(self, key: tuple[Any, ...], kind: int, scores: tuple[float, float, float]) -> int:
        number = len(self.kinds)
        if not number % STATES_PER_REPORT and number and self.counted is not None:
            self.counted(number)
        self.index[key] = number
        self.nodes.append(key[0])  # every key starts with the node
        self.offered.append(_NONE_OFFERED)
        if kind in (CHOICE, CHANCE):
            self._open.add(number)
        self.kinds.append(kind)
        self.best.append(scores[0])
        self.worst.append(scores[1])
        self.expected.append(scores[2])
        self.longest.append(0)
        self.edges.append(())
        return number

    # ------------------------------------------------------------ the search

    def search(self, session: Session) -> int:
        """The number of the session's state, with every state reachable from it searched.
        The session is played on, so pass a fork of one you still need."""
        if not self.live:
            self.live = live_inputs(session.scenario)
        with without_cyclic_gc():
            number = self._search(session, 0)
            if self.looped and self._settled != len(self.kinds):  # only after new states
                self._settle_loops()
                self._settled = len(self.kinds)
        return number

    def _search(self, session: Session, depth: int) -> int:
        state = session.state
        status = state.status
        if status is Status.WAITING_FOR_CONTINUE:
            settle(session)
            status = state.status
        if status is Status.ENDED:
            # Only the ending and the meters matter now. Every node the play passed is in
            # its visit counts, so this is where the reachable nodes are collected.
            self.visited_nodes.update(state.visits)
            values = state.values
            key = (state.node, status, values["satisfaction"], values["cost"], critical_of(values))
            known = self.index.get(key)
            if known is not None:
                return known
            score = self.score(session)
            number = len(self.kinds)
            self.outcomes.append(Outcome(state.node, key[2], key[3], score, key[4], number))
            return self._add(key, END, (score, score, float(score)))
        if status is Status.STUCK or depth > MAX_DEPTH:
            self.visited_nodes.update(state.visits)
            reason = state.stuck_reason or f"more than {MAX_DEPTH} steps"
            self.stuck.setdefault(state.node, reason)
            key = (state.node, Status.STUCK, reason)
            known = self.index.get(key)
            return known if known is not None else self._add(key, STUCK, _PENDING)
        # The key holds everything at this step that can change what happens next (and
        # the score), nothing more, so that plays reaching the same situation by different
        # routes are searched once.
        live = self.live[state.node]
        key = (
            state.node,
            status,
            live.values(state.values),
            tuple([state.visits.get(node, 0) for node in live.visits]) if live.visits else (),
            live.choices & state.chosen if live.choices else _NONE_CHOSEN,
            state.episode,
        )
        known = self.index.get(key)
        if known is not None:
            self.visited_nodes.update(state.visits)
            if known in self._open:
                self.looped = True
            return known
        if len(self.kinds) >= self.max_states:
            raise StateSpaceTooLarge
        chance = status is Status.WAITING_FOR_CHANCE
        number = self._add(key, CHANCE if chance else CHOICE, _PENDING)
        edges: list[tuple[int | str, int, float]] = []
        if chance:
            chances = session.chances
            for index, (_, probability) in enumerate(chances):
                branch = session if index == len(chances) - 1 else session.fork()
                branch.resolve_chance(index)
                edges.append((index, self._search(branch, depth + 1), probability))
        else:
            self.offered[number] = session.available_choices
            picks = options(session)
            self.offered_choices.update(picks)
            last = len(picks) - 1
            for index, option in enumerate(picks):
                # The last option plays on in this session: nothing reads it afterwards.
                branch = session if index == last else session.fork()
                apply_option(branch, option)
                edges.append((option, self._search(branch, depth + 1), 1.0))
        self._settle_scores(number, edges)
        return number

    def _settle_scores(self, number: int, edges: list[tuple[int | str, int, float]]) -> None:
        """A state's scores from its successors', once they are all searched."""
        self.edges[number] = found = tuple(edges)
        self._open.discard(number)
        best, worst, expected, longest = self._from_successors(found, self.kinds[number])
        self.best[number], self.worst[number], self.expected[number] = best, worst, expected
        self.longest[number] = longest

    def _rescore(self, number: int) -> bool:
        """Work out a state's best, worst and expected score from its successors' as they
        stand; True when any of them changed."""
        best, worst, expected, _ = self._from_successors(self.edges[number], self.kinds[number])
        before = self.expected[number]
        changed = (
            best != self.best[number]
            or worst != self.worst[number]
            or (expected != before and not abs(expected - before) <= 1e-12 * (1 + abs(expected)))
        )
        self.best[number], self.worst[number], self.expected[number] = best, worst, expected
        return changed

    def _from_successors(
        self, edges: tuple[tuple[int | str, int, float], ...], kind: int
    ) -> tuple[float, float, float, int]:
        """Best, worst and expected score and longest run, as the successors stand: the one
        place that says how a state's scores follow from those after it."""
        chance = kind == CHANCE
        best_of, worst_of, expected_of, longest_of = (
            self.best,
            self.worst,
            self.expected,
            self.longest,
        )
        best, worst, longest = float("-inf"), float("inf"), 0
        expected = 0.0 if chance else float("-inf")
        for _, child, probability in edges:
            if best_of[child] > best:
                best = best_of[child]
            if worst_of[child] < worst:
                worst = worst_of[child]
            if longest_of[child] > longest:
                longest = longest_of[child]
            if chance:
                expected += probability * expected_of[child]
            elif expected_of[child] > expected:
                expected = expected_of[child]
        return best, worst, expected, longest if chance else longest + 1

    def _settle_loops(self) -> None:
        """Some play can come back to a state it has been in. Scores worked out while such
        a state was still being searched counted it as a dead end, so they are only
        bounds: sweep until every state agrees with its successors. Then any state from
        which no play can end (only round and round) is reported as a run that cannot end."""
        kinds, edges = self.kinds, self.edges
        inner = [n for n in range(len(kinds) - 1, -1, -1) if kinds[n] in (CHOICE, CHANCE)]
        finishes = [kind in (END, STUCK) for kind in kinds]
        changed = True
        while changed:
            changed = False
            for number in inner:
                if not finishes[number] and any(finishes[c] for _, c, _ in edges[number]):
                    finishes[number] = changed = True
        for number in inner:
            if finishes[number] and self.expected[number] == float("-inf"):
                self.expected[number] = 0.0  # a bound from below, for a state that can end
        for _ in range(MAX_SWEEPS):
            if not any([self._rescore(number) for number in inner]):
                break
        for number in inner:
            if not finishes[number]:
                node = self.nodes[number]
                self.stuck.setdefault(
                    node, "no play can end from here: every choice leads round in a loop"
                )

    # ------------------------------------------------------------ reading the graph

    def summary(self, session: Session) -> Summary:
        """Best and worst single outcome from here (random branches taken either way), the
        best expected score, and the longest run of decisions left."""
        number = self.search(session)
        return Summary(
            self.best[number], self.worst[number], self.longest[number], self.expected[number]
        )

    def value(self, session: Session) -> float:
        """The best expected score still reachable (random branches averaged)."""
        return self.expected[self.search(session)]

    def option_values(self, session: Session) -> dict[str, float]:
        """For a session waiting for a choice: the best expected score after each option."""
        settle(session)
        values = {}
        for option in options(session):
            branch = session.fork(exploring=True)
            apply_option(branch, option)
            values[option] = self.value(branch)
        return values

    def best_paths(self, session: Session, limit: int = 10_000) -> list[list[str]]:
        """Every path (choice ids) that can reach the best score found by the search,
        random branches taken whichever way reaches it; none goes round a loop."""
        root = self.search(session)
        found: list[list[str]] = []
        self._walk_best(root, [], self.best[root], found, set(), limit)
        return found

    def _walk_best(
        self,
        number: int,
        path: list[str],
        target: float,
        found: list[list[str]],
        on_path: set[int],
        limit: int,
    ) -> None:
        # A method, not a closure calling itself: that would be a reference cycle holding
        # the whole graph until the paused cycle collector ran.
        if len(found) >= limit:
            return
        kind = self.kinds[number]
        if kind == END:
            found.append(path)
            return
        on_path.add(number)
        for step, child, _ in self.edges[number]:
            if self.best[child] == target and child not in on_path:
                next_path = path if kind == CHANCE else [*path, str(step)]
                self._walk_best(child, next_path, target, found, on_path, limit)
        on_path.discard(number)

    def fewest_steps(self, root: int, pick: str) -> list[int | str]:
        """A best (or worst) play from state ``root``: the fewest steps (choice ids, and the
        indexes of random branches taken) that reach an ending worth the best (worst)
        score, never going round a loop. Breadth first through states worth the same."""
        values = self.best if pick == "best" else self.worst
        target = values[root]
        came_from: dict[int, tuple[int, int | str]] = {root: (-1, -1)}
        queue = deque([root])
        while queue:
            number = queue.popleft()
            if self.kinds[number] == END:
                steps: list[int | str] = []
                while number != root:
                    number, step = came_from[number]
                    steps.append(step)
                return steps[::-1]
            chance = self.kinds[number] == CHANCE
            for step, child, _ in self.edges[number]:
                if child not in came_from and values[child] == target:
                    came_from[child] = (number, step if chance else str(step))
                    queue.append(child)
        return []
