"""One passage's items, laid flat as a scenario node holds them: paragraphs and links
that each carry the condition under which they show, the changes made on entering,
and a notes list for whatever could not be carried over.

A scenario has no nested blocks: a line or a choice has its own ``if``. So the text
and links inside ``<<if A>>...<<elseif B>>...<<else>>...<</if>>`` get the conditions
``A``, ``not (A) and B`` and ``not (A) and not (B)``, and nested blocks join theirs
with ``and``. A change of a variable cannot be made conditional (effects have no
``if``), so a ``<<set>>`` inside a block is reported instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from simulator.twine.logic import (
    VARIABLE,
    Assignment,
    Names,
    Untranslatable,
    translate_assignments,
    translate_condition,
)
from simulator.twine.markup import (
    Conditional,
    Dropped,
    Goto,
    Item,
    Link,
    SetMacro,
    Show,
    Text,
)
from simulator.twine.story import Note

#: How much of a piece of markup a note quotes.
QUOTE = 60
_LINK_MARK = re.compile(r"\x00(\d+)\x00")


@dataclass
class ChoiceDraft:
    label: str
    target: str
    condition: str | None
    assignments: list[Assignment] = field(default_factory=list)


@dataclass
class PassageContent:
    paragraphs: list[tuple[str, str | None]] = field(default_factory=list)  # text, if
    choices: list[ChoiceDraft] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    goto: str | None = None
    compared: list[tuple[str, str]] = field(default_factory=list)
    tested: list[str] = field(default_factory=list)  # variables read as true/false


def quoted(source: str) -> str:
    flat = " ".join(source.split())
    return flat if len(flat) <= QUOTE else flat[: QUOTE - 3] + "..."


class Flattener:
    def __init__(self, passage: str, names: Names, notes: list[Note]) -> None:
        self.passage = passage
        self.names = names
        self.notes = notes
        self.content = PassageContent()
        self.segments: list[tuple[str | None, str]] = []
        self.html: list[str] = []

    def note(self, code: str, message: str) -> None:
        self.notes.append(Note(code, self.passage, message))

    def run(self, items: list[Item]) -> PassageContent:
        self.walk(items, [])
        if self.html:
            tags = ", ".join(dict.fromkeys(quoted(tag) for tag in self.html))
            self.note("T801", f"HTML markup removed, its text kept: {quoted(tags)}")
        self.content.paragraphs = self.paragraphs()
        return self.content

    def walk(self, items: list[Item] | tuple[Item, ...], clauses: list[str]) -> None:
        condition = _joined(clauses)
        for item in items:
            if isinstance(item, Text):
                self.segments.append((condition, self.text(item.text)))
            elif isinstance(item, Link):
                self.link(item, condition)
            elif isinstance(item, SetMacro):
                self.assignments(item, clauses)
            elif isinstance(item, Show):
                self.show(item, condition)
            elif isinstance(item, Goto):
                self.goto(item, clauses)
            elif isinstance(item, Dropped):
                self.dropped(item)
            else:
                self.conditional(item, clauses)

    def text(self, text: str) -> str:
        """Passage text as a scenario writes it: braces doubled, and each ``$name``
        of a variable written ``{name}``, where the game fills in its value."""
        escaped = text.replace("{", "{{").replace("}", "}}")

        def shown(match: re.Match[str]) -> str:
            name = self.names.variables.get(match.group(1))
            return "{" + name + "}" if name else match.group()

        return VARIABLE.sub(shown, escaped)

    def link(self, link: Link, condition: str | None) -> None:
        choice = ChoiceDraft(link.label or link.target, link.target, condition)
        if link.setter:
            try:
                choice.assignments = translate_assignments(link.setter, "sugarcube", self.names)
            except Untranslatable as why:
                self.note(
                    "T802",
                    f"the link '{quoted(choice.label)}' sets '{quoted(link.setter)}', which "
                    f"is not carried over ({why}); the choice is kept without it",
                )
        self.segments.append((condition, f"\x00{len(self.content.choices)}\x00"))
        self.content.choices.append(choice)

    def assignments(self, item: SetMacro, clauses: list[str]) -> None:
        try:
            found = translate_assignments(item.source, item.dialect, self.names)
        except Untranslatable as why:
            self.note("T802", f"'{quoted(item.source)}' is not carried over: {why}")
            return
        condition = _joined(clauses)  # set inside a condition: an effect under it
        self.content.assignments += [replace(a, condition=condition) for a in found]

    def show(self, item: Show, condition: str | None) -> None:
        found = re.fullmatch(r"\s*\$([A-Za-z_$][\w$]*)\s*", item.source)
        name = self.names.variables.get(found.group(1)) if found else None
        if name is None:
            self.note(
                "T801", f"only a variable can be shown in the text, not '{quoted(item.source)}'"
            )
            return
        self.segments.append((condition, "{" + name + "}"))

    def goto(self, item: Goto, clauses: list[str]) -> None:
        if clauses or self.content.goto is not None:
            self.note(
                "T801",
                f"a go-to '{quoted(item.target)}' inside a condition or after another one is "
                "not carried over; use a link",
            )
            return
        self.content.goto = item.target

    def dropped(self, item: Dropped) -> None:
        if item.why == "HTML":
            self.html.append(item.source)
        else:
            self.note("T801", f"{item.why} is not carried over: '{quoted(item.source)}'")

    def conditional(self, item: Conditional, clauses: list[str]) -> None:
        written: list[str | None] = []
        for condition, _ in item.branches:
            if condition is None:
                written.append(None)
                continue
            try:
                translated = translate_condition(condition, self.names)
            except Untranslatable as why:
                self.note(
                    "T802",
                    f"the condition '{quoted(condition)}' is not carried over ({why}); "
                    "the text and links it controls are left out",
                )
                return
            written.append(translated.text)
            self.content.compared += translated.compared
            self.content.tested += translated.tested
        before: list[str] = []
        for condition, (_, body) in zip(written, item.branches, strict=True):
            own = [] if condition is None else [_grouped(condition)]
            self.walk(body, clauses + before + own)
            if condition is not None:
                before.append(f"not {_grouped(condition)}")

    def paragraphs(self) -> list[tuple[str, str | None]]:
        """The text, one paragraph for each line (Twine shows each line break) and cut
        wherever its condition changes; a line that holds links and nothing else is left
        out (the links become choices), a link in a sentence keeps its words there."""
        groups: list[tuple[str | None, list[str]]] = []
        for condition, text in self.segments:
            if groups and groups[-1][0] == condition:
                groups[-1][1].append(text)
            else:
                groups.append((condition, [text]))
        found: list[tuple[str, str | None]] = []
        for condition, texts in groups:
            for line in "".join(texts).split("\n"):
                joined = " ".join(self.with_links(line).split())
                if joined:
                    found.append((joined, condition))
        return found

    def with_links(self, line: str) -> str:
        if not re.search(r"\w", _LINK_MARK.sub("", line)):
            return ""
        return _LINK_MARK.sub(
            lambda mark: self.text(self.content.choices[int(mark.group(1))].label), line
        )


def _grouped(condition: str) -> str:
    return condition if re.fullmatch(r"[\w.]+", condition) else f"({condition})"


def _joined(clauses: list[str]) -> str | None:
    if not clauses:
        return None
    if len(clauses) == 1:
        return (
            clauses[0].removeprefix("(").removesuffix(")") if _wrapped(clauses[0]) else clauses[0]
        )
    return " and ".join(clauses)


def _wrapped(clause: str) -> bool:
    """Whether the outer parentheses enclose the whole clause (so they can go)."""
    if not (clause.startswith("(") and clause.endswith(")")):
        return False
    depth = 0
    for index, char in enumerate(clause):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and index < len(clause) - 1:
            return False
    return True


def flatten(passage: str, items: list[Item], names: Names, notes: list[Note]) -> PassageContent:
    """The passage's content as a node holds it; notes about it go to ``notes``."""
    return Flattener(passage, names, notes).run(items)
