"""Settings, kept between runs: text size, contrast, text speed, fullscreen, motion, read
aloud, language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pygame

from simulator.ui.input import Intent
from simulator.ui.scene import Scene
from simulator.ui.widgets.basic import draw_wrapped, panel, wrapped_height
from simulator.userdata import TEXT_SIZES, TEXT_SPEEDS
from simulator.wording import Wording
from simulator.wording import languages as wording_languages

if TYPE_CHECKING:
    from simulator.ui.app import App

LANGUAGE_NAMES = {
    "en": "English",
    "hu": "Magyar",
    "lt": "Lietuvių",
    "et": "Eesti",
    "af": "Afrikaans",
    "de": "Deutsch",
    "fr": "Français",
}


def language_name(code: str) -> str:
    """A language as its speakers write it, so anyone can find their own."""
    return LANGUAGE_NAMES.get(code, code)


@dataclass
class Row:
    label: str  # a wording key
    attribute: str
    values: tuple
    names: tuple[str, ...]  # wording keys, except for languages: their own names

    def value_names(self, words: Wording) -> tuple[str, ...]:
        if self.attribute != "language":
            return tuple(words(name) for name in self.names)
        return tuple(
            words("settings.each_scenario") if code is None else language_name(code)
            for code in self.values
        )


class SettingsScene(Scene):
    def __init__(
        self, app: App, languages: list[str] | None = None, play_words: Wording | None = None
    ) -> None:
        super().__init__(app)
        # Opened during a play, the screen speaks the play's language, as the rest of it
        # does; from the menu, the trainee's chosen one (which the language row changes).
        self.play_words = play_words
        # Every language the interface speaks, and any the scenarios are translated into.
        offered = set(languages or []) | set(wording_languages())
        if app.settings.language:
            offered.add(app.settings.language)  # never shown as "?"
        language_values = (None, *sorted(offered))
        switch = ("settings.off", "settings.on")
        self.rows = [
            Row(
                "settings.text_size",
                "text_size",
                TEXT_SIZES,
                tuple(f"settings.size.{size}" for size in TEXT_SIZES),
            ),
            Row("settings.high_contrast", "high_contrast", (False, True), switch),
            Row(
                "settings.text_speed",
                "text_speed",
                TEXT_SPEEDS,
                tuple(f"settings.speed.{speed}" for speed in TEXT_SPEEDS),
            ),
            Row("settings.fullscreen", "fullscreen", (False, True), switch),
            Row("settings.reduced_motion", "reduced_motion", (False, True), switch),
            Row("settings.read_aloud", "read_aloud", (False, True), switch),
            Row("settings.language", "language", language_values, ()),
        ]
        self.selected = 0
        self.row_rects: list[pygame.Rect] = []

    @property
    def words(self) -> Wording:
        return self.play_words or self.app.words

    @property
    def note(self) -> str | None:
        """What the trainee should know of these settings: why read aloud cannot be heard
        here (so that switching it on is never met with silence and no reason), and why
        the settings cannot be kept for next time."""
        notes = []
        if self.app.voice.problem is not None:
            detail = self.app.voice.problem.detail
            notes.append(self.words("settings.read_aloud_unavailable", reason=detail))
        if self.app.settings_problem is not None:
            notes.append(self.words("settings.not_kept", reason=self.app.settings_problem))
        return " ".join(notes) or None

    def change(self, index: int, step: int) -> None:
        row = self.rows[index]
        current = getattr(self.app.settings, row.attribute)
        position = row.values.index(current) if current in row.values else 0
        setattr(self.app.settings, row.attribute, row.values[(position + step) % len(row.values)])
        self.app.apply_settings()

    @property
    def caption(self) -> str:
        return self.words("settings.title")

    def handle(self, intent: Intent) -> None:
        if intent.kind in ("back",):
            self.app.pop()
        elif intent.kind == "move":
            self.selected = (self.selected + intent.value) % len(self.rows)
        elif intent.kind in ("confirm", "skip"):
            self.change(self.selected, 1)
        elif intent.kind == "choose" and 1 <= intent.value <= len(self.rows):
            self.selected = intent.value - 1
            self.change(self.selected, 1)
        elif intent.kind == "adjust":
            self.change(self.selected, intent.value)
        elif intent.kind in ("click", "hover"):
            for index, rect in enumerate(self.row_rects):
                if rect.collidepoint(intent.position):
                    if intent.kind == "click":
                        self.selected = index
                        self.change(index, 1)
                    elif index != self.selected:
                        self.selected = index
                        self.app.invalidate()

    def draw(self, surface: pygame.Surface) -> None:
        app, theme = self.app, self.app.theme
        width, height = surface.get_size()
        surface.fill(theme.background)
        words = self.words  # the language row changes them at once
        row_height = app.fonts.line_height(theme.size(20), "bold") + 22
        box_width = min(760, width - 40)
        hint_height = wrapped_height(
            app.fonts, words("settings.hint"), theme.size(15), box_width - 60
        )
        note = self.note
        if note:
            hint_height += 6 + wrapped_height(app.fonts, note, theme.size(15), box_width - 60)
        title_height = app.fonts.line_height(theme.size(30), "bold")
        gap = 10
        wanted = 62 + title_height + len(self.rows) * (row_height + gap) + hint_height
        if wanted > height - 20:  # a small window in large text: tighter rows, never spilling
            excess = -(-(wanted - (height - 20)) // len(self.rows))  # per row, rounded up
            from_gap = min(excess, gap - 4)
            gap -= from_gap
            label_height = app.fonts.line_height(theme.size(20), "bold")
            row_height = max(label_height + 6, row_height - (excess - from_gap))
            wanted = 62 + title_height + len(self.rows) * (row_height + gap) + hint_height
        box_height = min(height - 20, wanted)
        rect = pygame.Rect(
            (width - box_width) // 2, (height - box_height) // 2, box_width, box_height
        )
        panel(surface, rect, theme)
        title = app.fonts.render(words("settings.title"), theme.size(30), theme.text, "bold")
        surface.blit(title, (rect.x + 30, rect.y + 20))
        y = rect.y + 34 + title.get_height()
        self.row_rects = []
        for index, row in enumerate(self.rows):
            box = pygame.Rect(rect.x + 24, y, rect.w - 48, row_height)
            self.row_rects.append(box)
            focused = index == self.selected
            pygame.draw.rect(
                surface, theme.choice_hover if focused else theme.choice, box, border_radius=8
            )
            if focused:
                pygame.draw.rect(surface, theme.accent, box, 3, border_radius=8)
            label = app.fonts.render(words(row.label), theme.size(20), theme.text, "bold")
            surface.blit(label, (box.x + 16, box.centery - label.get_height() // 2))
            current = getattr(app.settings, row.attribute)
            names = row.value_names(words)
            name = names[row.values.index(current)] if current in row.values else "?"
            value = app.fonts.render(f"‹  {name}  ›", theme.size(20), theme.accent, "bold")
            surface.blit(
                value, (box.right - value.get_width() - 16, box.centery - value.get_height() // 2)
            )
            y += row_height + gap
        y = draw_wrapped(
            surface,
            app.fonts,
            words("settings.hint"),
            theme.size(15),
            theme.muted,
            rect.x + 30,
            y + 4,
            rect.w - 60,
        )
        if note:
            draw_wrapped(
                surface, app.fonts, note, theme.size(15), theme.bad, rect.x + 30, y + 6, rect.w - 60
            )
