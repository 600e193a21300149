"""What the analysis holds a scenario to before its score can grade a new hire.

- A play's score and its ending agree: no play that ends ``lost`` or
  ``over-accommodating`` passes, and every play that ends ``balanced`` passes (A701,
  A702). The scoring bands make this hold by design; the check proves it over every
  outcome the search found, so a change to either can never slip through.
- Nobody passes without reading: a policy that picks by length or position alone
  must fail the pass mark (A703).
- The meters and the ending tell the same story (A704, a warning): an ending marked
  balanced that some play reaches with a poor balance, or a lost or over-accommodating
  one reached with a good balance, usually means its branch condition lets the wrong
  plays through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from simulator.analysis.explore import Outcome
from simulator.engine.scoring import FAILING_KINDS, balance_of
from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.playable import PlayableScenario

# A play that shows an outcome, as "run ... --choices ... --seed N".
Witness = Callable[[Outcome], str]


def score_and_ending(
    scenario: PlayableScenario, outcomes: Iterable[Outcome], witness: Witness
) -> list[Diagnostic]:
    model = scenario.model
    mark = model.scoring.pass_mark
    findings: list[Diagnostic] = []
    broken: set[tuple[str, str]] = set()
    disagreeing: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        ending = model.nodes[outcome.ending].ending
        assert ending is not None
        kind = ending.kind.value
        passed = outcome.score >= mark
        code = None
        if kind in FAILING_KINDS and passed:
            code, verdict = "A701", "passes"
        elif kind == "balanced" and not passed and not outcome.critical:
            code, verdict = "A702", "fails"
        if code is not None and (code, outcome.ending) not in broken:
            broken.add((code, outcome.ending))
            findings.append(
                Diagnostic(
                    code,
                    f"a play that ends '{outcome.ending}' ({kind}) {verdict} with "
                    f"{outcome.score} against a pass mark of {mark:g}: {witness(outcome)}",
                    scenario.path,
                    path=("nodes", outcome.ending),
                    at_key=True,
                )
            )
        balance = balance_of(model.scoring, outcome.satisfaction, outcome.cost)
        if (kind == "balanced" and balance < mark) or (kind in FAILING_KINDS and balance >= mark):
            disagreeing.setdefault(outcome.ending, []).append(outcome)
    for ending_id, found in disagreeing.items():
        ending = model.nodes[ending_id].ending
        assert ending is not None
        example = min(found, key=lambda o: (o.cost, -o.satisfaction))
        balance = balance_of(model.scoring, example.satisfaction, example.cost)
        story = "went well" if ending.kind.value in FAILING_KINDS else "went badly"
        findings.append(
            Diagnostic(
                "A704",
                f"ending '{ending_id}' is {ending.kind.value}, but {len(found)} of its outcomes "
                f"have meters that say the play {story} (for one: satisfaction "
                f"{example.satisfaction:g}, cost {example.cost:g}, a balance of {balance:.0f} "
                f"against a pass mark of {mark:g}; {witness(example)}); check the conditions "
                "that lead there",
                scenario.path,
                path=("nodes", ending_id),
                at_key=True,
            )
        )
    return findings


def content_blind(scenario: PlayableScenario, means: dict[str, float]) -> list[Diagnostic]:
    mark = scenario.model.scoring.pass_mark
    return [
        Diagnostic(
            "A703",
            f"always picking the {name} option passes (mean score {mean:.1f}, pass mark "
            f"{mark:g}): a trainee can pass without reading; vary the length and the place "
            "of the best option, and make the others tempting",
            scenario.path,
            path=("scoring", "pass_mark"),
        )
        for name, mean in means.items()
        if mean >= mark
    ]
