"""Scenarios that validate, with numbers at the edges of what the format allows (effects
of 10^400, weights of 10^300, a cost limit of 10^300), played with random picks: no step
raises, no number stops being finite, the score stays within 0 to 100, the save reloads,
and the analysis (the search behind `analyze`) ends with finite figures."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.analysis.analyse import analyse
from simulator.file_checks import load_any
from tests.fuzz.budget import budget
from tests.fuzz.hostile import assert_explained, play_randomly, write_yaml
from tests.fuzz.scenarios import scenario_trees


@budget(200)
@given(scenario_trees(), st.integers(min_value=0, max_value=2**32))
def test_scenarios_that_validate_play_with_finite_numbers(
    tmp_path_factory: pytest.TempPathFactory, tree: dict, seed: int
) -> None:
    path = tmp_path_factory.mktemp("valid") / "scenario.yaml"
    path.write_text(write_yaml(tree), encoding="utf-8")
    result = load_any(path)
    assert_explained(result.diagnostics)
    if result.scenario is None:
        return  # the generator's rare slip (E209); the loader test covers such files
    for offset in range(3):
        play_randomly(result.scenario, seed + offset)
    analysis = analyse(result.scenario, walks=20, seed=seed)
    low, high = analysis.score_range
    assert 0 <= low <= high <= 100
    for policy, mean in analysis.policies.items():
        assert math.isfinite(mean), policy
    json.dumps(analysis.to_json(), allow_nan=False)  # what `analyze --json` prints
