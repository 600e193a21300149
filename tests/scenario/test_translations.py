"""Translations: separate files keyed by stable ids, checked for missing and stale keys."""

from __future__ import annotations

from pathlib import Path

from simulator.engine.session import Session
from simulator.file_checks import load_any
from simulator.scenario.i18n import available_languages, translatable_texts
from simulator.scenario.loader import load_scenario
from simulator.scenario.translations import load_translated

SCENARIO = """\
format: 1
id: shop
title: The shop
language: en
start: a
characters:
  eva: {name: Eva, moods: [neutral, angry]}
nodes:
  a:
    lines:
      - {id: a.hello, speaker: eva, mood: angry, text: Where is my order?}
    choices:
      - {id: sorry, text: I'm sorry., feedback: Good start., next: end}
  end:
    ending: {title: Done, text: She leaves.}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""

HUNGARIAN = {
    "title": "A bolt",
    "characters.eva.name": "Éva",
    "moods.neutral": "nyugodt",
    "moods.angry": "dühös",
    "meters.satisfaction.label": "Ügyfél elégedettsége",
    "meters.cost.label": "Költség a cégnek",
    "grades.excellent": "Kiváló",
    "grades.good": "Jó",
    "grades.developing": "Fejlődő",
    "grades.needs-practice": "Gyakorlásra szorul",
    "lines.a.hello": "Hol van a rendelésem? Őszintén, ez már túlzás.",
    "choices.sorry.text": "Elnézést kérek.",
    "choices.sorry.feedback": "Jó kezdés.",
    "endings.end.title": "Vége",
    "endings.end.text": "Elmegy.",
}


def write(folder: Path, strings: dict[str, str]) -> Path:
    (folder / "shop.yaml").write_text(SCENARIO, encoding="utf-8")
    body = "\n".join(f"  {key}: {value!r}".replace("'", '"') for key, value in strings.items())
    path = folder / "shop.hu.yaml"
    path.write_text(
        f"format: 1\nkind: translation\ntranslates: shop.yaml\nlanguage: hu\nstrings:\n{body}\n",
        encoding="utf-8",
    )
    return path


def test_complete_translation_validates(tmp_path: Path) -> None:
    result = load_any(write(tmp_path, HUNGARIAN))
    assert result.ok and not result.diagnostics, [d.format() for d in result.diagnostics]


def test_missing_key_is_reported_with_the_source_text(tmp_path: Path) -> None:
    strings = {k: v for k, v in HUNGARIAN.items() if k != "choices.sorry.feedback"}
    (diagnostic,) = load_any(write(tmp_path, strings)).diagnostics
    assert diagnostic.code == "E402"
    assert "choices.sorry.feedback" in diagnostic.message and "Good start." in diagnostic.message
    assert diagnostic.line == 5


def test_stale_key_is_reported_where_it_stands(tmp_path: Path) -> None:
    strings = {**HUNGARIAN, "lines.a.goodbye": "Viszlát"}
    (diagnostic,) = load_any(write(tmp_path, strings)).diagnostics
    assert diagnostic.code == "E403"
    assert diagnostic.line == 6 + len(HUNGARIAN)


def test_playing_in_a_language_swaps_every_text(tmp_path: Path) -> None:
    write(tmp_path, HUNGARIAN)
    result = load_translated(tmp_path / "shop.yaml", "hu")
    assert result.scenario is not None
    session = Session.start(result.scenario)
    assert session.lines[0].text.startswith("Hol van a rendelésem? Őszintén")
    assert session.lines[0].speaker_name == "Éva"
    assert result.scenario.mood_labels["angry"] == "dühös"
    assert session.choices[0].text == "Elnézést kérek."
    assert result.scenario.model.language == "hu"


def test_translation_keeps_the_content_hash(tmp_path: Path) -> None:
    write(tmp_path, HUNGARIAN)
    english = load_scenario(tmp_path / "shop.yaml").scenario
    hungarian = load_translated(tmp_path / "shop.yaml", "hu").scenario
    assert english is not None and hungarian is not None
    assert english.content_hash == hungarian.content_hash


def test_missing_language_is_reported(tmp_path: Path) -> None:
    write(tmp_path, HUNGARIAN)
    result = load_translated(tmp_path / "shop.yaml", "et")
    assert [d.code for d in result.diagnostics] == ["E401"]
    assert result.scenario is None


def test_languages_are_found_beside_the_scenario(tmp_path: Path) -> None:
    write(tmp_path, HUNGARIAN)
    assert available_languages(tmp_path / "shop.yaml") == ["hu"]


def test_translation_of_missing_file_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, HUNGARIAN)
    path.write_text(path.read_text().replace("translates: shop.yaml", "translates: nope.yaml"))
    assert [d.code for d in load_any(path).diagnostics] == ["E401"]


def test_empty_texts_need_no_translation(tmp_path: Path) -> None:
    result = load_scenario(write(tmp_path, HUNGARIAN).parent / "shop.yaml")
    assert result.scenario is not None
    keys = translatable_texts(result.scenario.model)
    assert "summary" not in keys  # the scenario has no summary
