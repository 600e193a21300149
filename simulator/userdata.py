"""What the player keeps between runs on this computer: settings and the trainee's name.

Plays themselves (and so resuming and onboarding progress) live in the results store.

Everything is small JSON in the user's data folder (``platformdirs``), or in
``$CS_SIMULATOR_HOME`` when set (tests and shared training PCs use that).
Writes go to a temporary file first and are then renamed over the old one, so
a crash mid-write never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import platformdirs

from simulator.regular_files import read_regular

APP_NAME = "cs-simulator"
RESULTS_ENVIRONMENT = "CS_SIMULATOR_RESULTS"  # where plays are recorded, if not the default
TEXT_SIZES = ("small", "medium", "large", "x-large")
TEXT_SPEEDS = ("slow", "normal", "fast", "instant")


def data_dir() -> Path:
    """Where this computer's settings, menu index and default results store live. The
    folder is made when it can be; when it cannot (a read-only home, a path through a
    file) it is returned all the same: each writer meets the error and carries on
    without what it wanted to keep, and ``data_dir_problem`` says so once."""
    override = os.environ.get("CS_SIMULATOR_HOME")
    folder = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def data_dir_problem() -> str | None:
    """Why the data folder cannot be written, in one sentence for people; None when it can."""
    import tempfile  # only when asked: the game starts faster without it

    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)  # its own error says why, if it cannot
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe."):
            pass
    except OSError as error:
        return (
            f"the data folder {folder} cannot be written ({error.strerror or error}): "
            "settings are not kept and plays are only recorded where --results or "
            f"${RESULTS_ENVIRONMENT} points; set $CS_SIMULATOR_HOME to a folder you can write"
        )
    return None


def write_json_atomically(path: Path, data: Any) -> None:
    import tempfile

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


#: The most a settings file or the LRS's details may hold, unless a caller says more.
#: They are a few hundred bytes; a file far larger was not written by the simulator,
#: and is not read into memory (parsed, JSON can take some 25 times its size).
MAX_JSON_BYTES = 1024 * 1024


def read_json(path: Path, max_bytes: int = MAX_JSON_BYTES) -> Any | None:
    """The file's JSON, or None when it is missing, not a regular file, unreadable, not
    JSON, nested past what the parser can follow, or larger than ``max_bytes`` (never
    an exception, never a wait on a named pipe)."""
    raw = read_regular(path, max_bytes)
    if isinstance(raw, str) or len(raw) > max_bytes:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


@dataclass
class Settings:
    text_size: str = "medium"
    high_contrast: bool = False
    text_speed: str = "normal"
    fullscreen: bool = False
    reduced_motion: bool = False
    read_aloud: bool = False
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

    def save(self) -> str | None:
        """Keep the settings for next time; the system's reason why they could not be kept,
        if so (the game goes on with them all the same, and Settings says so)."""
        try:
            write_json_atomically(data_dir() / "settings.json", asdict(self))
        except OSError as error:
            return str(error.strerror or error)
        return None
