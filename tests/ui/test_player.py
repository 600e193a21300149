"""The player, driven headlessly through its real scenes."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import get_args

import pygame
import pytest

from simulator.engine.session import Session, Status
from simulator.library import bundled_scenarios_dir, scenario_entries
from simulator.records.store import StoreError, StoreProblem
from simulator.scenario.loader import load_scenario
from simulator.ui.app import App
from simulator.ui.playthrough import Playthrough
from simulator.ui.scenes.debrief import DebriefScene
from simulator.ui.scenes.dialogue import DialogueScene
from simulator.ui.scenes.menu import MenuScene, open_scenario
from simulator.ui.scenes.resume import ResumePrompt
from simulator.wording import languages
from tests.conftest import REPO, run_cli
from tests.plays import play_through, review_measured
from tests.ui.keyboard import keyboard_player, press

TOUR = REPO / "docs" / "examples" / "format-tour.yaml"
BUNDLED = [entry.path for entry in scenario_entries(bundled_scenarios_dir())]


def first_available(session: Session) -> int:
    return next(view.number for view in session.choices if view.available)


def play_with_keys(app: App, path: Path, pick=first_available, seed: int = 3) -> DebriefScene:
    app.push(MenuScene(app))
    open_scenario(app, path, None, "Test Trainee", seed=seed, resume=False)
    app.run(events=keyboard_player(app, pick), max_frames=3000)
    assert isinstance(app.scene, DebriefScene), type(app.scene).__name__
    return app.scene


@pytest.mark.parametrize("path", [TOUR, *BUNDLED], ids=lambda p: Path(p).stem)
def test_keyboard_only_playthrough_reaches_the_debrief(app: App, path: Path) -> None:
    debrief = play_with_keys(app, path)
    assert debrief.result.decisions
    app.draw(app.screen)  # the debrief draws without error at the end


def test_playthrough_matches_the_headless_engine(app: App) -> None:
    debrief = play_with_keys(app, TOUR, pick=lambda session: 2, seed=1)
    scenario = load_scenario(TOUR).scenario
    assert scenario is not None
    session = Session.start(scenario, seed=1)
    session.choose("own-it")
    expected = session.result()
    assert expected is not None
    got = debrief.result
    assert (got.ending, got.score, got.path, got.satisfaction, got.cost) == (
        expected.ending,
        expected.score,
        expected.path,
        expected.satisfaction,
        expected.cost,
    )


def test_arrow_keys_and_enter_pick_a_choice(app: App) -> None:
    app.push(MenuScene(app))
    open_scenario(app, TOUR, None, "Test Trainee", seed=1, resume=False)
    frames = [[], press(pygame.K_SPACE), [], press(pygame.K_DOWN), press(pygame.K_RETURN), []]
    app.run(events=frames, max_frames=len(frames))
    scene = app.scene
    assert isinstance(scene, (DialogueScene, DebriefScene))
    assert scene.play.session.decisions[0].choice == "own-it"


def test_mouse_click_picks_the_choice_under_the_pointer(app: App) -> None:
    app.push(MenuScene(app))
    open_scenario(app, TOUR, None, "Test Trainee", seed=1, resume=False)
    app.run(events=[[], press(pygame.K_RETURN), []], max_frames=3)
    scene = app.scene
    assert isinstance(scene, DialogueScene)
    target = scene.choice_boxes[1].rect.center
    click = pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=target)
    app.run(events=[[click]], max_frames=1)
    assert scene.session.decisions[0].choice == "own-it"


def test_unavailable_choice_is_greyed_and_cannot_be_picked(app: App) -> None:
    app.push(MenuScene(app))
    open_scenario(app, TOUR, None, "Test Trainee", seed=1, resume=False)
    app.run(
        events=[[], press(pygame.K_RETURN), [], press(pygame.K_3), [], press(pygame.K_3), []],
        max_frames=7,
    )
    scene = app.scene
    assert isinstance(scene, DialogueScene)
    views = scene.session.choices
    assert not views[2].available and views[2].reason
    assert len(scene.session.decisions) == 1  # the second press of 3 did nothing


@pytest.mark.parametrize("size", [(1024, 640), (1280, 720), (1920, 1080)])
def test_layout_fits_the_window_after_resize(app: App, size: tuple[int, int]) -> None:
    app.push(MenuScene(app))
    open_scenario(app, TOUR, None, "Test Trainee", seed=1, resume=False)
    app.run(events=[[], press(pygame.K_RETURN), []], max_frames=3)
    app.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
    resize = pygame.event.Event(pygame.VIDEORESIZE, w=size[0], h=size[1], size=size)
    app.run(events=[[resize], []], max_frames=2)
    scene = app.scene
    assert isinstance(scene, DialogueScene)
    window = pygame.Rect(0, 0, *size)
    assert scene.choice_boxes
    for box in scene.choice_boxes:
        assert window.contains(box.rect), (box.rect, size)
        assert box.rect.left > size[0] * 0.2  # right of the portrait column


def test_long_choice_lists_scroll_to_the_selected_choice(app: App, playable) -> None:
    choices = "\n".join(
        f"      - {{id: c{n}, text: 'Option number {n}, which is a fairly long sentence that "
        f"wraps onto a second line in a narrow window', next: end}}"
        for n in range(1, 13)
    )
    scenario = playable(f"""\
format: 1
id: many
title: Many choices
start: a
nodes:
  a:
    choices:
{choices}
  end:
    ending: {{title: End}}
scoring: {{target: {{satisfaction: 60, cost: 1}}, cost_limit: 5}}
""")
    app.push(MenuScene(app))
    open_scenario(app, Path(scenario.path), None, "T", seed=1, resume=False)
    app.run(events=[[]] + [press(pygame.K_DOWN)] * 11 + [[]], max_frames=13)
    scene = app.scene
    assert isinstance(scene, DialogueScene)
    assert scene.selected == 11 and scene.choice_scroll > 0
    window = pygame.Rect(0, 0, *app.screen.get_size())
    assert window.contains(scene.choice_boxes[11].rect)


def test_settings_are_kept_between_runs(app: App) -> None:
    from simulator.ui.scenes.settings import SettingsScene
    from simulator.userdata import Settings

    app.push(MenuScene(app))
    app.push(SettingsScene(app, ["en", "hu"]))
    app.run(
        events=[press(pygame.K_DOWN), press(pygame.K_RETURN), press(pygame.K_ESCAPE)], max_frames=3
    )
    assert Settings.load().high_contrast is True
    assert isinstance(app.scene, MenuScene)


def test_trainee_name_is_typed_and_remembered(user_home: Path) -> None:
    from simulator.userdata import Settings

    application = App(Settings(), (1280, 720), fullscreen=False)
    menu = MenuScene(application)
    application.push(menu)
    assert menu.typing  # no name yet: the field has focus
    typed = [[pygame.event.Event(pygame.TEXTINPUT, text=c)] for c in "Ilona Kő"]
    application.run(events=[*typed, press(pygame.K_RETURN)], max_frames=len(typed) + 1)
    assert Settings.load().trainee == "Ilona Kő"
    pygame.display.quit()


RESUME_SCRIPT = """
import os, sys
sys.path.insert(0, {repo!r})
os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
import pygame
from simulator.userdata import Settings
from simulator.ui.app import App
from simulator.ui.scenes.menu import MenuScene, open_scenario
from tests.ui.keyboard import key, press
app = App(Settings(trainee="Kill Test", text_speed="instant"), (1280, 720), False)
app.push(MenuScene(app))
open_scenario(app, {tour!r}, None, "Kill Test", seed=11, resume=False)
app.run(events=[[], press(pygame.K_RETURN), [], press(pygame.K_3), [], []], max_frames=6)
scene = app.scene
print(scene.session.state.node, len(scene.session.decisions), flush=True)
os.kill(os.getpid(), 9)
"""


def test_resume_after_kill_restores_exactly(app: App, user_home: Path) -> None:
    from simulator.records.store import ResultsStore

    script = RESUME_SCRIPT.format(repo=str(REPO), tour=str(TOUR))
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "CS_SIMULATOR_HOME": str(user_home)},
        timeout=60,
    )
    assert done.returncode == -9, done.stderr
    node, _decisions = done.stdout.splitlines()[-1].split()
    (recorded,) = ResultsStore.open().plays(trainee="Kill Test")
    snapshot = json.loads(recorded["snapshot"])
    assert recorded["status"] == "playing"
    assert snapshot["node"] == node and len(snapshot["decisions"]) == 1
    app.push(MenuScene(app))
    open_scenario(app, TOUR, None, "Kill Test")
    assert isinstance(app.scene, ResumePrompt)
    app.run(events=[press(pygame.K_RETURN), []], max_frames=2)
    scene = app.scene
    assert isinstance(scene, DialogueScene)
    resumed = scene.session.snapshot()
    moving = ("timer_left", "elapsed")  # real time has passed since the resume, by design
    assert {k: v for k, v in resumed.items() if k not in moving} == {
        k: v for k, v in snapshot.items() if k not in moving
    }
    assert snapshot["timer_left"] - resumed["timer_left"] < 1
    assert scene.session.state.seed == 11
    assert scene.session.clock is not None and scene.session.clock.time_text == "16:40"
    scene.play.choose("own-it")  # the resumed play goes on being recorded in the same row
    (after,) = ResultsStore.open().plays(trainee="Kill Test")
    assert after["id"] == recorded["id"]
    assert [d["choice"] for d in ResultsStore.open().decisions([after["id"]])] == [
        "voucher-now",
        "own-it",
    ]


def test_someone_else_is_not_offered_the_resume(app: App, user_home: Path) -> None:
    app.push(MenuScene(app))
    open_scenario(app, TOUR, None, "First Trainee", seed=3, resume=False)
    app.run(events=[[], press(pygame.K_RETURN), [], press(pygame.K_3), []], max_frames=5)
    app.reset_to(MenuScene(app))
    open_scenario(app, TOUR, None, "Second Trainee")
    assert isinstance(app.scene, DialogueScene)


def test_demo_mode_saves_every_screen_and_exits_0(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "CS_SIMULATOR_HOME": str(tmp_path / "home"),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "play",
            str(TOUR),
            "--autoplay",
            "3,2",
            "--seed",
            "1",
            "--screenshots",
            str(tmp_path / "shots"),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "shots").glob("*.png"))
    assert names[0].endswith("episode.png")
    assert sum("choice" in name for name in names) == 2
    assert names[-1].endswith("debrief.png")
    image = pygame.image.load(str(tmp_path / "shots" / names[-1]))
    assert image.get_size() == (1280, 720)
    from simulator.records.store import ResultsStore

    (played,) = ResultsStore.open(str(tmp_path / "home" / "results.sqlite3")).plays()
    assert played["source"] == "demo"  # kept out of reports, resume offers and progress


def test_demo_mode_with_an_impossible_choice_exits_1(tmp_path: Path) -> None:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "CS_SIMULATOR_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "play", str(TOUR), "--autoplay", "9"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "choice 9 cannot be picked" in done.stderr


def test_demo_mode_with_more_picks_than_steps_exits_1(tmp_path: Path) -> None:
    """own-it ends the tour at once: the second pick is a mistake in the script."""
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "CS_SIMULATOR_HOME": str(tmp_path)}
    done = run_cli("play", str(TOUR), "--autoplay", "own-it,1", "--seed", "1", env=env)
    assert done.returncode == 1
    assert "step 2: the scenario has already ended" in done.stderr


def test_no_display_gives_advice_not_a_traceback(tmp_path: Path) -> None:
    """Without a screen, `play FILE` exits 4 and suggests the headless commands for that
    file (quoted for the shell), not another scenario's; and the suggestion runs."""
    own = tmp_path / "my scenario.yaml"
    own.write_text((REPO / "docs/examples/refund-callback.yaml").read_text(encoding="utf-8"))
    env = {
        key_: value
        for key_, value in os.environ.items()
        if key_ not in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY")
    }
    env["CS_SIMULATOR_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "play", str(own)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 4 and "Traceback" not in done.stderr
    suggested = next(line for line in done.stderr.splitlines() if " run " in line).strip()
    assert suggested == f"python -m simulator run '{own}' --choices 1,2,3"
    words = shlex.split(suggested)  # as a shell splits it: the quoted path is one word
    replayed = subprocess.run(
        [sys.executable, *words[1:]], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    # It plays this scenario (1,2,3 is an example: its third pick may not fit here).
    assert replayed.returncode != 2 and "no scenario" not in replayed.stderr, replayed.stderr
    said = replayed.stdout + replayed.stderr  # its title, or a pick its third step refuses
    assert "The cracked mixer bowl" in said or "at 'follow-up'" in said, said


def write_playlist(folder: Path, pass_mark: int = 90) -> Path:
    import shutil

    shutil.copy(TOUR, folder / "tour.yaml")
    shutil.copytree(TOUR.parent / "characters", folder / "characters")
    path = folder / "monday.yaml"
    path.write_text(
        f"format: 1\nkind: playlist\nid: monday\ntitle: Monday onboarding\n"
        f"scenarios:\n  - {{scenario: tour.yaml, pass_mark: {pass_mark}}}\n",
        encoding="utf-8",
    )
    return path


def test_onboarding_session_tracks_progress(app: App, tmp_path: Path) -> None:
    from simulator.scenario.playlist import load_playlist

    playlist, problems = load_playlist(write_playlist(tmp_path, pass_mark=50))
    assert playlist is not None and not problems
    app.playlist = playlist
    menu = MenuScene(app)
    app.push(menu)
    assert menu.status(menu.cards[0]) == ("Next", "accent")
    open_scenario(app, playlist.items[0].path, None, "Test Trainee", seed=1, resume=False)
    app.run(events=keyboard_player(app, lambda session: 2), max_frames=500)
    debrief = app.scene
    assert isinstance(debrief, DebriefScene)
    assert debrief.pass_mark == 50 and debrief.passed
    progress = menu.progress()
    assert progress["format-tour"]["passed"] and progress["format-tour"]["attempts"] == 1
    text, role = menu.status(menu.cards[0])
    assert text.startswith("Passed") and role == "good"


def test_a_playlists_language_wins_over_the_settings(app: App, tmp_path: Path) -> None:
    """The trainer put late-client in Hungarian on the session: returning from the
    settings, where the trainee chose English, must not undo that."""
    from simulator.scenario.playlist import load_playlist

    path = tmp_path / "morning.yaml"
    path.write_text(
        "format: 1\nkind: playlist\nid: morning\ntitle: Morning\nscenarios:\n"
        "  - {scenario: late-client, pass_mark: 70, language: hu}\n"
        "  - {scenario: endless-revisions, pass_mark: 70}\n",
        encoding="utf-8",
    )
    playlist, problems = load_playlist(path)
    assert playlist is not None and not problems
    app.playlist = playlist
    app.settings.language = "en"
    menu = MenuScene(app)
    app.push(menu)
    menu.entered()  # as after the settings screen
    assert [card.language for card in menu.cards] == ["hu", "en"]
    assert menu.cards[0].heading()[0] == "Az ügyfél, aki zárás után jön"


def test_playlist_with_a_missing_scenario_is_reported(tmp_path: Path) -> None:
    from simulator.file_checks import load_any

    path = write_playlist(tmp_path)
    path.write_text(path.read_text().replace("tour.yaml", "gone.yaml"))
    (diagnostic,) = load_any(path).diagnostics
    assert diagnostic.code == "E217" and diagnostic.line == 6


def test_session_option_with_bad_playlist_exits_1(tmp_path: Path) -> None:
    path = write_playlist(tmp_path)
    path.write_text(path.read_text().replace("tour.yaml", "gone.yaml"))
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "CS_SIMULATOR_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "play", "--session", str(path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "E217" in done.stderr


def test_a_damaged_results_file_is_shown_and_play_goes_on(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The trainee reads why in the game's language and whom to tell; the trainer gets
    the file and what is wrong with it on standard error, once."""
    junk = tmp_path / "results.sqlite3"
    junk.write_bytes(b"not a database " * 100)
    monkeypatch.setenv("CS_SIMULATOR_RESULTS", str(junk))
    app.push(MenuScene(app))
    open_scenario(app, TOUR, None, "Test Trainee", seed=1, resume=False)
    app.run(events=[[], press(pygame.K_RETURN), []], max_frames=3)
    scene = app.scene
    assert isinstance(scene, DialogueScene)
    assert scene.recording_problem is not None and scene.recording_problem.kind == "damaged"
    app.run(events=[press(pygame.K_2), [], []], max_frames=3)
    assert app.scene is not None and app.scene.play.session.decisions  # the play went on
    assert junk.read_bytes() == b"not a database " * 100
    told = capsys.readouterr().err
    assert told.count("plays are not being recorded") == 1
    assert f"{junk} is damaged or is not a results file" in told


def test_the_debriefs_key_hint_never_runs_under_its_buttons() -> None:
    """At 800x600 with extra-large text the hint beside the buttons wraps: none of its
    pixels may fall on a button, and it is drawn (in its own grey) left of them."""
    from simulator.userdata import Settings

    settings = Settings(trainee="T", text_speed="instant", text_size="x-large")
    small = App(settings, (800, 600), fullscreen=False)
    try:
        debrief = play_with_keys(small, REPO / "docs" / "examples" / "refund-callback.yaml")
        debrief.scroll = 10**6  # the decisions in view: the longer hint, about the keys
        small.draw(small.screen)
        hint_grey = small.screen.map_rgb((200, 205, 215))
        pixels = pygame.PixelArray(small.screen)
        try:
            on_buttons = sum(
                1
                for button in debrief.buttons
                for x in range(button.rect.left, button.rect.right)
                for y in range(button.rect.top, button.rect.bottom)
                if pixels[x, y] == hint_grey
            )
            left = min(button.rect.left for button in debrief.buttons)
            top = debrief.buttons[0].rect.top - 10
            beside = sum(
                1 for x in range(left) for y in range(top, 600) if pixels[x, y] == hint_grey
            )
        finally:
            pixels.close()
        assert on_buttons == 0 and beside > 50
    finally:
        pygame.display.quit()


def test_a_play_prepares_its_debriefs_review_while_the_trainee_reads(app: App) -> None:
    """The scenario on screen is searched beside the loop from the first line on, so the
    debrief's review of any play of it finds its work done (a review of late-client with
    nothing prepared allocates about 7 MiB; see test_review.py)."""
    app.push(MenuScene(app))
    late_client = bundled_scenarios_dir() / "late-client.yaml"
    open_scenario(app, late_client, None, "Test Trainee", seed=1, resume=False)
    scene = app.scene
    assert isinstance(scene, DialogueScene)
    assert scene.preparing.wait(None) and scene.preparing.failed is None
    scenario = scene.play.scenario
    reviews, peak = review_measured(scenario, play_through(scenario, 1))
    assert reviews and all(review.verdict is not None for review in reviews)
    assert peak < 2**20, f"the review searched again: {peak / 2**20:.1f} MiB"


def recorded_play(app: App, folder: Path, monkeypatch: pytest.MonkeyPatch) -> DialogueScene:
    """The format tour opened from the menu, recorded into a results file in ``folder``."""
    monkeypatch.setenv("CS_SIMULATOR_RESULTS", str(folder / "results.sqlite3"))
    app.push(MenuScene(app))
    open_scenario(app, TOUR, None, "Test Trainee", seed=1, resume=False)
    app.run(events=[[], press(pygame.K_RETURN), []], max_frames=3)
    scene = app.scene
    assert isinstance(scene, DialogueScene)
    return scene


def overwrite_store(folder: Path) -> None:
    """Overwrite the results file and its journal in place, as another program or a
    failing share would: the same files, their bytes gone."""
    for name in ("results.sqlite3-wal", "results.sqlite3-shm", "results.sqlite3"):
        if (folder / name).exists():
            with (folder / name).open("r+b") as handle:
                handle.write(b"\xff" * (folder / name).stat().st_size)


def test_a_store_that_fails_mid_play_is_said_once_and_play_goes_on(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The results file is overwritten while a trainee plays (another program, a full
    share): each later step fails to record, the trainee's screen says so in the game's
    words, and the trainer's standard error gets the store's message once, not per step."""
    scene = recorded_play(app, tmp_path, monkeypatch)
    assert scene.recording_problem is None
    overwrite_store(tmp_path)
    play = scene.play
    steps = 0
    while play.session.status is not Status.ENDED:  # to its ending: never held up
        if play.session.status is Status.WAITING_FOR_CHOICE:
            play.choose(play.session.available_choices[-1])
        else:
            play.continue_()
        steps += 1
    assert steps >= 2 and play.session.decisions
    assert play.problem is not None and play.problem.kind == "damaged"
    told = capsys.readouterr().err
    assert told.count("this play is not being recorded") == 1, told


def test_a_take_back_the_store_cannot_write_is_told_to_the_trainer(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Practice takes a decision back, and the store fails as it moves the decision
    aside: the trainer hears of it as of any other step's failed write."""
    play = recorded_play(app, tmp_path, monkeypatch).play
    while not play.session.decisions:
        if play.session.status is Status.WAITING_FOR_CHOICE:
            play.choose(play.session.available_choices[-1])
        else:
            play.continue_()
    assert play.problem is None and play.can_take_back
    overwrite_store(tmp_path)
    capsys.readouterr()
    assert play.take_back()
    assert play.problem is not None
    assert capsys.readouterr().err.count("this play is not being recorded") == 1


@pytest.mark.parametrize(
    ("text_size", "window"),
    [("normal", (800, 600)), ("x-large", (800, 600)), ("x-large", (1280, 720))],
)
def test_the_not_recorded_note_is_whole_in_every_language(
    text_size: str, window: tuple[int, int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Whom to tell and why, in every language and for every reason, fits the portrait
    panel without being cut, down to 800x600 with extra-large text (the character's
    description gives way to it)."""
    from simulator.userdata import Settings

    junk = tmp_path / "results.sqlite3"
    junk.write_bytes(b"not a database " * 100)
    monkeypatch.setenv("CS_SIMULATOR_RESULTS", str(junk))
    settings = Settings(trainee="T", text_speed="instant", text_size=text_size)
    small = App(settings, window, fullscreen=False)
    try:
        small.push(MenuScene(small))
        open_scenario(small, TOUR, None, "T", seed=1, resume=False)
        small.run(events=[[], press(pygame.K_RETURN), []], max_frames=3)
        scene = small.scene
        assert isinstance(scene, DialogueScene)
        cut = []
        for language in languages():
            scene.play.language = language  # the note is in the play's language
            for kind in get_args(StoreProblem):
                small.store_problem = StoreError("the store's own words", kind)
                small.draw(small.screen)
                assert scene.note_lines is not None
                given, needed = scene.note_lines
                if given < needed:
                    cut.append((language, kind, needed - given))
        assert cut == []
    finally:
        pygame.display.quit()


def test_arrow_keys_scroll_the_selected_choice_into_view_at_800x600() -> None:
    """With extra-large text at 800x600 the choices do not all fit: moving the selection
    with the arrow keys must bring the selected choice into view, whole, every time, and
    wrapping back to the first shows it from its top (its number with it)."""
    from simulator.userdata import Settings

    settings = Settings(trainee="T", text_speed="instant", text_size="x-large")
    small = App(settings, (800, 600), fullscreen=False)
    try:
        scenario = load_scenario(bundled_scenarios_dir() / "late-client.yaml").scenario
        small.push(MenuScene(small))
        open_scenario(small, scenario.path, None, "T", seed=1, resume=False)
        small.run(events=[[], press(pygame.K_RETURN), []], max_frames=3)
        scene = small.scene
        assert isinstance(scene, DialogueScene) and len(scene.session.choices) >= 3
        small.draw(small.screen)
        area = scene._choice_area
        heights = scene._choice_layout(area.w)  # each choice's whole height, as laid out
        assert sum(heights) > area.h  # they do not all fit
        for _ in range(2 * len(heights)):
            small.run(events=[press(pygame.K_DOWN), []], max_frames=2)
            shown = scene.choice_boxes[scene.selected].rect  # cut to what shows
            assert shown.h == heights[scene.selected], (scene.selected, shown, area)
            if scene.selected == 0:
                assert shown.top == area.top
    finally:
        pygame.display.quit()


def bundled_plays_in_every_language() -> list[tuple[str, str | None]]:
    """(scenario file, language) for each bundled scenario in its own language and in
    each of its translations."""
    found: list[tuple[str, str | None]] = []
    for path in sorted(bundled_scenarios_dir().glob("*.yaml")):
        parts = path.name.split(".")
        if len(parts) == 2:
            found.append((path.name, None))
        elif len(parts) == 3 and parts[1] != "test":
            found.append((f"{parts[0]}.yaml", parts[1]))
    return found


@pytest.mark.parametrize(("file", "language"), bundled_plays_in_every_language())
def test_every_episode_card_fits_above_its_hint_at_800x600(file: str, language: str | None) -> None:
    """Each bundled card, in each language, with its day and time, at 800x600 with
    extra-large text: the text ends above "press any key" (it ran under it and off the
    window in Hungarian), whole, in a smaller size where it must be."""
    from simulator.engine.events import EpisodeStarted
    from simulator.scenario.translations import load_translated
    from simulator.ui.playthrough import Playthrough
    from simulator.ui.scenes.episode import TEXT_MARGIN, EpisodeCard, hint_top
    from simulator.userdata import Settings

    scenario = load_translated(bundled_scenarios_dir() / file, language).scenario
    assert scenario is not None
    small = App(Settings(trainee="T", text_size="x-large"), (800, 600), fullscreen=False)
    try:
        play = Playthrough(scenario, "T", language, Session.start(scenario, seed=1), None)
        for episode_id, episode in scenario.model.episodes.items():
            event = EpisodeStarted(episode_id, episode.title, episode.intro, 1, 600)
            _, _, bottom = EpisodeCard(small, play, event).layout(800, 600)
            assert bottom <= hint_top(600) - TEXT_MARGIN, (episode_id, bottom)
    finally:
        pygame.display.quit()


@pytest.mark.parametrize("window", [(800, 600), (1280, 720)])
def test_the_meters_always_show_however_long_the_title_and_clock(
    window: tuple[int, int], write_file: Callable[..., Path]
) -> None:
    """The top bar holds the title, the clock, the meters and the keys. With extra-large
    text in a small window not all fit: the title gives way (cut with "…"), never a
    meter (Hungarian late-client lost its overtime meter on Thursday morning)."""
    from simulator.userdata import Settings

    text = (REPO / "tests/realwindow/missing-order.yaml").read_text(encoding="utf-8")
    long_title = text.replace(
        "title: The missing order",
        "title: " + "The missing order, and what the week did to it " * 5,
        1,
    ).replace(
        "cost: {unit: money, currency: EUR, start: 0, visible: false}",
        "cost: {unit: money, currency: EUR, start: 0}",
    )
    assert long_title != text
    scenario = load_scenario(write_file(long_title, "long.yaml")).scenario
    assert scenario is not None
    visible = [m.visible for m in (scenario.model.meters.cost, scenario.model.meters.satisfaction)]
    assert any(visible)
    settings = Settings(trainee="T", text_speed="instant", text_size="x-large")
    small = App(settings, window, fullscreen=False)
    try:
        scene = DialogueScene(small, Playthrough.begin(scenario, "T", None, None, seed=1))
        small.push(scene)
        scene.pending_card = None
        small.draw(small.screen)
        assert scene.meters_shown == sum(visible)
    finally:
        pygame.display.quit()


@pytest.mark.parametrize("language", languages())
def test_every_pause_button_label_fits_its_button_at_800x600(language: str) -> None:
    """With extra-large text at 800x600, in every language, each label of the pause
    menu lies within its button ("Visszavonom az utolsó válaszomat" ran out of it)."""
    from simulator.ui.scenes.pause import PauseScene
    from simulator.userdata import Settings

    settings = Settings(trainee="T", text_speed="instant", text_size="x-large", language=language)
    small = App(settings, (800, 600), fullscreen=False)
    try:
        scenario = load_scenario(bundled_scenarios_dir() / "late-client.yaml").scenario
        assert scenario is not None
        play = Playthrough.begin(scenario, "T", language, None, seed=1)
        play.choose(play.session.available_choices[0])  # so that it can be taken back
        scene = DialogueScene(small, play)
        small.push(scene)
        small.go("pause", scene)
        pause = small.scene
        assert isinstance(pause, PauseScene) and len(pause.buttons) == 5
        small.draw(small.screen)
        font = small.fonts.font(small.theme.size(18), "bold")
        for button in pause.buttons:
            assert font.size(button.label)[0] <= button.rect.w - 16, button.label
    finally:
        pygame.display.quit()


@pytest.mark.parametrize("language", languages())
@pytest.mark.parametrize(
    ("text_size", "window"), [("x-large", (800, 600)), ("normal", (1280, 720))]
)
def test_the_historys_title_and_hint_never_overlap(
    language: str, text_size: str, window: tuple[int, int]
) -> None:
    """The history's heading and its keys' hint share a row where they fit; where they
    do not ("Előzmények" ran into "Esc vagy B: vissza" at 800x600), the hint goes under."""
    from simulator.ui.scenes.backlog import BacklogScene
    from simulator.userdata import Settings

    settings = Settings(trainee="T", text_speed="instant", text_size=text_size, language=language)
    small = App(settings, window, fullscreen=False)
    try:
        scenario = load_scenario(bundled_scenarios_dir() / "late-client.yaml").scenario
        assert scenario is not None
        play = Playthrough.begin(scenario, "T", language, None, seed=1)
        small.push(DialogueScene(small, play))
        small.go("history", play)
        history = small.scene
        assert isinstance(history, BacklogScene)
        small.draw(small.screen)
        assert history.title_rect.w and history.hint_rect.w
        assert not history.title_rect.colliderect(history.hint_rect)
        assert small.screen.get_rect().contains(history.hint_rect)
    finally:
        pygame.display.quit()


def test_enter_twice_at_the_debrief_goes_to_the_menu_not_a_new_play(app: App) -> None:
    """Enter focuses a button first and acts second. The button it focuses is "Back to
    menu": Enter, Enter out of habit started (and recorded) a new play of the scenario."""
    debrief = play_with_keys(app, TOUR)
    app.run(events=[[]] * 60, max_frames=60)  # past the moment no button answers
    assert debrief.ready_to_leave
    app.run(events=[press(pygame.K_RETURN), [], press(pygame.K_RETURN), []], max_frames=4)
    assert isinstance(app.scene, MenuScene), type(app.scene).__name__
