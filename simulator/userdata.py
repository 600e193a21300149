"""What the player keeps between runs: settings, the trainee's name, saves, progress.

Everything is small JSON in the user's data folder (``platformdirs``), or in
``$CS_SIMULATOR_HOME`` when set (tests and shared training PCs use that).
Writes go to a temporary file first and are then renamed over the old one, so
a crash mid-write never leaves a half-written file behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "cs-simulator"
TEXT_SIZES = ("small", "medium", "large", "x-large")
TEXT_SPEEDS = ("slow", "normal", "fast", "instant")


def data_dir() -> Path:
    override = os.environ.get("CS_SIMULATOR_HOME")
    folder = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_json_atomically(path: Path, data: Any) -> None:
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


@dataclass
class SavedPlay:
    """A session in progress: enough to resume exactly where the trainee was."""

    scenario_path: str
    language: str | None
    trainee: str
    snapshot: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


def _save_path(scenario_id: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in scenario_id)
    return data_dir() / "saves" / f"{safe}.json"


def store_play(scenario_id: str, play: SavedPlay) -> None:
    write_json_atomically(_save_path(scenario_id), asdict(play))


def load_play(scenario_id: str) -> SavedPlay | None:
    data = read_json(_save_path(scenario_id))
    if not isinstance(data, dict):
        return None
    try:
        return SavedPlay(**data)
    except TypeError:
        return None


def discard_play(scenario_id: str) -> None:
    _save_path(scenario_id).unlink(missing_ok=True)


def saved_plays() -> list[SavedPlay]:
    folder = data_dir() / "saves"
    plays = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = read_json(path)
        if isinstance(data, dict):
            try:
                plays.append(SavedPlay(**data))
            except TypeError:
                continue
    return plays


def _progress_path(playlist_id: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in playlist_id)
    return data_dir() / "progress" / f"{safe}.json"


def playlist_progress(playlist_id: str, trainee: str) -> dict[str, dict[str, Any]]:
    """For one trainee: scenario id -> best score, passed, attempts."""
    data = read_json(_progress_path(playlist_id))
    if not isinstance(data, dict) or not isinstance(data.get(trainee), dict):
        return {}
    return data[trainee]


def record_progress(
    playlist_id: str, trainee: str, scenario_id: str, score: int, passed: bool
) -> None:
    path = _progress_path(playlist_id)
    data = read_json(path)
    data = data if isinstance(data, dict) else {}
    mine = data.setdefault(trainee, {})
    entry = mine.setdefault(scenario_id, {"best_score": score, "passed": False, "attempts": 0})
    entry["attempts"] = int(entry.get("attempts", 0)) + 1
    entry["best_score"] = max(int(entry.get("best_score", score)), score)
    entry["passed"] = bool(entry.get("passed")) or passed
    write_json_atomically(path, data)
