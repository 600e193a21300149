"""What a trainee at a real keyboard and screen gets, checked on a real X window.

Each test starts the game as its own process (see conftest.py), presses keys through
the X server and judges the result by the window's pixels and title and by the plays
in the results store: nothing here reaches inside the game.
"""

from __future__ import annotations

from pathlib import Path

from simulator.library import bundled_scenarios_dir, scenario_entries
from tests.realwindow.conftest import (
    APP_TITLE,
    MISSING_ORDER_TITLE,
    Game,
    Launcher,
    Results,
    Shot,
    wait_until,
)

# The same state drawn twice comes out pixel for pixel the same (measured: 0 pixels
# apart), so no slack: a missing full stop is only a dozen pixels.
SAME_PICTURE_TOLERANCE = 0
HELD_KEY_SECONDS = 1.5  # the game repeats a held key after 0.35 s, then every 0.04 s


def in_conversation(title: str, scenario_title: str = MISSING_ORDER_TITLE) -> bool:
    return title == f"{scenario_title} — {APP_TITLE}"


def on_debrief(title: str) -> bool:
    return title.startswith("Debrief")


def assert_same_picture(first: Shot, second: Shot, folder: Path, what: str) -> None:
    """Equal pictures, or a message saying where they differ, with both saved to look at."""
    count, box = first.difference(second)
    if count <= SAME_PICTURE_TOLERANCE:
        return
    a, b = first.save(folder / "first.png"), second.save(folder / "second.png")
    raise AssertionError(f"{what}: {count} pixels differ, within {box}; see {a} and {b}")


def one_finished_play(results: Results, trainee: str, game: Game) -> dict[str, object]:
    """The trainee's only play, which must have ended with an ending."""
    plays = results.plays(trainee)
    assert len(plays) == 1, (
        f"expected exactly one play for {trainee}, found {len(plays)}:\n"
        f"{results.summary(trainee)}" + game.context()
    )
    (play,) = plays
    assert play["status"] == "ended" and play["ending"], (
        f"the play did not end with an ending:\n{results.summary(trainee)}" + game.context()
    )
    return play


def test_text_at_rest_is_fully_drawn(launch: Launcher, tmp_path: Path) -> None:
    """When the typewriter has revealed the whole line, the window must show the whole
    line and the choices without waiting for a key. Redrawing the same screen (history
    and back) must therefore change nothing; a loop that stops drawing as soon as the
    animation ends leaves the last letter and the choices off until a key is pressed."""
    game = launch(text_speed="normal")
    game.wait_for_title(in_conversation, "the conversation")
    at_rest = game.settle(quiet=1.0)

    game.press("b")
    game.wait_for_title(lambda title: title.startswith("History"), "the history")
    game.settle(quiet=0.3)
    game.press("Escape")
    game.wait_for_title(in_conversation, "the conversation again")
    redrawn = game.settle(quiet=0.5)

    assert_same_picture(
        at_rest, redrawn, tmp_path, "the screen at rest differs from the same screen redrawn"
    )


def test_key_held_at_the_ending_does_not_leave_the_debrief(launch: Launcher) -> None:
    """A trainee who keeps a finger on the key of the last choice reaches the debrief
    with that key still repeating. The repeats must not count as "Play again" (a new play
    recorded, the debrief skipped unread); leaving must take a deliberate act."""
    trainee = "Holder"
    game = launch(trainee=trainee, text_speed="instant")
    game.wait_for_title(in_conversation, "the conversation")
    game.settle(quiet=0.3)

    game.hold("1", HELD_KEY_SECONDS)
    game.settle(quiet=1.0)

    one_finished_play(launch.results, trainee, game)
    title = game.title()
    assert on_debrief(title), f"the debrief is not showing: {title!r}" + game.context()

    # A deliberate act still leaves: give a button focus, then Enter.
    game.press("Right")
    game.press("Return")
    game.wait_for_title(lambda title: not on_debrief(title), "something else than the debrief")


def test_a_key_held_through_an_answer_does_not_answer_the_next_question(
    launch: Launcher,
) -> None:
    """A finger resting on 3 answers the first question; the key's repeats must not
    answer the next one, which has a third choice too and shows at once (instant text):
    an answer the trainee never read. Letting go and pressing again does answer it."""
    trainee = "Rester"
    game = launch(trainee=trainee, text_speed="instant")
    game.wait_for_title(in_conversation, "the conversation")
    game.settle(quiet=0.3)

    game.hold("3", HELD_KEY_SECONDS)
    game.settle(quiet=0.5)
    (play,) = launch.results.plays(trainee)
    decisions = [d["choice"] for d in launch.results.decisions(str(play["id"]))]
    assert decisions == ["ask-address"], launch.results.summary(trainee) + game.context()

    game.press("3")
    wait_until(
        lambda: (
            [d["choice"] for d in launch.results.decisions(str(play["id"]))]
            == ["ask-address", "call-courier"]
        ),
        10,
        lambda: launch.results.summary(trainee) + game.context(),
    )


def test_mashing_through_the_ending_records_one_play(launch: Launcher) -> None:
    """Space and 1 pressed over and over (finish the text, pick, continue...) carry on
    into the debrief, where they must not start the scenario again."""
    trainee = "Masher"
    game = launch(trainee=trainee, text_speed="normal")
    game.wait_for_title(in_conversation, "the conversation")

    game.press(*["space", "1"] * 10, delay_ms=40)
    game.settle(quiet=1.0)

    one_finished_play(launch.results, trainee, game)
    title = game.title()
    assert on_debrief(title), f"the debrief is not showing: {title!r}" + game.context()


def test_full_play_to_the_debrief_by_keyboard_alone(launch: Launcher) -> None:
    """A bundled scenario can be played from its first screen to the debrief with keys
    only: 1 to pick the first choice (or close a card, or finish the text), and Space
    to go on where picking does nothing."""
    entry = next(
        e for e in scenario_entries(bundled_scenarios_dir()) if e.id == "unreasonable-return"
    )
    trainee = "Keys Only"
    game = launch(entry.path, trainee=trainee, seed=1, text_speed="instant", reduced_motion=True)
    game.wait_for_title(lambda title: in_conversation(title, entry.title), "the conversation")

    def step() -> bool:
        """One look and one key press; True once the debrief shows."""
        shot = game.settle(quiet=0.4)
        if on_debrief(game.title()):
            return True
        game.press("1")
        if not game.changes_from(shot, within=0.5):
            game.press("space")
        return False

    wait_until(step, 40, lambda: "the play never reached the debrief" + game.context(), 0)

    play = one_finished_play(launch.results, trainee, game)
    assert launch.results.decisions(str(play["id"])), "no decision was recorded"


def test_closing_the_window_then_resuming_continues_the_play(launch: Launcher) -> None:
    """Closing the window mid-play loses nothing: started again, the game offers to
    resume, and resuming carries on the same play from the same place."""
    trainee = "Closer"
    results = launch.results
    game = launch(trainee=trainee, seed=7, text_speed="instant")
    game.wait_for_title(in_conversation, "the conversation")
    game.settle(quiet=0.3)
    game.press("3")  # asks for the address: one decision, and the play goes on

    def one_decision() -> bool:
        plays = results.plays(trainee)
        return len(plays) == 1 and len(results.decisions(plays[0]["id"])) == 1

    wait_until(one_decision, 10, lambda: results.summary(trainee) + game.context())
    game.close_window()
    assert game.wait_for_exit(10) == 0, "closing the window is not a clean exit" + game.context()
    (left,) = results.plays(trainee)
    assert left["status"] == "playing" and left["snapshot"], results.summary(trainee)

    again = launch(trainee=trainee, seed=7, text_speed="instant")
    again.settle(quiet=0.5)
    assert not in_conversation(again.title()), (
        "started again, the game went straight into a conversation instead of offering "
        "to resume" + again.context()
    )
    again.press("Return")  # "Resume" has the focus
    again.wait_for_title(in_conversation, "the resumed conversation")
    again.settle(quiet=0.3)
    again.press("1")  # at the second question, the first choice ends the play

    def resumed_and_finished() -> bool:
        plays = results.plays(trainee)
        return len(plays) == 1 and plays[0]["status"] == "ended"

    wait_until(resumed_and_finished, 10, lambda: results.summary(trainee) + again.context())
    (play,) = results.plays(trainee)
    assert play["id"] == left["id"]
    assert [d["choice"] for d in results.decisions(play["id"])] == ["ask-address", "send-new"]


def on_pause(title: str) -> bool:
    return title.startswith("Paused")


def test_pause_acts_on_deliberate_keys_only_and_asks_before_restarting(launch: Launcher) -> None:
    """One Esc too many, then a number key meant for a choice, must not throw anything
    away; restarting asks first, with the safe answer in focus."""
    trainee = "Pauser"
    results = launch.results
    game = launch(trainee=trainee, seed=2, text_speed="instant")
    game.wait_for_title(in_conversation, "the conversation")
    game.settle(quiet=0.3)
    game.press("3")  # asks for the address: one decision, and the play goes on

    def decisions() -> list[str]:
        plays = results.plays(trainee)
        return [d["choice"] for p in plays for d in results.decisions(p["id"])]

    wait_until(lambda: decisions() == ["ask-address"], 10, lambda: results.summary(trainee))
    game.press("Escape")
    game.wait_for_title(on_pause, "the pause menu")
    paused = game.settle(quiet=0.3)
    game.press("2", "1")  # number keys do nothing in the pause menu
    assert not game.changes_from(paused, within=0.5), "a number key acted in the pause menu"
    assert on_pause(game.title()) and decisions() == ["ask-address"]

    # Resume, Take back my last answer, Restart: Restart asks, and Enter on the focused
    # "Keep playing" goes back to the pause menu, from which Esc returns to the play.
    game.press("Down", "Down", "Return")
    asking = game.settle(quiet=0.3)
    assert asking.rgb != paused.rgb, "restarting did not ask first" + game.context()
    game.press("Return")
    game.settle(quiet=0.3)
    assert on_pause(game.title())
    game.press("Escape")
    game.wait_for_title(in_conversation, "the conversation, kept")
    assert len(results.plays(trainee)) == 1 and decisions() == ["ask-address"]

    # Asked and confirmed, it starts again: the left play is kept, marked abandoned.
    game.press("Escape")
    game.wait_for_title(on_pause, "the pause menu again")
    game.settle(quiet=0.3)
    game.press("Down", "Down", "Return")
    game.settle(quiet=0.3)
    game.press("Down", "Return")
    game.wait_for_title(in_conversation, "the restarted conversation")

    def restarted() -> bool:
        plays = results.plays(trainee)
        return len(plays) == 2 and plays[0]["status"] == "abandoned"

    wait_until(restarted, 10, lambda: results.summary(trainee) + game.context())
    first, second = results.plays(trainee)
    assert [d["choice"] for d in results.decisions(first["id"])] == ["ask-address"]
    assert results.decisions(second["id"]) == []


def test_backspace_takes_back_the_last_answer_in_practice(launch: Launcher) -> None:
    """Practice lets a trainee try the other answer: Backspace returns to the question,
    the store keeps the taken-back answer aside, and the play goes on from there."""
    trainee = "Rewinder"
    results = launch.results
    game = launch(trainee=trainee, seed=3, text_speed="instant")
    game.wait_for_title(in_conversation, "the conversation")
    asked = game.settle(quiet=0.3)
    game.press("3")

    def play() -> dict[str, object] | None:
        plays = results.plays(trainee)
        return plays[0] if len(plays) == 1 else None

    wait_until(
        lambda: (found := play()) and len(results.decisions(str(found["id"]))) == 1,
        10,
        lambda: results.summary(trainee) + game.context(),
    )
    game.settle(quiet=0.3)
    game.press("BackSpace")
    found = play()
    assert found is not None
    play_id = str(found["id"])
    wait_until(
        lambda: not results.decisions(play_id) and results.taken_back(play_id),
        10,
        lambda: results.summary(trainee) + game.context(),
    )
    again = game.settle(quiet=0.5)
    count, _ = again.difference(asked)
    assert count < asked.surface().get_width() * 20, (
        "after taking the answer back the question does not show as it was first asked"
        + game.context()
    )
    (aside,) = results.taken_back(play_id)
    assert (aside["choice"], aside["why"]) == ("ask-address", "taken back")

    game.press("1")  # answered otherwise, and this answer ends the play
    game.wait_for_title(on_debrief, "the debrief")
    assert [d["choice"] for d in results.decisions(play_id)] == ["own-it"]
