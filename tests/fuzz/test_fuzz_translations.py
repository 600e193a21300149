"""Translations with hostile strings and keys (control characters, names in braces that
the scenario does not have, enormous words, numbers, lists and nulls where text goes,
keys of every shape) and hostile headers: coded diagnostics at file:line:col; a
translation that passes its checks plays like the original, with every number finite."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from simulator.file_checks import load_any
from simulator.library import available_languages, translated_heading
from simulator.scenario.i18n import translatable_texts
from simulator.scenario.loader import load_scenario
from simulator.scenario.translations import load_translated
from tests.conftest import REPO
from tests.fuzz.budget import budget
from tests.fuzz.hostile import (
    DEEP,
    HOSTILE_KEYS,
    HOSTILE_NUMBERS,
    Raw,
    assert_explained,
    hostile_texts,
    play_randomly,
    write_yaml,
)

EXAMPLES = REPO / "docs" / "examples"
TOUR = load_scenario(EXAMPLES / "format-tour.yaml").scenario
assert TOUR is not None
KEYS = sorted(translatable_texts(TOUR.model, dict(TOUR.characters)))
TRANSLATION_TEXTS = st.one_of(
    st.sampled_from(["Fordítás", "{patience} türelem, {time}", "{{kapcsos}}", "x" * 3999]),
    hostile_texts,
    st.sampled_from([*HOSTILE_NUMBERS, DEEP, None, True, [], {}, ["a", "b"], {"text": "a"}]),
)
LANGUAGES = st.sampled_from(["hu", "hu", "hu", "HU", "en", "", "h\x00u", "../hu", "hu-HU", 7])
TARGETS = st.sampled_from(
    [
        "format-tour.yaml",
        "format-tour.yaml",
        "format-tour.yaml",
        "../format-tour.yaml",
        "/dev/zero",
        "characters",
        "characters/front-desk.yaml",
        "missing.yaml",
        "format-tour.hu.yaml",
        "x" * 5000,
        "format-tour.yaml\x00",
        Raw("[a]"),
    ]
)


@st.composite
def translations(draw: st.DrawFn) -> dict[Any, Any]:
    strings: dict[Any, Any] = {}
    # Most keys translated plainly, so that some translations pass and are played.
    trouble = draw(st.sampled_from([0.0, 0.0, 0.05, 0.3]))
    for key in KEYS:
        kind = (
            "good"
            if draw(st.floats(0, 1)) >= trouble
            else draw(st.sampled_from(["hostile", "missing"]))
        )
        if kind == "good":
            strings[key] = f"[hu] {key}"
        elif kind == "hostile":
            strings[key] = draw(TRANSLATION_TEXTS)
    for _ in range(draw(st.integers(min_value=0, max_value=3)) if trouble else 0):
        key = draw(st.sampled_from(HOSTILE_KEYS) | hostile_texts | st.sampled_from(KEYS))
        strings[key] = draw(TRANSLATION_TEXTS)
    header: dict[Any, Any] = {
        "format": 1,
        "kind": "translation",
        "translates": draw(TARGETS) if trouble else "format-tour.yaml",
        "language": draw(LANGUAGES) if trouble else "hu",
        "strings": strings,
    }
    if trouble and draw(st.integers(min_value=0, max_value=5)) == 0:
        header[draw(st.sampled_from(["notes", "strings", "extra"]))] = draw(TRANSLATION_TEXTS)
    return header


@budget(300)
@given(translations())
def test_hostile_translations_get_coded_diagnostics_or_play(
    tmp_path_factory: pytest.TempPathFactory, translation: dict[Any, Any]
) -> None:
    folder: Path = tmp_path_factory.mktemp("translation")
    shutil.copy(EXAMPLES / "format-tour.yaml", folder)
    shutil.copytree(EXAMPLES / "characters", folder / "characters")
    path = folder / "format-tour.hu.yaml"
    path.write_text(write_yaml(translation), encoding="utf-8")
    assert_explained(load_any(path).diagnostics)
    for language in available_languages(folder / "format-tour.yaml"):
        translated_heading(folder / "format-tour.yaml", language)  # the menu card
    result = load_translated(folder / "format-tour.yaml", "hu")
    assert_explained(result.diagnostics)
    assert (result.scenario is not None) == result.ok
    event("translated: played" if result.scenario is not None else "refused")
    if result.scenario is not None:
        for seed in range(3):
            play_randomly(result.scenario, seed)
