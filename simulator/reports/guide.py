"""The facilitator's guide: one self-contained, printable page for the trainer who runs
a session on a scenario.

It gathers what a trainer needs at hand while trainees play and discuss: the summary,
the lessons, who is who, the map, every ending with one play that reaches it, and each
decision with its options, their feedback and a question to open the discussion.

The scenario's own text appears in the scenario's language (a translation with
``--lang``); the page's fixed words and the generated discussion questions are English,
written in the template and here. Jinja2 escapes every scenario text; the only markup
let through unescaped is the map, which Graphviz drew and escaped itself.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from simulator.analysis.analyse import DEFAULT_WALKS, Analysis
from simulator.analysis.cache import analyse_kept
from simulator.analysis.evidence import ReplayablePath
from simulator.analysis.graph import to_dot
from simulator.exit_codes import EXIT_INVALID, EXIT_OK, EXIT_USAGE, say, show
from simulator.library import resolve_scenario, unknown_scenario
from simulator.scenario.diagnostics import printable
from simulator.scenario.expressions import (
    Assignment,
    ExpressionError,
    Literal,
    Unary,
    parse_effect,
)
from simulator.scenario.model import (
    Choice,
    Node,
    Scenario,
    VariableText,
    each_effect,
    effect_text,
)
from simulator.scenario.playable import PlayableScenario
from simulator.scenario.templates import fill
from simulator.scenario.translations import load_translated

# Exit codes as simulator/cli.py defines them (this layer cannot import the command line).

#: How long Graphviz may take to lay the map out before the guide goes without it.
DRAWING_SECONDS = 120

KINDS = {
    "balanced": ("Balanced", "the customer kept, at a cost the business can carry"),
    "over-accommodating": ("Over-accommodating", "the customer pleased, at too high a cost"),
    "lost": ("Lost", "the customer, or the relationship, lost"),
    "other": ("Other", "an ending of its own kind"),
}
KIND_ORDER = list(KINDS)

NO_GRAPHVIZ = (
    "The map is not included: drawing it needs Graphviz's 'dot' program, which is not "
    "installed on the computer that made this guide (Debian/Ubuntu: apt-get install "
    "graphviz; macOS: brew install graphviz). Make the guide again once it is installed."
)


# ---------------------------------------------------------------- what the page shows


@dataclass(frozen=True)
class Variant:
    """One version of a text; ``condition`` is None for the text that always applies."""

    condition: str | None
    text: str


@dataclass(frozen=True)
class Step:
    """One step of a play: the option taken, or the timer left to run out."""

    anchor: str | None  # the option's id on the page; None for a timeout
    decision: str  # "decision 3"
    text: str


@dataclass(frozen=True)
class Play:
    """A play a trainer can replay with the command line."""

    score: float
    steps: list[Step]
    command: str | None  # None when no seed takes its random branches the same way


@dataclass
class Option:
    anchor: str
    text: str
    feedback: list[Variant]
    tags: list[str]
    effects: list[str]
    condition: str | None
    reason: str | None  # why it is greyed out while it is not offered
    once: bool
    critical: str | None
    lesson: str | None  # the lesson its feedback is about
    applies: list[str] = field(default_factory=list)  # titles of lessons it puts into practice
    on_best_play: bool = False


@dataclass
class Decision:
    anchor: str
    node: str
    episode: str | None
    lines: list[tuple[str | None, str, str | None]]  # speaker, text, condition
    options: list[Option]
    timer: tuple[float, list[Variant]] | None  # seconds, feedback
    question: str


@dataclass
class EndingView:
    anchor: str
    node: str
    kind: str
    kind_label: str
    kind_meaning: str
    title: str
    text: list[Variant]
    play: Play | None


@dataclass
class LessonView:
    title: str
    debrief: str
    applied_by: list[Step]


@dataclass
class Guide:
    scenario: Scenario
    language: str
    characters: list[tuple[str, str, str]]  # name, role, description
    episodes: list[tuple[str, str]]  # title, intro
    lessons: list[LessonView]
    decisions: list[Decision]
    endings: list[EndingView]
    best: Play | None
    exhaustive: bool
    walks: int
    map_svg: str | None
    map_width: float  # the map's own width in CSS pixels, for the full-size view
    map_note: str


# ---------------------------------------------------------------- building it


class _Marked(dict):
    """Every name as ``[name]``: the guide shows where a value of the play goes, since
    there is no play to take the value from."""

    def __contains__(self, name: object) -> bool:
        return True

    def __missing__(self, name: str) -> str:
        return f"[{name}]"


def shown(text: str) -> str:
    """A text the trainee reads, as the guide shows it: ``{cost}`` as ``[cost]``, and
    ``{{`` as one brace, as the game writes it."""
    return fill(text, _Marked())


def variants(text: VariableText) -> list[Variant]:
    if isinstance(text, str):
        return [Variant(None, shown(text))] if text.strip() else []
    return [Variant(variant.if_, shown(variant.text)) for variant in text]


def _short(text: str, length: int = 110) -> str:
    """A long option shortened at a word, for quoting it in a question or a path."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def satisfaction_change(choice: Choice) -> float:
    """How much the choice's own effects move satisfaction when written as a plain number
    (``satisfaction += 7``); effects computed from other values count as no change."""
    total = 0.0
    for source, _, condition in each_effect(choice.effects):
        if condition is not None:
            continue  # it may not happen
        try:
            statement = parse_effect(source)
        except ExpressionError:
            continue
        if not isinstance(statement, Assignment) or statement.target != "satisfaction":
            continue
        value = statement.value
        sign = 1.0
        if isinstance(value, Unary) and value.operator == "-":
            value, sign = value.operand, -1.0
        if not isinstance(value, Literal) or isinstance(value.value, (bool, str)):
            continue
        if statement.operator == "+=":
            total += sign * value.value
        elif statement.operator == "-=":
            total -= sign * value.value
    return total


def _customer(scenario: PlayableScenario) -> str:
    """Whose satisfaction the meter measures, and so whom the questions ask about: the
    scenario's first customer."""
    customers = [c for c in scenario.characters.values() if c.role.value == "customer"]
    return customers[0].name if customers else "the customer"


def _tested_lesson(scenario: PlayableScenario, node: Node, keys: tuple[str, ...]) -> str | None:
    """The lesson a decision tests: one that an option here puts into practice, else the
    lesson its options' feedback is most often about."""
    lessons = scenario.model.lessons
    for lesson in lessons.values():
        if any(key in lesson.applied_by for key in keys):
            return lesson.title
    named = Counter(c.lesson for c in node.choices or [] if c.lesson in lessons)
    return next((lessons[name].title for name, _ in named.most_common(1)), None)


#: Ways to ask about the answer that pleases the customer at once, and about the plain no,
#: when neither is the lesson's answer. Decisions take turns, so that a session does not
#: hear one sentence seventeen times. Each starts with the option it quotes.
PLEASING = (
    "“{option}” would please {customer} at once. What does it cost later, or cost "
    "someone else, and how does {lesson} change what you would say?",
    "“{option}” may well be the first thing that comes to mind, and {customer} would like "
    "it. Why is it still not the best answer, and how would you put {lesson} into your "
    "own words?",
    "“{option}” feels generous. What does it store up for later, and for whom?",
)
REFUSING = (
    "“{option}” protects the business. What would it mean for {customer}, and how could "
    "you protect it and still help?",
    "“{option}” gives {customer} less than hoped for. How would it land, and what could "
    "you offer alongside it?",
)
YIELDING = (
    "“{option}” says yes to what was asked. What would be wrong with that here, and what "
    "does {lesson} ask of you instead?"
)


def discussion_question(
    scenario: PlayableScenario,
    node: Node,
    applying: set[str],
    keys: tuple[str, ...],
    number: int,
) -> str:
    """A question to open the talk about decision ``number``, built from the lesson it
    tests and an option likely to tempt a trainee away from it: a critical mistake first;
    else, taking turns from one decision to the next, the answer that pleases at once or
    the plain no; else a plain yes; else any other option."""
    choices = node.choices or []
    lesson = _tested_lesson(scenario, node, keys)
    quoted = f"“{lesson}”" if lesson else "the lesson"
    customer = _customer(scenario)
    others = [c for c, key in zip(choices, keys, strict=True) if key not in applying]
    critical = next((c for c in others if c.critical), None)
    if critical is not None:
        return (
            f"“{_short(critical.text)}” is a critical mistake: a play with it cannot pass. "
            f"The debrief tells the trainee: “{critical.critical}” Why might it still feel "
            "right in the moment, and what could you say instead?"
        )
    pleasing = max(others, key=satisfaction_change, default=None)
    if pleasing is not None and satisfaction_change(pleasing) <= 0:
        pleasing = None
    refusing = next((c for c in others if "refuse" in c.tags), None)
    fill = {"customer": customer, "lesson": quoted}
    turn = number // 2  # each kind of question takes its templates in turn
    if pleasing is not None and (refusing is None or number % 2):
        return PLEASING[turn % len(PLEASING)].format(option=_short(pleasing.text), **fill)
    if refusing is not None:
        return REFUSING[turn % len(REFUSING)].format(option=_short(refusing.text), **fill)
    yielding = next((c for c in others if "accommodate" in c.tags), None)
    if yielding is not None:
        return YIELDING.format(option=_short(yielding.text), **fill)
    if others:
        return (
            f"“{_short(others[0].text)}” sounds reasonable too. Next to the answer that puts "
            f"{quoted} into practice, what would {customer} make of each?"
        )
    if lesson:
        return (
            f"What does {quoted} ask of you at this moment, and how would you say it in your "
            "own words?"
        )
    return f"Which answer would you give {customer} here, and why that one?"


@dataclass(frozen=True)
class ChoiceIndex:
    """Every choice by its id, with the decision it belongs to and that decision's number
    on the page, so that a play can be listed as the options it took."""

    choices: dict[str, tuple[str, Choice]]
    numbers: dict[str, int]  # decision node id -> its number on the page

    @classmethod
    def of(cls, scenario: PlayableScenario) -> ChoiceIndex:
        choices: dict[str, tuple[str, Choice]] = {}
        numbers: dict[str, int] = {}
        for node_id, node in scenario.model.nodes.items():
            if node.choices:
                numbers[node_id] = len(numbers) + 1
            for key, choice in zip(scenario.choice_ids[node_id], node.choices or [], strict=True):
                choices[key] = (node_id, choice)
        return cls(choices, numbers)

    def step(self, key: str) -> Step:
        if key not in self.choices:  # the explorer's word for a timer left to run out
            return Step(None, "", "(no answer before the timer ran out)")
        node_id, choice = self.choices[key]
        return Step(
            f"option-{key}", f"decision {self.numbers[node_id]}", _short(shown(choice.text), 140)
        )

    def play(self, scenario_id: str, path: ReplayablePath) -> Play:
        command = None if path.seed is None else f"python -m simulator {path.command(scenario_id)}"
        return Play(path.score, [self.step(key) for key in path.choices], command)


def _episodes_by_node(model: Scenario) -> dict[str, str]:
    """Each node's episode, read as the author wrote the file: nodes belong to the episode
    whose start node came last before them."""
    starts = {episode.start: episode.title for episode in model.episodes.values()}
    found: dict[str, str] = {}
    current: str | None = None
    for node_id in model.nodes:
        current = starts.get(node_id, current)
        if current is not None:
            found[node_id] = current
    return found


def _decisions(
    scenario: PlayableScenario, analysis: Analysis, applied: dict[str, list[str]]
) -> list[Decision]:
    model = scenario.model
    episodes = _episodes_by_node(model)
    best = set(analysis.best.choices)
    applying = set(applied)
    found = []
    for node_id, node in model.nodes.items():
        if not node.choices:
            continue
        keys = scenario.choice_ids[node_id]
        options = [
            Option(
                anchor=f"option-{key}",
                text=shown(choice.text),
                feedback=variants(choice.feedback),
                tags=list(choice.tags),
                effects=[effect_text(item) for item in choice.effects],
                condition=choice.if_,
                reason=choice.reason,
                once=choice.once,
                critical=choice.critical,
                lesson=model.lessons[choice.lesson].title
                if choice.lesson in model.lessons
                else None,
                applies=applied.get(key, []),
                on_best_play=key in best,
            )
            for key, choice in zip(keys, node.choices, strict=True)
        ]
        lines = [
            (
                scenario.characters[line.speaker].name
                if line.speaker in scenario.characters
                else None,
                shown(line.text),
                line.if_,
            )
            for line in node.lines
        ]
        timer = (node.timer.seconds, variants(node.timer.feedback)) if node.timer else None
        found.append(
            Decision(
                anchor=f"decision-{node_id}",
                node=node_id,
                episode=episodes.get(node_id),
                lines=lines,
                options=options,
                timer=timer,
                question=discussion_question(scenario, node, applying, keys, len(found) + 1),
            )
        )
    return found


def _endings(
    scenario: PlayableScenario, analysis: Analysis, index: ChoiceIndex
) -> list[EndingView]:
    found = []
    for node_id, node in scenario.model.nodes.items():
        if node.ending is None:
            continue
        kind = node.ending.kind.value
        path = analysis.ending_paths.get(node_id)
        found.append(
            EndingView(
                anchor=f"ending-{node_id}",
                node=node_id,
                kind=kind,
                kind_label=KINDS[kind][0],
                kind_meaning=KINDS[kind][1],
                title=shown(node.ending.title),
                text=variants(node.ending.text),
                play=None if path is None else index.play(scenario.id, path),
            )
        )
    return sorted(found, key=lambda ending: KIND_ORDER.index(ending.kind))


@dataclass(frozen=True)
class DrawnMap:
    svg: str | None
    width: float  # CSS pixels
    note: str


def draw_map(scenario: PlayableScenario) -> DrawnMap:
    """The scenario map as inline SVG, drawn by Graphviz; without Graphviz (or when it
    fails) no map, and a note saying why, so that the rest of the guide is still made."""
    program = shutil.which("dot")
    if program is None:
        return DrawnMap(None, 0, NO_GRAPHVIZ)
    try:
        done = subprocess.run(
            [program, "-Tsvg"],
            input=to_dot(scenario),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=DRAWING_SECONDS,
        )
    except subprocess.TimeoutExpired:
        return DrawnMap(
            None, 0, f"The map is not included: Graphviz took over {DRAWING_SECONDS} s."
        )
    except OSError as error:
        return DrawnMap(None, 0, f"The map is not included: Graphviz did not start ({error}).")
    start = done.stdout.find("<svg")
    if done.returncode != 0 or start < 0:
        problem = printable(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "")
        return DrawnMap(None, 0, f"The map is not included: Graphviz failed. {problem}".strip())
    # Inline SVG needs no XML prologue or doctype (the doctype names a URL); Graphviz's
    # comments repeat node ids and are of no use on the page.
    svg = re.sub(r"<!--.*?-->", "", done.stdout[start:], flags=re.DOTALL).strip()
    width = re.search(r'<svg[^>]*?\swidth="([\d.]+)pt"', svg)
    return DrawnMap(svg, float(width.group(1)) * 4 / 3 if width else 0, "")


def build_guide(scenario: PlayableScenario, analysis: Analysis, drawn: DrawnMap) -> Guide:
    model = scenario.model
    index = ChoiceIndex.of(scenario)
    applied: dict[str, list[str]] = {}
    for lesson in model.lessons.values():
        for key in lesson.applied_by:
            applied.setdefault(key, []).append(lesson.title)
    lessons = [
        LessonView(
            lesson.title,
            lesson.debrief,
            [index.step(key) for key in lesson.applied_by if key in index.choices],
        )
        for lesson in model.lessons.values()
    ]
    characters = [
        (character.name, character.role.value, character.description)
        for character in scenario.characters.values()
    ]
    return Guide(
        scenario=model,
        language=model.language,
        characters=characters,
        episodes=[(episode.title, episode.intro) for episode in model.episodes.values()],
        lessons=lessons,
        decisions=_decisions(scenario, analysis, applied),
        endings=_endings(scenario, analysis, index),
        best=index.play(scenario.id, analysis.best) if analysis.best.choices else None,
        exhaustive=analysis.method == "exhaustive",
        walks=analysis.walks,
        map_svg=drawn.svg,
        map_width=drawn.width,
        map_note=drawn.note,
    )


def render_guide(guide: Guide) -> str:
    environment = Environment(
        loader=PackageLoader("simulator.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    return environment.get_template("guide.html.j2").render(guide=guide)


# ---------------------------------------------------------------- the command


def add_guide_command(subparsers: argparse._SubParsersAction) -> None:
    guide = subparsers.add_parser("guide", help="the facilitator's guide to a scenario (HTML)")
    guide.add_argument("scenario", metavar="PATH_OR_ID")
    guide.add_argument("-o", "--output", required=True, help="the HTML file to write")
    guide.add_argument("--lang", help="the scenario's text in a translation, e.g. hu")
    guide.set_defaults(handler=command_guide)


def command_guide(arguments: argparse.Namespace) -> int:
    if Path(arguments.output).suffix.lower() not in (".html", ".htm"):
        say("-o takes a file ending in .html: the guide is a web page (print it to PDF)")
        return EXIT_USAGE
    path = resolve_scenario(arguments.scenario)
    if path is None:
        say(unknown_scenario(arguments.scenario))
        return EXIT_USAGE
    loaded = load_translated(path, arguments.lang)
    if loaded.scenario is None:
        show(loaded.diagnostics, sys.stderr)
        return EXIT_INVALID
    scenario = loaded.scenario
    drawn = draw_map(scenario)
    analysis = analyse_kept(scenario, DEFAULT_WALKS)
    page = render_guide(build_guide(scenario, analysis, drawn))
    output = Path(arguments.output)
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as error:
        say(f"cannot write the guide to {output}: {error.strerror or error}")
        return EXIT_INVALID
    print(printable(f"wrote {output}", lines=True))
    if drawn.note:
        say(f"warning: {drawn.note}")
    return EXIT_OK
