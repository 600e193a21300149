"""Plays a trainer can replay: a path through the searched graph, with the seed whose
dice take its random branches the same way.

The search takes every random branch both ways, so a path it finds may need
particular luck. A trainer replays it with `run --choices ... --seed N`; the seed
is found by replaying the choices with seed after seed until the dice fall as
the path needs, checked branch by branch so that a wrong seed is dropped at its
first wrong roll.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from simulator.analysis.explore import CHANCE, END, TIMEOUT, Explorer
from simulator.engine.events import BranchTaken
from simulator.engine.script import play_pick, resolve_pick, settle
from simulator.engine.session import Session, Status
from simulator.scenario.playable import PlayableScenario

#: How many seeds to try before saying no seed was found. A path through two random
#: branches of one chance in four each needs about sixteen tries.
SEED_TRIES = 4000

Step = int | str  # a choice id (str), or the index of a random branch taken (int)


@dataclass(frozen=True)
class ReplayablePath:
    """A play as a trainer types it: choice numbers as shown, their ids, and the seed."""

    score: float
    numbers: list[int | str]
    choices: list[str]
    seed: int | None  # None: no seed within SEED_TRIES takes the random branches this way

    @property
    def choices_argument(self) -> str:
        """`` --choices 2,1,3``; nothing for a play that ends before its first decision
        (an empty --choices would take the next option as its value)."""
        numbers = ",".join(str(number) for number in self.numbers)
        return f" --choices {numbers}" if numbers else ""

    def command(self, scenario_id: str) -> str:
        """The `run` arguments that replay it."""
        seed = "" if self.seed is None else f" --seed {self.seed}"
        return f"run {scenario_id}{self.choices_argument}{seed}"


class GraphRoutes:
    """The shortest way from the start to every state of a searched graph (breadth
    first, once), so that a path to any ending can be read off without searching."""

    def __init__(self, explorer: Explorer, root: int) -> None:
        self.explorer = explorer
        self.root = root
        self.came_from: dict[int, tuple[int, Step]] = {root: (-1, -1)}
        queue = deque([root])
        while queue:
            number = queue.popleft()
            for step, child, _ in explorer.edges[number]:
                if child not in self.came_from:
                    self.came_from[child] = (number, step)
                    queue.append(child)

    def steps_to(self, target: int) -> list[Step]:
        steps: list[Step] = []
        number = target
        while number != self.root:
            number, step = self.came_from[number]
            steps.append(step if self.explorer.kinds[number] == CHANCE else str(step))
        return steps[::-1]

    def first_end_per_node(self) -> dict[str, int]:
        """For each ending reached: the end state nearest the start."""
        found: dict[str, int] = {}
        for number in self.came_from:  # in breadth-first order: nearest first
            if self.explorer.kinds[number] == END:
                found.setdefault(self.explorer.nodes[number], number)
        return found


def replayable(scenario: PlayableScenario, steps: list[Step], score: float) -> ReplayablePath:
    """The path with its choice numbers as shown and a seed that replays it."""
    session = Session.start(scenario, exploring=True)
    numbers: list[int | str] = []
    choices: list[str] = []
    luck: list[tuple[str, str]] = []  # (random node, branch taken), in order
    for step in steps:
        settle(session)
        if isinstance(step, int):
            node = session.node
            assert node.random is not None
            luck.append((session.state.node, node.random[step].next))
            session.resolve_chance(step)
            continue
        resolved = resolve_pick(session, step)
        assert not isinstance(resolved, str), resolved  # the graph offered it
        numbers.append(resolved.number)
        choices.append(step)
        play_pick(session, resolved)
    return ReplayablePath(score, numbers, choices, seed_for(scenario, choices, luck))


def seed_for(
    scenario: PlayableScenario, choices: list[str], luck: list[tuple[str, str]]
) -> int | None:
    """The smallest seed whose dice take the random branches as ``luck`` lists them while
    the choices are played, or None within SEED_TRIES."""
    if not luck:
        return 0
    for seed in range(SEED_TRIES):
        if _same_luck(Session.start(scenario, seed=seed), choices, luck):
            return seed
    return None


def _same_luck(session: Session, choices: list[str], luck: list[tuple[str, str]]) -> bool:
    """Whether this session's dice fall as ``luck`` needs while the choices are played;
    False at the first roll that differs."""
    rolls = _RollReader(session, luck)
    for choice in choices:
        settle(session)
        if not rolls.agree():
            return False
        if choice == TIMEOUT and session.timer is not None:
            session.tick(session.timer[0])
        elif choice in session.available_choices:
            session.choose(choice)
        else:
            return False
    settle(session)
    return rolls.agree() and rolls.taken == len(luck) and session.status is Status.ENDED


class _RollReader:
    """Reads a session's random branches as they are taken, against those wanted."""

    def __init__(self, session: Session, luck: list[tuple[str, str]]) -> None:
        self.session, self.luck = session, luck
        self.read = 0  # events read so far
        self.taken = 0  # random branches matched so far

    def agree(self) -> bool:
        events = self.session.events
        for event in events[self.read :]:
            if isinstance(event, BranchTaken) and event.random:
                if self.taken >= len(self.luck):
                    return False
                if self.luck[self.taken] != (event.node, event.target):
                    return False
                self.taken += 1
        self.read = len(events)
        return True
