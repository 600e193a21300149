"""Onboarding playlists: which scenarios, in which order, and what counts as passed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simulator.scenario.diagnostics import Diagnostic, capped, suggest
from simulator.scenario.model import Playlist
from simulator.scenario.yamlfile import YamlDocument


@dataclass(frozen=True)
class PlaylistItem:
    path: Path
    scenario_id: str
    title: str
    pass_mark: float
    language: str | None


@dataclass
class CheckedPlaylist:
    playlist: Playlist
    path: Path
    items: list[PlaylistItem] = field(default_factory=list)


def resolve_entry(playlist_path: Path, name: str) -> Path | None:
    """A scenario named by a playlist: a file beside the playlist, or a bundled id."""
    from simulator.library import resolve_scenario
    from simulator.scenario.loader import resolve_inside

    candidate = resolve_inside(playlist_path.parent, name)
    if isinstance(candidate, Path) and candidate.exists() and not candidate.is_dir():
        return candidate  # a pipe or device too: loading it says why it cannot be used
    if "/" in name or "\\" in name or name.endswith((".yaml", ".yml")):
        return None
    # an id: the scenario beside the playlist that is named after it (as `new` names it),
    # else a bundled one
    beside = resolve_inside(playlist_path.parent, f"{name}.yaml")
    if isinstance(beside, Path) and beside.is_file():
        return beside
    return resolve_scenario(name)


def _known_names(playlist_path: Path) -> list[str]:
    """What an entry could have meant: the scenario files beside the playlist (by name and
    by id) and the bundled ids, for did-you-mean."""
    from simulator.library import bundled_scenarios_dir

    beside = sorted(playlist_path.parent.glob("*.yaml"))[:500]
    bundled = sorted(bundled_scenarios_dir().glob("*.yaml"))
    return [path.name for path in beside] + [path.stem for path in beside + bundled]


def check_playlist(
    path: Path, playlist: Playlist, document: YamlDocument | None
) -> tuple[CheckedPlaylist, list[Diagnostic]]:
    from simulator.scenario.loader import resolve_inside
    from simulator.scenario.translations import load_translated

    checked = CheckedPlaylist(playlist, path)
    problems: list[Diagnostic] = []
    for index, entry in enumerate(playlist.scenarios):
        where = ("scenarios", index, "scenario")
        unusable = resolve_inside(path.parent, entry.scenario)
        if isinstance(unusable, str):  # a symlink loop, say
            problems.append(Diagnostic("E217", f"'{entry.scenario}' {unusable}", path=where))
            continue
        target = resolve_entry(path, entry.scenario)
        if target is None:
            problems.append(
                Diagnostic(
                    "E217",
                    f"'{entry.scenario}' is neither a scenario file in this folder (by "
                    "its file name, or by its id when the file is called ID.yaml) nor a "
                    f"bundled scenario id{suggest(entry.scenario, _known_names(path))}",
                    path=where,
                )
            )
            continue
        result = load_translated(target, entry.language)
        if result.scenario is None:
            problems.append(
                Diagnostic(
                    "E217",
                    f"'{entry.scenario}' has errors; run 'python -m simulator validate {target}'",
                    path=where,
                )
            )
            continue
        model = result.scenario.model
        mark = entry.pass_mark if entry.pass_mark is not None else model.scoring.pass_mark
        checked.items.append(PlaylistItem(target, model.id, model.title, mark, entry.language))
    problems = capped(problems)
    if document is not None:
        problems = [document.locate(p) for p in problems]
    return checked, problems


def load_playlist(path: Path) -> tuple[CheckedPlaylist | None, list[Diagnostic]]:
    from simulator.scenario.loader import load_document

    document, _, model, problems = load_document(path)
    if not isinstance(model, Playlist):
        if model is not None:
            problems = [Diagnostic("E012", "this is not a playlist (kind: playlist)", str(path))]
        return None, problems
    checked, problems = check_playlist(path, model, document)
    return (None if problems else checked), problems
