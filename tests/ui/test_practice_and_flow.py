"""Practice (taking an answer back), the reaction before a new episode, colleagues who
leave, and the speech panel by keys: the real App on SDL's dummy driver."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from simulator.records.store import ResultsStore
from simulator.ui.app import App
from simulator.ui.scenes.dialogue import DialogueScene
from simulator.ui.scenes.episode import EpisodeCard
from simulator.ui.scenes.menu import MenuScene, open_scenario
from simulator.ui.scenes.pause import PauseScene
from tests.ui.keyboard import press

TOUR = Path(__file__).resolve().parents[2] / "docs" / "examples" / "format-tour.yaml"

TWO_DAYS = """\
format: 1
id: two-days
title: Two days
start: counter
characters:
  ana: {name: Ana Berg, role: customer, moods: [neutral, annoyed, pleased], mood: annoyed}
  kadri: {name: Kadri Lepp, role: colleague, moods: [neutral]}
episodes:
  monday: {title: Monday, start: counter}
  friday: {title: Friday, start: friday, day: 5, intro: Four days later.}
clock: {day: 1, time: "17:00", day_names: [Mon, Tue, Wed, Thu, Fri]}
nodes:
  counter:
    lines:
      - {id: counter.l1, speaker: kadri, text: "She's been waiting since five."}
      - {id: counter.l2, speaker: ana, text: "Can you have it ready by Friday?"}
    choices:
      - {id: promise, text: "Friday at noon, and I'll ring you if anything slips.", next: friday}
      - {id: maybe, text: "We'll try our best to have it by Friday.", next: friday}
  friday:
    lines:
      - {id: friday.l1, text: "Friday. The folder is on the desk."}
    choices:
      - {id: hand-over, text: "Here it is, as promised.", next: end}
  end:
    ending: {title: Done, kind: balanced}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""


def start(app: App, path: Path, practice: bool = True) -> DialogueScene:
    app.push(MenuScene(app))
    open_scenario(app, path, None, "Test Trainee", seed=1, resume=False, practice=practice)
    app.run(events=[[], []], max_frames=2)
    close_card(app)
    scene = app.scene
    assert isinstance(scene, DialogueScene), type(scene).__name__
    return scene


def close_card(app: App) -> None:
    """Read an episode's card to the end and go on, as a trainee does."""
    if isinstance(app.scene, EpisodeCard):
        app.scene.shown_for = 10.0
        app.run(events=[press(pygame.K_RETURN), [], []], max_frames=3)


def answer_first_question(app: App) -> DialogueScene:
    dialogue = start(app, TOUR)
    app.run(events=[press(pygame.K_3), []], max_frames=2)  # "voucher-now": the play goes on
    assert len(dialogue.play.session.decisions) == 1
    return dialogue


def test_backspace_takes_the_last_answer_back_and_the_store_keeps_it_aside(app: App) -> None:
    dialogue = start(app, TOUR)
    first_question = dialogue.play.session.choices
    app.run(events=[press(pygame.K_3), [], press(pygame.K_BACKSPACE), []], max_frames=4)
    assert app.scene is dialogue and dialogue.play.session.decisions == []
    assert dialogue.play.session.choices == first_question
    assert dialogue.play.session.state.rewinds == 1
    store = app.results_store()
    assert store is not None
    play_id = dialogue.play.recorder.play_id  # type: ignore[union-attr]
    assert store.decisions([play_id]) == []
    assert store.taken_back([play_id]) == {play_id: 1}
    assert "Backspace" not in dialogue._keys_hint()  # nothing left to take back

    app.run(events=[press(pygame.K_1), []], max_frames=2)  # answered otherwise, for good
    assert [row["choice"] for row in store.decisions([play_id])] == ["blame-courier"]


def test_the_pause_menu_offers_to_take_the_answer_back(app: App) -> None:
    dialogue = answer_first_question(app)
    assert "Backspace" in dialogue._keys_hint()
    app.run(events=[press(pygame.K_ESCAPE), []], max_frames=2)
    pause = app.scene
    assert isinstance(pause, PauseScene)
    assert [button.action for button in pause.buttons][:2] == ["resume", "take-back"]
    app.run(events=[press(pygame.K_DOWN), press(pygame.K_RETURN), []], max_frames=3)
    assert app.scene is dialogue and dialogue.play.session.decisions == []


def test_an_assessed_play_cannot_take_an_answer_back(app: App) -> None:
    dialogue = start(app, TOUR, practice=False)
    app.run(events=[press(pygame.K_3), [], press(pygame.K_BACKSPACE), []], max_frames=4)
    assert len(dialogue.play.session.decisions) == 1
    assert "Backspace" not in dialogue._keys_hint()
    app.run(events=[press(pygame.K_ESCAPE), []], max_frames=2)
    assert "take-back" not in [button.action for button in app.scene.buttons]  # type: ignore[union-attr]


@pytest.fixture
def two_days(tmp_path: Path) -> Path:
    path = tmp_path / "two-days.yaml"
    path.write_text(TWO_DAYS, encoding="utf-8")
    return path


def test_a_choice_into_a_new_episode_shows_its_reaction_before_the_card(
    app: App, two_days: Path
) -> None:
    dialogue = start(app, two_days)
    app.draw(app.screen)
    monday = dialogue.shown_clock
    assert monday is not None and monday.day == 1
    app.run(events=[press(pygame.K_1), []], max_frames=2)
    assert app.scene is dialogue, type(app.scene).__name__
    app.draw(app.screen)
    assert dialogue.shown_clock == monday  # still Monday while the reaction shows
    assert dialogue.holding and dialogue.last_said is not None
    assert dialogue.last_said.startswith("Friday at noon")
    app.draw(app.screen)
    assert dialogue.continue_rect.w > 0 and dialogue.choice_boxes == []  # go on, no choices
    app.run(events=[press(pygame.K_2), []], max_frames=2)  # a number does not skip it
    assert app.scene is dialogue and dialogue.holding
    app.run(events=[press(pygame.K_RETURN), []], max_frames=2)
    assert isinstance(app.scene, EpisodeCard)
    close_card(app)
    assert app.scene is dialogue and not dialogue.holding
    assert [line.text for line in dialogue.lines] == ["Friday. The folder is on the desk."]


def test_a_colleague_with_nothing_more_to_say_leaves_the_customer_in_view(
    app: App, two_days: Path
) -> None:
    dialogue = start(app, two_days)
    app.draw(app.screen)
    assert dialogue.portrait_character == "ana"  # she speaks last in the first step
    dialogue.revealed = len(dialogue.lines[0].text)  # only Kadri's line so far
    app.draw(app.screen)
    assert dialogue.portrait_character == "kadri"
    dialogue.revealed = float("inf")
    app.run(events=[press(pygame.K_1), [], press(pygame.K_RETURN), []], max_frames=4)
    close_card(app)
    assert app.scene is dialogue
    dialogue.portrait_character = "kadri"  # as if she had spoken last before Friday
    app.draw(app.screen)
    assert dialogue.portrait_character == "ana"  # Kadri says nothing on Friday: gone


def test_home_and_end_scroll_the_speech_panel(app: App, tmp_path: Path) -> None:
    long_opening = "\n".join(
        f"      - {{id: counter.l{n}, speaker: ana, text: '{'Word after word. ' * 30}'}}"
        for n in range(3, 12)
    )
    path = tmp_path / "long.yaml"
    path.write_text(
        TWO_DAYS.replace(
            '      - {id: counter.l2, speaker: ana, text: "Can you have it ready by Friday?"}\n',
            '      - {id: counter.l2, speaker: ana, text: "Can you have it ready by Friday?"}\n'
            + long_opening
            + "\n",
        ),
        encoding="utf-8",
    )
    dialogue = start(app, path)
    app.draw(app.screen)
    assert dialogue.speech_overflow > 0 and dialogue.speech_scroll == 0
    assert "Home" in dialogue._keys_hint()
    app.run(events=[press(pygame.K_HOME), []], max_frames=2)
    assert dialogue.speech_scroll > 0
    app.run(events=[press(pygame.K_END), []], max_frames=2)
    assert dialogue.speech_scroll == 0


def test_the_store_of_a_practice_play_opens_read_only_with_its_taken_back_rows(
    app: App, tmp_path: Path
) -> None:
    dialogue = answer_first_question(app)
    app.run(events=[press(pygame.K_BACKSPACE), []], max_frames=2)
    store = app.results_store()
    assert store is not None
    reader = ResultsStore.open(store.location, read_only=True)
    play_id = dialogue.play.recorder.play_id  # type: ignore[union-attr]
    assert reader.taken_back([play_id]) == {play_id: 1}


def test_taking_back_to_a_question_with_no_lines_after_a_card_starts_the_screen_afresh(
    app: App, tmp_path: Path
) -> None:
    path = tmp_path / "quiet-friday.yaml"
    path.write_text(
        TWO_DAYS.replace(
            """  friday:
    lines:
      - {id: friday.l1, text: "Friday. The folder is on the desk."}
    choices:
      - {id: hand-over, text: "Here it is, as promised.", next: end}""",
            """  friday:
    choices:
      - {id: hand-over, text: "Here it is, as promised.", next: end}
      - {id: wait, text: "Let me check one more thing first.", next: later}
  later:
    lines:
      - {id: later.l1, speaker: ana, text: "I have a train at four."}
    choices:
      - {id: hurry, text: "Then here it is.", next: end}""",
        ),
        encoding="utf-8",
    )
    dialogue = start(app, path)
    app.run(events=[press(pygame.K_1), [], press(pygame.K_RETURN), []], max_frames=4)
    close_card(app)
    assert app.scene is dialogue and dialogue.lines == [] and dialogue.last_said is None
    app.run(events=[press(pygame.K_2), []], max_frames=2)
    assert dialogue.last_said is not None and dialogue.lines
    app.run(events=[press(pygame.K_BACKSPACE), []], max_frames=2)
    assert app.scene is dialogue, type(app.scene).__name__
    assert dialogue.lines == [] and dialogue.last_said is None and not dialogue.holding
    app.draw(app.screen)
    assert len(dialogue.choice_boxes) == 2  # the Friday question, answerable again


def test_a_play_keeps_the_mode_it_was_started_in(app: App) -> None:
    """An assessed play is never resumed in practice (where it could be taken back),
    nor a practice play finished as an assessed one."""
    assessed = start(app, TOUR, practice=False)
    app.run(events=[press(pygame.K_3), []], max_frames=2)
    assert assessed.play.session.state.assessed and not assessed.play.can_take_back
    app.go("menu", how="reset")
    app.run(events=[[]], max_frames=1)
    practice = start(app, TOUR)  # not offered the assessed play to resume: a new one
    assert practice.play.session.decisions == [] and not practice.play.session.state.assessed
    store = app.results_store()
    assert store is not None
    statuses = {p["id"]: p["status"] for p in store.plays(trainee="Test Trainee")}
    assert statuses[assessed.play.recorder.play_id] == "playing"  # type: ignore[union-attr]
