"""Reading Twine 2 HTML: a published story, or an archive of the whole library.

Both keep each story in a ``<tw-storydata name=.. startnode=.. format=..>`` element,
holding one ``<tw-passagedata pid=.. name=.. tags=..>`` per passage whose text is
HTML-escaped. A published file also carries the story format's own script; the
standard library's parser reads a script's content as opaque text, so an element name
written inside it is never mistaken for a story.
"""

from __future__ import annotations

from html.parser import HTMLParser

from simulator.twine.story import Passage, Story


def looks_like_html_story(text: str) -> bool:
    return "<tw-storydata" in text.lower()


class _StoryCollector(HTMLParser):
    """Collects every story element and its passages, in the order of the file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stories: list[tuple[dict[str, str], list[tuple[dict[str, str], str]]]] = []
        self._passage: dict[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "tw-storydata":
            self.stories.append((attributes, []))
        elif tag == "tw-passagedata" and self.stories:
            self._passage, self._text = attributes, []
        elif self._passage is not None:  # markup written into a passage as it is
            self._text.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tw-passagedata" and self._passage is not None:
            self.stories[-1][1].append((self._passage, "".join(self._text)))
            self._passage = None
        elif self._passage is not None:
            self._text.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._passage is not None:
            self._text.append(data)

    def finish(self) -> None:
        """Read what is left; a file cut off inside a passage keeps the passage."""
        self.close()
        if self._passage is not None:
            self.handle_endtag("tw-passagedata")


def read_html(text: str, wanted: str | None = None) -> Story | None:
    """The story named ``wanted`` (or the first) in a Twine 2 HTML file, with the names
    of the others; None when there is no such story."""
    collector = _StoryCollector()
    collector.feed(text)
    collector.finish()
    names = [attributes.get("name", "") for attributes, _ in collector.stories]
    index = names.index(wanted) if wanted in names else (0 if wanted is None else -1)
    if index < 0 or not collector.stories:
        return None
    attributes, found = collector.stories[index]
    passages = tuple(
        Passage(
            name=passage.get("name", "").strip(),
            text=content.replace("\r\n", "\n").rstrip(),
            tags=tuple(passage.get("tags", "").split()),
            pid=passage.get("pid"),
        )
        for passage, content in found
    )
    start_pid = attributes.get("startnode")
    start = next((p.name for p in passages if start_pid and p.pid == start_pid), None)
    return Story(
        title=attributes.get("name", "").strip(),
        passages=passages,
        start=start,
        story_format=attributes.get("format", ""),
        others=tuple(name for position, name in enumerate(names) if position != index),
    )
