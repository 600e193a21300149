"""Small drawing pieces shared by the scenes: panels, buttons, bars, wrapped text."""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from simulator.ui.fonts import Fonts, drawable
from simulator.ui.theme import Colour, Theme


def panel(
    surface: pygame.Surface,
    rect: pygame.Rect,
    theme: Theme,
    colour: Colour | None = None,
    radius: int = 10,
) -> None:
    pygame.draw.rect(surface, colour or theme.panel, rect, border_radius=radius)
    pygame.draw.rect(surface, theme.panel_edge, rect, width=2, border_radius=radius)


def draw_wrapped(
    surface: pygame.Surface,
    fonts: Fonts,
    text: str,
    size: int,
    colour: Colour,
    x: int,
    y: int,
    width: int,
    style: str = "regular",
    max_lines: int | None = None,
) -> int:
    """Draw wrapped text; returns the y below it."""
    lines = fonts.wrap(text, size, colour, width, style)
    height = fonts.line_height(size, style)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = fonts.shortened(lines[-1].text.rstrip(" .,;:") + "…", size, width, style)
        surface.blit(fonts.render(last, size, colour, style), (x, y + height * (max_lines - 1)))
        for index, line in enumerate(lines[:-1]):
            surface.blit(line.surface, (x, y + height * index))
        return y + height * max_lines
    for index, line in enumerate(lines):
        surface.blit(line.surface, (x, y + height * index))
    return y + height * len(lines)


def wrapped_height(fonts: Fonts, text: str, size: int, width: int, style: str = "regular") -> int:
    return len(fonts.wrap(text, size, (0, 0, 0), width, style)) * fonts.line_height(size, style)


@dataclass
class Button:
    label: str
    action: str
    rect: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 0, 0))
    enabled: bool = True

    def hit(self, position: tuple[int, int]) -> bool:
        return self.enabled and self.rect.collidepoint(position)


def layout_buttons(
    buttons: list[Button], fonts: Fonts, theme: Theme, right: int, y: int, gap: int = 12
) -> None:
    """Right-aligned row of buttons ending at ``right``."""
    size = theme.size(18)
    x = right
    for button in reversed(buttons):
        width = fonts.font(size, "bold").size(drawable(button.label))[0] + 36  # as rendered
        height = fonts.line_height(size, "bold") + 16
        x -= width
        button.rect = pygame.Rect(x, y, width, height)
        x -= gap


def draw_button(
    surface: pygame.Surface, button: Button, fonts: Fonts, theme: Theme, highlighted: bool = False
) -> None:
    size = theme.size(18)
    if not button.enabled:
        fill, text = theme.choice_disabled, theme.disabled_text
    elif highlighted:
        fill, text = theme.accent, theme.accent_text
    else:
        fill, text = theme.choice, theme.text
    pygame.draw.rect(surface, fill, button.rect, border_radius=8)
    pygame.draw.rect(
        surface,
        theme.accent if highlighted else theme.panel_edge,
        button.rect,
        width=2,
        border_radius=8,
    )
    # Cut with "…" rather than drawn past the button's edges, where a window is too narrow.
    shown = fonts.shortened(button.label, size, button.rect.w - 16, "bold")
    label = fonts.render(shown, size, text, "bold")
    surface.blit(label, label.get_rect(center=button.rect.center))


def draw_meter(
    surface: pygame.Surface,
    fonts: Fonts,
    theme: Theme,
    rect: pygame.Rect,
    label: str,
    fraction: float,
    value_text: str,
    colour: Colour,
) -> None:
    """A labelled bar: the label above, the bar below with its value at the right."""
    size = theme.size(14)
    # The meters sit on the dark top bar: their captions are light in either look.
    colour_of_caption = theme.text if theme.panel == (0, 0, 0) else (235, 238, 245)
    # One line, shortened to the bar's width rather than running off the window.
    bar_y = draw_wrapped(
        surface, fonts, label, size, colour_of_caption, rect.x, rect.y, rect.w, max_lines=1
    )
    bar_y += 2
    bar = pygame.Rect(rect.x, bar_y, rect.w, max(8, rect.bottom - bar_y))
    pygame.draw.rect(surface, (70, 78, 92), bar, border_radius=5)
    filled = bar.copy()
    filled.w = round(bar.w * max(0.0, min(1.0, fraction)))
    if filled.w > 0:
        pygame.draw.rect(surface, colour, filled, border_radius=5)
    value = fonts.render(value_text, size, (255, 255, 255), "bold")
    surface.blit(value, value.get_rect(midright=(bar.right - 6, bar.centery)))
