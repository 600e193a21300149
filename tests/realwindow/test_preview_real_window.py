"""`simulator preview` in its own process on a real X window, while its file is edited.

A trainer saves the scenario as they write it: a good save, one that breaks the file,
then one that mends it. The window must show the validator's messages in between and
afterwards the very screen the trainer was on, and the results store must stay empty:
a draft tried out is nobody's play.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.realwindow.conftest import APP_TITLE, MISSING_ORDER, Game
from tests.realwindow.test_real_window import assert_same_picture, in_conversation


class PreviewGame(Game):
    """The same hands and eyes as for `play`, on `preview` instead."""

    def launch_preview(self, scenario: Path, seed: int) -> None:
        self.start("preview", str(scenario), "--seed", str(seed))


@pytest.fixture
def preview(x_display: str, tmp_path: Path) -> Iterator[tuple[PreviewGame, Path]]:
    """A preview of a copy of the two-decision scenario, with its own user folder."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.json").write_text(
        json.dumps({"text_speed": "instant", "trainee": "Tess"}), encoding="utf-8"
    )
    folder = tmp_path / "draft"
    folder.mkdir()
    scenario = folder / "missing-order.yaml"
    shutil.copyfile(MISSING_ORDER, scenario)
    game = PreviewGame(x_display, home, "preview")
    game.launch_preview(scenario, seed=1)
    try:
        yield game, scenario
    finally:
        game.stop()


def save(path: Path, text: str) -> None:
    """Write the file as an editor saves it, its time moved on so the change is seen
    even where the clock's steps are coarse."""
    path.write_text(text, encoding="utf-8")
    stamp = path.stat().st_mtime_ns + 2_000_000_000
    os.utime(path, ns=(stamp, stamp))


def test_good_save_broken_save_good_save_shows_the_same_step_and_records_nothing(
    preview: tuple[PreviewGame, Path], tmp_path: Path
) -> None:
    game, scenario = preview
    good = scenario.read_text(encoding="utf-8").replace("minutes: 2", "minutes: 3")
    game.wait_for_title(in_conversation, "the conversation")
    game.settle(quiet=0.5)
    game.press("3")  # ask for the address: a second decision follows
    game.settle(quiet=0.5)

    save(scenario, good)  # changes nothing on screen: the reload shows the same step
    game.settle(quiet=1.0)
    where_i_was = game.settle(quiet=0.5)

    save(scenario, good.replace("next: address", "next: adress", 1))
    game.wait_for_title(lambda title: title == APP_TITLE, "the errors screen")
    errors = game.settle(quiet=0.5)
    count, _ = errors.difference(where_i_was)
    assert count > 0, "the errors screen looks like the conversation" + game.context()

    save(scenario, good)
    game.wait_for_title(in_conversation, "the conversation after the fix")
    back_again = game.settle(quiet=1.0)
    assert_same_picture(
        where_i_was, back_again, tmp_path, "after the fix the preview is not where it was"
    )

    game.close_window()
    assert game.wait_for_exit() == 0, game.context()
    assert [p.name for p in game.home.iterdir() if p.name.startswith("results")] == []
