"""A Twine story as the readers find it, whatever file it came from, and the notes the
importer makes about what it could not carry over.

Twee 3 files and Twine 2 HTML hold the same data (passages with names, tags and text,
and a few story-wide settings), so both readers produce these values and the conversion
never needs to know which file it was given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.scenario.diagnostics import printable

#: The importer's codes: each says what could not be carried over into the scenario.
#: They are warnings: the scenario is written all the same, and the trainer decides.
NOTE_CODES: dict[str, str] = {
    "T801": "markup not carried over",
    "T802": "expression not carried over",
    "T803": "link to a missing passage",
    "T804": "passage made an ending",
    "T805": "passage left out",
    "T806": "link in an ending dropped",
    "T807": "start passage not found",
    "T808": "variable renamed",
    "T809": "other stories not imported",
}


@dataclass(frozen=True)
class Passage:
    name: str
    text: str
    tags: tuple[str, ...] = ()
    pid: str | None = None


@dataclass(frozen=True)
class Story:
    """What the conversion needs from a Twine story. ``start`` is the start passage's
    name as the file gives it (StoryData's ``start`` or the passage whose pid is the
    ``startnode``), or None when the file names none."""

    title: str
    passages: tuple[Passage, ...]
    start: str | None = None
    story_format: str = ""
    others: tuple[str, ...] = field(default=())  # further stories in an archive


@dataclass(frozen=True)
class Note:
    """Something in one passage (or the story, when ``passage`` is empty) that the
    scenario does not hold; ``message`` says what, and what to do instead."""

    code: str
    passage: str
    message: str

    def format(self, file: str) -> str:
        """One line for a terminal, as ``FILE:passage NAME: warning CODE: message``; it
        quotes an untrusted file, so control characters are shown escaped."""
        where = f"{file}:passage {self.passage}" if self.passage else file
        return printable(f"{where}: warning {self.code}: {self.message}")
