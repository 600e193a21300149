"""Checking any file the simulator reads, whatever its kind: the one dispatcher above
each kind's own checks (scenarios and characters in the loader, translations,
playlists, playthrough tests). Nothing below imports it, so no kind's checks depend on
another's through it.
"""

from __future__ import annotations

from pathlib import Path

from simulator.gcpause import without_cyclic_gc
from simulator.scenario.loader import LoadResult, finish_scenario, load_document
from simulator.scenario.model import Playlist, PlaytestFile, Scenario, Translation
from simulator.scenario.playlist import check_playlist
from simulator.scenario.translations import check_translation
from simulator.scenario.yamlfile import MAX_FILE_BYTES


def load_any(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> LoadResult:
    """Validate a file of any kind (scenario, characters, translation, playlist or
    playthrough tests)."""
    with without_cyclic_gc():
        return _load_any(Path(path), max_bytes)


def _load_any(path: Path, max_bytes: int) -> LoadResult:
    document, kind, model, problems = load_document(path, max_bytes)
    if isinstance(model, Scenario) and document is not None:
        return finish_scenario(path, document, model)
    if isinstance(model, Translation):
        return check_translation(path, model, document)
    if isinstance(model, Playlist):
        _, problems = check_playlist(path, model, document)
    if kind == "tests":  # the engine plays tests: imported only when a file holds some
        from simulator.playtests import check_despite_shape, check_playtests

        if isinstance(model, PlaytestFile):
            _, problems = check_playtests(path, model, document)
        elif model is None and document is not None:
            problems = check_despite_shape(path, document, problems)  # a typo hides no E218
    return LoadResult(str(path), kind, diagnostics=problems)
