"""Writing a session into the results store as it happens, and on to an LRS.

The recorder reads the session's plain data after each step and writes what
is new; it never drives the session. When the store is briefly unusable
(locked, disk full) nothing is dropped: the decisions stay in the session and
the next successful write catches up. With an LRS, xAPI statements are queued
in the same commit as the decisions they describe, then sent; an LRS that is
down only leaves them queued for `simulator sync`. Without one nothing is
queued. ``problem`` and ``lrs_problem`` say what went wrong, for the player or
the command line to show.

Each write costs the same however long the play has run: only what is new is
written, and only a trainee's play keeps a snapshot to resume from (its
growing lists are stored item by item, see ``SnapshotChange``).
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from simulator.engine.session import DecisionRecord, Session, Status
from simulator.records.store import (
    GROWING,
    SOURCES,
    TRAINEE_SOURCES,
    ResultsStore,
    SnapshotChange,
    StoreError,
    TakeBack,
    now,
)
from simulator.records.xapi import (
    XAPI_QUEUE_LIMIT,
    LrsAddressError,
    LrsClient,
    LrsUnavailable,
    StatementBuilder,
)


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
        if source not in SOURCES:
            raise ValueError(f"a play's source is one of {', '.join(SOURCES)}, not {source!r}")
        self.store = store
        self.trainee = trainee
        self.source = store.source or source
        self.play_id = play_id or str(uuid.uuid4())
        self.written = written  # decisions already in the store
        self.started = play_id is not None
        self.finished = False
        self.problem: StoreError | None = None  # why the last write failed, if it did
        self.lrs_problem: str | None = None
        if lrs is None:
            try:
                lrs = LrsClient.configured()
            except LrsAddressError as error:  # $CS_SIMULATOR_LRS set by hand, mistyped
                self.lrs_problem = str(error)
        self.lrs = lrs
        self.queueing = lrs is not None  # no LRS, no statements: nothing would send them
        self.queue_full: str | None = None  # why this play's statements are not queued
        self.builder: StatementBuilder | None = None
        # Only a trainee's play is offered for resuming, so only it keeps a snapshot.
        self.keeps_snapshot = self.source in TRAINEE_SOURCES
        # The decisions as last written, to see which a later step revised; None for a
        # resumed play, whose written decisions are all written again once.
        self.kept: list[DecisionRecord] | None = None if self.started else []
        # How many items of each growing snapshot list are stored; None: ask the store.
        self.parts: dict[str, int] | None = None if self.started else dict.fromkeys(GROWING, 0)
        # The id of each written decision's xAPI statement, to withdraw it if the decision
        # is taken back (only decisions written by this recorder can be).
        self.answered: list[str | None] = [None] * written
        # Where the play went back to (decisions, events) when decisions were taken back,
        # until the store has been told.
        self.back_to: tuple[int, int] | None = None

    def sync(self, session: Session) -> bool:
        """Bring the store up to date with the session; False (and ``problem``) if it failed."""
        if self.queueing and self.builder is None:  # the pseudonym's secret is read once
            try:
                self.builder = StatementBuilder(session.scenario, self.play_id, self.trainee)
            except OSError as error:  # the data folder cannot keep the secret
                self.queueing = False
                self.queue_full = self.lrs_problem = (
                    f"no xAPI statements for this play: the pseudonyms' secret cannot be "
                    f"kept in the data folder ({error.strerror or error})"
                )
        builder = self.builder if self.queueing else None
        try:
            if not self.started:
                scenario = session.scenario
                if builder is not None and self.store.queued() >= XAPI_QUEUE_LIMIT:
                    self.queueing, builder = False, None
                    self.queue_full = self.lrs_problem = (
                        f"{XAPI_QUEUE_LIMIT} xAPI statements already wait for the LRS, so "
                        "this play's are not queued (it is recorded all the same); send "
                        "them with 'python -m simulator sync'"
                    )
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
                    [builder.initialized(now())] if builder is not None else [],
                )
                self.started = True
            if self.parts is None and self.keeps_snapshot:
                self.parts = self.store.snapshot_counts(self.play_id)
            back, voids, before = self._take_back(session, builder)
            new = session.decisions[self.written :]
            result = session.result()
            answers: list[dict] = []
            xapi = list(voids)
            ending = result is not None and not self.finished
            if builder is not None:
                answers = [
                    builder.answered(self.written + offset, decision, now(), session.state.rewinds)
                    for offset, decision in enumerate(new)
                ]
                xapi += answers
                if ending:
                    assert result is not None
                    xapi += builder.ending(result, now())
            status = {Status.ENDED: "ended", Status.STUCK: "stuck"}.get(session.status, "playing")
            # A decision's consequences arrive after it is written (an author can even
            # charge a late effect to an early choice): those whose record was replaced
            # since are written again.
            revised = self._revised(session)
            snapshot = self._snapshot(session, revised) if status == "playing" else None
            try:
                self.store.record(
                    self.play_id,
                    self.written,
                    list(new),
                    status,
                    snapshot,
                    result,
                    xapi,
                    first_statement=1 + self.written,
                    revised=[(step, session.decisions[step]) for step in revised],
                    taken_back_from=back,
                )
            except StoreError:
                if before is not None:
                    self._return_to(before)  # the take-back, too, is written next time
                raise
            self.back_to = None
            self._wrote(session, snapshot, revised)
            self.answered += [a["id"] for a in answers] if builder else [None] * len(new)
            self.written += len(new)
            self.finished = self.finished or ending
        except StoreError as error:
            self.problem = error.detached()
            return False
        self.problem = None
        self.send()
        return True

    def take_back(self, session: Session) -> bool:
        """The trainee took back decisions (practice) and the session now stands where it
        went back to: record that, as ``sync`` does (and a failed write is retried by the
        next ``sync``)."""
        here = (len(session.decisions), len(session.state.events))
        self.back_to = here if self.back_to is None else min(self.back_to, here)
        return self.sync(session)

    def _take_back(
        self, session: Session, builder: StatementBuilder | None
    ) -> tuple[TakeBack | None, list[dict], tuple[Any, ...] | None]:
        """When practice took back written decisions: what the store is to move aside, the
        statements withdrawing theirs, and where this recorder stood before, to return to
        if the write fails; this recorder then stands where the play went back to. (Only
        then is its position copied: a write without a take-back costs no more at the
        two-thousandth decision than at the second.)"""
        if self.back_to is None or self.back_to[0] >= self.written:
            return None, [], None  # nothing taken back, or none of it had been written
        before = self._position()
        first, events = self.back_to
        withdrawn = [key for key in self.answered[first:] if key is not None]
        voids = [builder.voided(key, now()) for key in withdrawn] if builder is not None else []
        back = TakeBack(session.state.rewinds, first, events)
        self.written = first
        del self.answered[first:]
        if self.kept is not None:
            del self.kept[first:]
        if self.parts is not None:
            self.parts = {
                "decisions": min(self.parts["decisions"], first),
                "events": min(self.parts["events"], events),
            }
        return back, voids, before

    def _position(self) -> tuple[Any, ...]:
        """What this recorder knows of the store, to return to if a write fails."""
        return (
            self.written,
            list(self.answered),
            None if self.kept is None else list(self.kept),
            None if self.parts is None else dict(self.parts),
        )

    def _return_to(self, position: tuple[Any, ...]) -> None:
        self.written, self.answered, self.kept, self.parts = position

    def _revised(self, session: Session) -> list[int]:
        """The written decisions whose record the session has replaced since."""
        decisions = session.decisions
        if self.kept is None:
            return list(range(self.written))
        return [step for step in range(self.written) if decisions[step] is not self.kept[step]]

    def _snapshot(self, session: Session, revised: list[int]) -> SnapshotChange | None:
        """The snapshot's new and revised items and its small head, without serialising
        what is already stored: the session snapshots a copy of its state that holds only
        those items."""
        if not self.keeps_snapshot or self.parts is None:
            return None
        state = session.state
        stored = self.parts
        changed = [step for step in revised if step < stored["decisions"]]
        picked = {
            "decisions": [state.decisions[step] for step in changed]
            + state.decisions[stored["decisions"] :],
            "events": state.events[stored["events"] :],
        }
        data = Session(session.scenario, dataclasses.replace(state, **picked)).snapshot()
        change = SnapshotChange(
            head={key: value for key, value in data.items() if key not in GROWING},
            counts={"decisions": len(state.decisions), "events": len(state.events)},
        )
        positions = {
            "decisions": changed + list(range(stored["decisions"], len(state.decisions))),
            "events": list(range(stored["events"], len(state.events))),
        }
        for kind in GROWING:
            for position, item in zip(positions[kind], data[kind], strict=True):
                target = change.revised if position < stored[kind] else change.new
                target.append((kind, position, item))
        return change

    def _wrote(self, session: Session, snapshot: SnapshotChange | None, revised: list[int]) -> None:
        """Remember what is in the store now."""
        if snapshot is not None:
            self.parts = dict(snapshot.counts)
        if self.kept is None:
            self.kept = list(session.decisions)
            return
        for step in revised:
            self.kept[step] = session.decisions[step]
        self.kept += session.decisions[len(self.kept) :]

    def stop(self, session: Session) -> None:
        """A play given up before its ending (a run out of choices, a pick that cannot be
        played) is marked abandoned, so that nothing counts it as under way."""
        if self.started and session.status not in (Status.ENDED, Status.STUCK):
            try:
                self.store.abandon(self.play_id)
            except StoreError as error:
                self.problem = error.detached()

    def send(self) -> None:
        """Offer the queued statements to the LRS, if there is one."""
        if self.lrs is None:
            return
        try:
            send_queued(self.store, self.lrs)
            problem = None
        except (LrsUnavailable, StoreError) as error:
            problem = (
                f"{error}; the statements are queued (send them later with "
                "'python -m simulator sync')"
            )
        self.lrs_problem = self.queue_full or problem


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
