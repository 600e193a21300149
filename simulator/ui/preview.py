"""`simulator preview PATH`: the player, reloading the scenario whenever its file is saved.

After a reload the same choices are played again (same seed), so the trainer
lands back where they were; an edit that breaks the file shows the validator's
messages in the window instead of closing it, and the choices are kept until
the next good save plays them again. When the edited file no longer allows
one of them, the play stops just before it and a notice says which one.
"""

from __future__ import annotations

import time
from pathlib import Path

import pygame

from simulator.analysis.explore import TIMEOUT
from simulator.engine.script import replay, resolve_pick
from simulator.engine.session import Session
from simulator.scenario.translations import load_translated
from simulator.ui.app import App
from simulator.ui.input import Intent
from simulator.ui.playthrough import Playthrough
from simulator.ui.scene import Scene
from simulator.ui.scenes.debrief import DebriefScene
from simulator.ui.scenes.dialogue import DialogueScene
from simulator.ui.scenes.problems import ProblemsScene
from simulator.ui.widgets.basic import draw_wrapped, panel, wrapped_height
from simulator.wording import Wording

POLL_SECONDS = 0.4


class Preview:
    """Watches the scenario's files and swaps the scenes when they change."""

    def __init__(self, app: App, path: Path, language: str | None, seed: int) -> None:
        self.app = app
        app.records_plays = False  # nor any play the menu in this window opens
        self.path = path
        self.language = language
        self.seed = seed
        self.watched: dict[Path, float] = {}
        self.next_poll = 0.0
        self.reloads = 0
        self.last_replayed = 0
        # The choices of the last play shown: while a broken file's errors are on screen
        # there is no play to read them from, and the next good save still needs them.
        self.picks: list[str] = []

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
        """The choices of the play on screen; with no play on screen (the errors of a
        broken save), those of the last one."""
        for scene in reversed(self.app.scenes):
            if isinstance(scene, (DialogueScene, DebriefScene)):
                return [d.choice or TIMEOUT for d in scene.play.session.decisions]
        return self.picks

    def load(self) -> None:
        self.picks = self.picks_so_far()
        self.watched = self.stamps()
        result = load_translated(self.path, self.language)
        if result.scenario is None:
            self.app.reset_to(
                ProblemsScene(self.app, str(self.path), result.diagnostics, closable=False)
            )
            return
        session = Session.start(result.scenario, seed=self.seed)
        self.last_replayed = len(replay(session, self.picks))
        play = Playthrough.at_current_step(
            result.scenario, "Preview", self.language, session, recorder=None
        )
        scene = DialogueScene(self.app, play)
        if self.last_replayed:  # the episode's card was read before the save
            scene.pending_card = None
        self.app.reset_to(scene)
        if self.last_replayed < len(self.picks):
            why = resolve_pick(session, self.picks[self.last_replayed])
            assert isinstance(why, str), "replay stops only at a pick that cannot be played"
            self.app.push(ReplayStopped(self.app, scene, self.last_replayed + 1, why))

    def __call__(self, app: App) -> None:
        now = time.monotonic()
        if now < self.next_poll:
            return
        self.next_poll = now + POLL_SECONDS
        if self.stamps() != self.watched:
            self.reloads += 1
            self.load()


class ReplayStopped(Scene):
    """Over the play: the edit no longer allows the trainer's choice at ``step``, so the
    play stands just before it. Any key or a click lets the trainer carry on from there."""

    overlay = True

    def __init__(self, app: App, below: DialogueScene, step: int, why: str) -> None:
        super().__init__(app)
        self.below = below
        self.step = step
        self.why = why  # the engine's words, as the validator's: for the scenario's author
        self.unread = True

    @property
    def words(self) -> Wording:
        return self.below.words

    @property
    def caption(self) -> str:
        return self.below.caption

    def message(self) -> str:
        return self.words("preview.replay_stopped", step=self.step)

    def handle(self, intent: Intent) -> None:
        if intent.kind not in ("hover", "scroll"):
            self.app.pop()

    def update(self, seconds: float) -> None:
        if self.unread and self.app.voice.enabled:
            self.unread = False
            self.app.voice.say([self.message(), self.words("episode.any_key")], self.words.language)

    def draw(self, surface: pygame.Surface) -> None:
        fonts, theme = self.app.fonts, self.app.theme
        width = surface.get_width() - 60
        inner = width - 48
        texts = [
            (self.message(), theme.size(20), theme.text, "bold"),
            (self.why, theme.size(15), theme.muted, "regular"),
            (self.words("episode.any_key"), theme.size(15), theme.muted, "regular"),
        ]
        height = sum(
            wrapped_height(fonts, text, size, inner, style) + 8 for text, size, _, style in texts
        )
        rect = pygame.Rect(30, 30, width, height + 32)
        panel(surface, rect, theme)
        y = rect.y + 16
        for text, size, colour, style in texts:
            y = draw_wrapped(surface, fonts, text, size, colour, rect.x + 24, y, inner, style) + 8


def run_preview(app: App, path: Path, language: str | None, seed: int) -> int:
    preview = Preview(app, path, language, seed)
    preview.load()
    app.after_frame = preview
    return app.run()
