"""Translate a scenario into an ink story, so ink's runtimes can play the same map.

The peer benchmark (``bench_ink.py``) compares our engine with ink's runtimes on
the generated scenarios; this module writes the ink they play. The story is
*equivalent enough that random play makes comparable work*, not a port:

- each node is a knot (its id with ``-`` and ``.`` made ``_``); its lines are
  printed as ``Name: text`` (narration bare), a line's ``if`` becomes a
  conditional block, and ``{name}`` in a text prints the variable as ink does;
- each choice is ``+ {if} [text]`` (sticky) or ``* {if} [text]`` (``once``), then
  its effects, then ``-> next``; a ``fallback`` is ink's fallback choice
  ``+ -> knot``;
- meters, the clock and declared variables are ``VAR`` declarations with the
  values a play starts with; an effect is ``~ x = ...``, clamped to the
  variable's ``min``/``max`` with ``MIN``/``MAX`` as the engine clamps it, and a
  part of the cost moves the cost by its rate; ``advance(n)`` is an ink
  function that moves ``time`` and rolls ``day`` over midnight; an episode's
  start knot sets the clock when the play enters a new episode;
- a ``branch`` is a multi-line conditional whose arms divert; a ``random`` node
  draws ``RANDOM(1, total)`` over its weights (made whole numbers) and diverts by
  the running sum, after ``SEED_RANDOM(play_seed)`` at the start of the story,
  so a driver that sets ``play_seed`` gets repeatable plays;
- an ending prints its title and text and diverts to ``END``; ``visits("id")`` reads
  a counter the knot adds one to as the play enters it, and ``chose("id")`` a flag the
  choice sets (ink's own read counts miss a return to a knot from one of its choices).

Left out, because they cost nothing in a random headless play on either side or
have no ink counterpart: timers (a headless play never lets one run out),
feedback and lessons (debrief texts), tags, moods, critical flags,
``consequence_of`` (who a change is charged to) and choices shown greyed out
with a ``reason`` (ink only offers the available ones). ``{time}`` and ``{day}``
print through ink functions as ours shows them (19:30, the day's name); division
goes through one that gives 0 for a zero divisor and keeps the fraction of two
whole values, and ``round()`` rounds half to even, as ours do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from simulator.engine.plan import plan_for
from simulator.scenario.expressions import (
    Assignment,
    Binary,
    Call,
    CallStatement,
    ExpressionNode,
    Literal,
    Name,
    Unary,
    ValueType,
    VariableInfo,
    parse_condition,
    parse_effect,
)
from simulator.scenario.model import (
    Choice,
    ConditionalEffect,
    EffectItem,
    Node,
    VariableText,
)
from simulator.scenario.playable import PlayableScenario, choice_id

#: Words ink reads as its own, which no knot, variable or function of ours may be called.
INK_RESERVED = frozenset(
    {"and", "or", "not", "true", "false", "mod", "has", "hasnt", "ref", "temp", "return"}
    | {"VAR", "CONST", "LIST", "INCLUDE", "EXTERNAL", "function", "else", "END", "DONE"}
    | {"once", "cycle", "shuffle", "stopping"}
)
#: Helper functions the story may call, by their role.
HELPERS = ("advance", "divide", "absolute", "rounded", "clock_text", "day_name")
#: Set by a driver before the first line, so random nodes draw the same per play.
SEED_VARIABLE = "play_seed"
#: Names the story keeps for itself, given out before any of the scenario's: the seed, the
#: current episode, a part of the cost before an effect changes it (to move the cost by
#: its rate), and a random node's draw.
OWN_NAMES = (SEED_VARIABLE, "episode", "part_before", "roll")
#: The helpers' parameters and temporaries: ink wants them unlike every global name.
LOCAL_NAMES = ("minutes_", "hours_", "rest_", "day_", "a_", "b_", "x_", "whole_", "down_", "part_")
MINUTES_PER_DAY = 24 * 60

_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9_]")
_FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SPECIAL = re.compile(r"[\\#{}\[\]|]|//|/\*|->|<-|<>")
#: Line openings ink would read as something other than text.
_KEYWORD_START = re.compile(r"^(VAR|CONST|LIST|INCLUDE|EXTERNAL|TODO|else)\b")


class _Names:
    """One ink identifier per name of ours: knots, variables and helpers share ink's one
    namespace, so a clash (or a reserved word) gets a numbered name instead."""

    def __init__(self) -> None:
        self.taken: set[str] = set(INK_RESERVED)
        self.by_key: dict[tuple[str, str], str] = {}

    def name(self, kind: str, original: str) -> str:
        key = (kind, original)
        found = self.by_key.get(key)
        if found is not None:
            return found
        base = _NOT_IDENTIFIER.sub("_", original) or "x"
        if base[0].isdigit():
            base = f"n_{base}"
        candidate, counter = base, 2
        while candidate in self.taken:
            candidate = f"{base}_{counter}"
            counter += 1
        self.taken.add(candidate)
        self.by_key[key] = candidate
        return candidate


@dataclass
class _Exporter:
    playable: PlayableScenario
    names: _Names = field(default_factory=_Names)
    helpers_used: set[str] = field(default_factory=set)
    #: node id -> the counter of its visits, for the nodes a visits() reads.
    visit_counters: dict[str, str] = field(default_factory=dict)
    #: choice id -> the flag set when it is picked, for the choices a chose() reads.
    choice_flags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.variables = self.playable.declarations.variables
        for role in HELPERS:  # given out first, so a variable or knot yields to them
            self.names.name("helper", role)
        for name in OWN_NAMES:
            self.names.name("own", name)
        self.names.taken.update(LOCAL_NAMES)

    # ----------------------------------------------------------- names

    def var(self, name: str) -> str:
        return self.names.name("var", name)

    def own(self, name: str) -> str:
        return self.names.name("own", name)

    def knot(self, node_id: str) -> str:
        return self.names.name("knot", node_id)

    def helper(self, role: str) -> str:
        self.helpers_used.add(role)
        return self.names.name("helper", role)

    # ----------------------------------------------------------- expressions

    def value(self, node: ExpressionNode) -> str:
        """An expression of ours as ink, every operation in brackets so that ink's
        precedence (``not`` binds loosely) cannot change its meaning."""
        if isinstance(node, Literal):
            return _literal(node.value)
        if isinstance(node, Name):
            return self.var(node.name)
        if isinstance(node, Unary):
            operand = self.value(node.operand)
            return f"(not {operand})" if node.operator == "not" else f"(-{operand})"
        if isinstance(node, Binary):
            left, right = self.value(node.left), self.value(node.right)
            if node.operator == "/":
                return f"{self.helper('divide')}({left}, {right})"
            return f"({left} {node.operator} {right})"
        return self.call(node)

    def call(self, node: Call) -> str:
        function = node.function
        if function == "visits":
            argument = node.arguments[0]
            assert isinstance(argument, Literal)
            return self.visit_counters[str(argument.value)]
        if function == "chose":
            argument = node.arguments[0]
            assert isinstance(argument, Literal)
            return self.choice_flags[str(argument.value)]
        arguments = ", ".join(self.value(argument) for argument in node.arguments)
        if function in ("min", "max"):
            return f"{function.upper()}({arguments})"
        return f"{self.helper('absolute' if function == 'abs' else 'rounded')}({arguments})"

    def condition(self, source: str) -> str:
        return self.value(parse_condition(source))

    # ----------------------------------------------------------- effects

    def effect(self, source: str) -> list[str]:
        """One effect as ``~`` lines."""
        statement = parse_effect(source)
        if isinstance(statement, CallStatement):  # advance(minutes): the only action
            (minutes,) = statement.call.arguments
            return [f"~ {self.helper('advance')}({self.value(minutes)})"]
        assert isinstance(statement, Assignment)
        info = self.variables[statement.target]
        target = self.var(statement.target)
        value = self.value(statement.value)
        if statement.operator != "=":
            value = f"{target} {statement.operator[0]} {value}"
        if info.type not in (ValueType.INT, ValueType.NUMBER):
            return [f"~ {target} = {value}"]
        value = _clamped(value, info)
        if info.cost_rate is None:
            return [f"~ {target} = {value}"]
        cost = self.var("cost")
        before = self.own("part_before")
        moved = f"({target} - {before}) * {_literal(float(info.cost_rate))}"
        return [
            f"~ {before} = {target}",
            f"~ {target} = {value}",
            f"~ {cost} = {_clamped(f'{cost} + {moved}', self.variables['cost'])}",
        ]

    def effects(self, items: list[EffectItem], indent: str) -> list[str]:
        out: list[str] = []
        for item in items:
            if isinstance(item, ConditionalEffect):
                out.append(f"{indent}{{{self.condition(item.if_)}:")
                for source in item.then:
                    out.extend(f"{indent}    {line}" for line in self.effect(source))
                out.append(f"{indent}}}")
            else:
                out.extend(f"{indent}{line}" for line in self.effect(item))
        return out

    # ----------------------------------------------------------- text

    def text(self, text: str) -> str:
        """Our text as ink content: ``{name}`` prints the variable, everything ink would
        read as markup is escaped with a backslash."""
        out: list[str] = []
        position = 0
        for match in _FIELD.finditer(text):
            out.append(_escape(text[position : match.start()]))
            name = match.group(1)
            if name is None:  # {{ or }}
                out.append("\\" + match.group(0)[0])
            elif name == "time" and name in self.variables:  # as 19:30, as ours shows it
                out.append(f"{{{self.helper('clock_text')}({self.var(name)})}}")
            elif name == "day" and name in self.variables and self.day_names():
                out.append(f"{{{self.helper('day_name')}({self.var(name)})}}")
            elif name in self.variables:
                out.append("{" + self.var(name) + "}")
            else:
                out.append(_escape(match.group(0)))
            position = match.end()
        out.append(_escape(text[position:]))
        written = "".join(out).strip()
        if written and (written[0] in "*+-~=(<>!&$@/" or _KEYWORD_START.match(written)):
            written = "\\" + written
        return written

    def variable_text(self, text: VariableText, indent: str) -> list[str]:
        if isinstance(text, str):
            return [indent + self.text(text)] if text else []
        out = [f"{indent}{{"]
        for variant in text:
            test = "else" if variant.if_ is None else self.condition(variant.if_)
            out.append(f"{indent}    - {test}: {self.text(variant.text)}")
            if variant.if_ is None:
                break
        out.append(f"{indent}}}")
        return out

    # ----------------------------------------------------------- knots

    def knot_lines(self, node_id: str, node: Node) -> Iterator[str]:
        yield f"=== {self.knot(node_id)} ==="
        if node.if_ is not None:
            away = self.knot(node.otherwise) if node.otherwise else "END"
            yield f"{{not {self.condition(node.if_)}: -> {away}}}"
        counter = self.visit_counters.get(node_id)
        if counter is not None:
            yield f"~ {counter} = {counter} + 1"
        episode = self.playable.episode_starts.get(node_id)
        if episode is not None:
            yield from self.episode_lines(episode)
        yield from self.effects(node.effects, "")
        for line in node.lines:
            character = self.playable.characters.get(line.speaker or "")
            shown = self.text(line.text)
            if character is not None:
                shown = f"{self.text(character.name)}: {shown}"
            if line.if_ is None:
                yield shown
            else:
                yield f"{{{self.condition(line.if_)}:"
                yield f"    {shown}"
                yield "}"
        if node.choices is not None:
            yield from self.choice_lines(node_id, node)
        elif node.next is not None:
            yield f"-> {self.knot(node.next)}"
        elif node.branch is not None:
            arms = [
                (None if b.if_ is None else self.condition(b.if_), b.effects, self.knot(b.next))
                for b in node.branch
            ]
            if arms[-1][0] is not None:  # none may hold: ours sticks, ink stops
                arms.append((None, [], "END"))
            yield from self.arms(arms)
        elif node.random is not None:
            yield from self.random_lines(node)
        elif node.ending is not None:
            yield self.text(node.ending.title)
            yield from self.variable_text(node.ending.text, "")
            yield "-> END"
        yield ""

    def episode_lines(self, episode_id: str) -> Iterator[str]:
        """Entering an episode's start knot from another episode sets its clock."""
        number = list(self.playable.model.episodes).index(episode_id) + 1
        episode = self.playable.model.episodes[episode_id]
        current = self.own("episode")
        yield f"{{{current} != {number}:"
        yield f"    ~ {current} = {number}"
        if episode.day is not None:
            yield f"    ~ {self.var('day')} = {episode.day}"
        if episode.time is not None:
            hours, minutes = episode.time.split(":")
            yield f"    ~ {self.var('time')} = {int(hours) * 60 + int(minutes)}"
        yield "}"

    def choice_lines(self, node_id: str, node: Node) -> Iterator[str]:
        assert node.choices is not None
        for index, choice in enumerate(node.choices):
            yield from self.one_choice(node_id, index, choice)
        if node.fallback is not None:
            yield f"+ -> {self.knot(node.fallback)}"

    def one_choice(self, node_id: str, index: int, choice: Choice) -> Iterator[str]:
        head = "*" if choice.once else "+"
        if choice.if_ is not None:
            head += f" {{{self.condition(choice.if_)}}}"
        head += f" [{self.text(choice.text)}]"
        target = f"-> {self.knot(choice.next)}"
        effects = self.effects(choice.effects, "    ")
        flag = self.choice_flags.get(choice_id(node_id, index, choice))
        if flag is not None:
            effects.append(f"    ~ {flag} = true")
        if not effects:
            yield f"{head} {target}"
            return
        yield head
        yield from effects
        yield f"    {target}"

    def random_lines(self, node: Node) -> Iterator[str]:
        assert node.random is not None
        weights = _whole_weights([option.weight for option in node.random])
        roll = self.own("roll")
        yield f"~ temp {roll} = RANDOM(1, {sum(weights)})"
        running = 0
        arms: list[tuple[str | None, list[EffectItem], str]] = []
        for option, weight in zip(node.random, weights, strict=True):
            running += weight
            arms.append((f"{roll} <= {running}", option.effects, self.knot(option.next)))
        yield from self.arms([*arms[:-1], (None, *arms[-1][1:])])

    def arms(self, arms: list[tuple[str | None, list[EffectItem], str]]) -> Iterator[str]:
        """Diverts chosen by condition, the last without one (``else``): a conditional
        block, or the divert alone when there is only the one (ink wants a condition)."""
        if len(arms) == 1:
            _, effects, target = arms[0]
            yield from self.effects(effects, "")
            yield f"-> {target}"
            return
        yield "{"
        for test, effects, target in arms:
            yield f"    - {'else' if test is None else test}:"
            yield from self.effects(effects, "        ")
            yield f"        -> {target}"
        yield "}"

    # ----------------------------------------------------------- the story

    def count_what_is_read(self) -> None:
        """A counter for each node a ``visits()`` reads and a flag for each choice a
        ``chose()`` reads, kept by the story itself: ink's own read count of a knot
        misses a return to it from one of its own choices, and ours counts every entry."""
        read: set[tuple[str, str]] = set()
        for source in self.playable.conditions:
            read.update(_reads(parse_condition(source)))
        for source in self.playable.effects:
            statement = parse_effect(source)
            node = statement.value if isinstance(statement, Assignment) else statement.call
            read.update(_reads(node))
        for function, key in sorted(read):
            if function == "visits":
                self.visit_counters[key] = self.names.name("visits", f"visits_{key}")
            else:
                self.choice_flags[key] = self.names.name("chose", f"chose_{key}")

    def declarations(self) -> Iterator[str]:
        start = plan_for(self.playable).start_values
        for name, info in self.variables.items():
            value = start.get(name)
            if value is None:
                value = _empty(info)
            elif info.type is ValueType.NUMBER:
                value = float(value)
            yield f"VAR {self.var(name)} = {_literal(value)}"
        for counter in self.visit_counters.values():
            yield f"VAR {counter} = 0"
        for flag in self.choice_flags.values():
            yield f"VAR {flag} = false"
        if self.playable.model.episodes:
            yield f"VAR {self.own('episode')} = 0"
        if any(info.cost_rate is not None for info in self.variables.values()):
            yield f"VAR {self.own('part_before')} = 0.0"
        yield f"VAR {self.own(SEED_VARIABLE)} = 0"

    def story(self) -> str:
        for name in self.variables:
            self.var(name)
        for node_id in self.playable.model.nodes:
            self.knot(node_id)
        self.count_what_is_read()
        body: list[str] = []
        for node_id, node in self.playable.model.nodes.items():
            body.extend(self.knot_lines(node_id, node))
        model = self.playable.model
        head = [
            f"// {model.title}: {model.id}, exported by benchmarks/ink_export.py",
            *self.declarations(),
            "",
            f"~ SEED_RANDOM({self.own(SEED_VARIABLE)})",
            f"-> {self.knot(model.start)}",
            "",
        ]
        return "\n".join([*head, *body, *self.helper_functions()]) + "\n"

    def day_names(self) -> list[str]:
        clock = self.playable.model.clock
        return list(clock.day_names or []) if clock is not None else []

    def helper_functions(self) -> Iterator[str]:
        if "clock_text" in self.helpers_used:
            yield f"=== function {self.names.name('helper', 'clock_text')}(minutes_)"
            yield "~ temp hours_ = INT(minutes_ / 60) mod 24"
            yield "~ temp rest_ = minutes_ mod 60"
            yield "{hours_ < 10:0}{hours_}:{rest_ < 10:0}{rest_}"
            yield ""
        if "day_name" in self.helpers_used:
            names = self.day_names()
            yield f"=== function {self.names.name('helper', 'day_name')}(day_)"
            yield f"{{(day_ - 1) mod {len(names)}:"
            for index, name in enumerate(names):
                yield f"    - {index}: {self.text(name)}"
            yield "}"
            yield ""
        if "advance" in self.helpers_used:
            time, day = self.var("time"), self.var("day")
            yield f"=== function {self.names.name('helper', 'advance')}(minutes_)"
            yield "{minutes_ > 0:"
            yield f"    ~ {time} = {time} + INT(minutes_)"
            yield f"    {{{time} >= {MINUTES_PER_DAY}:"
            yield f"        ~ {day} = {day} + {time} / {MINUTES_PER_DAY}"
            yield f"        ~ {time} = {time} mod {MINUTES_PER_DAY}"
            yield "    }"
            yield "}"
            yield ""
        if "divide" in self.helpers_used:
            # inkjs makes every whole-valued number a whole one (and writes 10.0 as 10 in
            # the JSON every runtime here reads), so 45 / 10 would give 4: two whole
            # values are divided as quotient plus remainder, the remainder's share made a
            # fraction with a shift of 0.5 (inkcpp has no FLOAT(), nor mod on fractions).
            yield f"=== function {self.names.name('helper', 'divide')}(a_, b_)"
            yield "{b_ == 0:"
            yield "    ~ return 0"
            yield "}"
            yield "{a_ != FLOOR(a_) or b_ != FLOOR(b_):"
            yield "    ~ return a_ / b_"
            yield "}"
            yield "~ temp rest_ = INT(a_) mod INT(b_)"
            yield "~ temp whole_ = (INT(a_) - rest_) / INT(b_)"
            yield "{rest_ == 0:"
            yield "    ~ return whole_"
            yield "}"
            yield "~ return whole_ + ((rest_ + 0.5) / b_ - 0.5 / b_)"
            yield ""
        if "absolute" in self.helpers_used:
            yield f"=== function {self.names.name('helper', 'absolute')}(x_)"
            yield "{x_ < 0:"
            yield "    ~ return -x_"
            yield "}"
            yield "~ return x_"
            yield ""
        if "rounded" in self.helpers_used:  # half to even, as Python's round()
            yield f"=== function {self.names.name('helper', 'rounded')}(x_)"
            yield "~ temp down_ = FLOOR(x_)"
            yield "~ temp part_ = x_ - down_"
            yield "{part_ > 0.5 or (part_ == 0.5 and INT(down_) mod 2 != 0):"
            yield "    ~ return INT(down_) + 1"
            yield "}"
            yield "~ return INT(down_)"
            yield ""


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else "0.0"
    return str(value)


def _empty(info: VariableInfo) -> Any:
    if info.type is ValueType.BOOL:
        return False
    if info.type is ValueType.TEXT:
        return ""
    return 0 if info.type is ValueType.INT else 0.0


def _clamped(value: str, info: VariableInfo) -> str:
    """``value`` kept within the variable's declared range, as the engine keeps it."""
    whole = info.type is ValueType.INT
    if info.maximum is not None:
        value = f"MIN({value}, {_literal(int(info.maximum) if whole else float(info.maximum))})"
    if info.minimum is not None:
        value = f"MAX({value}, {_literal(int(info.minimum) if whole else float(info.minimum))})"
    return value


def _escape(text: str) -> str:
    """A backslash before a markup character, or inside a two-character mark: ink strips
    comments before it reads escapes, so ``\\//`` would still open one and ``/\\/`` does not."""
    return _SPECIAL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    mark = match.group(0)
    return "\\" + mark if len(mark) == 1 else mark[0] + "\\" + mark[1]


def _whole_weights(weights: list[float]) -> list[int]:
    """Weights as whole numbers in the same proportions (to a thousandth): ink's
    ``RANDOM`` draws whole numbers."""
    for scale in (1, 2, 4, 10, 100, 1000):
        scaled = [weight * scale for weight in weights]
        if all(abs(value - round(value)) < 1e-9 for value in scaled):
            return [max(1, round(value)) for value in scaled]
    return [max(1, round(weight * 1000)) for weight in weights]


def _reads(node: ExpressionNode) -> Iterator[tuple[str, str]]:
    """Each ``visits("id")`` and ``chose("id")`` in an expression, as (function, id)."""
    if isinstance(node, Call):
        if node.function in ("visits", "chose") and isinstance(node.arguments[0], Literal):
            yield node.function, str(node.arguments[0].value)
        for argument in node.arguments:
            yield from _reads(argument)
    elif isinstance(node, Unary):
        yield from _reads(node.operand)
    elif isinstance(node, Binary):
        yield from _reads(node.left)
        yield from _reads(node.right)


def export_ink(playable: PlayableScenario) -> str:
    """The ink source of a checked scenario (see the module's docstring for what it keeps)."""
    return _Exporter(playable).story()
