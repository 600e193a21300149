"""The expression language on generated conditions and effects of every form (text,
times, calls, comparisons of any two types), then cut, spliced and salted with stray
characters: a coded ExpressionError at an offset inside the text, or a value; evaluated
over extreme values, a condition is true or false and every variable stays finite, in
range, and of its type. In a scenario file the same problems point at file:line:col."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.scenario.diagnostics import CATALOGUE
from simulator.scenario.expressions import (
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
)
from simulator.scenario.loader import load_scenario
from tests.fuzz.budget import budget
from tests.fuzz.hostile import assert_explained

VARIABLES = {
    "satisfaction": VariableInfo(ValueType.NUMBER, True, 0, 100),
    "cost": VariableInfo(ValueType.NUMBER, True, 0, None),
    "time": VariableInfo(ValueType.INT, False, 0, 1439),
    "day": VariableInfo(ValueType.INT, False, 1, None),
    "k": VariableInfo(ValueType.INT, True, -5, 5),
    "x": VariableInfo(ValueType.NUMBER),
    "flag": VariableInfo(ValueType.BOOL),
    "tone": VariableInfo(ValueType.TEXT, values=frozenset({"calm", "tense"})),
}
DECLARATIONS = Declarations(VARIABLES, frozenset({"start", "call"}), frozenset({"wait", "go"}))
CODES = {"E201", "E301", "E302", "E303", "E304", "E305"}
EXTREMES = [
    {"satisfaction": 0.0, "cost": 0.0, "x": 0.0, "k": 0},
    {"satisfaction": 100.0, "cost": 1e12, "x": 1e12, "k": 5},
    {"satisfaction": 50.0, "cost": 1e12, "x": -1e12, "k": -5},
    {"satisfaction": 1e-300, "cost": 5e-324, "x": 1e-300, "k": 1},
]

ATOMS = st.sampled_from(
    [
        *VARIABLES,
        "0",
        "7",
        "0.5",
        "9" * 400,
        "9" * 5000,
        "0" * 300 + "1",
        "1" + "0" * 308 + ".0",
        "true",
        "false",
        '"calm"',
        '"tense"',
        '"none of these"',
        '""',
        '"\\u0000"',
        "'single'",
        "20:15",
        "00:00",
        "23:59",
        "24:00",
        "9:99",
        "nobody",
        "advance(1)",
    ]
)
CALLS = st.sampled_from(
    ["round({})", "abs({})", "min({}, {})", "max({}, {})", "round()", "min({})", "abs({}, {})"]
)


def _call(template: str, inner: list[str]) -> str:
    return template.format(*inner[: template.count("{}")])


EXPRESSIONS = st.recursive(
    ATOMS
    | st.sampled_from(['visits("call")', 'visits("nowhere")', 'chose("go")', 'chose("x y")'])
    | st.sampled_from(["visits(call)", "chose()", "visits(1)"]),
    lambda inner: st.one_of(
        st.tuples(
            inner,
            st.sampled_from(
                ["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or", "=", "%"]
            ),
            inner,
        ).map(" ".join),
        inner.map(lambda s: f"({s})"),
        inner.map(lambda s: f"not {s}"),
        inner.map(lambda s: f"-{s}"),
        st.tuples(CALLS, st.lists(inner, min_size=2, max_size=2)).map(lambda t: _call(*t)),
    ),
    max_leaves=12,
)
STRAY = st.sampled_from(["(", ")", ",", '"', "'", "=", "!", "\\", "\x00", "\u202e", "é", "  "])


@st.composite
def damaged(draw: st.DrawFn, source: str) -> str:
    """The text as an author might get it wrong: cut short, a character too many."""
    if not source or draw(st.booleans()):
        return source
    cut = draw(st.integers(min_value=0, max_value=len(source)))
    if draw(st.booleans()):
        return source[:cut]
    return source[:cut] + draw(STRAY) + source[cut:]


def conditions() -> st.SearchStrategy[str]:
    return EXPRESSIONS.flatmap(damaged)


def effects() -> st.SearchStrategy[str]:
    statement = st.one_of(
        st.tuples(
            st.sampled_from([*VARIABLES, "nobody"]),
            st.sampled_from(["=", "+=", "-=", "*=", "=="]),
            EXPRESSIONS,
        ).map(" ".join),
        EXPRESSIONS.map(lambda s: f"advance({s})"),
        EXPRESSIONS,
    )
    return statement.flatmap(damaged)


def context(values: dict[str, Any]) -> SimpleNamespace:
    base = {"time": 17 * 60, "day": 1, "flag": False, "tone": "calm", **values}
    return SimpleNamespace(values=base, visits={"call": 2}, chosen={"wait"})


def assert_refused_well(error: ExpressionError, source: str) -> None:
    assert error.code in CODES and error.code in CATALOGUE, error.code
    assert 0 <= error.offset <= len(source), (error.offset, source)
    assert error.message


@budget(1000)
@given(conditions())
def test_any_condition_is_refused_with_a_code_or_is_true_or_false(source: str) -> None:
    try:
        tree = parse_condition(source)
        check_condition(tree, DECLARATIONS)
    except ExpressionError as error:
        assert_refused_well(error, source)
        return
    evaluate = compile_value(tree)
    for values in EXTREMES:
        assert isinstance(evaluate(context(values)), bool)


@budget(1000)
@given(effects())
def test_any_effect_is_refused_with_a_code_or_keeps_values_finite_and_typed(source: str) -> None:
    try:
        statement = parse_effect(source)
        check_effect(statement, DECLARATIONS)
    except ExpressionError as error:
        assert_refused_well(error, source)
        return
    effect = compile_effect(statement, DECLARATIONS)
    for values in EXTREMES:
        state = context(values)
        for _ in range(3):  # again and again, as a loop in a scenario would
            effect(state)
        for name, value in state.values.items():
            info = VARIABLES[name]
            if info.type is ValueType.BOOL:
                assert isinstance(value, bool), (name, value)
            elif info.type is ValueType.TEXT:
                assert isinstance(value, str), (name, value)
            else:
                assert not isinstance(value, bool) and math.isfinite(value), (name, value)
                assert abs(value) <= VALUE_LIMIT, (name, value)
                assert info.type is not ValueType.INT or isinstance(value, int), (name, value)


SCENARIO = """\
format: 1
id: sums
title: Sums
start: a
variables:
  k: {{type: int, default: 0, min: -5, max: 5}}
  x: {{type: number, default: 0}}
  flag: {{type: bool, default: false}}
  tone: {{type: choice, values: [calm, tense], default: calm}}
nodes:
  a:
    choices:
      - id: go
        text: Go
        if: {condition}
        effects: [{effect}]
        next: end
      - {{id: wait, text: Wait, next: end}}
  end:
    ending: {{title: End}}
scoring: {{target: {{satisfaction: 60, cost: 1}}, cost_limit: 5}}
"""
IF_LINE = 15


@budget(300)
@given(conditions(), effects())
def test_expressions_in_a_file_are_located_on_their_line(
    tmp_path_factory: pytest.TempPathFactory, condition: str, effect: str
) -> None:
    path: Path = tmp_path_factory.mktemp("sums") / "sums.yaml"
    text = SCENARIO.format(condition=json.dumps(condition), effect=json.dumps(effect))
    path.write_text(text, encoding="utf-8")
    result = load_scenario(path)
    assert_explained(result.diagnostics)
    lines = text.splitlines()
    for diagnostic in result.diagnostics:
        if diagnostic.code.startswith("E30"):
            assert diagnostic.line in (IF_LINE, IF_LINE + 1), diagnostic.format()
            assert diagnostic.column <= len(lines[diagnostic.line - 1]) + 1, diagnostic.format()
