"""Starting the game: the menu, one scenario, or a demo run that saves screenshots."""

from __future__ import annotations

import itertools
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.exit_codes import EXIT_NO_DISPLAY
from simulator.userdata import Settings

if TYPE_CHECKING:
    from simulator.scenario.playlist import CheckedPlaylist


def _no_display(reason: str, scenario: str) -> int:
    """Why no window opened, and the commands that do the same work without one, for the
    scenario asked for (a bundled one when none was)."""
    from simulator.scenario.diagnostics import printable

    shown = printable(shlex.quote(scenario))
    print(
        f"simulator: cannot open a window: {reason}.\n"
        "  To play without a screen, use the headless runner:\n"
        f"    python -m simulator run {shown} --choices 1,2,3\n"
        "  For screenshots without a screen:\n"
        f"    SDL_VIDEODRIVER=dummy python -m simulator play {shown} --autoplay 1,2,3 "
        "--screenshots shots/",
        file=sys.stderr,
    )
    return EXIT_NO_DISPLAY


def start_app(window: tuple[int, int], fullscreen: bool | None, scenario: str = "late-client"):
    import os

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from simulator.ui.app import App, display_available

    available, reason = display_available()
    if not available:
        return None, _no_display(reason, scenario)
    import pygame

    try:
        app = App(Settings.load(), window, fullscreen)
    except pygame.error as error:
        return None, _no_display(str(error), scenario)
    return app, 0


def run_menu(
    window: tuple[int, int] = (1280, 720),
    fullscreen: bool | None = None,
    playlist: CheckedPlaylist | None = None,
    trainee: str | None = None,
) -> int:
    app, code = start_app(window, fullscreen)
    if app is None:
        return code
    from simulator.ui.scenes.menu import MenuScene

    app.playlist = playlist
    if trainee:
        app.settings.trainee = trainee
    app.after_frame = _warm_up
    app.push(MenuScene(app))
    return app.run()


def _warm_up(app: object) -> None:
    """After the first frame: load the scenario machinery while the trainee reads the menu."""
    import simulator.scenario.loader
    import simulator.ui.scenes.dialogue  # noqa: F401

    app.after_frame = None  # type: ignore[attr-defined]


def run_play(
    path: Path,
    trainee: str | None,
    seed: int | None,
    language: str | None,
    window: tuple[int, int],
    fullscreen: bool | None,
    autoplay: list[int | str] | None,
    screenshots: Path | None,
    practice: bool = True,
    named: str | None = None,
) -> int:
    """``named`` is the scenario as the trainer gave it (a bundled id, a path)."""
    app, code = start_app(window, False if autoplay is not None else fullscreen, named or str(path))
    if app is None:
        return code
    from simulator.ui.scenes.menu import MenuScene, open_scenario

    if trainee:
        app.settings.trainee = trainee
    app.push(MenuScene(app))
    if autoplay is not None:
        from simulator.ui.autoplay import Autoplay

        app.settings.text_speed = "instant"  # each screen is shown complete, never mid-way
        app.settings.reduced_motion = True
        app.after_frame = Autoplay(autoplay, screenshots)
        if (store := app.results_store()) is not None:
            store.source = "demo"  # a demo is not a trainee's play: kept out of reports
        open_scenario(app, path, language, app.settings.trainee or "Demo", seed, resume=False)
        result = app.run(events=itertools.repeat([]), max_frames=20_000)
        if screenshots is not None:
            print(f"saved {len(app.after_frame.shots)} screenshots in {screenshots}")
        return result
    open_scenario(app, path, language, app.settings.trainee or "Trainee", seed, practice=practice)
    return app.run()
