"""Esc during play: resume, restart, settings or back to the menu."""

from __future__ import annotations

import pygame

from simulator.ui.app import App, Scene
from simulator.ui.input import Intent
from simulator.ui.layout import centred_panel
from simulator.ui.widgets.basic import Button, draw_button, panel
from simulator.wording import Wording


class PauseScene(Scene):
    overlay = True

    def __init__(self, app: App, dialogue: Scene) -> None:
        super().__init__(app)
        self.dialogue = dialogue
        words = self.words
        self.buttons = [
            Button(words("pause.resume"), "resume"),
            Button(words("pause.restart"), "restart"),
            Button(words("pause.settings"), "settings"),
            Button(words("pause.menu"), "menu"),
        ]
        self.selected = 0

    @property
    def words(self) -> Wording:
        return self.dialogue.words  # the paused play's language

    @property
    def caption(self) -> str:
        return self.words("pause.title")

    def handle(self, intent: Intent) -> None:
        if intent.kind == "back":
            self.app.pop()
        elif intent.kind in ("move", "adjust"):
            self.selected = (self.selected + intent.value) % len(self.buttons)
        elif intent.kind == "choose" and 1 <= intent.value <= len(self.buttons):
            self.act(self.buttons[intent.value - 1].action)
        elif intent.kind in ("confirm", "skip"):
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
        from simulator.ui.scenes.dialogue import DialogueScene

        if action == "resume":
            self.app.pop()
        elif action == "restart" and isinstance(self.dialogue, DialogueScene):
            play = self.dialogue.play.restart()
            self.app.pop()
            self.app.replace(DialogueScene(self.app, play))
        elif action == "settings":
            from simulator.ui.scenes.settings import SettingsScene

            self.app.push(SettingsScene(self.app))
        elif action == "menu":
            from simulator.ui.scenes.menu import MenuScene

            self.app.reset_to(MenuScene(self.app))

    def draw(self, surface: pygame.Surface) -> None:
        app, theme = self.app, self.app.theme
        width, height = surface.get_size()
        shade = pygame.Surface((width, height), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 150))
        surface.blit(shade, (0, 0))
        button_height = app.fonts.line_height(theme.size(18), "bold") + 16
        box = centred_panel(width, height, 420, 110 + len(self.buttons) * (button_height + 14))
        rect = pygame.Rect(box.as_tuple())
        panel(surface, rect, theme)
        title = app.fonts.render(self.words("pause.title"), theme.size(28), theme.text, "bold")
        surface.blit(title, title.get_rect(midtop=(rect.centerx, rect.y + 20)))
        y = rect.y + 40 + title.get_height()
        for index, button in enumerate(self.buttons):
            button.rect = pygame.Rect(rect.x + 40, y, rect.w - 80, button_height)
            draw_button(surface, button, app.fonts, theme, highlighted=index == self.selected)
            y += button_height + 14
