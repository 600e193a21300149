"""Every screen by name: where the app turns a scene's "go to the debrief" into a scene.

Scenes name the screen they want (``app.go("debrief", play)``); only this table knows
the classes, so scenes never import one another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.ui.scene import Scene
from simulator.ui.scenes.backlog import BacklogScene
from simulator.ui.scenes.debrief import DebriefScene
from simulator.ui.scenes.dialogue import DialogueScene
from simulator.ui.scenes.episode import EpisodeCard
from simulator.ui.scenes.menu import MenuScene
from simulator.ui.scenes.pause import PauseScene
from simulator.ui.scenes.problems import ProblemsScene
from simulator.ui.scenes.resume import ResumePrompt
from simulator.ui.scenes.settings import SettingsScene

if TYPE_CHECKING:
    from simulator.ui.app import App

SCREENS: dict[str, Callable[..., Scene]] = {
    "menu": MenuScene,
    "dialogue": DialogueScene,
    "episode": EpisodeCard,
    "history": BacklogScene,
    "pause": PauseScene,
    "settings": SettingsScene,
    "resume": ResumePrompt,
    "problems": ProblemsScene,
    "debrief": DebriefScene,
}


def build(screen: str, app: App, *details: object) -> Scene:
    return SCREENS[screen](app, *details)
