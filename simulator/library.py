"""Where scenario files are: the bundled library, and folders a trainer names."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml_rs

YAML_SUFFIXES = (".yaml", ".yml")


def bundled_scenarios_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "scenarios"


def yaml_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every YAML file named, or found below a named folder, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()
            )
        else:
            yield path


@dataclass(frozen=True)
class ScenarioEntry:
    id: str
    title: str
    minutes: int
    language: str
    summary: str
    path: Path


def scenario_entries(folder: Path | None = None) -> list[ScenarioEntry]:
    """The scenarios in a folder, read shallowly (full checks happen on load)."""
    entries = []
    for path in yaml_files([folder or bundled_scenarios_dir()]):
        try:
            data = yaml_rs.loads(path.read_text(encoding="utf-8"), parse_datetime=False)
        except (OSError, UnicodeDecodeError, yaml_rs.YAMLDecodeError):
            continue
        if isinstance(data, dict) and data.get("kind", "scenario") == "scenario" and "id" in data:
            entries.append(
                ScenarioEntry(
                    id=str(data["id"]),
                    title=str(data.get("title", data["id"])),
                    minutes=int(data.get("minutes", 10))
                    if str(data.get("minutes", 10)).isdigit()
                    else 10,
                    language=str(data.get("language", "en")),
                    summary=str(data.get("summary", "")),
                    path=path,
                )
            )
    return entries


def resolve_scenario(name: str) -> Path | None:
    """A scenario file path from a path or a bundled scenario id."""
    path = Path(name)
    if path.is_file():
        return path
    for entry in scenario_entries():
        if entry.id == name:
            return entry.path
    return None
