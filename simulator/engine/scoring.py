"""The one place that knows how satisfaction and cost become a score.

A score rewards balance. Satisfaction earns points up to the scenario's target
and nothing beyond it (delight bought at any price is not the goal); cost
loses points only past its target, falling to nothing at the cost limit. So
giving in to everything (high satisfaction, cost past the limit) and refusing
everything (no cost, low satisfaction) both fall short of a balanced outcome.

A shortfall in satisfaction counts squared: a customer left at half the
target is not half a success but a customer about to leave and tell others.
Linear, refusing everything cost nothing and still earned half the
satisfaction points, enough to pass.

    satisfaction part = weight       * (min(satisfaction, target) / target) ** 2
    cost part         = (1 - weight) * clamp(1 - (cost - target) / (limit - target), 0, 1)
    score             = 100 * (satisfaction part + cost part), rounded
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.scenario.model import Scoring
from simulator.wording import Wording


@dataclass(frozen=True)
class ScoreBreakdown:
    score: int
    satisfaction_points: float
    cost_points: float
    satisfaction_max_points: float
    cost_max_points: float
    satisfaction: float
    cost: float
    target_satisfaction: float
    target_cost: float
    cost_limit: float
    grade: str
    grade_label: str
    passed: bool
    pass_mark: float

    @property
    def satisfaction_gap(self) -> float:
        """How far satisfaction sits from its target (negative: short of it)."""
        return self.satisfaction - self.target_satisfaction

    @property
    def cost_gap(self) -> float:
        """How far cost sits from its target (positive: over it)."""
        return self.cost - self.target_cost

    def explain(self, words: Wording, cost_unit: str = "") -> list[str]:
        """The score in sentences, in the words of the trainee's language."""
        unit = f" {cost_unit}" if cost_unit else ""
        number = words.number
        lines = [
            words(
                "score.satisfaction",
                value=number(self.satisfaction),
                target=number(self.target_satisfaction),
                points=number(self.satisfaction_points, ".1f"),
                most=number(self.satisfaction_max_points, ".0f"),
            ),
            words(
                "score.cost",
                value=number(self.cost) + unit,
                target=number(self.target_cost) + unit,
                limit=number(self.cost_limit) + unit,
                points=number(self.cost_points, ".1f"),
                most=number(self.cost_max_points, ".0f"),
            ),
        ]
        if self.satisfaction_gap < 0:
            lines.append(words("score.short", gap=number(-self.satisfaction_gap)))
        if self.cost_gap > 0:
            lines.append(words("score.over", gap=number(self.cost_gap) + unit))
        if self.satisfaction_gap >= 0 and self.cost_gap <= 0:
            lines.append(words("score.inside"))
        return lines


def grade_for(scoring: Scoring, score: float) -> tuple[str, str]:
    """The band with the highest minimum the score reaches (the validator ensures one
    band starts at 0)."""
    reached = [
        (grade.min, grade_id, grade.label)
        for grade_id, grade in scoring.grades.items()
        if grade.min <= score
    ]
    _, grade_id, label = max(reached or [(0, "", "")])
    return grade_id, label


def _points(scoring: Scoring, satisfaction: float, cost: float) -> tuple[float, float, int]:
    """Satisfaction points, cost points and the score."""
    weight = scoring.satisfaction_weight
    target = scoring.target
    if target.satisfaction <= 0:
        satisfaction_share = 1.0
    else:
        satisfaction_share = (min(satisfaction, target.satisfaction) / target.satisfaction) ** 2
    if cost <= target.cost:
        cost_share = 1.0
    else:
        cost_share = max(0.0, 1.0 - (cost - target.cost) / (scoring.cost_limit - target.cost))
    satisfaction_points = 100 * weight * satisfaction_share
    cost_points = 100 * (1 - weight) * cost_share
    return satisfaction_points, cost_points, round(satisfaction_points + cost_points)


def score_of(scoring: Scoring, satisfaction: float, cost: float) -> int:
    """The score alone, for the analysis, which scores tens of thousands of outcomes."""
    return _points(scoring, satisfaction, cost)[2]


def score_outcome(scoring: Scoring, satisfaction: float, cost: float) -> ScoreBreakdown:
    weight = scoring.satisfaction_weight
    target = scoring.target
    satisfaction_points, cost_points, score = _points(scoring, satisfaction, cost)
    grade, label = grade_for(scoring, score)
    return ScoreBreakdown(
        score=score,
        satisfaction_points=satisfaction_points,
        cost_points=cost_points,
        satisfaction_max_points=100 * weight,
        cost_max_points=100 * (1 - weight),
        satisfaction=satisfaction,
        cost=cost,
        target_satisfaction=target.satisfaction,
        target_cost=target.cost,
        cost_limit=scoring.cost_limit,
        grade=grade,
        grade_label=label,
        passed=score >= scoring.pass_mark,
        pass_mark=scoring.pass_mark,
    )
