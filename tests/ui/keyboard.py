"""Driving the real App with key presses only, as a trainee without a mouse would."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pygame

from simulator.engine.session import Status
from simulator.ui.app import App

NUMBER_KEYS = {n: getattr(pygame, f"K_{n}") for n in range(1, 10)}


def key(code: int, unicode: str = "") -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode=unicode, scancode=0)


def release(code: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYUP, key=code, mod=0, unicode="", scancode=0)


def press(code: int, unicode: str = "") -> list[pygame.event.Event]:
    """A key pressed and let go within one frame, as a quick tap arrives."""
    return [key(code, unicode), release(code)]


def keyboard_player(
    app: App, pick: Callable[[object], int], limit: int = 2000
) -> Iterator[list[pygame.event.Event]]:
    """Yields one frame of key presses at a time, chosen by looking at the screen's state."""
    from simulator.ui.scenes.debrief import DebriefScene
    from simulator.ui.scenes.dialogue import DialogueScene
    from simulator.ui.scenes.episode import EpisodeCard

    for _ in range(limit):
        scene = app.scene
        if isinstance(scene, DebriefScene):
            return
        if isinstance(scene, EpisodeCard):
            yield press(pygame.K_RETURN)
        elif isinstance(scene, DialogueScene):
            if scene.pending_card is not None or scene.finished:
                yield []
            elif not scene.typing_done:
                yield press(pygame.K_SPACE)
            elif scene.holding or scene.session.status is Status.WAITING_FOR_CONTINUE:
                yield press(pygame.K_RETURN)
            elif scene.session.status is Status.WAITING_FOR_CHOICE:
                number = pick(scene.session)
                if number <= 9:
                    yield press(NUMBER_KEYS[number])
                else:  # beyond the number keys: arrows, then Enter
                    target = number - 1
                    yield press(pygame.K_DOWN) * (
                        (target - scene.selected) % len(scene.session.choices)
                    ) + press(pygame.K_RETURN)
            else:
                yield []
        else:
            yield []
