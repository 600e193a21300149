"""The score rewards balance: neither extreme reaches a balanced outcome."""

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


def test_outcome_at_target_scores_full_marks() -> None:
    breakdown = score_outcome(SCORING, 70, 3)
    assert breakdown.score == 100 and breakdown.passed and breakdown.grade == "excellent"


def test_giving_in_to_everything_fails() -> None:
    breakdown = score_outcome(SCORING, 98, 14)
    assert breakdown.cost_points == 0 and not breakdown.passed


def test_refusing_everything_fails() -> None:
    breakdown = score_outcome(SCORING, 15, 0)
    assert breakdown.cost_points == 50 and not breakdown.passed


def test_satisfaction_beyond_target_earns_nothing_more() -> None:
    assert score_outcome(SCORING, 100, 3).score == score_outcome(SCORING, 70, 3).score


def test_satisfaction_shortfall_counts_squared() -> None:
    # Half the target is not half a success: a quarter of the satisfaction points.
    assert score_outcome(SCORING, 35, 3).satisfaction_points == pytest.approx(12.5)


def test_zero_cost_does_not_buy_a_pass_at_half_satisfaction() -> None:
    assert not score_outcome(SCORING, 35, 0).passed


def test_cost_points_fall_linearly_to_the_limit() -> None:
    assert score_outcome(SCORING, 70, 7.5).cost_points == pytest.approx(25)


def test_explanation_names_gaps_to_the_target() -> None:
    text = " ".join(score_outcome(SCORING, 50, 5).explain(wording("en"), "h"))
    assert "20 points short" in text and "2 h more" in text


def test_explanation_speaks_the_trainees_language() -> None:
    text = " ".join(score_outcome(SCORING, 50, 5).explain(wording("hu"), "h"))
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
    assert score_outcome(scoring, 55, 9).grade_label == "Mid"  # 30.9 + 16.7 = 48


@given(st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=1000))
def test_score_stays_between_0_and_100(satisfaction: float, cost: float) -> None:
    assert 0 <= score_outcome(SCORING, satisfaction, cost).score <= 100


@given(
    st.floats(min_value=0, max_value=100),
    st.floats(min_value=0, max_value=100),
    st.floats(min_value=0, max_value=20),
)
def test_more_satisfaction_never_lowers_the_score(low: float, high: float, cost: float) -> None:
    low, high = sorted((low, high))
    assert score_outcome(SCORING, high, cost).score >= score_outcome(SCORING, low, cost).score


@given(
    st.floats(min_value=0, max_value=100),
    st.floats(min_value=0, max_value=50),
    st.floats(min_value=0, max_value=50),
)
def test_more_cost_never_raises_the_score(satisfaction: float, low: float, high: float) -> None:
    low, high = sorted((low, high))
    assert (
        score_outcome(SCORING, satisfaction, high).score
        <= score_outcome(SCORING, satisfaction, low).score
    )
