"""Playthrough test files: the format trainers use to pin down a scenario's behaviour."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.file_checks import load_any
from simulator.library import bundled_scenarios_dir
from simulator.playtests import playtest_files, run_playtest_file
from tests.conftest import REPO

EXAMPLES = REPO / "docs" / "examples"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    return tmp_path / "examples"


def write_tests(folder: Path, body: str) -> Path:
    path = folder / "extra.test.yaml"
    path.write_text(
        "format: 1\nkind: tests\nscenario: format-tour.yaml\ntests:\n" + body, encoding="utf-8"
    )
    return path


def test_example_tests_pass() -> None:
    result = run_playtest_file(EXAMPLES / "format-tour.test.yaml")
    assert not result.problems
    assert [o.passed for o in result.outcomes] == [True, True, True]


def test_failed_expectation_points_at_test_and_scenario(folder: Path) -> None:
    path = write_tests(
        folder, "  - name: wrong hope\n    choices: [1]\n    expect: {ending: happy}\n"
    )
    (outcome,) = run_playtest_file(path).outcomes
    (failure,) = outcome.failures
    assert failure.code == "T601" and failure.line == 5
    assert "expected ending 'happy', reached 'lost'" in failure.message
    assert "format-tour.yaml:" in failure.message  # where 'lost' is in the scenario


def test_choice_not_offered_is_a_clear_failure(folder: Path) -> None:
    path = write_tests(
        folder,
        "  - name: twice\n    choices: [voucher-now, voucher-now]\n    expect: {passed: true}\n",
    )
    (outcome,) = run_playtest_file(path).outcomes
    message = outcome.failures[0].message
    assert "step 2: choice 'voucher-now' cannot be picked at 'counter'" in message


def test_too_few_choices_is_a_clear_failure(folder: Path) -> None:
    path = write_tests(folder, "  - name: short\n    choices: []\n    expect: {ending: happy}\n")
    (outcome,) = run_playtest_file(path).outcomes
    assert "did not end" in outcome.failures[0].message


def test_unknown_ids_are_caught_before_running(folder: Path) -> None:
    path = write_tests(
        folder,
        "  - name: typo\n    choices: [own-itt]\n    expect: {ending: hapy, visits: [nowhere]}\n",
    )
    codes = [(d.code, d.line) for d in load_any(path).diagnostics]
    assert codes == [("E218", 6), ("E218", 7), ("E218", 7)]
    assert run_playtest_file(path).problems


def test_command_reports_like_a_test_runner(folder: Path) -> None:
    write_tests(folder, "  - name: wrong hope\n    choices: [1]\n    expect: {ending: happy}\n")
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "test", str(folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "FAIL  wrong hope" in done.stdout
    assert done.stdout.strip().endswith("10 passed, 1 failed")


def test_command_without_test_files_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "test", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2


def test_every_bundled_scenario_has_passing_playthrough_tests() -> None:
    from simulator.library import scenario_entries

    files = playtest_files([bundled_scenarios_dir()])
    tested = {path.name.split(".")[0] for path in files}
    for entry in scenario_entries():
        assert entry.path.name.split(".")[0] in tested, f"{entry.path.name} has no tests"
    for path in files:
        result = run_playtest_file(path)
        assert not result.problems, [p.format() for p in result.problems]
        failures = [f.format() for o in result.outcomes for f in o.failures]
        assert not failures, failures


def test_validate_shows_a_test_files_unknown_ids_beside_its_misspelt_keys(
    tmp_path: Path,
) -> None:
    """A misspelt key (E101) must not hide the ids the scenario does not have (E218)."""
    (tmp_path / "late-client.yaml").write_bytes(
        (REPO / "scenarios" / "late-client.yaml").read_bytes()
    )
    tests = tmp_path / "late-client.test.yaml"
    tests.write_text(
        "format: 1\nkind: tests\nscenario: late-client.yaml\ntests:\n"
        "  - name: typo and an unknown choice\n    seeed: 3\n"
        "    choices: [wait-visibli]\n    expect: {passed: true}\n",
        encoding="utf-8",
    )
    codes = [(d.code, d.line) for d in load_any(tests).diagnostics]
    assert codes == [("E101", 6), ("E218", 7)]


STEP = """\
format: 1
id: step-check
title: Step check
start: first
clock: {day: 1, time: "17:00", day_names: [Monday, Tuesday]}
variables:
  trust: {type: int, default: 1, min: 0, max: 5}
  called: {type: bool, default: false}
nodes:
  first:
    choices:
      - id: call
        text: Ring him back
        effects: [called = true, trust += 2, "advance(30)"]
        next: second
      - {id: wait, text: Wait, next: second}
  second:
    choices:
      - {id: thank, text: Thank him, if: called, reason: You have not rung him, next: end}
      - {id: secret, text: A secret option, if: trust >= 5, next: end}
      - {id: leave, text: Leave it, next: end}
  end:
    ending: {title: End}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""


def step_tests(expect: str) -> str:
    return (
        "format: 1\nkind: tests\nscenario: step-check.yaml\ntests:\n"
        f"  - name: where the play stands\n    choices: [wait]\n    expect: {expect}\n"
    )


@pytest.mark.parametrize(
    ("expect", "failures"),
    [
        (
            "{offered: [leave], greyed: [thank], hidden: [secret], "
            "values: {trust: 1, called: false}, clock: '17:00'}",
            [],
        ),
        ("{values: {trust: {min: 1, max: 2}}, clock: 'Monday 17:00'}", []),
        ("{offered: [thank]}", ["choice 'thank' is not offered at 'second': it is greyed out"]),
        ("{offered: [secret]}", ["choice 'secret' is not offered at 'second': it is hidden"]),
        (
            "{offered: [call]}",  # a choice of the step before: nothing here hides it
            ["choice 'call' is not offered at 'second': it is not one of its choices (it is at"],
        ),
        ("{greyed: [leave]}", ["choice 'leave' is not greyed out at 'second': it is offered"]),
        ("{hidden: [leave]}", ["choice 'leave' is shown at 'second'"]),
        ("{values: {called: true}}", ["variable 'called' is false, not true"]),
        ("{values: {trust: 2}}", ["variable 'trust' is 1, not 2"]),
        ("{values: {trust: {min: 3}}}", ["variable 'trust': 1 is below 3"]),
        ("{clock: '17:30'}", ["the clock shows 'Monday 17:00', not '17:30'"]),
    ],
)
def test_a_test_can_say_what_the_next_step_offers_and_where_the_play_stands(
    tmp_path: Path, expect: str, failures: list[str]
) -> None:
    (tmp_path / "step-check.yaml").write_text(STEP, encoding="utf-8")
    path = tmp_path / "step-check.test.yaml"
    path.write_text(step_tests(expect), encoding="utf-8")
    assert not load_any(path).diagnostics
    (outcome,) = run_playtest_file(path).outcomes
    messages = [failure.format() for failure in outcome.failures]
    assert len(messages) == len(failures), messages
    for message, wanted in zip(messages, failures, strict=True):
        assert wanted in message


def test_unknown_choices_and_variables_in_step_expectations_are_caught(tmp_path: Path) -> None:
    (tmp_path / "step-check.yaml").write_text(STEP, encoding="utf-8")
    path = tmp_path / "step-check.test.yaml"
    path.write_text(step_tests("{offered: [leav], values: {trusst: 1}}"), encoding="utf-8")
    messages = [d.format() for d in load_any(path).diagnostics]
    assert any("no choice is called 'leav'; did you mean 'leave'" in m for m in messages)
    assert any("no variable is called 'trusst'; did you mean 'trust'" in m for m in messages)


def test_a_test_can_pin_down_the_better_choice_the_debrief_names(folder: Path) -> None:
    """The example's tests pass, and a wrong hope about the debrief fails with what it
    really says, at the decision concerned."""
    result = run_playtest_file(EXAMPLES / "refund-callback.test.yaml")
    assert not result.problems and all(o.passed for o in result.outcomes)
    path = folder / "wrong.test.yaml"
    path.write_text(
        "format: 1\nkind: tests\nscenario: refund-callback.yaml\ntests:\n"
        "  - name: wrong hopes\n    choices: [photos-policy, send-it-back, ring-her]\n"
        "    expect:\n"
        "      better: {photos-policy: order-number}\n"
        "      no_better: [send-it-back, listen]\n",
        encoding="utf-8",
    )
    (outcome,) = run_playtest_file(path).outcomes
    messages = [failure.message for failure in outcome.failures]
    assert len(messages) == 3, messages
    assert "after 'photos-policy', the debrief names 'listen', not 'order-number'" in messages[0]
    assert (
        "after 'send-it-back', the debrief names 'new-bowl', not no better choice" in (messages[1])
    )
    assert "the play never picks 'listen'" in messages[2]


def test_unknown_choices_in_debrief_expectations_are_caught(folder: Path) -> None:
    path = folder / "unknown.test.yaml"
    path.write_text(
        "format: 1\nkind: tests\nscenario: refund-callback.yaml\ntests:\n"
        "  - name: misspelt\n    choices: [listen]\n"
        "    expect:\n      better: {listen: new-bowel}\n      no_better: [lisen]\n",
        encoding="utf-8",
    )
    found = load_any(path).diagnostics
    assert [d.code for d in found] == ["E218", "E218"], [d.format() for d in found]
    assert "did you mean 'new-bowl'" in found[0].message
    assert "did you mean 'listen'" in found[1].message
