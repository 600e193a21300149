"""The expression language: parsing, checking and evaluation, never eval()."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.scenario.expressions import (
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
