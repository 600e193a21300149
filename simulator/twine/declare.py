"""The scenario's ``variables``, inferred from what the story does with each one, and
the check of every translated expression against them.

Twine declares nothing: a variable exists once it is set. A scenario declares each with
a type, so the type is read from the values the story gives it: any text makes a
``choice`` whose values are the texts it is given or compared with; only ``true`` and
``false`` make a ``bool``, and so does being tested on its own (``<<if $warned>>``)
without ever being given a value; a number with a decimal point makes a ``number``, and
anything else an ``int``. The start value is the one StoryInit (SugarCube) or a
``startup`` passage (Harlowe) sets, else 0, false or the first text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from simulator.scenario.expressions import (
    Declarations,
    ExpressionError,
    ValueType,
    VariableInfo,
    check_condition,
    check_effect,
    parse_condition,
    parse_effect,
)
from simulator.twine.logic import Assignment, Literal

METERS = ("satisfaction", "cost")


@dataclass
class Usage:
    """What the story does with one variable (by its scenario name)."""

    literals: list[Literal] = field(default_factory=list)
    compared: list[str] = field(default_factory=list)
    tested: bool = False  # read on its own as true/false: <<if $warned>>
    start: Literal | None = None


def usages(
    names: Iterable[str],
    assignments: Iterable[Assignment],
    compared: Iterable[tuple[str, str]],
    tested: Iterable[str],
    starts: Iterable[Assignment],
    renamed: dict[str, str],
) -> dict[str, Usage]:
    found = {name: Usage() for name in names}
    for name in tested:
        if name in found:
            found[name].tested = True
    for assignment in assignments:
        if assignment.literal is not None:
            found[renamed[assignment.variable]].literals.append(assignment.literal)
    for name, text in compared:
        found[name].compared.append(text)
    for assignment in starts:
        usage = found[renamed[assignment.variable]]
        usage.start = assignment.literal
        if assignment.literal is not None:
            usage.literals.append(assignment.literal)
    return found


def declaration(usage: Usage) -> dict[str, Any]:
    """One variable's entry under ``variables``."""
    literals = usage.literals
    texts = list(dict.fromkeys([v for v in literals if isinstance(v, str)] + usage.compared))
    if texts:
        start = usage.start if isinstance(usage.start, str) else texts[0]
        return {"type": "choice", "values": texts, "default": start}
    if all(isinstance(v, bool) for v in literals) and (literals or usage.tested):
        return {"type": "bool", "default": usage.start is True}
    numeric = isinstance(usage.start, (int, float)) and not isinstance(usage.start, bool)
    start = usage.start if numeric else 0
    if any(isinstance(v, float) for v in literals):
        return {"type": "number", "default": float(start)}
    return {"type": "int", "default": start}


def declarations(variables: dict[str, dict[str, Any]]) -> Declarations:
    """What the scenario's expressions may use, as the validator will see it."""
    kinds = {"int": ValueType.INT, "number": ValueType.NUMBER, "bool": ValueType.BOOL}
    known: dict[str, VariableInfo] = {
        "satisfaction": VariableInfo(ValueType.NUMBER, True, 0, 100),
        "cost": VariableInfo(ValueType.NUMBER, True, 0, None),
    }
    for name, entry in variables.items():
        values = frozenset(entry["values"]) if entry["type"] == "choice" else None
        known[name] = VariableInfo(kinds.get(entry["type"], ValueType.TEXT), values=values)
    return Declarations(known, frozenset(), frozenset())


def condition_problem(source: str, known: Declarations) -> str | None:
    """Why the validator would refuse this condition, or None."""
    try:
        check_condition(parse_condition(source), known)
    except ExpressionError as error:
        return error.message
    return None


def effect_problem(source: str | dict[str, Any], known: Declarations) -> str | None:
    """Why the validator would refuse this effect (or effects under a condition), or None."""
    if isinstance(source, dict):
        found = [condition_problem(source["if"], known)]
        found += [effect_problem(effect, known) for effect in source["then"]]
        return next((problem for problem in found if problem), None)
    try:
        check_effect(parse_effect(source), known)
    except ExpressionError as error:
        return error.message
    return None
