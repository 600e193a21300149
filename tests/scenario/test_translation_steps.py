"""Translating a scenario in steps: a translation with texts missing plays (the source
text shows in their place, one warning counts them), the `translate` command writes and
updates the file with every missing key and its source text, and `ids` writes line ids
in the documented NODE.lN form without losing a translation keyed before."""

from __future__ import annotations

import argparse
import difflib
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from simulator.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main
from simulator.engine.session import Session
from simulator.file_checks import load_any
from simulator.scenario.i18n import translatable_texts
from simulator.scenario.ids import (
    add_missing_ids,
    line_renames,
    rekey_translations_beside,
    rekeyed_translation,
)
from simulator.scenario.loader import load_document, load_scenario
from simulator.scenario.model import Scenario
from simulator.scenario.translations import load_translated
from simulator.scenario.yamlfile import read_file
from simulator.translate_command import EXIT_INVALID as TRANSLATE_INVALID
from simulator.translate_command import EXIT_OK as TRANSLATE_OK
from simulator.translate_command import EXIT_USAGE as TRANSLATE_USAGE
from simulator.translate_command import command_translate, with_missing_keys
from tests.conftest import REPO

SCENARIOS = REPO / "scenarios"
REPO_TOUR = REPO / "docs" / "examples" / "format-tour.yaml"
BUNDLED_TRANSLATIONS = sorted(
    path for language in ("hu", "et", "lt", "af") for path in SCENARIOS.glob(f"*.{language}.yaml")
)
BEST_WEEK = (  # late-client.test.yaml's best path
    "wait-visibly,kadri-go,wed-latest-seven,thursday-early,fri-same-deal,kadri-home-fri,"
    "thanks-for-calling,book-next-year"
)


def translate(scenario: Path, language: str = "hu", output: Path | None = None) -> int:
    return command_translate(
        argparse.Namespace(
            scenario=str(scenario), lang=language, output=str(output) if output else None
        )
    )


def copy_late_client(folder: Path) -> Path:
    shutil.copy(SCENARIOS / "late-client.yaml", folder)
    return folder / "late-client.yaml"


def bundled_hungarian() -> dict[str, str]:
    return yaml.safe_load((SCENARIOS / "late-client.hu.yaml").read_text(encoding="utf-8"))[
        "strings"
    ]


def without_every_other_entry(text: str) -> tuple[str, list[str]]:
    """A translation file's text with every other entry of `strings` cut out as written
    (its comments and the others' layout stay), and the keys cut."""
    strings = next(v for k, v in yaml.compose(text).value if k.value == "strings")
    lines = text.splitlines(keepends=True)
    cut: list[str] = []
    for number, (key, value) in enumerate(strings.value):
        if number % 2:
            last = value.end_mark.line - (value.end_mark.column == 0)
            for line in range(key.start_mark.line, last + 1):
                lines[line] = ""
            cut.append(key.value)
    return "".join(lines), cut


def filled(text: str, strings: dict[str, str]) -> str:
    """Each empty key of a stub with its text from ``strings``."""

    def fill(match: re.Match[str]) -> str:
        return f"{match[1]}{match[2]}: {json.dumps(strings[match[2]], ensure_ascii=False)}"

    return re.sub(r'^( +)([A-Za-z0-9_.-]+): ""$', fill, text, flags=re.M)


def codes(path: Path) -> list[str]:
    return [d.code for d in load_any(path).diagnostics]


# ---------------------------------------------------------------- a partial translation


@pytest.fixture()
def half_hungarian(tmp_path: Path) -> tuple[Path, list[str]]:
    scenario = copy_late_client(tmp_path)
    text, cut = without_every_other_entry(
        (SCENARIOS / "late-client.hu.yaml").read_text(encoding="utf-8")
    )
    (tmp_path / "late-client.hu.yaml").write_text(text, encoding="utf-8")
    return scenario, cut


def test_half_a_translation_plays_to_an_ending_with_one_warning(
    half_hungarian: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, cut = half_hungarian
    arguments = ["run", str(scenario), "--lang", "hu", "--choices", BEST_WEEK, "--seed", "1"]
    code = main([*arguments, "--json", "--results", str(tmp_path / "results.sqlite3")])
    out, err = capsys.readouterr()
    assert code == EXIT_OK, err
    played = json.loads(out)
    assert (played["status"], played["ending"], played["grade"]) == (
        "ended",
        "end-balanced",
        "Kiváló",
    )
    (warning,) = [line for line in err.splitlines() if "W402" in line]
    assert "late-client.hu.yaml" in warning and "warning W402" in warning
    assert f"{len(cut)} of " in warning
    assert "error" not in err


def test_half_a_translation_shows_the_source_text_for_each_missing_key(
    half_hungarian: tuple[Path, list[str]],
) -> None:
    scenario, cut = half_hungarian
    result = load_translated(scenario, "hu")
    assert result.scenario is not None and [d.code for d in result.diagnostics] == ["W402"]
    english = load_scenario(scenario).scenario
    assert english is not None
    texts = translatable_texts(english.model, dict(english.characters))
    hungarian = bundled_hungarian()
    translated = translatable_texts(result.scenario.model, dict(result.scenario.characters))
    missing = [key for key in cut if key in texts and not key.startswith("moods.")]
    kept = [key for key in texts if key not in cut and not key.startswith("moods.")]
    assert missing and kept
    for key in missing:
        assert translated[key][0] == texts[key][0], key
    for key in kept:
        assert translated[key][0] == hungarian[key], key
    session = Session.start(result.scenario, seed=1)
    assert session.lines or session.choices


# ---------------------------------------------------------------- the translate command


def test_the_stub_round_trips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = copy_late_client(tmp_path)
    english = load_scenario(scenario).scenario
    assert english is not None
    texts = translatable_texts(english.model, dict(english.characters))
    assert translate(scenario) == TRANSLATE_OK
    stub = tmp_path / "late-client.hu.yaml"
    assert f"added {len(texts)} keys; 0 of {len(texts)} texts translated" in capsys.readouterr().out
    (warning,) = load_any(stub).diagnostics
    assert warning.code == "W402" and warning.message.startswith(f"{len(texts)} of {len(texts)}")
    written = yaml.safe_load(stub.read_text(encoding="utf-8"))
    assert list(written["strings"]) == list(texts)  # every key, in the scenario's order
    assert set(written["strings"].values()) == {""}
    assert load_translated(scenario, "hu").scenario is not None  # plays, all in English

    stub.write_text(filled(stub.read_text(encoding="utf-8"), bundled_hungarian()), "utf-8")
    assert codes(stub) == []
    assert translate(scenario) == TRANSLATE_OK
    done = f"added 0 keys; {len(texts)} of {len(texts)} texts translated, 0 to go"
    assert done in capsys.readouterr().out


def test_each_key_has_its_source_text_above_it(tmp_path: Path) -> None:
    scenario = copy_late_client(tmp_path)
    assert translate(scenario) == TRANSLATE_OK
    lines = (tmp_path / "late-client.hu.yaml").read_text(encoding="utf-8").splitlines()
    title = lines.index('  title: ""')
    assert lines[title - 1] == "  # The client who comes after closing"
    summary = lines.index('  summary: ""')
    above = " ".join(line.removeprefix("  # ") for line in lines[title + 1 : summary])
    assert above.startswith("A roofer needs his annual report done this week")
    assert all(len(line) <= 88 for line in lines)


def test_an_update_only_adds_the_missing_keys(
    half_hungarian: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, cut = half_hungarian
    path = scenario.with_name("late-client.hu.yaml")
    before = path.read_text(encoding="utf-8")
    assert translate(scenario) == TRANSLATE_OK
    after = path.read_text(encoding="utf-8")
    steps = difflib.SequenceMatcher(
        None, before.splitlines(), after.splitlines(), autojunk=False
    ).get_opcodes()
    assert {step[0] for step in steps} == {"equal", "insert"}  # nothing changed or removed
    assert f"added {len(cut)} keys" in capsys.readouterr().out
    written = yaml.safe_load(after)["strings"]
    present = set(yaml.safe_load(before)["strings"])
    english = load_scenario(scenario).scenario
    assert english is not None
    order = list(translatable_texts(english.model, dict(english.characters)))
    placed = list(written)
    for key in cut:  # after the nearest text before it in the scenario that the file has
        kept_before = [k for k in order[: order.index(key)] if k in present]
        group = placed[: placed.index(key)]
        while group and group[-1] in cut:
            group.pop()
        assert (group[-1] if group else None) == (kept_before[-1] if kept_before else None), key
    assert all(written[key] == "" for key in cut)
    assert [d.code for d in load_any(path).diagnostics] == ["W402"]
    path.write_text(filled(after, bundled_hungarian()), encoding="utf-8")
    assert codes(path) == []


def test_an_update_keeps_windows_line_ends(tmp_path: Path) -> None:
    scenario = copy_late_client(tmp_path)
    text, _ = without_every_other_entry(
        (SCENARIOS / "late-client.hu.yaml").read_text(encoding="utf-8")
    )
    path = tmp_path / "late-client.hu.yaml"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert translate(scenario) == TRANSLATE_OK
    written = path.read_bytes()
    assert b"\r\n" in written and b"\n" not in written.replace(b"\r\n", b"")


def test_strings_written_as_empty_braces_take_the_keys() -> None:
    text = "format: 1\nkind: translation\ntranslates: a.yaml\nlanguage: hu\nstrings: {}\n"
    updated, added = with_missing_keys(text, {"title": "The shop", "summary": "Two\nlines"})
    assert added == 2
    assert updated.endswith(
        'strings:\n  # The shop\n  title: ""\n  # Two\n  # lines\n  summary: ""\n'
    )


def test_strings_in_braces_with_keys_are_left_alone() -> None:
    text = "strings: {title: A bolt}\n"
    with pytest.raises(ValueError, match="one per line"):
        with_missing_keys(text, {"title": "The shop", "summary": "Sum"})


def test_a_source_text_cannot_break_out_of_its_comment() -> None:
    text = "format: 1\nstrings:\n  title: x\n"
    updated, _ = with_missing_keys(
        text, {"title": "T", "summary": "one\u2028kind: scenario\x85two \u202egnol"}
    )
    assert yaml.safe_load(updated) == {"format": 1, "strings": {"title": "x", "summary": ""}}
    assert "\\u202e" in updated and "\u202e" not in updated


def test_a_key_before_every_translated_one_goes_first(tmp_path: Path) -> None:
    text = "strings:\n  # lessons\n  summary: Összefoglaló\n"
    updated, added = with_missing_keys(text, {"title": "Title", "summary": "Summary"})
    assert added == 1
    assert updated == 'strings:\n  # lessons\n  # Title\n  title: ""\n  summary: Összefoglaló\n'


def test_a_file_without_a_final_line_end_gets_the_keys_on_their_own_lines() -> None:
    text = "strings:\n  title: >-\n    A bolt"
    updated, _ = with_missing_keys(text, {"title": "T", "summary": "S"})
    assert updated == 'strings:\n  title: >-\n    A bolt\n  # S\n  summary: ""'
    assert yaml.safe_load(updated)["strings"] == {"title": "A bolt", "summary": ""}


def test_another_output_file_points_back_at_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    scenario = copy_late_client(tmp_path / "src")
    output = tmp_path / "draft.hu.yaml"
    assert translate(scenario, output=output) == TRANSLATE_OK
    assert yaml.safe_load(output.read_text(encoding="utf-8"))["translates"] == (
        "src/late-client.yaml"
    )
    assert codes(output) == ["W402"]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no such scenario", "no scenario file or bundled scenario"),
        ("language code", "--lang takes a language code"),
        ("a code and a line break", "not 'hu\\n'"),
        ("its own language", "is written in 'en' already"),
        ("outside", "a translation sits in the scenario's folder"),
        ("other language", "is a 'et' translation, not 'hu'"),
        ("other scenario", "translates 'surprise-fee.yaml'"),
        ("no folder", "no such folder"),
    ],
)
def test_usage_errors_exit_2_and_say_why(
    case: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in").mkdir()
    scenario = copy_late_client(tmp_path / "in")
    hungarian = tmp_path / "in" / "late-client.hu.yaml"
    shutil.copy(SCENARIOS / "surprise-fee.yaml", tmp_path / "in")
    arguments = {"scenario": scenario, "language": "hu", "output": None}
    if case == "no such scenario":
        arguments["scenario"] = tmp_path / "nope.yaml"
    elif case == "language code":
        arguments["language"] = "Hungarian"
    elif case == "a code and a line break":
        arguments["language"] = "hu\n"
    elif case == "its own language":
        arguments["language"] = "en"
    elif case == "outside":
        (tmp_path / "in" / "sub").mkdir()
        arguments["output"] = tmp_path / "in" / "sub" / "late-client.hu.yaml"
    elif case == "other language":
        shutil.copy(SCENARIOS / "late-client.et.yaml", hungarian)
    elif case == "other scenario":
        hungarian.write_text(
            "format: 1\nkind: translation\ntranslates: surprise-fee.yaml\nlanguage: hu\n"
            "strings: {}\n",
            encoding="utf-8",
        )
    elif case == "no folder":
        arguments["output"] = tmp_path / "missing" / "x.hu.yaml"
    before = hungarian.read_text(encoding="utf-8") if hungarian.exists() else None
    assert translate(**arguments) == TRANSLATE_USAGE  # type: ignore[arg-type]
    assert message in capsys.readouterr().err
    assert (hungarian.read_text(encoding="utf-8") if hungarian.exists() else None) == before


def test_a_scenario_with_errors_is_not_translated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = copy_late_client(tmp_path)
    text = re.sub("^start: ", "start: x", scenario.read_text(encoding="utf-8"), count=1, flags=re.M)
    scenario.write_text(text, encoding="utf-8")
    assert translate(scenario) == TRANSLATE_INVALID
    assert "E201" in capsys.readouterr().err
    assert not (tmp_path / "late-client.hu.yaml").exists()


def test_a_file_that_is_not_a_translation_is_not_touched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = copy_late_client(tmp_path)
    other = tmp_path / "late-client.hu.yaml"
    other.write_text("format: 1\nkind: tests\n", encoding="utf-8")
    assert translate(scenario) == TRANSLATE_INVALID
    assert other.read_text(encoding="utf-8") == "format: 1\nkind: tests\n"
    assert capsys.readouterr().err


def test_errors_left_in_the_file_are_shown_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = copy_late_client(tmp_path)
    path = tmp_path / "late-client.hu.yaml"
    path.write_text(
        "format: 1\nkind: translation\ntranslates: late-client.yaml\nlanguage: hu\n"
        "strings:\n  lines.gone.l1: Régi\n",
        encoding="utf-8",
    )
    assert translate(scenario) == TRANSLATE_INVALID
    assert "E403" in capsys.readouterr().out
    assert "lines.gone.l1: Régi" in path.read_text(encoding="utf-8")


def test_the_exit_codes_are_the_command_lines() -> None:
    assert (TRANSLATE_OK, TRANSLATE_INVALID, TRANSLATE_USAGE) == (
        EXIT_OK,
        EXIT_INVALID,
        EXIT_USAGE,
    )


# ---------------------------------------------------------------- bundled translations


@pytest.mark.parametrize("path", BUNDLED_TRANSLATIONS, ids=[p.name for p in BUNDLED_TRANSLATIONS])
def test_bundled_translations_validate_clean(path: Path) -> None:
    assert [d.format() for d in load_any(path).diagnostics] == []


# ---------------------------------------------------------------- ids


UNNAMED = """\
format: 1
id: shop
title: The shop
start: a
nodes:
  a:
    lines:
      - {speaker: null, text: The shop opens.}
      - id: a.l1
        text: Already named.
      - text: A third line.
    choices:
      - {text: Hello, next: end}
  end:
    ending: {title: End}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""


def written_ids(tmp_path: Path, scenario: str) -> tuple[str, Scenario]:
    path = tmp_path / "shop.yaml"
    path.write_text(scenario, encoding="utf-8")
    document, _, model, _ = load_document(path)
    assert document is not None and isinstance(model, Scenario)
    text, _ = add_missing_ids(document, model)
    return text, model


def test_ids_writes_line_ids_as_the_docs_show_and_keeps_the_rest(tmp_path: Path) -> None:
    text, _ = written_ids(tmp_path, UNNAMED)
    assert "- {id: a.l1-2, speaker: null, text: The shop opens.}" in text  # a.l1 is taken
    assert "      - id: a.l1\n        text: Already named." in text
    assert "      - id: a.l3\n        text: A third line." in text
    assert "- {id: a.choice1, text: Hello, next: end}" in text


def test_a_translation_keyed_before_the_ids_were_written_moves_with_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(UNNAMED, encoding="utf-8")
    assert translate(path) == TRANSLATE_OK
    stub = tmp_path / "shop.hu.yaml"
    keys = list(yaml.safe_load(stub.read_text(encoding="utf-8"))["strings"])
    assert {"lines.a.line1", "lines.a.line3", "choices.a.choice1.text"} <= set(keys)
    # (a meter's label short enough for the top bar: W509 would count it)
    strings = {key: "[hu]" if key.startswith("meters.") else f"[hu] {key}" for key in keys}
    stub.write_text(filled(stub.read_text(encoding="utf-8"), strings), encoding="utf-8")
    assert codes(stub) == []

    text, model = written_ids(tmp_path, UNNAMED)
    path.write_text(text, encoding="utf-8")
    renames = line_renames(model)
    assert renames == {"lines.a.line1": "lines.a.l1-2", "lines.a.line3": "lines.a.l3"}
    assert sorted(codes(stub)) == ["E403", "E403", "W402"]  # until the keys move
    assert rekey_translations_beside(path, renames) == [(stub, 2)]
    assert codes(stub) == []
    played = load_translated(path, "hu").scenario
    assert played is not None
    assert Session.start(played).lines[0].text == "[hu] lines.a.line1"


def test_a_key_is_moved_only_where_its_new_name_is_free(tmp_path: Path) -> None:
    path = tmp_path / "shop.hu.yaml"
    path.write_text(
        'strings:\n  "lines.a.line1": Egy # first\n  lines.a.line2: Kettő\n  lines.b.l1: Már\n',
        encoding="utf-8",
    )
    document, _ = read_file(path)
    assert document is not None
    renames = {"lines.a.line1": "lines.a.l1", "lines.a.line2": "lines.b.l1"}
    text, count = rekeyed_translation(document, renames)
    assert count == 1
    assert (
        text == "strings:\n  lines.a.l1: Egy # first\n  lines.a.line2: Kettő\n  lines.b.l1: Már\n"
    )


def test_a_translated_meter_label_too_long_for_the_top_bar_is_warned_about(
    tmp_path: Path,
) -> None:
    """A translation is often longer than its source: the game's top bar would cut it."""
    shutil.copy(REPO_TOUR, tmp_path / "tour.yaml")
    shutil.copytree(REPO_TOUR.parent / "characters", tmp_path / "characters")
    translation = tmp_path / "tour.de.yaml"
    translation.write_text(
        "format: 1\nkind: translation\ntranslates: tour.yaml\nlanguage: de\nstrings:\n"
        "  meters.satisfaction.label: Zufriedenheit des Kunden mit dem Geschäft\n"
        "  meters.cost.label: Was die Abhilfe das Geschäft insgesamt kostet\n",
        encoding="utf-8",
    )
    found = [d for d in load_any(translation).diagnostics if d.code == "W509"]
    # the tour's cost meter is hidden (visible: false): only satisfaction's label counts
    assert [(d.line, d.severity.value) for d in found] == [(6, "warning")]
    assert "'Zufriedenheit des Kunden mit dem Geschäft' has 41 characters" in found[0].message
