"""`python -m simulator translate SCENARIO --lang CODE [-o FILE]`: start or continue a
translation of an existing scenario.

A translator works section by section, so the command writes every key the translation
does not have yet, in the scenario's order, each with an empty text and the source text
in a comment above it. Whatever the file already holds stays exactly as it was (the
new keys are only inserted), so it can be run again after every change to the scenario.
An empty key counts as not translated: the game shows the source text until it is filled.

The module needs nothing from simulator/cli.py, which only registers the command; the
exit codes are the ones that file documents.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.exit_codes import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,  # noqa: F401 (the codes it ends with, for tests)
    say,
    show,
    usage_error,
)
from simulator.library import resolve_scenario, unknown_scenario
from simulator.scenario.diagnostics import Diagnostic, printable

# The command line imports this module to register the command, and starts fast because
# it imports the YAML parser and the format's models (pydantic) only when a command needs
# them: this module imports them inside the functions that use them.
if TYPE_CHECKING:
    import yaml


LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")  # as the format's LanguageCode
#: Where a source text in a comment is wrapped, so that long paragraphs stay readable.
COMMENT_WIDTH = 88
#: A line break as YAML counts them (so that line numbers agree with PyYAML's marks).
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def add_translate_command(subparsers: Any) -> None:
    """Register `translate` on the command line's subcommands."""
    parser = subparsers.add_parser(
        "translate",
        help="write or update a translation stub for a scenario",
        description="Write every text of the scenario that the translation does not have "
        "yet, with its source text above it; what is already translated stays as it is.",
    )
    parser.add_argument("scenario", metavar="PATH_OR_ID", help="a scenario file or bundled id")
    parser.add_argument("--lang", required=True, metavar="CODE", help="the language, e.g. hu")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="the translation file (default: NAME.CODE.yaml beside the scenario, "
        "where the game looks for it)",
    )
    parser.set_defaults(handler=command_translate)


def command_translate(arguments: argparse.Namespace) -> int:
    """Write or update the translation file; 0 when it is written and has no errors."""
    from simulator.scenario.i18n import translatable_texts
    from simulator.scenario.loader import load_scenario

    source = resolve_scenario(arguments.scenario)
    if source is None:
        return usage_error(unknown_scenario(arguments.scenario))
    language = arguments.lang
    if not LANGUAGE.fullmatch(language):
        return usage_error(
            f"--lang takes a language code such as hu or pt-BR, not '{printable(language)}'"
        )
    loaded = load_scenario(source)
    if loaded.scenario is None:
        show(loaded.diagnostics, sys.stderr)
        return EXIT_INVALID
    if language == loaded.scenario.model.language:
        return usage_error(f"'{loaded.scenario.id}' is written in '{language}' already")
    stem = source.name.rsplit(".", 1)[0]
    output = Path(arguments.output or source.with_name(f"{stem}.{language}.yaml"))
    if not output.parent.is_dir():
        return usage_error(f"no such folder: {output.parent}")
    translates = _relative(source, output.parent)
    if translates is None:
        return usage_error(
            f"{output} cannot point at {source}: a translation sits in the scenario's folder "
            "or in a folder above it"
        )
    texts = {
        key: text
        for key, (text, _) in translatable_texts(
            loaded.scenario.model, dict(loaded.scenario.characters)
        ).items()
    }
    if output.exists():
        text, code = _existing(output, source, language)
        if text is None:
            return code
    else:
        text = _header(source.name, translates, language, output.name)
    try:
        updated, added = with_missing_keys(text, texts)
    except ValueError as error:
        say(f"{output}: {error}")
        return EXIT_INVALID
    if added or not output.exists():
        output.write_text(updated, encoding="utf-8", newline="")  # keeps its line ends
    return _report(output, added, texts)


def with_missing_keys(text: str, texts: dict[str, str]) -> tuple[str, int]:
    """A translation file's text with an empty entry, its source text in a comment above
    it, for every key of ``texts`` (key -> source text, in the scenario's order) that
    its `strings` do not have; and how many were added. Only inserts: every character
    already there stays. Raises ValueError where `strings` cannot take a new line."""
    import yaml

    newline = "\r\n" if "\r\n" in text else "\n"
    root = yaml.compose(text, Loader=yaml.SafeLoader) if text.strip() else None
    strings = _strings_node(root)
    if strings is None:  # a new file: the header ends with "strings:"
        blocks = [_entry(key, source, 2, newline) for key, source in texts.items()]
        body = "".join(blocks)
        return (text if text.endswith(newline) else text + newline) + body, len(blocks)
    if strings.flow_style:
        if strings.value:
            raise ValueError("its 'strings' are written in braces; write them one per line")
        start, end = strings.start_mark.index, strings.end_mark.index
        start = len(text[:start].rstrip(" "))  # "strings: {}" becomes "strings:"
        body = "".join(_entry(key, source, 2, newline) for key, source in texts.items())
        return text[:start] + newline + body.rstrip("\r\n") + text[end:], len(texts)
    present = {key.value: value for key, value in strings.value}
    indent = strings.value[0][0].start_mark.column
    starts = _line_starts(text)
    insertions: dict[int, list[str]] = {}
    before_first = _line_start(starts, strings.value[0][0].start_mark.line)
    anchor = before_first
    for key, source in texts.items():
        if key in present:
            anchor = _after(text, starts, present[key])
            continue
        insertions.setdefault(anchor, []).append(_entry(key, source, indent, newline))
    added = sum(len(blocks) for blocks in insertions.values())
    for position in sorted(insertions, reverse=True):
        block = "".join(insertions[position])
        if position == len(text) and text and not text.endswith(("\n", "\r")):
            block = newline + block.rstrip("\r\n")
        text = text[:position] + block + text[position:]
    return text, added


def _strings_node(root: yaml.Node | None) -> yaml.MappingNode | None:
    import yaml

    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if key.value == "strings" and isinstance(value, yaml.MappingNode):
            return value
    return None


def _line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]


def _line_start(starts: list[int], line: int) -> int:
    return starts[line] if line < len(starts) else starts[-1]


def _after(text: str, starts: list[int], value: yaml.Node) -> int:
    """Where a line after this entry's value starts (a comment on its last line stays
    with it; blank lines that a block text swallowed do not)."""
    mark = value.end_mark
    last = mark.line
    if mark.column == 0 and last > value.start_mark.line:  # a block text ends a line early
        last -= 1
        while last > value.start_mark.line and not _line(text, starts, last).strip():
            last -= 1
    return starts[last + 1] if last + 1 < len(starts) else len(text)


def _line(text: str, starts: list[int], line: int) -> str:
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    return text[starts[line] : end]


def _entry(key: str, source: str, indent: int, newline: str) -> str:
    """One untranslated key: the source text as comment lines, then the empty text."""
    pad = " " * indent
    lines: list[str] = []
    for paragraph in source.splitlines() or [""]:  # every YAML line break, and more
        shown = printable(paragraph)  # a control character would read differently
        lines += textwrap.wrap(shown, COMMENT_WIDTH - indent - 2) or [""]
    comment = "".join(f"{pad}# {line}".rstrip() + newline for line in lines)
    return f'{comment}{pad}{key}: ""{newline}'


def _header(scenario_name: str, translates: str, language: str, name: str) -> str:
    return (
        f"# The '{language}' translation of {scenario_name}, written in steps: above each\n"
        "# key is the text it translates. A key left empty shows that text until it is\n"
        f"# filled. Check it with: python -m simulator validate {name}\n"
        f"format: 1\nkind: translation\ntranslates: {translates}\nlanguage: {language}\n"
        "strings:\n"
    )


def _relative(source: Path, folder: Path) -> str | None:
    """The scenario's path as a translation in ``folder`` names it, or None when the
    scenario is outside that folder (a translation may not point out of its folder)."""
    from simulator.scenario.loader import resolve_inside

    try:
        relative = source.resolve().relative_to(folder.resolve())
    except ValueError:
        return None
    if not isinstance(resolve_inside(folder, relative.as_posix()), Path):
        return None
    return relative.as_posix()


def _existing(output: Path, source: Path, language: str) -> tuple[str | None, int]:
    """The text of an existing translation of this scenario into this language, or None
    and the exit code after saying why it cannot be updated."""
    from simulator.scenario.loader import load_document, resolve_inside
    from simulator.scenario.model import Translation

    document, _, model, problems = load_document(output)
    if document is None or not isinstance(model, Translation):
        show(problems or [Diagnostic("E012", "not a translation file", str(output))], sys.stderr)
        return None, EXIT_INVALID
    if model.language != language:
        return None, usage_error(f"{output} is a '{model.language}' translation, not '{language}'")
    target = resolve_inside(output.parent, model.translates)
    if not isinstance(target, Path) or target.resolve() != source.resolve():
        return None, usage_error(f"{output} translates '{model.translates}', not {source}")
    return document.text, EXIT_OK


def _report(output: Path, added: int, texts: dict[str, str]) -> int:
    """Say what was written and what is left; errors the file still has (a stale key, a
    text with other names in braces) are shown and make the exit code 1."""
    from simulator.scenario.i18n import untranslated
    from simulator.scenario.loader import load_document
    from simulator.scenario.model import Translation
    from simulator.scenario.translations import check_translation

    document, _, model, problems = load_document(output)
    left = len(texts)
    if isinstance(model, Translation):
        problems = check_translation(output, model, document).diagnostics
        left = len(untranslated(texts, model.strings))
    done = len(texts) - left
    print(
        printable(
            f"{output}: added {added} key{'s' * (added != 1)}; "
            f"{done} of {len(texts)} texts translated, {left} to go"
        )
    )
    shown = [d for d in problems if d.code != "W402"]  # the count above says it
    show(shown, sys.stdout)
    return EXIT_INVALID if any(d.is_error for d in shown) else EXIT_OK
