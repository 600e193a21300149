"""One trainee playing one scenario: the session, and its record in the results store.

Every step is written to the store as it happens, so closing the window (or a
crash) loses nothing, and the next start offers to resume exactly there.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass

from simulator.engine.events import ChoiceMade, EpisodeStarted, TimerExpired
from simulator.engine.rewind import Rewinds
from simulator.engine.session import Session, SnapshotError
from simulator.exit_codes import say
from simulator.records.recorder import Recorder
from simulator.records.store import ResultsStore, StoreError
from simulator.scenario.playable import PlayableScenario
from simulator.wording import Wording, wording


@dataclass(frozen=True)
class Unfinished:
    """A play of this scenario by this trainee that stopped before its ending."""

    play_id: str
    snapshot: dict
    language: str | None


@dataclass
class Playthrough:
    scenario: PlayableScenario
    trainee: str
    language: str | None
    session: Session
    recorder: Recorder | None  # None in preview, or when no store could be opened
    events_seen: int = 0
    # The questions a practice play can go back to; None in an assessed play, whose
    # decisions stand as made.
    rewinds: Rewinds | None = None

    @property
    def practice(self) -> bool:
        return self.rewinds is not None

    @property
    def words(self) -> Wording:
        """The interface's words in the language this play is in."""
        return wording(self.language or self.scenario.model.language)

    @classmethod
    def begin(
        cls,
        scenario: PlayableScenario,
        trainee: str,
        language: str | None,
        store: ResultsStore | None,
        seed: int | None = None,
        practice: bool = True,
    ) -> Playthrough:
        seed = secrets.randbelow(2**31) if seed is None else seed
        recorder = Recorder(store, trainee, "player") if store is not None else None
        session = Session.start(scenario, seed=seed)
        session.state.assessed = not practice
        play = cls(scenario, trainee, language, session, recorder, rewinds=_rewinds(practice))
        play.save()
        return play

    @classmethod
    def at_current_step(
        cls,
        scenario: PlayableScenario,
        trainee: str,
        language: str | None,
        session: Session,
        recorder: Recorder | None,
        practice: bool = True,
    ) -> Playthrough:
        """A playthrough of a session already under way, showing the step it stands at:
        everything from the last decision on is shown again. Decisions made before now
        cannot be taken back (their questions are not remembered)."""
        play = cls(scenario, trainee, language, session, recorder, rewinds=_rewinds(practice))
        play.events_seen = _last_decision(session)
        play._note()
        return play

    @staticmethod
    def unfinished(
        store: ResultsStore | None, scenario: PlayableScenario, trainee: str
    ) -> Unfinished | None:
        if store is None:
            return None
        try:
            found = store.unfinished(trainee, scenario.id, scenario.content_hash)
        except StoreError:
            return None
        if found is None:
            return None
        play_id, snapshot, language = found
        return Unfinished(
            play_id, snapshot, None if language == scenario.model.language else language
        )

    @classmethod
    def resume(
        cls,
        scenario: PlayableScenario,
        store: ResultsStore,
        trainee: str,
        unfinished: Unfinished,
    ) -> Playthrough | None:
        try:
            session = Session.restore(scenario, unfinished.snapshot)
        except SnapshotError:
            return None
        recorder = Recorder(
            store, trainee, "player", unfinished.play_id, written=len(session.decisions)
        )
        # The play keeps the mode it was started in, whichever session resumes it.
        return cls.at_current_step(
            scenario, trainee, unfinished.language, session, recorder, not session.state.assessed
        )

    @property
    def problem(self) -> StoreError | None:
        """Why the last step could not be recorded, if it could not."""
        return self.recorder.problem if self.recorder is not None else None

    def save(self) -> None:
        if self.recorder is not None:
            before = self.problem
            self.recorder.sync(self.session)
            self._tell_trainer(before)
        self._note()

    def _tell_trainer(self, before: StoreError | None) -> None:
        """The store's own message for a write that failed, on standard error for the
        trainer: once while the same problem lasts (``before``, the last write's), not at
        every step."""
        problem = self.problem
        if problem is not None and (before is None or str(problem) != str(before)):
            say(f"this play is not being recorded: {problem}")

    def _note(self) -> None:
        if self.rewinds is not None:
            self.rewinds.note(self.session)

    def choose(self, choice_id: str) -> None:
        self.session.choose(choice_id)
        self.save()

    def continue_(self) -> None:
        self.session.continue_()
        self.save()

    def tick(self, seconds: float) -> None:
        before = len(self.session.decisions)
        self.session.tick(seconds)
        if len(self.session.decisions) != before:
            self.save()

    @property
    def can_take_back(self) -> bool:
        return self.rewinds is not None and self.rewinds.can_take_back(self.session)

    def take_back(self) -> bool:
        """Go back to the question of the last decision (practice only); False when there
        is none to go back to. What follows from that question is shown again."""
        if self.rewinds is None or not self.rewinds.can_take_back(self.session):
            return False
        self.session = self.rewinds.take_back(self.session)
        if self.recorder is not None:
            before = self.problem
            self.recorder.take_back(self.session)
            self._tell_trainer(before)
        # The question again, with the reaction to the answer before it; an episode's card
        # already read is not shown again.
        card = _last(self.session, EpisodeStarted)
        self.events_seen = max(_last_decision(self.session), -1 if card is None else card + 1)
        return True

    def restart(self) -> Playthrough:
        store = self.recorder.store if self.recorder is not None else None
        if self.recorder is not None and self.session.result() is None:
            Playthrough.abandon(self.recorder.store, self.recorder.play_id)
        return Playthrough.begin(
            self.scenario, self.trainee, self.language, store, practice=self.practice
        )

    @staticmethod
    def abandon(store: ResultsStore, play_id: str) -> None:
        """Mark an unfinished play as left, so it is not offered for resuming again."""
        with contextlib.suppress(StoreError):  # if not, it is simply offered again
            store.abandon(play_id)


def _rewinds(practice: bool) -> Rewinds | None:
    return Rewinds() if practice else None


def _last_decision(session: Session) -> int:
    """Where the events of the step the session stands at begin: its last decision (the
    reaction to it is shown again), or the start."""
    decision = _last(session, (ChoiceMade, TimerExpired))
    return 0 if decision is None else decision


def _last(session: Session, kinds: type | tuple[type, ...]) -> int | None:
    """The position of the session's latest event of these kinds, if any."""
    events = session.events
    return next(
        (index for index in range(len(events) - 1, -1, -1) if isinstance(events[index], kinds)),
        None,
    )
