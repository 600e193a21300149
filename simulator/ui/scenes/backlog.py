"""Everything said so far. Past choices are shown but cannot be picked again."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from simulator.engine.events import ChoiceMade, EpisodeStarted, LineShown, TimerExpired
from simulator.transcript import episode_title
from simulator.ui.input import Intent
from simulator.ui.playthrough import Playthrough
from simulator.ui.scene import Scene
from simulator.ui.widgets.basic import draw_wrapped, panel, wrapped_height
from simulator.wording import Wording

if TYPE_CHECKING:
    from simulator.ui.app import App


class BacklogScene(Scene):
    def __init__(self, app: App, play: Playthrough) -> None:
        super().__init__(app)
        self.play = play
        self.scroll: int | None = None  # None: stick to the newest entries
        self.entries = self._entries()
        # The heading as last drawn: the title, and the keys' hint beside or under it.
        self.title_rect = pygame.Rect(0, 0, 0, 0)
        self.hint_rect = pygame.Rect(0, 0, 0, 0)

    def _entries(self) -> list[tuple[str, str]]:
        characters = self.play.scenario.characters
        words = self.words
        entries: list[tuple[str, str]] = []
        for event in self.play.session.events:
            if isinstance(event, EpisodeStarted):
                when, title = episode_title(event, self.play.session)
                entries.append(("episode", " · ".join(part for part in (title, when) if part)))
            elif isinstance(event, LineShown):
                speaker = characters.get(event.speaker or "")
                entries.append(("line", f"{speaker.name}: {event.text}" if speaker else event.text))
            elif isinstance(event, ChoiceMade):
                entries.append(("choice", words("play.you", text=event.text)))
            elif isinstance(event, TimerExpired):
                no_answer = words("play.no_answer")
                entries.append(("choice", words("play.you", text=no_answer)))
        return entries

    @property
    def words(self) -> Wording:
        return self.play.words

    @property
    def caption(self) -> str:
        return self.words("history.title")

    def handle(self, intent: Intent) -> None:
        if intent.kind in ("back", "backlog", "confirm", "skip"):
            self.app.pop()
        elif intent.kind in ("scroll", "move", "page"):
            unit = {"scroll": 60, "move": 40, "page": max(100, self.app.screen.get_height() - 200)}
            step = intent.value * unit[intent.kind]
            self.scroll = max(0, (self.scroll if self.scroll is not None else 10**9) + step)

    def draw(self, surface: pygame.Surface) -> None:
        app, theme = self.app, self.app.theme
        width, height = surface.get_size()
        surface.fill(theme.background)
        rect = pygame.Rect(40, 30, width - 80, height - 60)
        panel(surface, rect, theme)
        title = app.fonts.render(self.words("history.title"), theme.size(26), theme.text, "bold")
        self.title_rect = surface.blit(title, (rect.x + 24, rect.y + 16))
        hint_text = self.words("history.hint")
        hint = app.fonts.render(hint_text, theme.size(14), theme.muted)
        top = rect.y + 30 + title.get_height()
        if hint.get_width() + 24 <= rect.w - 48 - title.get_width():
            self.hint_rect = surface.blit(hint, (rect.right - hint.get_width() - 24, rect.y + 24))
        else:  # no room beside the title (a long translation, large text): under it
            below = self.title_rect.bottom + 4
            end = draw_wrapped(
                surface, app.fonts, hint_text, theme.size(14), theme.muted,
                rect.x + 24, below, rect.w - 48,
            )  # fmt: skip
            self.hint_rect = pygame.Rect(rect.x + 24, below, rect.w - 48, end - below)
            top = end + 10
        area = pygame.Rect(rect.x + 24, top, rect.w - 48, rect.bottom - 20 - top)
        text_width = area.w - 10
        sizes = {
            "episode": (theme.size(19), "bold"),
            "line": (theme.size(18), "regular"),
            "choice": (theme.size(18), "italic"),
        }
        heights = [
            wrapped_height(app.fonts, text, *sizes[kind][:1], text_width, sizes[kind][1]) + 10
            for kind, text in self.entries
        ]
        content = sum(heights)
        most = max(0, content - area.h)
        self.scroll = most if self.scroll is None else min(self.scroll, most)
        clip = surface.get_clip()
        surface.set_clip(area)
        y = area.y - self.scroll
        for (kind, text), entry_height in zip(self.entries, heights, strict=True):
            if y + entry_height >= area.y and y <= area.bottom:
                size, style = sizes[kind]
                colour = {"episode": theme.accent, "line": theme.text, "choice": theme.muted}[kind]
                draw_wrapped(surface, app.fonts, text, size, colour, area.x, y, text_width, style)
            y += entry_height
        surface.set_clip(clip)
