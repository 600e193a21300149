"""Each command imports only what it uses (issue #16).

The scenario model (pydantic), the results store (SQLAlchemy), a charting library,
the game (pygame) and the YAML parsers each take longer to import than Python takes to
start, so a command that does not use one must not import it. Each test runs a command
in a fresh process and looks at what it had imported by the time it exited. These tests
guard imports, not time: benchmarks/bench_cli.py measures the time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from simulator.cli import SCHEMA_KINDS, build_parser
from simulator.scenario.model import FILE_MODELS
from tests.conftest import MINIMAL, REPO

# Runs the command line as `python -m simulator` does, then writes its exit code and
# every module it imported to the file named first.
PROBE = """
import json, runpy, sys
report, arguments = sys.argv[1], sys.argv[2:]
sys.argv = ["simulator", *arguments]
try:
    runpy.run_module("simulator", run_name="__main__", alter_sys=True)
    code = 0
except SystemExit as done:
    code = done.code
with open(report, "w", encoding="utf-8") as stream:
    json.dump({"code": code, "modules": sorted(sys.modules)}, stream)
"""

MODEL_STORE = {"pydantic", "sqlalchemy"}
GAME = {"pygame"}
YAML = {"yaml", "yaml_rs"}
TOUR = REPO / "docs" / "examples" / "format-tour.yaml"


def imported_by(tmp_path: Path, *arguments: str) -> tuple[int, set[str]]:
    """The exit code of the command, and the top-level packages it imported."""
    report = tmp_path / "imported.json"
    env = {**os.environ, "CS_SIMULATOR_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(report), *arguments],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert report.is_file(), done.stderr
    found = json.loads(report.read_text(encoding="utf-8"))
    return found["code"], {name.split(".")[0] for name in found["modules"]}


def test_help_imports_no_model_store_charts_game_or_yaml(tmp_path: Path) -> None:
    code, packages = imported_by(tmp_path, "--help")
    assert code == 0
    assert packages & (MODEL_STORE | GAME | YAML) == set()


@pytest.mark.parametrize(
    ("arguments", "code", "forbidden"),
    [
        (("validate", str(TOUR)), 0, {"sqlalchemy", "pygame"}),
        # a run records nothing unless asked, so the store (SQLAlchemy) stays out too
        (("run", str(TOUR), "--choices", "2", "--seed", "1"), 0, {"sqlalchemy", "pygame"}),
        (("run", "late-client", "--choices", "1", "--seed", "0"), 3, {"sqlalchemy", "pygame"}),
        (("schema",), 0, {"sqlalchemy", "pygame"}),
    ],
    ids=["validate", "run to an ending", "run stopped early", "schema"],
)
def test_a_command_imports_nothing_it_does_not_use(
    tmp_path: Path, arguments: tuple[str, ...], code: int, forbidden: set[str]
) -> None:
    exit_code, packages = imported_by(tmp_path, *arguments)
    assert exit_code == code
    assert packages & forbidden == set()


def test_validating_a_scenario_leaves_the_engine_out(tmp_path: Path) -> None:
    """Only playthrough test files need the engine to check them."""
    assert imported_by(tmp_path, "validate", str(TOUR))[0] == 0
    modules = json.loads((tmp_path / "imported.json").read_text(encoding="utf-8"))["modules"]
    assert not [name for name in modules if name.startswith("simulator.engine")]


def test_list_with_a_warm_index_reads_no_scenario(tmp_path: Path) -> None:
    assert imported_by(tmp_path, "list")[0] == 0  # the first listing fills the menu index
    code, packages = imported_by(tmp_path, "list")
    assert code == 0
    assert packages & (MODEL_STORE | GAME) == set()


def test_a_cold_list_reads_the_files_without_the_model(tmp_path: Path) -> None:
    code, packages = imported_by(tmp_path, "list")
    assert code == 0
    assert "yaml_rs" in packages  # it did read the scenarios, shallowly
    assert packages & (MODEL_STORE | GAME) == set()


def test_report_draws_its_charts_without_the_game(tmp_path: Path) -> None:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(MINIMAL, encoding="utf-8")
    store = tmp_path / "results.sqlite3"
    assert imported_by(tmp_path, "run", str(scenario), "--results", str(store))[0] == 0
    page = tmp_path / "report.html"
    code, packages = imported_by(
        tmp_path, "report", "--all-plays", "--results", str(store), "-o", str(page)
    )
    assert code == 0
    assert page.read_text(encoding="utf-8").count("<svg") == 2
    assert packages & GAME == set()


def test_version_is_looked_up_when_asked_for() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "--version"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout == f"simulator {version('cs-simulator')}\n"


def test_the_schema_kinds_are_the_models_file_kinds() -> None:
    assert tuple(sorted(FILE_MODELS)) == SCHEMA_KINDS


def test_commands_from_other_modules_are_listed_as_they_describe_themselves() -> None:
    """--help lists each command of ADDED_COMMANDS (in simulator/cli.py) by the line in
    that table, without importing its module: the line must be the one its module gives."""
    assert build_parser([]).format_help() == build_parser().format_help()
