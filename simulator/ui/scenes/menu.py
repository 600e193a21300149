"""The first screen: who is playing, and which scenario."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from simulator.library import (
    ScenarioEntry,
    available_languages,
    scenario_entries,
    scenario_entries_for,
    translated_heading,
)
from simulator.ui.input import Intent
from simulator.ui.layout import Box, card_grid
from simulator.ui.scene import Scene
from simulator.ui.scenes.settings import language_name
from simulator.ui.widgets.basic import Button, draw_button, draw_wrapped, layout_buttons, panel

if TYPE_CHECKING:
    from simulator.ui.app import App

MAX_NAME_LENGTH = 40


@dataclass
class Card:
    entry: ScenarioEntry
    languages: list[str]
    language: str
    pass_mark: float | None = None  # set in an onboarding session
    chosen_by_playlist: bool = False  # the session says which language: settings do not
    rect: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 0, 0))
    chips: list[tuple[str, pygame.Rect]] = field(default_factory=list)
    headings: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def heading(self) -> tuple[str, str]:
        """Title and summary in the card's language, where a translation gives them."""
        if self.language == self.entry.language:
            return self.entry.title, self.entry.summary
        if self.language not in self.headings:
            self.headings[self.language] = translated_heading(self.entry.path, self.language)
        title, summary = self.headings[self.language]
        return title or self.entry.title, summary or self.entry.summary


def open_scenario(
    app: App,
    path: Path,
    language: str | None,
    trainee: str,
    seed: int | None = None,
    resume: bool = True,
    practice: bool = True,
) -> None:
    """Load a scenario and start playing it, offering to resume a saved play. In
    practice the trainee can take back a decision; an assessed play cannot."""
    from simulator.scenario.translations import load_translated
    from simulator.ui.playthrough import Playthrough

    result = load_translated(path, language)
    if result.scenario is None:
        app.go("problems", str(path), result.diagnostics)
        return
    store = app.results_store()
    unfinished = Playthrough.unfinished(store, result.scenario, trainee) if resume else None
    if unfinished is not None and store is not None and not unfinished.snapshot.get("decisions"):
        Playthrough.abandon(store, unfinished.play_id)  # nothing was decided: nothing to resume
        unfinished = None
    # A play is resumed only in the mode it was started in: practice is never finished as
    # an assessed play, nor an assessed one in practice.
    same_mode = unfinished is not None and unfinished.snapshot.get("assessed", False) != practice
    if (
        unfinished is not None
        and store is not None
        and unfinished.language == language
        and same_mode
    ):
        app.go("resume", result.scenario, store, unfinished, trainee, seed, practice)
        return
    app.go("dialogue", Playthrough.begin(result.scenario, trainee, language, store, seed, practice))


class MenuScene(Scene):
    def __init__(self, app: App, folder: Path | None = None) -> None:
        super().__init__(app)
        self.card_area = Box(0, 0, 0, 0)  # where the cards are shown, as last drawn
        preferred = app.settings.language
        self.cards = []
        playlist = app.playlist
        if playlist is not None:
            by_path = {
                entry.path.resolve(): entry
                for entry in scenario_entries_for([item.path for item in playlist.items])
            }
            for item in playlist.items:
                entry = by_path[item.path.resolve()]
                languages = [entry.language, *available_languages(entry.path)]
                if item.language:
                    language = item.language
                else:
                    language = preferred if preferred in languages else entry.language
                self.cards.append(
                    Card(entry, languages, language, item.pass_mark, bool(item.language))
                )
        else:
            for entry in scenario_entries(folder):
                languages = [entry.language, *available_languages(entry.path)]
                language = preferred if preferred in languages else entry.language
                self.cards.append(Card(entry, languages, language))
        self.selected = 0
        self.name = app.settings.trainee
        self.typing = not self.name
        self.name_rect = pygame.Rect(0, 0, 0, 0)
        self.scroll = 0
        self.buttons = self._buttons()

    def _buttons(self) -> list[Button]:
        return [
            Button(self.words("menu.settings"), "settings"),
            Button(self.words("menu.quit"), "quit"),
        ]

    @property
    def languages(self) -> list[str]:
        return sorted({code for card in self.cards for code in card.languages})

    def entered(self) -> None:
        self.buttons = self._buttons()  # the language may have changed in the settings
        preferred = self.app.settings.language
        for card in self.cards:
            if preferred in card.languages and not card.chosen_by_playlist:
                card.language = preferred

    def handle(self, intent: Intent) -> None:
        if self.typing:
            self._handle_typing(intent)
            return
        if intent.kind == "back":
            self.app.quit()
        elif intent.kind in ("move", "adjust") and self.cards:
            self.selected = (self.selected + intent.value) % len(self.cards)
        elif intent.kind == "choose" and 1 <= intent.value <= len(self.cards):
            self.selected = intent.value - 1
            self.start(self.cards[self.selected])
        elif intent.kind in ("confirm", "skip") and self.cards:
            self.start(self.cards[self.selected])
        elif intent.kind == "scroll":
            self.scroll = max(0, self.scroll + intent.value * 40)
        elif intent.kind == "click":
            self._click(intent.position)
        elif intent.kind == "hover":
            for index, card in enumerate(self.cards):
                if card.rect.collidepoint(intent.position) and index != self.selected:
                    self.selected = index
                    self.app.invalidate()

    def _handle_typing(self, intent: Intent) -> None:
        if intent.kind == "text":
            self.name = (self.name + intent.text)[:MAX_NAME_LENGTH]
        elif intent.kind == "erase":
            self.name = self.name[:-1]
        elif intent.kind in ("confirm", "move", "back"):
            self.finish_typing()
        elif intent.kind == "click" and not self.name_rect.collidepoint(intent.position):
            self.finish_typing()
            self._click(intent.position)

    def finish_typing(self) -> None:
        self.typing = False
        pygame.key.stop_text_input()
        self.name = self.name.strip()
        if self.name != self.app.settings.trainee:
            self.app.settings.trainee = self.name
            self.app.settings_problem = self.app.settings.save()

    def _click(self, position: tuple[int, int]) -> None:
        if self.name_rect.collidepoint(position):
            self.typing = True
            pygame.key.start_text_input()
            return
        for button in self.buttons:
            if button.hit(position):
                if button.action == "quit":
                    self.app.quit()
                else:
                    self.app.go("settings", self.languages)
                return
        for index, card in enumerate(self.cards):
            for code, chip in card.chips:
                if chip.collidepoint(position):
                    card.language = code
                    self.selected = index
                    return
            if card.rect.collidepoint(position):
                self.selected = index
                self.start(card)
                return

    def start(self, card: Card) -> None:
        if not self.name:
            self.typing = True
            pygame.key.start_text_input()
            return
        language = card.language if card.language != card.entry.language else None
        playlist = self.app.playlist
        assessed = playlist is not None and playlist.playlist.assessed
        open_scenario(self.app, card.entry.path, language, self.name, practice=not assessed)

    def draw(self, surface: pygame.Surface) -> None:
        app, theme = self.app, self.app.theme
        fonts = app.fonts
        width, height = surface.get_size()
        surface.fill(theme.background)
        margin = 40 if width >= 1100 else 20
        words = self.words
        layout_buttons(self.buttons, fonts, theme, width - margin, 30)
        for button in self.buttons:
            draw_button(surface, button, fonts, theme)
        room = self.buttons[0].rect.x - margin - 16  # the title stops short of the buttons
        card_height = (
            24
            + fonts.line_height(theme.size(22), "bold")
            + 3 * fonts.line_height(theme.size(16))
            + fonts.line_height(theme.size(15))
            + fonts.line_height(theme.size(15), "bold")
            + 40
        )
        # In a small window with large text, the cards come first: one title line, and no
        # tagline or hint, so that at least one whole card shows.
        compact = height - round(330 * theme.scale) < card_height
        title_bottom = draw_wrapped(
            surface,
            fonts,
            words("app.title"),
            theme.size(34),
            (245, 245, 250),
            margin,
            26,
            room,
            "bold",
            max_lines=1 if compact else 2,
        )
        subtitle_bottom = title_bottom
        if not compact:
            subtitle_bottom = draw_wrapped(
                surface,
                fonts,
                words("menu.tagline"),
                theme.size(17),
                (190, 196, 210),
                margin,
                title_bottom + 4,
                room,
                max_lines=2,
            )
        y = max(subtitle_bottom, self.buttons[0].rect.bottom) + 16
        y = self._draw_name(surface, margin, y, width - 2 * margin)
        progress = self.progress()  # one look at the store per drawing, shared by every card
        if app.playlist is not None:
            passed = sum(1 for card in self.cards if progress.get(card.entry.id, {}).get("passed"))
            line = words(
                "menu.session",
                title=app.playlist.playlist.title,
                passed=passed,
                total=len(self.cards),
            )
            y = draw_wrapped(
                surface,
                fonts,
                line,
                theme.size(18),
                (255, 225, 150),
                margin,
                y + 8,
                width - 2 * margin,
                "bold",
                max_lines=2,
            )
        if not compact or self.typing:
            hint = words("menu.hint_typing" if self.typing else "menu.hint_pick")
            y = draw_wrapped(
                surface,
                fonts,
                hint,
                theme.size(16),
                (200, 205, 215),
                margin,
                y + 8,
                width - 2 * margin,
                max_lines=2,
            )
        y += 8
        area = self.card_area = Box(margin, y, width - 2 * margin, height - y - 20)
        boxes = card_grid(area, len(self.cards), 380, card_height, 18)
        content = max((box.bottom for box in boxes), default=area.y) - area.y
        self.scroll = max(0, min(self.scroll, content - area.h))
        if self.cards:
            selected_box = boxes[self.selected]
            # A card taller than the room shows from its top (its title), not its foot.
            if selected_box.y - self.scroll < area.y or selected_box.h > area.h:
                self.scroll = selected_box.y - area.y
            elif selected_box.bottom - self.scroll > area.bottom:
                self.scroll = selected_box.bottom - area.bottom
        clip = surface.get_clip()
        surface.set_clip(pygame.Rect(area.as_tuple()))
        for index, (card, box) in enumerate(zip(self.cards, boxes, strict=True)):
            rect = pygame.Rect(box.x, box.y - self.scroll, box.w, box.h)
            self._draw_card(
                surface, card, rect, index == self.selected and not self.typing, progress
            )
        surface.set_clip(clip)
        if content > area.h:  # more cards than room: a scroll bar says so, and where you are
            track = pygame.Rect(area.right + 6, area.y, 4, area.h)
            pygame.draw.rect(surface, (90, 96, 110), track, border_radius=2)
            thumb = max(24, round(area.h * area.h / content))
            top = area.y + round((area.h - thumb) * self.scroll / max(1, content - area.h))
            pygame.draw.rect(surface, theme.accent, (track.x, top, 4, thumb), border_radius=2)
        if not self.cards:
            draw_wrapped(
                surface,
                fonts,
                words("menu.none_found"),
                theme.size(20),
                (240, 240, 245),
                margin,
                y + 20,
                width - 2 * margin,
            )

    def _draw_name(self, surface: pygame.Surface, x: int, y: int, width: int) -> int:
        app, theme = self.app, self.app.theme
        label = app.fonts.render(
            self.words("menu.your_name"), theme.size(16), (200, 205, 215), "bold"
        )
        field_height = app.fonts.line_height(theme.size(20)) + 14
        self.name_rect = pygame.Rect(
            x + label.get_width() + 14, y + 4, min(420, width // 2), field_height
        )
        surface.blit(label, (x, self.name_rect.centery - label.get_height() // 2))
        pygame.draw.rect(surface, theme.panel, self.name_rect, border_radius=8)
        pygame.draw.rect(
            surface,
            theme.accent if self.typing else theme.panel_edge,
            self.name_rect,
            3 if self.typing else 2,
            border_radius=8,
        )
        text = self.name + ("|" if self.typing else "")
        shown = app.fonts.render(
            text or self.words("menu.click_to_type"),
            theme.size(20),
            theme.text if text else theme.muted,
        )
        area = self.name_rect.inflate(-20, 0)
        offset = max(0, shown.get_width() - area.w)
        surface.blit(
            shown,
            (area.x, self.name_rect.centery - shown.get_height() // 2),
            pygame.Rect(offset, 0, area.w, shown.get_height()),
        )
        return self.name_rect.bottom + 4

    def progress(self) -> dict[str, dict]:
        """For this trainee, per scenario of the session: best score, attempts, passed."""
        playlist = self.app.playlist
        store = self.app.results_store() if playlist is not None else None
        if playlist is None or store is None or not self.name:
            return {}
        from simulator.records.store import TRAINEE_SOURCES, StoreError

        try:  # a demo under the same name is not progress
            plays = store.plays(trainee=self.name, sources=TRAINEE_SOURCES)
        except StoreError:
            return {}
        marks = {item.scenario_id: item.pass_mark for item in playlist.items}
        progress: dict[str, dict] = {}
        for play in plays:
            if play["status"] != "ended" or play["scenario_id"] not in marks:
                continue
            mine = progress.setdefault(
                play["scenario_id"], {"best_score": play["score"], "attempts": 0}
            )
            mine["attempts"] += 1
            mine["best_score"] = max(mine["best_score"], play["score"])
            mine["passed"] = mine["best_score"] >= marks[play["scenario_id"]]
        return progress

    def status(self, card: Card, progress: dict[str, dict] | None = None) -> tuple[str, str] | None:
        """The onboarding status of a card: (text, colour role), or None outside a session."""
        if card.pass_mark is None:
            return None
        if progress is None:
            progress = self.progress()
        mine = progress.get(card.entry.id)
        if mine and mine.get("passed"):
            return self.words("menu.passed", best=mine["best_score"]), "good"
        first_open = next(
            (c for c in self.cards if not progress.get(c.entry.id, {}).get("passed")), None
        )
        if mine:
            label = self.words(
                "menu.not_passed", best=mine["best_score"], mark=self.words.amount(card.pass_mark)
            )
            return label, "accent" if card is first_open else "cost"
        if card is first_open:
            return self.words("menu.next"), "accent"
        return self.words("menu.to_do", mark=self.words.amount(card.pass_mark)), "muted"

    def _draw_card(
        self,
        surface: pygame.Surface,
        card: Card,
        rect: pygame.Rect,
        focused: bool,
        progress: dict[str, dict],
    ) -> None:
        app, theme = self.app, self.app.theme
        fonts = app.fonts
        card.rect = rect
        panel(surface, rect, theme)
        if focused:
            pygame.draw.rect(surface, theme.accent, rect, 4, border_radius=10)
        x, width = rect.x + 18, rect.w - 36
        y = rect.y + 14
        status = self.status(card, progress)
        if status is not None:
            text, role = status
            colour = getattr(theme, role)
            badge = fonts.render(
                text, theme.size(14), theme.accent_text if role != "muted" else theme.text, "bold"
            )
            box = pygame.Rect(0, 0, badge.get_width() + 16, badge.get_height() + 6)
            box.topright = (rect.right - 14, rect.y + 12)
            pygame.draw.rect(
                surface, colour if role != "muted" else theme.choice, box, border_radius=10
            )
            surface.blit(badge, badge.get_rect(center=box.center))
            width = box.x - x - 12
        number = self.cards.index(card) + 1
        heading, summary = card.heading()
        title = f"{number}. {heading}" if number <= 9 else heading
        y = draw_wrapped(
            surface, fonts, title, theme.size(22), theme.text, x, y, width, "bold", max_lines=1
        )
        y = draw_wrapped(
            surface,
            fonts,
            summary,
            theme.size(16),
            theme.muted,
            x,
            y + 4,
            width,
            max_lines=3,
        )
        y = rect.bottom - 16 - fonts.line_height(theme.size(15), "bold") - 8
        meta = fonts.render(
            self.words("menu.minutes", minutes=card.entry.minutes), theme.size(15), theme.muted
        )
        surface.blit(meta, (x, y + 4))
        chip_x = x + meta.get_width() + 16
        card.chips = []
        for code in card.languages:
            label = fonts.render(
                language_name(code),
                theme.size(15),
                theme.accent_text if code == card.language else theme.text,
                "bold",
            )
            chip = pygame.Rect(chip_x, y, label.get_width() + 18, label.get_height() + 8)
            if chip.right > rect.right - 12:
                break
            pygame.draw.rect(
                surface,
                theme.accent if code == card.language else theme.choice,
                chip,
                border_radius=12,
            )
            surface.blit(label, label.get_rect(center=chip.center))
            card.chips.append((code, chip))
            chip_x = chip.right + 8
