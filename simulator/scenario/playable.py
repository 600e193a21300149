"""A scenario that has passed every check, with its expressions compiled.

The engine only ever receives a ``PlayableScenario``; there is no way to build
one except through the loader, so a session never meets an unchecked file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from simulator.scenario.expressions import Declarations, Effect, Evaluator
from simulator.scenario.model import Character, Choice, Line, Node, Scenario

BUILTIN_NAMES = ("satisfaction", "cost", "day", "time")


def line_id(node_id: str, index: int, line: Line) -> str:
    """The stable id of a line: the author's, or one derived from its position."""
    return line.id or f"{node_id}.line{index + 1}"


def choice_id(node_id: str, index: int, choice: Choice) -> str:
    """The stable id of a choice: the author's, or one derived from its position."""
    return choice.id or f"{node_id}.choice{index + 1}"


@dataclass(frozen=True)
class PlayableScenario:
    model: Scenario
    path: str
    content_hash: str
    characters: Mapping[str, Character]  # the scenario's own and its includes'
    declarations: Declarations
    conditions: Mapping[str, Evaluator]  # keyed by expression source text
    effects: Mapping[str, Effect]
    episode_starts: Mapping[str, str]  # start node id -> episode id

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def title(self) -> str:
        return self.model.title

    def node(self, node_id: str) -> Node:
        return self.model.nodes[node_id]
