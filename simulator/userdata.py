"""What the player keeps between runs on this computer: settings and the trainee's name.

Plays themselves (and so resuming and onboarding progress) live in the results store.

Everything is small JSON in the user's data folder (``platformdirs``), or in
``$CS_SIMULATOR_HOME`` when set (tests and shared training PCs use that).
Writes go to a temporary file first and are then renamed over the old one, so
a crash mid-write never leaves a half-written file behind.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "cs-simulator"
RESULTS_ENVIRONMENT = "CS_SIMULATOR_RESULTS"  # where plays are recorded, if not the default
TEXT_SIZES = ("small", "medium", "large", "x-large")
TEXT_SPEEDS = ("slow", "normal", "fast", "instant")


def data_dir() -> Path:
    override = os.environ.get("CS_SIMULATOR_HOME")
    folder = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_json_atomically(path: Path, data: Any) -> None:
    import tempfile  # only when writing: the game starts faster without it

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, ensure_ascii=False, indent=1)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> Any | None:
    """The file's JSON, or None when it is missing or unreadable (never an exception)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


@dataclass
class Settings:
    text_size: str = "medium"
    high_contrast: bool = False
    text_speed: str = "normal"
    fullscreen: bool = False
    reduced_motion: bool = False
    language: str | None = None
    trainee: str = ""

    @classmethod
    def load(cls) -> Settings:
        data = read_json(data_dir() / "settings.json")
        settings = cls()
        if isinstance(data, dict):
            for item in fields(cls):
                value = data.get(item.name)
                if value is not None and isinstance(value, type(getattr(settings, item.name))):
                    setattr(settings, item.name, value)
                elif item.name == "language" and isinstance(value, str):
                    settings.language = value
        if settings.text_size not in TEXT_SIZES:
            settings.text_size = "medium"
        if settings.text_speed not in TEXT_SPEEDS:
            settings.text_speed = "normal"
        return settings

    def save(self) -> None:
        write_json_atomically(data_dir() / "settings.json", asdict(self))
