"""Offered when a scenario was left mid-way: carry on exactly there, or start over."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from simulator.records.store import ResultsStore
from simulator.scenario.playable import PlayableScenario
from simulator.ui.input import Intent
from simulator.ui.layout import centred_panel
from simulator.ui.playthrough import Playthrough, Unfinished
from simulator.ui.scene import Scene
from simulator.ui.widgets.basic import Button, draw_button, draw_wrapped, panel
from simulator.wording import Wording, wording

if TYPE_CHECKING:
    from simulator.ui.app import App


class ResumePrompt(Scene):
    overlay = True

    def __init__(
        self,
        app: App,
        scenario: PlayableScenario,
        store: ResultsStore,
        unfinished: Unfinished,
        trainee: str,
        seed: int | None,
        practice: bool,
    ) -> None:
        super().__init__(app)
        self.practice = practice
        self.scenario = scenario
        self.store = store
        self.unfinished = unfinished
        self.trainee = trainee
        self.seed = seed
        self.buttons = [
            Button(self.words("resume.resume"), "resume"),
            Button(self.words("resume.start_over"), "restart"),
        ]
        self.selected = 0

    @property
    def words(self) -> Wording:
        """In the language the unfinished play was in."""
        return wording(self.unfinished.language or self.scenario.model.language)

    @property
    def caption(self) -> str:
        return self.words("resume.caption", title=self.scenario.title)

    @property
    def prompt(self) -> str:
        """Spoken to the trainee: how far they got, and their last answer."""
        decisions = self.unfinished.snapshot.get("decisions", [])
        last = decisions[-1].get("text", "") if decisions else ""
        return self.words(
            "resume.prompt",
            trainee=self.trainee or self.words("resume.someone"),
            decisions=len(decisions),
            last=last,
        )

    def handle(self, intent: Intent) -> None:
        if intent.kind == "back":
            self.app.pop()
        elif intent.kind in ("move", "adjust"):
            self.selected = (self.selected + intent.value) % 2
        elif intent.kind in ("confirm", "skip"):
            self.act(self.buttons[self.selected].action)
        elif intent.kind == "choose" and intent.value in (1, 2):
            self.act(self.buttons[intent.value - 1].action)
        elif intent.kind == "click":
            for button in self.buttons:
                if button.hit(intent.position):
                    self.act(button.action)

    def act(self, action: str) -> None:
        play = None
        if action == "resume":
            play = Playthrough.resume(self.scenario, self.store, self.trainee, self.unfinished)
        if play is None:
            Playthrough.abandon(self.store, self.unfinished.play_id)
            play = Playthrough.begin(
                self.scenario,
                self.trainee,
                self.unfinished.language,
                self.store,
                self.seed,
                self.practice,
            )
        self.app.go("dialogue", play, how="replace")

    def draw(self, surface: pygame.Surface) -> None:
        app, theme = self.app, self.app.theme
        width, height = surface.get_size()
        surface.fill(theme.background)
        box = pygame.Rect(centred_panel(width, height, 620, 300).as_tuple())
        panel(surface, box, theme)
        y = draw_wrapped(
            surface,
            app.fonts,
            self.scenario.title,
            theme.size(26),
            theme.text,
            box.x + 30,
            box.y + 24,
            box.w - 60,
            "bold",
        )
        text = self.prompt
        draw_wrapped(
            surface, app.fonts, text, theme.size(19), theme.text, box.x + 30, y + 12, box.w - 60
        )
        button_height = app.fonts.line_height(theme.size(18), "bold") + 16
        x = box.x + 30
        for index, button in enumerate(self.buttons):
            label_width = app.fonts.font(theme.size(18), "bold").size(button.label)[0] + 48
            button.rect = pygame.Rect(
                x, box.bottom - button_height - 24, label_width, button_height
            )
            draw_button(surface, button, app.fonts, theme, highlighted=index == self.selected)
            x = button.rect.right + 16
