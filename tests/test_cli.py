"""The command line as a trainer uses it: real processes, real files, exit codes."""

from __future__ import annotations

import json
import os
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
    misspelt = cli("run", str(TOUR), "--choices", "own-t")
    assert misspelt.returncode == 1 and "did you mean 'own-it'?" in misspelt.stderr


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
    assert "      - id: a.l1\n        speaker: null  # narration\n" in text
    assert "      - {id: a.l2, text: Flow style}" in text
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


@pytest.mark.parametrize("seed", ["18446744073709551616", "9223372036854775808", "1e3"])
def test_a_seed_the_store_cannot_keep_is_a_usage_error(seed: str, tmp_path: Path) -> None:
    store = tmp_path / "results.sqlite3"
    done = cli("run", str(TOUR), "--choices", "2", "--seed", seed, "--results", str(store))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--seed: expected a whole number from -9223372036854775808" in done.stderr
    widest = cli(
        "run", str(TOUR), "--choices", "2", "--seed", str(2**63 - 1), "--results", str(store)
    )
    assert widest.returncode == 0, widest.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["run", str(TOUR), "--choices", "2"],
        ["report", "-o", "report.html"],
        ["sync", "--lrs", "http://127.0.0.1:1"],
        ["play", str(TOUR)],
    ],
)
def test_an_unknown_database_is_a_usage_error(command: list[str], tmp_path: Path) -> None:
    done = cli(*command, "--results", "mysql://ann:hunter2@db.example/results", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "--results takes an SQLite file or a postgresql:// URL" in done.stderr
    assert "hunter2" not in done.stderr and "mysql://ann:***@db.example" in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("lrs", ["http://[::1", "lrs.example.org", "ftp://lrs.example.org"])
@pytest.mark.parametrize(
    "command", [["run", str(TOUR), "--choices", "2"], ["sync"], ["play", str(TOUR)]]
)
def test_a_malformed_lrs_address_is_a_usage_error(
    lrs: str, command: list[str], tmp_path: Path
) -> None:
    done = cli(*command, "--lrs", lrs, "--results", str(tmp_path / "r.sqlite3"))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "--lrs takes the LRS's http:// or https:// address" in done.stderr


TRICKY = MINIMAL.replace(
    "title: Tiny",
    'title: "Tiny \\u202Egnp.exe"',  # a right-to-left override: reads as "exe.png"
).replace(
    "    ending: {title: End}",
    '    lines: [{id: a.l1, text: "Read \\u2066this\\u2069 \\u202Dtoo"}]\n'
    '    ending: {title: "End \\u202Eeht"}',
)


def test_run_prints_no_control_characters_from_a_scenario(tmp_path: Path) -> None:
    path = tmp_path / "tricky.yaml"
    path.write_text(TRICKY, encoding="utf-8")
    done = cli("run", str(path), "--results", str(tmp_path / "r.sqlite3"))
    assert done.returncode == 0, done.stderr
    assert "Tiny \\u202egnp.exe" in done.stdout and "Read \\u2066this\\u2069" in done.stdout
    assert not any(character in done.stdout for character in "\u202e\u2066\u2069\u202d")
    as_json = cli("run", str(path), "--json", "--results", str(tmp_path / "r.sqlite3"))
    assert "\u202e" not in as_json.stdout and "\\u202e" in as_json.stdout
    assert json.loads(as_json.stdout)["ending_title"] == "End \u202eeht"  # the same JSON


def test_list_prints_no_terminal_escapes_from_titles(tmp_path: Path) -> None:
    (tmp_path / "escapes.yaml").write_text(
        MINIMAL.replace("title: Tiny", 'title: "Tiny\\e]0;owned\\a\\e[2J \\x9b31m \\u202Eexe"'),
        encoding="utf-8",
    )
    done = cli("list", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert not any(character in done.stdout for character in "\x1b\x07\x9b\u202e")
    assert "tiny" in done.stdout


def test_an_unwritable_data_folder_is_one_clear_warning_and_the_rest_still_works(
    tmp_path: Path,
) -> None:
    """A home the simulator cannot write (here a path through a file, which even root
    cannot create) costs the settings and the default store, never the command."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder would go\n", encoding="utf-8")
    env = {**os.environ, "CS_SIMULATOR_HOME": str(blocker / "home")}
    env.pop("CS_SIMULATOR_RESULTS", None)
    store = tmp_path / "elsewhere.sqlite3"

    listed = run_cli("list", env=env)
    assert listed.returncode == 0 and "late-client" in listed.stdout
    assert "Traceback" not in listed.stderr

    analysed = run_cli("analyze", "late-client", env=env)
    assert analysed.returncode == 0, analysed.stderr
    assert "Traceback" not in analysed.stderr

    recorded = run_cli(
        "run", "late-client", "--choices", "1", "--seed", "0", "--results", str(store), env=env
    )
    assert recorded.returncode == 3, recorded.stderr  # stopped for want of choices, recorded
    assert recorded.stderr == ""  # the data folder plays no part
    assert store.is_file()

    unrecorded = run_cli("run", "late-client", "--choices", "1", "--seed", "0", env=env)
    assert unrecorded.returncode == 3 and unrecorded.stderr == ""  # not asked to record
    assert "The client who comes after closing" in unrecorded.stdout

    queued = run_cli("run", "late-client", "--choices", "1", "--lrs", "http://127.0.0.1:9", env=env)
    assert queued.returncode == 5  # the documented code for a run that was not recorded
    assert queued.stderr.count("cannot be written") == 1
    assert "$CS_SIMULATOR_HOME" in queued.stderr and "this run was not recorded" in queued.stderr
    assert "Traceback" not in queued.stderr

    reported = run_cli("report", "-o", str(tmp_path / "r.html"), env=env)
    assert reported.returncode == 2 and "Traceback" not in reported.stderr
    assert blocker.read_text(encoding="utf-8").startswith("a file where")


def test_settings_that_cannot_be_kept_say_why(tmp_path: Path, monkeypatch) -> None:
    from simulator.userdata import Settings

    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CS_SIMULATOR_HOME", str(blocker / "home"))
    settings = Settings.load()
    settings.text_size = "large"
    problem = settings.save()
    assert problem == "Not a directory"
    assert Settings.load().text_size == "medium"


def test_an_authors_run_is_not_recorded_unless_asked(tmp_path: Path) -> None:
    """Trying a scenario out is not a trainee's play: nothing reaches the data folder
    unless the run names a store."""
    home = tmp_path / "home"
    env = {**os.environ, "CS_SIMULATOR_HOME": str(home)}
    env.pop("CS_SIMULATOR_RESULTS", None)
    env.pop("CS_SIMULATOR_LRS", None)
    done = run_cli("run", str(TOUR), "--choices", "2", "--seed", "1", env=env)
    assert done.returncode == 0 and done.stderr == ""
    assert not home.exists() or not any(home.glob("results*"))
    store = tmp_path / "mine.sqlite3"
    asked = run_cli(
        "run", str(TOUR), "--choices", "2", "--seed", "1", "--results", str(store), env=env
    )
    assert asked.returncode == 0 and store.is_file()
    by_variable = run_cli(
        "run", str(TOUR), "--choices", "2", env={**env, "CS_SIMULATOR_RESULTS": str(store)}
    )
    assert by_variable.returncode == 0
    reported = run_cli(
        "report", "--all-plays", "--results", str(store), "-o", str(tmp_path / "r.html"), env=env
    )
    assert reported.returncode == 0 and "(2 plays" in reported.stdout


def test_the_replay_line_for_a_trainers_own_scenario_runs_where_the_file_is(
    tmp_path: Path,
) -> None:
    """`analyze` and `guide` name a play as `run ID --choices ... --seed N`; for a
    scenario that is not bundled, ID is found as ID.yaml in the folder it is run from,
    and elsewhere the message says what to give instead."""
    folder = tmp_path / "sc"
    folder.mkdir()
    own = folder / "refund-callback.yaml"
    own.write_text((REPO / "docs/examples/refund-callback.yaml").read_text(encoding="utf-8"))
    analysed = run_cli("analyze", str(own))
    assert analysed.returncode == 0, analysed.stderr
    replays = analysed.stdout.split("One play to each ending")[1]
    line = next(text for text in replays.splitlines() if text.split()[:1] == ["settled"])
    replay = line.split(": ", 1)[1].split("(")[0].split()  # --choices 1,1,1 --seed 0
    here = run_cli("run", "refund-callback", *replay, cwd=folder)
    assert here.returncode == 0, here.stderr
    assert "Sorted, and soon forgotten" in here.stdout  # the ending analyze named
    elsewhere = run_cli("run", "refund-callback", *replay, cwd=tmp_path)
    assert elsewhere.returncode == 2
    assert "refund-callback.yaml in this folder" in elsewhere.stderr
