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

from simulator.scenario.diagnostics import Diagnostic

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_NESTING = 48
ALIAS_LIMITS = yaml_rs.AliasLimits(
    max_total_replayed_events=200_000,
    max_replay_stack_depth=16,
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
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
            found = _child(node, step)
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


def _child(node: yaml.Node, step: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        match = None
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                match = (key, value)
        return match
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(step, int)
        and 0 <= step < len(node.value)
    ):
        return None, node.value[step]
    return None


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
                "aliases expand to too much data (limit: 200,000 items, 16 levels); "
                "write the repeated part out instead",
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
    return [Diagnostic("E005", f"YAML syntax: {reason}", path, line, column)]


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
    try:
        data = yaml_rs.loads(text, parse_datetime=False, alias_limits=ALIAS_LIMITS)
    except yaml_rs.YAMLDecodeError as error:
        return None, _syntax_diagnostic(path, text, error)
    except RecursionError:
        return None, [Diagnostic("E008", f"nesting is deeper than {MAX_NESTING} levels", path)]
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
    return YamlDocument(path, text, data), []


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
    # Indentation is the cheapest honest pointer to where the nesting runs away.
    lines = document.text.splitlines()
    deepest = max(
        range(len(lines)), key=lambda i: len(lines[i]) - len(lines[i].lstrip()), default=0
    )
    return deepest + 1, 1


def read_file(
    path: Path, max_bytes: int = MAX_FILE_BYTES
) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """Read and parse one file with every safety limit applied."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        return None, [Diagnostic("E001", f"cannot read the file: {error.strerror or error}", name)]
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
