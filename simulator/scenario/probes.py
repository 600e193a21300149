"""Trying a scenario's conditions on test values, without a session: the values worth
trying for each name they read (the bounds, the default, and each constant with its
neighbours), and a stand-in state to evaluate them in. The validator uses them to find
a node where every choice can be unavailable at once."""

from __future__ import annotations

import math
from typing import Any

from simulator.scenario.expressions import (
    Declarations,
    Evaluator,
    ExpressionNode,
    Literal,
    ValueType,
)
from simulator.scenario.model import Scenario


class ProbeContext:
    """A stand-in session state for trying conditions on test values."""

    def __init__(self, assignment: dict[str, Any]) -> None:
        self.values = {k: v for k, v in assignment.items() if ":" not in k}
        self.visits = {k[7:]: v for k, v in assignment.items() if k.startswith("visits:")}
        self.chosen = {k[6:] for k, v in assignment.items() if k.startswith("chose:") and v}


def safe_truth(evaluate: Evaluator, context: ProbeContext) -> bool:
    """Whether the condition holds for these values; True where evaluating it fails, so
    that only values a play can really have count against a node."""
    try:
        return bool(evaluate(context))
    except (TypeError, KeyError, ArithmeticError, ValueError):  # ValueError: round(nan)
        return True  # a probe value the type checker would not let happen


def shown_value(value: Any) -> str:
    """A test value as an author would write it in a condition, for the example in E209."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else f"{value:g}"


def points_to_try(
    trees: list[ExpressionNode], declarations: Declarations, scenario: Scenario
) -> dict[str, list[Any]]:
    """Values worth trying for every name the conditions read.

    Conditions only change truth at the constants they compare with, so the
    bounds, the default and each constant (and its neighbours) cover every case
    of the comparisons this language can write.
    """
    constants: list[float] = []
    names: set[str] = set()
    calls: set[str] = set()
    stack: list[Any] = list(trees)
    while stack:
        item = stack.pop()
        if (
            isinstance(item, Literal)
            and isinstance(item.value, (int, float))
            and not isinstance(item.value, bool)
        ):
            constant = _finite(item.value)
            if constant is not None:
                constants.append(constant)
        for attribute in ("operand", "left", "right"):
            child = getattr(item, attribute, None)
            if child is not None:
                stack.append(child)
        if hasattr(item, "arguments"):
            if item.function in ("visits", "chose"):
                calls.add(f"{item.function}:{item.arguments[0].value}")
            else:
                stack.extend(item.arguments)
        if hasattr(item, "name") and not hasattr(item, "arguments"):
            names.add(item.name)
    points: dict[str, list[Any]] = {}
    for name in sorted(names):
        info = declarations.variables[name]
        if info.type is ValueType.BOOL:
            points[name] = [False, True]
        elif info.type is ValueType.TEXT:
            points[name] = sorted(info.values or {"", "?"})
        else:
            candidates = {0.0}
            for constant in constants:
                candidates.update(
                    (constant - 1, constant - 0.5, constant, constant + 0.5, constant + 1)
                )
            declared = scenario.variables.get(name)
            if declared is not None and isinstance(declared.default, (int, float)):
                candidates.add(float(declared.default))
            low = info.minimum if info.minimum is not None else min(candidates)
            high = info.maximum if info.maximum is not None else max(candidates)
            candidates.update((low, high))
            kept = {value for value in candidates if low <= value <= high and math.isfinite(value)}
            if info.type is ValueType.INT:
                kept = {float(int(value)) for value in kept if value == int(value)}
            points[name] = sorted(int(v) if info.type is ValueType.INT else v for v in kept)
    for call in sorted(calls):
        points[call] = [0, 1, 2] if call.startswith("visits:") else [False, True]
    return points


def _finite(value: float) -> float | None:
    """A literal, or None for one no variable can reach: beyond a float, or not finite.
    Comparing with it is true or false whatever the value, so it adds no test point, and
    the points stay numbers that arithmetic and printing can take."""
    try:
        return value if math.isfinite(value) else None
    except OverflowError:  # a whole number too large for a float
        return None
