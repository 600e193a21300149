"""A passage's text, taken apart into what the conversion can use: plain text, links,
variable changes, conditions, and what it cannot use, kept so it can be reported.

Two story formats' markup is read. SugarCube writes macros as ``<<set $x to 5>>`` and
blocks as ``<<if $x gt 3>>...<<elseif ...>>...<<else>>...<</if>>``; Harlowe writes
``(set: $x to it + 5)`` and ``(if: $x > 3)[...](else:)[...]``, a macro and the hook in
square brackets it controls. Links are common to both: ``[[Target]]``,
``[[text|Target]]``, ``[[text->Target]]``, ``[[Target<-text]]``, and SugarCube's
``[[text|Target][$x to 5]]``, whose last part runs when the link is taken.

Passages come from untrusted files, so every search for a closing mark is bounded or
looked up in positions found once per passage: text with thousands of openings and no
closings takes linear time, and nesting deeper than MAX_DEPTH is reported, not followed.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

#: How deep conditions may nest before the rest is reported instead of read.
MAX_DEPTH = 20
#: The longest macro or HTML tag read as one (longer ones are not markup we could use).
MAX_MACRO = 500


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Link:
    label: str
    target: str
    setter: str = ""  # SugarCube assignments run when the link is taken


@dataclass(frozen=True)
class SetMacro:
    """Assignments: ``<<set ...>>`` (sugarcube), ``(set: ...)`` (harlowe) or
    ``(put: value into $x)`` (put)."""

    source: str
    dialect: str


@dataclass(frozen=True)
class Show:
    """A value written into the text: ``<<print $x>>``, ``<<= $x>>``, ``(print: $x)``."""

    source: str


@dataclass(frozen=True)
class Goto:
    target: str


@dataclass(frozen=True)
class Dropped:
    """Markup that has no place in a scenario, as written, and why it was left out."""

    source: str
    why: str


@dataclass(frozen=True)
class Conditional:
    """``if``/``elseif``/``else``: each branch's condition (None for ``else``) with the
    items it shows; a branch is taken when no branch before it was."""

    branches: tuple[tuple[str | None, tuple[Item, ...]], ...]
    dialect: str


Item = Text | Link | SetMacro | Show | Goto | Dropped | Conditional

_SPECIAL = re.compile(r"\[\[|<<|\((?=[A-Za-z][\w-]*:)|<(?=[A-Za-z/!])|/\*")
_SUGARCUBE = re.compile(r"<<(/?)\s*([A-Za-z=\-][\w-]*|=|-)?\s*(.*?)>>", re.DOTALL)
_HARLOWE = re.compile(
    r"""\(([A-Za-z][\w-]*):((?:"[^"]*"|'[^']*'|[^()"']|\((?:"[^"]*"|'[^']*'|[^()"'])*\))"""
    rf"""{{0,{MAX_MACRO}}}?)\)"""
)
_HTML_TAG = re.compile(rf"</?[A-Za-z][\w-]*(?:\s[^<>]{{0,{MAX_MACRO}}})?/?>")
_QUOTED = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)')\s*(?:,\s*(?:"([^"]*)"|'([^']*)'))?\s*$""")
_SUGARCUBE_LINK_ARGS = re.compile(
    r"""^\s*(?:"([^"]*)"|'([^']*)'|\[\[([^\]]*)\]\])\s*(?:"([^"]*)"|'([^']*)')?\s*$"""
)


class _Marks:
    """Sorted positions of one closing mark in the whole passage, for bounded look-ups."""

    def __init__(self, text: str, mark: str) -> None:
        self.positions = [match.start() for match in re.finditer(re.escape(mark), text)]

    def after(self, position: int, end: int) -> int:
        """The first position of the mark at or after ``position`` and before ``end``,
        or -1."""
        index = bisect.bisect_left(self.positions, position)
        if index < len(self.positions) and self.positions[index] < end:
            return self.positions[index]
        return -1


@dataclass(frozen=True)
class _Macro:
    start: int
    end: int
    closing: bool
    name: str
    arguments: str


def harlowe_name(name: str) -> str:
    """Harlowe ignores case, ``-`` and ``_`` in macro names: ``(else-if:)`` is
    ``(elseif:)``."""
    return name.lower().replace("-", "").replace("_", "")


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.link_ends = _Marks(text, "]]")
        self.comment_ends = _Marks(text, "*/")
        self.html_comment_ends = _Marks(text, "-->")
        self.macro_ends = _Marks(text, ">>")
        self.brackets = _matching_brackets(text)
        self.macros, self.blocks = self._sugarcube_blocks()

    # ------------------------------------------------------------ SugarCube macros

    def _sugarcube_macro(self, start: int) -> _Macro | None:
        close = self.macro_ends.after(start + 2, start + MAX_MACRO)
        if close < 0:
            return None
        match = _SUGARCUBE.fullmatch(self.text, start, close + 2)
        if match is None:
            return None
        name = (match.group(2) or "").lower()
        return _Macro(start, close + 2, bool(match.group(1)), name, match.group(3).strip())

    def _sugarcube_blocks(self) -> tuple[dict[int, _Macro], dict[int, list[_Macro]]]:
        """Every macro by where it starts, and for each container macro that is closed,
        its parts: the opening, each ``elseif``/``else`` of an ``if``, and the closing."""
        macros: dict[int, _Macro] = {}
        position = self.text.find("<<")
        while position >= 0:
            macro = self._sugarcube_macro(position)
            if macro is not None:
                macros[position] = macro
            position = self.text.find("<<", macro.end if macro else position + 2)
        blocks: dict[int, list[_Macro]] = {}
        open_ones: list[list[_Macro]] = []  # opened and not closed yet, innermost last
        depths: dict[str, list[int]] = {}  # where in open_ones each name is open
        for macro in macros.values():
            if macro.closing and depths.get(macro.name):
                depth = depths[macro.name][-1]
                for inner in open_ones[depth:]:  # never-closed macros inside it end here
                    depths[inner[0].name].pop()
                parts = open_ones[depth]
                del open_ones[depth:]
                parts.append(macro)
                blocks[parts[0].start] = parts
            elif macro.name in ("elseif", "else") and depths.get("if"):
                open_ones[depths["if"][-1]].append(macro)
            elif not macro.closing:
                depths.setdefault(macro.name, []).append(len(open_ones))
                open_ones.append([macro])
        return macros, blocks

    # ------------------------------------------------------------ reading

    def items(self, start: int, end: int, depth: int) -> list[Item]:
        found: list[Item] = []
        text_from = position = start
        while True:
            match = _SPECIAL.search(self.text, position, end)
            if match is None:
                break
            read = self._special(match.start(), match.group(), end, depth)
            if read is None:
                position = match.start() + 1
                continue
            item, after = read
            if match.start() > text_from:
                found.append(Text(self.text[text_from : match.start()]))
            if item is not None:
                found.append(item)
            text_from = position = after
        if end > text_from:
            found.append(Text(self.text[text_from:end]))
        return found

    def _special(
        self, start: int, mark: str, end: int, depth: int
    ) -> tuple[Item | None, int] | None:
        """The item that starts here and where it ends; None when it is plain text."""
        if mark == "[[":
            return self._link(start, end)
        if mark == "<<":
            return self._sugarcube(start, end, depth)
        if mark == "(":
            return self._harlowe(start, end, depth)
        if mark == "/*":
            close = self.comment_ends.after(start + 2, end)
            return None if close < 0 else (None, close + 2)  # an author's comment
        if self.text.startswith("<!--", start):
            close = self.html_comment_ends.after(start + 4, end)
            return None if close < 0 else (None, close + 3)
        tag = _HTML_TAG.match(self.text, start, end)
        if tag is None:
            return None
        if re.match(r"<br\s*/?>", tag.group(), re.IGNORECASE):
            return Text("\n"), tag.end()
        return Dropped(tag.group(), "HTML"), tag.end()

    def _link(self, start: int, end: int) -> tuple[Item, int] | None:
        close = self.link_ends.after(start + 2, end)
        if close < 0:
            return None
        inside = self.text[start + 2 : close]
        setter = ""
        if "][" in inside:  # SugarCube: [[text|Target][$x to 5]]
            inside, setter = inside.split("][", 1)
        return parse_link(inside, setter), close + 2

    def _sugarcube(self, start: int, end: int, depth: int) -> tuple[Item, int] | None:
        macro = self.macros.get(start)
        if macro is None or macro.end > end:
            return None
        parts = self.blocks.get(start)
        source = self.text[start : parts[-1].end if parts else macro.end]
        if macro.closing or macro.name in ("elseif", "else"):
            return Dropped(source, "a closing or else without its if"), macro.end
        if parts is not None and parts[-1].end > end:
            parts = None
        if macro.name == "if" and parts is not None:
            if depth >= MAX_DEPTH:
                return Dropped(source, "conditions nested too deep"), parts[-1].end
            branches = []
            for part, following in itertools.pairwise(parts):
                condition = None if part.name == "else" else part.arguments
                body = tuple(self.items(part.end, following.start, depth + 1))
                branches.append((condition, body))
            return Conditional(tuple(branches), "sugarcube"), parts[-1].end
        if macro.name == "link" and parts is not None:
            return self._sugarcube_link(macro, parts[-1], source), parts[-1].end
        if parts is not None:
            return Dropped(source, f"the <<{macro.name}>> macro"), parts[-1].end
        if macro.name == "set":
            return SetMacro(macro.arguments, "sugarcube"), macro.end
        if macro.name in ("print", "=", "-"):
            return Show(macro.arguments), macro.end
        if macro.name == "goto":
            target = _sugarcube_target(macro.arguments)
            if target:
                return Goto(target), macro.end
        return Dropped(source, f"the <<{macro.name}>> macro"), macro.end

    def _sugarcube_link(self, opening: _Macro, closing: _Macro, source: str) -> Item:
        """``<<link "text" "Target">><<set ...>><</link>>`` is a link whose sets run
        when it is taken; any other content of the block cannot be carried."""
        arguments = _SUGARCUBE_LINK_ARGS.match(opening.arguments)
        body = self.items(opening.end, closing.start, MAX_DEPTH)
        sets = [item.source for item in body if isinstance(item, SetMacro)]
        rest = [item for item in body if not isinstance(item, SetMacro)]
        if arguments is None or any(
            not isinstance(item, Text) or item.text.strip() for item in rest
        ):
            return Dropped(source, "a <<link>> that does more than set variables")
        label, single, wiki, target, single_target = arguments.groups()
        if wiki is not None:
            return parse_link(wiki, "; ".join(sets))
        text = label if label is not None else single or ""
        goes_to = target if target is not None else single_target
        if not goes_to:
            return Dropped(source, "a <<link>> that goes to no passage")
        return Link(text, goes_to, "; ".join(sets))

    # ------------------------------------------------------------ Harlowe macros

    def _hook(self, position: int, end: int) -> tuple[int, int] | None:
        """The hook (``[...]``) that starts at ``position`` after optional spaces: where
        its text starts and where it closes."""
        while position < end and self.text[position] in " \t":
            position += 1
        close = self.brackets.get(position, -1)
        if position < end and self.text[position] == "[" and 0 < close < end:
            return position + 1, close
        return None

    def _harlowe(self, start: int, end: int, depth: int) -> tuple[Item, int] | None:
        match = _HARLOWE.match(self.text, start, end)
        if match is None:
            return None
        name = harlowe_name(match.group(1))
        arguments = match.group(2).strip()
        hook = self._hook(match.end(), end)
        if name in ("if", "unless") and hook is not None:
            return self._harlowe_conditional(start, name, arguments, hook, end, depth)
        if hook is not None:
            source = self.text[start : hook[1] + 1]
            return Dropped(source, f"the ({match.group(1)}:) macro and its hook"), hook[1] + 1
        if name in ("set", "put"):
            return SetMacro(arguments, "harlowe" if name == "set" else "put"), match.end()
        if name == "print":
            return Show(arguments), match.end()
        quoted = _QUOTED.match(arguments)
        if name in ("goto", "linkgoto") and quoted is not None:
            first = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
            second = quoted.group(3) if quoted.group(3) is not None else quoted.group(4)
            if name == "goto" and second is None:
                return Goto(first), match.end()
            if name == "linkgoto":
                target = first if second is None else second
                return Link(first, target), match.end()
        return Dropped(match.group(), f"the ({match.group(1)}:) macro"), match.end()

    def _harlowe_conditional(
        self, start: int, name: str, arguments: str, hook: tuple[int, int], end: int, depth: int
    ) -> tuple[Item, int]:
        branches: list[tuple[str | None, tuple[Item, ...]]] = []
        condition: str | None = arguments if name == "if" else f"not ({arguments})"
        after = hook[1] + 1
        while True:
            if depth >= MAX_DEPTH:
                return Dropped(self.text[start:after], "conditions nested too deep"), after
            branches.append((condition, tuple(self.items(hook[0], hook[1], depth + 1))))
            if condition is None:
                break
            following = self._else_macro(after, end)
            if following is None:
                break
            condition, hook = following
            after = hook[1] + 1
        return Conditional(tuple(branches), "harlowe"), after

    def _else_macro(self, position: int, end: int) -> tuple[str | None, tuple[int, int]] | None:
        """An ``(else-if: ...)[...]`` or ``(else:)[...]`` right after a hook."""
        while position < end and self.text[position] in " \t\r\n":
            position += 1
        match = _HARLOWE.match(self.text, position, end)
        if match is None or harlowe_name(match.group(1)) not in ("elseif", "else"):
            return None
        hook = self._hook(match.end(), end)
        if hook is None:
            return None
        if harlowe_name(match.group(1)) == "else":
            return None, hook
        return match.group(2).strip(), hook


def _matching_brackets(text: str) -> dict[int, int]:
    """Each ``[`` with the ``]`` that closes it, in one pass over the text."""
    matching: dict[int, int] = {}
    opened: list[int] = []
    for match in re.finditer(r"[\[\]]", text):
        if match.group() == "[":
            opened.append(match.start())
        elif opened:
            matching[opened.pop()] = match.start()
    return matching


def _sugarcube_target(arguments: str) -> str:
    """The passage a ``<<goto>>`` names: ``"Target"`` or ``[[Target]]``."""
    found = _SUGARCUBE_LINK_ARGS.match(arguments)
    if found is None:
        return ""
    quoted, single, wiki = found.group(1), found.group(2), found.group(3)
    if wiki is not None:
        return parse_link(wiki, "").target
    return quoted if quoted is not None else single or ""


def parse_link(inside: str, setter: str) -> Link:
    """What is between ``[[`` and ``]]``: ``text|Target``, ``text->Target`` (the last
    arrow), ``Target<-text`` (the first), or a target that is its own text."""
    if "|" in inside:
        label, target = inside.rsplit("|", 1)
    elif "->" in inside:
        label, target = inside.rsplit("->", 1)
    elif "<-" in inside:
        target, label = inside.split("<-", 1)
    else:
        label = target = inside
    return Link(label.strip(), target.strip(), setter.strip())


def read_passage(text: str) -> list[Item]:
    """The items of one passage's text, in order."""
    return _Reader(text).items(0, len(text), 0)
