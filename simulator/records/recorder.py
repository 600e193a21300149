"""Writing a session into the results store as it happens, and on to an LRS.

The recorder reads the session's plain data after each step and writes what
is new; it never drives the session. When the store is briefly unusable
(locked, disk full) nothing is dropped: the decisions stay in the session and
the next successful write catches up. xAPI statements are queued in the same
commit as the decisions they describe, then sent; an LRS that is down only
leaves them queued for `simulator sync`. ``problem`` and ``lrs_problem`` say
what went wrong, for the player or the command line to show.
"""

from __future__ import annotations

import uuid

from simulator.engine.session import Session, Status
from simulator.records.store import ResultsStore, StoreError, now
from simulator.records.xapi import LrsClient, LrsUnavailable, StatementBuilder


class Recorder:
    def __init__(
        self,
        store: ResultsStore,
        trainee: str,
        source: str,
        play_id: str | None = None,
        written: int = 0,
        lrs: LrsClient | None = None,
    ) -> None:
        self.store = store
        self.trainee = trainee
        self.source = source
        self.play_id = play_id or str(uuid.uuid4())
        self.written = written  # decisions already in the store
        self.started = play_id is not None
        self.finished = False
        self.lrs = lrs if lrs is not None else LrsClient.configured()
        self.problem: str | None = None
        self.lrs_problem: str | None = None

    def sync(self, session: Session) -> bool:
        """Bring the store up to date with the session; False (and ``problem``) if it failed."""
        builder = StatementBuilder(session.scenario, self.play_id, self.trainee)
        try:
            if not self.started:
                scenario = session.scenario
                self.store.start_play(
                    self.play_id,
                    self.trainee,
                    scenario.id,
                    scenario.title,
                    scenario.content_hash,
                    scenario.model.language,
                    scenario.model.meters.cost.short_unit,
                    session.state.seed,
                    self.source,
                    session.snapshot(),
                    [builder.initialized(now())],
                )
                self.started = True
            new = session.decisions[self.written :]
            result = session.result()
            xapi = [
                builder.answered(self.written + offset, decision, now())
                for offset, decision in enumerate(new)
            ]
            ending = result is not None and not self.finished
            if ending:
                xapi += builder.ending(result, now())
            status = {Status.ENDED: "ended", Status.STUCK: "stuck"}.get(session.status, "playing")
            # A decision's consequences arrive after it is written: the latest written one
            # may have grown at each step, and at the ending any of them may have (an
            # author can charge a late effect to an early choice).
            first_revised = 0 if result is not None else max(0, self.written - 1)
            revised = [
                (step, session.decisions[step]) for step in range(first_revised, self.written)
            ]
            self.store.record(
                self.play_id,
                self.written,
                list(new),
                status,
                None if status != "playing" else session.snapshot(),
                result,
                xapi,
                first_statement=1 + self.written,
                revised=revised,
            )
            self.written += len(new)
            self.finished = self.finished or ending
        except StoreError as error:
            self.problem = str(error)
            return False
        self.problem = None
        self.send()
        return True

    def send(self) -> None:
        """Offer the queued statements to the LRS, if there is one."""
        if self.lrs is None:
            return
        try:
            send_queued(self.store, self.lrs)
            self.lrs_problem = None
        except (LrsUnavailable, StoreError) as error:
            self.lrs_problem = (
                f"{error}; the statements are queued (send them later with "
                "'python -m simulator sync')"
            )


def send_queued(store: ResultsStore, lrs: LrsClient) -> int:
    """Send everything queued, oldest first; how many were sent. Raises LrsUnavailable."""
    sent = 0
    while batch := store.unsent(limit=200):
        held = lrs.send(batch)
        store.mark_sent(held)
        sent += len(held)
        if len(held) < len(batch):
            break
    return sent
