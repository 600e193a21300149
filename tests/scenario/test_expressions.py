"""The expression language: parsing, checking and evaluation, never eval()."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.scenario.expressions import (
    LITERAL_LIMIT,
    VALUE_LIMIT,
    Declarations,
    ExpressionError,
    ValueType,
    VariableInfo,
    check_condition,
    check_effect,
    compile_effect,
    compile_value,
    parse_condition,
    parse_effect,
    start_value,
)

DECLARATIONS = Declarations(
    variables={
        "satisfaction": VariableInfo(ValueType.NUMBER, True, 0, 100),
        "cost": VariableInfo(ValueType.NUMBER, True, 0, None),
        "time": VariableInfo(ValueType.INT, False, 0, 1439),
        "day": VariableInfo(ValueType.INT, False, 1, None),
        "patience": VariableInfo(ValueType.INT, True, 0, 5),
        "trust": VariableInfo(ValueType.NUMBER, True, 0, 1),
        "warned": VariableInfo(ValueType.BOOL),
        "stance": VariableInfo(ValueType.TEXT, values=frozenset({"calm", "tense"})),
    },
    node_ids=frozenset({"start", "call"}),
    choice_ids=frozenset({"wait", "refuse"}),
)


def context(**values: Any) -> SimpleNamespace:
    base = {
        "satisfaction": 50.0,
        "cost": 0.0,
        "time": 17 * 60,
        "day": 1,
        "patience": 3,
        "trust": 0.5,
        "warned": False,
        "stance": "calm",
    }
    base.update(values)
    return SimpleNamespace(values=base, visits={"call": 2}, chosen={"wait"})


def evaluate(source: str, **values: Any) -> Any:
    tree = parse_condition(source)
    check_condition(tree, DECLARATIONS)
    return compile_value(tree)(context(**values))


def run_effect(source: str, **values: Any) -> dict[str, Any]:
    statement = parse_effect(source)
    check_effect(statement, DECLARATIONS)
    state = context(**values)
    compile_effect(statement, DECLARATIONS)(state)
    return state.values


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("patience > 2", True),
        ("patience > 2 and not warned", True),
        ("warned or patience == 3", True),
        ("1 + 2 * 3 == 7", True),
        ("(1 + 2) * 3 == 9", True),
        ("-patience < 0", True),
        ("time >= 17:00 and time < 20:15", True),
        ('stance == "calm"', True),
        ('visits("call") == 2', True),
        ('chose("wait") and not chose("refuse")', True),
        ("min(patience, 1) == 1 and max(patience, 10) == 10", True),
        ("abs(0 - 4) == 4 and round(2.6) == 3", True),
        ("trust / 0 == 0", True),
        ("not not true", True),
    ],
)
def test_condition_evaluates(source: str, expected: bool) -> None:
    assert evaluate(source) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("patience += 1", {"patience": 4}),
        ("patience += 10", {"patience": 5}),  # clamped to max
        ("patience -= 10", {"patience": 0}),  # clamped to min
        ("satisfaction = 120", {"satisfaction": 100}),
        ("cost -= 5", {"cost": 0}),
        ("trust *= 2", {"trust": 1}),
        ('stance = "tense"', {"stance": "tense"}),
        ("warned = true", {"warned": True}),
        ("patience = round(patience / 2)", {"patience": 2}),
        ("advance(45)", {"time": 17 * 60 + 45, "day": 1}),
        ("advance(8 * 60)", {"time": 60, "day": 2}),
    ],
)
def test_effect_changes_state(source: str, expected: dict[str, Any]) -> None:
    values = run_effect(source)
    assert {key: values[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("source", "code", "offset"),
    [
        ("patience >", "E301", 10),
        ("patience > > 2", "E301", 11),
        ("1 < patience < 4", "E301", 13),
        ("patience = 2", "E301", 9),
        ("'unclosed", "E301", 0),
        ("patience $ 2", "E301", 9),
        ("(patience > 2", "E301", 13),
        ("patince > 2", "E302", 0),
        ("visited('call')", "E303", 0),
        ("patience + 1", "E304", 0),
        ("warned > 1", "E304", 7),
        ('stance == "angry"', "E304", 10),
        ("stance == 3", "E304", 7),
        ("visits('nowhere') > 0", "E201", 7),
        ("chose('nothing')", "E302", 6),
        ("visits(patience) > 0", "E304", 7),
        ("min(1) > 0", "E304", 0),
    ],
)
def test_bad_condition_is_reported_at_its_offset(source: str, code: str, offset: int) -> None:
    with pytest.raises(ExpressionError) as caught:
        check_condition(parse_condition(source), DECLARATIONS)
    assert (caught.value.code, caught.value.offset) == (code, offset)


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("patience == 3", "E301"),
        ("time = 20:00", "E305"),
        ("day += 1", "E305"),
        ("warned += 1", "E304"),
        ("patience = 2.5", "E304"),
        ('stance = "angry"', "E304"),
        ("shout()", "E303"),
        ("patience", "E301"),
        ("nobody = 3", "E302"),
        ("advance(true)", "E304"),
    ],
)
def test_bad_effect_is_reported(source: str, code: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        check_effect(parse_effect(source), DECLARATIONS)
    assert caught.value.code == code


def test_suggestion_names_the_nearest_variable() -> None:
    with pytest.raises(ExpressionError, match="did you mean 'patience'"):
        check_condition(parse_condition("patince > 2"), DECLARATIONS)


def test_python_code_is_not_an_expression() -> None:
    for source in (
        "__import__('os').system('ls')",
        "open('/etc/passwd')",
        "[x for x in y]",
        "lambda: 1",
        "patience.__class__",
    ):
        with pytest.raises(ExpressionError):
            check_condition(parse_condition(source), DECLARATIONS)


def test_overlong_and_overdeep_expressions_are_refused() -> None:
    with pytest.raises(ExpressionError, match="longer than"):
        parse_condition("1 + " * 200 + "1")
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse_condition("(" * 100 + "1" + ")" * 100)
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse_condition("-" * 100 + "1")


NAMES = st.sampled_from(["patience", "trust", "satisfaction", "cost", "time", "day"])
NUMBERS = st.integers(min_value=0, max_value=99).map(str)
ATOMS = st.one_of(NAMES, NUMBERS, st.sampled_from(["true", "false", "warned", '"calm"', "20:15"]))


def expressions(depth: int = 3) -> st.SearchStrategy[str]:
    operators = st.sampled_from(["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or"])
    return st.recursive(
        ATOMS,
        lambda inner: st.one_of(
            st.tuples(inner, operators, inner).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
            inner.map(lambda s: f"({s})"),
            inner.map(lambda s: f"not {s}"),
            inner.map(lambda s: f"-{s}"),
        ),
        max_leaves=8,
    )


@settings(max_examples=400, deadline=None)
@given(expressions())
def test_generated_expressions_parse_or_fail_cleanly(source: str) -> None:
    try:
        tree = parse_condition(source)
        check_condition(tree, DECLARATIONS)
    except ExpressionError as error:
        assert error.code in {"E301", "E302", "E303", "E304"}
        assert 0 <= error.offset <= len(source)
        return
    result = compile_value(tree)(context())
    assert isinstance(result, bool)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_never_escapes_the_grammar(source: str) -> None:
    try:
        check_condition(parse_condition(source), DECLARATIONS)
    except ExpressionError as error:
        assert 0 <= error.offset <= len(source)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-50, max_value=50), st.integers(min_value=-50, max_value=50))
def test_arithmetic_matches_python_integers(left: int, right: int) -> None:
    source = f"patience * 0 + {left} - ({right}) * 2"
    tree = parse_condition(source)
    assert compile_value(tree)(context()) == left - right * 2


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-100, max_value=100))
def test_assignments_stay_within_bounds(amount: int) -> None:
    values = run_effect(f"patience += {abs(amount)}" if amount >= 0 else f"patience -= {-amount}")
    assert 0 <= values["patience"] <= 5


# ---------------------------------------------------------------- numbers stay finite

HUGE = "1" + "0" * 400  # more than a float holds
HOSTILE = Declarations(
    variables={
        **DECLARATIONS.variables,
        "x": VariableInfo(ValueType.NUMBER),  # no bounds: the engine's limit
        "k": VariableInfo(ValueType.INT),
        "odd": VariableInfo(ValueType.NUMBER, True, math.nan, math.inf),  # what no file may say
        "whole": VariableInfo(ValueType.INT, True, -math.inf, math.nan),
    },
    node_ids=DECLARATIONS.node_ids,
    choice_ids=DECLARATIONS.choice_ids,
)
EXTREMES = [0, 0.5, -3, 1e12, -1e12, 10**12, 1e-300]


def run_hostile(source: str, **values: Any) -> dict[str, Any]:
    statement = parse_effect(source)
    check_effect(statement, HOSTILE)
    state = context(**{"x": 1.0, "k": 2, "odd": 0.0, "whole": 0, **values})
    compile_effect(statement, HOSTILE)(state)
    return state.values


def test_literals_are_capped_where_a_float_would_overflow() -> None:
    assert compile_value(parse_condition(HUGE + " + 0.5 > 1"))(context()) is True
    assert compile_value(parse_condition(HUGE + ".0 > 1"))(context()) is True
    assert compile_value(parse_condition("0" * 400 + "7 == 7"))(context()) is True
    assert evaluate(f"{'1' + '0' * 150} * {'1' + '0' * 150} * {'1' + '0' * 150} * 0.5 > 1")
    assert LITERAL_LIMIT < 2**1023


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (f"cost += {HUGE}", {"cost": VALUE_LIMIT}),
        (f"cost -= {HUGE}.0", {"cost": 0}),
        (f"x = x + {HUGE}", {"x": VALUE_LIMIT}),
        (f"x = -{HUGE}", {"x": -VALUE_LIMIT}),
        (f"k *= {HUGE}", {"k": VALUE_LIMIT}),
        (f"k = round({HUGE}.0 * 2.0)", {"k": VALUE_LIMIT}),  # round() of a number past 10^300
        ("x = " + " * ".join(["cost"] * 27) + " - " + " * ".join(["cost"] * 27), {"x": 1.0}),
        ("k = round(" + " * ".join(["cost"] * 27) + " * 0 )", {"k": 2}),  # round(inf * 0)
        ("x *= x", {"x": VALUE_LIMIT}),
        ("odd = x * 10000000000000", {"odd": VALUE_LIMIT}),  # max .inf: the engine's limit
        ("odd = -x * 10000000000000", {"odd": -VALUE_LIMIT}),  # min NaN: as if absent
        ("whole -= 10000000000000", {"whole": -VALUE_LIMIT}),
        ("whole += 10000000000000", {"whole": VALUE_LIMIT}),
        ("advance(cost * cost * cost * cost - cost * cost * cost * cost)", {"time": 17 * 60}),
        (f"advance({HUGE})", {"day": 1 + (17 * 60 + VALUE_LIMIT) // 1440}),
    ],
)
def test_hostile_effects_leave_finite_values(source: str, expected: dict[str, Any]) -> None:
    values = run_hostile(source, x=1e12 if "x *= x" in source else 1.0, cost=1e12)
    assert {key: values[key] for key in expected} == expected
    for key, value in values.items():
        if isinstance(value, float):
            assert math.isfinite(value), key


def test_a_nan_result_leaves_the_variable_as_it_was() -> None:
    nan = " * ".join(["cost"] * 27) + " * 0"  # infinity times nothing
    assert run_hostile(f"x = {nan}", x=7.5, cost=1e12)["x"] == 7.5
    assert run_hostile(f"x += {nan}", x=7.5, cost=1e12)["x"] == 7.5
    assert run_hostile(f"satisfaction -= {nan}", cost=1e12)["satisfaction"] == 50.0


def test_start_values_are_brought_into_range() -> None:
    variables = HOSTILE.variables
    assert start_value(variables["x"], math.nan) == 0.0
    assert start_value(variables["satisfaction"], math.nan) == 0  # its min
    assert start_value(variables["x"], math.inf) == VALUE_LIMIT
    assert start_value(variables["k"], -(10**400)) == -VALUE_LIMIT
    assert start_value(variables["odd"], math.nan) == 0.0  # a NaN min is no min
    assert start_value(variables["stance"], "calm") == "calm"


ARITHMETIC = st.recursive(
    st.one_of(
        st.sampled_from(["x", "k", "cost", "patience", "trust", HUGE, HUGE + ".0", "0", "0.5"]),
        st.integers(min_value=0, max_value=10**15).map(str),
    ),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda s: f"-{s}"),
        inner.map(lambda s: f"round({s})"),
        inner.map(lambda s: f"abs({s})"),
        st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(
    ARITHMETIC,
    st.sampled_from(["x", "k", "cost", "satisfaction", "patience", "odd", "whole"]),
    st.sampled_from(["=", "+=", "-=", "*="]),
    st.sampled_from(EXTREMES),
)
def test_no_arithmetic_raises_or_leaves_a_value_unbounded(
    expression: str, target: str, operator: str, start: float
) -> None:
    """Whatever the expression, no evaluation raises, conditions stay true or false, and
    every variable keeps a finite value within the engine's limit."""
    if operator == "=" and target in ("k", "patience", "whole"):
        expression = f"round({expression})"
    source = f"{target} {operator} {expression}"
    try:
        statement = parse_effect(source)
        check_effect(statement, HOSTILE)
    except ExpressionError as error:
        assert error.code in ("E301", "E304")  # too long; a number where a whole one goes
        return
    numbers = {"x": float(start), "cost": abs(float(start)), "k": int(start)}
    values = run_hostile(source, **numbers)
    value = values[target]
    assert not isinstance(value, float) or math.isfinite(value)
    assert abs(value) <= VALUE_LIMIT
    if len(expression) <= 480:
        condition = compile_value(parse_condition(f"{expression} > 0"))
        assert isinstance(condition(context(**numbers)), bool)
