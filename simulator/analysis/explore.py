"""Searching a scenario's futures: what each choice can still lead to.

States that are equal are merged (the key holds everything that can change
what happens next), random branches are weighted by their probability, and a
timed choice counts "let the timer run out" as one more option. Scores are
the best expected score the trainee can still reach from a state.
"""

from __future__ import annotations

from collections.abc import Hashable

from simulator.engine.session import Session, Status

TIMEOUT = "timeout"
MAX_DEPTH = 400


def state_key(session: Session) -> Hashable:
    state = session.state
    return (
        state.node,
        state.status.value,
        tuple(sorted(state.values.items())),
        tuple(sorted(state.visits.items())),
        frozenset(state.chosen),
        state.episode,
        state.timer_left is not None,
    )


def options(session: Session) -> list[str]:
    """What the trainee can do now: available choice ids, plus a timeout when timed."""
    picks = [view.id for view in session.choices if view.available]
    if session.timer is not None:
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


class Explorer:
    """Best expected scores, memoised over merged states."""

    def __init__(self) -> None:
        self.memo: dict[Hashable, float] = {}

    def value(self, session: Session, depth: int = 0) -> float:
        settle(session)
        status = session.status
        if status is Status.ENDED:
            result = session.result()
            assert result is not None
            return float(result.score)
        if status is Status.STUCK or depth > MAX_DEPTH:
            return float("-inf")
        key = state_key(session)
        known = self.memo.get(key)
        if known is not None:
            return known
        self.memo[key] = float("-inf")  # a state that leads back to itself gains nothing
        if status is Status.WAITING_FOR_CHANCE:
            total = 0.0
            for index, (_, probability) in enumerate(session.chances):
                branch = session.fork()
                branch.resolve_chance(index)
                total += probability * self.value(branch, depth + 1)
            best = total
        else:
            best = float("-inf")
            for option in options(session):
                branch = session.fork()
                apply_option(branch, option)
                best = max(best, self.value(branch, depth + 1))
        self.memo[key] = best
        return best

    def option_values(self, session: Session) -> dict[str, float]:
        """For a session waiting for a choice: the best expected score after each option."""
        settle(session)
        values = {}
        for option in options(session):
            branch = session.fork(manual_chance=True)
            apply_option(branch, option)
            values[option] = self.value(branch)
        return values
