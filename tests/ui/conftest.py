"""A real App on SDL's dummy driver, with its user data in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from simulator.ui.app import App
from simulator.userdata import Settings


@pytest.fixture(autouse=True)
def user_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("CS_SIMULATOR_HOME", str(home))
    return home


@pytest.fixture
def app() -> Iterator[App]:
    settings = Settings(trainee="Test Trainee", text_speed="instant")
    application = App(settings, (1280, 720), fullscreen=False)
    yield application
    pygame.display.quit()
