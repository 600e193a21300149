"""Scenario text that pygame cannot draw, or cannot wrap quickly, still shows (issue 13).

A NUL stopped the game in pygame's renderer; a 4,000-character word froze it for
minutes while wrapping, trying one character fewer at a time. Runs on SDL's dummy
driver (tests/conftest.py); wrapping is measured in font measurements, not seconds.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pygame
import pytest

from simulator.ui.fonts import REPLACEMENT, Fonts, drawable
from simulator.ui.theme import NORMAL
from simulator.ui.widgets.basic import Button, draw_button, draw_wrapped, layout_buttons

BLACK = (0, 0, 0)
HOSTILE = "Hello\x00there\x1b[31m red\ttab\r\x7f\x85 end\nsecond\x00line \ud800 lone"
LONG_WORD = "W" * 4000


class CountingFont:
    """A font that counts its width measurements, the cost of wrapping."""

    def __init__(self, font: pygame.font.Font) -> None:
        self._font = font
        self.measured = 0

    def size(self, text: str) -> tuple[int, int]:
        self.measured += 1
        return self._font.size(text)

    @property
    def point_size(self) -> int:
        return self._font.point_size

    @point_size.setter
    def point_size(self, size: int) -> None:
        self._font.point_size = size

    def __getattr__(self, name: str) -> Any:
        return getattr(self._font, name)


@pytest.fixture(scope="module")
def fonts() -> Iterator[Fonts]:
    pygame.font.init()
    yield Fonts()


def counting(fonts: Fonts, size: int) -> CountingFont:
    font = CountingFont(fonts.font(size))
    fonts._fonts["regular"] = font  # type: ignore[assignment]
    return font


def test_control_characters_are_drawn_as_the_replacement_character(fonts: Fonts) -> None:
    assert drawable(HOSTILE).count(REPLACEMENT) == 8
    assert len(drawable(HOSTILE)) == len(HOSTILE)  # one for one: positions hold
    assert "\n" in drawable(HOSTILE)  # newlines are the wrapper's to break at
    surface = fonts.render(HOSTILE.replace("\n", " "), 20, BLACK)
    assert surface.get_width() > 0


def test_hostile_text_wraps_with_every_character_in_place(fonts: Fonts) -> None:
    text = f"{HOSTILE} {LONG_WORD} tail"
    width = 400
    lines = fonts.wrap(text, 20, BLACK, width)
    shown = drawable(text)
    for line in lines:
        assert shown[line.start : line.start + len(line.text)] == line.text
        assert line.surface.get_width() <= width or len(line.text) == 1
    assert sum(line.text.count("W") for line in lines) == len(LONG_WORD)
    assert lines[-1].text.endswith("tail")
    # What the typewriter measures is what was drawn.
    assert fonts.prefix_width(HOSTILE, 11, 20) == fonts.render(HOSTILE[:11], 20, BLACK).get_width()


def test_wrapping_a_long_word_grows_linearly_in_measurements() -> None:
    pygame.font.init()
    measured = {}
    for length in (4000, 8000):
        fonts = Fonts()  # a fresh cache, so every line is measured
        font = counting(fonts, 18)
        lines = fonts.wrap("x" * length, 18, BLACK, 300)
        assert all(line.surface.get_width() <= 300 for line in lines)
        measured[length] = font.measured
    # Doubling the word doubles the measurements (about 6 a line), where trying one
    # character fewer at a time took about 4,000 measurements a line, and 4x as many.
    assert 1.6 < measured[8000] / measured[4000] < 2.5
    assert measured[4000] < 2000


def test_ordinary_text_wraps_as_before(fonts: Fonts) -> None:
    text = "The customer wants a refund for the late delivery, and a word with you."
    lines = fonts.wrap(text, 20, BLACK, 250)
    assert " ".join(line.text for line in lines) == text
    assert len(lines) > 1
    font = fonts.font(20)
    for line, following in itertools.pairwise(lines):
        first_word = following.text.split(" ")[0]
        assert font.size(f"{line.text} {first_word}")[0] > 250  # the next word would not fit


def test_widgets_draw_hostile_text(fonts: Fonts) -> None:
    surface = pygame.Surface((640, 480))
    bottom = draw_wrapped(surface, fonts, f"{HOSTILE} {LONG_WORD}", 20, BLACK, 0, 0, 300)
    assert bottom > 0
    draw_wrapped(surface, fonts, f"{LONG_WORD}\x00", 20, BLACK, 0, 0, 300, max_lines=2)
    button = Button("Go\x00\ud800", "go")
    layout_buttons([button], fonts, NORMAL, 600, 10)
    draw_button(surface, button, fonts, NORMAL)


def test_an_amount_written_with_spaces_between_its_digits_never_splits(fonts: Fonts) -> None:
    """Translations write "R11 200" and "1 280 000": a line breaks around an amount, not
    inside it, and every character stays in its place."""
    text = "Die herstel kos R11 200 en die vervanging R1 280 000, sê sy."
    font = fonts.font(20)
    for width in range(font.size("R1 280 000,")[0], font.size(text)[0], 7):
        lines = fonts.wrap(text, 20, BLACK, width)
        assert " ".join(line.text for line in lines) == text
        for line in lines:
            assert not line.text.startswith(("200", "280", "000")), (width, line.text)
            assert text[line.start : line.start + len(line.text)] == line.text
