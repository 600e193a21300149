"""The score: the ending's kind sets its band, the balance of satisfaction and cost places
it there, and a critical mistake keeps it below the pass mark."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine.scoring import score_outcome
from simulator.scenario.model import Grade, Scoring, Target
from simulator.wording import wording

SCORING = Scoring(
    target=Target(satisfaction=70, cost=3), cost_limit=12, pass_mark=70, satisfaction_weight=0.5
)
KINDS = ("balanced", "over-accommodating", "lost", "other")
satisfactions = st.floats(min_value=0, max_value=100)
costs = st.floats(min_value=0, max_value=1000)


def test_outcome_at_target_scores_full_marks() -> None:
    breakdown = score_outcome(SCORING, 70, 3, "balanced")
    assert breakdown.score == 100 and breakdown.passed and breakdown.grade == "excellent"


def test_giving_in_to_everything_fails_on_balance_alone() -> None:
    breakdown = score_outcome(SCORING, 98, 14, "other")
    assert breakdown.cost_points < 0 and not breakdown.passed


def test_refusing_everything_fails_on_balance_alone() -> None:
    breakdown = score_outcome(SCORING, 15, 0, "other")
    assert breakdown.cost_points == 50 and not breakdown.passed


def test_satisfaction_beyond_target_earns_nothing_more() -> None:
    assert score_outcome(SCORING, 100, 3, "other").score == 100


def test_satisfaction_shortfall_counts_squared() -> None:
    # Half the target is not half a success: a quarter of the satisfaction points.
    assert score_outcome(SCORING, 35, 3, "other").satisfaction_points == pytest.approx(12.5)


def test_cost_points_fall_linearly_to_the_limit_and_on_past_it() -> None:
    assert score_outcome(SCORING, 70, 7.5, "other").cost_points == pytest.approx(25)
    assert score_outcome(SCORING, 70, 12, "other").cost_points == pytest.approx(0)
    assert score_outcome(SCORING, 70, 16.5, "other").cost_points == pytest.approx(-25)


@pytest.mark.parametrize("kind", KINDS)
def test_spending_past_the_limit_keeps_lowering_the_score(kind: str) -> None:
    """Until nothing is left of the balance (past 21 h here), each hour past the limit
    costs what an hour costs before it."""
    scores = [score_outcome(SCORING, 70, 12 + 2.5 * step, kind).score for step in range(4)]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)


def test_the_score_is_the_balance_where_story_and_meters_agree() -> None:
    assert score_outcome(SCORING, 70, 4.8, "balanced").score == 90  # 50 + 40
    assert score_outcome(SCORING, 35, 6.6, "lost").score == 42  # 12.5 + 30


def test_a_balance_outside_the_band_is_squeezed_into_its_edge() -> None:
    # A balance of 37.5 with a balanced ending: 70 + 10 * 37.5 / 80, not "Excellent".
    assert score_outcome(SCORING, 35, 7.5, "balanced").score == 75
    # A balance of 75, close to the band's edge, is squeezed with it: 70 + 10 * 75 / 80.
    assert score_outcome(SCORING, 70, 7.5, "balanced").score == 79
    # A perfect balance with a lost customer: 59 + 10, still below the pass mark.
    assert score_outcome(SCORING, 70, 3, "lost").score == 69


@pytest.mark.parametrize("kind", ["lost", "over-accommodating"])
def test_a_failing_ending_never_passes_even_at_the_target(kind: str) -> None:
    breakdown = score_outcome(SCORING, 70, 3, kind)
    assert breakdown.score == 69 and not breakdown.passed


def test_a_balanced_ending_always_passes() -> None:
    breakdown = score_outcome(SCORING, 0, 1000, "balanced")
    assert breakdown.score == 70 and breakdown.passed


def test_a_critical_mistake_fails_a_balanced_ending() -> None:
    breakdown = score_outcome(SCORING, 70, 3, "balanced", ("You lied about the damage.",))
    assert not breakdown.passed and breakdown.score == 69
    text = " ".join(breakdown.explain(wording("en")))
    assert "Critical mistake: You lied about the damage." in text


def test_a_fractional_pass_mark_keeps_the_bands_apart() -> None:
    scoring = SCORING.model_copy(update={"pass_mark": 72.5})
    assert score_outcome(scoring, 70, 3, "lost").score == 72  # below 72.5: fails
    assert not score_outcome(scoring, 70, 3, "lost").passed
    assert score_outcome(scoring, 0, 1000, "balanced").score == 73


def test_explanation_names_the_band_and_the_gaps() -> None:
    text = " ".join(score_outcome(SCORING, 50, 5, "lost").explain(wording("en"), "h"))
    assert "The customer was lost" in text and "below the pass mark (70)" in text
    assert "Satisfaction ended 20 below its target" in text and "2 h more" in text


def test_explanation_speaks_the_trainees_language() -> None:
    text = " ".join(score_outcome(SCORING, 50, 5, "balanced").explain(wording("hu"), "h"))
    assert "Kiegyensúlyozott befejezés" in text
    assert "20 ponttal elmaradt" in text and "2 h értékkel meghaladja" in text
    assert "25,5/50 pont" in text  # a decimal comma, as Hungarian writes it


def test_grade_is_the_highest_band_reached() -> None:
    scoring = SCORING.model_copy(
        update={
            "grades": {
                "low": Grade(min=0, label="Low"),
                "mid": Grade(min=40, label="Mid"),
                "top": Grade(min=90, label="Top"),
            }
        }
    )
    assert score_outcome(scoring, 55, 9, "other").grade_label == "Mid"  # 30.9 + 16.7 = 48


@given(satisfactions, costs, st.sampled_from(KINDS), st.booleans())
def test_score_stays_inside_its_band(
    satisfaction: float, cost: float, kind: str, critical: bool
) -> None:
    reasons = ("A lie.",) if critical else ()
    breakdown = score_outcome(SCORING, satisfaction, cost, kind, reasons)
    assert breakdown.band_low <= breakdown.score <= breakdown.band_high
    if critical or kind in ("lost", "over-accommodating"):
        assert not breakdown.passed
    elif kind == "balanced":
        assert breakdown.passed


@given(satisfactions, satisfactions, st.floats(min_value=0, max_value=20), st.sampled_from(KINDS))
def test_more_satisfaction_never_lowers_the_score(
    low: float, high: float, cost: float, kind: str
) -> None:
    low, high = sorted((low, high))
    assert (
        score_outcome(SCORING, high, cost, kind).score
        >= score_outcome(SCORING, low, cost, kind).score
    )


@given(satisfactions, costs, costs, st.sampled_from(KINDS))
def test_more_cost_never_raises_the_score(
    satisfaction: float, low: float, high: float, kind: str
) -> None:
    low, high = sorted((low, high))
    assert (
        score_outcome(SCORING, satisfaction, high, kind).score
        <= score_outcome(SCORING, satisfaction, low, kind).score
    )
