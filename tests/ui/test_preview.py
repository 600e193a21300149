"""Preview: edits to the file reload the scenario and bring the trainer back to their step."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pygame

from simulator.ui.app import App
from simulator.ui.preview import Preview
from simulator.ui.scenes.dialogue import DialogueScene
from simulator.ui.scenes.problems import ProblemsScene
from tests.conftest import REPO
from tests.ui.keyboard import press


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
