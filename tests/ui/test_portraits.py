"""Faces a trainee can read: each mood its own, each person their own."""

from __future__ import annotations

import itertools

import pygame
import pytest

from simulator.library import scenario_entries
from simulator.scenario.loader import load_scenario
from simulator.ui.portraits import FACES, draw_portrait, expression_for

SIZE = 160
# Two faces count as clearly different when at least this share of the portrait differs.
CLEARLY_DIFFERENT = 0.01


def share_different(first: pygame.Surface, second: pygame.Surface) -> float:
    differing = sum(
        1
        for x in range(0, SIZE, 2)
        for y in range(0, SIZE, 2)
        if first.get_at((x, y)) != second.get_at((x, y))
    )
    return differing / (SIZE // 2) ** 2


def declared_moods() -> list[tuple[str, str, list[str]]]:
    found = []
    for entry in scenario_entries():
        scenario = load_scenario(entry.path).scenario
        assert scenario is not None
        for character_id, character in scenario.characters.items():
            found.append((entry.id, character_id, list(character.moods)))
    return found


@pytest.mark.parametrize(
    "scenario_id,character,moods", declared_moods(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_declared_mood_has_its_own_face(
    scenario_id: str, character: str, moods: list[str]
) -> None:
    """Compared in high contrast, where every backdrop is the same black: the face itself
    must change, not only the colour behind it."""
    assert all(expression_for(mood) == mood for mood in moods), [
        mood for mood in moods if expression_for(mood) != mood
    ]
    faces = {mood: draw_portrait(character, mood, SIZE, high_contrast=True) for mood in moods}
    for first, second in itertools.combinations(moods, 2):
        assert share_different(faces[first], faces[second]) >= CLEARLY_DIFFERENT, (first, second)


def test_people_in_one_scenario_never_look_alike() -> None:
    for look_a, look_b in itertools.combinations(range(4), 2):
        a = draw_portrait("same-person", "neutral", SIZE, look=look_a)
        b = draw_portrait("same-person", "neutral", SIZE, look=look_b)
        assert share_different(a, b) >= 0.05


def test_an_unknown_mood_word_finds_the_nearest_face() -> None:
    assert expression_for("quite furious") == "angry"
    assert expression_for("nervous") == "stressed"
    assert expression_for("zen") == "neutral"
    assert set(FACES) >= {"neutral", "pleased", "angry", "hurt", "embarrassed", "stressed"}
