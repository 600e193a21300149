"""Preview: edits to the file reload the scenario and bring the trainer back to their step."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pygame
import pytest

from simulator.ui.app import App
from simulator.ui.preview import Preview, ReplayStopped
from simulator.ui.scenes.debrief import SETTLE_SECONDS, DebriefScene
from simulator.ui.scenes.dialogue import DialogueScene
from simulator.ui.scenes.menu import MenuScene, open_scenario
from simulator.ui.scenes.problems import ProblemsScene
from simulator.wording import wording
from tests.conftest import REPO
from tests.ui.keyboard import keyboard_player, press


def copy_tour(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    shutil.copytree(REPO / "docs" / "examples", folder)
    return folder / "format-tour.yaml"


def touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stamp = path.stat().st_mtime_ns + 2_000_000_000  # make sure the change is seen
    os.utime(path, ns=(stamp, stamp))


def frames(app: App, preview: Preview, count: int, events=None) -> None:
    preview.next_poll = 0
    app.after_frame = preview
    app.run(events=events or [[]] * count, max_frames=count)


def test_saving_the_file_reloads_and_replays_the_choices(app: App, tmp_path: Path) -> None:
    path = copy_tour(tmp_path)
    preview = Preview(app, path, None, seed=1)
    preview.load()
    frames(app, preview, 3, [[], press(pygame.K_RETURN), press(pygame.K_3)])
    scene = app.scene
    assert isinstance(scene, DialogueScene)
    assert [d.choice for d in scene.session.decisions] == ["voucher-now"]
    touch(
        path,
        path.read_text().replace(
            "(quietly) The courier's system", "(whispering) The courier's system"
        ),
    )
    frames(app, preview, 2)
    reloaded = app.scene
    assert isinstance(reloaded, DialogueScene) and reloaded is not scene
    assert preview.reloads == 1 and preview.last_replayed == 1
    assert [d.choice for d in reloaded.session.decisions] == ["voucher-now"]
    assert any("(whispering)" in line.text for line in reloaded.lines)


def test_a_broken_edit_shows_the_errors_and_a_fix_recovers(app: App, tmp_path: Path) -> None:
    path = copy_tour(tmp_path)
    preview = Preview(app, path, None, seed=1)
    preview.load()
    good = path.read_text()
    touch(path, good.replace("next: after-call", "next: aftercall", 1))
    frames(app, preview, 2)
    problems = app.scene
    assert isinstance(problems, ProblemsScene)
    assert problems.diagnostics[0].code == "E201" and problems.diagnostics[0].line > 1
    frames(app, preview, 1, [press(pygame.K_ESCAPE)])
    assert app.scene is problems  # Esc does not close the preview
    touch(path, good)
    frames(app, preview, 2)
    assert isinstance(app.scenes[0], DialogueScene)  # with its episode card, as at the start


def test_good_save_broken_save_good_save_lands_where_the_trainer_was(
    app: App, tmp_path: Path
) -> None:
    """The position is kept while the errors show, through any number of broken saves,
    and the next good save plays the choices again."""
    path = copy_tour(tmp_path)
    good = path.read_text()
    preview = Preview(app, path, None, seed=1)
    preview.load()
    frames(app, preview, 3, [[], press(pygame.K_RETURN), press(pygame.K_3)])
    whispering = good.replace("(quietly) The courier's system", "(whispering) The courier's system")
    touch(path, whispering)
    frames(app, preview, 2)
    assert [d.choice for d in app.scenes[0].session.decisions] == ["voucher-now"]
    touch(path, whispering.replace("next: after-call", "next: aftercall", 1))
    frames(app, preview, 2)
    assert isinstance(app.scene, ProblemsScene)
    touch(path, whispering.replace("next: escalate", "next: escalation", 1))  # still broken
    frames(app, preview, 2)
    assert isinstance(app.scene, ProblemsScene) and preview.reloads == 3
    touch(path, whispering)
    frames(app, preview, 2)
    scene = app.scene
    assert isinstance(scene, DialogueScene) and len(app.scenes) == 1
    assert preview.reloads == 4 and preview.last_replayed == 1
    assert [d.choice for d in scene.session.decisions] == ["voucher-now"]
    assert scene.session.state.node == "counter" and scene.pending_card is None
    assert not any(view.available for view in scene.session.choices if view.id == "voucher-now")


def test_an_edit_the_choices_no_longer_fit_stops_before_the_first_misfit_and_says_so(
    app: App, tmp_path: Path
) -> None:
    path = copy_tour(tmp_path)
    preview = Preview(app, path, None, seed=1)
    preview.load()
    frames(app, preview, 4, [[], press(pygame.K_RETURN), press(pygame.K_3), press(pygame.K_2)])
    assert [d.choice for d in app.scenes[-1].play.session.decisions] == ["voucher-now", "own-it"]
    touch(path, path.read_text().replace("      - id: own-it\n", "      - id: own-up\n"))
    frames(app, preview, 2)
    assert preview.last_replayed == 1
    play, notice = app.scenes
    assert isinstance(play, DialogueScene) and isinstance(notice, ReplayStopped)
    assert [d.choice for d in play.session.decisions] == ["voucher-now"]
    assert play.session.state.node == "counter"
    app.draw(app.screen)
    shown = drawn_texts(app)
    assert wording("en")("preview.replay_stopped", step=2) in shown
    assert any("'own-it' cannot be picked at 'counter'" in text for text in shown)
    frames(app, preview, 2, [press(pygame.K_2), []])  # the key only clears the notice
    assert app.scenes == [play] and len(play.session.decisions) == 1
    frames(app, preview, 1, [press(pygame.K_2)])
    assert [d.choice for d in play.session.decisions] == ["voucher-now", "own-up"]


def drawn_texts(app: App) -> set[str]:
    """Every text the fonts have rendered or wrapped so far (each once, then cached)."""
    return {key[0] for key in [*app.fonts._surfaces, *app.fonts._wrapped]}


@pytest.mark.parametrize("language", ["en", "hu"])
def test_the_preview_error_screen_says_a_save_reloads_and_the_games_says_open_again(
    app: App, tmp_path: Path, language: str
) -> None:
    words = wording(language)
    app.settings.language = language
    path = copy_tour(tmp_path)
    touch(path, path.read_text().replace("next: after-call", "next: aftercall", 1))
    preview = Preview(app, path, None, seed=1)
    preview.load()
    app.draw(app.screen)
    shown = drawn_texts(app)
    assert words("problems.preview_hint") in shown and words("problems.hint") not in shown
    app.fonts._surfaces.clear()
    app.fonts._wrapped.clear()
    app.reset_to(MenuScene(app))
    open_scenario(app, path, None, "Trainee", seed=1, resume=False)
    assert isinstance(app.scene, ProblemsScene) and app.scene.closable
    app.draw(app.screen)
    shown = drawn_texts(app)
    assert words("problems.hint") in shown and words("problems.preview_hint") not in shown


def test_preview_records_nothing_in_the_trainees_store(
    app: App, tmp_path: Path, user_home: Path
) -> None:
    """A trainer trying out a draft is not a trainee's play: to the ending, through a
    reload, a second play and back to the menu, nothing reaches the results store."""
    assert "CS_SIMULATOR_RESULTS" not in os.environ  # the store would be in the home
    user_home.mkdir()  # as the command line makes it: a store could be made there
    path = copy_tour(tmp_path)
    preview = Preview(app, path, None, seed=1)
    preview.load()
    app.after_frame = preview
    app.run(events=keyboard_player(app, lambda session: 2), max_frames=400)
    assert isinstance(app.scene, DebriefScene) and app.scene.play.session.result() is not None
    touch(path, path.read_text().replace("Problem owned", "Owned it"))
    frames(app, preview, 2)
    debrief = app.scene
    assert preview.reloads == 1 and isinstance(debrief, DebriefScene)
    debrief.wait_for_review()
    debrief.shown_for = SETTLE_SECONDS
    frames(app, preview, 2, [press(pygame.K_RIGHT), press(pygame.K_RETURN)])  # Play again
    again = app.scenes[0]  # with the episode's card over it, as a play starts
    assert isinstance(again, DialogueScene) and again.session.decisions == []
    app.run(events=keyboard_player(app, lambda session: 1), max_frames=400)
    debrief = app.scene
    assert isinstance(debrief, DebriefScene) and debrief.play.session.result() is not None
    debrief.wait_for_review()
    debrief.shown_for = SETTLE_SECONDS
    frames(app, preview, 2, [press(pygame.K_ESCAPE), press(pygame.K_RETURN)])  # to the menu
    menu = app.scene
    assert isinstance(menu, MenuScene)
    menu.name = "trainer"  # the menu in the preview window opens a bundled scenario
    menu.start(menu.cards[0])
    app.run(events=keyboard_player(app, lambda session: 1), max_frames=400)
    assert isinstance(app.scene, DebriefScene) and app.scene.play.recorder is None
    assert [p.name for p in user_home.iterdir() if p.name.startswith("results")] == []
