"""`python -m simulator import STORY -o SCENARIO.yaml [--id ID] [--story NAME] [--force]`:
turn a Twine story (Twee 3, a Twine 2 archive or a published story) into a scenario.

Instructional designers sketch branching scenarios in Twine; this carries the sketch
over, writes it, validates it with the same loader as `validate`, and lists every
piece of the story that did not come through, as ``FILE:passage NAME: warning CODE:``,
so nothing is lost without a word. The conventions are in docs/twine-import.md.

Exit codes (simulator/exit_codes.py): 0 written and valid (notes are warnings), 1
written but the scenario has errors, 2 usage (no such file, not a Twine story, an
output that exists without --force, an --id that is not one).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from simulator.exit_codes import EXIT_INVALID, EXIT_OK, show, usage_error

#: How many notes of one code are listed: a hostile or broken story can repeat one
#: problem thousands of times, and a list that long helps no one (as ``capped`` does for
#: the validator's diagnostics).
MAX_NOTES_PER_CODE = 100
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")  # as the format's Identifier


def add_import_command(subparsers: Any) -> None:
    """Register `import` on the command line's subcommands."""
    parser = subparsers.add_parser(
        "import",
        help="turn a Twine story (Twee 3, archive or published HTML) into a scenario",
        description="Convert a Twine story into a scenario file, validate it, and list "
        "what could not be carried over (docs/twine-import.md).",
    )
    parser.add_argument("story", metavar="STORY", help="a .twee/.tw file or Twine 2 .html")
    parser.add_argument(
        "-o", "--output", required=True, metavar="SCENARIO.yaml", help="the scenario file to write"
    )
    parser.add_argument("--id", help="the scenario's id (default: from the output's name)")
    parser.add_argument("--story", dest="story_name", metavar="NAME", help=(
        "the story to import from a Twine archive holding several (default: the first)"
    ))  # fmt: skip
    parser.add_argument("--force", action="store_true", help="overwrite the output file")
    parser.set_defaults(handler=command_import)


def command_import(arguments: argparse.Namespace) -> int:
    """Convert, write, validate and report; see the module's docstring for exit codes."""
    from simulator.scenario.diagnostics import printable
    from simulator.scenario.loader import load_scenario
    from simulator.twine.convert import NoPassages, convert
    from simulator.twine.naming import slug
    from simulator.twine.source import read_story
    from simulator.twine.writer import scenario_yaml

    source, output = Path(arguments.story), Path(arguments.output)
    if not source.exists():
        return usage_error(f"no such file: {source}")
    if output.exists() and not arguments.force:
        return usage_error(f"{output} exists; add --force to overwrite it")
    if not output.parent.is_dir():
        return usage_error(f"no such folder: {output.parent}")
    scenario_id = arguments.id or slug(output.name.split(".")[0], "imported")
    if not ID.match(scenario_id):
        return usage_error(
            "--id takes letters, digits, '-', '_' and '.', starting with a letter or digit"
        )
    story = read_story(source, arguments.story_name)
    if isinstance(story, str):
        return usage_error(story)
    try:
        conversion = convert(story, scenario_id)
    except NoPassages:
        return usage_error(f"{source} is a Twine story without a passage to import")
    text = scenario_yaml(
        conversion.document, source.name, output.name, conversion.defaults, story.story_format
    )
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        return usage_error(f"cannot write {output}: {error.strerror or error}")
    shown: Counter[str] = Counter()
    for note in conversion.notes:
        shown[note.code] += 1
        if shown[note.code] <= MAX_NOTES_PER_CODE:
            print(note.format(str(source)))
    for code, count in shown.items():
        if count > MAX_NOTES_PER_CODE:
            print(f"{count - MAX_NOTES_PER_CODE:,} more {code} like the above are not shown")
    loaded = load_scenario(output)
    show(loaded.diagnostics)
    errors = sum(d.is_error for d in loaded.diagnostics)
    warnings = len(loaded.diagnostics) - errors
    nodes = len(conversion.document["nodes"])
    print(
        printable(
            f"wrote {output}: {nodes} node{'s' * (nodes != 1)}; {len(conversion.notes)} "
            f"not carried over; {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}"
        ),
        file=sys.stderr,
    )
    return EXIT_INVALID if errors else EXIT_OK
