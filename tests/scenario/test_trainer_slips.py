"""The slips a trainer who knows YAML but not programming makes, written into real files:
each must be reported once, in plain words, with the fix, at the character that caused
it (issue #15)."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import simulator.scenario.diagnostics as diagnostics_module
from simulator.file_checks import load_any
from simulator.playtests import run_playtest_file
from simulator.scenario.diagnostics import SUGGESTION_BUDGET, Diagnostic

HEAD = """\
format: 1
id: slips
title: Slips
"""
CLOCK = 'clock: {day: 1, time: "14:00", day_names: [Monday, Tuesday]}\n'
REST = """\
variables:
  energy: {type: int, default: 50, min: 0, max: 100}
characters:
  ann: {name: Ann Reid, role: customer, moods: [neutral, annoyed]}
start: a
nodes:
  a:
    lines:
      - {id: a.l1, speaker: ann, text: LINE}
    choices:
      - {id: go, text: Go on, next: b, effects: [energy -= 5, advance(10)]}
      - {id: wait, text: Wait, next: b}
  b:
    branch:
      - if: CONDITION
        next: c
      - next: c
  c:
    ending: {kind: balanced, title: End, text: Done.}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""


def scenario(line: str = "Fine.", condition: str = "energy > 30", clock: str = CLOCK) -> str:
    return HEAD + clock + REST.replace("LINE", line).replace("CONDITION", condition)


def position(text: str, needle: str, within: int = 0) -> tuple[int, int]:
    """Line and column (1-based) of the character ``within`` characters into the first
    ``needle`` in ``text``: where a diagnostic must point."""
    index = text.index(needle) + within
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def only(found: list[Diagnostic]) -> Diagnostic:
    assert len(found) == 1, [d.format() for d in found]
    return found[0]


@pytest.fixture
def check(write_file: Callable[..., Path]) -> Callable[..., list[Diagnostic]]:
    def run(text: str, name: str = "slips.yaml") -> list[Diagnostic]:
        return load_any(write_file(text, name)).diagnostics

    return run


# ---------------------------------------------------------------- 1. an apostrophe


@pytest.mark.parametrize(
    "line",
    ["'I know. It's typical.'", "'Ő, é and ű. It's typical.'"],
    ids=["english", "accented"],
)
def test_an_apostrophe_in_single_quotes_is_named_with_its_fix(
    check: Callable[..., list[Diagnostic]], line: str
) -> None:
    text = scenario(line=line)
    found = only(check(text))
    assert found.code == "E005"
    assert (found.line, found.column) == position(text, "It's", 2)  # the apostrophe
    assert "apostrophe" in found.message and "It''s" in found.message
    assert "double quotes" in found.message and "leave the quotes out" in found.message
    assert "double-quoted scalar" not in found.message


def test_an_apostrophe_in_a_block_value_is_found_on_its_own_line(
    check: Callable[..., list[Diagnostic]],
) -> None:
    text = scenario().replace(
        "      - {id: a.l1, speaker: ann, text: Fine.}",
        "      - id: a.l1\n        speaker: ann\n        text: 'Well, it isn't\n          right.'",
    )
    found = only(check(text))
    assert (found.code, found.line, found.column) == ("E005", *position(text, "isn't", 3))
    assert "isn''t" in found.message


# ---------------------------------------------------------------- 2. ": " inside text


def test_a_colon_inside_text_asks_for_quotes(check: Callable[..., list[Diagnostic]]) -> None:
    text = scenario().replace(
        "      - {id: a.l1, speaker: ann, text: Fine.}",
        "      - id: a.l1\n        text: Note: we close at six",
    )
    found = only(check(text))
    assert found.code == "E005"
    assert (found.line, found.column) == position(text, "Note: we", 4)  # the colon
    assert '": "' in found.message and "in quotes" in found.message
    assert 'text: "Note: we close at six"' in found.message
    assert "mapping values" not in found.message


def test_a_colon_inside_text_in_braces_asks_for_quotes(
    check: Callable[..., list[Diagnostic]],
) -> None:
    text = scenario(line="Note: we close at six")
    found = only(check(text))
    assert (found.code, found.line, found.column) == ("E005", *position(text, "Note: we", 4))
    assert '": "' in found.message and "in quotes" in found.message


# ---------------------------------------------------------------- 3. times and percentages


def test_a_time_in_quotes_in_a_condition_names_the_form_that_works(
    check: Callable[..., list[Diagnostic]],
) -> None:
    text = scenario(condition='time >= "14:10"')
    found = only(check(text))
    assert found.code == "E304"
    assert (found.line, found.column) == position(text, '"14:10"')
    assert "without quotes: 14:10" in found.message
    assert check(scenario(condition="time >= 14:10")) == []  # the form the docs show


def test_a_percentage_says_what_to_write(check: Callable[..., list[Diagnostic]]) -> None:
    text = scenario(condition="energy <= 30%")
    found = only(check(text))
    assert found.code == "E301"
    assert (found.line, found.column) == position(text, "30%", 2)
    assert "write 30, not 30%" in found.message and "quotes" not in found.message
    assert check(scenario(condition="energy <= 30")) == []


@pytest.mark.parametrize(
    ("condition", "at", "fix", "fixed"),
    [
        ("energy => 30", "=>", "write '>=' for 'at least'", "energy >= 30"),
        ("energy =< 30", "=<", "write '<=' for 'at most'", "energy <= 30"),
        ("energy > 3 AND energy < 90", "AND", "write 'and' in small letters", None),
        ("NOT energy > 3", "NOT", "write 'not' in small letters", None),
    ],
)
def test_an_operator_written_as_elsewhere_gets_its_own_fix(
    check: Callable[..., list[Diagnostic]], condition: str, at: str, fix: str, fixed: str | None
) -> None:
    """'=>' was told to become '==' (which turns 'at least 30' into 'exactly 30'), and
    'AND' only that an operator was expected."""
    text = scenario(condition=condition)
    found = only(check(text))
    assert found.code == "E301"
    assert (found.line, found.column) == position(text, condition, condition.index(at))
    assert fix in found.message and "'=='" not in found.message
    assert check(scenario(condition=fixed or condition.replace(at, at.lower()))) == []


def test_a_line_in_the_wrong_column_is_called_indentation(
    check: Callable[..., list[Diagnostic]],
) -> None:
    """The parser says what it expected ("did not find expected '-' indicator"); the
    message must also name the likely cause, in the trainer's terms."""
    text = scenario().replace(
        "      - {id: wait, text: Wait, next: b}",
        "      - id: wait\n        text: Wait\n      next: b",
    )
    found = only(check(text))
    assert found.code == "E005"
    assert found.line == position(text, "      next: b")[0]
    assert "indented more or less than the others" in found.message


# ---------------------------------------------------------------- 4. one cause, one error

CHAIN = """\
format: 1
id: chain
title: Chain
start: s
nodes:
  s:
    choices:
      - {id: one, text: One, next: mid}
      - {id: two, text: Two, next: BROKEN}
  mid:
    next: end
"""


def chain(count: int, broken: str) -> str:
    """Start, then a broken reference into a chain of ``count`` nodes, and an ending."""
    links = "".join(f"  thursday-{i}:\n    next: thursday-{i + 1}\n" for i in range(count - 1))
    tail = f"  thursday-{count - 1}:\n    next: end\n  end:\n    ending: {{title: End}}\n"
    end = "scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}\n"
    return CHAIN.replace("BROKEN", broken) + links + tail + end


def test_a_broken_next_is_one_error_counting_the_nodes_it_cuts_off(
    check: Callable[..., list[Diagnostic]],
) -> None:
    text = chain(6, "thursdy-0")
    found = only(check(text))
    assert found.code == "E201"
    assert (found.line, found.column) == position(text, "thursdy-0")
    assert "did you mean 'thursday-0'?" in found.message
    assert "'thursday-0' and 5 nodes after it can never be reached" in found.message


def test_a_broken_next_that_meant_a_reachable_node_leaves_the_orphans_to_e207(
    check: Callable[..., list[Diagnostic]],
) -> None:
    text = chain(3, "mdi")  # meant 'mid'; the chain is an unrelated orphan
    found = sorted(check(text), key=lambda d: d.code)
    assert [d.code for d in found] == ["E201", "E207"]
    assert "did you mean 'mid'?" in found[0].message
    assert (found[1].line, found[1].column) == position(text, "thursday-0:")
    assert "nor can 2 nodes after it ('thursday-1', 'thursday-2')" in found[1].message


def test_thousands_of_nodes_cut_off_are_still_one_error(
    check: Callable[..., list[Diagnostic]], monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[int] = []
    real = difflib.get_close_matches

    def counting(word: str, possibilities: Any, *arguments: Any, **keywords: Any) -> Any:
        compared.append(len(possibilities))
        return real(word, possibilities, *arguments, **keywords)

    monkeypatch.setattr(diagnostics_module.difflib, "get_close_matches", counting)
    found = only(check(chain(20_000, "thursdy-0")))
    assert found.code == "E201" and "19,999 nodes after it" in found.message
    assert sum(compared) <= SUGGESTION_BUDGET


def test_a_missing_clock_is_one_error_counting_its_uses(
    check: Callable[..., list[Diagnostic]],
) -> None:
    text = scenario(line='"It is {time} already."', condition="time >= 14:10", clock="")
    text = text.replace(
        "start: a\n", 'start: a\nepisodes:\n  one: {title: One, start: a, time: "15:00"}\n'
    )
    found = only(check(text))
    assert found.code == "E215"
    assert (found.line, found.column) == position(text, "{title: One")  # the first use
    assert "4 places use the clock" in found.message  # episode, text, advance(), condition
    assert "no 'clock' section" in found.message


def test_else_in_a_branch_is_one_error_that_shows_the_last_branch(
    check: Callable[..., list[Diagnostic]],
) -> None:
    text = scenario().replace("      - next: c\n", "      - else: c\n")
    found = only(check(text))
    assert found.code == "E101"
    assert (found.line, found.column) == position(text, "else: c")
    assert "no 'else'" in found.message and "'- next: c'" in found.message


def test_a_misspelt_required_key_is_one_error(check: Callable[..., list[Diagnostic]]) -> None:
    text = scenario().replace("{id: wait, text: Wait,", "{id: wait, txt: Wait,")
    found = only(check(text))
    assert (found.code, found.line, found.column) == ("E101", *position(text, "txt:"))
    assert "write 'text:'" in found.message


# ---------------------------------------------------------------- 5. playthrough tests

TESTS = """\
format: 1
kind: tests
scenario: slips.yaml
tests:
  - name: the long way
    choices: [goo]
    EXTRA
    expect: {ending: cc, visits: [bb]}
"""


def test_unknown_ids_in_a_test_file_suggest_the_nearest(
    check: Callable[..., list[Diagnostic]],
) -> None:
    check(scenario())
    text = TESTS.replace("    EXTRA\n", "")
    found = check(text, "slips.test.yaml")
    expected = [
        ("E218", *position(text, "goo"), "no choice is called 'goo'; did you mean 'go'?"),
        ("E218", *position(text, "cc"), "no node is called 'cc'; did you mean 'c'?"),
        ("E218", *position(text, "bb"), "no node is called 'bb'; did you mean 'b'?"),
    ]
    assert [(d.code, d.line, d.column, d.message) for d in found] == expected


def test_an_unknown_key_in_a_test_file_does_not_hide_its_unknown_ids(
    write_file: Callable[..., Path],
) -> None:
    write_file(scenario(), "slips.yaml")
    text = TESTS.replace("EXTRA", "sed: 3")
    result = run_playtest_file(write_file(text, "slips.test.yaml"))
    found = [(d.code, d.line, d.column) for d in result.problems]
    assert found == [
        ("E218", *position(text, "goo")),
        ("E101", *position(text, "sed:")),
        ("E218", *position(text, "cc")),
        ("E218", *position(text, "bb")),
    ]
    assert result.outcomes == []  # nothing runs while the file has errors


# ---------------------------------------------------------------- 6. accepted silently before


def warnings_of(found: list[Diagnostic]) -> list[Diagnostic]:
    assert not any(d.is_error for d in found), [d.format() for d in found]
    return found


def test_advance_by_a_negative_amount_is_a_warning(check: Callable[..., list[Diagnostic]]) -> None:
    text = scenario().replace("advance(10)", "advance(-600)")
    found = only(warnings_of(check(text)))
    assert found.code == "W505"
    assert (found.line, found.column) == position(text, "advance(-600)")
    assert "ignored at play" in found.message


def test_a_reason_on_a_choice_without_if_is_a_warning(
    check: Callable[..., list[Diagnostic]],
) -> None:
    text = scenario().replace("{id: wait, text: Wait,", "{id: wait, text: Wait, reason: Later,")
    found = only(warnings_of(check(text)))
    assert (found.code, found.line, found.column) == ("W506", *position(text, "reason:"))
    assert "never shown" in found.message


def test_a_reason_on_a_once_choice_that_can_come_back_is_fine(
    check: Callable[..., list[Diagnostic]],
) -> None:
    text = scenario().replace(
        "{id: wait, text: Wait, next: b}",
        "{id: wait, text: Wait, once: true, reason: Done, next: a}",
    )
    assert check(text) == []


def test_once_on_a_node_never_revisited_is_a_warning(
    check: Callable[..., list[Diagnostic]],
) -> None:
    text = scenario().replace("{id: wait, text: Wait,", "{id: wait, text: Wait, once: true,")
    found = only(warnings_of(check(text)))
    assert (found.code, found.line, found.column) == ("W507", *position(text, "once:"))
    assert "no path comes back to node 'a'" in found.message


def test_an_episode_that_turns_the_clock_back_is_a_warning(
    check: Callable[..., list[Diagnostic]],
) -> None:
    episodes = 'episodes:\n  later: {title: Later, start: c, time: "13:55"}\nnodes:\n'
    text = scenario().replace("nodes:\n", episodes)
    found = only(warnings_of(check(text)))
    assert found.code == "W508"
    assert (found.line, found.column) == position(text, '"13:55"')
    assert "sets the clock to Monday 13:55" in found.message
    assert "at Monday 14:00 at the earliest" in found.message
    # The quickest way there is 'wait', which does not move the clock: 14:00.
    assert check(text.replace('"13:55"', '"14:05"')) == []
    slower = text.replace('"13:55"', '"14:05"').replace(
        "{id: wait, text: Wait, next: b}", "{id: wait, text: Wait, next: b, effects: [advance(20)]}"
    )
    found = only(warnings_of(check(slower)))
    assert "at Monday 14:10 at the earliest" in found.message


def test_a_day_alone_that_goes_back_is_a_warning(check: Callable[..., list[Diagnostic]]) -> None:
    clock = 'clock: {day: 2, time: "14:00"}\n'
    text = scenario(clock=clock).replace(
        "nodes:\n", "episodes:\n  back: {title: Back, start: c, day: 1}\nnodes:\n"
    )
    found = only(warnings_of(check(text)))
    assert (found.code, found.line, found.column) == ("W508", *position(text, "1}"))
    assert "day 1 14:00" in found.message and "day 2 14:00" in found.message


def test_a_cost_label_too_long_for_the_top_bar_is_a_warning(
    check: Callable[..., list[Diagnostic]],
) -> None:
    label = "Cost of keeping every promise we made"
    meters = f"meters:\n  cost: {{unit: hours, label: {label}}}\nstart: a\n"
    text = scenario().replace("start: a\n", meters)
    found = only(warnings_of(check(text)))
    assert (found.code, found.line, found.column) == ("W509", *position(text, label))
    assert "37 characters" in found.message and "28" in found.message
    hidden = text.replace("{unit: hours,", "{unit: hours, visible: false,")
    assert check(hidden) == []  # the top bar does not show it
    assert check(text.replace(label, "Staff hours after closing")) == []
