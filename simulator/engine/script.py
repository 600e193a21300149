"""Picks given ahead of time: what a trainer types for `run`, `graph --path`, a
playthrough test or the demo mode, and what the analysis replays.

A pick is a choice number as shown to the trainee, a choice id, or "t" to let
a timed choice run out. Every command that plays a script asks here what a
pick means at the current step, so they all accept the same picks and explain
a pick that cannot be played in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.engine.session import Session, Status
from simulator.scenario.playable import TIMEOUT_WORDS as TIMEOUT_PICKS


@dataclass(frozen=True)
class Pick:
    choice: str | None  # the choice id; None lets the timer run out
    number: int | str  # as the trainee would type it: the number shown, or "t"


def settle(session: Session) -> None:
    """Move past steps that only wait for 'continue'."""
    while session.status is Status.WAITING_FOR_CONTINUE:
        session.continue_()


def resolve_pick(session: Session, pick: int | str) -> Pick | str:
    """What the pick means at this step, or (a string) why it cannot be played here."""
    node = session.state.node
    if session.status is not Status.WAITING_FOR_CHOICE:
        if session.status is Status.STUCK:
            return f"the play is stuck at '{node}' ({session.state.stuck_reason})"
        return f"the scenario has already ended at '{node}'"
    if isinstance(pick, str) and pick.lower() in TIMEOUT_PICKS:
        if session.timer is None:
            return f"'t' lets a timer run out, but the choice at '{node}' is not timed"
        return Pick(None, "t")
    views = session.choices
    if isinstance(pick, int):
        view = session.choice_by_number(pick)
    else:
        view = next((view for view in views if view.id == pick), None)
    if view is not None and view.available:
        return Pick(view.id, view.number)
    named = f"choice {pick}" if isinstance(pick, int) else f"choice '{pick}'"
    why = f" ({view.reason})" if view is not None and view.reason else ""
    offered = ", ".join(f"{v.number}={v.id}" for v in views if v.available) or "nothing"
    return f"{named} cannot be picked at '{node}'{why}; offered: {offered}"


def play_pick(session: Session, pick: Pick) -> None:
    if pick.choice is None:
        timer = session.timer
        assert timer is not None, "resolve_pick checks the timer"
        session.tick(timer[0])
    else:
        session.choose(pick.choice)
