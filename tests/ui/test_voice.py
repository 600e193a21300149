"""Read aloud: the real speech engine writing what the game says to WAV files."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pygame
import pytest

from simulator.library import bundled_scenarios_dir
from simulator.ui.app import App
from simulator.ui.input import intents_for
from simulator.ui.scenes.debrief import DebriefScene
from simulator.ui.scenes.dialogue import DialogueScene
from simulator.ui.scenes.menu import MenuScene, open_scenario
from simulator.ui.scenes.settings import SettingsScene
from simulator.ui.voice import (
    LOG_NAME,
    EspeakCommand,
    Pyttsx3Speaker,
    Recording,
    SpeechProblem,
    Voice,
    plain,
    voice_language,
)
from simulator.userdata import Settings
from simulator.wording import wording
from tests.conftest import requires
from tests.ui.keyboard import key, keyboard_player, press

SENTENCES = {
    "en": "Good morning, thank you for calling. How can I help you today?",
    "hu": "Jó reggelt, köszönöm, hogy hívott. Miben segíthetek ma?",
}
LATE_CLIENT = bundled_scenarios_dir() / "late-client.yaml"


def espeak() -> EspeakCommand:
    """eSpeak NG's command (where it is missing, every use of it fails as a value)."""
    return EspeakCommand(shutil.which("espeak-ng") or "espeak-ng")


def seconds_of_speech(path: Path) -> float:
    """The WAV's length; opening it proves it is a valid WAV file."""
    with wave.open(str(path)) as sound:
        assert sound.getnchannels() == 1 and sound.getsampwidth() == 2
        return sound.getnframes() / sound.getframerate()


def recorded(folder: Path) -> list[tuple[str, str, str]]:
    """Each utterance as (WAV file, language, text), from the recording's log."""
    log = folder / LOG_NAME
    if not log.is_file():
        return []
    lines = log.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t", 2)) for line in lines]  # type: ignore[misc]


def recording_voice(folder: Path) -> Voice:
    return Voice(Recording(espeak(), folder))


# ---------------------------------------------------------------- the engines


@requires("espeak-ng")
@pytest.mark.parametrize("language", ["en", "hu"])
def test_espeak_writes_the_sentence_as_speech(language: str, tmp_path: Path) -> None:
    speaker = espeak()
    assert {"en", "hu", "et", "lt", "af"} <= speaker.languages()
    path = tmp_path / f"{language}.wav"
    assert speaker.write(SENTENCES[language], language, path) is None
    # Twelve words or so: a few seconds of speech, neither a click nor a minute.
    assert 2.0 < seconds_of_speech(path) < 12.0


@requires("espeak-ng")
def test_the_play_language_picks_the_voice(tmp_path: Path) -> None:
    """The same Hungarian sentence in the Hungarian voice and in the English one are two
    different sounds: the language really reaches the engine."""
    speaker = espeak()
    hungarian, english = tmp_path / "hu.wav", tmp_path / "en.wav"
    assert speaker.write(SENTENCES["hu"], "hu", hungarian) is None
    assert speaker.write(SENTENCES["hu"], "en", english) is None
    assert hungarian.read_bytes() != english.read_bytes()
    # A language without a voice is spoken in English, not refused.
    fallback = tmp_path / "zz.wav"
    assert speaker.write(SENTENCES["en"], "zz", fallback) is None
    assert fallback.read_bytes() == _english_of(speaker, tmp_path)


def _english_of(speaker: EspeakCommand, folder: Path) -> bytes:
    path = folder / "english.wav"
    assert speaker.write(SENTENCES["en"], "en", path) is None
    return path.read_bytes()


@requires("espeak-ng")  # pyttsx3's eSpeak driver loads libespeak-ng, installed with it
def test_pyttsx3_writes_each_sentence_as_speech(tmp_path: Path) -> None:
    """One speaker for the whole run, as the game has one voice: pyttsx3 keeps one engine
    per driver in a process, so a second speaker would share (and disturb) the first's."""
    speaker = Pyttsx3Speaker()
    for language in ("en", "hu", "en"):
        path = tmp_path / f"{language}-{len(list(tmp_path.iterdir()))}.wav"
        assert speaker.write(SENTENCES[language], language, path) is None
        assert 2.0 < seconds_of_speech(path) < 12.0, language


def test_a_voice_is_chosen_for_the_language_else_english_else_the_default() -> None:
    assert voice_language("hu", {"en", "hu"}) == "hu"
    assert voice_language("hu-HU", {"en", "hu"}) == "hu"
    assert voice_language("et", {"en", "hu"}) == "en"
    assert voice_language("et", {"hu"}) is None
    assert voice_language(None, {"en"}) == "en"


def test_what_is_spoken_is_plain_text() -> None:
    assert plain("  Hello,\n\tthere\x00  friend ") == "Hello, there friend"


def test_an_engine_that_fails_is_a_message_not_a_crash(tmp_path: Path) -> None:
    broken = EspeakCommand(str(tmp_path / "no-such-espeak"))
    problem = broken.write("Hello", "en", tmp_path / "out.wav")
    assert isinstance(problem, SpeechProblem) and problem.code == "failed"
    assert "no-such-espeak" in problem.detail
    voice = Voice(broken)
    voice.enabled = True
    voice.say(["Hello"], "en")
    assert voice.wait_until_quiet(30)
    assert voice.problem is not None and voice.problem.code == "failed"
    voice.close()


# ---------------------------------------------------------------- the setting


def test_v_switches_read_aloud_and_the_setting_is_kept(tmp_path: Path) -> None:
    app = App(Settings(trainee="Test Trainee"), voice=recording_voice(tmp_path / "spoken"))
    try:
        app.push(MenuScene(app))
        app.run(events=[press(pygame.K_v), []], max_frames=2)
        assert app.settings.read_aloud and app.voice.enabled
        assert Settings.load().read_aloud
        app.go("settings")
        scene = app.scene
        assert isinstance(scene, SettingsScene)
        assert "read_aloud" in [row.attribute for row in scene.rows]
        app.run(events=[press(pygame.K_v), []], max_frames=2)
        assert not app.settings.read_aloud and not app.voice.enabled
        assert not Settings.load().read_aloud
    finally:
        app.voice.close()
        pygame.display.quit()


def test_v_is_a_letter_while_typing() -> None:
    assert intents_for(key(pygame.K_v, "v"), typing=True) == []
    assert [intent.kind for intent in intents_for(key(pygame.K_v, "v"))] == ["read_aloud"]


@requires("espeak-ng")
def test_switching_it_on_says_so_in_the_trainees_language(tmp_path: Path) -> None:
    folder = tmp_path / "spoken"
    app = App(Settings(trainee="Teszt Elek", language="hu"), voice=recording_voice(folder))
    try:
        app.push(MenuScene(app))
        app.go("settings")
        scene = app.scene
        assert isinstance(scene, SettingsScene)
        number = 1 + [row.attribute for row in scene.rows].index("read_aloud")
        app.run(events=[press(getattr(pygame, f"K_{number}")), []], max_frames=2)
        assert app.voice.wait_until_quiet(30)
        assert [(language, text) for _, language, text in recorded(folder)] == [
            ("hu", "Felolvasás: Be")
        ]
        assert seconds_of_speech(folder / "001.wav") > 0.3
    finally:
        app.voice.close()
        pygame.display.quit()


def test_settings_say_why_read_aloud_cannot_be_heard(app: App) -> None:
    missing = SpeechProblem("missing", "eSpeak NG is not installed")
    app.voice = Voice(missing)
    app.push(MenuScene(app))
    app.run(events=[press(pygame.K_v), press(pygame.K_v), []], max_frames=3)  # no crash
    app.go("settings")
    app.draw(app.screen)
    drawn = {entry[0] for entry in [*app.fonts._surfaces, *app.fonts._wrapped]}
    note = wording("en")("settings.read_aloud_unavailable", reason=missing.detail)
    assert note == "Read aloud is not available on this computer: eSpeak NG is not installed"
    assert note in drawn


# ---------------------------------------------------------------- what the game says


def open_late_client(app: App) -> DialogueScene:
    app.push(MenuScene(app))
    open_scenario(app, LATE_CLIENT, "hu", "Teszt Elek", seed=1, resume=False)
    app.run(events=[[], press(pygame.K_RETURN), [], []], max_frames=4)  # past the episode card
    scene = app.scene
    assert isinstance(scene, DialogueScene)
    return scene


@requires("espeak-ng")
def test_the_dialogue_reads_each_line_then_the_choices(tmp_path: Path) -> None:
    folder = tmp_path / "spoken"
    settings = Settings(trainee="Teszt Elek", text_speed="instant", read_aloud=True)
    app = App(settings, voice=recording_voice(folder))
    try:
        scene = open_late_client(app)
        assert app.voice.wait_until_quiet(60)
        said = recorded(folder)
        expected = [
            f"{line.speaker_name}: {line.text}" if line.speaker_name else line.text
            for line in scene.lines
        ]
        if scene.session.choices:
            expected += [f"{view.number}: {view.text}" for view in scene.session.choices]
        assert [text for _, _, text in said] == [plain(text) for text in expected]
        assert {language for _, language, _ in said} == {"hu"}  # the play's language
        assert any(line.speaker_name for line in scene.lines)  # a name is read before words
        for name, _, _ in said:
            assert seconds_of_speech(folder / name) > 0.2
    finally:
        app.voice.close()
        pygame.display.quit()


def test_nothing_is_said_while_read_aloud_is_off(tmp_path: Path) -> None:
    folder = tmp_path / "spoken"
    app = App(Settings(trainee="Teszt Elek", text_speed="instant"), voice=recording_voice(folder))
    try:
        open_late_client(app)
        assert app.voice.wait_until_quiet(10)
        assert recorded(folder) == []
    finally:
        app.voice.close()
        pygame.display.quit()


@requires("espeak-ng")
def test_the_debrief_reads_the_score_verdict_and_main_reason(tmp_path: Path) -> None:
    folder = tmp_path / "spoken"
    settings = Settings(trainee="Teszt Elek", text_speed="instant", read_aloud=True)
    app = App(settings, voice=recording_voice(folder))
    try:
        open_late_client(app)
        app.run(events=keyboard_player(app, lambda session: 1), max_frames=3000)
        app.run(events=[[], []], max_frames=2)
        debrief = app.scene
        assert isinstance(debrief, DebriefScene)
        assert app.voice.wait_until_quiet(60)
        result, words = debrief.result, wording("hu")
        texts = [text for _, _, text in recorded(folder)]
        score = words("debrief.spoken_score", score=result.score, grade=result.grade)
        reason = result.breakdown.explain(words, debrief.play.scenario.model.meters.cost.short_unit)
        verdict = words("debrief.passed" if debrief.passed else "debrief.not_passed")
        mark = words("debrief.pass_mark", verdict=verdict, mark=f"{debrief.pass_mark:g}")
        # The debrief's words come last, whole, after what the dialogue said before it.
        assert texts[-3:] == [score, plain(mark), plain(reason[0])]
        assert score.startswith("Pontszám: ") and "ponthatár" in texts[-2]
        assert plain(result.ending_title) in texts
    finally:
        app.voice.close()
        pygame.display.quit()
