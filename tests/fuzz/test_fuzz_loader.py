"""The loader and validator on generated scenarios with hostile values, keys, aliases,
deep nesting and raw control characters: coded diagnostics with a line and column, never
an exception; and what validates, plays (see test_fuzz_play.py for plays at length)."""

from __future__ import annotations

import pytest
from hypothesis import event, given

from simulator.file_checks import load_any
from tests.fuzz.budget import budget
from tests.fuzz.hostile import assert_explained, play_randomly
from tests.fuzz.scenarios import hostile_documents


@budget(400)
@given(hostile_documents())
def test_hostile_scenarios_get_coded_diagnostics(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("hostile") / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    result = load_any(path)
    assert_explained(result.diagnostics)
    assert (result.scenario is not None) == result.ok
    event("validates: played" if result.scenario is not None else "refused")
    if result.scenario is not None:
        play_randomly(result.scenario, seed=0)
