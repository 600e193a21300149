"""A Twine story made into a scenario document (plain data, ready to be written as
YAML), with a note for everything that could not be carried over.

The conventions (docs/twine-import.md explains them to trainers):

- Each story passage becomes a node, its id made from the passage name; its links
  become choices, its ``<<set>>``/``(set:)`` the node's effects, a link's SugarCube
  setter the choice's effects. ``$satisfaction`` and ``$cost`` are the meters; any
  other ``$variable`` is declared (see declare.py).
- A passage tagged ``ending``, or with a kind tag (``balanced``, ``over-accommodating``,
  ``lost``, ``other``), is an ending of that kind (``other`` without one). A passage
  with no link and no such tag becomes an ``other`` ending, and is reported.
- A passage with no links but a go-to (``<<goto>>``, ``(go-to:)``) continues to it.
- Passages tagged ``characters`` and ``lessons`` declare the cast and the lessons;
  ``Name: text`` in a passage is a line spoken by a cast member of that name, and a
  passage tagged ``lesson:ID`` links the choices that lead to it to lesson ID.
- StoryInit (SugarCube) and passages tagged ``startup`` (Harlowe) give start values.
- Passages the start cannot reach are left out (the validator refuses them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from simulator.scenario.diagnostics import CONTROLS
from simulator.twine.declare import (
    METERS,
    condition_problem,
    declaration,
    declarations,
    effect_problem,
    usages,
)
from simulator.twine.flatten import PassageContent, flatten, quoted
from simulator.twine.logic import (
    VARIABLE,
    Assignment,
    Names,
    Untranslatable,
    translate_assignments,
)
from simulator.twine.markup import SetMacro, Text, read_passage
from simulator.twine.naming import UniqueIds, slug, value_id, variable_name
from simulator.twine.story import Note, Passage, Story

ENDING_KINDS = ("balanced", "over-accommodating", "lost", "other")
MOODS = ["neutral", "pleased", "annoyed", "angry"]
ROLES = ("customer", "colleague", "manager", "other")
#: Passages that are settings, code or layout to a story format, never a scene.
SPECIAL_NAMES = {
    "StoryCaption", "StoryMenu", "StoryBanner", "StorySubtitle", "StoryAuthor", "StoryShare",
    "StoryInterface", "PassageReady", "PassageDone", "PassageHeader", "PassageFooter",
}  # fmt: skip
SPECIAL_TAGS = {
    "script", "stylesheet", "widget", "header", "footer", "debug-header", "debug-footer",
    "debug-startup", "Twine.private",
}  # fmt: skip
#: A choice id is made of the first words of its text: enough to tell choices apart in
#: `run --choices` and the records, short enough to type.
CHOICE_WORDS = 5
#: The longest text the format takes (Text in simulator/scenario/model.py).
MAX_TEXT = 4000
_SPOKEN = re.compile(r"^(?P<name>[^:(){}]{1,60}?)\s*(?:\((?P<mood>[\w-]+)\))?:\s+(?P<text>.+)$")
_CAST_LINE = re.compile(r"^(?P<name>[^:()]+?)\s*(?:\((?P<role>[^)]*)\))?\s*(?::\s*(?P<about>.*))?$")


class NoPassages(Exception):
    """The file is a Twine story without a single passage to make a node of."""


@dataclass
class Conversion:
    document: dict[str, Any]
    notes: list[Note]
    defaults: set[str] = field(default_factory=set)  # parts filled in for the trainer


def clean(text: str) -> str:
    """Text without control characters (the loader refuses them), tabs as spaces."""
    return CONTROLS.sub("", text.replace("\t", " "))


def cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."


class Converter:
    def __init__(self, story: Story, scenario_id: str) -> None:
        self.story = story
        self.scenario_id = scenario_id
        self.notes: list[Note] = []
        self.defaults: set[str] = set()

    def note(self, code: str, passage: str, message: str) -> None:
        self.notes.append(Note(code, passage, message))

    # ------------------------------------------------------------ passages

    def sort_passages(self) -> tuple[list[Passage], list[Passage], list[Passage], list[Passage]]:
        """The story's scenes, its start-value passages, its cast and its lessons."""
        scenes: list[Passage] = []
        starts: list[Passage] = []
        cast: list[Passage] = []
        lessons: list[Passage] = []
        seen: set[str] = set()
        for passage in self.story.passages:
            if passage.name in seen:
                self.note("T805", passage.name, "a second passage of this name is left out")
                continue
            seen.add(passage.name)
            tags = set(passage.tags)
            if passage.name == "StoryInit" or "startup" in tags:
                starts.append(passage)
            elif "characters" in tags:
                cast.append(passage)
            elif "lessons" in tags:
                lessons.append(passage)
            elif passage.name in SPECIAL_NAMES or tags & SPECIAL_TAGS:
                self.note(
                    "T805", passage.name,
                    "story-format code, styling or page layout has no place in a scenario",
                )  # fmt: skip
            else:
                scenes.append(passage)
        return scenes, starts, cast, lessons

    def start_passage(self, scenes: list[Passage]) -> str:
        names = {passage.name for passage in scenes}
        wanted = self.story.start
        if wanted in names:
            return wanted
        fallback = "Start" if "Start" in names else scenes[0].name
        named = (
            f"the story starts at '{wanted}', which is not a passage"
            if wanted
            else ("the story names no start passage")
        )
        if wanted or fallback != "Start":
            self.note("T807", "", f"{named}; the scenario starts at '{fallback}'")
        return fallback

    def variable_names(self, passages: Iterable[Passage]) -> dict[str, str]:
        """Each Twine variable's name in the scenario; a renamed one is reported."""
        names: dict[str, str] = {}
        taken = set(METERS)
        for passage in passages:
            for found in VARIABLE.finditer(passage.text):
                twine = found.group(1)
                if twine in names:
                    continue
                if twine in METERS:
                    names[twine] = twine
                    continue
                name, number = variable_name(twine), 1
                while name in taken:
                    number += 1
                    name = f"{variable_name(twine)}_{number}"
                taken.add(name)
                names[twine] = name
                if name != twine:
                    self.note("T808", passage.name, f"${twine} is called '{name}' in the scenario")
        return names

    # ------------------------------------------------------------ the whole story

    def convert(self) -> Conversion:
        if self.story.others:
            others = ", ".join(f"'{name}'" for name in self.story.others)
            self.note(
                "T809", "",
                f"the file holds more stories ({quoted(others)}); pick one with --story NAME",
            )  # fmt: skip
        scenes, starts, cast_passages, lesson_passages = self.sort_passages()
        if not scenes:
            raise NoPassages
        start = self.start_passage(scenes)
        renamed = self.variable_names([*scenes, *starts])
        names = Names(renamed, value_id)
        node_ids = UniqueIds()
        ids = {passage.name: node_ids.make(passage.name, "passage") for passage in scenes}
        cast = self.cast(cast_passages)
        lessons = self.lessons(lesson_passages)
        contents = {
            passage.name: flatten(
                passage.name, read_passage(clean(passage.text)), names, self.notes
            )
            for passage in scenes
        }
        initial = self.start_values(starts, names)
        lesson_of = self.lesson_tags(scenes, lessons)
        choice_ids = UniqueIds()
        nodes = {
            ids[passage.name]: self.node(
                passage, contents[passage.name], ids, cast, lesson_of, choice_ids
            )
            for passage in scenes
        }
        assignments = [a for c in contents.values() for a in _every_assignment(c)]
        compared = [pair for c in contents.values() for pair in c.compared]
        found = usages(
            [n for n in renamed.values() if n not in METERS],
            [a for a in assignments if renamed[a.variable] not in METERS],
            [(n, t) for n, t in compared if n not in METERS],
            [name for c in contents.values() for name in c.tested],
            [a for a in initial if renamed[a.variable] not in METERS],
            renamed,
        )
        variables = {name: declaration(usage) for name, usage in found.items()}
        self.check_expressions(nodes, variables, {ids[p.name]: p.name for p in scenes})
        reachable = self.reachable(nodes, ids[start], {ids[p.name]: p.name for p in scenes})
        nodes = {node_id: node for node_id, node in nodes.items() if node_id in reachable}
        left_out = {p.name for p in scenes if ids[p.name] not in reachable}
        order = {passage.name: index for index, passage in enumerate(self.story.passages)}
        self.notes = sorted(  # by passage, as the story lists them; the story's own first
            (n for n in self.notes if not (n.code == "T804" and n.passage in left_out)),
            key=lambda note: order.get(note.passage, -1),
        )
        used = _words_used(nodes)
        variables = {name: entry for name, entry in variables.items() if name in used}
        document = self.document(nodes, ids[start], variables, cast, lessons, initial, renamed)
        return Conversion(document, self.notes, self.defaults)

    # ------------------------------------------------------------ one node

    def node(
        self,
        passage: Passage,
        content: PassageContent,
        ids: dict[str, str],
        cast: dict[str, dict[str, Any]],
        lesson_of: dict[str, str],
        choice_ids: UniqueIds,
    ) -> dict[str, Any]:
        node_id = ids[passage.name]
        node: dict[str, Any] = {}
        if content.assignments:  # made on entering, before the lines show
            node["effects"] = _effects(content.assignments)
        lines = [
            self.line(f"{node_id}.l{number}", text, condition, cast)
            for number, (text, condition) in enumerate(content.paragraphs, start=1)
        ]
        if lines:
            node["lines"] = lines
        kinds = [tag for tag in passage.tags if tag in ENDING_KINDS]
        if kinds or "ending" in passage.tags:
            if len(kinds) > 1:
                self.note("T801", passage.name, f"several ending kinds; '{kinds[0]}' is used")
            if content.choices or content.goto:
                self.note(
                    "T806", passage.name,
                    f"an ending leads nowhere: its {len(content.choices) + bool(content.goto)} "
                    "link(s) are left out",
                )  # fmt: skip
            node["ending"] = {"kind": kinds[0] if kinds else "other", "title": cut(passage.name)}
            return node
        choices = []
        for draft in content.choices:
            if draft.target not in ids:
                self.note(
                    "T803", passage.name,
                    f"the link '{quoted(draft.label)}' leads to '{quoted(draft.target)}', "
                    "which is not a passage; it is left out",
                )  # fmt: skip
                continue
            choice: dict[str, Any] = {"id": choice_ids.make(draft.label, "choice", CHOICE_WORDS)}
            choice["text"] = cut(" ".join(clean(draft.label).split()) or draft.target)
            if draft.condition:
                choice["if"] = draft.condition
            if draft.assignments:
                choice["effects"] = [assignment.effect for assignment in draft.assignments]
            choice["next"] = ids[draft.target]
            if draft.target in lesson_of:
                choice["lesson"] = lesson_of[draft.target]
            choices.append(choice)
        if choices:
            node["choices"] = choices
            if content.goto:
                self.note("T801", passage.name, "a go-to beside links is left out")
        elif content.goto and content.goto in ids:
            node["next"] = ids[content.goto]
        else:
            if content.goto:
                self.note(
                    "T803", passage.name,
                    f"the go-to leads to '{quoted(content.goto)}', which is not a passage",
                )  # fmt: skip
            self.note(
                "T804", passage.name,
                "no link leads on and no tag marks it an ending: it is an ending of kind "
                "'other'; tag it 'ending' with a kind (balanced, over-accommodating, lost)",
            )  # fmt: skip
            node["ending"] = {"kind": "other", "title": cut(passage.name)}
        return node

    def line(
        self, line_id: str, text: str, condition: str | None, cast: dict[str, dict[str, Any]]
    ) -> dict[str, Any]:
        line: dict[str, Any] = {"id": line_id}
        spoken = _SPOKEN.match(text)
        speaker = None
        if spoken is not None:
            speaker = next((i for i, c in cast.items() if c["name"] == spoken["name"]), None)
        if speaker is not None and spoken is not None and spoken["mood"] in (None, *MOODS):
            line["speaker"] = speaker
            if spoken["mood"]:
                line["mood"] = spoken["mood"]
            text = spoken["text"]
        line["text"] = cut(text)
        if condition:
            line["if"] = condition
        return line

    # ------------------------------------------------------------ the parts around

    def cast(self, passages: list[Passage]) -> dict[str, dict[str, Any]]:
        """``Name``, ``Name: description`` or ``Name (role): description``, one a line."""
        characters: dict[str, dict[str, Any]] = {}
        ids = UniqueIds()
        for passage in passages:
            for row in clean(passage.text).splitlines():
                found = _CAST_LINE.match(row.strip())
                if not row.strip() or found is None:
                    continue
                role = (found["role"] or "customer").strip().lower()
                if role not in ROLES:
                    self.note(
                        "T801", passage.name, f"'{quoted(role)}' is not a role; 'customer' is used"
                    )
                    role = "customer"
                name = cut(found["name"].strip())
                characters[ids.make(name, "character")] = {
                    "name": name,
                    "role": role,
                    "description": cut((found["about"] or "").strip()),
                    "moods": list(MOODS),
                    "mood": "neutral",
                }
        return characters

    def lessons(self, passages: list[Passage]) -> dict[str, dict[str, Any]]:
        """One a paragraph: ``id: Title`` on its first line, the debrief below it."""
        lessons: dict[str, dict[str, Any]] = {}
        for passage in passages:
            for paragraph in re.split(r"\n\s*\n", clean(passage.text).strip()):
                first, _, rest = paragraph.strip().partition("\n")
                key, colon, title = first.partition(":")
                if not colon or not title.strip():
                    if paragraph.strip():
                        self.note("T801", passage.name, f"'{quoted(first)}' is not 'id: Title'")
                    continue
                debrief = " ".join(rest.split()) or title.strip()
                lessons[slug(key, "lesson")] = {
                    "title": cut(title.strip()),
                    "debrief": cut(debrief),
                }
        return lessons

    def lesson_tags(
        self, scenes: list[Passage], lessons: dict[str, dict[str, Any]]
    ) -> dict[str, str]:
        """Passage name -> the lesson its ``lesson:ID`` tag names (declared if need be)."""
        found: dict[str, str] = {}
        for passage in scenes:
            for tag in passage.tags:
                if tag.startswith("lesson:") and tag != "lesson:":
                    lesson = slug(tag.removeprefix("lesson:"), "lesson")
                    lessons.setdefault(
                        lesson,
                        {
                            "title": lesson.replace("-", " ").capitalize(),
                            "debrief": "Say here what this lesson teaches.",
                        },
                    )
                    found[passage.name] = lesson
        return found

    def start_values(self, passages: list[Passage], names: Names) -> list[Assignment]:
        """The plain values StoryInit or a startup passage sets."""
        found: list[Assignment] = []
        for passage in passages:
            for item in read_passage(clean(passage.text)):
                if isinstance(item, Text) and not item.text.strip():
                    continue
                if not isinstance(item, SetMacro):
                    self.note("T801", passage.name, "only its variable settings are carried over")
                    continue
                try:
                    assignments = translate_assignments(item.source, item.dialect, names)
                except Untranslatable as why:
                    self.note("T802", passage.name, f"'{quoted(item.source)}': {why}")
                    continue
                for assignment in assignments:
                    if assignment.literal is None or assignment.effect.split()[1] != "=":
                        self.note(
                            "T802", passage.name,
                            f"'{quoted(assignment.effect)}' is not a plain start value",
                        )  # fmt: skip
                    else:
                        found.append(assignment)
        return found

    def check_expressions(
        self, nodes: dict[str, dict[str, Any]], variables: dict[str, Any], names: dict[str, str]
    ) -> None:
        """Leave out what the validator would refuse (a text compared with a number, a
        value of the wrong type), saying so: a line or choice whose condition fails
        goes, an effect that fails goes."""
        known = declarations(variables)
        for node_id, node in nodes.items():
            passage = names[node_id]
            kept = []
            for effect in node.get("effects", []):
                problem = effect_problem(effect, known)
                if problem:
                    written = (
                        effect
                        if isinstance(effect, str)
                        else f"if {effect['if']}: {'; '.join(effect['then'])}"
                    )
                    self.note("T802", passage, f"'{quoted(written)}' is left out: {problem}")
                else:
                    kept.append(effect)
            if "effects" in node:
                node["effects"] = kept
            for key in ("lines", "choices"):
                for entry in list(node.get(key, [])):
                    problem = condition_problem(entry["if"], known) if "if" in entry else None
                    if problem:
                        self.note(
                            "T802", passage, f"'{quoted(entry['text'])}' is left out: {problem}"
                        )
                        node[key].remove(entry)
                        continue
                    for effect in list(entry.get("effects", [])):
                        problem = effect_problem(effect, known)
                        if problem:
                            self.note("T802", passage, f"'{quoted(effect)}' is left out: {problem}")
                            entry["effects"].remove(effect)
            for key in ("lines", "effects", "choices"):
                if key in node and not node[key]:
                    del node[key]
            if not any(key in node for key in ("choices", "next", "ending")):
                node["ending"] = {"kind": "other", "title": cut(passage)}
                self.note(
                    "T804", passage, "none of its links is left: it is an ending of kind 'other'"
                )

    def reachable(
        self, nodes: dict[str, dict[str, Any]], start: str, names: dict[str, str]
    ) -> set[str]:
        seen = {start}
        waiting = [start]
        while waiting:
            node = nodes[waiting.pop()]
            following = [choice["next"] for choice in node.get("choices", [])]
            following += [node["next"]] if "next" in node else []
            for node_id in following:
                if node_id not in seen:
                    seen.add(node_id)
                    waiting.append(node_id)
        for node_id in nodes:
            if node_id not in seen:
                self.note("T805", names[node_id], "no link from the start leads here")
        return seen

    def document(
        self,
        nodes: dict[str, dict[str, Any]],
        start: str,
        variables: dict[str, Any],
        cast: dict[str, dict[str, Any]],
        lessons: dict[str, dict[str, Any]],
        initial: list[Assignment],
        renamed: dict[str, str],
    ) -> dict[str, Any]:
        starts = {renamed[a.variable]: a.literal for a in initial}
        meters = {
            "satisfaction": {"start": _meter_start(starts.get("satisfaction"), 50, 100),
                             "visible": True, "label": "Customer satisfaction"},
            "cost": {"unit": "money", "currency": "EUR",
                     "start": _meter_start(starts.get("cost"), 0, None),
                     "visible": True, "label": "Cost to the business"},
        }  # fmt: skip
        if not cast:
            self.defaults.add("characters")
            cast = {
                "customer": {
                    "name": "The customer",
                    "role": "customer",
                    "description": "Say who the customer is.",
                }
            }
        if not lessons:
            self.defaults.add("lessons")
        self.defaults |= {"meters", "scoring"}
        return {
            "format": 1,
            "id": self.scenario_id,
            "title": cut(" ".join(clean(self.story.title).split()) or "Imported Twine story"),
            "version": 1,
            "language": "en",
            "lessons": lessons,
            "characters": cast,
            "meters": meters,
            "variables": variables,
            "start": start,
            "nodes": nodes,
            "scoring": {
                "target": {"satisfaction": 70, "cost": 10},
                "cost_limit": 50,
                "satisfaction_weight": 0.5,
                "pass_mark": 70,
            },
        }


def _effects(assignments: list[Assignment]) -> list[str | dict[str, Any]]:
    """The effects of a passage: a change set inside a condition goes under an ``if``,
    next ones under the same condition together."""
    effects: list[str | dict[str, Any]] = []
    for assignment in assignments:
        last = effects[-1] if effects else None
        if assignment.condition is None:
            effects.append(assignment.effect)
        elif isinstance(last, dict) and last["if"] == assignment.condition:
            last["then"].append(assignment.effect)
        else:
            effects.append({"if": assignment.condition, "then": [assignment.effect]})
    return effects


def _every_assignment(content: PassageContent) -> list[Assignment]:
    return [*content.assignments, *(a for c in content.choices for a in c.assignments)]


def _meter_start(value: object, default: float, top: float | None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return max(0, min(value, top) if top is not None else value)


def _words_used(nodes: dict[str, dict[str, Any]]) -> set[str]:
    """Every name the nodes' conditions, effects and texts mention."""
    words: set[str] = set()
    for node in nodes.values():
        for effect in node.get("effects", []):
            written = effect if isinstance(effect, str) else f"{effect['if']} {effect['then']}"
            words |= set(re.findall(r"\w+", written))
        for entry in [*node.get("lines", []), *node.get("choices", [])]:
            words |= set(re.findall(r"\w+", entry.get("if", "")))
            words |= set(re.findall(r"\{(\w+)\}", entry["text"]))
            for effect in entry.get("effects", []):
                words |= set(re.findall(r"\w+", effect))
    return words


def convert(story: Story, scenario_id: str) -> Conversion:
    """The scenario document for ``story`` and the notes; raises NoPassages when the
    story has no passage that could become a node."""
    return Converter(story, scenario_id).convert()
