"""Values written into the text a trainee reads: "you've kept him waiting until {time}".

A name in braces is replaced, as the text is shown, by that value of the play:
a declared variable, a meter, or the clock (``{time}`` as 19:30, ``{day}`` as the
day's name where the scenario names its days). ``{{`` and ``}}`` write a brace.
The validator checks every name against the scenario's declarations; filling
never fails, so a name it does not know (in a translation, say) stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

_FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def names_in(text: str) -> Iterator[tuple[str, int]]:
    """Each name written in braces, with where it starts in the text."""
    if "{" not in text:
        return
    for match in _FIELD.finditer(text):
        if match.group(1):
            yield match.group(1), match.start()


def fill(
    text: str,
    values: Mapping[str, Any],
    day_names: Sequence[str] = (),
    decimal_point: str = ".",
) -> str:
    """The text with each name in braces replaced by its value in the play, numbers
    written as the text's language writes them (7,5 in Hungarian)."""
    if "{" not in text and "}" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]  # {{ or }}: one brace
        if name not in values:
            return match.group(0)
        return _shown(name, values[name], day_names, decimal_point)

    return _FIELD.sub(value, text)


def _shown(name: str, value: Any, day_names: Sequence[str], decimal_point: str) -> str:
    if name == "time" and isinstance(value, int):
        return f"{value // 60 % 24:02d}:{value % 60:02d}"
    if name == "day" and isinstance(value, int) and day_names:
        return day_names[(value - 1) % len(day_names)]
    if isinstance(value, float):
        return f"{value:g}".replace(".", decimal_point)
    return str(value)
