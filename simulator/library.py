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
    return scenario_entries_for(yaml_files([folder or bundled_scenarios_dir()]))


def scenario_entries_for(paths: Iterable[Path]) -> list[ScenarioEntry]:
    entries = []
    for path in paths:
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


def translation_files(scenario_path: Path) -> list[Path]:
    """Translation files that sit beside a scenario: NAME.LANG.yaml."""
    stem = scenario_path.name.rsplit(".", 1)[0]
    return sorted(
        p
        for p in scenario_path.parent.glob(f"{stem}.*.yaml")
        if p.name.count(".") == 2 and not p.name.endswith(".test.yaml")
    )


def available_languages(scenario_path: Path) -> list[str]:
    return [path.name.split(".")[-2] for path in translation_files(scenario_path)]


def resolve_scenario(name: str) -> Path | None:
    """A scenario file path from a path or a bundled scenario id."""
    path = Path(name)
    if path.is_file():
        return path
    for entry in scenario_entries():
        if entry.id == name:
            return entry.path
    return None
