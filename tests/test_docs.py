"""What the docs promise stays true."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from simulator.file_checks import load_any
from simulator.scenario.model import Scenario
from tests.conftest import REPO


def test_committed_schema_matches_the_model() -> None:
    committed = json.loads((REPO / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    generated = Scenario.model_json_schema(by_alias=True)
    generated["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    assert committed == generated, "run: python -m simulator schema > docs/scenario.schema.json"


def test_schema_warns_editors_off_the_timeout_words_as_choice_ids() -> None:
    """Editors see in the schema what E220 says: 't' and 'timeout' are not choice ids.
    (The pattern uses only what ECMAScript and Python regular expressions share.)"""
    schema = json.loads((REPO / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    refused = schema["$defs"]["Choice"]["properties"]["id"]["not"]
    assert refused["type"] == "string"
    for word in ("t", "T", "timeout", "TimeOut"):
        assert re.search(refused["pattern"], word), word
    for word in ("tell", "time", "wait", "t2"):
        assert not re.search(refused["pattern"], word), word


def test_every_example_in_docs_validates_cleanly() -> None:
    examples = sorted((REPO / "docs" / "examples").rglob("*.yaml"))
    assert examples
    for path in examples:
        result = load_any(path)
        assert result.ok and not result.diagnostics, [d.format() for d in result.diagnostics]


def test_format_doc_run_command_works() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "run",
            "docs/examples/format-tour.yaml",
            "--choices",
            "2",
            "--seed",
            "1",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_the_scoring_docs_worked_example_is_what_the_game_scores() -> None:
    """docs/scoring.md walks a trainer through one play's score: the command it gives
    must produce the numbers it shows."""
    doc = (REPO / "docs" / "scoring.md").read_text(encoding="utf-8")
    command = re.search(r"python -m simulator (run late-client [^\n]+)", doc)
    assert command is not None
    done = subprocess.run(
        [sys.executable, "-m", "simulator", *command.group(1).split(), "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert "**78, Good, passed**" in doc
    assert (data["score"], data["grade"], data["passed"]) == (78, "Good", True)
    assert (data["satisfaction"], data["cost"]) == (70, 6.5)
    assert round(data["breakdown"]["balance"]) == 67
    assert data["ending_title"] == "A loyal client, on fair terms"
