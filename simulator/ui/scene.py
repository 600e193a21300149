"""What every screen is: the base the app's loop drives."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from simulator.ui.input import Intent
from simulator.wording import Wording

if TYPE_CHECKING:  # for type hints only: the app imports the scenes, never the reverse
    from simulator.ui.app import App


class Scene:
    """One screen. Subclasses override what they need."""

    #: A scene that covers only part of the window draws the one below it first.
    overlay = False
    #: True while the text field of the scene has focus (keys become text).
    typing = False

    def __init__(self, app: App) -> None:
        self.app = app

    @property
    def words(self) -> Wording:
        """The interface's words: the trainee's chosen language (scenes of a play use the
        play's language instead)."""
        return self.app.words

    def handle(self, intent: Intent) -> None:
        """React to what the trainee did."""

    def update(self, seconds: float) -> None:
        """Advance animations and timers."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the whole scene."""

    @property
    def animating(self) -> bool:
        """True while the scene needs frames without input (typewriter, timers)."""
        return False

    def entered(self) -> None:
        """Called when the scene becomes the top of the stack again."""

    @property
    def caption(self) -> str | None:
        """What the window's title says this screen is (None: the program's name alone).
        It tells the trainee where they are in the task bar, and tests which screen shows."""
        return None

    def changed_area(self) -> pygame.Rect | None:
        """During an animation: the only part of the window that changed since the last
        frame, or None when it may be anywhere."""
        return None
