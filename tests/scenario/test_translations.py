"""Translations: separate files keyed by stable ids, checked against the scenario: texts
not translated yet (one warning; they play in the source language), stale keys and texts
that fill in other names than their source (errors)."""

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


def test_missing_key_is_one_warning_with_the_source_text(tmp_path: Path) -> None:
    strings = {k: v for k, v in HUNGARIAN.items() if k != "choices.sorry.feedback"}
    result = load_any(write(tmp_path, strings))
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "W402" and not diagnostic.is_error and result.ok
    assert "1 of 15 texts" in diagnostic.message
    assert "'choices.sorry.feedback' (\"Good start.\")" in diagnostic.message
    assert diagnostic.line == 5  # strings:


def test_many_missing_keys_are_counted_and_the_first_few_named(tmp_path: Path) -> None:
    kept = ("title", "lines.a.hello")
    (diagnostic,) = load_any(write(tmp_path, {k: HUNGARIAN[k] for k in kept})).diagnostics
    assert diagnostic.code == "W402"
    assert diagnostic.message.startswith("13 of 15 texts are not translated yet")
    named = ("characters.eva.name", "moods.angry", "moods.neutral")  # the source's order
    assert all(f"'{key}'" in diagnostic.message for key in named)
    assert "'meters.cost.label'" not in diagnostic.message
    assert " and 10 more;" in diagnostic.message


def test_an_empty_text_is_not_translated_yet(tmp_path: Path) -> None:
    (diagnostic,) = load_any(write(tmp_path, {**HUNGARIAN, "endings.end.text": " "})).diagnostics
    assert (
        diagnostic.code == "W402" and "'endings.end.text' (\"She leaves.\")" in diagnostic.message
    )
    played = load_translated(tmp_path / "shop.yaml", "hu").scenario
    assert played is not None
    assert played.model.nodes["end"].ending is not None
    assert played.model.nodes["end"].ending.text == "She leaves."


def test_a_long_source_text_is_cut_where_it_can_still_be_recognised(tmp_path: Path) -> None:
    long_line = "Where is my order? " * 10
    path = write(tmp_path, {k: v for k, v in HUNGARIAN.items() if k != "lines.a.hello"})
    source = tmp_path / "shop.yaml"
    source.write_text(source.read_text().replace("Where is my order?", long_line.strip()))
    (diagnostic,) = load_any(path).diagnostics
    shown = diagnostic.message.split("'lines.a.hello' (\"", 1)[1].split('")', 1)[0]
    assert len(shown) == 80 and shown.endswith("…")
    assert long_line.startswith(shown[:-1])


def test_a_partial_translation_plays_with_the_source_text_where_it_has_none(
    tmp_path: Path,
) -> None:
    strings = {k: v for k, v in HUNGARIAN.items() if k not in ("choices.sorry.text", "moods.angry")}
    write(tmp_path, strings)
    result = load_translated(tmp_path / "shop.yaml", "hu")
    assert result.scenario is not None and [d.code for d in result.diagnostics] == ["W402"]
    session = Session.start(result.scenario)
    assert session.lines[0].text.startswith("Hol van a rendelésem?")
    assert session.choices[0].text == "I'm sorry."
    assert result.scenario.mood_labels["angry"] == "angry"
    assert result.scenario.mood_labels["neutral"] == "nyugodt"


def test_stale_key_is_reported_where_it_stands(tmp_path: Path) -> None:
    strings = {**HUNGARIAN, "lines.a.goodbye": "Viszlát"}
    (diagnostic,) = load_any(write(tmp_path, strings)).diagnostics
    assert diagnostic.code == "E403"
    assert diagnostic.line == 6 + len(HUNGARIAN)


def test_a_name_in_braces_the_source_does_not_fill_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, {**HUNGARIAN, "endings.end.text": "Elmegy {time} órakor."})
    result = load_any(path)
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "E404" and not result.ok
    assert "{time} is not in the source" in diagnostic.message
    column = len('  endings.end.text: "Elmegy ') + 1  # at the brace
    assert (diagnostic.line, diagnostic.column) == (5 + len(HUNGARIAN), column)
    assert load_translated(tmp_path / "shop.yaml", "hu").scenario is None


def test_a_name_in_braces_the_translation_leaves_out_is_an_error(tmp_path: Path) -> None:
    source = tmp_path / "shop.yaml"
    path = write(tmp_path, HUNGARIAN)
    source.write_text(
        source.read_text()
        .replace("start: a\n", "start: a\nvariables:\n  waited: {type: int, default: 20}\n")
        .replace("text: Where is my order?", "text: 'Where is my order? {waited} minutes!'")
    )
    (diagnostic,) = load_any(path).diagnostics
    assert diagnostic.code == "E404" and "{waited} is missing" in diagnostic.message
    fixed = path.read_text(encoding="utf-8").replace("túlzás.", "túlzás. {waited} perc!")
    path.write_text(fixed, encoding="utf-8")
    assert not load_any(path).diagnostics


def test_braces_written_as_braces_are_not_names(tmp_path: Path) -> None:
    path = write(tmp_path, {**HUNGARIAN, "endings.end.text": "Elmegy {{time}}."})
    assert not load_any(path).diagnostics


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
