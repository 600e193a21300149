"""Reading a story file from disk, with the limits an untrusted file needs.

The file must be a regular file (a named pipe or a device could block or never end)
of at most MAX_STORY_BYTES, in UTF-8, and hold a Twine story: Twee 3, or Twine 2 HTML
(an archive or a published story). Problems come back as a message for the person at
the terminal, never as an exception.
"""

from __future__ import annotations

from pathlib import Path

from simulator.regular_files import read_regular
from simulator.twine.archive import looks_like_html_story, read_html
from simulator.twine.story import Story
from simulator.twine.twee import looks_like_twee, read_twee

#: A published story carries its story format's code (a few hundred kB); a story itself
#: is far smaller. Larger files are refused before they are read in full.
MAX_STORY_BYTES = 5 * 1024 * 1024


def read_story(path: Path, story_name: str | None = None) -> Story | str:
    """The story in the file, or a message saying why there is none."""
    raw = read_regular(path, MAX_STORY_BYTES)
    if isinstance(raw, str):
        return f"cannot read {path}: {raw}"
    if len(raw) > MAX_STORY_BYTES:
        return f"{path} is larger than {MAX_STORY_BYTES // (1024 * 1024)} MiB"
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        return f"{path} is not UTF-8 text (byte {error.start}); save it as UTF-8"
    if looks_like_html_story(text):
        story = read_html(text, story_name)
        if story is None:
            return f"{path} holds no Twine story called '{story_name}'"
        return story
    if story_name is not None:
        return f"--story picks a story from Twine 2 HTML, and {path} is not Twine 2 HTML"
    if looks_like_twee(text):
        return read_twee(text)
    return (
        f"{path} is not a Twine story: neither Twee 3 (passages starting with '::') "
        "nor Twine 2 HTML (a <tw-storydata> element)"
    )
