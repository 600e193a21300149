"""Files the validator accepts play safely: every number stays finite and bounded (issue 13).

Each scenario here once drove a number to NaN, to infinity or to thousands of digits:
the recorder refused the play, ``run --json`` printed ``Infinity`` (not JSON) and
``analyze`` ran out of memory. Clamping and the NaN rule are in expressions.py; the
random branches' weights in plan.py. Non-finite declarations (``default: .nan``, a
weight of ``.inf``) are put into a loaded scenario here, so these tests hold whether or
not the validator lets such a file through.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from simulator.engine.session import Session, Status
from simulator.scenario.expressions import VALUE_LIMIT, ExpressionError, parse_condition
from simulator.scenario.playable import PlayableScenario
from tests.conftest import run_cli

HUGE = "1" + "0" * 400  # 10^400: more than a float holds
HUGE_FLOAT = HUGE + ".0"  # once read as infinity
H150 = "1" + "0" * 150  # three of them make 10^450, a whole number beyond a float
INF = "(" + " * ".join(["big"] * 27) + ")"  # (10^12)^27: a float product overflows
NAN = f"{INF} - {INF}"
BIG = "  big: {type: number, default: 1000000000000.0}\n"


def scenario(variables: str, effects: list[str], loop: bool = False, extra: str = "") -> str:
    """A scenario whose choice 'go' runs the effects, then ends (or, to loop, comes back)."""
    listed = ", ".join(json.dumps(effect) for effect in effects)
    return f"""\
format: 1
id: hostile
title: Hostile
start: a
variables:
{BIG}{variables}
nodes:
  a:
    choices:
      - {{id: go, text: Go, effects: [{listed}], next: {"a" if loop else "end"}}}
      - {{id: out, text: Out, next: end}}
  end:
    ending: {{title: End, text: "x is {{x}}"}}
scoring: {{target: {{satisfaction: 60, cost: 1}}, cost_limit: 5}}
{extra}"""


INFINITIES = scenario(
    "  x: {type: number}\n  y: {type: number, min: -5, max: 5}\n  k: {type: int}",
    [
        f"cost += {HUGE_FLOAT}",
        f"x = {NAN}",
        f"y = -{INF}",
        f"k = round({INF})",
        "satisfaction += k",
    ],
)
OVERFLOWING_LITERALS = scenario(
    "  x: {type: number, default: 0.5}\n  k: {type: int}\n  z: {type: number}",
    [
        f"cost += {HUGE}",
        f"x = x + {HUGE}",
        f"k = {H150} * {H150} * {H150}",
        f"z = {H150} * {H150} * {H150} * 0.5",
    ],
)
GROWING = scenario(
    "  x: {type: number, default: 2}\n  k: {type: int, default: 2}\n"
    "  y: {type: number, default: 1.5}",
    ["x *= x", "k *= k", "y = y * y * y * k * 1.5", "cost += x"],
    loop=True,
)
CLOCK = scenario(
    "  x: {type: number}",
    [f"advance({HUGE})", f"advance({NAN})", f"advance({INF})", "advance(-big)"],
    extra="clock: {day: 1, time: '09:00'}\n",
)
PLAIN = scenario("  x: {type: number}", ["x += 1"])
CHANCE = """\
format: 1
id: chance
title: Chance
start: a
nodes:
  a:
    random:
      - {weight: 1, next: b}
      - {weight: 1, next: c}
  b:
    ending: {title: B}
  c:
    ending: {title: C}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""
# Files with non-finite declarations: the validator may refuse them; if not, they play.
DECLARED = {
    "nan-default": PLAIN.replace("x: {type: number}", "x: {type: number, default: .nan}"),
    "infinite-cost-start": PLAIN.replace("scoring:", "meters: {cost: {start: .inf}}\nscoring:"),
    "infinite-cost-limit": PLAIN.replace("cost_limit: 5", "cost_limit: .inf"),
    "infinite-weight": CHANCE.replace("{weight: 1, next: b}", "{weight: .inf, next: b}"),
}
EXPRESSIONS = {
    "infinities": INFINITIES,
    "overflowing-literals": OVERFLOWING_LITERALS,
    "growing": GROWING,
    "clock": CLOCK,
}


def refuse(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def strict_json(text: str) -> Any:
    """JSON as the standard defines it: NaN and Infinity refused."""
    return json.loads(text, parse_constant=refuse)


def with_start(scenario: PlayableScenario, **values: Any) -> PlayableScenario:
    """The scenario with start values no valid file may give."""
    return dataclasses.replace(scenario, initial_values={**scenario.initial_values, **values})


def assert_finite_and_bounded(values: dict[str, Any]) -> None:
    for name, value in values.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert math.isfinite(value), (name, value)
            assert abs(value) <= VALUE_LIMIT, (name, value)


def play(scenario: PlayableScenario, rounds: int = 1) -> Session:
    """Choose 'go' ``rounds`` times (while offered), then 'out'; check every value."""
    session = Session.start(scenario, seed=1)
    for _ in range(rounds):
        assert_finite_and_bounded(session.state.values)
        if session.status is not Status.WAITING_FOR_CHOICE:
            break
        session.choose("go")
    if session.status is Status.WAITING_FOR_CHOICE:
        session.choose("out")
    assert session.status is Status.ENDED
    assert_finite_and_bounded(session.state.values)
    result = session.result()
    assert result is not None and 0 <= result.score <= 100
    for decision in result.decisions:
        assert math.isfinite(decision.satisfaction_delta) and math.isfinite(decision.cost_delta)
    # Saves and records hold standard JSON only.
    json.dumps(session.snapshot(), allow_nan=False)
    json.dumps(dataclasses.asdict(result.breakdown), allow_nan=False)
    return session


# ---------------------------------------------------------------- through Session


def test_infinities_and_nan_in_effects(playable: Callable[[str], PlayableScenario]) -> None:
    session = play(playable(INFINITIES))
    assert session.cost == VALUE_LIMIT  # cost += infinity: the engine's limit
    assert session.value("x") == 0.0  # inf - inf is NaN: x keeps its value
    assert session.value("y") == -5  # -infinity: the declared min
    assert session.value("k") == VALUE_LIMIT  # round(infinity): clamped
    assert isinstance(session.value("k"), int)
    assert session.satisfaction == 100


def test_literals_beyond_a_float(playable: Callable[[str], PlayableScenario]) -> None:
    session = play(playable(OVERFLOWING_LITERALS))
    values = session.state.values
    assert [values[name] for name in ("cost", "x", "k", "z")] == [VALUE_LIMIT] * 4


def test_a_5000_digit_literal_is_a_coded_error_not_a_crash() -> None:
    with pytest.raises(ExpressionError) as raised:
        parse_condition("1" * 5000 + " > 0.5")
    assert raised.value.code == "E301"  # longer than an expression may be
    # Within the length limit a long literal is read, leading zeros or not.
    assert parse_condition("0" * 300 + "1" * 190 + " > 0.5") is not None


def test_growth_without_end_stops_at_the_limit(
    playable: Callable[[str], PlayableScenario],
) -> None:
    session = play(playable(GROWING), rounds=40)  # k *= k forty times: 2^(2^40) unclamped
    assert session.value("k") == VALUE_LIMIT
    assert session.value("x") == VALUE_LIMIT
    assert session.cost == VALUE_LIMIT


def test_the_clock_moves_on_a_bounded_amount(playable: Callable[[str], PlayableScenario]) -> None:
    session = play(playable(CLOCK))
    assert 1 <= session.value("day") <= VALUE_LIMIT and 0 <= session.value("time") < 24 * 60
    assert isinstance(session.value("day"), int) and isinstance(session.value("time"), int)


def test_a_nan_start_becomes_the_start_without_a_default(
    playable: Callable[[str], PlayableScenario],
) -> None:
    scenario = with_start(playable(PLAIN), x=math.nan, satisfaction=math.nan)
    session = Session.start(scenario)
    assert session.value("x") == 0.0  # a number variable with no default and no min
    assert session.satisfaction == 0  # the meter's min
    play(scenario)


def test_an_infinite_start_is_clamped(playable: Callable[[str], PlayableScenario]) -> None:
    scenario = with_start(playable(PLAIN), x=-math.inf, cost=math.inf, big=10**400)
    session = Session.start(scenario)
    assert (session.value("x"), session.cost, session.value("big")) == (
        -VALUE_LIMIT,
        VALUE_LIMIT,
        VALUE_LIMIT,
    )
    play(scenario)


def test_an_infinite_cost_limit_scores_as_no_limit(
    playable: Callable[[str], PlayableScenario],
) -> None:
    scenario = playable(PLAIN)
    scoring = scenario.model.scoring.model_copy(update={"cost_limit": math.inf})
    model = scenario.model.model_copy(update={"scoring": scoring})
    session = play(with_start(dataclasses.replace(scenario, model=model), cost=100.0))
    result = session.result()
    assert result is not None and result.breakdown.cost_points == pytest.approx(50)


def test_an_infinite_weight_leaves_every_branch_possible(
    playable: Callable[[str], PlayableScenario],
) -> None:
    scenario = playable(CHANCE)
    node = scenario.model.nodes["a"]
    assert node.random is not None
    weighted = [node.random[0].model_copy(update={"weight": math.inf}), node.random[1]]
    nodes = {**scenario.model.nodes, "a": node.model_copy(update={"random": weighted})}
    scenario = dataclasses.replace(
        scenario, model=scenario.model.model_copy(update={"nodes": nodes})
    )
    # The infinite branch wins near always; before, the last branch won every roll.
    assert {Session.start(scenario, seed=seed).state.node for seed in range(200)} == {"b"}
    explored = Session.start(scenario, exploring=True)
    chances = explored.chances
    assert all(math.isfinite(p) for _, p in chances)
    assert math.isclose(sum(p for _, p in chances), 1.0) and chances[0][1] > 0.999
    explored.roll_chance()
    assert explored.state.node == "b"


def test_ordinary_weights_roll_as_before(playable: Callable[[str], PlayableScenario]) -> None:
    """Replays of recorded plays depend on the same seed meeting the same luck."""
    scenario = playable(CHANCE)
    endings = [Session.start(scenario, seed=seed).state.node for seed in range(8)]
    assert endings == [RECORDED_LUCK[seed] for seed in range(8)]


RECORDED_LUCK = ["b", "b", "c", "c", "b", "c", "b", "c"]  # as rolled before weights were bounded


# ---------------------------------------------------------------- through the command line


@pytest.mark.parametrize("name", EXPRESSIONS)
def test_run_json_is_standard_json_and_recorded(write_file: Callable[..., Path], name: str) -> None:
    path = write_file(EXPRESSIONS[name], f"{name}.yaml")
    picks = ",".join(["go"] * 8 + ["out"]) if name == "growing" else "go"
    completed = run_cli("run", str(path), "--choices", picks, "--seed", "3", "--json")
    assert completed.returncode == 0, completed.stderr  # 0: ended, and recorded
    data = strict_json(completed.stdout)
    assert data["status"] == "ended" and 0 <= data["score"] <= 100
    assert_finite_and_bounded({"satisfaction": data["satisfaction"], "cost": data["cost"]})


@pytest.mark.parametrize("name", DECLARED)
def test_a_non_finite_declaration_is_refused_or_plays(
    write_file: Callable[..., Path], name: str
) -> None:
    path = write_file(DECLARED[name], f"{name}.yaml")
    picks = "" if name == "infinite-weight" else "go"
    completed = run_cli("run", str(path), "--choices", picks, "--seed", "3", "--json")
    assert "Traceback" not in completed.stderr
    if completed.returncode == 1:  # the validator refused it, with a coded message
        assert " error E" in completed.stderr, completed.stderr
        return
    assert completed.returncode == 0, completed.stderr
    data = strict_json(completed.stdout)
    assert data["status"] == "ended" and 0 <= data["score"] <= 100


def test_analyze_of_endless_growth_finishes_with_few_states(
    write_file: Callable[..., Path],
) -> None:
    path = write_file(GROWING, "growing.yaml")
    completed = run_cli("analyze", str(path), "--json", "--workers", "1", timeout=120)
    assert "Traceback" not in completed.stderr, completed.stderr
    data = strict_json(completed.stdout)
    assert data["method"] != "random playthroughs" and data["states"] < 5000
