"""Where scenario files are: the bundled library, and folders a trainer names."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")


def bundled_path(inside_package: str, in_checkout: str) -> Path:
    """Where files that ship with the simulator are: inside the installed package (the
    wheel carries them as simulator/bundled/...), or, in a checkout, where authors and
    translators keep them (see pyproject.toml). The package's folder is this module's
    (what importlib.resources would say, without the time it takes to import)."""
    installed = Path(__file__).parent / "bundled" / inside_package
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / in_checkout


def bundled_scenarios_dir() -> Path:
    return bundled_path("scenarios", "scenarios")


def yaml_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every YAML file named, or found below a named folder, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()
            )
        else:
            yield path


def scenario_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, and below the folders named every file that may be a scenario:
    all but those that say they are something else (translations, characters, tests,
    playlists). A file too broken to say is kept, so that its problems are reported."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in yaml_files([path]) if _declared_kind(p) == "scenario")
        else:
            found.append(path)
    return found


def _shallow_read(path: Path) -> dict[str, object] | None:
    """A YAML file's top mapping, without the loader's checks (for menus and listings);
    None when it cannot be read as one. Still read safely: a named pipe, a huge file or an
    alias bomb among the scenarios must not hang or exhaust the menu."""
    from simulator.scenario.yamlfile import read_data

    data = read_data(path)
    return data if isinstance(data, dict) else None


def _declared_kind(path: Path) -> str:
    data = _shallow_read(path)
    kind = data.get("kind") if data is not None else None
    return kind if isinstance(kind, str) else "scenario"


@dataclass(frozen=True)
class ScenarioEntry:
    id: str
    title: str
    minutes: int
    language: str
    summary: str
    path: Path


MAX_MINUTES = 240  # a longer play is taken for a mistake, and shown as the usual ten
MAX_INDEX_BYTES = 8 * 1024 * 1024  # the menu index of a thousand scenarios: half a MB
_ENTRY_TYPES = {"id": str, "title": str, "minutes": int, "language": str, "summary": str}


def scenario_entries(folder: Path | None = None) -> list[ScenarioEntry]:
    """The scenarios in a folder, read shallowly (full checks happen on load)."""
    return scenario_entries_for(yaml_files([folder or bundled_scenarios_dir()]))


def scenario_entries_for(paths: Iterable[Path]) -> list[ScenarioEntry]:
    """Menu entries for these files. What a file says is remembered by its size and time, so
    the menu opens without parsing every scenario again (or even loading the parser)."""
    from simulator.userdata import data_dir, read_json, write_json_atomically

    index_path = data_dir() / "menu-index.json"
    index = read_json(index_path, MAX_INDEX_BYTES)
    index = index if isinstance(index, dict) else {}
    entries: list[ScenarioEntry] = []
    changed = False
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        key = str(path.resolve())
        stamp = [stat.st_size, stat.st_mtime_ns]
        known = index.get(key)
        # The index is only a cache, and may have been written by another version or
        # damaged: an entry not of the shape this version writes is read afresh.
        if not (
            isinstance(known, dict)
            and known.keys() == {"stamp", "entry"}
            and known["stamp"] == stamp
            and (known["entry"] is None or _is_entry(known["entry"]))
        ):
            known = {"stamp": stamp, "entry": _read_entry(path)}
            index[key] = known
            changed = True
        entry = known.get("entry")
        if isinstance(entry, dict):
            entries.append(ScenarioEntry(path=path, **entry))
    if changed:
        with contextlib.suppress(OSError):  # only a cache: the menu is slower next time
            write_json_atomically(index_path, index)
    return entries


def _read_entry(path: Path) -> dict[str, object] | None:
    """A menu entry from what a file says, taking only text where text belongs (``str``
    of a number past 4,300 digits raises; the full checks report such a file)."""
    data = _shallow_read(path)
    if data is None or data.get("kind", "scenario") != "scenario":
        return None
    scenario_id = data.get("id")
    if not isinstance(scenario_id, str):
        return None
    minutes = data.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 < minutes <= MAX_MINUTES:
        minutes = 10
    return {
        "id": scenario_id,
        "title": _text(data.get("title"), scenario_id),
        "minutes": minutes,
        "language": _text(data.get("language"), "en"),
        "summary": _text(data.get("summary"), ""),
    }


def _is_entry(entry: object) -> bool:
    """Whether a remembered entry has exactly the fields ``_read_entry`` gives, each of its
    type (a whole number of minutes, not a truth value)."""
    return (
        isinstance(entry, dict)
        and entry.keys() == _ENTRY_TYPES.keys()
        and all(type(entry[name]) is kind for name, kind in _ENTRY_TYPES.items())
        and 0 < entry["minutes"] <= MAX_MINUTES
    )


def _text(value: object, default: str) -> str:
    return value if isinstance(value, str) else default


def translation_files(scenario_path: Path) -> list[Path]:
    """Translation files that sit beside a scenario: NAME.LANG.yaml."""
    stem = scenario_path.name.rsplit(".", 1)[0]
    return sorted(
        p
        for p in scenario_path.parent.glob(f"{stem}.*.yaml")
        if p.name.count(".") == 2 and not p.name.endswith(".test.yaml")
    )


def translated_heading(scenario_path: Path, language: str) -> tuple[str | None, str | None]:
    """A scenario's title and summary in a translation beside it, for its menu card
    (read shallowly, like the card itself; the full checks happen on load)."""
    stem = scenario_path.name.rsplit(".", 1)[0]
    data = _shallow_read(scenario_path.parent / f"{stem}.{language}.yaml")
    strings = data.get("strings") if data is not None else None
    if not isinstance(strings, dict):
        return None, None
    title, summary = strings.get("title"), strings.get("summary")
    return (
        title if isinstance(title, str) else None,
        summary if isinstance(summary, str) else None,
    )


def available_languages(scenario_path: Path) -> list[str]:
    return [path.name.split(".")[-2] for path in translation_files(scenario_path)]


def resolve_scenario(name: str) -> Path | None:
    """A scenario file path from a path, a bundled scenario id, or the id of a scenario
    saved as ``ID.yaml`` in the current folder: the `run ID ...` lines that `analyze`
    and `guide` print for a trainer's own scenario then work where the file is."""
    path = Path(name)
    if path.is_file():
        return path
    for entry in scenario_entries():
        if entry.id == name:
            return entry.path
    for suffix in (".yaml", ".yml"):
        beside = Path(name + suffix)
        if "/" not in name and "\\" not in name and beside.is_file():
            return beside
    return None


def unknown_scenario(name: str, folders: bool = False) -> str:
    """The message for a name ``resolve_scenario`` (or, with ``folders``, a folder) does
    not find: what each kind of name would have been."""
    folder = ", folder" if folders else ""
    return (
        f"no scenario file{folder} or bundled scenario called '{name}': give a scenario "
        f"file's path, a bundled scenario's id (see 'python -m simulator list'), or the id "
        f"of a scenario saved as {name}.yaml in this folder"
    )
