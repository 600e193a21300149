"""One trainee playing one scenario: the session plus what must outlive the window.

After every step the session is saved, so closing the window (or a crash)
loses nothing and the next start offers to resume exactly there.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from simulator.engine.events import ChoiceMade, TimerExpired
from simulator.engine.session import Session, SnapshotError, Status
from simulator.scenario.playable import PlayableScenario
from simulator.userdata import SavedPlay, discard_play, load_play, store_play


@dataclass
class Playthrough:
    scenario: PlayableScenario
    trainee: str
    language: str | None
    session: Session
    events_seen: int = 0
    persist: bool = True  # False in preview: a trainer's test plays leave no saves behind

    @classmethod
    def begin(
        cls, scenario: PlayableScenario, trainee: str, language: str | None, seed: int | None = None
    ) -> Playthrough:
        seed = secrets.randbelow(2**31) if seed is None else seed
        play = cls(scenario, trainee, language, Session.start(scenario, seed=seed))
        play.save()
        return play

    @classmethod
    def resume(cls, scenario: PlayableScenario, saved: SavedPlay) -> Playthrough | None:
        try:
            session = Session.restore(scenario, saved.snapshot)
        except SnapshotError:
            return None
        return cls.at_current_step(scenario, saved.trainee, saved.language, session)

    @classmethod
    def at_current_step(
        cls,
        scenario: PlayableScenario,
        trainee: str,
        language: str | None,
        session: Session,
        persist: bool = True,
    ) -> Playthrough:
        """A playthrough of a session already under way, showing the step it stands at:
        everything from the last decision on is shown again."""
        last_decision = max(
            (
                index
                for index, event in enumerate(session.events)
                if isinstance(event, (ChoiceMade, TimerExpired))
            ),
            default=0,
        )
        return cls(scenario, trainee, language, session, events_seen=last_decision, persist=persist)

    @staticmethod
    def saved_for(scenario: PlayableScenario) -> SavedPlay | None:
        saved = load_play(scenario.id)
        if saved is None or saved.snapshot.get("scenario_hash") != scenario.content_hash:
            return None
        return saved

    def save(self) -> None:
        if not self.persist:
            return
        if self.session.status in (Status.ENDED, Status.STUCK):
            discard_play(self.scenario.id)
            return
        store_play(
            self.scenario.id,
            SavedPlay(self.scenario.path, self.language, self.trainee, self.session.snapshot()),
        )

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

    def restart(self) -> Playthrough:
        play = Playthrough(
            self.scenario,
            self.trainee,
            self.language,
            Session.start(self.scenario, seed=secrets.randbelow(2**31)),
            persist=self.persist,
        )
        play.save()
        return play
