"""Screen geometry as plain numbers, so it can be tested without a window."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)


MIN_WIDTH, MIN_HEIGHT = 800, 500


@dataclass(frozen=True)
class DialogueLayout:
    top_bar: Box
    portrait: Box
    column: Box  # speech above, choices below; the scene shares it out


def margin_for(width: int) -> int:
    return 12 if width < 1100 else 18


def dialogue_layout(width: int, height: int, scale: float = 1.0) -> DialogueLayout:
    width, height = max(width, MIN_WIDTH), max(height, MIN_HEIGHT)
    margin = margin_for(width)
    bar_height = round(58 * max(1.0, scale * 0.95))
    top_bar = Box(0, 0, width, bar_height)
    body_top = bar_height + margin
    body_height = height - body_top - margin
    portrait_width = max(220, min(440, round(width * 0.28)))
    portrait = Box(margin, body_top, portrait_width, body_height)
    column_x = portrait.right + margin
    column = Box(column_x, body_top, width - column_x - margin, body_height)
    return DialogueLayout(top_bar, portrait, column)


def centred_panel(width: int, height: int, panel_width: int, panel_height: int) -> Box:
    panel_width = min(panel_width, width - 40)
    panel_height = min(panel_height, height - 40)
    return Box((width - panel_width) // 2, (height - panel_height) // 2, panel_width, panel_height)


def card_grid(area: Box, count: int, min_card_width: int, card_height: int, gap: int) -> list[Box]:
    """Cards in rows that fill the width; the list may run below the area (it scrolls)."""
    columns = max(1, min(count, (area.w + gap) // (min_card_width + gap)))
    card_width = (area.w - gap * (columns - 1)) // columns
    return [
        Box(
            area.x + (i % columns) * (card_width + gap),
            area.y + (i // columns) * (card_height + gap),
            card_width,
            card_height,
        )
        for i in range(count)
    ]
