"""The analysis that trainers and the balance tests rely on."""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.analysis.analyse import analyse, pareto_frontier
from simulator.analysis.batch import analyse_file, analyse_files, routes
from simulator.analysis.explore import Explorer, Outcome
from simulator.analysis.policies import (
    GraphPolicies,
    choice_tags,
    play_out,
    random_policy,
    scenario_tags,
    tag_policy,
    where_tags_offered,
)
from simulator.engine.script import play_pick, resolve_pick, settle
from simulator.engine.session import Session
from simulator.library import scenario_files
from simulator.scenario.loader import load_scenario
from simulator.scenario.playable import PlayableScenario
from tests.conftest import REPO, STUCK, run_cli

BRANCHY = """\
format: 1
id: branchy
title: Branchy
start: ask
variables:
  patience: {type: int, default: 1, min: 0, max: 3}
nodes:
  ask:
    timer: {seconds: 10, next: slow, effects: [satisfaction -= 20]}
    choices:
      - {id: give, text: Give in, effects: [satisfaction += 40, cost += 9], next: roll,
         tags: [accommodate]}
      - {id: talk, text: Talk it through, effects: [satisfaction += 20, cost += 2,
         patience += 1], next: roll, tags: [negotiate]}
      - {id: no, text: No, effects: [satisfaction -= 30], next: end-lost, tags: [refuse]}
  slow:
    next: end-lost
    lines: [{id: slow.l1, text: He walks off.}]
  roll:
    random:
      - {weight: 3, next: check}
      - {weight: 1, next: end-lost}
  check:
    branch:
      - {if: patience >= 2, next: end-good}
      - {next: end-costly}
  end-good: {ending: {kind: balanced, title: Good}}
  end-costly: {ending: {kind: over-accommodating, title: Costly}}
  end-lost: {ending: {kind: lost, title: Lost}}
  never:
    next: end-good
    lines: [{id: never.l1, text: unreachable by conditions}]
  gate:
    branch:
      - {if: patience > 5, next: never}
      - {next: end-good}
scoring: {target: {satisfaction: 70, cost: 3}, cost_limit: 10, pass_mark: 70}
"""


@pytest.fixture
def branchy(playable: Callable[[str], PlayableScenario]) -> PlayableScenario:
    # 'gate' and 'never' are linked so the validator accepts them, yet no play enters them.
    text = BRANCHY.replace("      - {weight: 1, next: end-lost}", "      - {weight: 1, next: gate}")
    return playable(text)


def test_exhaustive_search_finds_every_ending_and_the_score_range(branchy) -> None:
    result = analyse(branchy, walks=50)
    assert result.method == "exhaustive"
    assert {e for e, meta in result.endings.items() if meta["reached"]} == {
        "end-good",
        "end-costly",
        "end-lost",
    }
    # no: a balance of 50 * (20/70)^2 + 50 = 54, inside the lost band (0-69): 54; talk: 100.
    assert result.score_range == (54, 100)


def test_best_and_worst_paths_replay_to_their_scores(branchy) -> None:
    result = analyse(branchy, walks=50)
    assert result.best.choices == ["talk"] and result.best.numbers == [2]
    assert result.best.score == 100
    assert result.worst.choices == ["no"]


def test_nodes_no_play_can_enter_are_listed(branchy) -> None:
    assert analyse(branchy, walks=20).unreachable_nodes == ["never"]


def test_best_expected_score_weighs_random_branches(branchy) -> None:
    result = analyse(branchy, walks=20)
    assert result.best_expected == pytest.approx(100)  # both random branches end well


def test_tag_policies_follow_their_tag(branchy) -> None:
    policies = analyse(branchy, walks=200).policies
    assert set(policies) == {"random", "accommodate", "negotiate", "refuse"}
    assert policies["refuse"] == 54  # a balance of 54 (see above), lost
    # give: a balance of 57. Three times in four over-accommodating: 57, inside its band;
    # else balanced, below its band: squeezed into its first ten points, 70 + 10 * 57 / 80.
    assert policies["accommodate"] == pytest.approx(0.75 * 57 + 0.25 * 77)
    assert policies["negotiate"] == 100


def test_a_tag_policy_without_its_tag_on_offer_picks_any_offered_alike(branchy) -> None:
    """Where its tag is not offered, a tag policy has no preference: the order in which
    the author listed the choices must not decide its score."""
    session = Session.start(branchy, seed=1)
    available = session.available_choices
    third = pytest.approx(1 / 3)
    weighed = tag_policy("escalate")(available, choice_tags(branchy))
    assert weighed == [(third, "give"), (third, "talk"), (third, "no")]
    assert tag_policy("refuse")(available, choice_tags(branchy)) == [(1.0, "no")]


WARM = "      - {id: warm, text: Warm, effects: [satisfaction += 20], next: second}\n"
COLD = "      - {id: cold, text: Cold, effects: [satisfaction -= 20], next: second}\n"
ORDERED = """\
format: 1
id: ordered
title: Ordered
start: first
nodes:
  first:
    choices:
{options}  second:
    choices:
      - {{id: hold, text: Hold the line, tags: [boundary], next: done}}
  done: {{ending: {{kind: other, title: Done}}}}
scoring: {{target: {{satisfaction: 70, cost: 3}}, cost_limit: 10, pass_mark: 70}}
"""


def test_reordering_choices_does_not_change_a_tag_policys_mean(
    playable: Callable[[str], PlayableScenario],
) -> None:
    """'always boundary' meets no boundary at the first step: it must weigh both options
    there alike, not take whichever the author happened to list first."""
    as_written = analyse(playable(ORDERED.format(options=WARM + COLD)), walks=10)
    reordered = analyse(playable(ORDERED.format(options=COLD + WARM)), walks=10)
    assert as_written.policies["boundary"] == reordered.policies["boundary"]
    assert as_written.score_range[0] < as_written.policies["boundary"]  # not the cold one


def test_policy_means_are_exact_on_the_graph_and_agree_with_seeded_plays(branchy) -> None:
    """Random play in 'branchy': give (62 on average), talk (100) or no (54), a third
    each. The exact mean and 4,000 seeded plays must agree."""
    exact = analyse(branchy, walks=10).policies["random"]
    assert exact == pytest.approx((62 + 100 + 54) / 3)
    played = analyse(branchy, walks=4000, max_states=1).policies["random"]
    assert played == pytest.approx(exact, abs=2.0)


def test_a_seeded_play_replays_to_the_same_end_in_a_trainees_session(branchy) -> None:
    """Random playthroughs keep no history, yet their choices, replayed with the same seed
    in a full session (as the best and worst paths are), reach the same ending."""
    for seed in range(40):
        play = play_out(branchy, random_policy, seed)
        session = Session.start(branchy, seed=seed)
        for pick in play.path:
            settle(session)
            resolved = resolve_pick(session, "t" if pick == "timeout" else pick)
            assert not isinstance(resolved, str), resolved
            play_pick(session, resolved)
        settle(session)
        result = session.result()
        assert result is not None and play.score is not None
        assert (result.ending, result.score) == (play.ending, play.score)
        assert set(play.session.state.visits) == set(session.state.visits)


def test_random_playthroughs_take_over_when_the_space_is_too_big(branchy) -> None:
    result = analyse(branchy, walks=300, max_states=1)
    assert result.method == "random playthroughs"
    assert result.best.score == 100
    assert {e for e, meta in result.endings.items() if meta["reached"]} >= {"end-good", "end-lost"}


def test_seeded_walks_are_repeatable(branchy) -> None:
    first = [play_out(branchy, random_policy, seed).path for seed in range(30)]
    second = [play_out(branchy, random_policy, seed).path for seed in range(30)]
    assert first == second


def test_runs_that_cannot_end_are_reported(playable: Callable[[str], PlayableScenario]) -> None:
    scenario = playable(STUCK)
    result = analyse(scenario, walks=10)
    assert "a" in result.stuck


def test_pareto_frontier_keeps_only_undominated_outcomes() -> None:
    outcomes = {
        Outcome("a", 80, 5, 90),
        Outcome("b", 70, 5, 80),
        Outcome("c", 90, 9, 70),
        Outcome("d", 40, 0, 60),
    }
    assert [o.ending for o in pareto_frontier(outcomes)] == ["d", "a", "c"]


@given(
    st.sets(
        st.builds(
            Outcome,
            st.sampled_from("abc"),
            st.integers(0, 20).map(float),
            st.integers(0, 20).map(float),
            st.integers(0, 100),
        ),
        max_size=40,
    )
)
def test_pareto_sweep_agrees_with_the_definition(outcomes: set[Outcome]) -> None:
    """The one-pass sweep keeps exactly the (satisfaction, cost) pairs nothing dominates."""

    def dominated(o: Outcome) -> bool:
        return any(
            other.satisfaction >= o.satisfaction
            and other.cost <= o.cost
            and (other.satisfaction > o.satisfaction or other.cost < o.cost)
            for other in outcomes
        )

    expected = {(o.satisfaction, o.cost) for o in outcomes if not dominated(o)}
    frontier = pareto_frontier(outcomes)
    assert [(o.satisfaction, o.cost) for o in frontier] == sorted(
        expected, key=lambda pair: (pair[1], -pair[0])
    )
    assert set(frontier) <= outcomes


# The format tour has one real decision, so always picking the option in its place
# passes: the analysis says so, and exits 1.
TOUR_FILE = REPO / "docs" / "examples" / "format-tour.yaml"
TOUR_FLAGGED = "error A703: always picking the second option passes"


def test_analyze_command_prints_json_with_the_agreed_fields() -> None:
    done = run_cli("analyze", "docs/examples/format-tour.yaml", "--json", "--walks", "50")
    assert done.returncode == 1 and TOUR_FLAGGED in done.stderr, done.stderr
    data = json.loads(done.stdout)
    for key in (
        "method",
        "endings",
        "score_range",
        "best",
        "worst",
        "pareto",
        "policies",
        "blind_policies",
        "ending_paths",
        "findings",
    ):
        assert key in data
    assert data["best"]["choices"] == ["own-it"] and data["best"]["seed"] == 0
    assert {f["code"] for f in data["findings"]} == {"A703"}


def copy_tour(folder: Path) -> None:
    """The format tour and the characters it includes, alone in a folder."""
    shutil.copytree(REPO / "docs" / "examples" / "characters", folder / "characters")
    shutil.copy(TOUR_FILE, folder)
    shutil.copy(TOUR_FILE.with_name("format-tour.test.yaml"), folder)


def test_analyze_command_text_is_readable() -> None:
    done = run_cli("analyze", "docs/examples/format-tour.yaml", "--walks", "50")
    assert done.returncode == 1 and TOUR_FLAGGED in done.stderr
    assert "Method: exhaustive" in done.stdout and "always 'negotiate'" in done.stdout
    assert "always the longest" in done.stdout and "--seed" in done.stdout


def test_analyze_a_folder_side_by_side(tmp_path: Path) -> None:
    """Scenarios in a folder (not its characters, tests or translations) are analysed by
    two workers, with the same results as one, and a broken file does not stop the rest."""
    folder = tmp_path / "mine"
    copy_tour(folder)
    valid = BRANCHY.replace("{weight: 1, next: end-lost}", "{weight: 1, next: gate}")
    (folder / "branchy.yaml").write_text(valid, encoding="utf-8")
    (folder / "broken.yaml").write_text(
        valid.replace("id: branchy", "id: broken").replace("next: roll", "next: rol"),
        encoding="utf-8",
    )
    shutil.copy(REPO / "tests" / "broken" / "E005-syntax.yaml", folder / "garbled.yaml")
    # Each searched afresh: the second must not merely read what the first kept.
    fresh = ("--json", "--walks", "20", "--no-cache")
    together = run_cli("analyze", str(folder), *fresh, "--workers", "2")
    alone = run_cli("analyze", str(folder), *fresh, "--workers", "1")
    assert together.returncode == alone.returncode == 1  # the broken files
    assert "broken.yaml:" in together.stderr and "E2" in together.stderr
    assert "garbled.yaml:" in together.stderr and "E005" in together.stderr
    reports = json.loads(together.stdout)
    assert [report["scenario"] for report in reports] == ["branchy", "format-tour"]
    assert reports == json.loads(alone.stdout)


def test_a_folder_gives_a_json_list_even_with_one_scenario(tmp_path: Path) -> None:
    folder = tmp_path / "one"
    copy_tour(folder)
    done = run_cli("analyze", str(folder), "--json", "--walks", "20")
    assert done.returncode == 1 and TOUR_FLAGGED in done.stderr, done.stderr
    assert [report["scenario"] for report in json.loads(done.stdout)] == ["format-tour"]


def test_ctrl_c_stops_every_worker_at_once(tmp_path: Path) -> None:
    """Twelve copies of the largest bundled scenario would keep two workers busy for a
    while. Ctrl-C once the first report is out: the workers stop, so far less work is
    done than the whole batch (counted in CPU time, which a busy machine does not
    inflate the way it does the time on the clock)."""
    premium = REPO / "scenarios" / "premium-expectations.yaml"
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(12):
        shutil.copy(premium, folder / f"p{number:02d}.yaml")
    started = time.process_time()
    analyse_file(premium, 20, 0, kept=False)
    one_file = time.process_time() - started
    # Searched, not read from analyses kept by other tests (the copies are all alike).
    command = [
        *[sys.executable, "-m", "simulator", "analyze", str(folder), "--workers", "2"],
        "--no-cache",
    ]
    process = subprocess.Popen(
        [*command, "--walks", "20"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group, as a terminal's Ctrl-C reaches it
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()  # the first report: the work is well under way
    os.killpg(process.pid, signal.SIGINT)
    _, status, usage = os.wait4(process.pid, 0)  # usage counts the workers it waited for
    assert os.waitstatus_to_exitcode(status) == 130
    assert usage.ru_utime + usage.ru_stime < 8 * one_file
    assert b"Traceback" not in process.stderr.read()


def test_choices_no_play_can_pick_are_listed(playable: Callable[[str], PlayableScenario]) -> None:
    scenario = playable("""\
format: 1
id: dead-choice
title: Dead choice
start: a
variables:
  patience: {type: int, default: 1, min: 0, max: 3}
nodes:
  a:
    choices:
      - {id: go, text: Go, next: end}
      - {id: never, text: Never, if: patience > 2, reason: Not now., next: end}
  end:
    ending: {title: End}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
""")
    assert analyse(scenario, walks=10).unoffered_choices == ["never"]


def test_the_analysis_leaves_no_reference_cycles(branchy) -> None:
    """The cycle collector is paused while the analysis runs, so a reference cycle would
    keep the whole graph of states alive (and cost a long scan) until it ran again."""
    premium = load_scenario(REPO / "scenarios" / "premium-expectations.yaml").scenario
    assert premium is not None
    gc.collect()
    gc.disable()  # so that no automatic collection clears cycles before they are counted
    try:
        for scenario in (branchy, premium):
            analyse(scenario, walks=20)
            analyse(scenario, walks=20, max_states=50)  # the random playthroughs, too
        assert gc.collect() == 0
    finally:
        gc.enable()


ROUTES = """\
format: 1
id: routes
title: Routes
start: ask
nodes:
  ask:
    choices:
      - {id: yes, text: Yes, next: again}
      - {id: sure, text: Sure, next: again}
      - {id: no, text: No, next: done}
  again:
    choices:
      - {id: back, text: Ask again, next: ask}
      - {id: stop, text: Stop, next: done}
  done: {ending: {kind: balanced, title: Done}}
scoring: {target: {satisfaction: 70, cost: 3}, cost_limit: 10, pass_mark: 70}
"""


def test_the_batch_guesses_work_from_the_routes_through_the_map(
    playable: Callable[[str], PlayableScenario],
) -> None:
    """Two choices to the same node are two routes (their effects can differ), and a
    loop is not followed round: ask-yes-again-stop, ask-sure-again-stop, ask-no-done.
    Without the loop, 'Ask again' becomes a second way from 'again' to the end."""
    assert routes(playable(ROUTES)) == 3
    assert routes(playable(ROUTES.replace("next: ask}", "next: done}"))) == 5


def test_workers_started_fresh_load_their_own_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where workers cannot be forked (macOS, Windows), they start as fresh interpreters,
    inherit nothing and load each file themselves; the reports are the same."""
    folder = tmp_path / "mine"
    copy_tour(folder)
    valid = BRANCHY.replace("{weight: 1, next: end-lost}", "{weight: 1, next: gate}")
    (folder / "branchy.yaml").write_text(valid, encoding="utf-8")
    shutil.copy(REPO / "tests" / "broken" / "E005-syntax.yaml", folder / "garbled.yaml")
    files = scenario_files([folder])
    alone = [(r.path, r.analysis, r.diagnostics) for r in analyse_files(files, 20, 0, workers=1)]
    monkeypatch.setattr(sys, "platform", "darwin")
    fresh = [(r.path, r.analysis, r.diagnostics) for r in analyse_files(files, 20, 0, workers=2)]
    assert fresh == alone
    assert [analysis is None for _, analysis, _ in fresh] == [False, False, True]


@pytest.mark.parametrize("name", ["late-client", "surprise-fee", "unreasonable-return"])
def test_a_tag_policy_takes_random_plays_means_where_its_tag_cannot_come_again(
    name: str,
) -> None:
    """Once a tag can no longer be offered, its policy reads random play's means instead
    of weighing the same futures again: every tag's mean must be what the full weighing
    gives, to the last bit. (Were a node that can still lead to the tag left out of
    ``where_tags_offered``, the policy would play at random where it should follow it.)"""
    loaded = load_scenario(REPO / "scenarios" / f"{name}.yaml")
    assert loaded.scenario is not None
    scenario = loaded.scenario
    explorer = Explorer()
    root = explorer.search(Session.start(scenario, exploring=True))
    tags = choice_tags(scenario)
    offered_at = where_tags_offered(scenario)
    shared = GraphPolicies(explorer, root, tags)
    assert shared.mean(random_policy) is not None
    shortened = 0
    for tag in scenario_tags(scenario):
        alone = GraphPolicies(explorer, root, tags).mean(tag_policy(tag))
        assert shared.mean(tag_policy(tag), offered_at[tag]) == alone, tag
        shortened += len(offered_at[tag]) < len(scenario.model.nodes)
    assert shortened  # the shortcut is taken at all


def test_where_a_tag_may_still_be_offered_follows_the_map_back(
    playable: Callable[[str], PlayableScenario],
) -> None:
    """'calm' is offered at the first step and at 'late', which only 'check' leads to:
    it can still come from every node on the way there, and from no other."""
    late = (
        "  late:\n    choices:\n      - {id: calm-down, text: Calm, next: end-good, tags: [calm]}\n"
    )
    text = (
        BRANCHY.replace("tags: [negotiate]", "tags: [negotiate, calm]")
        .replace("      - {weight: 1, next: end-lost}", "      - {weight: 1, next: gate}")
        .replace(
            "      - {if: patience >= 2, next: end-good}", "      - {if: patience >= 2, next: late}"
        )
        .replace("  end-good: {ending:", late + "  end-good: {ending:")
    )
    offered_at = where_tags_offered(playable(text))
    assert offered_at["accommodate"] == {"ask"}
    assert offered_at["calm"] == {"ask", "roll", "check", "late"}


# Found by fuzzing: loops whose every pass costs a little more, so that merged states
# chain into runs of states longer than any one play the search made.
DEEP_CHAINS = """\
format: 1
id: fz
title: Fz
start: n0
variables:
  k: {type: int, min: 0, max: 3}
nodes:
  n0:
    random:
      - {weight: 2, next: n1}
      - {weight: 2, next: end-over}
  n1:
    choices:
      - {id: c1, text: xxxxx, next: n2, effects: [cost += 1], tags: [refuse]}
      - {id: c2, text: xx, next: end-lost, effects: [cost += 1], tags: [negotiate]}
  n2:
    random:
      - {weight: 2, next: n3}
      - {weight: 3, next: n2}
  n3:
    choices:
      - {id: c3, text: xxx, next: n4, effects: [satisfaction += 10], tags: [negotiate, calm]}
      - {id: c4, text: xx, next: end-over, tags: []}
      - {id: c5, text: xxxxxx, next: n6, effects: [satisfaction += 10], tags: []}
    fallback: end-over
  n4:
    random:
      - {weight: 3, next: n5}
      - {weight: 3, next: n3}
  n5:
    choices:
      - {id: c6, text: xxxxxxx, next: n6, effects: [satisfaction += 10], tags: [calm, negotiate]}
      - {id: c7, text: xxx, next: n4, effects: [cost += 1], if: k < 2, tags: [refuse, accommodate]}
  n6:
    choices:
      - {id: c8, text: xxxxxxx, next: n7, effects: [satisfaction += 10], tags: []}
      - {id: c9, text: xxxxxxxxx, next: n5, effects: [cost += 1], tags: []}
      - {id: c10, text: xxxxxxx, next: n1, effects: [satisfaction -= 5], tags: [accommodate, calm]}
  n7:
    choices:
      - {id: c11, text: xxxxxxxxx, next: end-good, effects: [satisfaction -= 5],
         tags: [refuse, negotiate]}
      - {id: c12, text: xxx, next: end-lost, effects: [satisfaction += 10], once: true,
         tags: [accommodate, calm]}
      - {id: c13, text: xxxxx, next: n6, effects: [cost += 1], if: k < 2,
         tags: [refuse, accommodate]}
  end-good: {ending: {kind: balanced, title: Good}}
  end-lost: {ending: {kind: lost, title: Lost}}
  end-over: {ending: {kind: over-accommodating, title: Over}}
scoring: {target: {satisfaction: 70, cost: 3}, cost_limit: 10, pass_mark: 70}
"""


def test_a_chain_of_states_deeper_than_python_recurses_is_weighed_by_playing(
    write_file: Callable[[str, str], Path],
) -> None:
    """Weighing a policy follows a run of states by recursion; past Python's limit the
    table takes seeded plays for that policy, as it does where plays loop, instead of
    ending the command with a traceback (RecursionError, before)."""
    done = run_cli(
        "analyze", str(write_file(DEEP_CHAINS, "deep.yaml")), "--no-cache", "--walks", "50"
    )
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr
    assert done.returncode in (0, 1), done.stderr  # 1: its findings include an error
    assert "Method: exhaustive" in done.stdout and "random play" in done.stdout


def test_a_play_that_ends_before_any_decision_is_replayed_without_choices(
    write_file: Callable[[str, str], Path],
) -> None:
    """Its witness read `run ID --choices  --seed N`: pasted into a shell, --choices took
    --seed as its value and the command failed. It now reads `run ID --seed N`."""
    text = (
        BRANCHY.replace("start: ask", "start: door")
        .replace(
            "nodes:\n",
            "nodes:\n  door:\n    random:\n      - {weight: 1, next: end-lost}\n"
            "      - {weight: 1, next: ask}\n",
        )
        .replace("{weight: 1, next: end-lost}\n  check", "{weight: 1, next: gate}\n  check")
    )
    path = write_file(text, "door.yaml")
    loaded = load_scenario(path)
    assert loaded.scenario is not None, loaded.diagnostics
    witness = analyse(loaded.scenario, walks=20).ending_paths["end-lost"]
    command = witness.command("branchy").split()
    assert witness.choices == [] and "--choices" not in command
    replayed = run_cli("run", str(path), *command[2:])
    assert replayed.returncode == 0, replayed.stderr
    assert "Lost" in replayed.stdout
    shown = run_cli("analyze", str(path), "--walks", "20", "--no-cache").stdout
    (line,) = [
        line for line in shown.splitlines() if line.startswith("  end-lost ") and "seed" in line
    ]
    assert ": --seed " in line and "(before any decision)" in line
