"""A story becomes a scenario that validates, and whatever it cannot hold is reported
with the passage it was in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.scenario.loader import load_scenario
from simulator.twine.convert import Conversion, NoPassages, convert
from simulator.twine.story import Story
from simulator.twine.twee import read_twee
from simulator.twine.writer import scenario_yaml

STORY_DATA = ':: StoryData\n{"ifid": "X", "format": "SugarCube", "start": "Desk"}\n\n'


def imported(body: str, data: str = STORY_DATA) -> Conversion:
    return convert(read_twee(data + body), "imported")


def written(conversion: Conversion, folder: Path) -> Path:
    path = folder / "imported.yaml"
    text = scenario_yaml(conversion.document, "story.twee", path.name, conversion.defaults)
    path.write_text(text, encoding="utf-8")
    return path


def notes(conversion: Conversion) -> list[tuple[str, str]]:
    return [(note.code, note.passage) for note in conversion.notes]


def node(conversion: Conversion, node_id: str) -> dict[str, Any]:
    return conversion.document["nodes"][node_id]


SHOP = """\
:: StoryInit
<<set $satisfaction to 35>><<set $cost to 2>><<set $patience to 3>><<set $warned to false>>

:: Desk
<<set $satisfaction -= 5>>
The customer slaps the receipt on the desk.
[[Listen->Listen]]
[[Refund at once|Refund][$cost += 80]]

:: Listen
<<if $patience gt 2>>She breathes out.<<else>>She glares.<</if>>
<<if not $warned>>[[Warn her about the policy->Refund][$warned to true]]<</if>>
[[Offer a repair->Repair]]

:: Repair [ending balanced]
It works again.

:: Refund [ending over-accommodating]
She is pleased; the shop is not.
"""


def test_a_story_becomes_a_scenario_that_validates(tmp_path: Path) -> None:
    conversion = imported(SHOP)
    loaded = load_scenario(written(conversion, tmp_path))
    assert loaded.ok and not loaded.diagnostics, [d.format() for d in loaded.diagnostics]
    assert conversion.notes == []
    document = conversion.document
    assert document["start"] == "desk"
    assert document["meters"]["satisfaction"]["start"] == 35
    assert document["meters"]["cost"]["start"] == 2
    assert document["variables"] == {
        "patience": {"type": "int", "default": 3},
        "warned": {"type": "bool", "default": False},
    }


def test_passages_become_nodes_and_links_choices() -> None:
    desk = node(imported(SHOP), "desk")
    assert desk["effects"] == ["satisfaction -= 5"]
    assert desk["lines"] == [
        {"id": "desk.l1", "text": "The customer slaps the receipt on the desk."}
    ]
    assert [(c["id"], c["text"], c["next"], c.get("effects")) for c in desk["choices"]] == [
        ("listen", "Listen", "listen", None),
        ("refund-at-once", "Refund at once", "refund", ["cost += 80"]),
    ]


def test_if_blocks_become_conditions_on_lines_and_choices() -> None:
    listen = node(imported(SHOP), "listen")
    assert [(line["text"], line["if"]) for line in listen["lines"]] == [
        ("She breathes out.", "patience > 2"),
        ("She glares.", "not (patience > 2)"),
    ]
    assert [choice.get("if") for choice in listen["choices"]] == ["not warned", None]
    assert listen["choices"][0]["effects"] == ["warned = true"]


def test_else_branches_and_nested_blocks_join_their_conditions() -> None:
    conversion = imported(
        ":: Desk\n<<if $a gt 1>>one<<elseif $a is 1>><<if $b>>both<</if>><<else>>none<</if>>\n"
        "[[End]]\n\n:: End [ending]\nBye.\n"
    )
    assert [(line["text"], line["if"]) for line in node(conversion, "desk")["lines"]] == [
        ("one", "a > 1"),
        ("both", "not (a > 1) and (a == 1) and b"),
        ("none", "not (a > 1) and not (a == 1)"),
    ]


def test_harlowe_sets_and_hooks(tmp_path: Path) -> None:
    conversion = imported(
        ':: Desk\n(set: $mood to "calm")(set: $satisfaction to it + 5)(put: 2 into $tries)\n'
        '(if: $mood is "calm")[She smiles.](else:)[She frowns.]\n(link-goto: "Leave", "End")\n\n'
        ":: End [ending lost]\nShe leaves.\n"
    )
    desk = node(conversion, "desk")
    assert desk["effects"] == ['mood = "calm"', "satisfaction = satisfaction + 5", "tries = 2"]
    assert desk["lines"][0]["if"] == 'mood == "calm"'
    assert conversion.document["variables"]["mood"] == {
        "type": "choice", "values": ["calm"], "default": "calm",
    }  # fmt: skip
    assert load_scenario(written(conversion, tmp_path)).ok


@pytest.mark.parametrize(
    ("tags", "kind"),
    [
        ("[ending]", "other"),
        ("[ending balanced]", "balanced"),
        ("[over-accommodating]", "over-accommodating"),
        ("[lost ending]", "lost"),
        ("[other]", "other"),
    ],
)
def test_tags_mark_endings_and_their_kind(tags: str, kind: str) -> None:
    conversion = imported(f":: Desk\n[[Go->End]]\n\n:: End {tags}\nDone.\n")
    assert node(conversion, "end")["ending"] == {"kind": kind, "title": "End"}
    assert notes(conversion) == []


def test_a_passage_without_links_or_ending_tag_is_reported_and_ends() -> None:
    conversion = imported(":: Desk\n[[Wait]]\n\n:: Wait\nNothing happens.\n")
    assert node(conversion, "wait")["ending"] == {"kind": "other", "title": "Wait"}
    assert notes(conversion) == [("T804", "Wait")]


def test_links_in_an_ending_and_to_missing_passages_are_reported() -> None:
    conversion = imported(":: Desk\n[[Go->End]]\n[[Nowhere]]\n\n:: End [ending]\nDone. [[Desk]]\n")
    assert [c["next"] for c in node(conversion, "desk")["choices"]] == ["end"]
    assert notes(conversion) == [("T803", "Desk"), ("T806", "End")]
    assert "Nowhere" in conversion.notes[0].message


def test_what_cannot_be_carried_is_reported_with_its_passage() -> None:
    conversion = imported(
        ':: Desk\n<<audio "bell" play>><<if $x gt 1>><<set $y to 2>><</if>>'
        "<<if _temp is 1>>hidden<</if>><<set $z to Math.max(1, 2)>><span>Hi</span>\n"
        "[[End]]\n\n:: End [ending]\nDone.\n\n:: Lost\nNo way here.\n\n"
        ":: StoryCaption\nA caption.\n"
    )
    assert notes(conversion) == [
        ("T801", "Desk"),
        ("T802", "Desk"),
        ("T802", "Desk"),
        ("T801", "Desk"),
        ("T805", "Lost"),
        ("T805", "StoryCaption"),
    ]
    formatted = conversion.notes[0].format("story.twee")
    assert formatted.startswith("story.twee:passage Desk: warning T801: ")
    assert "audio" in formatted
    assert "lost" not in conversion.document["nodes"]


def test_types_the_validator_refuses_are_left_out_and_said() -> None:
    conversion = imported(
        ':: Desk\n<<set $m to "calm">><<if $m gt 3>>odd<</if>>\n[[End]]\n\n:: End [ending]\nDone.\n'
    )
    assert "lines" not in node(conversion, "desk")
    assert notes(conversion) == [("T802", "Desk")]


def test_the_start_passage_falls_back_to_start_then_the_first() -> None:
    story = ":: Intro\n[[Start]]\n\n:: Start\n[[Intro]]\n"
    assert convert(read_twee(story), "s").document["start"] == "start"
    first = convert(read_twee(":: Intro\n[[B]]\n\n:: B [ending]\nx\n"), "s")
    assert first.document["start"] == "intro"
    assert notes(first) == [("T807", "")]
    missing = convert(read_twee(':: StoryData\n{"start": "Gone"}\n\n:: Intro\nx\n'), "s")
    assert "Gone" in missing.notes[0].message


def test_ids_are_slugged_unique_and_variables_renamed_when_they_must_be() -> None:
    conversion = imported(
        ":: Desk\n<<set $time to 3>><<set $a_b to 1>>[[Ügyfél hív!]] [[ugyfel hiv]]\n"
        "Waited $time min.\n\n:: Ügyfél hív! [ending]\nx\n\n:: ugyfel hiv [ending]\ny\n"
    )
    assert list(conversion.document["nodes"]) == ["desk", "ugyfel-hiv", "ugyfel-hiv-2"]
    assert node(conversion, "desk")["effects"] == ["twine_time = 3", "a_b = 1"]
    assert node(conversion, "desk")["lines"][0]["text"] == "Waited {twine_time} min."
    assert ("T808", "Desk") in notes(conversion)


def test_cast_lines_and_lesson_tags() -> None:
    conversion = imported(
        ":: Cast [characters]\nMaret (customer): A regular.\nKadri (colleague)\n\n"
        ":: Lessons [lessons]\nlisten: Listen first\nLet her finish.\n\n"
        ":: Desk\nMaret (annoyed): It leaks.\nKadri: I'll check.\nNote: we close at six.\n"
        "[[Look->Look]]\n\n:: Look [ending balanced lesson:listen]\nSeal split.\n"
    )
    document = conversion.document
    assert document["characters"]["kadri"]["role"] == "colleague"
    assert document["lessons"] == {
        "listen": {"title": "Listen first", "debrief": "Let her finish."}
    }
    lines = node(conversion, "desk")["lines"]
    assert [(line.get("speaker"), line.get("mood"), line["text"]) for line in lines] == [
        ("maret", "annoyed", "It leaks."),
        ("kadri", None, "I'll check."),
        (None, None, "Note: we close at six."),
    ]
    assert node(conversion, "desk")["choices"][0]["lesson"] == "listen"


def test_text_keeps_inline_link_words_and_shows_variables() -> None:
    conversion = imported(
        ":: Desk\nYou can [[apologise->End]] now. Cost so far: $cost {sic}.\n"
        "* [[Or wait->End]]\n<<print $cost>>\n\n:: End [ending]\nx\n"
    )
    texts = [line["text"] for line in node(conversion, "desk")["lines"]]
    assert texts == ["You can apologise now. Cost so far: {cost} {{sic}}.", "{cost}"]


def test_an_archive_names_its_other_stories_and_defaults_are_marked() -> None:
    story = read_twee(":: Desk\n[[End]]\n\n:: End [ending]\nx\n")
    conversion = convert(Story(story.title, story.passages, "Desk", others=("B",)), "s")
    assert notes(conversion) == [("T809", "")]
    assert conversion.defaults == {"characters", "lessons", "meters", "scoring"}


def test_a_story_of_special_passages_only_has_nothing_to_import() -> None:
    with pytest.raises(NoPassages):
        convert(read_twee(":: StoryInit\n<<set $x to 1>>\n"), "s")


def test_names_in_the_header_cannot_break_out_of_the_comment(tmp_path: Path) -> None:
    conversion = imported(SHOP)
    text = scenario_yaml(conversion.document, "evil\nid: x.twee", "out.yaml", set())
    assert "\nid: x" not in text.split("format: 1")[0]


def test_a_set_inside_a_condition_becomes_an_effect_under_it(tmp_path: Path) -> None:
    """Conditions and plain sets keep their order; sets under the same condition go
    together; the scenario validates and plays them only when the condition holds."""
    conversion = imported(
        ":: StoryInit\n<<set $patience to 1>>\n\n"
        ":: Desk\n<<set $satisfaction -= 5>><<if $patience lt 2>><<set $satisfaction -= 10>>"
        "<<set $patience to 0>><<else>><<set $cost += 1>><</if>>\n[[End]]\n\n"
        ":: End [ending balanced]\nDone.\n"
    )
    assert notes(conversion) == []
    assert node(conversion, "desk")["effects"] == [
        "satisfaction -= 5",
        {"if": "patience < 2", "then": ["satisfaction -= 10", "patience = 0"]},
        {"if": "not (patience < 2)", "then": ["cost += 1"]},
    ]
    loaded = load_scenario(written(conversion, tmp_path))
    assert loaded.scenario is not None, [d.format() for d in loaded.diagnostics]
    from simulator.engine.session import Session

    values = Session.start(loaded.scenario).state.values
    assert (values["patience"], values["cost"]) == (0, 0)
    assert values["satisfaction"] == loaded.scenario.model.meters.satisfaction.start - 15
