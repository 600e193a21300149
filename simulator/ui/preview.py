"""`simulator preview PATH`: the player, reloading the scenario whenever its file is saved.

After a reload the same choices are played again (same seed), so the trainer
lands back where they were; an edit that breaks the file shows the validator's
messages in the window instead of closing it, and the next good save carries on.
"""

from __future__ import annotations

import time
from pathlib import Path

from simulator.analysis.explore import TIMEOUT
from simulator.engine.script import replay
from simulator.engine.session import Session
from simulator.scenario.translations import load_translated
from simulator.ui.app import App
from simulator.ui.playthrough import Playthrough
from simulator.ui.scenes.debrief import DebriefScene
from simulator.ui.scenes.dialogue import DialogueScene
from simulator.ui.scenes.problems import ProblemsScene

POLL_SECONDS = 0.4


class Preview:
    """Watches the scenario's files and swaps the scenes when they change."""

    def __init__(self, app: App, path: Path, language: str | None, seed: int) -> None:
        self.app = app
        self.path = path
        self.language = language
        self.seed = seed
        self.watched: dict[Path, float] = {}
        self.next_poll = 0.0
        self.reloads = 0
        self.last_replayed = 0

    def files(self) -> list[Path]:
        folder = self.path.parent
        return [self.path, *sorted(p for p in folder.rglob("*.yaml") if p != self.path)]

    def stamps(self) -> dict[Path, float]:
        stamps = {}
        for file in self.files():
            try:
                stamps[file] = file.stat().st_mtime_ns
            except OSError:
                continue
        return stamps

    def picks_so_far(self) -> list[str]:
        for scene in reversed(self.app.scenes):
            if isinstance(scene, (DialogueScene, DebriefScene)):
                return [d.choice or TIMEOUT for d in scene.play.session.decisions]
        return []

    def load(self) -> None:
        picks = self.picks_so_far()
        self.watched = self.stamps()
        result = load_translated(self.path, self.language)
        if result.scenario is None:
            self.app.reset_to(
                ProblemsScene(self.app, str(self.path), result.diagnostics, closable=False)
            )
            return
        session = Session.start(result.scenario, seed=self.seed)
        self.last_replayed = len(replay(session, picks))
        play = Playthrough.at_current_step(
            result.scenario, "Preview", self.language, session, recorder=None
        )
        scene = DialogueScene(self.app, play)
        scene.pending_card = scene.pending_card if not picks else None
        self.app.reset_to(scene)

    def __call__(self, app: App) -> None:
        now = time.monotonic()
        if now < self.next_poll:
            return
        self.next_poll = now + POLL_SECONDS
        if self.stamps() != self.watched:
            self.reloads += 1
            self.load()


def run_preview(app: App, path: Path, language: str | None, seed: int) -> int:
    preview = Preview(app, path, language, seed)
    preview.load()
    app.after_frame = preview
    return app.run()
