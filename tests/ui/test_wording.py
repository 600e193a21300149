"""The interface's own words: complete in every language, all used, and on screen."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from simulator.library import bundled_scenarios_dir
from simulator.records.store import StoreProblem
from simulator.ui.app import App
from simulator.ui.scenes.debrief import DebriefScene
from simulator.ui.scenes.menu import MenuScene, open_scenario
from simulator.wording import BASE, catalogue, languages, wording
from tests.conftest import REPO
from tests.ui.keyboard import keyboard_player

BLANKS = re.compile(r"{(\w+)}")
SOURCES = "\n".join(
    path.read_text(encoding="utf-8") for path in sorted((REPO / "simulator").rglob("*.py"))
)


def test_hungarian_is_shipped() -> None:
    assert {"en", "hu"} <= set(languages())


@pytest.mark.parametrize("language", [code for code in languages() if code != BASE])
def test_every_language_has_every_word_with_the_same_blanks(language: str) -> None:
    english, translated = catalogue(BASE), catalogue(language)
    assert set(translated) == set(english)
    for key, text in english.items():
        assert set(BLANKS.findall(translated[key])) == set(BLANKS.findall(text)), key


def test_every_word_is_used_and_every_word_used_exists() -> None:
    english = catalogue(BASE)
    for key in english:
        family = key.rsplit(".", 1)[0]  # keys made from a value: f"debrief.kind.{kind}"
        assert f'"{key}"' in SOURCES or f'"{family}.{{' in SOURCES, f"{key} is never used"
    used = set(re.findall(r'words\(\s*"([a-z_.-]+)"', SOURCES))
    assert used, "the pattern finds the words the code asks for"
    assert used <= set(english), used - set(english)


def test_a_language_without_a_file_falls_back_to_english() -> None:
    assert wording("xx").language == "en"
    assert wording("xx")("pause.title") == "Paused"
    assert wording("hu")("menu.minutes", minutes=12) == "kb. 12 perc"


def drawn_texts(app: App) -> set[str]:
    """Every text the fonts have rendered or wrapped so far (each once, then cached)."""
    return {key[0] for key in [*app.fonts._surfaces, *app.fonts._wrapped]}


@pytest.mark.parametrize("language", languages())
def test_why_a_play_is_not_recorded_is_said_in_the_trainees_language(language: str) -> None:
    """Every reason a store can give has its words in every language, and none of them
    is left in English (the store's own message, with its file, is the trainer's)."""
    words = wording(language)
    for kind in get_args(StoreProblem):
        reason = words(f"store.{kind}")  # a KeyError if this language lacks it
        assert reason in words("play.not_recorded", problem=reason)
        if language != BASE:
            assert words(f"store.{kind}") != wording(BASE)(f"store.{kind}"), kind


def test_a_hungarian_play_is_framed_in_hungarian(app: App) -> None:
    """The trainee picks Magyar on the card: the words around the scenario follow."""
    hungarian, english = wording("hu"), wording("en")
    app.push(MenuScene(app))
    open_scenario(
        app, bundled_scenarios_dir() / "late-client.yaml", "hu", "Teszt Elek", seed=1, resume=False
    )
    app.run(events=keyboard_player(app, lambda session: 1), max_frames=3000)
    debrief = app.scene
    assert isinstance(debrief, DebriefScene)
    app.draw(app.screen)
    for position in range(0, debrief.content_height, 200):  # read it all, as a trainee would
        debrief.scroll = position
        app.draw(app.screen)
    texts = drawn_texts(app)
    for key in ("play.keys", "debrief.your_decisions", "debrief.again", "chart.balance"):
        assert hungarian(key) in texts, key
        assert english(key) not in texts, key
    assert any(text.startswith("Elégedettség ") for text in texts)  # the score explained


def test_the_menu_follows_the_language_setting(app: App) -> None:
    app.settings.language = "hu"
    app.push(MenuScene(app))
    app.draw(app.screen)
    texts = drawn_texts(app)
    assert wording("hu")("menu.tagline") in texts and wording("hu")("menu.quit") in texts
    # The card of the scenario with a Hungarian translation shows its Hungarian title.
    assert any(text.endswith("Az ügyfél, aki zárás után jön") for text in texts)


def test_amounts_are_written_as_each_language_writes_them() -> None:
    """Never in exponent form (1.28e+06 forints), grouped by thousands, the decimal mark
    of the language, at most two decimals, and no minus on a zero."""
    english, hungarian = wording("en"), wording("hu")
    assert english.amount(1_280_000) == "1,280,000"
    assert hungarian.amount(1_280_000) == "1\u00a0280\u00a0000"
    assert english.amount(2.5) == "2.5" and hungarian.amount(2.5) == "2,5"
    assert english.amount(-3, signed=True) == "-3" and english.amount(4, signed=True) == "+4"
    assert english.amount(-0.001, signed=True) == "+0"
    assert english.amount(1 / 3) == "0.33"


def test_numbers_with_fixed_decimals_are_grouped_and_marked_like_amounts() -> None:
    english, hungarian = wording("en"), wording("hu")
    assert english.number(10520.0) == "10,520" and hungarian.number(10520.0) == "10\u00a0520"
    assert english.number(12.0, ".1f") == "12.0" and hungarian.number(12.0, ".1f") == "12,0"
    assert hungarian.number(1234.56, ".0f") == "1\u00a0235"
