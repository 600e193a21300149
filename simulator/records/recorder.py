"""Writing a session into the results store as it happens.

The recorder reads the session's plain data after each step and writes what
is new; it never drives the session. When the store is briefly unusable
(locked, disk full) nothing is dropped: the decisions stay in the session and
the next successful write catches up. ``problem`` says what went wrong, for
the player or the command line to show.
"""

from __future__ import annotations

import uuid

from simulator.engine.session import Session, Status
from simulator.records.store import ResultsStore, StoreError


class Recorder:
    def __init__(
        self,
        store: ResultsStore,
        trainee: str,
        source: str,
        play_id: str | None = None,
        written: int = 0,
    ) -> None:
        self.store = store
        self.trainee = trainee
        self.source = source
        self.play_id = play_id or str(uuid.uuid4())
        self.written = written  # decisions already in the store
        self.started = play_id is not None
        self.problem: str | None = None

    def sync(self, session: Session) -> bool:
        """Bring the store up to date with the session; False (and ``problem``) if it failed."""
        try:
            if not self.started:
                scenario = session.scenario
                meter = scenario.model.meters.cost
                self.store.start_play(
                    self.play_id,
                    self.trainee,
                    scenario.id,
                    scenario.title,
                    scenario.content_hash,
                    scenario.model.language,
                    "h" if meter.unit.value == "hours" else meter.currency,
                    session.state.seed,
                    self.source,
                    session.snapshot(),
                )
                self.started = True
            new = session.decisions[self.written :]
            ended = session.status in (Status.ENDED, Status.STUCK)
            status = (
                "ended"
                if session.status is Status.ENDED
                else ("stuck" if session.status is Status.STUCK else "playing")
            )
            self.store.record(
                self.play_id,
                self.written,
                list(new),
                status,
                None if ended else session.snapshot(),
                session.result(),
            )
            self.written += len(new)
        except StoreError as error:
            self.problem = str(error)
            return False
        self.problem = None
        return True
