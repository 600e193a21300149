"""Passage text taken apart: each link form, each macro form, and what is dropped."""

from __future__ import annotations

import pytest

from simulator.twine.logic import Names, Untranslatable, translate_assignments, translate_condition
from simulator.twine.markup import (
    Conditional,
    Dropped,
    Goto,
    Link,
    SetMacro,
    Show,
    Text,
    read_passage,
)

NAMES = Names(
    {"satisfaction": "satisfaction", "cost": "cost", "x": "x", "mood": "mood"},
    lambda text: text.lower().replace(" ", "-"),
)


@pytest.mark.parametrize(
    ("written", "label", "target"),
    [
        ("[[Check the stock->Stock room]]", "Check the stock", "Stock room"),
        ("[[Check the stock|Stock room]]", "Check the stock", "Stock room"),
        ("[[Stock room<-Check the stock]]", "Check the stock", "Stock room"),
        ("[[Stock room]]", "Stock room", "Stock room"),
        ("[[a->b->Stock room]]", "a->b", "Stock room"),  # the last arrow points
        ('(link-goto: "Check the stock", "Stock room")', "Check the stock", "Stock room"),
        ('(link-goto: "Stock room")', "Stock room", "Stock room"),
    ],
)
def test_each_link_form_gives_its_text_and_target(written: str, label: str, target: str) -> None:
    assert read_passage(f"Before {written} after") == [
        Text("Before "),
        Link(label, target),
        Text(" after"),
    ]


def test_a_sugarcube_setter_link_carries_its_assignments() -> None:
    (link,) = read_passage("[[Refund|Refund desk][$cost += 89; $satisfaction += 5]]")
    assert link == Link("Refund", "Refund desk", "$cost += 89; $satisfaction += 5")


def test_a_sugarcube_link_macro_with_sets_is_a_link() -> None:
    (link,) = read_passage('<<link "Pay" "Till">><<set $cost += 3>><</link>>')
    assert link == Link("Pay", "Till", "$cost += 3")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("<<set $satisfaction += 5>>", SetMacro("$satisfaction += 5", "sugarcube")),
        ("<<set $cost to 40>>", SetMacro("$cost to 40", "sugarcube")),
        ("(set: $x to it + 5)", SetMacro("$x to it + 5", "harlowe")),
        ("(put: 3 into $x)", SetMacro("3 into $x", "put")),
        ("<<print $x>>", Show("$x")),
        ("(print: $x)", Show("$x")),
        ('<<goto "Till">>', Goto("Till")),
        ("<<goto [[Till]]>>", Goto("Till")),
        ('(go-to: "Till")', Goto("Till")),
    ],
)
def test_each_macro_form_is_read(written: str, expected: object) -> None:
    assert read_passage(written) == [expected]


def test_sugarcube_if_elseif_else_keeps_each_branch() -> None:
    (block,) = read_passage("<<if $x gt 3>>big [[A]]<<elseif $x is 2>>two<<else>>small<</if>>")
    assert block == Conditional(
        (
            ("$x gt 3", (Text("big "), Link("A", "A"))),
            ("$x is 2", (Text("two"),)),
            (None, (Text("small"),)),
        ),
        "sugarcube",
    )


def test_harlowe_if_else_hooks_and_unless() -> None:
    (block,) = read_passage("(if: $x > 3)[big](else-if: $x is 2) [two]\n(else:)[small]")
    assert [condition for condition, _ in block.branches] == ["$x > 3", "$x is 2", None]
    (unless,) = read_passage("(unless: $x > 3)[[[Small talk]]]")
    assert unless.branches == (("not ($x > 3)", (Link("Small talk", "Small talk"),)),)


def test_nested_conditions_are_kept_inside_their_branch() -> None:
    (outer,) = read_passage("<<if $x>><<if $y>>a<<else>>b<</if>><<else>>c<</if>>")
    inner = outer.branches[0][1][0]
    assert isinstance(inner, Conditional) and [c for c, _ in inner.branches] == ["$y", None]


@pytest.mark.parametrize(
    "written",
    [
        '<<audio "bell" play>>',
        "<<timed 2s>>Later<</timed>>",
        "(link: 'Look')[(goto: 'Shelf')]",
        '(background: "red")',
        "<</if>>",
    ],
)
def test_markup_without_a_place_in_a_scenario_is_kept_for_the_report(written: str) -> None:
    (dropped,) = read_passage(written)
    assert isinstance(dropped, Dropped) and dropped.source == written


def test_html_tags_are_dropped_but_their_text_stays_and_br_breaks_the_line() -> None:
    items = read_passage("<b>Size 44</b> is here.<br>Next")
    assert [i for i in items if isinstance(i, Text)] == [
        Text("Size 44"),
        Text(" is here."),
        Text("\n"),
        Text("Next"),
    ]
    assert [i.source for i in items if isinstance(i, Dropped)] == ["<b>", "</b>"]


def test_comments_and_unclosed_marks_are_text_or_nothing() -> None:
    assert read_passage("a /* note to self */ b <!-- hidden --> c") == [
        Text("a "),
        Text(" b "),
        Text(" c"),
    ]
    assert read_passage("[[never closed <<nor this (if: nor this") == [
        Text("[[never closed <<nor this (if: nor this")
    ]


def test_conditions_nested_past_the_limit_are_reported_not_followed() -> None:
    deep = "<<if true>>" * 60 + "x" + "<</if>>" * 60
    items = read_passage(deep)
    assert len(items) == 1  # still one block, read to the limit, the rest dropped


# ---------------------------------------------------------------- the expressions


@pytest.mark.parametrize(
    ("twine", "scenario"),
    [
        ("$x gt 3", "x > 3"),
        ("$x gte 3 and $x lte 5", "x >= 3 and x <= 5"),
        ("$x is 2 or $x isnot 4", "x == 2 or x != 4"),
        ("$x eq 1 && $x neq 2 || !$x", "x == 1 and x != 2 or not x"),
        ("$x === 1 and $x !== 2", "x == 1 and x != 2"),
        ("$x is not 2", "x != 2"),  # Harlowe
        ("$x > 3 and ($x < 10)", "x > 3 and ( x < 10 )"),
        ('$mood is "Very Angry"', 'mood == "very-angry"'),
    ],
)
def test_conditions_are_written_in_the_scenario_language(twine: str, scenario: str) -> None:
    assert translate_condition(twine, NAMES).text == scenario


def test_the_texts_a_variable_is_compared_with_are_collected() -> None:
    assert translate_condition('$mood is "calm" or $mood eq "tense"', NAMES).compared == [
        ("mood", "calm"),
        ("mood", "tense"),
    ]


def test_variables_read_on_their_own_are_seen_as_true_false() -> None:
    assert translate_condition("$x and not $mood or $cost > 2", NAMES).tested == ["x", "mood"]


@pytest.mark.parametrize(
    ("twine", "dialect", "effects"),
    [
        ("$satisfaction += 5", "sugarcube", ["satisfaction += 5"]),
        ("$cost to 40", "sugarcube", ["cost = 40"]),
        ("$cost = 40, $x -= 1; $x *= 2", "sugarcube", ["cost = 40", "x -= 1", "x *= 2"]),
        ("$x /= 2", "sugarcube", ["x = x / (2)"]),
        ("$x to it + 5", "harlowe", ["x = x + 5"]),
        ("$x to $x - 1, $cost to it * 2", "harlowe", ["x = x - 1", "cost = cost * 2"]),
        ("-3 into $x", "put", ["x = - 3"]),
    ],
)
def test_assignments_become_effects(twine: str, dialect: str, effects: list[str]) -> None:
    found = translate_assignments(twine, dialect, NAMES)
    assert [a.effect for a in found] == effects


def test_plain_values_are_seen_for_the_variable_types() -> None:
    found = translate_assignments(
        '$x to 3, $mood to "Calm", $cost to 2.5, $x to true', "sugarcube", NAMES
    )
    assert [a.literal for a in found] == [3, "calm", 2.5, True]
    assert translate_assignments("-3 into $x", "put", NAMES)[0].literal == -3


@pytest.mark.parametrize(
    "twine",
    ["_temp > 2", "$x contains 3", "Math.random() > 0.5", "$list[0] is 2", "", "$unknown > 1"],
)
def test_what_has_no_counterpart_is_untranslatable(twine: str) -> None:
    with pytest.raises(Untranslatable):
        translate_condition(twine, NAMES)


@pytest.mark.parametrize(
    "twine", ["$x", "$x to", "5 to $x", "$x into 3", "$x.push(3)", "$x to 1" + "0" * 30]
)
def test_assignments_that_cannot_be_carried_are_untranslatable(twine: str) -> None:
    with pytest.raises(Untranslatable):
        translate_assignments(twine, "sugarcube", NAMES)
