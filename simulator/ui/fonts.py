"""The shipped Noto Sans, and a cache of rendered text.

pygame-ce renders text slowly, so every (text, size, colour) is rendered once
and blitted many times. Wrapping is done here by measuring words, so the
typewriter effect can reveal a paragraph by clipping surfaces already rendered.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import pygame

from simulator.library import bundled_path

FONT_DIR = bundled_path("fonts", "assets/fonts")
FONT_FILES = {
    "regular": "NotoSans-Regular.ttf",
    "bold": "NotoSans-Bold.ttf",
    "italic": "NotoSans-Italic.ttf",
}
Colour = tuple[int, int, int]


@dataclass(frozen=True)
class WrappedLine:
    text: str
    surface: pygame.Surface
    start: int  # index of the line's first character in the paragraph


class Fonts:
    def __init__(self, cache_size: int = 2048) -> None:
        self._fonts: dict[str, pygame.font.Font] = {}
        self._surfaces: OrderedDict[tuple[str, str, int, Colour], pygame.Surface] = OrderedDict()
        self._wrapped: OrderedDict[tuple[str, str, int, Colour, int], list[WrappedLine]] = (
            OrderedDict()
        )
        self._cache_size = cache_size

    def font(self, size: int, style: str = "regular") -> pygame.font.Font:
        """The style's font set to ``size``: one font file read per style, resized as needed
        (reading the file again for every size slowed the first frame)."""
        font = self._fonts.get(style)
        if font is None:
            font = self._fonts[style] = pygame.font.Font(str(FONT_DIR / FONT_FILES[style]), size)
        if font.point_size != size:
            font.point_size = size
        return font

    def render(
        self, text: str, size: int, colour: Colour, style: str = "regular"
    ) -> pygame.Surface:
        key = (text, style, size, colour)
        surface = self._surfaces.get(key)
        if surface is None:
            surface = self.font(size, style).render(text, True, colour)
            self._surfaces[key] = surface
            if len(self._surfaces) > self._cache_size:
                self._surfaces.popitem(last=False)
        else:
            self._surfaces.move_to_end(key)
        return surface

    def line_height(self, size: int, style: str = "regular") -> int:
        return self.font(size, style).get_linesize()

    def wrap(
        self, text: str, size: int, colour: Colour, width: int, style: str = "regular"
    ) -> list[WrappedLine]:
        key = (text, style, size, colour, width)
        cached = self._wrapped.get(key)
        if cached is not None:
            return cached
        font = self.font(size, style)
        lines: list[WrappedLine] = []
        position = 0
        for paragraph in text.split("\n"):
            words = paragraph.split(" ")
            current = ""
            start = position
            for word in words:
                trial = word if not current else f"{current} {word}"
                if current and font.size(trial)[0] > width:
                    lines.append(
                        WrappedLine(current, self.render(current, size, colour, style), start)
                    )
                    start += len(current) + 1
                    current = word
                else:
                    current = trial
                while font.size(current)[0] > width and len(current) > 1:
                    cut = len(current)
                    while cut > 1 and font.size(current[:cut])[0] > width:
                        cut -= 1
                    lines.append(
                        WrappedLine(
                            current[:cut], self.render(current[:cut], size, colour, style), start
                        )
                    )
                    start += cut
                    current = current[cut:]
            lines.append(WrappedLine(current, self.render(current, size, colour, style), start))
            position += len(paragraph) + 1
        self._wrapped[key] = lines
        if len(self._wrapped) > self._cache_size:
            self._wrapped.popitem(last=False)
        return lines

    def prefix_width(self, text: str, count: int, size: int, style: str = "regular") -> int:
        return self.font(size, style).size(text[:count])[0]
