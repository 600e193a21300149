"""The command line as a trainer uses it: real processes, real files, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, REPO, run_cli

TOUR = REPO / "docs" / "examples" / "format-tour.yaml"


def cli(*arguments: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return run_cli(*arguments, cwd=cwd, timeout=120)


def test_validate_valid_file_exits_0() -> None:
    done = cli("validate", str(TOUR))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors" in done.stderr


def test_validate_folder_with_errors_exits_1_and_lists_every_error() -> None:
    done = cli("validate", "tests/broken")
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if ": error E" in line]
    assert len(lines) >= 30
    assert all(line.startswith("tests/broken/") for line in lines)
    assert "Traceback" not in done.stdout + done.stderr


def test_validate_missing_path_is_a_usage_error() -> None:
    done = cli("validate", "no/such/file.yaml")
    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_unknown_option_is_a_usage_error() -> None:
    assert cli("validate", "--frobnicate", str(TOUR)).returncode == 2


def test_run_json_has_the_agreed_fields() -> None:
    done = cli("run", str(TOUR), "--choices", "2", "--seed", "1", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    for key in ("ending", "satisfaction", "cost", "score", "grade", "passed", "path"):
        assert key in data
    assert data["path"] == ["own-it"]
    assert data["ending"] in ("happy", "grumbling")
    assert data["seed"] == 1


def test_run_transcript_is_readable() -> None:
    done = cli("run", str(TOUR), "--choices", "2", "--seed", "1")
    assert done.returncode == 0
    assert "Pat Lindqvist (angry): This is the second time." in done.stdout
    assert "> You: That's not good enough" in done.stdout
    assert "ENDING:" in done.stdout and "Score " in done.stdout


def test_run_same_seed_same_result() -> None:
    first = cli("run", str(TOUR), "--choices", "2", "--seed", "5", "--json").stdout
    second = cli("run", str(TOUR), "--choices", "2", "--seed", "5", "--json").stdout
    assert first == second


def test_run_invalid_choice_number_exits_1_with_message() -> None:
    done = cli("run", str(TOUR), "--choices", "7")
    assert done.returncode == 1
    assert "choice 7 cannot be picked" in done.stderr and "offered: 1=blame-courier" in done.stderr


def test_run_unavailable_choice_exits_1_with_reason() -> None:
    done = cli("run", str(TOUR), "--choices", "3,3")
    assert done.returncode == 1
    assert "already offered a voucher" in done.stderr


def test_run_timeout_pick_lets_the_timer_run_out() -> None:
    done = cli("run", str(TOUR), "--choices", "t", "--seed", "1", "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["path"] == ["timeout"]


def test_run_without_enough_choices_exits_3() -> None:
    done = cli("run", str(TOUR), "--seed", "1")
    assert done.returncode == 3
    assert "waiting for choice 1" in done.stdout


def test_run_bad_choices_syntax_is_a_usage_error() -> None:
    assert cli("run", str(TOUR), "--choices", "2;1").returncode == 2
    assert cli("run", str(TOUR), "--choices", "own it").returncode == 2


def test_run_takes_choice_ids_as_well_as_numbers() -> None:
    by_id = cli("run", str(TOUR), "--choices", "own-it", "--seed", "1", "--json")
    by_number = cli("run", str(TOUR), "--choices", "2", "--seed", "1", "--json")
    assert by_id.returncode == by_number.returncode == 0, by_id.stderr
    assert json.loads(by_id.stdout)["path"] == json.loads(by_number.stdout)["path"] == ["own-it"]
    assert json.loads(by_id.stdout)["numbers"] == [2]  # as shown, though given as an id
    unknown = cli("run", str(TOUR), "--choices", "two")
    assert unknown.returncode == 1 and "choice 'two' cannot be picked" in unknown.stderr


def test_run_invalid_scenario_exits_1_with_diagnostics(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL.replace("start: a", "start: b"))
    done = cli("run", str(path), "--choices", "1")
    assert done.returncode == 1
    assert "bad.yaml:4:8: error E201" in done.stderr


def test_run_unknown_scenario_is_a_usage_error() -> None:
    done = cli("run", "no-such-scenario")
    assert done.returncode == 2
    assert "simulator list" in done.stderr


def test_schema_is_json_with_the_format_keys() -> None:
    done = cli("schema")
    schema = json.loads(done.stdout)
    assert {"format", "id", "nodes", "scoring"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("kind", ["translation", "characters"])
def test_schema_for_other_kinds(kind: str) -> None:
    assert "properties" in json.loads(cli("schema", "--kind", kind).stdout)


def test_ids_writes_missing_ids_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    original = MINIMAL.replace(
        "    ending: {title: End}",
        "    lines:\n      - speaker: null  # narration\n        text: Hello\n"
        "      - {text: Flow style}\n    ending: {title: End}",
    )
    path.write_text(original)
    done = cli("ids", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    text = path.read_text()
    assert "      - id: a.line1\n        speaker: null  # narration\n" in text
    assert "      - {id: a.line2, text: Flow style}" in text
    assert cli("validate", str(path)).returncode == 0
    assert "W503" not in cli("validate", str(path)).stdout
    assert cli("ids", str(path)).stdout.strip().endswith("added 0 ids")


def test_help_lists_the_commands() -> None:
    done = cli("--help")
    assert done.returncode == 0
    for command in ("validate", "run", "play", "list", "schema", "ids"):
        assert command in done.stdout


def test_no_arguments_opens_the_menu_or_explains_why_not() -> None:
    import os

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY")
    }
    done = subprocess.run(
        [sys.executable, "-m", "simulator"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 4 and "cannot open a window" in done.stderr


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "cs-simulator"
    done = subprocess.run(
        [str(script), "validate", str(TOUR)], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert done.returncode == 0
