"""Esc during play: resume, take back the last answer (practice), restart, settings or
back to the menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from simulator.ui.input import Intent
from simulator.ui.layout import centred_panel
from simulator.ui.scene import Scene
from simulator.ui.widgets.basic import Button, draw_button, draw_wrapped, panel, wrapped_height
from simulator.wording import Wording

if TYPE_CHECKING:
    from simulator.ui.app import App


class PauseScene(Scene):
    """Esc during play. Nothing here acts on a single stray key: number keys do nothing,
    and restarting, which throws the play's decisions away, asks first. (Going to the
    menu throws nothing away: the play waits there to be resumed.)"""

    overlay = True

    def __init__(self, app: App, dialogue: Scene) -> None:
        super().__init__(app)
        self.dialogue = dialogue
        self.confirming = False
        self.buttons = self._menu_buttons()
        self.selected = 0

    def _menu_buttons(self) -> list[Button]:
        words = self.words
        take_back = [Button(words("pause.take_back"), "take-back")] if self.can_take_back else []
        return [
            Button(words("pause.resume"), "resume"),
            *take_back,
            Button(words("pause.restart"), "restart"),
            Button(words("pause.settings"), "settings"),
            Button(words("pause.menu"), "menu"),
        ]

    @property
    def words(self) -> Wording:
        return self.dialogue.words  # the paused play's language

    @property
    def caption(self) -> str:
        return self.words("pause.title")

    @property
    def can_take_back(self) -> bool:
        return bool(self.dialogue.play.can_take_back)  # type: ignore[attr-defined]

    @property
    def decisions(self) -> int:
        return len(self.dialogue.play.session.decisions)  # type: ignore[attr-defined]

    def handle(self, intent: Intent) -> None:
        if intent.kind == "back":
            if self.confirming:
                self._leave_confirmation()
            else:
                self.app.pop()
        elif intent.kind in ("move", "adjust"):
            self.selected = (self.selected + intent.value) % len(self.buttons)
        elif intent.kind == "confirm":
            self.act(self.buttons[self.selected].action)
        elif intent.kind == "hover":
            for index, button in enumerate(self.buttons):
                if button.hit(intent.position) and index != self.selected:
                    self.selected = index
                    self.app.invalidate()
        elif intent.kind == "click":
            for button in self.buttons:
                if button.hit(intent.position):
                    self.act(button.action)

    def act(self, action: str) -> None:
        if action == "resume":
            self.app.pop()
        elif action == "take-back":
            self.dialogue.take_back()  # type: ignore[attr-defined]
            self.app.pop()
        elif action == "restart" and self.decisions:
            words = self.words
            self.confirming = True
            self.buttons = [
                Button(words("pause.keep_playing"), "cancel"),
                Button(words("pause.restart_confirm"), "restart-now"),
            ]
            self.selected = 0  # the safe answer has the focus
        elif action in ("restart", "restart-now"):
            play = self.dialogue.play.restart()  # type: ignore[attr-defined]
            self.app.pop()
            self.app.go("dialogue", play, how="replace")
        elif action == "cancel":
            self._leave_confirmation()
        elif action == "settings":
            self.app.go("settings", None, self.words)
        elif action == "menu":
            self.app.go("menu", how="reset")

    def _leave_confirmation(self) -> None:
        self.confirming = False
        self.buttons = self._menu_buttons()
        self.selected = next(
            index for index, button in enumerate(self.buttons) if button.action == "restart"
        )

    def draw(self, surface: pygame.Surface) -> None:
        app, theme = self.app, self.app.theme
        width, height = surface.get_size()
        shade = pygame.Surface((width, height), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 150))
        surface.blit(shade, (0, 0))
        button_height = app.fonts.line_height(theme.size(18), "bold") + 16
        widest = max(
            app.fonts.font(theme.size(18), "bold").size(button.label)[0] for button in self.buttons
        )  # the panel widens for its longest label ("Visszavonom az utolsó válaszomat")
        panel_width = min(width - 40, max(420, round(width * 0.4), widest + 80 + 32))
        question = ""
        question_height = 0
        if self.confirming:
            question = self.words("pause.restart_question", decisions=self.decisions)
            question_height = wrapped_height(app.fonts, question, theme.size(18), panel_width - 80)
        box = centred_panel(
            width,
            height,
            panel_width,
            110 + question_height + len(self.buttons) * (button_height + 14),
        )
        rect = pygame.Rect(box.as_tuple())
        panel(surface, rect, theme)
        title = app.fonts.render(self.words("pause.title"), theme.size(28), theme.text, "bold")
        surface.blit(title, title.get_rect(midtop=(rect.centerx, rect.y + 20)))
        y = rect.y + 40 + title.get_height()
        if question:
            y = (
                draw_wrapped(
                    surface,
                    app.fonts,
                    question,
                    theme.size(18),
                    theme.text,
                    rect.x + 40,
                    y,
                    rect.w - 80,
                )
                + 10
            )
        for index, button in enumerate(self.buttons):
            button.rect = pygame.Rect(rect.x + 40, y, rect.w - 80, button_height)
            draw_button(surface, button, app.fonts, theme, highlighted=index == self.selected)
            y += button_height + 14
