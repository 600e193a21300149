"""A scenario compiled for stepping: per node, the code the engine runs, found once.

The analysis steps sessions through hundreds of thousands of nodes. Looking up
compiled expressions by their source text and rebuilding the shown choices at
every step cost more than running the expressions themselves, so a plan
resolves each node once per scenario, and each pattern of available choices is
turned into views once, then shared by every session that meets it.

Likewise the events that read the same in every play (a node entered, a line
whose text and mood are fixed, a branch taken, an ending) are made once here
and shared by every history that holds them: events are never changed once
made, and building them was a large part of what recording a play cost (issue #16).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from simulator.engine.events import BranchTaken, LineShown, NodeEntered, SessionEnded
from simulator.scenario.expressions import VALUE_LIMIT, EvaluationContext, Evaluator, start_value
from simulator.scenario.expressions import Effect as CompiledEffect
from simulator.scenario.model import (
    Choice,
    EffectItem,
    Line,
    Node,
    RandomBranch,
    VariableText,
    minutes_of,
)
from simulator.scenario.playable import PlayableScenario
from simulator.wording import wording


@dataclass(frozen=True, slots=True)
class ChoiceView:
    number: int  # 1-based, as shown to the trainee; the one numbering convention
    id: str
    text: str
    available: bool
    reason: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChoiceOffer:
    """What one step shows (hidden choices left out) and which of those can be picked."""

    views: tuple[ChoiceView, ...]
    available: tuple[str, ...]  # ids, in the order shown


# What a node does once entered (a node does exactly one of these), found once so that
# the engine makes one test per step instead of five.
ENDS, BRANCHES, ROLLS, CONTINUES, WAITS = range(5)


@dataclass(frozen=True, slots=True)
class ChoicePlan:
    id: str
    choice: Choice
    once: bool
    condition: Evaluator | None
    effects: tuple[CompiledEffect, ...]
    critical: bool  # a critical mistake: counted, and the play cannot pass
    tags: tuple[str, ...]  # the choice's, as every decision record keeps them
    feedback: str | None  # the feedback when no play can change it, else None


class LinePlan(NamedTuple):
    """One line of a node as the engine shows it: a tuple, unpacked in one step for each
    line of every node a play enters."""

    key: str
    speaker: str | None
    mood: str | None
    remembers: bool  # a character speaks it, whose mood it gives stays for their next lines
    condition: Evaluator | None
    shown: LineShown | None  # the line's event when no play can change it, else None
    text: VariableText


@dataclass(frozen=True, slots=True)
class NodePlan:
    id: str
    node: Node
    step: int  # ENDS, BRANCHES, ROLLS, CONTINUES or WAITS
    episode: str | None  # the episode this node starts, if any
    episode_clock: tuple[int | None, int | None]  # the day and minute it sets the clock to
    condition: Evaluator | None  # the node's own 'if': passed by to 'otherwise' when false
    passed_by: BranchTaken | None  # the event of passing it by, when it has an 'otherwise'
    entered: NodeEntered  # the event of entering it
    effects: tuple[CompiledEffect, ...]
    lines: tuple[LinePlan, ...]
    choices: tuple[ChoicePlan, ...]
    # empty unless the node branches: each branch's condition, target, effects and event
    branches: tuple[tuple[Evaluator | None, str, tuple[CompiledEffect, ...], BranchTaken], ...]
    weights: tuple[float, ...]  # the random branches' weights as rolled (see _weight)
    random_effects: tuple[tuple[CompiledEffect, ...], ...]  # each random branch's effects
    rolled: tuple[BranchTaken, ...]  # the event of taking each random branch
    ended: SessionEnded | None  # the event of ending here, for an ending
    timer_condition: Evaluator | None  # when the timer runs (None: always)
    timer_effects: tuple[CompiledEffect, ...]
    consequence_of: frozenset[str]  # choices the node's effects are charged to, if made
    by_id: dict[str, ChoicePlan]
    conditional: bool  # whether what is offered can differ between visits
    offers: dict[tuple[bool, ...], ChoiceOffer] = field(default_factory=dict, compare=False)

    def offer(self, context: EvaluationContext) -> ChoiceOffer:
        """The choices as they stand for this state; each pattern is built once."""
        if not self.conditional:
            pattern: tuple[bool, ...] = ()
        else:
            chosen = context.chosen
            pattern = tuple(
                [
                    not (plan.once and plan.id in chosen)
                    and (plan.condition is None or bool(plan.condition(context)))
                    for plan in self.choices
                ]
            )
        offer = self.offers.get(pattern)
        if offer is None:
            offer = self.offers[pattern] = self._build_offer(pattern)
        return offer

    def _build_offer(self, pattern: tuple[bool, ...]) -> ChoiceOffer:
        views: list[ChoiceView] = []
        flags = pattern or (True,) * len(self.choices)
        for plan, available in zip(self.choices, flags, strict=True):
            choice = plan.choice
            if available or choice.reason:
                views.append(
                    ChoiceView(
                        len(views) + 1,
                        plan.id,
                        choice.text,
                        available,
                        None if available else choice.reason,
                        plan.tags,
                    )
                )
        return ChoiceOffer(tuple(views), tuple(view.id for view in views if view.available))


@dataclass(frozen=True)
class ScenarioPlan:
    nodes: dict[str, NodePlan]
    tags: Mapping[str, tuple[str, ...]]  # every choice's tags, for the analysis's policies
    texts: Mapping[str, str]  # every choice's text, for the content-blind policies
    # Read-only views, which every session copies as it starts (see Session.start).
    start_values: MappingProxyType[str, Any]  # a play's first values, each within its range
    start_moods: MappingProxyType[str, str]  # each character's mood as a play starts
    day_names: tuple[str, ...]  # what {day} shows in a text, if the clock names its days
    decimal_point: str  # how a text's language writes a number's fraction


_PLANS: weakref.WeakKeyDictionary[PlayableScenario, ScenarioPlan] = weakref.WeakKeyDictionary()


def plan_for(scenario: PlayableScenario) -> ScenarioPlan:
    """The scenario's plan, made the first time any session of it starts."""
    found = _PLANS.get(scenario)
    if found is None:
        nodes = _make_plans(scenario)
        plans = [plan for node in nodes.values() for plan in node.choices]
        tags = {plan.id: plan.tags for plan in plans}
        texts = {plan.id: plan.choice.text for plan in plans}
        clock = scenario.model.clock
        found = _PLANS[scenario] = ScenarioPlan(
            nodes,
            MappingProxyType(tags),
            MappingProxyType(texts),
            _start_values(scenario),
            MappingProxyType({key: c.mood for key, c in scenario.characters.items()}),
            tuple(clock.day_names or ()) if clock else (),
            wording(scenario.model.language)("format.decimal_point"),
        )
    return found


def _fixed_text(text: VariableText) -> str | None:
    """The text itself when it reads the same in every play (one text with nothing in
    braces to fill), so showing it costs nothing; else None."""
    if isinstance(text, str) and "{" not in text and "}" not in text:
        return text
    return None


def _start_values(scenario: PlayableScenario) -> MappingProxyType[str, Any]:
    """The scenario's initial values with every number within its variable's range, as
    every value assigned later will be: a file may start one at ``.nan`` or ``.inf``."""
    variables = scenario.declarations.variables
    return MappingProxyType(
        {
            name: value if name not in variables else start_value(variables[name], value)
            for name, value in scenario.initial_values.items()
        }
    )


def _weight(branch: RandomBranch) -> float:
    """A random branch's weight as the dice see it: at most VALUE_LIMIT, so that an
    infinite weight makes its branch near certain rather than the sum infinite and every
    branch but the last impossible; one that is not a positive number counts as 1."""
    weight = branch.weight
    return min(weight, float(VALUE_LIMIT)) if weight > 0 else 1.0


def _make_plans(scenario: PlayableScenario) -> dict[str, NodePlan]:
    conditions = scenario.conditions
    effects = scenario.effects
    episode_starts = scenario.episode_starts

    def compiled(items: list[EffectItem]) -> tuple[CompiledEffect, ...]:
        return tuple(
            effects[item]
            if isinstance(item, str)
            else _under(conditions[item.if_], tuple(effects[source] for source in item.then))
            for item in items
        )

    def condition(source: str | None) -> Evaluator | None:
        return None if source is None else conditions[source]

    characters = scenario.characters
    plans: dict[str, NodePlan] = {}
    for node_id, node in scenario.model.nodes.items():
        ids = scenario.choice_ids[node_id]
        choices = tuple(
            ChoicePlan(
                ids[index],
                choice,
                choice.once,
                condition(choice.if_),
                compiled(choice.effects),
                choice.critical is not None,
                tuple(choice.tags),
                _fixed_text(choice.feedback),
            )
            for index, choice in enumerate(node.choices or [])
        )
        lines = tuple(
            LinePlan(
                key,
                line.speaker,
                line.mood,
                line.speaker in characters,
                condition(line.if_),
                _fixed_line(node_id, key, line),
                line.text,
            )
            for key, line in zip(scenario.line_ids[node_id], node.lines, strict=True)
        )
        plans[node_id] = NodePlan(
            id=node_id,
            node=node,
            step=_step_of(node),
            episode=episode_starts.get(node_id),
            episode_clock=_episode_clock(scenario, episode_starts.get(node_id)),
            condition=condition(node.if_),
            passed_by=(
                None if node.otherwise is None else BranchTaken(node_id, node.otherwise, False)
            ),
            entered=NodeEntered(node_id),
            effects=compiled(node.effects),
            lines=lines,
            choices=choices,
            branches=tuple(
                (
                    condition(branch.if_),
                    branch.next,
                    compiled(branch.effects),
                    BranchTaken(node_id, branch.next, False),
                )
                for branch in node.branch or []
            ),
            weights=tuple(_weight(branch) for branch in node.random or []),
            random_effects=tuple(compiled(option.effects) for option in node.random or []),
            rolled=tuple(BranchTaken(node_id, option.next, True) for option in node.random or []),
            ended=None if node.ending is None else SessionEnded(node_id, node.ending.kind.value),
            timer_condition=condition(node.timer.if_) if node.timer else None,
            timer_effects=compiled(node.timer.effects) if node.timer else (),
            consequence_of=frozenset(node.consequence_of),
            by_id={plan.id: plan for plan in choices},
            conditional=any(plan.once or plan.condition is not None for plan in choices),
        )
    return plans


def _fixed_line(node_id: str, key: str, line: Line) -> LineShown | None:
    """A line's event when every play shows it alike: its text has nothing to fill, and
    its mood is its own (a speaker's line without one shows the speaker's mood then)."""
    text = _fixed_text(line.text)
    if text is None or (line.speaker is not None and line.mood is None):
        return None
    return LineShown(node_id, key, line.speaker, line.mood, text)


def _under(condition: Evaluator, effects: tuple[CompiledEffect, ...]) -> CompiledEffect:
    """Effects that apply only when their condition holds as they are reached."""

    def conditional(context: EvaluationContext) -> None:
        if condition(context):
            for effect in effects:
                effect(context)

    return conditional


def _step_of(node: Node) -> int:
    if node.ending is not None:
        return ENDS
    if node.branch is not None:
        return BRANCHES
    if node.random is not None:
        return ROLLS
    if node.next is not None:
        return CONTINUES
    return WAITS


def _episode_clock(
    scenario: PlayableScenario, episode_id: str | None
) -> tuple[int | None, int | None]:
    if episode_id is None:
        return None, None
    episode = scenario.model.episodes[episode_id]
    if episode.time is None:
        return episode.day, None
    return episode.day, minutes_of(episode.time)
