"""Shown instead of a scenario that has errors: the validator's messages, in the window.

In the game the trainee goes back to the menu and opens the file again once it is
fixed; in preview the screen stays until the next save reloads the file, and its
hint says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from simulator.scenario.diagnostics import Diagnostic
from simulator.ui.input import Intent
from simulator.ui.scene import Scene
from simulator.ui.widgets.basic import draw_wrapped, panel, wrapped_height

if TYPE_CHECKING:
    from simulator.ui.app import App


class ProblemsScene(Scene):
    def __init__(
        self, app: App, path: str, diagnostics: list[Diagnostic], closable: bool = True
    ) -> None:
        super().__init__(app)
        self.path = path
        self.diagnostics = diagnostics
        self.scroll = 0
        self.closable = closable  # False in preview: the screen stays until the file is fixed

    def handle(self, intent: Intent) -> None:
        if intent.kind in ("back", "confirm", "skip"):
            if self.closable:
                self.app.pop()
        elif intent.kind in ("scroll", "move"):
            self.scroll = max(0, self.scroll + intent.value)

    def draw(self, surface: pygame.Surface) -> None:
        app, theme = self.app, self.app.theme
        width, height = surface.get_size()
        surface.fill(theme.background)
        rect = pygame.Rect(30, 30, width - 60, height - 60)
        panel(surface, rect, theme)
        errors = sum(d.is_error for d in self.diagnostics)
        y = draw_wrapped(
            surface,
            app.fonts,
            self.words("problems.title", errors=errors),
            theme.size(24),
            theme.bad,
            rect.x + 24,
            rect.y + 20,
            rect.w - 48,
            "bold",
        )
        y = (
            draw_wrapped(
                surface,
                app.fonts,
                self.path,
                theme.size(15),
                theme.muted,
                rect.x + 24,
                y + 2,
                rect.w - 48,
            )
            + 12
        )
        # The hint at the foot of the panel, as many lines as it takes at this text size;
        # the messages fill the space above it.
        hint = self.words("problems.hint" if self.closable else "problems.preview_hint")
        hint_top = rect.bottom - 16 - wrapped_height(app.fonts, hint, theme.size(15), rect.w - 48)
        for diagnostic in self.diagnostics[self.scroll :]:
            colour = theme.bad if diagnostic.is_error else theme.cost
            where = self.words("problems.line", line=diagnostic.line, column=diagnostic.column)
            text = f"{where}  {diagnostic.severity.value} {diagnostic.code}: {diagnostic.message}"
            if y + wrapped_height(app.fonts, text, theme.size(17), rect.w - 48) > hint_top - 8:
                break
            y = (
                draw_wrapped(
                    surface, app.fonts, text, theme.size(17), colour, rect.x + 24, y, rect.w - 48
                )
                + 8
            )
        draw_wrapped(
            surface,
            app.fonts,
            hint,
            theme.size(15),
            theme.muted,
            rect.x + 24,
            hint_top,
            rect.w - 48,
        )
