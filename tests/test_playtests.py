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
    assert done.stdout.strip().endswith("3 passed, 1 failed")


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
