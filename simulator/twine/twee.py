"""Reading Twee 3, the text form of a Twine story.

A passage starts with a header line, ``:: Name [tag another] {"position":"10,20"}``,
and runs until the next header. ``StoryTitle`` holds the story's name and ``StoryData``
a JSON object whose ``start`` names the first passage and ``format`` the story format.
In names and tags, a backslash takes the next character literally (``\\[`` is ``[``);
a content line that has to begin with ``::`` is written ``\\::``.
"""

from __future__ import annotations

import json
import re

from simulator.twine.story import Passage, Story

_HEADER = re.compile(r"^::(?!:)")
_ESCAPE = re.compile(r"\\(.)")


def looks_like_twee(text: str) -> bool:
    """Whether the text has a passage header at the start of some line."""
    return re.search(r"(?m)^::[^:\r\n]", text) is not None


def read_twee(text: str) -> Story:
    """The story a Twee 3 text holds (the caller checked it ``looks_like_twee``)."""
    title = ""
    data: dict[str, object] = {}
    passages: list[Passage] = []
    header: str | None = None
    body: list[str] = []
    for line in [*text.splitlines(), ":: "]:  # a last header closes the last passage
        if not _HEADER.match(line):
            body.append(line[1:] if line.startswith("\\::") else line)
            continue
        if header is not None:
            name, tags = parse_header(header)
            content = "\n".join(body).rstrip()
            if name == "StoryTitle":
                title = content.strip()
            elif name == "StoryData":
                data = _story_data(content)
            elif name:
                passages.append(Passage(name, content, tags))
        header, body = line[2:], []
    start = data.get("start")
    story_format = data.get("format")
    return Story(
        title=title,
        passages=tuple(passages),
        start=start if isinstance(start, str) else None,
        story_format=story_format if isinstance(story_format, str) else "",
    )


def parse_header(header: str) -> tuple[str, tuple[str, ...]]:
    """The passage name and tags of a header (without its ``::``); the metadata block
    (the passage's place on Twine's map) is not needed and is skipped."""
    name_end = _unescaped(header, "[{")
    name = _unescape(header[:name_end]).strip()
    rest = header[name_end:]
    tags: tuple[str, ...] = ()
    if rest.startswith("["):
        close = _unescaped(rest, "]")
        tags = tuple(_unescape(tag) for tag in rest[1:close].split())
    return name, tags


def _unescaped(text: str, stops: str) -> int:
    """Where the first of ``stops`` not escaped with a backslash is, or the end."""
    index = 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] in stops:
            return index
        index += 1
    return len(text)


def _unescape(text: str) -> str:
    return _ESCAPE.sub(r"\1", text)


def _story_data(content: str) -> dict[str, object]:
    """StoryData's JSON object; a broken one counts as empty, as the Twee 3 spec asks
    (the start passage then falls back to "Start", and the importer says so)."""
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}
