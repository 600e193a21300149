"""A scenario that has passed every check, with its expressions compiled.

The engine only ever receives a ``PlayableScenario``; there is no way to build
one except through the loader, so a session never meets an unchecked file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.scenario.expressions import Declarations, Effect, Evaluator, ValueType
from simulator.scenario.model import Character, Choice, Line, Scenario, minutes_of

BUILTIN_NAMES = ("satisfaction", "cost", "day", "time")
#: Where a session counts its critical mistakes among its values: not a name an author can
#: write, so no scenario can read or change it. Present only where a choice is critical.
CRITICAL = "!critical"
# In a script of picks, these let a timed choice run out, so no choice may be called so.
TIMEOUT_WORDS = ("t", "timeout")


def line_id(node_id: str, index: int, line: Line) -> str:
    """The stable id of a line: the author's, or one derived from its position."""
    return line.id or f"{node_id}.line{index + 1}"


def choice_id(node_id: str, index: int, choice: Choice) -> str:
    """The stable id of a choice: the author's, or one derived from its position."""
    return choice.id or f"{node_id}.choice{index + 1}"


@dataclass(frozen=True, eq=False)  # one object per load: compared and hashed by identity
class PlayableScenario:
    model: Scenario
    path: str
    content_hash: str
    characters: Mapping[str, Character]  # the scenario's own and its includes'
    declarations: Declarations
    conditions: Mapping[str, Evaluator]  # keyed by expression source text
    effects: Mapping[str, Effect]
    episode_starts: Mapping[str, str]  # start node id -> episode id
    choice_ids: Mapping[str, tuple[str, ...]]  # node id -> its choices' ids, in order
    line_ids: Mapping[str, tuple[str, ...]]  # node id -> its lines' ids, in order
    initial_values: Mapping[str, Any]  # every variable (meters and clock too) at the start
    mood_labels: Mapping[str, str]  # mood id -> how it reads in the scenario's language

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def title(self) -> str:
        return self.model.title


def initial_values(model: Scenario, declarations: Declarations) -> dict[str, Any]:
    """Meters, clock and declared variables as a new session starts them."""
    cost = model.meters.cost
    values: dict[str, Any] = {
        "satisfaction": float(model.meters.satisfaction.start),
        # the start plus each part at its start, so that the cost is the sum of its parts
        "cost": float(cost.start)
        + sum(part.start * part.rate for part in cost.components.values()),
    }
    for name, part in cost.components.items():
        values[name] = float(part.start)
    if any(choice.critical for node in model.nodes.values() for choice in node.choices or []):
        values[CRITICAL] = 0
    if model.clock is not None:
        values["day"] = model.clock.day
        values["time"] = minutes_of(model.clock.time)
    for name, variable in model.variables.items():
        if name in cost.components:
            continue  # refused by the validator (E216); the part's value stands
        info = declarations.variables[name]
        if variable.default is not None:
            default = variable.default
            values[name] = int(default) if info.type is ValueType.INT else default
        elif info.type is ValueType.BOOL:
            values[name] = False
        elif info.type is ValueType.TEXT:
            values[name] = (variable.values or [""])[0]
        else:
            low = 0 if info.minimum is None else info.minimum
            values[name] = int(low) if info.type is ValueType.INT else float(low)
    return values


def id_tables(model: Scenario) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    choices = {
        node_id: tuple(choice_id(node_id, i, c) for i, c in enumerate(node.choices or []))
        for node_id, node in model.nodes.items()
    }
    lines = {
        node_id: tuple(line_id(node_id, i, line) for i, line in enumerate(node.lines))
        for node_id, node in model.nodes.items()
    }
    return choices, lines


def mood_label(mood: str) -> str:
    """How a mood id reads to the trainee, until a translation says otherwise."""
    return mood.replace("-", " ")
