"""Twee 3 and Twine 2 HTML give the same story."""

from __future__ import annotations

from pathlib import Path

from simulator.twine.archive import read_html
from simulator.twine.source import MAX_STORY_BYTES, read_story
from simulator.twine.story import Passage
from simulator.twine.twee import parse_header, read_twee

FIXTURE = Path(__file__).parent / "fixtures" / "published.html"


def test_twee_headers_with_tags_metadata_and_escapes() -> None:
    assert parse_header(' Desk [ending  lost] {"position":"10,20"}') == ("Desk", ("ending", "lost"))
    assert parse_header(r" Odd \[name\] \{x\} [t\]ag]") == ("Odd [name] {x}", ("t]ag",))
    assert parse_header(" Plain") == ("Plain", ())


def test_twee_story_title_data_and_passages() -> None:
    story = read_twee(
        "Anything before the first passage is ignored.\n"
        ":: StoryTitle\nThe leaking blender\n\n"
        ':: StoryData\n{"ifid": "A", "format": "SugarCube", "start": "Desk"}\n\n'
        ":: Desk [busy]\nHello.\n\\:: not a header\n\n\n"
        ":: End\nBye.\n"
    )
    assert story.title == "The leaking blender"
    assert (story.start, story.story_format) == ("Desk", "SugarCube")
    assert story.passages == (
        Passage("Desk", "Hello.\n:: not a header", ("busy",)),
        Passage("End", "Bye."),
    )


def test_broken_story_data_counts_as_none() -> None:
    story = read_twee(":: StoryData\n{not json\n\n:: Start\nx\n")
    assert story.start is None and story.passages == (Passage("Start", "x"),)


def test_published_html_is_read_and_unescaped_and_scripts_are_opaque() -> None:
    story = read_story(FIXTURE)
    assert not isinstance(story, str)
    assert story.title == "Wrong size" and story.story_format == "Harlowe"
    assert story.start == "Phone call"  # the passage whose pid is the startnode
    assert [p.name for p in story.passages] == [
        "Notes", "Phone call", "Stock", "Express swap", "Slow return",
    ]  # fmt: skip
    stock = story.passages[2]
    assert "[[Express swap<-Send the right size by courier]]" in stock.text
    assert "<b>Size 44 is in stock.</b>" in stock.text
    assert story.passages[3].tags == ("ending", "balanced")
    assert story.others == ()


def test_an_archive_of_several_stories() -> None:
    archive = (
        '<tw-storydata name="One" startnode="1"><tw-passagedata pid="1" name="A">a'
        "</tw-passagedata></tw-storydata>"
        '<tw-storydata name="Two" startnode="2"><tw-passagedata pid="2" name="B">b'
        "</tw-passagedata></tw-storydata>"
    )
    first = read_html(archive)
    assert first is not None and first.title == "One" and first.others == ("Two",)
    second = read_html(archive, "Two")
    assert second is not None and second.start == "B" and second.others == ("One",)
    assert read_html(archive, "Three") is None


def test_a_file_cut_off_inside_a_passage_keeps_what_it_has() -> None:
    story = read_html('<tw-storydata name="S"><tw-passagedata pid="1" name="A">half a sto')
    assert story is not None and story.passages == (Passage("A", "half a sto", (), "1"),)


def test_files_that_are_not_stories_say_why(tmp_path: Path) -> None:
    cases = {
        "notes.txt": b"Just some notes.\n",
        "latin1.twee": ":: Caf\xe9\nx\n".encode("latin-1"),
        "big.twee": b":: A\n" + b"x" * MAX_STORY_BYTES,
    }
    reasons = {}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        reasons[name] = read_story(tmp_path / name)
    assert "not a Twine story" in str(reasons["notes.txt"])
    assert "not UTF-8" in str(reasons["latin1.twee"])
    assert "larger than 5 MiB" in str(reasons["big.twee"])
    assert "not a regular file" in str(read_story(tmp_path))
    assert "--story" in str(read_story(tmp_path / "notes.txt", "One"))
