"""What happens to input and to the picture when one screen gives way to the next.

These drive the real App with injected events; the real-window suite repeats the key
cases with a real X server and real key repeat.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from simulator.ui.app import App
from simulator.ui.input import Intent
from simulator.ui.scenes.debrief import SETTLE_SECONDS, DebriefScene
from simulator.ui.scenes.dialogue import DialogueScene
from simulator.ui.scenes.menu import MenuScene, open_scenario
from simulator.ui.scenes.resume import ResumePrompt
from simulator.ui.scenes.settings import SettingsScene
from simulator.userdata import Settings
from tests.ui.keyboard import key, press, release

ONE_DECISION = """\
format: 1
id: one-decision
title: One decision
start: ask
characters:
  cy: {name: Cy, role: customer}
nodes:
  ask:
    lines:
      - {speaker: cy, text: Can you help me?}
    choices:
      - {id: yes, text: Of course., effects: [satisfaction += 10], next: good}
      - {id: no, text: No., effects: [satisfaction -= 30], next: bad}
  good:
    ending: {title: Helped, kind: balanced}
  bad:
    ending: {title: Sent away, kind: lost}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""


def open_one_decision(app: App, tmp_path: Path) -> DialogueScene:
    path = tmp_path / "one-decision.yaml"
    path.write_text(ONE_DECISION, encoding="utf-8")
    app.push(MenuScene(app))
    open_scenario(app, path, None, "Test Trainee", seed=1, resume=False)
    scene = app.scene
    assert isinstance(scene, DialogueScene)
    return scene


def reach_debrief_holding(
    app: App, tmp_path: Path, repeats: int, code: int = pygame.K_1
) -> DebriefScene:
    """Pick the first choice with a key (1, or Enter on the first choice) and keep it held:
    its repeats arrive, one a frame."""
    dialogue = open_one_decision(app, tmp_path)
    app.run(events=[[], press(pygame.K_SPACE), []], max_frames=3)
    held = [[key(code)] for _ in range(repeats + 1)]
    app.run(events=held, max_frames=len(held))
    debrief = app.scene
    assert isinstance(debrief, DebriefScene), type(debrief).__name__
    assert debrief.play is dialogue.play
    return debrief


def settle(app: App) -> None:
    frames = round(SETTLE_SECONDS * 60) + 5
    app.run(events=[[]] * frames, max_frames=frames)


def test_a_key_held_through_the_ending_never_acts_on_the_debrief(app: App, tmp_path: Path) -> None:
    """Enter picked the last choice and stays down: its repeats, past the moment the
    debrief's buttons answer, would focus a button and then press it."""
    debrief = reach_debrief_holding(app, tmp_path, repeats=120, code=pygame.K_RETURN)
    app.run(events=[[key(pygame.K_RETURN)] for _ in range(60)], max_frames=60)
    assert app.scene is debrief
    assert debrief.selected is None


def test_the_debrief_ignores_habitual_presses_that_would_leave_it(app: App, tmp_path: Path) -> None:
    debrief = reach_debrief_holding(app, tmp_path, repeats=0)
    mash = [press(code) for code in (pygame.K_1, pygame.K_SPACE, pygame.K_2, pygame.K_RETURN)]
    app.run(events=[[release(pygame.K_1)], *mash * 5], max_frames=21)
    assert app.scene is debrief
    assert len(debrief.play.session.decisions) == 1


def test_leaving_the_debrief_takes_a_focused_button_and_enter(app: App, tmp_path: Path) -> None:
    debrief = reach_debrief_holding(app, tmp_path, repeats=0)
    app.run(events=[[release(pygame.K_1)]], max_frames=1)
    settle(app)
    app.run(events=[press(pygame.K_RIGHT), []], max_frames=2)
    assert app.scene is debrief and debrief.selected == 0
    app.run(events=[press(pygame.K_RIGHT), press(pygame.K_RETURN), []], max_frames=3)
    assert isinstance(app.scene, MenuScene)


def test_the_debrief_shows_before_its_review_is_ready(app: App, tmp_path: Path) -> None:
    """The search for better choices runs beside the loop: the debrief is drawn at once and
    takes the review in when it arrives."""
    debrief = reach_debrief_holding(app, tmp_path, repeats=0)
    app.draw(app.screen)  # whatever the review's progress, a full frame can be drawn
    reviews = debrief.wait_for_review(timeout=30)
    assert reviews is not None and len(reviews) == 1
    app.run(events=[[]], max_frames=1)
    app.draw(app.screen)


def test_the_frame_at_rest_is_drawn_when_the_typewriter_finishes(app: App, tmp_path: Path) -> None:
    """The last frame of the typewriter carries the final characters and the choices."""
    app.settings.text_speed = "fast"
    dialogue = open_one_decision(app, tmp_path)
    app.run(events=[[]] * 60, max_frames=60)  # a second of frames, no key pressed
    assert dialogue.typing_done
    assert len(dialogue.choice_boxes) == 2, "the frame with the choices was never drawn"


def test_the_window_title_names_the_screen(app: App, tmp_path: Path) -> None:
    reach_debrief_holding(app, tmp_path, repeats=0)
    assert pygame.display.get_caption()[0].startswith("Debrief: One decision")


def open_pause_after_one_decision(app: App) -> DialogueScene:
    tour = Path(__file__).resolve().parents[2] / "docs" / "examples" / "format-tour.yaml"
    app.push(MenuScene(app))
    open_scenario(app, tour, None, "Test Trainee", seed=1, resume=False)
    app.run(events=[[], press(pygame.K_SPACE), [], press(pygame.K_3), []], max_frames=5)
    dialogue = app.scene
    assert isinstance(dialogue, DialogueScene) and len(dialogue.play.session.decisions) == 1
    app.run(events=[press(pygame.K_ESCAPE), []], max_frames=2)
    return dialogue


def test_number_keys_do_nothing_in_the_pause_menu(app: App) -> None:
    dialogue = open_pause_after_one_decision(app)
    pause = app.scene
    app.run(events=[press(pygame.K_2), press(pygame.K_4), []], max_frames=3)
    assert app.scene is pause
    assert len(dialogue.play.session.decisions) == 1


def test_restarting_asks_first_and_the_safe_answer_has_the_focus(app: App) -> None:
    dialogue = open_pause_after_one_decision(app)
    # Resume, Take back my last answer, Restart: two steps down.
    keys = (pygame.K_DOWN, pygame.K_DOWN, pygame.K_RETURN)
    app.run(events=[*(press(key) for key in keys), []], max_frames=4)
    assert app.scene.confirming  # type: ignore[union-attr]
    app.run(events=[press(pygame.K_RETURN), [], press(pygame.K_ESCAPE), []], max_frames=4)
    assert app.scene is dialogue and len(dialogue.play.session.decisions) == 1


def test_a_confirmed_restart_starts_the_play_again(app: App) -> None:
    dialogue = open_pause_after_one_decision(app)
    keys = (pygame.K_DOWN, pygame.K_DOWN, pygame.K_RETURN, pygame.K_DOWN, pygame.K_RETURN)
    app.run(events=[*(press(key) for key in keys), []], max_frames=6)
    (restarted,) = [scene for scene in app.scenes if isinstance(scene, DialogueScene)]
    assert restarted is not dialogue and restarted.play.session.decisions == []


def test_in_high_contrast_the_meter_captions_are_light_on_the_dark_bar(app: App) -> None:
    app.settings.high_contrast = True
    app.apply_settings()
    dialogue = open_pause_after_one_decision(app)
    app.pop()
    app.draw(app.screen)
    label = dialogue.play.scenario.model.meters.satisfaction.label
    colours = {key[3] for key in app.fonts._wrapped if key[0] == label}
    assert colours and all(sum(colour) > 600 for colour in colours), colours


def test_a_play_left_before_any_decision_is_not_offered_for_resuming(app: App) -> None:
    tour = Path(__file__).resolve().parents[2] / "docs" / "examples" / "format-tour.yaml"
    app.push(MenuScene(app))
    open_scenario(app, tour, None, "Early Leaver", seed=1, resume=False)
    app.reset_to(MenuScene(app))
    open_scenario(app, tour, None, "Early Leaver")
    assert not isinstance(app.scene, ResumePrompt)
    assert any(isinstance(scene, DialogueScene) for scene in app.scenes)


def test_the_resume_prompt_speaks_to_the_trainee_and_says_where_they_were(app: App) -> None:
    dialogue = open_pause_after_one_decision(app)
    last = dialogue.play.session.decisions[-1].text
    app.reset_to(MenuScene(app))
    tour = Path(__file__).resolve().parents[2] / "docs" / "examples" / "format-tour.yaml"
    open_scenario(app, tour, None, "Test Trainee")
    prompt = app.scene
    assert isinstance(prompt, ResumePrompt)
    assert prompt.prompt.startswith("Welcome back, Test Trainee.") and last in prompt.prompt
    assert pygame.display.get_caption()[0].startswith("Resume? ")


def test_settings_opened_during_a_hungarian_play_speak_hungarian(app: App) -> None:
    from simulator.library import bundled_scenarios_dir
    from simulator.wording import wording

    app.push(MenuScene(app))
    late = bundled_scenarios_dir() / "late-client.yaml"
    open_scenario(app, late, "hu", "Teszt Elek", seed=1, resume=False)
    app.run(events=[[], press(pygame.K_RETURN), []], max_frames=3)
    app.run(events=[press(pygame.K_ESCAPE), []], max_frames=2)
    pause = app.scene
    pause.act("settings")  # type: ignore[union-attr]
    app.draw(app.screen)
    hungarian = wording("hu")
    assert pygame.display.get_caption()[0].startswith(hungarian("settings.title"))
    texts = {key[0] for key in [*app.fonts._surfaces, *app.fonts._wrapped]}
    assert hungarian("settings.text_size") in texts


WEEK = [
    "wait-visibly",
    "kadri-go",
    "wed-same-time",
    "text-half-seven",
    "fri-whenever",
    "kadri-home-fri",
    "book-next-year",
]


def test_debrief_run_json_store_and_report_agree_on_every_number(app: App, tmp_path: Path) -> None:
    """One week of late-client, played in the game and headless: each decision's share of
    satisfaction and cost is the same in the debrief, in `run --json`, in the results
    store and in the report's CSV, and the shares add up to the final meters."""
    import csv
    import json

    from simulator.library import bundled_scenarios_dir
    from simulator.records.store import ResultsStore
    from tests.conftest import run_cli
    from tests.ui.keyboard import keyboard_player

    path = bundled_scenarios_dir() / "late-client.yaml"
    picks = iter(WEEK)

    def pick(session) -> int:  # type: ignore[no-untyped-def]
        wanted = next(picks)
        return next(view.number for view in session.choices if view.id == wanted)

    app.push(MenuScene(app))
    open_scenario(app, path, None, "Agreeing Trainee", seed=0, resume=False)
    app.run(events=keyboard_player(app, pick), max_frames=3000)
    debrief = app.scene
    assert isinstance(debrief, DebriefScene)
    shown = [(d.satisfaction_delta, d.cost_delta) for d in debrief.result.decisions]

    done = run_cli("run", str(path), "--choices", ",".join(WEEK), "--seed", "0", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    headless = [(d["satisfaction_delta"], d["cost_delta"]) for d in data["decisions"]]

    store = ResultsStore.open()
    (played,) = store.plays(trainee="Agreeing Trainee")
    stored = [
        (row["satisfaction_delta"], row["cost_delta"]) for row in store.decisions([played["id"]])
    ]
    table = tmp_path / "decisions.csv"
    report = run_cli("report", "-o", str(tmp_path / "r.html"), "--csv", str(table))
    assert report.returncode == 0, report.stderr
    rows = [r for r in csv.DictReader(table.open(encoding="utf-8")) if r["play_id"] == played["id"]]
    reported = [(float(r["satisfaction_delta"]), float(r["cost_delta"])) for r in rows]

    assert shown == headless == stored == reported
    first = debrief.result.decisions[0]
    assert first.satisfaction_before + sum(s for s, _ in shown) == data["satisfaction"]
    assert first.cost_before + sum(c for _, c in shown) == data["cost"] == 5.5
    assert (data["score"], played["score"], debrief.result.score) == (79, 79, 79)


def test_the_clock_says_how_long_since_the_story_began_once_weeks_pass(
    app: App, tmp_path: Path
) -> None:
    path = tmp_path / "one-decision.yaml"
    path.write_text(
        ONE_DECISION.replace("start: ask\n", 'start: ask\nclock: {day: 1, time: "09:00"}\n'),
        encoding="utf-8",
    )
    app.push(MenuScene(app))
    open_scenario(app, path, None, "Test Trainee", seed=1, resume=False)
    dialogue = app.scene
    assert isinstance(dialogue, DialogueScene)
    assert dialogue._clock_text(1, "Day 1", "09:00") == "Day 1  09:00"
    assert dialogue._clock_text(15, "Monday", "09:00") == "Monday  09:00  ·  2 week(s) later"
    assert dialogue._clock_text(31, "Wednesday", "10:00").endswith("1 month(s) later")


def test_a_small_window_with_extra_large_text_shows_a_whole_menu_card() -> None:
    """800x600 with extra-large text: the header gives way so that the first card is
    seen whole, from its title down."""
    settings = Settings(trainee="Tess", text_size="x-large")
    small = App(settings, (800, 600), fullscreen=False)
    menu = MenuScene(small)
    small.push(menu)
    small.draw(small.screen)
    assert menu.cards and menu.scroll == 0
    card, area = menu.cards[0].rect, menu.card_area
    assert area.y <= card.top and card.bottom <= area.bottom, (card, area)


def test_the_settings_fit_their_panel_in_a_small_window_with_extra_large_text() -> None:
    settings = Settings(trainee="Tess", text_size="x-large", language="hu")
    small = App(settings, (800, 600), fullscreen=False)
    scene = SettingsScene(small)
    small.push(scene)
    small.draw(small.screen)
    last = scene.row_rects[-1]
    hint = small.fonts.wrap(
        scene.words("settings.hint"), small.theme.size(15), small.theme.muted, last.w - 12
    )
    bottom = last.bottom + 4 + len(hint) * small.fonts.line_height(small.theme.size(15))
    assert bottom <= 600 - 10 - 8, bottom  # the hint ends inside the panel, clear of its edge


def test_the_speech_panel_scrolls_back_to_lines_pushed_out_of_view(
    app: App, tmp_path: Path
) -> None:
    said = "      - {speaker: cy, text: " + "I have been waiting for a very long time. " * 3 + "}\n"
    path = tmp_path / "talkative.yaml"
    path.write_text(
        ONE_DECISION.replace("      - {speaker: cy, text: Can you help me?}\n", said * 12),
        encoding="utf-8",
    )
    app.push(MenuScene(app))
    open_scenario(app, path, None, "Test Trainee", seed=1, resume=False)
    app.run(events=[[], press(pygame.K_SPACE), []], max_frames=3)
    dialogue = app.scene
    assert isinstance(dialogue, DialogueScene) and dialogue.typing_done
    assert dialogue.speech_overflow > 0 and dialogue.speech_scroll == 0  # the newest in view
    over_the_speech = dialogue._speech_rect.center
    wheel_up = Intent("scroll", -1, position=over_the_speech)
    for _ in range(100):
        app.send(wheel_up)
        app.run(events=[[]], max_frames=1)
    assert dialogue.speech_scroll == dialogue.speech_overflow  # back at the first line
    app.send(Intent("scroll", 1, position=over_the_speech))
    assert dialogue.speech_scroll == dialogue.speech_overflow - 40
    assert len(dialogue.session.decisions) == 0  # scrolling picked nothing
