"""What a long analysis says while it works: a status line on a terminal.

A search of a large scenario takes seconds, and a folder of them longer; a command
that prints nothing for that long looks stuck. The analysis reports its counts
(states searched, playthroughs made, scenarios done) to a ``Progress``; the terminal
one redraws a single line of standard error in place and wipes it before a report is
printed. Into a pipe or a log it writes nothing, so scripts read only the reports.
"""

from __future__ import annotations

import sys
from typing import Protocol, TextIO

#: How many new states the search finds between two reports of its count.
STATES_PER_REPORT = 1 << 14


class Progress(Protocol):
    def searched(self, states: int) -> None:
        """The search has found this many states so far."""

    def played(self, done: int, total: int) -> None:
        """Random playthroughs stand in for the search: ``done`` of ``total`` made."""

    def waiting(self, done: int, total: int, states: int) -> None:
        """Scenarios analysed side by side: ``done`` of ``total`` finished, and their
        searches, finished or under way, have found ``states`` states between them."""

    def clear(self) -> None:
        """Wipe what is shown, before a report is printed."""


class TerminalProgress:
    """One line of standard error, redrawn in place; silent unless it is a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        try:
            self.shown = self.stream.isatty()
        except (AttributeError, ValueError):  # replaced by an object without one, or closed
            self.shown = False
        self.width = 0  # of the line on screen now

    def searched(self, states: int) -> None:
        self._draw(f"  searching: {states:,} states")

    def played(self, done: int, total: int) -> None:
        if done % max(1, total // 50) == 0 or done == total:
            bar = "#" * round(30 * done / total)
            self._draw(f"  random playthroughs [{bar.ljust(30, '.')}] {done}/{total}")

    def waiting(self, done: int, total: int, states: int) -> None:
        searched = f"; {states:,} states searched" if states else ""
        self._draw(f"  {done} of {total} scenarios analysed{searched}")

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0

    def _draw(self, text: str) -> None:
        if not self.shown:
            return
        shown, self.width = text.ljust(self.width), len(text)  # first: a Ctrl-C may come
        self.stream.write("\r" + shown)  # while it is written, and clear() must wipe it
        self.stream.flush()
