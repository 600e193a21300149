"""Every bundled scenario teaches its lesson: the checks a training manager would ask for.

They use the same analysis as `python -m simulator analyze`, so a trainer can see
any of these numbers for their own scenario.
"""

from __future__ import annotations

import functools

import pytest

from simulator.analysis.analyse import Analysis, analyse
from simulator.engine.script import play_script
from simulator.library import scenario_entries
from simulator.scenario.loader import load_scenario
from simulator.scenario.playable import PlayableScenario

ENTRIES = scenario_entries()
IDS = [entry.id for entry in ENTRIES]
MARGIN = 15


@functools.cache
def studied(scenario_id: str) -> tuple[PlayableScenario, Analysis]:
    entry = next(e for e in ENTRIES if e.id == scenario_id)
    scenario = load_scenario(entry.path).scenario
    assert scenario is not None
    return scenario, analyse(scenario, walks=1000, seed=0)


def test_there_are_five_bundled_scenarios_or_more() -> None:
    assert len(ENTRIES) >= 5


@pytest.mark.parametrize("scenario_id", IDS)
def test_search_is_exhaustive_and_nothing_is_dead(scenario_id: str) -> None:
    _, analysis = studied(scenario_id)
    assert analysis.method == "exhaustive"
    assert not analysis.stuck
    assert analysis.unreachable_nodes == []
    assert analysis.unoffered_choices == []


@pytest.mark.parametrize("scenario_id", IDS)
def test_long_enough_with_the_three_kinds_of_ending(scenario_id: str) -> None:
    _, analysis = studied(scenario_id)
    assert analysis.longest_path_decisions is not None
    assert analysis.longest_path_decisions >= 10
    reached = {meta["kind"] for meta in analysis.endings.values() if meta["reached"]}
    assert {"balanced", "over-accommodating", "lost"} <= reached


@pytest.mark.parametrize("scenario_id", IDS)
def test_the_best_score_needs_the_lesson(scenario_id: str) -> None:
    scenario, analysis = studied(scenario_id)
    applying = {
        choice for lesson in scenario.model.lessons.values() for choice in lesson.applied_by
    }
    assert applying, "name the choices that apply each lesson in 'applied_by'"
    assert analysis.best_paths
    for path in analysis.best_paths:
        assert applying & set(path), f"best path {path} applies no lesson"
    assert analysis.best.score >= scenario.model.scoring.pass_mark


@pytest.mark.parametrize("scenario_id", IDS)
@pytest.mark.parametrize("policy", ["accommodate", "refuse", "random"])
def test_naive_play_fails_well_below_the_best(scenario_id: str, policy: str) -> None:
    scenario, analysis = studied(scenario_id)
    mean = analysis.policies[policy]
    assert mean <= analysis.best.score - MARGIN, (policy, mean, analysis.best.score)
    assert mean < scenario.model.scoring.pass_mark


@pytest.mark.parametrize("scenario_id", IDS)
def test_no_single_tag_followed_blindly_passes(scenario_id: str) -> None:
    scenario, analysis = studied(scenario_id)
    passing = {
        tag: mean
        for tag, mean in analysis.policies.items()
        if mean >= scenario.model.scoring.pass_mark
    }
    assert passing == {}


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_choice_is_tagged(scenario_id: str) -> None:
    scenario, _ = studied(scenario_id)
    untagged = [
        choice.id
        for node in scenario.model.nodes.values()
        for choice in node.choices or []
        if not choice.tags
    ]
    assert untagged == []


# ---------------------------------------------------------------- the score's promises
# Proved over every play: the search is exhaustive (see the first test), so its outcomes
# are every outcome any play can reach.


@pytest.mark.parametrize("scenario_id", IDS)
def test_score_and_ending_agree_over_every_play(scenario_id: str) -> None:
    _, analysis = studied(scenario_id)
    broken = [f.message for f in analysis.findings if f.code in ("A701", "A702")]
    assert broken == []


@pytest.mark.parametrize("scenario_id", IDS)
def test_no_play_that_never_reads_the_words_passes(scenario_id: str) -> None:
    scenario, analysis = studied(scenario_id)
    mark = scenario.model.scoring.pass_mark
    assert {"longest", "shortest", "first", "last"} <= set(analysis.blind_policies)
    passing = {name: mean for name, mean in analysis.blind_policies.items() if mean >= mark}
    assert passing == {}


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_path_the_analysis_prints_replays_with_its_seed(scenario_id: str) -> None:
    """Best, worst and one path to every ending: each, played as a trainer would type it
    (`run ID --choices ... --seed N`), reaches the same ending with the same score."""
    scenario, analysis = studied(scenario_id)
    paths = {"best": analysis.best, "worst": analysis.worst, **analysis.ending_paths}
    assert set(analysis.ending_paths) == {
        ending for ending, meta in analysis.endings.items() if meta["reached"]
    }
    for name, path in paths.items():
        assert path.seed is not None, name
        session, problem = play_script(scenario, list(path.numbers), seed=path.seed)
        result = session.result()
        assert problem is None and result is not None, (name, problem)
        assert result.score == path.score, name
        if name in analysis.ending_paths:
            assert result.ending == name


def test_the_lesson_applying_option_is_rarely_the_longest() -> None:
    """Across the bundled scenarios: in at most 40% of decisions is the longest option one
    that applies a lesson, and the best option does not sit in one place."""
    longest_applies = decisions = 0
    for scenario_id in IDS:
        scenario, analysis = studied(scenario_id)
        applying = {c for lesson in scenario.model.lessons.values() for c in lesson.applied_by}
        for node in scenario.model.nodes.values():
            if len(node.choices or []) < 2:
                continue
            decisions += 1
            longest = max(node.choices or [], key=lambda choice: len(choice.text))
            longest_applies += longest.id in applying
        positions = {number for number in analysis.best.numbers if isinstance(number, int)}
        assert len(positions) >= 3, (scenario_id, analysis.best.numbers)
    assert longest_applies <= 0.4 * decisions, (longest_applies, decisions)
