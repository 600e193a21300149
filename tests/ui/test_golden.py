"""A few approved screenshots, compared with a tolerance.

Goldens are few on purpose: pixel output can drift a little between platforms
and library versions, so everything else is asserted on state. To approve new
images, look at them first, then: UPDATE_GOLDEN=1 pytest tests/ui/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pygame
import pytest

from simulator.ui.app import App
from simulator.ui.scenes.menu import MenuScene, open_scenario
from tests.conftest import REPO
from tests.ui.keyboard import press

GOLDEN = Path(__file__).resolve().parent / "golden"
TOUR = REPO / "docs" / "examples" / "format-tour.yaml"
MEAN_TOLERANCE = 2.0  # mean absolute difference per channel, 0-255
CHANGED_PIXELS_TOLERANCE = 0.01  # share of pixels that may differ by more than 48


def difference(surface: pygame.Surface, golden: pygame.Surface) -> tuple[float, float]:
    assert surface.get_size() == golden.get_size()
    width, height = surface.get_size()
    total = changed = 0
    step = 2  # every other pixel in each direction: plenty to catch a layout change
    for y in range(0, height, step):
        for x in range(0, width, step):
            a, b = surface.get_at((x, y)), golden.get_at((x, y))
            delta = abs(a.r - b.r) + abs(a.g - b.g) + abs(a.b - b.b)
            total += delta
            changed += delta > 48 * 3
    samples = (width // step) * (height // step)
    return total / (samples * 3), changed / samples


def check(app: App, name: str) -> None:
    app.draw(app.screen)
    path = GOLDEN / f"{name}.png"
    if os.environ.get("UPDATE_GOLDEN"):
        pygame.image.save(app.screen, str(path))
    golden = pygame.image.load(str(path))
    mean, changed = difference(app.screen, golden)
    if mean > MEAN_TOLERANCE or changed > CHANGED_PIXELS_TOLERANCE:
        failed = path.with_name(f"{name}.actual.png")
        pygame.image.save(app.screen, str(failed))
        pytest.fail(
            f"{name} differs from its golden (mean {mean:.2f}, changed {changed:.1%}); see {failed}"
        )


@pytest.fixture
def tour(app: App) -> App:
    app.push(MenuScene(app))
    open_scenario(app, TOUR, None, "Golden", seed=1, resume=False)
    return app


def test_dialogue_screen(tour: App) -> None:
    tour.run(events=[[], press(pygame.K_RETURN), []], max_frames=3)
    check(tour, "dialogue")


def test_debrief_screen(tour: App) -> None:
    tour.run(
        events=[
            [],
            press(pygame.K_RETURN),
            [],
            press(pygame.K_3),
            [],
            press(pygame.K_2),
            [],
            [],
            [],
        ],
        max_frames=9,
    )
    check(tour, "debrief")


def test_the_comparison_notices_a_change(tour: App) -> None:
    tour.run(events=[[], press(pygame.K_RETURN), []], max_frames=3)
    tour.draw(tour.screen)
    pygame.draw.rect(tour.screen, (255, 0, 0), (0, 0, 400, 300))
    _, changed = difference(tour.screen, pygame.image.load(str(GOLDEN / "dialogue.png")))
    assert changed > CHANGED_PIXELS_TOLERANCE
