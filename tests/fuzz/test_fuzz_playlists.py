"""Onboarding playlists with hostile entries: paths that leave the folder, devices, the
playlist itself, a characters file, folders, links, unknown ids, names of 5,000
characters, pass marks of NaN or 10^400, languages that do not exist, hostile titles and
keys. Coded diagnostics at file:line:col; a playlist that passes names only regular
files that load, each with a finite pass mark between 0 and 100."""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from simulator.file_checks import load_any
from simulator.scenario.playlist import load_playlist
from simulator.scenario.translations import load_translated
from tests.conftest import REPO
from tests.fuzz.budget import budget
from tests.fuzz.hostile import (
    HOSTILE_KEYS,
    HOSTILE_NUMBERS,
    Raw,
    assert_explained,
    hostile_texts,
    hostile_values,
    write_yaml,
)

EXAMPLES = REPO / "docs" / "examples"
NAMES = st.sampled_from(
    [
        "format-tour.yaml",
        "format-tour.yaml",
        "late-client",
        "sub/../format-tour.yaml",
        "characters/front-desk.yaml",
        "characters",
        "../format-tour.yaml",
        "/etc/passwd",
        "/dev/zero",
        "link.yaml",
        "playlist.yaml",
        "nowhere",
        "no-such-bundled-id",
        "format-tour",
        "x" * 5000,
        "format-tour.yaml\x00",
        "C:\\format-tour.yaml",
        "",
    ]
)
MARKS = st.sampled_from([70, 0, 100, 99.5, None, "70", -1, 101, *HOSTILE_NUMBERS])
LANGUAGES = st.sampled_from([None, None, "en", "hu", "et", "", "x" * 80, "h\x00u", Raw("[hu]")])


GOOD = st.sampled_from(
    [
        {"scenario": "format-tour.yaml"},
        {"scenario": "sub/../format-tour.yaml", "pass_mark": 99.5},
        {"scenario": "late-client", "pass_mark": 70, "language": "hu"},
        {"scenario": "format-tour.yaml", "pass_mark": 0, "language": "en"},
    ]
)


@st.composite
def entries(draw: st.DrawFn) -> Any:
    """One entry of the list: a good one, or one with a hostile part or two."""
    if draw(st.booleans()):
        return dict(draw(GOOD))
    if draw(st.integers(min_value=0, max_value=10)) == 0:
        return draw(hostile_values)
    entry: dict[Any, Any] = {"scenario": draw(NAMES)}
    if draw(st.booleans()):
        entry["pass_mark"] = draw(MARKS)
    if draw(st.booleans()):
        entry["language"] = draw(LANGUAGES)
    if draw(st.integers(min_value=0, max_value=8)) == 0:
        entry[draw(st.sampled_from(HOSTILE_KEYS))] = draw(hostile_values)
    return entry


@st.composite
def playlists(draw: st.DrawFn) -> dict[Any, Any]:
    """A playlist, sound or with trouble in its entries or its header."""
    trouble = draw(st.sampled_from(["none", "entries", "header"]))
    count = draw(st.integers(min_value=0 if trouble != "none" else 1, max_value=4))
    listed = [draw(entries()) if trouble == "entries" else dict(draw(GOOD)) for _ in range(count)]
    playlist: dict[Any, Any] = {
        "format": 1,
        "kind": "playlist",
        "id": "morning",
        "title": "First morning",
        "scenarios": listed,
    }
    if trouble == "header":
        playlist["id"] = draw(st.sampled_from(["Morning!", "", "m" * 200, "morning"]))
        playlist["title"] = draw(hostile_texts)
        playlist["assessed"] = draw(st.sampled_from([True, False, "yes", 1, None]))
    return playlist


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scenarios a playlist may name: a good one, its characters, and traps."""
    made = tmp_path_factory.mktemp("session")
    shutil.copy(EXAMPLES / "format-tour.yaml", made)
    shutil.copytree(EXAMPLES / "characters", made / "characters")
    (made / "sub").mkdir()
    os.symlink("/dev/zero", made / "link.yaml")
    return made


@budget(250)
@given(playlists())
def test_hostile_playlists_get_coded_diagnostics(folder: Path, playlist: dict[Any, Any]) -> None:
    path = folder / "playlist.yaml"
    path.write_text(write_yaml(playlist), encoding="utf-8")
    assert_explained(load_any(path).diagnostics)
    checked, problems = load_playlist(path)
    assert_explained(problems)
    assert (checked is None) == bool(problems)
    event("accepted" if checked is not None else "refused")
    if checked is None:
        return
    assert checked.items
    for item in checked.items:
        assert item.path.is_file() and not item.path.is_symlink(), item.path
        assert math.isfinite(item.pass_mark) and 0 <= item.pass_mark <= 100, item.pass_mark
        loaded = load_translated(item.path, item.language)
        assert loaded.scenario is not None, [d.format() for d in loaded.diagnostics]
