"""Writing the converted scenario as YAML a trainer can read and finish.

The document is written part by part, in the order docs/scenario-format.md describes
them, each part that the importer filled with defaults under a comment saying what to
change. PyYAML writes the values, so quoting is always right; nothing it writes is
a tag or an alias.
"""

from __future__ import annotations

from typing import Any

import yaml

from simulator.scenario.diagnostics import printable

#: Comments above the parts the importer could not take from the story.
ADVICE = {
    "lessons": (
        "Lessons: none came from the story. Add a passage tagged 'lessons' (one 'id: Title'\n"
        "# paragraph each, the debrief below) and tag passages 'lesson:ID', or write them\n"
        "# here and link choices to them with 'lesson: ID'."
    ),
    "characters": (
        "Characters: a placeholder. Add a passage tagged 'characters' ('Name (role):\n"
        "# description', one a line) so that 'Name: text' becomes that person's line."
    ),
    "meters": (
        "Meters: $satisfaction and $cost in the story. Check the start values, the\n"
        "# labels, and whether cost is money or staff hours (unit: hours)."
    ),
    "scoring": (
        "Scoring: defaults. Set the satisfaction and cost a good play ends with (target)\n"
        "# and the cost at which the cost part reaches zero (cost_limit); see docs/scoring.md."
    ),
}
_ORDER = ("lessons", "characters", "meters", "variables", "start", "nodes", "scoring")


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)


def scenario_yaml(
    document: dict[str, Any], source: str, output: str, defaults: set[str], story_format: str = ""
) -> str:
    """The whole file: a header naming the story it came from (and its story format,
    whose markup was read), then each part."""
    head = {key: value for key, value in document.items() if key not in _ORDER}
    written_in = f" ({story_format})" if story_format else ""
    # A name cannot end the comment: control characters (a newline) are shown escaped.
    source, output, written_in = printable(source), printable(output), printable(written_in)
    parts = [
        f"# Imported from the Twine story {source}{written_in} by 'python -m simulator "
        "import'.\n"
        f"# Check it with: python -m simulator validate {output}\n"
        "# The conventions, and what to edit next: docs/twine-import.md\n",
        _dump(head),
    ]
    for key in _ORDER:
        if key not in document:
            continue
        advice = f"# {ADVICE[key]}\n" if key in defaults else ""
        parts.append(f"\n{advice}{_dump({key: document[key]})}")
    return "".join(parts)
