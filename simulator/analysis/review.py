"""Looking back over a finished play: where a different choice would have done better."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.analysis.explore import TIMEOUT, Explorer, StateSpaceTooLarge, apply_option
from simulator.engine.script import settle
from simulator.engine.session import DecisionRecord, Session
from simulator.scenario.playable import PlayableScenario

MEANINGFUL_GAIN = 1.0  # score points; smaller differences are not worth a trainee's attention
# The debrief waits for this search: about a second and a half at most on a slow machine.
REVIEW_MAX_STATES = 100_000


@dataclass(frozen=True)
class DecisionReview:
    decision: DecisionRecord
    chosen_value: float  # best expected score still reachable after the choice made
    better_choice: str | None  # the id of a clearly better option, if there was one
    better_text: str | None
    better_value: float | None

    @classmethod
    def unreviewed(cls, decision: DecisionRecord) -> DecisionReview:
        """A decision shown as it was, with nothing weighed against it."""
        return cls(decision, float("nan"), None, None, None)


def review_decisions(
    scenario: PlayableScenario,
    seed: int,
    decisions: list[DecisionRecord] | tuple[DecisionRecord, ...],
) -> list[DecisionReview]:
    """Replay the trainee's decisions and weigh every option they had at each one. In a
    scenario too large to search, there is nothing to weigh them by: no hints, not a
    guess."""
    session = Session.start(scenario, seed=seed)
    explorer = Explorer(REVIEW_MAX_STATES)
    reviews = []
    too_large = False
    for decision in decisions:
        settle(session)
        texts = {view.id: view.text for view in session.choices}
        texts[TIMEOUT] = "(let the time run out)"
        try:
            values = {} if too_large else explorer.option_values(session)
        except StateSpaceTooLarge:
            too_large, values = True, {}
        chosen = decision.choice or TIMEOUT
        chosen_value = values.get(chosen, float("-inf"))
        best = max(values, key=lambda option: values[option]) if values else chosen
        if best != chosen and best != TIMEOUT and values[best] - chosen_value >= MEANINGFUL_GAIN:
            reviews.append(
                DecisionReview(decision, chosen_value, best, texts.get(best), values[best])
            )
        else:
            reviews.append(DecisionReview(decision, chosen_value, None, None, None))
        apply_option(session, chosen)
    return reviews
