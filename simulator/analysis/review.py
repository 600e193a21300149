"""Looking back over a finished play: where a different choice would have done better."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from simulator.analysis.estimate import search_budget
from simulator.analysis.explore import (
    TIMEOUT,
    Explorer,
    StateSpaceTooLarge,
    apply_option,
    options,
)
from simulator.engine.plan import ChoicePlan, plan_for
from simulator.engine.script import settle
from simulator.engine.session import DecisionRecord, Session
from simulator.scenario.model import Choice
from simulator.scenario.playable import PlayableScenario

MEANINGFUL_GAIN = 1.0  # score points; smaller differences are not worth a trainee's attention
# The search behind the debrief's marks and hints, made beside the play (prepare_review)
# or else beside the debrief; past this bound there are none. The largest scenario we ship
# holds 160,000 states.
REVIEW_MAX_STATES = 300_000


#: How a decision is marked in the debrief.
WELL_JUDGED, COULD_BE_BETTER, COSTLY = "well-judged", "could-be-better", "costly"


@dataclass(frozen=True)
class DecisionReview:
    decision: DecisionRecord
    verdict: str | None  # WELL_JUDGED, COULD_BE_BETTER or COSTLY; None when not weighed
    chosen_value: float  # best expected score still reachable after the choice made
    better_choice: str | None  # the id of a clearly better option, if there was one
    better_text: str | None
    better_value: float | None
    better_feedback: str = ""  # why it is better, in the scenario's own words
    better_lesson: str | None = None

    @classmethod
    def unreviewed(cls, decision: DecisionRecord) -> DecisionReview:
        """A decision shown as it was, with nothing weighed against it."""
        return cls(decision, None, float("nan"), None, None, None)


@dataclass(frozen=True)
class _Option:
    id: str
    best: float  # the best single outcome still reachable after it
    expected: float  # the best expected score after it, random branches averaged
    choice: Choice | None  # None for letting the timer run out
    feedback: str  # as the trainee would have read it after this option


def review_decisions(
    scenario: PlayableScenario,
    seed: int,
    decisions: list[DecisionRecord] | tuple[DecisionRecord, ...],
    max_states: int = REVIEW_MAX_STATES,
    counted: Callable[[int], None] | None = None,
) -> list[DecisionReview]:
    """Replay the trainee's decisions and weigh every option they had at each one. In a
    scenario too large to search, there is nothing to weigh them by: no hints, not a
    guess. A map whose routes say the search cannot finish gets the short search that
    ``analyse`` gives it, so such a debrief says so in a moment, not after seconds.

    The searched states of the last scenario reviewed (or prepared, see
    ``prepare_review``) are kept, so that the next play of it ("Play again", the next
    playthrough test of a file) is weighed at once. Every value read from them is what a
    fresh search finds; should the kept states and the new ones together pass the bound,
    the review is made again from nothing, so that whether a play gets hints never
    depends on the plays before it. ``counted`` is told the number of states searched
    as the search goes (see ``Explorer``), for a command's status line."""
    global _kept
    bound = search_budget(scenario, max_states)[0]
    _stop_preparing_other_than(scenario)
    with _reviewing:
        kept = _take_kept(scenario, bound)
        if kept is not None:
            reviews, complete = _review(scenario, seed, decisions, kept, counted)
            if complete:
                _kept = (weakref.ref(scenario), kept)
                return reviews
        fresh = Explorer(bound)
        reviews, complete = _review(scenario, seed, decisions, fresh, counted)
        if complete:
            _kept = (weakref.ref(scenario), fresh)
        return reviews


def prepare_review(scenario: PlayableScenario) -> None:
    """Search every state of the scenario ahead of its debrief: the game calls this, beside
    its loop, as a play begins, so that the search is done while the trainee reads and
    decides, and the debrief's marks are there at once (about four seconds of work for
    the largest scenario we ship). Nothing is kept when the search passes the bound;
    the debrief's review then searches as it would have."""
    global _kept, _preparing
    bound = search_budget(scenario, REVIEW_MAX_STATES)[0]
    _stop_preparing_other_than(scenario)
    with _reviewing:
        explorer = _take_kept(scenario, bound) or Explorer(bound)
        _preparing = (weakref.ref(scenario), explorer)
        try:
            explorer.search(Session.start(scenario, exploring=True))
        except StateSpaceTooLarge:
            return
        finally:
            _preparing = None
        _kept = (weakref.ref(scenario), explorer)


#: The last scenario reviewed or prepared, and its searched states; the debrief reviews
#: beside the game's loop, so one review at a time.
_kept: tuple[weakref.ref[PlayableScenario], Explorer] | None = None
_reviewing = threading.Lock()
#: The search ``prepare_review`` is making, and for which scenario.
_preparing: tuple[weakref.ref[PlayableScenario], Explorer] | None = None


def _stop_preparing_other_than(scenario: PlayableScenario) -> None:
    """Stop a search made ahead for another scenario (the trainee has moved on to a new
    one, or the preview reloaded the file), rather than wait seconds for it to finish."""
    preparing = _preparing
    if preparing is not None and preparing[0]() is not scenario:
        preparing[1].stop()


def _take_kept(scenario: PlayableScenario, bound: int) -> Explorer | None:
    """The kept states, if they are this scenario's, searched within this bound; taken out,
    since a search that passes its bound leaves them half-searched (the caller puts them
    back when its search finished). Hold ``_reviewing``."""
    global _kept
    kept = _kept
    _kept = None
    if kept is None or kept[0]() is not scenario or kept[1].max_states != bound:
        return None
    return kept[1]


def _review(
    scenario: PlayableScenario,
    seed: int,
    decisions: list[DecisionRecord] | tuple[DecisionRecord, ...],
    explorer: Explorer,
    counted: Callable[[int], None] | None = None,
) -> tuple[list[DecisionReview], bool]:
    """The reviews, and whether the search stayed within its bound (if not, the explorer
    is left half-searched and the decisions from there on are not weighed). The explorer
    tells ``counted`` its count only meanwhile: a kept one outlives the command's line."""
    explorer.counted = counted
    try:
        session = Session.start(scenario, seed=seed)
        plans = plan_for(scenario).nodes
        applying = {
            choice: lesson_id
            for lesson_id, lesson in reversed(scenario.model.lessons.items())
            for choice in lesson.applied_by
        }  # each choice to the first lesson that lists it
        pass_mark = scenario.model.scoring.pass_mark
        reviews = []
        too_large = False
        for decision in decisions:
            settle(session)
            chosen = decision.choice or TIMEOUT
            weighed: dict[str, _Option] = {}
            if not too_large:
                try:
                    weighed = _weigh(explorer, session, plans[session.state.node].by_id)
                except StateSpaceTooLarge:
                    too_large = True
            if chosen not in weighed:
                reviews.append(DecisionReview.unreviewed(decision))
            else:
                reviews.append(_judge(decision, weighed, chosen, applying, pass_mark))
            apply_option(session, chosen)
        return reviews, not too_large
    finally:
        explorer.counted = None


def _weigh(
    explorer: Explorer, session: Session, plans: Mapping[str, ChoicePlan]
) -> dict[str, _Option]:
    found = {}
    for option in options(session):
        branch = session.fork(exploring=True)
        apply_option(branch, option)
        summary = explorer.summary(branch)
        plan = plans.get(option)
        choice = plan.choice if plan else None
        found[option] = _Option(
            option, summary.best, summary.expected, choice, _feedback_after(session, option)
        )
    return found


def _feedback_after(session: Session, option: str) -> str:
    """The feedback the trainee would have got for this option, as this play stood."""
    if option == TIMEOUT:
        return ""
    trial = session.fork(exploring=False)
    trial.choose(option)
    return trial.decisions[-1].feedback


def _judge(
    decision: DecisionRecord,
    weighed: dict[str, _Option],
    chosen: str,
    applying: Mapping[str, str],
    pass_mark: float,
) -> DecisionReview:
    """Mark the decision and, where one clearly does better, name a better option.

    The mark weighs the numbers; the option named must also teach. Neither ever holds up
    an option that can no longer end well while another still can, nor a critical
    mistake. A choice that applied a lesson is weighed only against others that apply
    one. The option named as better always applies a lesson (is in a lesson's
    ``applied_by``): a plain give-in, a flat no or an outburst may score more in some
    play, but a debrief that recommends it teaches the opposite of its own feedback.
    And a choice that applied no lesson, where one that does was on offer and would have
    done at least as well, is never "well judged": later choices could still make up
    for it, but "well judged" above feedback that says it misled the customer teaches
    nothing."""
    mine = weighed[chosen]
    could_pass = any(option.best >= pass_mark for option in weighed.values())
    rivals = [
        option
        for option in weighed.values()
        if option.id not in (chosen, TIMEOUT)
        and option.choice is not None
        and option.choice.critical is None
        and (option.best >= pass_mark or not could_pass)
        and (chosen not in applying or option.id in applying)
    ]

    def clearly_better(options: list[_Option]) -> _Option | None:
        best = max(options, key=lambda option: option.expected, default=None)
        return best if best and best.expected - mine.expected >= MEANINGFUL_GAIN else None

    lessons = [option for option in rivals if option.id in applying]
    better = clearly_better(lessons)
    if better is None and chosen not in applying:
        # A lesson was on offer and would have done as well: the choice is not the one
        # to learn, whatever later choices could still make up for it.
        better = max(
            (option for option in lessons if option.expected >= mine.expected),
            key=lambda option: option.expected,
            default=None,
        )
    if decision.critical or (could_pass and mine.best < pass_mark):
        verdict = COSTLY
    elif better is not None or clearly_better(rivals) is not None:
        verdict = COULD_BE_BETTER
    else:
        verdict = WELL_JUDGED
    if better is None or better.choice is None:
        return DecisionReview(decision, verdict, mine.expected, None, None, None)
    return DecisionReview(
        decision,
        verdict,
        mine.expected,
        better.id,
        better.choice.text,
        better.expected,
        better.feedback,
        better.choice.lesson or applying[better.id],
    )
