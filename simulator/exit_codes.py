"""How every command ends: its exit code (docs/command-line.md lists them) and the one
way it speaks to the person at the terminal. Commands that live in their own modules
(``translate``, ``guide``) use these too, so that all of them answer alike."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.scenario.diagnostics import Diagnostic

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_NO_DISPLAY = 4
EXIT_NOT_RECORDED = 5


def say(message: str) -> None:
    """A message on stderr; its text may come from a scenario or a store, so control
    characters are shown, never obeyed."""
    from simulator.scenario.diagnostics import printable  # only when there is something

    print(f"simulator: {printable(message, lines=True)}", file=sys.stderr)


def usage_error(message: str) -> int:
    """Say what to give instead, and end as a usage error."""
    say(message)
    return EXIT_USAGE


def show(diagnostics: list[Diagnostic], stream: Any = None) -> None:
    """Each diagnostic on a line of its own (``format`` escapes what it quotes), on
    stdout unless a stream is given."""
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=stream or sys.stdout)
