"""Taking back a decision in practice, as a visual novel's rollback does.

A trainee rehearsing may want to see where the other answer leads. Each question is
remembered as it was first asked (a copy of the whole session, which is plain data),
so taking back the last decision returns to that moment exactly: the same lines, the
timer full again, and the same luck in any random branch that follows. The session
itself knows nothing of this; it only counts how often it was taken back, so that the
record shows a practice play for what it was.

Only questions asked since the play was opened (or resumed) can be returned to, and
at most ``LIMIT`` of them, so a long play keeps a bounded history. A play that has
reached its ending is finished: its result is recorded and is not taken back, and an
assessed play (``SessionState.assessed``) is never taken back at all.
"""

from __future__ import annotations

from simulator.engine.session import Session, Status

#: How many questions back a trainee can go.
LIMIT = 50


class Rewinds:
    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        # Each question by the number of decisions made before it was asked.
        self._asked: dict[int, Session] = {}

    def note(self, session: Session) -> None:
        """Remember the question the session waits at, the first time it is asked."""
        state = session.state
        if session.status is not Status.WAITING_FOR_CHOICE or state.exploring or state.assessed:
            return
        step = len(session.decisions)
        if step in self._asked:
            return
        self._asked[step] = session.fork(keep_events=True)
        if len(self._asked) > self.limit:
            del self._asked[min(self._asked)]

    def can_take_back(self, session: Session) -> bool:
        """Whether the session's last decision was made at a question remembered here, and
        the play is still under way."""
        if session.status not in (Status.WAITING_FOR_CHOICE, Status.WAITING_FOR_CONTINUE):
            return False
        return bool(session.decisions) and len(session.decisions) - 1 in self._asked

    def take_back(self, session: Session) -> Session:
        """The session as it was when its last decision was asked for. Raises ValueError
        when ``can_take_back`` is false."""
        if not self.can_take_back(session):
            raise ValueError("there is no decision to take back here")
        step = len(session.decisions) - 1
        for later in [key for key in self._asked if key > step]:
            del self._asked[later]
        restored = self._asked[step].fork(keep_events=True)
        restored.state.rewinds = session.state.rewinds + 1
        return restored
