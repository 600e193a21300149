"""The shipped Noto Sans, and a cache of rendered text.

pygame-ce renders text slowly, so every (text, size, colour) is rendered once
and blitted many times. Wrapping is done here by measuring words, so the
typewriter effect can reveal a paragraph by clipping surfaces already rendered.

Scenario text is untrusted: a control character (NUL stops pygame's renderer with an
error) is drawn as U+FFFD, and a word wider than the line is broken by characters in
time that grows with its length, not with its square.
"""

from __future__ import annotations

import re
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
#: What pygame cannot draw: control characters (NUL raises, others measure wrongly) and
#: lone surrogates (not UTF-8). A newline is left to the callers, who break lines at it.
_UNDRAWABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
REPLACEMENT = "\ufffd"
#: Where a line may break: at a space, except one that groups a number's digits ("R11 200",
#: "1 280 000"), as translations write amounts, so that an amount never splits in two.
_BREAKS = re.compile(r"(?<!\d) | (?!\d{3}(?!\d))")


def drawable(text: str) -> str:
    """``text`` with every character pygame cannot draw replaced by U+FFFD, one for one,
    so that character positions (the typewriter's, a wrapped line's start) still hold."""
    return _UNDRAWABLE.sub(REPLACEMENT, text)


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
            surface = self.font(size, style).render(drawable(text), True, colour)
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
        for paragraph in drawable(text).split("\n"):
            words = _BREAKS.split(paragraph)
            current = ""
            start = position
            for word in words:
                if current:
                    trial = f"{current} {word}"
                    if font.size(trial)[0] <= width:
                        current = trial  # measured: it fits, so it is no word too wide
                        continue
                    lines.append(
                        WrappedLine(current, self.render(current, size, colour, style), start)
                    )
                    start += len(current) + 1
                current = word
                if len(current) > 1 and font.size(current)[0] > width:
                    # A word wider than the line: as much of it as fits on each line.
                    while (cut := _fitting(font, current, width)) < len(current):
                        piece = current[:cut]
                        lines.append(
                            WrappedLine(piece, self.render(piece, size, colour, style), start)
                        )
                        start += cut
                        current = current[cut:]
            lines.append(WrappedLine(current, self.render(current, size, colour, style), start))
            position += len(paragraph) + 1
        self._wrapped[key] = lines
        if len(self._wrapped) > self._cache_size:
            self._wrapped.popitem(last=False)
        return lines

    def shortened(self, text: str, size: int, width: int, style: str = "regular") -> str:
        """The text as it fits on one line of ``width``: whole, or its start with "…"
        (nothing when not even "…" fits). O(log n) measurements, so a title of thousands
        of characters costs a frame no more than a short one."""
        font = self.font(size, style)
        shown = drawable(text)
        if font.size(shown)[0] <= width:
            return text
        room = width - font.size("…")[0]
        if room <= 0:
            return ""
        return shown[: _fitting(font, shown, room)].rstrip(" .,;:") + "…"

    def prefix_width(self, text: str, count: int, size: int, style: str = "regular") -> int:
        return self.font(size, style).size(drawable(text[:count]))[0]


def _fitting(font: pygame.font.Font, text: str, width: int) -> int:
    """How many of ``text``'s first characters fit in ``width`` (at least one, so a line
    always moves on). Doubling, then halving: O(log n) measurements of at most twice
    what fits, where trying one character fewer at a time took O(n) measurements of the
    whole word: a 4,000-character word took over a minute and 265,000 measurements."""
    fits, beyond = 1, 2
    while beyond <= len(text) and font.size(text[:beyond])[0] <= width:
        fits, beyond = beyond, beyond * 2
    beyond = min(beyond, len(text) + 1)  # text[:beyond] is too wide, or past the end
    while beyond - fits > 1:
        middle = (fits + beyond) // 2
        if font.size(text[:middle])[0] <= width:
            fits = middle
        else:
            beyond = middle
    return fits
