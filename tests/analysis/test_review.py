"""The debrief's "a better choice here" must teach the lesson, never its opposite."""

from __future__ import annotations

import random
from collections.abc import Callable

from simulator.analysis.review import (
    COSTLY,
    COULD_BE_BETTER,
    WELL_JUDGED,
    DecisionReview,
    prepare_review,
    review_decisions,
)
from simulator.engine.script import settle
from simulator.engine.session import Session
from simulator.library import bundled_scenarios_dir, scenario_files
from simulator.scenario.loader import load_scenario
from simulator.scenario.playable import PlayableScenario
from tests.plays import play_through, review_measured

SCORING = "scoring: {target: {satisfaction: 70, cost: 2}, cost_limit: 10, pass_mark: 70}\n"


def review(scenario: PlayableScenario, *choices: str, seed: int = 1) -> list[DecisionReview]:
    session = Session.start(scenario, seed=seed)
    for choice in choices:
        settle(session)
        session.choose(choice)
    settle(session)
    assert session.result() is not None
    return review_decisions(scenario, seed, session.decisions)


# 'fair' keeps him half the time (a balanced ending) and loses him otherwise: on average
# it scores less than the outburst, whose every play ends with the customer lost.
GAMBLE = (
    """\
format: 1
id: gamble
title: Gamble
start: ask
lessons:
  fair: {title: Be fair, debrief: Say what you can do., applied_by: [fair]}
nodes:
  ask:
    choices:
      - {id: shrug, text: Shrug, effects: [satisfaction += 5], next: meh}
      - {id: outburst, text: Tell him off, effects: [satisfaction += 25], next: gone}
      - id: fair
        text: Offer what is fair
        effects: [satisfaction += 20]
        next: coin
        feedback: A fair offer keeps the door open.
        lesson: fair
  coin:
    random:
      - {weight: 1, next: kept}
      - {weight: 1, next: gone}
  meh: {ending: {kind: other, title: Meh}}
  kept: {ending: {kind: balanced, title: Kept}}
  gone: {ending: {kind: lost, title: Gone}}
"""
    + SCORING
)

# Giving in scores higher inside the balanced band than the visible favour, but it is
# a plain give-in: the debrief must not hold it up to a trainee who applied the lesson.
FAVOUR = (
    """\
format: 1
id: favour
title: Favour
start: ask
lessons:
  visible: {title: Make it visible, debrief: Say it is a favour., applied_by: [visible]}
nodes:
  ask:
    choices:
      - {id: visible, text: Just this once for you, effects: [satisfaction += 10, cost += 4],
         next: good, lesson: visible}
      - {id: give-in, text: Sure thing, effects: [satisfaction += 20, cost += 2],
         next: good, tags: [accommodate]}
      - id: lie
        text: The system won't let me
        effects: [satisfaction += 20]
        next: good
        critical: Inventing a system rule is a lie the customer will find out.
  good: {ending: {kind: balanced, title: Good}}
"""
    + SCORING
)


# Telling him off scores most, hearing him out less, shrugging least. Only hearing him out
# applies a lesson.
VENT = (
    """\
format: 1
id: vent
title: Vent
start: ask
lessons:
  listen: {title: Listen first, debrief: Hear the whole complaint., applied_by: [listen]}
nodes:
  ask:
    choices:
      - {id: shrug, text: Shrug, effects: [satisfaction += 5], next: done}
      - {id: vent, text: Tell him what you think, effects: [satisfaction += 40], next: done,
         tags: [vent], feedback: It felt good and it ended the account.}
      - {id: listen, text: Hear him out, effects: [satisfaction += 10], next: done,
         lesson: listen, feedback: He felt heard.}
  done: {ending: {kind: balanced, title: Done}}
"""
    + SCORING
)


def test_the_better_choice_named_always_applies_a_lesson(
    playable: Callable[[str], PlayableScenario],
) -> None:
    """The outburst scores more, but a debrief recommending it would teach the opposite
    of its own feedback: hearing him out is named, and the shrug still could be better."""
    (decision,) = review(playable(VENT), "shrug")
    assert decision.verdict == COULD_BE_BETTER
    assert decision.better_choice == "listen"
    assert decision.better_feedback == "He felt heard."


def test_a_lesson_applied_is_weighed_only_against_other_lessons(
    playable: Callable[[str], PlayableScenario],
) -> None:
    (decision,) = review(playable(VENT), "listen")
    assert decision.verdict == WELL_JUDGED
    assert decision.better_choice is None


def test_with_no_lesson_on_offer_a_weak_choice_is_marked_but_nothing_is_named(
    playable: Callable[[str], PlayableScenario],
) -> None:
    text = VENT.replace("applied_by: [listen]", "applied_by: []")
    (decision,) = review(playable(text), "shrug")
    assert decision.verdict == COULD_BE_BETTER
    assert decision.better_choice is None


# Promising on the spot and checking first end the same way here (later steps could make
# up for the promise); only checking first applies the lesson.
TIE = (
    """\
format: 1
id: tie
title: Tie
start: ask
lessons:
  check: {title: Check before you promise, debrief: Check first., applied_by: [check]}
nodes:
  ask:
    choices:
      - {id: promise, text: I will sort it, effects: [satisfaction += 10], next: done,
         tags: [accommodate], feedback: You promised before you had checked.}
      - {id: check, text: Let me check first, effects: [satisfaction += 10], next: done,
         feedback: You checked before promising.}
  done: {ending: {kind: balanced, title: Done}}
"""
    + SCORING
)


def test_a_choice_that_passed_a_lesson_by_is_never_well_judged(
    playable: Callable[[str], PlayableScenario],
) -> None:
    """The numbers tie, but "well judged" above "you promised before you had checked"
    would teach nothing: the lesson on offer is named."""
    (decision,) = review(playable(TIE), "promise")
    assert decision.verdict == COULD_BE_BETTER
    assert decision.better_choice == "check"
    (decision,) = review(playable(TIE), "check")
    assert decision.verdict == WELL_JUDGED and decision.better_choice is None


def test_never_recommends_what_can_only_lose_the_customer_while_another_can_keep_him(
    playable: Callable[[str], PlayableScenario],
) -> None:
    (decision,) = review(playable(GAMBLE), "shrug")
    assert decision.better_choice == "fair"  # not the outburst, though its mean is higher
    assert decision.better_feedback == "A fair offer keeps the door open."
    assert decision.better_lesson == "fair"


def test_never_recommends_a_plain_give_in_over_a_lesson_applied(
    playable: Callable[[str], PlayableScenario],
) -> None:
    (decision,) = review(playable(FAVOUR), "visible")
    assert decision.better_choice is None
    assert decision.verdict == WELL_JUDGED


def test_never_recommends_a_critical_mistake(
    playable: Callable[[str], PlayableScenario],
) -> None:
    (decision,) = review(playable(FAVOUR), "give-in")
    assert decision.better_choice != "lie"


def test_a_critical_mistake_is_marked_costly(playable: Callable[[str], PlayableScenario]) -> None:
    (decision,) = review(playable(FAVOUR), "lie")
    assert decision.verdict == COSTLY


def test_a_choice_that_closes_every_way_to_pass_is_costly(
    playable: Callable[[str], PlayableScenario],
) -> None:
    (decision,) = review(playable(GAMBLE), "outburst")
    assert decision.verdict == COSTLY and decision.better_choice == "fair"


def test_a_clearly_better_option_marks_the_decision_could_be_better(
    playable: Callable[[str], PlayableScenario],
) -> None:
    scenario = playable(GAMBLE.replace("weight: 1, next: gone", "weight: 0.01, next: gone"))
    (decision,) = review(scenario, "shrug")
    assert decision.verdict == COULD_BE_BETTER


def test_every_bundled_scenario_marks_every_decision_and_names_only_lessons() -> None:
    """Over plays of every scenario we ship (chosen at random, seeded): the debrief marks
    every decision (none is too large for the review's search; three were, and showed no
    mark at all), and every better choice it names applies one of the scenario's lessons
    (over 25 such plays of each, 43 hints named a give-in, a flat no or an outburst whose
    own feedback condemned it)."""
    for path in scenario_files([bundled_scenarios_dir()]):
        loaded = load_scenario(path)
        assert loaded.scenario is not None, path
        scenario = loaded.scenario
        applying = {c for lesson in scenario.model.lessons.values() for c in lesson.applied_by}
        named = 0
        for seed in range(6):
            at_random = random.Random(seed).choice
            session = play_through(scenario, seed, lambda offered, _, pick=at_random: pick(offered))
            reviews = review_decisions(scenario, seed, session.decisions)
            unweighed = [r.decision.choice for r in reviews if r.verdict is None]
            assert not unweighed, f"{scenario.id}, seed {seed}: no mark for {unweighed}"
            for review in reviews:
                if review.better_choice is not None:
                    named += 1
                    assert review.better_choice in applying, (
                        f"{scenario.id}, seed {seed}: at {review.decision.node} the debrief "
                        f"names {review.better_choice}, which applies no lesson"
                    )
        assert named, f"{scenario.id}: no better choice named in six plays"


def test_the_next_play_of_a_scenario_is_weighed_without_searching_again() -> None:
    """'Play again' gets its hints at once: the second review of late-client finds every
    state it needs already searched, and says exactly what the first said."""
    loaded = load_scenario(bundled_scenarios_dir() / "late-client.yaml")
    assert loaded.scenario is not None
    scenario = loaded.scenario
    session = play_through(scenario, 2)
    (first, first_peak), (second, second_peak) = (review_measured(scenario, session) for _ in "ab")
    answers, peaks = [first, second], [first_peak, second_peak]
    assert answers[0] == answers[1]
    assert all(review.verdict is not None for review in answers[0])
    assert peaks[1] < peaks[0] / 10, f"peaks {peaks}"


def _two_wings(steps: int) -> str:
    """A coin toss before the first decision sends a play down one of two wings, each a
    row of remembered yes-or-no steps."""
    flag = "{type: int, default: 0, min: 0, max: 1}"
    variables, nodes = [], []
    for wing in "ab":
        for n in range(steps):
            variables.append(f"  {wing}{n}: {flag}")
            following = f"{wing}{n + 1}" if n + 1 < steps else "check"
            nodes.append(
                f"  {wing}{n}:\n    choices:\n"
                f"      - {{id: {wing}yes{n}, text: Yes, effects: [{wing}{n} = 1], "
                f"next: {following}}}\n"
                f"      - {{id: {wing}no{n}, text: No, effects: [satisfaction += 10], "
                f"next: {following}}}"
            )
    total = " + ".join(f"{wing}{n}" for wing in "ab" for n in range(steps))
    return (
        "format: 1\nid: wings\ntitle: Wings\nstart: toss\nvariables:\n"
        + "\n".join(variables)
        + "\nnodes:\n  toss:\n    random:\n      - {weight: 1, next: a0}\n"
        "      - {weight: 1, next: b0}\n"
        + "\n".join(nodes)
        + f"\n  check:\n    branch:\n      - {{if: '{total} >= 2', next: good}}\n"
        "      - {next: bad}\n"
        "  good: {ending: {kind: balanced, title: Good}}\n"
        "  bad: {ending: {kind: lost, title: Bad}}\n" + SCORING
    )


def test_states_kept_from_an_earlier_play_never_cost_a_later_one_its_hints(
    playable: Callable[[str], PlayableScenario],
) -> None:
    """Each wing fits the bound, the two together do not: the play down the second wing
    must still be weighed, exactly as a review with nothing kept weighs it."""
    text = _two_wings(5)
    scenario = playable(text)
    by_wing: dict[str, int] = {}
    for seed in range(40):
        first = play_through(scenario, seed).decisions[0].node
        by_wing.setdefault(first, seed)
    assert set(by_wing) == {"a0", "b0"}
    bound = 50  # a wing holds 36 states, the two 72
    first_play = play_through(scenario, by_wing["a0"]).decisions
    first = review_decisions(scenario, by_wing["a0"], first_play, bound)
    assert all(review.verdict is not None for review in first)
    second_play = play_through(scenario, by_wing["b0"]).decisions
    after_the_first = review_decisions(scenario, by_wing["b0"], second_play, bound)
    alone = review_decisions(playable(text), by_wing["b0"], second_play, bound)
    assert after_the_first == alone
    assert all(review.verdict is not None for review in alone)


def test_a_review_prepared_while_the_trainee_plays_searches_nothing_more() -> None:
    """The game prepares the review as a play begins: the debrief then weighs the play
    without searching, and says what a review with nothing prepared says."""
    path = bundled_scenarios_dir() / "late-client.yaml"
    prepared, unprepared = load_scenario(path).scenario, load_scenario(path).scenario
    assert prepared is not None and unprepared is not None
    prepare_review(prepared)
    session = play_through(prepared, 4)
    reviews, peak = review_measured(prepared, session)
    assert peak < 2**20, f"the prepared review still allocated {peak / 2**20:.1f} MiB"
    assert reviews == review_decisions(unprepared, 4, session.decisions)
    assert all(review.verdict is not None for review in reviews)
