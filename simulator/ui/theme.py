"""Colours and sizes, in one place, for the normal and the high-contrast look."""

from __future__ import annotations

from dataclasses import dataclass

Colour = tuple[int, int, int]

TEXT_SCALE = {"small": 0.85, "medium": 1.0, "large": 1.2, "x-large": 1.45}


@dataclass(frozen=True)
class Theme:
    background: Colour
    panel: Colour
    panel_edge: Colour
    text: Colour
    muted: Colour
    accent: Colour
    accent_text: Colour
    choice: Colour
    choice_hover: Colour
    choice_disabled: Colour
    disabled_text: Colour
    good: Colour
    bad: Colour
    satisfaction: Colour
    cost: Colour
    target: Colour
    scale: float = 1.0

    def size(self, base: int) -> int:
        return max(10, round(base * self.scale))


NORMAL = Theme(
    background=(30, 36, 48),
    panel=(245, 242, 235),
    panel_edge=(200, 194, 182),
    text=(34, 34, 40),
    muted=(96, 98, 110),
    accent=(35, 99, 160),
    accent_text=(255, 255, 255),
    choice=(226, 232, 240),
    choice_hover=(190, 214, 240),
    choice_disabled=(226, 226, 226),
    disabled_text=(120, 120, 120),
    good=(40, 135, 80),
    bad=(185, 60, 50),
    satisfaction=(40, 135, 80),
    cost=(200, 110, 30),
    target=(35, 99, 160),
)

HIGH_CONTRAST = Theme(
    background=(0, 0, 0),
    panel=(0, 0, 0),
    panel_edge=(255, 255, 255),
    text=(255, 255, 255),
    muted=(235, 235, 235),
    accent=(255, 230, 0),
    accent_text=(0, 0, 0),
    choice=(25, 25, 25),
    choice_hover=(0, 70, 140),
    choice_disabled=(0, 0, 0),
    disabled_text=(190, 190, 190),
    good=(90, 255, 140),
    bad=(255, 120, 110),
    satisfaction=(90, 255, 140),
    cost=(255, 190, 60),
    target=(255, 230, 0),
)


def theme_for(high_contrast: bool, text_size: str) -> Theme:
    base = HIGH_CONTRAST if high_contrast else NORMAL
    from dataclasses import replace

    return replace(base, scale=TEXT_SCALE.get(text_size, 1.0))
