"""The one place that knows how a play becomes a score.

Two things decide a score, in this order.

1. **The ending's kind sets the band.** The story's verdict comes first: an ending the
   author marked ``balanced`` scores from the pass mark up to 100; one marked ``lost`` or
   ``over-accommodating`` scores below the pass mark; an ``other`` ending uses the whole
   range. A play with a critical mistake (a choice marked ``critical``: a lie, a promise
   that cannot be kept) scores below the pass mark whatever its ending. So a score can
   never say "Excellent" beside an ending that says the week went badly, and no meter
   total can buy a pass for a lost customer.
2. **The balance places the play inside its band.** Where the balance lies inside the
   band (ten points or more from its edge), it is the score. Nearer the edge, or where
   the meters and the ending disagree, the balance is squeezed into the band's ten
   points at that edge, keeping the order of plays. Satisfaction earns points up to the
   scenario's target and nothing beyond it (delight bought at any price is not the
   goal); cost loses points past its target, reaching none at the cost limit and going on
   losing them past it, at the same rate, so nothing spent past the limit is free. A
   shortfall in satisfaction counts squared: a customer left at half the target is not
   half a success but a customer about to leave.

    satisfaction part = weight       * (min(satisfaction, target) / target) ** 2
    cost part         = (1 - weight) * (1 - max(0, cost - target) / (limit - target))
    balance           = 100 * (satisfaction part + cost part), never below 0
    band              = pass..100 for a balanced ending; 0..pass-1 for a lost or
                        over-accommodating one, or any play with a critical mistake;
                        0..100 for an "other" ending
    score             = the balance, where it lies in the band at least 10 points from
                        the band's edge; otherwise the balance squeezed, in order, into
                        those 10 points (balanced: 70 + 10 * balance / 80, for a pass
                        mark of 70; failing: 59 + 10 * (balance - 59) / 41)
    (pass: the pass mark rounded up to a whole point; scores are rounded)
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

from simulator.scenario.model import Scoring
from simulator.wording import Wording

BALANCED_BAND, FAILING_BAND, OPEN_BAND = "balanced", "failing", "open"
#: How many points at a band's edge hold the plays whose balance lies outside it.
SQUEEZE = 10
FAILING_KINDS = frozenset({"lost", "over-accommodating"})


@dataclass(frozen=True)
class ScoreBreakdown:
    score: int
    balance: float  # 0-100: satisfaction and cost alone, before the ending's band
    band: str  # BALANCED_BAND, FAILING_BAND or OPEN_BAND
    band_low: int
    band_high: int
    ending_kind: str
    critical: tuple[str, ...]  # why each critical mistake was one, in the order made
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
        """The score in sentences, in the words of the trainee's language: first why it
        sits where it does (the ending, any critical mistake), then the balance."""
        unit = f" {cost_unit}" if cost_unit else ""
        number = words.number
        lines = [
            words("score.critical", reason=reason.rstrip(".") + ".") for reason in self.critical
        ]
        if self.critical or (self.band == FAILING_BAND and self.ending_kind not in FAILING_KINDS):
            lines.append(words("score.band.critical", mark=number(self.pass_mark)))
        elif self.band == BALANCED_BAND:
            lines.append(words("score.band.balanced", low=self.band_low))
        elif self.band == FAILING_BAND:
            kind = "lost" if self.ending_kind == "lost" else "over"
            lines.append(words(f"score.band.{kind}", mark=number(self.pass_mark)))
        lines += [
            words("score.balance", balance=number(self.balance, ".0f")),
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


def _points(scoring: Scoring, satisfaction: float, cost: float) -> tuple[float, float, float]:
    """Satisfaction points, cost points (negative past the limit) and the balance."""
    weight = scoring.satisfaction_weight
    target = scoring.target
    if target.satisfaction <= 0:
        satisfaction_share = 1.0
    else:
        satisfaction_share = (min(satisfaction, target.satisfaction) / target.satisfaction) ** 2
    span = _finite(scoring.cost_limit) - target.cost
    over = max(0.0, cost - target.cost) / span if span > 0 else 0.0
    satisfaction_points = 100 * weight * satisfaction_share
    cost_points = 100 * (1 - weight) * (1.0 - over)
    return satisfaction_points, cost_points, max(0.0, satisfaction_points + cost_points)


def _finite(amount: float) -> float:
    """A cost target or limit as a number: a file may write ``.inf`` for "no limit", which
    counts, and is reported, as the largest float rather than as infinity (not JSON)."""
    return min(amount, sys.float_info.max)


def balance_of(scoring: Scoring, satisfaction: float, cost: float) -> float:
    """The balance (0-100) alone: how satisfaction and cost stand, whatever the ending."""
    return _points(scoring, satisfaction, cost)[2]


def band_of(scoring: Scoring, ending_kind: str, critical: int) -> tuple[str, int, int]:
    """The band a play's score falls in, and its lowest and highest score."""
    passing = math.ceil(scoring.pass_mark)
    if critical or ending_kind in FAILING_KINDS:
        return FAILING_BAND, 0, max(0, passing - 1)
    if ending_kind == "balanced":
        return BALANCED_BAND, passing, 100
    return OPEN_BAND, 0, 100


def _placed(balance: float, band: str, low: int, high: int) -> int:
    """The score is the balance itself where it lies inside the band, SQUEEZE points or
    more from the band's edge. Nearer the edge or beyond it (the meters and the ending
    disagree), the balance is squeezed into those SQUEEZE points, in order: more balance
    is always more score."""
    if band == BALANCED_BAND:  # never below the pass mark
        edge = low + SQUEEZE
        placed = balance if balance >= edge else low + SQUEEZE * balance / edge
    elif band == FAILING_BAND:  # never at the pass mark
        edge = high - SQUEEZE
        placed = balance if balance <= edge else edge + SQUEEZE * (balance - edge) / (100 - edge)
    else:
        placed = balance
    return round(placed)


def score_of(
    scoring: Scoring, satisfaction: float, cost: float, ending_kind: str, critical: int = 0
) -> int:
    """The score alone, for the analysis, which scores tens of thousands of outcomes."""
    return _placed(
        _points(scoring, satisfaction, cost)[2], *band_of(scoring, ending_kind, critical)
    )


def score_outcome(
    scoring: Scoring,
    satisfaction: float,
    cost: float,
    ending_kind: str,
    critical: tuple[str, ...] = (),
    mistakes: int | None = None,
) -> ScoreBreakdown:
    """``critical`` gives why each critical mistake was one; ``mistakes`` how many there
    were, where a play kept no record of why (an explored play keeps no decisions)."""
    weight = scoring.satisfaction_weight
    target = scoring.target
    satisfaction_points, cost_points, balance = _points(scoring, satisfaction, cost)
    band, low, high = band_of(scoring, ending_kind, max(len(critical), mistakes or 0))
    score = _placed(balance, band, low, high)
    grade, label = grade_for(scoring, score)
    return ScoreBreakdown(
        score=score,
        balance=balance,
        band=band,
        band_low=low,
        band_high=high,
        ending_kind=ending_kind,
        critical=critical,
        satisfaction_points=satisfaction_points,
        cost_points=cost_points,
        satisfaction_max_points=100 * weight,
        cost_max_points=100 * (1 - weight),
        satisfaction=satisfaction,
        cost=cost,
        target_satisfaction=target.satisfaction,
        target_cost=_finite(target.cost),
        cost_limit=_finite(scoring.cost_limit),
        grade=grade,
        grade_label=label,
        passed=score >= scoring.pass_mark,
        pass_mark=scoring.pass_mark,
    )
