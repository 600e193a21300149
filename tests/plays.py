"""Whole plays for tests that weigh them: played to the end, and reviewed as the debrief
reviews them, with what the review allocated on the way."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Sequence

from simulator.analysis.review import DecisionReview, review_decisions
from simulator.engine.script import settle
from simulator.engine.session import Session, Status
from simulator.scenario.playable import PlayableScenario

#: Which of the offered choices to take, given them and how many decisions came before.
Pick = Callable[[Sequence[str], int], str]


def last_offered(offered: Sequence[str], _made: int) -> str:
    return offered[-1]


def play_through(scenario: PlayableScenario, seed: int, pick: Pick = last_offered) -> Session:
    """A play of the scenario until it waits for no choice (ended, or stuck)."""
    session = Session.start(scenario, seed=seed)
    settle(session)
    while session.status is Status.WAITING_FOR_CHOICE:
        session.choose(pick(session.available_choices, len(session.decisions)))
        settle(session)
    return session


def review_measured(
    scenario: PlayableScenario, session: Session, **options: int
) -> tuple[list[DecisionReview], int]:
    """The debrief's review of a play, and the peak of memory it allocated (bytes): a
    review that finds its search already made allocates next to nothing."""
    tracemalloc.start()
    try:
        reviews = review_decisions(scenario, session.state.seed, session.decisions, **options)
        return reviews, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
