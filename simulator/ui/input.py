"""Turning raw pygame events into what the trainee meant."""

from __future__ import annotations

from dataclasses import dataclass

import pygame


@dataclass(frozen=True)
class Intent:
    # choose, move, adjust, confirm, skip, back, backlog, page, scroll, click, hover, text,
    # erase, take_back, read_aloud (the app's, on every screen), quit
    kind: str
    value: int = 0
    position: tuple[int, int] = (0, 0)
    text: str = ""


#: A scroll this far goes to the very start or end (Home and End), wherever the pointer is.
TO_THE_END = 1000

_NUMBER_KEYS = {getattr(pygame, f"K_{n}"): n for n in range(1, 10)}
_NUMBER_KEYS.update({getattr(pygame, f"K_KP{n}"): n for n in range(1, 10)})


def intents_for(event: pygame.event.Event, typing: bool = False) -> list[Intent]:
    """What one event means. ``typing`` is true while a text field has focus."""
    if event.type == pygame.QUIT:
        return [Intent("quit")]
    if event.type == pygame.TEXTINPUT and typing:
        return [Intent("text", text=event.text)]
    if event.type == pygame.KEYDOWN:
        key = event.key
        if key == pygame.K_ESCAPE:
            return [Intent("back")]
        if key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            return [Intent("confirm")]
        if typing:
            if key == pygame.K_BACKSPACE:
                return [Intent("erase")]
            if key == pygame.K_TAB:
                return [Intent("move", 1)]
            return []
        if key == pygame.K_BACKSPACE:
            return [Intent("take_back")]  # in practice, as a visual novel's rollback
        if key == pygame.K_SPACE:
            return [Intent("skip")]  # finishes text or continues; never picks a choice
        if key in _NUMBER_KEYS:
            return [Intent("choose", _NUMBER_KEYS[key])]
        if key == pygame.K_UP:
            return [Intent("move", -1)]
        if key in (pygame.K_DOWN, pygame.K_TAB):
            return [Intent("move", 1)]
        if key in (pygame.K_LEFT, pygame.K_RIGHT):
            return [Intent("adjust", -1 if key == pygame.K_LEFT else 1)]
        if key in (pygame.K_b, pygame.K_h):
            return [Intent("backlog")]
        if key == pygame.K_v:  # as in Ren'Py: self-voicing on or off
            return [Intent("read_aloud")]
        if key in (pygame.K_PAGEUP, pygame.K_PAGEDOWN):
            return [Intent("page", -1 if key == pygame.K_PAGEUP else 1)]
        if key == pygame.K_HOME:
            return [Intent("scroll", -TO_THE_END)]
        if key == pygame.K_END:
            return [Intent("scroll", TO_THE_END)]
        return []
    if event.type == pygame.MOUSEWHEEL:  # where the pointer is says what scrolls
        return [Intent("scroll", -event.y, position=pygame.mouse.get_pos())]
    if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
        return [Intent("click", position=event.pos)]
    if event.type == pygame.MOUSEMOTION:
        return [Intent("hover", position=event.pos)]
    return []
