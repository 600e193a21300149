"""Semantic checks of a scenario whose shape is already valid.

Each check yields ``Diagnostic`` values with a path into the YAML data; the
loader turns paths into line and column. Everything is collected, nothing is
raised, so a trainer sees every problem of a file in one run.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

from simulator.scenario.clock_reach import (
    CLOCK_NAMES,
    ExpressionNotes,
    clock_text,
    earliest_arrivals,
    episode_setting,
    notes_of,
)
from simulator.scenario.components import (
    nodes_on_cycles,
    predecessors,
    reachable,
    successors,
    unreachable_regions,
)
from simulator.scenario.diagnostics import Diagnostic, bounded_suggestions, closest, suggest
from simulator.scenario.expressions import (
    Declarations,
    Effect,
    Evaluator,
    ExpressionError,
    ExpressionNode,
    Statement,
    ValueType,
    VariableInfo,
    check_condition,
    check_effect,
    compile_effect,
    compile_value,
    names_read,
    parse_condition,
    parse_effect,
)
from simulator.scenario.model import (
    Character,
    EffectItem,
    Node,
    Scenario,
    VariableText,
    VariableType,
    each_effect,
)
from simulator.scenario.playable import BUILTIN_NAMES, TIMEOUT_WORDS, choice_id
from simulator.scenario.probes import ProbeContext, points_to_try, safe_truth, shown_value
from simulator.scenario.templates import names_in

Path = tuple[str | int, ...]
MAX_AVAILABILITY_CASES = 20_000
#: The longest meter label the game's top bar shows whole: each meter's box there is at
#: most 220 pixels wide and its caption is set in a 14-pixel font, about 7.5 pixels a
#: character, so a longer label is cut short mid-word while the trainee plays.
MAX_METER_LABEL = 28
#: How many names a message lists before it says "..." (a cascade can name thousands).
LISTED_NAMES = 3


@dataclass
class CheckedExpressions:
    conditions: dict[str, Evaluator] = field(default_factory=dict)
    effects: dict[str, Effect] = field(default_factory=dict)
    condition_trees: dict[str, ExpressionNode] = field(default_factory=dict)
    names_read: set[str] = field(default_factory=set)


def declarations_for(scenario: Scenario, assume_clock: bool = False) -> Declarations:
    """The names a scenario's expressions may use; with ``assume_clock``, ``day`` and
    ``time`` even when it has no clock (to check its expressions all the same)."""
    components = scenario.meters.cost.components
    variables: dict[str, VariableInfo] = {
        "satisfaction": VariableInfo(ValueType.NUMBER, True, 0, 100),
        # made of its components where it has them: they are what effects change
        "cost": VariableInfo(ValueType.NUMBER, not components, 0, None),
    }
    if scenario.clock is not None or assume_clock:
        variables["day"] = VariableInfo(ValueType.INT, False, 1, None)
        variables["time"] = VariableInfo(ValueType.INT, False, 0, 24 * 60 - 1)
    kinds = {
        VariableType.int: ValueType.INT,
        VariableType.number: ValueType.NUMBER,
        VariableType.bool: ValueType.BOOL,
        VariableType.choice: ValueType.TEXT,
    }
    for name, component in components.items():
        if name not in variables:
            variables[name] = VariableInfo(
                ValueType.NUMBER, True, 0, None, cost_rate=component.rate
            )
    for name, variable in scenario.variables.items():
        if name in variables:
            continue
        values = frozenset(variable.values) if variable.values else None
        variables[name] = VariableInfo(
            kinds[variable.type], True, variable.min, variable.max, values
        )
    choice_ids = {
        choice_id(node_id, index, choice)
        for node_id, node in scenario.nodes.items()
        for index, choice in enumerate(node.choices or [])
    }
    return Declarations(variables, frozenset(scenario.nodes), frozenset(choice_ids))


class ScenarioChecker:
    def __init__(self, scenario: Scenario, characters: Mapping[str, Character]) -> None:
        self.scenario = scenario
        self.characters = characters
        self.diagnostics: list[Diagnostic] = []
        self.declarations = declarations_for(scenario)
        # Expressions are checked as if the clock existed: a missing clock is one mistake,
        # reported once with the places that use it, not once for each of them.
        self.checking = declarations_for(scenario, assume_clock=True)
        self.clock_uses: list[Path] = []
        self.expression_notes: dict[str, ExpressionNotes] = {}
        # References to nodes that do not exist: (the id, where, the node they leave).
        self.dangling: list[tuple[str, Path, str | None]] = []
        self.expressions = CheckedExpressions()
        # Every reference out of every node, worked out once for all the checks below.
        self.edges = {node_id: list(successors(node)) for node_id, node in scenario.nodes.items()}
        self.graph = {
            node_id: [t for t, _ in edges if t in scenario.nodes]
            for node_id, edges in self.edges.items()
        }
        self.on_cycle = nodes_on_cycles(self.graph)

    def report(
        self, code: str, message: str, path: Path, at_key: bool = False, offset: int | None = None
    ) -> None:
        self.diagnostics.append(Diagnostic(code, message, path=path, at_key=at_key, offset=offset))

    def run(self) -> list[Diagnostic]:
        self.check_variables()
        self.check_lessons()
        self.check_consequences()
        self.check_characters()
        self.check_clock_and_episodes()
        self.check_scoring()
        self.check_nodes()
        self.check_missing_clock()
        self.check_ids()
        self.check_graph()
        self.check_availability()
        self.check_choice_flags()
        self.check_meter_labels()
        if not any(d.code.startswith("E3") for d in self.diagnostics):
            self.check_unused()  # a broken expression would make its names look unused
        if not any(d.is_error for d in self.diagnostics):
            self.check_episode_clock()  # needs every effect compiled, every node there
        return self.diagnostics

    # ------------------------------------------------------------ declarations

    def check_name(self, name: str, path: Path) -> bool:
        """E216 for a name expressions cannot use as a variable; whether it can."""
        if name in BUILTIN_NAMES:
            problem = f"'{name}' is built in; choose another name"
        elif name in ("and", "or", "not", "true", "false"):
            problem = f"'{name}' is a keyword; choose another name"
        elif "." in name or "-" in name:
            problem = f"names of variables use letters, digits and '_' only, not '{name}'"
        else:
            return True
        self.report("E216", problem, path, True)
        return False

    def check_variables(self) -> None:
        for name in self.scenario.meters.cost.components:
            path: Path = ("meters", "cost", "components", name)
            if self.check_name(name, path) and name in self.scenario.variables:
                self.report(
                    "E216",
                    f"'{name}' is both a part of the cost and a variable; a part of the "
                    "cost is a variable already, so remove one of them",
                    ("variables", name),
                    True,
                )
        for name, variable in self.scenario.variables.items():
            path = ("variables", name)
            if not self.check_name(name, path):
                continue
            default = variable.default
            kind = variable.type
            if kind is VariableType.choice:
                if not variable.values:
                    self.report(
                        "E216", "a 'choice' variable needs 'values': the names it can take", path
                    )
                elif default is not None and default not in variable.values:
                    self.report(
                        "E216",
                        f"default '{default}' is not one of its values "
                        f"({', '.join(variable.values)})",
                        (*path, "default"),
                    )
            elif variable.values is not None:
                self.report(
                    "E216",
                    "'values' is only for variables of type 'choice'",
                    (*path, "values"),
                    True,
                )
            if kind is VariableType.bool and default is not None and not isinstance(default, bool):
                self.report(
                    "E216", "default of a bool variable must be true or false", (*path, "default")
                )
            if kind in (VariableType.int, VariableType.number):
                if default is not None and (
                    isinstance(default, (bool, str))
                    or (
                        kind is VariableType.int
                        and isinstance(default, float)
                        and not default.is_integer()
                    )
                ):
                    self.report(
                        "E216",
                        f"default must be a {'whole ' if kind is VariableType.int else ''}number",
                        (*path, "default"),
                    )
                elif (
                    variable.min is not None
                    and variable.max is not None
                    and variable.min > variable.max
                ):
                    self.report(
                        "E216",
                        f"min ({variable.min:g}) is above max ({variable.max:g})",
                        (*path, "min"),
                    )
                elif isinstance(default, (int, float)) and (
                    (variable.min is not None and default < variable.min)
                    or (variable.max is not None and default > variable.max)
                ):
                    self.report("E216", "default lies outside min and max", (*path, "default"))
            elif variable.min is not None or variable.max is not None:
                self.report("E216", "min and max are only for int and number variables", path)

    def check_lessons(self) -> None:
        for lesson_id, lesson in self.scenario.lessons.items():
            for index, choice in enumerate(lesson.applied_by):
                self.check_choice_reference(choice, ("lessons", lesson_id, "applied_by", index))

    def check_consequences(self) -> None:
        for node_id, node in self.scenario.nodes.items():
            for index, choice in enumerate(node.consequence_of):
                self.check_choice_reference(choice, ("nodes", node_id, "consequence_of", index))

    def check_choice_reference(self, choice: str, path: Path) -> None:
        choice_ids = self.declarations.choice_ids
        if choice not in choice_ids:
            self.report(
                "E219", f"no choice is called '{choice}'{suggest(choice, choice_ids)}", path
            )

    def check_characters(self) -> None:
        for character_id, character in self.scenario.characters.items():
            if character.mood not in character.moods:
                self.report(
                    "E203",
                    f"mood '{character.mood}' is not in this character's moods"
                    f"{suggest(character.mood, character.moods)}",
                    ("characters", character_id, "mood"),
                )

    def check_clock_and_episodes(self) -> None:
        for episode_id, episode in self.scenario.episodes.items():
            path: Path = ("episodes", episode_id)
            self.check_node_reference(episode.start, (*path, "start"))
            if self.scenario.clock is None and (episode.day, episode.time) != (None, None):
                self.clock_uses.append(path)

    def check_missing_clock(self) -> None:
        """One E215 for a scenario without a clock that uses one (its expressions were
        checked as if it had one), however many places do: deleting the 'clock:'
        section used to give an error for each of them."""
        if not self.clock_uses:
            return
        count = len(self.clock_uses)
        places = "this place uses" if count == 1 else f"{count:,} places use"
        self.report(
            "E215",
            f"{places} the clock ('day' or 'time', advance(), an episode's day or time; "
            "the first is here), but the scenario has no 'clock' section; add one at the "
            "top level, such as: "
            'clock: {day: 1, time: "09:00"}',
            self.clock_uses[0],
        )

    def check_scoring(self) -> None:
        scoring = self.scenario.scoring
        if not any(grade.min == 0 for grade in scoring.grades.values()):
            self.report(
                "E213",
                "one grade must start at min: 0 so that every score gets a grade",
                ("scoring", "grades"),
            )
        if scoring.target.cost >= scoring.cost_limit:
            self.report(
                "E214",
                f"the target cost ({scoring.target.cost:g}) must be below "
                f"cost_limit ({scoring.cost_limit:g})",
                ("scoring", "target", "cost"),
            )

    # ------------------------------------------------------------ nodes

    def check_node_reference(self, target: str, path: Path, source: str | None = None) -> None:
        """Notes a reference to a node that does not exist; ``check_graph`` reports it,
        once it knows which nodes the broken reference cuts off."""
        if target not in self.scenario.nodes:
            self.dangling.append((target, path, source))

    def check_lesson_reference(self, lesson: str | None, path: Path) -> None:
        if lesson is not None and lesson not in self.scenario.lessons:
            self.report(
                "E204",
                f"no lesson is called '{lesson}'{suggest(lesson, self.scenario.lessons)}",
                path,
            )

    def check_nodes(self) -> None:
        self.check_node_reference(self.scenario.start, ("start",))
        for node_id, node in self.scenario.nodes.items():
            path: Path = ("nodes", node_id)
            self.check_node_kind(node, path)
            self.check_lines(node, path)
            if node.if_ is not None:
                self.compile_condition(node.if_, (*path, "if"))
            self.check_effects(node.effects, (*path, "effects"))
            for target, reference in self.edges[node_id]:
                self.check_node_reference(target, (*path, *reference), node_id)
            for index, choice in enumerate(node.choices or []):
                choice_path: Path = (*path, "choices", index)
                self.check_text(choice.text, (*choice_path, "text"))
                self.check_text(choice.feedback, (*choice_path, "feedback"))
                if choice.if_ is not None:
                    self.compile_condition(choice.if_, (*choice_path, "if"))
                self.check_effects(choice.effects, (*choice_path, "effects"))
                self.check_lesson_reference(choice.lesson, (*choice_path, "lesson"))
            if node.ending is not None:
                self.check_text(node.ending.text, (*path, "ending", "text"))
            if node.timer is not None:
                self.check_text(node.timer.feedback, (*path, "timer", "feedback"))
                if node.timer.if_ is not None:
                    self.compile_condition(node.timer.if_, (*path, "timer", "if"))
                self.check_effects(node.timer.effects, (*path, "timer", "effects"))
                self.check_lesson_reference(node.timer.lesson, (*path, "timer", "lesson"))
            for index, branch in enumerate(node.branch or []):
                if branch.if_ is not None:
                    self.compile_condition(branch.if_, (*path, "branch", index, "if"))
                self.check_effects(branch.effects, (*path, "branch", index, "effects"))
            for index, option in enumerate(node.random or []):
                self.check_effects(option.effects, (*path, "random", index, "effects"))
            if node.branch and node.branch[-1].if_ is not None:
                self.report(
                    "E210",
                    "the last branch needs no 'if', so that one branch is always taken",
                    (*path, "branch", len(node.branch) - 1, "if"),
                    True,
                )
            for index, branch in enumerate((node.branch or [])[:-1]):
                if branch.if_ is None:
                    self.report(
                        "E210",
                        "only the last branch may leave out 'if'; the branches "
                        "after this one could never be taken",
                        (*path, "branch", index),
                    )

    def check_node_kind(self, node: Node, path: Path) -> None:
        kinds = [
            name
            for name, value in (
                ("choices", node.choices),
                ("next", node.next),
                ("branch", node.branch),
                ("random", node.random),
                ("ending", node.ending),
            )
            if value is not None
        ]
        if len(kinds) != 1:
            listed = " and ".join(f"'{kind}'" for kind in kinds)
            problem = f"has {listed}" if kinds else "has none of them"
            self.report(
                "E206",
                f"a node has exactly one of 'choices', 'next', 'branch', 'random' "
                f"or 'ending'; this one {problem}",
                path,
                True,
            )
        if (node.if_ is None) != (node.otherwise is None):
            given, missing = ("if", "otherwise") if node.otherwise is None else ("otherwise", "if")
            self.report(
                "E206",
                f"a node's '{given}' needs '{missing}' beside it: 'if' says when the node "
                "happens, 'otherwise' where the play goes when it does not",
                (*path, given),
                True,
            )
        if node.choices is not None and not node.choices:
            self.report("E206", "'choices' is empty; give at least one choice", (*path, "choices"))
        if node.choices is None:
            for key, value in (("fallback", node.fallback), ("timer", node.timer)):
                if value is not None:
                    self.report(
                        "E206",
                        f"'{key}' only makes sense on a node with 'choices'",
                        (*path, key),
                        True,
                    )

    def check_text(self, text: VariableText, path: Path) -> None:
        """Variants' conditions, and the names written into the text in braces."""
        if isinstance(text, str):
            self.check_text_names(text, path)
            return
        for index, variant in enumerate(text):
            if variant.if_ is not None:
                self.compile_condition(variant.if_, (*path, index, "if"))
            self.check_text_names(variant.text, (*path, index, "text"))

    def check_text_names(self, text: str, path: Path) -> None:
        variables = self.checking.variables
        for name, offset in names_in(text):
            if name in CLOCK_NAMES and self.scenario.clock is None:
                self.clock_uses.append(path)
            elif name not in variables:
                self.report(
                    "E302",
                    f"no variable is called '{name}' to write into the text"
                    f"{suggest(name, variables)} (write {{{{ for a brace)",
                    path,
                    offset=offset,
                )

    def check_lines(self, node: Node, path: Path) -> None:
        for index, line in enumerate(node.lines):
            line_path: Path = (*path, "lines", index)
            self.check_text_names(line.text, (*line_path, "text"))
            if line.if_ is not None:
                self.compile_condition(line.if_, (*line_path, "if"))
            if line.speaker is None:
                if line.mood is not None:
                    self.report(
                        "E203",
                        "a narration line (no speaker) cannot have a mood",
                        (*line_path, "mood"),
                        True,
                    )
                continue
            character = self.characters.get(line.speaker)
            if character is None:
                self.report(
                    "E202",
                    f"no character is called '{line.speaker}'"
                    f"{suggest(line.speaker, self.characters)}",
                    (*line_path, "speaker"),
                )
            elif line.mood is not None and line.mood not in character.moods:
                self.report(
                    "E203",
                    f"{character.name} has no mood '{line.mood}' (moods: "
                    f"{', '.join(character.moods)}){suggest(line.mood, character.moods)}",
                    (*line_path, "mood"),
                )

    def check_ids(self) -> None:
        seen_lines: dict[str, Path] = {}
        seen_choices: dict[str, Path] = {}
        missing: list[Path] = []
        for node_id, node in self.scenario.nodes.items():
            for index, line in enumerate(node.lines):
                path: Path = ("nodes", node_id, "lines", index)
                if line.id is None:
                    missing.append(path)
                elif line.id in seen_lines:
                    self.report("E205", f"line id '{line.id}' is used twice", (*path, "id"))
                else:
                    seen_lines[line.id] = path
            for index, choice in enumerate(node.choices or []):
                path = ("nodes", node_id, "choices", index)
                if choice.id is None:
                    missing.append(path)
                elif choice.id in seen_choices:
                    self.report("E205", f"choice id '{choice.id}' is used twice", (*path, "id"))
                elif choice.id.lower() in TIMEOUT_WORDS:
                    self.report(
                        "E220",
                        f"choice id '{choice.id}' is reserved: in scripts and the analysis it "
                        "means letting the timer run out",
                        (*path, "id"),
                    )
                else:
                    seen_choices[choice.id] = path
        if missing:
            self.report(
                "W503",
                f"{len(missing)} line(s) and choice(s) have no stable id, so "
                "translations and records cannot refer to them safely; run "
                "'python -m simulator ids FILE' to add them",
                missing[0],
            )

    # ------------------------------------------------------------ expressions

    def check_effects(self, items: list[EffectItem], path: Path) -> None:
        for source, place, condition in each_effect(items):
            if condition is not None and place[-1] == 0:
                self.compile_condition(condition, (*path, place[0], "if"))
            self.compile_effect(source, (*path, *place))

    def compile_condition(self, source: str, path: Path) -> None:
        if source not in self.expressions.conditions:
            try:
                tree = parse_condition(source)
                check_condition(tree, self.checking)
            except ExpressionError as error:
                self.report(
                    error.code, f"in '{source}': {error.message}", path, offset=error.offset
                )
                return
            self.expressions.names_read |= names_read(tree)
            self.expressions.condition_trees[source] = tree
            self.expressions.conditions[source] = compile_value(tree)
            self.expression_notes[source] = notes_of(tree)
        self.note_place(source, path)

    def compile_effect(self, source: str, path: Path) -> None:
        if source not in self.expressions.effects:
            try:
                statement: Statement = parse_effect(source)
                check_effect(statement, self.checking)
            except ExpressionError as error:
                self.report(
                    error.code, f"in '{source}': {error.message}", path, offset=error.offset
                )
                return
            self.expressions.names_read |= names_read(statement)
            self.expressions.effects[source] = compile_effect(statement, self.checking)
            self.expression_notes[source] = notes_of(statement)
        self.note_place(source, path)

    def note_place(self, source: str, path: Path) -> None:
        """What one place of a checked expression adds: a use of the clock, and W505 for
        advance() by a negative amount (every place, though each source is checked once)."""
        notes = self.expression_notes[source]
        if notes.reads_clock and self.scenario.clock is None:
            self.clock_uses.append(path)
        if notes.advance is not None and notes.advance < 0:
            self.report(
                "W505",
                f"in '{source}': advance() only moves the clock forward, so a negative "
                "amount is ignored at play; to show an earlier time, start an episode "
                "with its own 'time'",
                path,
            )

    # ------------------------------------------------------------ graph

    def check_graph(self) -> None:
        """Broken references, unreachable nodes and dead ends, each cause reported once:
        the nodes a broken reference cuts off are counted in its E201, the nodes after
        an unreachable one in its E207, and a node whose way on is broken is not also
        called stuck (E208)."""
        nodes = self.scenario.nodes
        start = self.scenario.start
        reached = reachable([start], self.graph.__getitem__) if start in nodes else set()
        regions = unreachable_regions(nodes, reached, self.graph) if reached else {}
        self.report_dangling(reached, regions)
        if start not in nodes:
            return
        endings = [node_id for node_id, node in nodes.items() if node.ending is not None]
        if not endings:
            self.report(
                "E211", "the scenario has no ending; add a node with 'ending'", ("nodes",), True
            )
            return
        for root, after in regions.items():
            more = f", nor can {_nodes(after)} after it ({_listed(after)})" if after else ""
            self.report(
                "E207",
                f"node '{root}' can never be reached from the start ('{start}'){more}",
                ("nodes", root),
                True,
            )
        before = predecessors(self.graph)
        # Where a reference is broken, where it leads is unknown: perhaps to an ending.
        ways_out = endings + [source for _, _, source in self.dangling if source is not None]
        can_end = reachable(ways_out, before.__getitem__)
        for node_id in nodes:
            if node_id in reached and node_id not in can_end:
                self.report(
                    "E208",
                    f"from node '{node_id}' no ending can be reached; the trainee would be stuck",
                    ("nodes", node_id),
                    True,
                )

    def report_dangling(self, reachable: set[str], regions: dict[str, list[str]]) -> None:
        """E201 for each reference to a node that does not exist. When the node the
        misspelt id most likely meant is one nothing reaches, the message says so and
        counts the nodes cut off with it, instead of an E207 for them (its region is
        taken out of ``regions``)."""
        nodes = self.scenario.nodes
        for target, path, source in self.dangling:
            meant = closest(target, nodes)
            if meant not in regions or source not in reachable:
                hint = f"; did you mean '{meant}'?" if meant is not None else ""
                self.report("E201", f"no node is called '{target}'{hint}", path)
                continue
            after = regions.pop(meant)
            more = f" and {_nodes(after)} after it" if after else ""
            self.report(
                "E201",
                f"no node is called '{target}'; did you mean '{meant}'? Until this is "
                f"fixed, '{meant}'{more} can never be reached",
                path,
            )

    def check_availability(self) -> None:
        on_cycle = self.on_cycle
        for node_id, node in self.scenario.nodes.items():
            if not node.choices or node.fallback or (node.timer and node.timer.if_ is None):
                continue
            if any(c.if_ is None and not (c.once and node_id in on_cycle) for c in node.choices):
                continue
            conditions = [
                c.if_
                for c in node.choices
                if c.if_ is not None and not (c.once and node_id in on_cycle)
            ]
            if any(condition not in self.expressions.conditions for condition in conditions):
                continue  # already reported as a broken expression
            self.check_choice_conditions(node_id, conditions)

    def check_choice_conditions(self, node_id: str, conditions: list[str]) -> None:
        path: Path = ("nodes", node_id, "choices")
        if not conditions:
            self.report(
                "E209",
                "every choice here is once-only and the node can be visited again, "
                "so all may be used up; add a 'fallback' node",
                path,
                True,
            )
            return
        trees = [self.expressions.condition_trees[c] for c in conditions]
        cases = points_to_try(trees, self.checking, self.scenario)
        total = 1
        for values in cases.values():
            total *= len(values)
        if total > MAX_AVAILABILITY_CASES:
            self.report(
                "W504",
                "every choice here has a condition and there are too many cases to "
                "check that one is always available; add a 'fallback' to be safe",
                path,
                True,
            )
            return
        names = list(cases)
        compiled = [self.expressions.conditions[c] for c in conditions]
        for combination in itertools.product(*(cases[name] for name in names)):
            context = ProbeContext(dict(zip(names, combination, strict=False)))
            if not any(safe_truth(evaluate, context) for evaluate in compiled):
                shown = ", ".join(
                    f"{name} = {shown_value(value)}"
                    for name, value in zip(names, combination, strict=False)
                    if not name.startswith(("visits:", "chose:"))
                )
                self.report(
                    "E209",
                    "every choice can be unavailable at once"
                    f"{f' (for example when {shown})' if shown else ''}; add a 'fallback' "
                    "node or a choice without 'if'",
                    path,
                    True,
                )
                return

    def check_choice_flags(self) -> None:
        """W506 for a 'reason' that can never be shown, W507 for a 'once' that can never
        matter: a choice is unavailable only through its 'if', or through 'once' on a
        node the play can come back to (one on a cycle)."""
        for node_id, node in self.scenario.nodes.items():
            revisited = node_id in self.on_cycle
            for index, choice in enumerate(node.choices or []):
                path: Path = ("nodes", node_id, "choices", index)
                if choice.once and not revisited:
                    self.report(
                        "W507",
                        f"'once' has no effect here: no path comes back to node '{node_id}', "
                        "so every choice of it can be picked only once anyway; remove "
                        "'once: true'",
                        (*path, "once"),
                        True,
                    )
                if choice.reason is not None and choice.if_ is None:
                    if choice.once and revisited:
                        continue
                    self.report(
                        "W506",
                        "this 'reason' is never shown: it explains why a choice is "
                        "unavailable, and a choice without 'if' is always available; add "
                        "the 'if' that makes it unavailable, or remove the reason",
                        (*path, "reason"),
                        True,
                    )

    def check_meter_labels(self) -> None:
        meters = self.scenario.meters
        for name, meter in (("satisfaction", meters.satisfaction), ("cost", meters.cost)):
            problem = long_label(meter.label) if meter.visible else None
            if problem is not None:
                self.report("W509", problem, ("meters", name, "label"))

    def check_episode_clock(self) -> None:
        """W508 when an episode sets the clock earlier than the play can have reached by
        then, even on its quickest way there: the clock would go backwards."""
        clock = self.scenario.clock
        if clock is None or not self.scenario.episodes:
            return
        arrival = earliest_arrivals(self.scenario, self.edges, self.expression_notes)
        for episode_id, episode in self.scenario.episodes.items():
            reached = arrival.get(episode.start)
            if reached is None or (episode.day is None and episode.time is None):
                continue
            setting = episode_setting(episode.day, episode.time, reached)
            if setting < reached:
                key = "time" if episode.time is not None else "day"
                self.report(
                    "W508",
                    f"this episode sets the clock to {clock_text(setting, clock.day_names)}, but "
                    f"the play reaches '{episode.start}' at {clock_text(reached, clock.day_names)} "
                    "at the earliest, so the clock would go backwards; set a later day or "
                    "time, or move the clock on less before it",
                    ("episodes", episode_id, key),
                )

    def check_unused(self) -> None:
        read = self.expressions.names_read
        for name, variable in self.scenario.variables.items():
            # one the debrief shows is read there, by the trainee
            if name not in read and name not in BUILTIN_NAMES and not variable.debrief:
                self.report(
                    "W501",
                    f"variable '{name}' is never read by any condition or effect",
                    ("variables", name),
                    True,
                )
        used_lessons = {
            choice.lesson for node in self.scenario.nodes.values() for choice in node.choices or []
        } | {node.timer.lesson for node in self.scenario.nodes.values() if node.timer}
        for lesson in self.scenario.lessons:
            if lesson not in used_lessons:
                self.report(
                    "W502",
                    f"lesson '{lesson}' is never linked from a choice or timer",
                    ("lessons", lesson),
                    True,
                )


def long_label(label: str) -> str | None:
    """W509's message for a visible meter's label (the source's or a translation's) that
    the game's top bar would cut short; None when it fits."""
    if len(label) <= MAX_METER_LABEL:
        return None
    return (
        f"the label '{label}' has {len(label)} characters; the top bar of the game shows "
        f"about {MAX_METER_LABEL} and cuts the rest, so shorten it (the unit and currency "
        "are shown beside the value anyway)"
    )


def _nodes(names: list[str]) -> str:
    return "1 node" if len(names) == 1 else f"{len(names):,} nodes"


def _listed(names: list[str]) -> str:
    shown = ", ".join(f"'{name}'" for name in names[:LISTED_NAMES])
    return shown + (", ..." if len(names) > LISTED_NAMES else "")


def check_scenario(
    scenario: Scenario, characters: Mapping[str, Character]
) -> tuple[list[Diagnostic], CheckedExpressions, Declarations]:
    checker = ScenarioChecker(scenario, characters)
    with bounded_suggestions():  # "did you mean" costs at most so much per file
        diagnostics = checker.run()
    return diagnostics, checker.expressions, checker.declarations
