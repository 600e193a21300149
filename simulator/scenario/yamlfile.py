"""Reading an untrusted YAML file into plain data, safely and fast.

The fast path parses with ``yaml-rs`` (Rust): YAML 1.2 (so ``no`` stays text
and ``17:30`` stays a time), no object construction from tags, duplicate keys
rejected, alias expansion bounded. It gives no positions, so when something
must be reported the text is composed again with PyYAML's safe composer, which
keeps line and column for every node. See docs/decisions/yaml-parser.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml_rs

from simulator.regular_files import read_regular
from simulator.scenario.diagnostics import Diagnostic

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_NESTING = 48
#: What aliases may expand to, in characters of scalars (plus one per item): no more
#: than the largest file, written out. yaml-rs counts expanded items but not their size,
#: so a 326 KB file of aliases to one long text reached gigabytes.
MAX_EXPANDED_CHARS = MAX_FILE_BYTES
ALIAS_LIMITS = yaml_rs.AliasLimits(
    max_total_replayed_events=200_000,
    max_replay_stack_depth=16,
)

# C0 controls but tab and line ends, DEL, and the C1 controls (PyYAML refuses those but
# NEL, which it alone takes for a line end, so positions would drift).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# What may be an anchor or an alias (if it starts a token: see _may_expand), and an
# escape that may stand for a control character: cheap searches that decide whether the
# costlier checks must run at all.
_ANCHOR = re.compile(r"&[^\s\[\]{},]")
_ALIAS = re.compile(r"\*[^\s\[\]{},]")
_CONTROL_ESCAPE = re.compile(r"\\[0abvfeNxuU]")
_BANG = re.compile(r"!(?![\s=])")  # a "!" that may start a tag; never "!="
_DOCUMENT_MARK = re.compile(r"^(---|\.\.\.)", re.M)
_RUST_POSITION = re.compile(r"line (\d+), column (\d+)")
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlDocument:
    """One parsed file: its text, its data, and positions on demand."""

    path: str
    text: str
    data: Any
    _positions: yaml.Node | None = field(default=None, repr=False)
    _composed: bool = field(default=False, repr=False)
    # Each mapping's keys, indexed the first time a path goes through it: locating
    # thousands of diagnostics in one mapping must not scan it once for each.
    _keys: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = field(
        default_factory=dict, repr=False
    )

    def root_node(self) -> yaml.Node | None:
        if not self._composed:
            self._composed = True
            try:
                self._positions = yaml.compose(self.text, Loader=_COMPOSER)
            except yaml.YAMLError:
                self._positions = None
        return self._positions

    def position(
        self, path: tuple[str | int, ...], at_key: bool = False, offset: int | None = None
    ) -> tuple[int, int]:
        """Line and column (1-based) of the value (or key) at ``path``.

        A path that leads past what the file holds (a missing key) points at
        the deepest part that exists.
        """
        node = self.root_node()
        if node is None:
            return 1, 1
        key_node: yaml.Node | None = None
        for step in path:
            found = self._child(node, step)
            if found is None:
                break
            key_node, node = found
        target = key_node if at_key and key_node is not None else node
        line, column = target.start_mark.line + 1, target.start_mark.column + 1
        if (
            offset is not None
            and isinstance(target, yaml.ScalarNode)
            and target.start_mark.line == target.end_mark.line
        ):
            column += offset + (1 if target.style in ("'", '"') else 0)
        return line, column

    def locate(self, diagnostic: Diagnostic) -> Diagnostic:
        line, column = self.position(diagnostic.path, diagnostic.at_key, diagnostic.offset)
        return diagnostic.located(self.path, line, column)

    def _child(self, node: yaml.Node, step: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
        if isinstance(node, yaml.MappingNode):
            keys = self._keys.get(id(node))  # the root keeps every node, and so its id
            if keys is None:
                # The last of equal keys wins, as in the data.
                keys = {
                    key.value: (key, value)
                    for key, value in node.value
                    if isinstance(key, yaml.ScalarNode)
                }
                self._keys[id(node)] = keys
            return keys.get(step_text(step))
        if (
            isinstance(node, yaml.SequenceNode)
            and isinstance(step, int)
            and 0 <= step < len(node.value)
        ):
            return None, node.value[step]
        return None


def step_text(step: object) -> str:
    """A step of a data path as text. Keys come from untrusted files: a whole number of
    more than 4,300 digits cannot be turned into text by ``str``, so it is summarised."""
    if isinstance(step, int) and step.bit_length() > 64:
        return f"<a number of about {int(step.bit_length() * 0.30103):,} digits>"
    return str(step)


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def nesting_problem(document: YamlDocument) -> Diagnostic | None:
    """E008 when the data nests deeper than any scenario can. Checked on the error path
    only (the models accept no free-form nesting), before positions are looked up."""
    if not _nesting_exceeds(document.data, MAX_NESTING):
        return None
    return Diagnostic(
        "E008",
        f"nesting is deeper than {MAX_NESTING} levels",
        document.path,
        *_deepest_line(document),
    )


def _nesting_exceeds(data: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend(
                (value, depth + 1) for value in item.values() if isinstance(value, (dict, list))
            )
        elif isinstance(item, list):
            stack.extend((value, depth + 1) for value in item if isinstance(value, (dict, list)))
    return False


def _duplicate_keys(document: YamlDocument) -> list[Diagnostic]:
    root = document.root_node()
    found: list[Diagnostic] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        first = seen[key.value].start_mark.line + 1
                        line, column = key.start_mark.line + 1, key.start_mark.column + 1
                        found.append(
                            Diagnostic(
                                "E006",
                                f"key '{key.value}' appears twice in the same mapping "
                                f"(first on line {first}); YAML keeps only one of them",
                                document.path,
                                line,
                                column,
                            )
                        )
                    seen[key.value] = key
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(found, key=lambda d: (d.line, d.column))


def _first_alias_position(text: str) -> tuple[int, int]:
    try:
        for token in yaml.scan(text, Loader=_COMPOSER):
            if isinstance(token, yaml.AliasToken):
                return token.start_mark.line + 1, token.start_mark.column + 1
    except yaml.YAMLError:
        pass
    return 1, 1


def _syntax_diagnostic(path: str, text: str, error: Exception) -> list[Diagnostic]:
    message = str(error)
    if "duplicate mapping key" in message:
        document = YamlDocument(path, text, None)
        duplicates = _duplicate_keys(document)
        if duplicates:
            return duplicates
        return [Diagnostic("E006", message, path)]
    if "alias" in message and "limit" in message:
        line, column = _first_alias_position(text)
        return [
            Diagnostic(
                "E007",
                "aliases expand to too much data (limit: 200,000 items, 16 levels, "
                f"{MAX_EXPANDED_CHARS // (1024 * 1024)} MiB); write the repeated part out "
                "instead",
                path,
                line,
                column,
            )
        ]
    if "tag" in message.lower():
        line, column = _tag_position(text) or (1, 1)
        return [
            Diagnostic(
                "E009",
                "YAML tags such as !!python/object are not allowed in scenario files",
                path,
                line,
                column,
            )
        ]
    position = _RUST_POSITION.search(message)
    line, column = (int(position.group(1)), int(position.group(2))) if position else (1, 1)
    reason = message.strip().splitlines()[-1] if message.strip() else "invalid YAML"
    if "recursion" in reason.lower() or "depth" in reason.lower() or "nest" in reason.lower():
        return [
            Diagnostic("E008", f"nesting is deeper than {MAX_NESTING} levels", path, line, column)
        ]
    explained = explain_slip(text, line, column, reason) if position else None
    if explained is not None:
        message, line, column = explained
        return [Diagnostic("E005", message, path, line, column)]
    if any(marker in reason for marker in _INDENTATION_MARKERS):
        reason += f"; {_INDENTATION_HINT}"
    return [Diagnostic("E005", f"YAML syntax: {reason}", path, line, column)]


#: The parser's words when a line starts in the wrong column (its own words name what it
#: expected, not the cause a trainer looks for).
_INDENTATION_MARKERS = (
    "did not find expected key",
    "did not find expected '-' indicator",
    "mapping values are not allowed",
    "expected <block end>",
    "bad indentation",
)
_INDENTATION_HINT = (
    "most often a line indented more or less than the others at its level, here or on a "
    "line above: keys of the same mapping, and the items of a list, start in one column"
)


_TRAILING_AFTER_QUOTE = "invalid trailing content after"
_COLON_IN_TEXT = ("mapping values are not allowed", "did not find expected ',' or '}'")
_KEY_THEN_VALUE = re.compile(r"^(\s*(?:-\s+)?[^\s#'\"{\[][^:#]*?:\s+)(\S.*?)\s*$")
_WORD_AROUND = re.compile(r"\w*$"), re.compile(r"^\w*")


def explain_slip(text: str, line: int, column: int, reason: str) -> tuple[str, int, int] | None:
    """The two syntax errors trainers make most, in plain words, with the fix, and the
    position of the character that caused them; None for any other error.

    The parser's own words name its grammar ("trailing content after double-quoted
    scalar", even for single quotes; "mapping values are not allowed"), not the slip:
    an apostrophe inside text in single quotes, or ": " inside text without quotes.
    ``line`` and ``column`` are the parser's (1-based, in characters)."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    row = lines[line - 1]
    if reason.startswith(_TRAILING_AFTER_QUOTE):
        quote = len(row[: column - 1].rstrip()) - 1  # the quote that closed the text early
        if quote >= 0 and row[quote] in "'\"":
            return _early_quote(row, quote), line, quote + 1
        return None
    if any(words in reason for words in _COLON_IN_TEXT) and row[column - 1 : column] == ":":
        after = row[column : column + 1]
        if after in ("", " ", "\t") and ": " in row[: column - 1]:
            return _colon_in_text(row, column - 1), line, column
    return None


def _early_quote(row: str, quote: int) -> str:
    before = _WORD_AROUND[0].search(row[:quote])
    after = _WORD_AROUND[1].search(row[quote + 1 :])
    word = (before.group() if before else "", after.group() if after else "")
    if row[quote] == "'":
        doubled = f" ({word[0]}''{word[1]})" if word[0] or word[1] else ""
        return (
            "this text is in single quotes, so the apostrophe here ends it early; write "
            f"the apostrophe twice{doubled}, or put the whole text in double quotes, or "
            "leave the quotes out"
        )
    return (
        'this text is in double quotes, so the " here ends it early; write it as \\" '
        "inside the text, or put the whole text in single quotes"
    )


def _colon_in_text(row: str, colon: int) -> str:
    message = (
        'this text contains ": " (a colon and a space), which YAML reads as the start of '
        "a new key; put the whole text in quotes"
    )
    match = _KEY_THEN_VALUE.match(row)
    if match is None or match.end(1) > colon or "{" in row[:colon] or "[" in row[:colon]:
        return message  # in braces or brackets, the example would quote them too
    value = match.group(2)
    plain = '"' not in value and "\\" not in value  # nothing double quotes would change
    quoted = f'"{value}"' if plain else "'" + value.replace("'", "''") + "'"
    return f"{message}: {match.group(1).strip()} {quoted}"


def _tag_position(text: str) -> tuple[int, int] | None:
    """Where the first YAML tag is, if any.

    yaml-rs constructs nothing from tags but passes unknown ones over in
    silence; a tag in a scenario file is a mistake or an attack, so say so.
    The cheap text search only decides whether the scanner must look.
    """
    starts = " \t\n\r[{,:-"  # a tag starts a token, as in "key: !tag" or "[!tag"
    if not any(m.start() == 0 or text[m.start() - 1] in starts for m in _BANG.finditer(text)):
        return None
    try:
        for token in yaml.scan(text, Loader=_COMPOSER):
            if isinstance(token, yaml.TagToken):
                return token.start_mark.line + 1, token.start_mark.column + 1
    except yaml.YAMLError:
        return None
    return None


def parse_text(text: str, path: str = "<string>") -> tuple[YamlDocument | None, list[Diagnostic]]:
    """Parse YAML text into plain data, or explain why not."""
    control = _CONTROL.search(text)
    if control:
        line, column = _line_column(text, control.start())
        return None, [
            Diagnostic(
                "E004",
                f"control character U+{ord(control.group()):04X} is not allowed in a scenario "
                "file (is this a binary file?)",
                path,
                line,
                column,
            )
        ]
    if _may_expand(text):
        expansion = _alias_expansion(path, text)
        if expansion is not None:
            return None, [expansion]
    try:
        data = yaml_rs.loads(text, parse_datetime=False, alias_limits=ALIAS_LIMITS)
    except yaml_rs.YAMLDecodeError as error:
        return None, _syntax_diagnostic(path, text, error)
    except RecursionError:
        return None, [Diagnostic("E008", f"nesting is deeper than {MAX_NESTING} levels", path)]
    except TypeError:  # a list inside a key: yaml-rs cannot make it a dict key
        return None, [
            Diagnostic(
                "E005",
                "YAML syntax: a key must be a plain value such as a name, not a list or mapping",
                path,
                *_complex_key_position(text),
            )
        ]
    except (ValueError, OverflowError) as error:  # nothing known; never a traceback
        return None, [Diagnostic("E005", f"YAML cannot be read: {error}", path)]
    tag = _tag_position(text)
    if tag is not None:
        return None, [
            Diagnostic(
                "E009",
                "YAML tags such as !!python/object are not allowed in scenario files",
                path,
                *tag,
            )
        ]
    if isinstance(data, list) and _DOCUMENT_MARK.search(text) and _is_multi(text):
        return None, [
            Diagnostic(
                "E010",
                "a scenario file holds one YAML document; remove the extra '---'",
                path,
                *_second_document(text),
            )
        ]
    document = YamlDocument(path, text, data)
    if _CONTROL_ESCAPE.search(text):  # only an escape can hide a control character
        hidden = _escaped_control(data)
        if hidden is not None:
            where, char, at_key = hidden
            return None, [
                Diagnostic(
                    "E004",
                    f"control character U+{ord(char):04X}, written as an escape, is not "
                    "allowed in a scenario file",
                    path,
                    *document.position(where, at_key),
                )
            ]
    return document, []


def _may_expand(text: str) -> bool:
    """Whether the text may hold both an anchor and an alias (text such as "R&D" or
    "x *= 2" may say yes; then the exact check runs, and costs only time)."""
    return all(
        any(
            m.start() == 0 or text[m.start() - 1] in " \t\r\n[{,-:?" for m in pattern.finditer(text)
        )
        for pattern in (_ANCHOR, _ALIAS)
    )


def _escaped_control(data: Any) -> tuple[tuple[str | int, ...], str, bool] | None:
    """The first text (value or key) holding a control character: a NUL in a path, an
    escape sequence for the terminal. The raw text was checked, so only an escape such as
    ``"\\0"`` or ``"\\e"`` in a quoted scalar can put one there."""
    stack: list[tuple[Any, tuple[Any, ...], bool]] = [(data, (), False)]
    while stack:
        item, where, is_key = stack.pop()
        if isinstance(item, str):
            found = _CONTROL.search(item)
            if found:
                return where, found.group(), is_key
        elif isinstance(item, dict):
            for key, value in reversed(item.items()):
                stack.append((value, (*where, key), False))
                stack.append((key, (*where, key), True))
        elif isinstance(item, list):
            stack.extend(
                (value, (*where, index), False) for index, value in reversed(list(enumerate(item)))
            )
    return None


def _alias_expansion(path: str, text: str) -> Diagnostic | None:
    """E007 when aliases would expand past MAX_EXPANDED_CHARS, found without expanding:
    PyYAML's event stream (C, no values built) gives each anchored value's size once,
    and an alias adds that size. Linear in the text, and it stops at the limit.

    yaml-rs is only asked after this says yes. If PyYAML cannot read the text (it reads
    YAML 1.1, and without its C library it refuses more, such as "?" in a flow mapping's
    text), the expansion cannot be measured, so a file with aliases is refused and told
    why (fail closed).
    """
    sizes: dict[str, int] = {}
    opened: list[tuple[str | None, int]] = []  # (anchor, total when it started)
    total = 0
    first_alias: yaml.Mark | None = None
    try:
        for event in yaml.parse(text, Loader=_COMPOSER):
            if isinstance(event, yaml.AliasEvent):
                total += sizes.get(event.anchor or "", 1)
                first_alias = first_alias or event.start_mark
            elif isinstance(event, yaml.ScalarEvent):
                total += len(event.value) + 1
                if event.anchor:
                    sizes[event.anchor] = len(event.value) + 1
            elif isinstance(event, yaml.CollectionStartEvent):
                opened.append((event.anchor, total))
                total += 1
            elif isinstance(event, yaml.CollectionEndEvent) and opened:
                anchor, start = opened.pop()
                if anchor:
                    sizes[anchor] = total - start
            if total > MAX_EXPANDED_CHARS:
                mark = first_alias or event.start_mark  # where E007 always points
                return Diagnostic(
                    "E007",
                    "aliases expand to more than "
                    f"{MAX_EXPANDED_CHARS // (1024 * 1024)} MiB of data; write the repeated "
                    "part out instead",
                    path,
                    mark.line + 1,
                    mark.column + 1,
                )
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or "invalid YAML"
        return Diagnostic(
            "E007",
            "this file uses aliases, and what they expand to cannot be measured: the "
            f"checker cannot read it here ({reason}); write the repeated part out instead, "
            "or put this text in quotes",
            path,
            *((mark.line + 1, mark.column + 1) if mark is not None else (1, 1)),
        )
    return None


def _complex_key_position(text: str) -> tuple[int, int]:
    """Where the first key that is a list or mapping starts."""
    try:
        stack = [yaml.compose(text, Loader=_COMPOSER)]
    except yaml.YAMLError:
        return 1, 1
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    return key.start_mark.line + 1, key.start_mark.column + 1
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return 1, 1


def _is_multi(text: str) -> bool:
    try:
        return sum(1 for _ in yaml.compose_all(text, Loader=_COMPOSER)) > 1
    except yaml.YAMLError:
        return False


def _second_document(text: str) -> tuple[int, int]:
    starts = [m.start() for m in re.finditer(r"^---", text, re.M)]
    content_before_first = bool(starts) and text[: starts[0]].strip(" \n#") != ""
    index = starts[0] if content_before_first else (starts[1] if len(starts) > 1 else 0)
    return _line_column(text, index)


def _deepest_line(document: YamlDocument) -> tuple[int, int]:
    """Where the nesting first goes past MAX_NESTING: the collection that does, found on
    the composed nodes, so that nesting in flow style (``[[[...]]]`` on one line) is
    pointed at too. Indentation is the fallback when the text cannot be composed."""
    root = document.root_node()
    stack: list[tuple[yaml.Node, int]] = [] if root is None else [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            return node.start_mark.line + 1, node.start_mark.column + 1
        children = (
            [value for _, value in node.value]
            if isinstance(node, yaml.MappingNode)
            else node.value
            if isinstance(node, yaml.SequenceNode)
            else []
        )
        stack.extend(
            (child, depth + 1)
            for child in reversed(children)
            if isinstance(child, (yaml.MappingNode, yaml.SequenceNode))
        )
    lines = document.text.splitlines()
    deepest = max(
        range(len(lines)), key=lambda i: len(lines[i]) - len(lines[i].lstrip()), default=0
    )
    return deepest + 1, 1


def read_data(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """A file's data without positions or diagnostics (for menus and listings), None when
    it cannot be read; with the limits that keep an untrusted file from hanging the caller
    or filling the memory (a regular file, its size, what its aliases expand to)."""
    raw = read_regular(path, max_bytes)
    if isinstance(raw, str) or len(raw) > max_bytes:
        return None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
        if _may_expand(text) and _alias_expansion(str(path), text):
            return None
        return yaml_rs.loads(text, parse_datetime=False, alias_limits=ALIAS_LIMITS)
    except (UnicodeDecodeError, yaml_rs.YAMLDecodeError, ValueError, TypeError, RecursionError):
        return None


def read_file(
    path: Path, max_bytes: int = MAX_FILE_BYTES
) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """Read and parse one file with every safety limit applied."""
    name = str(path)
    raw = read_regular(path, max_bytes)
    if isinstance(raw, str):
        return None, [Diagnostic("E001", f"cannot read the file: {raw}", name)]
    if len(raw) > max_bytes:
        return None, [
            Diagnostic("E002", f"the file is larger than {max_bytes // (1024 * 1024)} MiB", name)
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        prefix = raw[: error.start].decode("utf-8", "replace")
        line, column = _line_column(prefix, len(prefix))
        return None, [
            Diagnostic(
                "E003",
                f"byte 0x{raw[error.start]:02X} is not valid UTF-8; save the file as UTF-8",
                name,
                line,
                column,
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    return parse_text(text, name)
