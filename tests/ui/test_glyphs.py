"""The shipped font can draw every character the trainee will see."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pygame.freetype
import pytest
import yaml_rs

from simulator.ui.fonts import FONT_DIR, FONT_FILES, REPLACEMENT
from tests.conftest import REPO

TEXT_FILES = sorted(
    [
        *(REPO / "scenarios").rglob("*.yaml"),
        *(REPO / "docs" / "examples").rglob("*.yaml"),
        *(REPO / "simulator" / "wording").glob("*.yaml"),  # the interface's own words
    ]
)
UI_SOURCES = [
    *sorted((REPO / "simulator" / "ui").rglob("*.py")),
    REPO / "simulator" / "transcript.py",
]


def strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from strings(item)


@pytest.fixture(scope="module")
def fonts() -> dict[str, pygame.freetype.Font]:
    pygame.freetype.init()
    return {
        style: pygame.freetype.Font(str(FONT_DIR / name), 20) for style, name in FONT_FILES.items()
    }


def missing(characters: set[str], fonts: dict[str, pygame.freetype.Font]) -> dict[str, list]:
    gaps: dict[str, list[str]] = {}
    for style, font in fonts.items():
        absent = [
            c for c in sorted(characters) if not c.isspace() and font.get_metrics(c)[0] is None
        ]
        if absent:
            gaps[style] = absent
    return gaps


def test_there_are_texts_to_check() -> None:
    assert TEXT_FILES


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: p.name)
def test_every_character_of_every_scenario_has_a_glyph(path: Path, fonts) -> None:
    data = yaml_rs.loads(path.read_text(encoding="utf-8"), parse_datetime=False)
    characters = {c for text in strings(data) for c in text}
    assert missing(characters, fonts) == {}


def test_every_character_the_interface_writes_has_a_glyph(fonts) -> None:
    literals = set()
    for path in UI_SOURCES:
        for text in re.findall(r'"([^"\n]*)"', path.read_text(encoding="utf-8")):
            literals.update(text)
    assert missing(literals, fonts) == {}


def test_the_check_itself_notices_a_missing_glyph(fonts) -> None:
    assert missing({"→"}, fonts)  # an arrow is not in Noto Sans


def test_the_stand_in_for_an_undrawable_character_has_a_glyph(fonts) -> None:
    """Control characters in a scenario's text are drawn as this (see ui/fonts.py)."""
    assert missing({REPLACEMENT}, fonts) == {}
