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
from simulator.scenario.diagnostics import suggest
from simulator.scenario.playable import TIMEOUT_WORDS as TIMEOUT_PICKS
from simulator.scenario.playable import PlayableScenario


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
    meant = ""
    if isinstance(pick, str) and view is None:  # an id misspelt, as in a test file (E218)
        meant = suggest(pick, [v.id for v in views if v.available])
    return f"{named} cannot be picked at '{node}'{why}; offered: {offered}{meant}"


def play_pick(session: Session, pick: Pick) -> None:
    if pick.choice is None:
        timer = session.timer
        assert timer is not None, "resolve_pick checks the timer"
        session.tick(timer[0])
    else:
        session.choose(pick.choice)


def play_script(
    scenario: PlayableScenario, picks: list[int | str], seed: int = 0
) -> tuple[Session, str | None]:
    """A new session with the picks played in turn and moved past any step that only waits
    for 'continue'; with it, why a pick cannot be played ("step N: ..."), or None when
    every pick was. The session is left where the script stopped."""
    session = Session.start(scenario, seed=seed)
    for step, pick in enumerate(picks, start=1):
        settle(session)
        resolved = resolve_pick(session, pick)
        if isinstance(resolved, str):
            return session, f"step {step}: {resolved}"
        play_pick(session, resolved)
    settle(session)
    return session, None


def replay(session: Session, picks: list[str]) -> list[int | str]:
    """Play choice ids (or timeouts) for as long as each can still be played; the numbers
    shown of those played. The session is left at the step after the last (a preview
    fast-forwards through an edited scenario this way, as far as the old picks fit)."""
    numbers: list[int | str] = []
    for pick in picks:
        settle(session)
        resolved = resolve_pick(session, pick)
        if isinstance(resolved, str):
            break
        numbers.append(resolved.number)
        play_pick(session, resolved)
    return numbers
