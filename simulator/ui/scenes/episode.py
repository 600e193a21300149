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

    def layout(self, width: int, height: int) -> tuple[int, int, int]:
        """Where the card's text starts, the size its intro is set in, and where the text
        ends: a third of the way down when it fits, higher when it does not, and in a
        smaller size when even that is not enough, so that a long intro (translated
        narration at 800x600 with extra-large text) never runs under the hint or off the
        window. The hint's top is ``hint_top``."""
        app, theme = self.app, self.app.theme
        when, title_text = episode_title(self.event, self.play.session)
        heading = 0
        if when:
            heading += app.fonts.line_height(theme.size(40), "bold") + 10
        if title_text:
            heading += app.fonts.line_height(theme.size(28), "bold")
        heading += 24
        room = hint_top(height) - TEXT_MARGIN
        size = theme.size(INTRO_SIZES[0])
        intro = 0
        for base in INTRO_SIZES:
            size = theme.size(base)
            intro = self._intro_height(width, size)
            if heading + intro <= room - TEXT_MARGIN:
                break
        top = max(TEXT_MARGIN, min(height // 3, room - heading - intro))
        return top, size, top + heading + intro

    def _intro_height(self, width: int, size: int) -> int:
        if not self.event.intro:
            return 0
        lines = self.app.fonts.wrap(self.event.intro, size, (0, 0, 0), _box_width(width), "italic")
        return len(lines) * self.app.fonts.line_height(size, "italic")

    def draw(self, surface: pygame.Surface) -> None:
        app, theme = self.app, self.app.theme
        width, height = surface.get_size()
        surface.fill((12, 14, 20) if theme.panel != (0, 0, 0) else (0, 0, 0))
        level = self.shown_for / FADE_SECONDS
        light = tuple(round(c * level) for c in (255, 225, 150))
        white = tuple(round(c * level) for c in (240, 240, 245))
        y, intro_size, _ = self.layout(width, height)
        when, title_text = episode_title(self.event, self.play.session)
        if when:
            text = app.fonts.render(when, theme.size(40), light, "bold")
            surface.blit(text, text.get_rect(midtop=(width // 2, y)))
            y += app.fonts.line_height(theme.size(40), "bold") + 10
        if title_text:
            title = app.fonts.render(title_text, theme.size(28), white, "bold")
            surface.blit(title, title.get_rect(midtop=(width // 2, y)))
            y += app.fonts.line_height(theme.size(28), "bold")
        y += 24
        if self.event.intro:
            room = hint_top(height) - TEXT_MARGIN - y
            lines = app.fonts.wrap(self.event.intro, intro_size, white, _box_width(width), "italic")
            line_height = app.fonts.line_height(intro_size, "italic")
            shown = max(1, room // line_height)
            for index, line in enumerate(lines[:shown]):
                image = line.surface
                if index == shown - 1 and len(lines) > shown:  # even the least size is cut
                    cut = line.text.rstrip(" .,;:") + "…"
                    cut = app.fonts.shortened(cut, intro_size, _box_width(width), "italic")
                    image = app.fonts.render(cut, intro_size, white, "italic")
                surface.blit(image, image.get_rect(midtop=(width // 2, y + index * line_height)))
        hint_colour = tuple(round(c * level) for c in (150, 156, 170))
        hint = app.fonts.render(self.words("episode.any_key"), theme.size(16), hint_colour)
        surface.blit(hint, hint.get_rect(midtop=(width // 2, hint_top(height))))


#: The intro's sizes, largest first: the first whose text fits above the hint is used.
INTRO_SIZES = (22, 20, 18, 16)
#: The least room kept between the text and the window's top or the hint.
TEXT_MARGIN = 16


def hint_top(height: int) -> int:
    """Where the "press any key" line starts, near the foot of the window."""
    return height - 70


def _box_width(width: int) -> int:
    return min(900, width - 120)
