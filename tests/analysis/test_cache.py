"""Analyses kept between runs (analysis/cache.py): used only where a fresh one would say
the same, exactly; a kept file that is not exactly one is ignored and replaced.

The command-line tests run `analyze`, `guide` and `graph` in fresh processes on a data
folder of their own, as a trainer meets them."""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.analysis import cache
from simulator.analysis.analyse import DEFAULT_WALKS, Analysis, analyse
from simulator.analysis.cache import (
    KEEP,
    analyse_kept,
    analysis_from_record,
    analysis_record,
    fingerprint,
)
from simulator.cli import build_parser
from simulator.scenario.playable import PlayableScenario
from tests.analysis.test_analyse import BRANCHY as LINKED_LATER
from tests.conftest import REPO, run_cli

# 'gate' linked, as the tests of the analysis link it, so that the file is valid.
BRANCHY = LINKED_LATER.replace(
    "      - {weight: 1, next: end-lost}", "      - {weight: 1, next: gate}"
)

# A random branch that mostly goes wrong: the best play needs the dice to fall the other
# way, which seed 0 does not do.
LUCKY = """\
format: 1
id: lucky
title: Lucky
start: ask
nodes:
  ask:
    choices:
      - {id: try, text: Try your luck, effects: [satisfaction += 40], next: roll,
         tags: [negotiate]}
      - {id: stop, text: Stop, next: end-lost, tags: [refuse]}
  roll:
    random:
      - {weight: 9, next: end-lost}
      - {weight: 1, next: end-good}
  end-good: {ending: {kind: balanced, title: Good}}
  end-lost: {ending: {kind: lost, title: Lost}}
scoring: {target: {satisfaction: 70, cost: 3}, cost_limit: 10, pass_mark: 70}
"""


def _round_trip(analysis: Analysis, file: str) -> Analysis | None:
    """Through a file's JSON text, as the cache writes and reads it."""
    return analysis_from_record(json.loads(json.dumps(analysis_record(analysis))), file)


def test_every_field_comes_back_exactly(
    playable: Callable[[str], PlayableScenario],
) -> None:
    branchy = playable(BRANCHY)
    searched = analyse(branchy, walks=20)
    sampled = analyse(branchy, walks=20, max_states=1)  # random playthroughs
    late_client = playable((REPO / "scenarios/late-client.yaml").read_text())
    assert sampled.why_sampled and searched.best_paths
    assert _round_trip(searched, branchy.path) == searched
    assert _round_trip(sampled, branchy.path) == sampled
    assert _round_trip(analyse(late_client), late_client.path) == analyse(late_client)


def test_findings_come_back_with_their_places(playable: Callable[[str], PlayableScenario]) -> None:
    """Always the first option passes here: a content-blind finding (A703), with the
    place in the file it is reported at."""
    first_wins = LUCKY.replace(
        "      - {id: try, text: Try your luck, effects: [satisfaction += 40], next: roll,",
        "      - {id: try, text: Do it well, effects: [satisfaction += 70], next: end-good,",
    ).replace(
        "  roll:\n    random:\n      - {weight: 9, next: end-lost}\n"
        "      - {weight: 1, next: end-good}\n",
        "",
    )
    scenario = playable(first_wins)
    analysis = analyse(scenario, walks=20)
    assert "A703" in [finding.code for finding in analysis.findings]
    assert _round_trip(analysis, scenario.path) == analysis
    # The same scenario read from another file: its findings are about that file.
    elsewhere = _round_trip(analysis, "elsewhere/mine.yaml")
    assert elsewhere is not None
    assert {finding.file for finding in elsewhere.findings} == {"elsewhere/mine.yaml"}


@pytest.mark.parametrize(
    "damage",
    [
        lambda record: {**record, "format": 0},  # another layout
        lambda record: {**record, "states": "many"},
        lambda record: {**record, "best": [1, [1], ["x"]]},
        lambda record: {**record, "findings": [["Z999", "m", 1, 1, [], False, None]]},
        lambda record: {**record, "pareto": [["end", 1, 2, 3.5, 0, 1]]},
        lambda record: {**record, "statistics": {}},  # the report reads every count
        lambda record: {**record, "best": [math.inf, [], [], 0]},  # no score
        lambda record: {**record, "policies": {"random": math.nan}},
        lambda record: {**record, "score_range": [-math.inf, 100]},
        lambda record: {key: value for key, value in record.items() if key != "policies"},
        lambda record: [record],
        lambda record: None,
    ],
)
def test_anything_but_an_analysis_as_written_is_not_one(
    playable: Callable[[str], PlayableScenario], damage: Callable[[dict], object]
) -> None:
    scenario = playable(BRANCHY)
    record = analysis_record(analyse(scenario, walks=20))
    assert analysis_from_record(record, scenario.path) is not None
    damaged = json.loads(json.dumps(damage(record)))  # as a file holds it
    assert analysis_from_record(damaged, scenario.path) is None


def test_a_kept_analysis_is_used_only_for_the_same_scenario_code_and_walks(
    playable: Callable[[str], PlayableScenario], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CS_SIMULATOR_HOME", str(tmp_path))
    scenario = playable(BRANCHY)
    key = fingerprint(scenario, 20, 0, 200_000)
    assert key == fingerprint(playable(BRANCHY), 20, 0, 200_000)  # loaded again: the same
    assert key != fingerprint(scenario, 21, 0, 200_000)
    assert key != fingerprint(playable(BRANCHY.replace("Give in", "Give up")), 20, 0, 200_000)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: b"another version of the simulator")
    assert key != fingerprint(scenario, 20, 0, 200_000)


def test_only_the_most_recently_used_are_kept(
    playable: Callable[[str], PlayableScenario], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CS_SIMULATOR_HOME", str(tmp_path))
    folder = tmp_path / cache.FOLDER
    folder.mkdir()
    for number in range(KEEP + 5):
        old = folder / f"{number:064x}.json"
        old.write_text("{}", encoding="utf-8")
        os.utime(old, ns=(number * 10**9, number * 10**9))
    analyse_kept(playable(BRANCHY), 20)
    kept = sorted(path.name for path in folder.glob("*.json"))
    assert len(kept) == KEEP
    assert f"{0:064x}.json" not in kept and f"{KEEP + 4:064x}.json" in kept


# ---------------------------------------------------------------- as trainers meet it


def _home(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "CS_SIMULATOR_HOME": str(tmp_path)}


def _kept_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / cache.FOLDER).glob("*.json"))


def test_analyze_again_reads_the_kept_analysis_and_says_the_same(tmp_path: Path) -> None:
    first = run_cli("analyze", "late-client", "--json", env=_home(tmp_path))
    again = run_cli("analyze", "late-client", "--json", env=_home(tmp_path))
    assert first.returncode == again.returncode == 0
    assert (again.stdout, again.stderr) == (first.stdout, first.stderr)
    (kept,) = _kept_files(tmp_path)
    # It is read, not searched again: what the file says is what the command says.
    record = json.loads(kept.read_text(encoding="utf-8"))
    kept.write_text(json.dumps({**record, "states": 7}), encoding="utf-8")
    assert (
        json.loads(run_cli("analyze", "late-client", "--json", env=_home(tmp_path)).stdout)[
            "states"
        ]
        == 7
    )
    fresh = run_cli("analyze", "late-client", "--json", "--no-cache", env=_home(tmp_path))
    assert fresh.stdout == first.stdout


@pytest.mark.parametrize("text", ["{not json", "[]", '{"format": 1}', ""])
def test_a_damaged_kept_analysis_is_searched_again_and_replaced(tmp_path: Path, text: str) -> None:
    first = run_cli("analyze", "late-client", "--json", env=_home(tmp_path))
    (kept,) = _kept_files(tmp_path)
    kept.write_text(text, encoding="utf-8")
    again = run_cli("analyze", "late-client", "--json", env=_home(tmp_path))
    assert again.returncode == 0 and "Traceback" not in again.stderr
    assert again.stdout == first.stdout
    assert analysis_from_record(json.loads(kept.read_text(encoding="utf-8")), "x") is not None


def test_a_changed_scenario_is_analysed_afresh(tmp_path: Path) -> None:
    scenario = tmp_path / "mine.yaml"
    scenario.write_text(BRANCHY, encoding="utf-8")
    run_cli("analyze", str(scenario), env=_home(tmp_path))
    scenario.write_text(BRANCHY.replace("title: Good", "title: Well done"), encoding="utf-8")
    changed = run_cli("analyze", str(scenario), env=_home(tmp_path))
    assert "Well done" in changed.stdout
    assert len(_kept_files(tmp_path)) == 2


def test_guide_and_graph_best_use_the_analysis_analyze_kept(tmp_path: Path) -> None:
    run_cli("analyze", "late-client", env=_home(tmp_path))
    (kept,) = _kept_files(tmp_path)
    before = kept.stat().st_mtime_ns
    os.utime(kept, ns=(before - 10**9, before - 10**9))
    graph = run_cli(
        "graph", "late-client", "--best", "-o", str(tmp_path / "map.dot"), env=_home(tmp_path)
    )
    assert graph.returncode == 0, graph.stderr
    assert _kept_files(tmp_path) == [kept] and kept.stat().st_mtime_ns >= before  # read
    guide = run_cli("guide", "late-client", "-o", str(tmp_path / "guide.html"), env=_home(tmp_path))
    assert guide.returncode == 0, guide.stderr
    assert _kept_files(tmp_path) == [kept]


def test_graph_best_draws_the_best_play_with_its_own_seed(
    tmp_path: Path, playable: Callable[[str], PlayableScenario]
) -> None:
    """The best play here needs the one-in-ten branch: drawn with seed 0, as it was, it
    ended at end-lost."""
    best = analyse(playable(LUCKY)).best
    assert best.seed not in (None, 0)
    scenario = tmp_path / "lucky.yaml"
    scenario.write_text(LUCKY, encoding="utf-8")
    drawn = run_cli(
        "graph", str(scenario), "--best", "-o", str(tmp_path / "map.dot"), env=_home(tmp_path)
    )
    assert drawn.returncode == 0, drawn.stderr
    dot = (tmp_path / "map.dot").read_text(encoding="utf-8")
    good = next(line for line in dot.splitlines() if line.strip().startswith('"end-good"'))
    lost = next(line for line in dot.splitlines() if line.strip().startswith('"end-lost"'))
    assert "penwidth" in good and "penwidth" not in lost


def test_analyze_walks_by_default_as_guide_and_graph_do() -> None:
    """One default, so that the three commands share one kept analysis."""
    assert build_parser().parse_args(["analyze", "x"]).walks == DEFAULT_WALKS


def test_nothing_is_kept_when_the_code_cannot_be_read(
    playable: Callable[[str], PlayableScenario], tmp_path: Path, monkeypatch
) -> None:
    """Shipped without its source (or with a module that cannot be opened), nothing can
    say which code made an analysis: it is made afresh each time, and never kept."""
    monkeypatch.setenv("CS_SIMULATOR_HOME", str(tmp_path))
    monkeypatch.setattr(cache, "code_fingerprint", lambda: None)
    scenario = playable(BRANCHY)
    assert analyse_kept(scenario, 20) == analyse(scenario, walks=20)
    assert not (tmp_path / cache.FOLDER).exists()


def test_writes_cut_short_are_cleared_away_and_the_bytes_kept_are_bounded(
    playable: Callable[[str], PlayableScenario], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CS_SIMULATOR_HOME", str(tmp_path))
    monkeypatch.setattr(cache, "KEEP_BYTES", 3_000)
    folder = tmp_path / cache.FOLDER
    folder.mkdir()
    old = time.time() - cache.ABANDONED_SECONDS - 60
    abandoned = folder / ".abc.json.x1y2.tmp"  # a worker stopped mid-write, long ago
    abandoned.write_text("{", encoding="utf-8")
    os.utime(abandoned, (old, old))
    writing = folder / ".def.json.z3w4.tmp"  # another process writing now
    writing.write_text("{", encoding="utf-8")
    for number in range(3):
        big = folder / f"{number:064x}.json"
        big.write_text(" " * 1_000, encoding="utf-8")
        os.utime(big, (old + number, old + number))
    analyse_kept(playable(BRANCHY), 20)  # its own analysis is larger than 1,000 bytes
    assert not abandoned.exists() and writing.exists()
    kept = sorted(path.name for path in folder.glob("*.json"))
    assert len(kept) == 1 and kept[0] != f"{2:064x}.json"  # only the newest fits


# Three one-in-twenty branches stand between the first choice and the best ending: no
# seed the analysis tries takes all three, so its best play has no seed.
RARE = """\
format: 1
id: rare
title: Rare
start: ask
nodes:
  ask:
    choices:
      - {id: try, text: Try your luck, next: r1, tags: [negotiate]}
      - {id: stop, text: Stop, next: end-lost, tags: [refuse]}
  r1:
    random:
      - {weight: 1, next: r2}
      - {weight: 19, next: end-lost}
  r2:
    random:
      - {weight: 1, next: r3}
      - {weight: 19, next: end-lost}
  r3:
    random:
      - {weight: 1, next: win}
      - {weight: 19, next: end-lost}
  win:
    choices:
      - {id: good, text: Do it well, effects: [satisfaction += 40], next: end-good}
      - {id: meh, text: Do it badly, next: end-lost}
  end-good: {ending: {kind: balanced, title: Good}}
  end-lost: {ending: {kind: lost, title: Lost}}
scoring: {target: {satisfaction: 70, cost: 3}, cost_limit: 10, pass_mark: 70}
"""


def test_graph_best_says_so_when_no_seed_plays_the_best_play(tmp_path: Path) -> None:
    """Replayed with --seed 0, it failed ("the scenario has already ended"): the map is
    drawn without the play, and the trainer told why and which choices it makes."""
    scenario = tmp_path / "rare.yaml"
    scenario.write_text(RARE, encoding="utf-8")
    drawn = run_cli(
        "graph", str(scenario), "--best", "-o", str(tmp_path / "map.dot"), env=_home(tmp_path)
    )
    assert drawn.returncode == 0, drawn.stderr
    assert "no seed up to 4,000" in drawn.stderr and "try > good" in drawn.stderr
    assert "penwidth" not in (tmp_path / "map.dot").read_text(encoding="utf-8")


def test_graph_best_analyses_again_when_what_was_kept_cannot_be_played(tmp_path: Path) -> None:
    run_cli("analyze", "late-client", env=_home(tmp_path))
    (kept,) = _kept_files(tmp_path)
    record = json.loads(kept.read_text(encoding="utf-8"))
    kept.write_text(json.dumps({**record, "best": [100, [9, 9], ["zz", "zz"], 0]}), "utf-8")
    drawn = run_cli(
        "graph", "late-client", "--best", "-o", str(tmp_path / "map.dot"), env=_home(tmp_path)
    )
    assert drawn.returncode == 0, drawn.stderr
    assert json.loads(kept.read_text(encoding="utf-8"))["best"] == record["best"]  # mended
