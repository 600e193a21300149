"""The card between visits or calls: day, time and what is about to happen."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from simulator.engine.events import EpisodeStarted
from simulator.transcript import episode_title
from simulator.ui.input import Intent
from simulator.ui.playthrough import Playthrough
from simulator.ui.scene import Scene
from simulator.wording import Wording

if TYPE_CHECKING:
    from simulator.ui.app import App

FADE_SECONDS = 0.6


class EpisodeCard(Scene):
    def __init__(self, app: App, play: Playthrough, event: EpisodeStarted) -> None:
        super().__init__(app)
        self.play = play
        self.event = event
        self.shown_for = 0.0 if not app.settings.reduced_motion else FADE_SECONDS

    @property
    def words(self) -> Wording:
        return self.play.words

    @property
    def animating(self) -> bool:
        return self.shown_for < FADE_SECONDS

    def update(self, seconds: float) -> None:
        if self.shown_for < FADE_SECONDS:
            self.shown_for = min(FADE_SECONDS, self.shown_for + seconds)
            self.app.invalidate()

    @property
    def caption(self) -> str:
        return self.play.scenario.title

    def handle(self, intent: Intent) -> None:
        if intent.kind in ("confirm", "skip", "click", "choose", "back"):
            self.app.pop()

    def draw(self, surface: pygame.Surface) -> None:
        app, theme = self.app, self.app.theme
        width, height = surface.get_size()
        surface.fill((12, 14, 20) if theme.panel != (0, 0, 0) else (0, 0, 0))
        level = self.shown_for / FADE_SECONDS
        light = tuple(round(c * level) for c in (255, 225, 150))
        white = tuple(round(c * level) for c in (240, 240, 245))
        y = height // 3
        when, title_text = episode_title(self.event, self.play.session)
        if when:
            text = app.fonts.render(when, theme.size(40), light, "bold")
            surface.blit(text, text.get_rect(midtop=(width // 2, y)))
            y += text.get_height() + 10
        if title_text:
            title = app.fonts.render(title_text, theme.size(28), white, "bold")
            surface.blit(title, title.get_rect(midtop=(width // 2, y)))
            y += title.get_height()
        y += 24
        if self.event.intro:
            box_width = min(900, width - 120)
            lines = app.fonts.wrap(self.event.intro, theme.size(22), white, box_width, "italic")
            line_height = app.fonts.line_height(theme.size(22), "italic")
            for index, line in enumerate(lines):
                surface.blit(
                    line.surface,
                    line.surface.get_rect(midtop=(width // 2, y + index * line_height)),
                )
            y += line_height * len(lines)
        hint_colour = tuple(round(c * level) for c in (150, 156, 170))
        hint = app.fonts.render(self.words("episode.any_key"), theme.size(16), hint_colour)
        surface.blit(hint, hint.get_rect(midtop=(width // 2, height - 70)))
