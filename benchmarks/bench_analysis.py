"""Analysis speed, measured in one run.

    python benchmarks/bench_analysis.py

1. The exhaustive search of each bundled scenario, in this one process: states,
   transitions, time, states per second and peak memory (best of three).
2. The whole analysis of every bundled scenario, as `analyze scenarios/` runs it:
   search, paths, Pareto frontier and policy table, loading included; once in
   one process and once side by side (one worker per core). Target: under 2 s.
3. 10,000 seeded random playthroughs of the generated 10,000-node scenario.
   Target: under 10 s.
4. The whole analysis of that scenario with 200 walks: the search runs to its
   bound of 200,000 states, then seeded random playthroughs take over. Shown
   for reference: a trainer with a large scenario waits this long.
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from simulator.analysis.batch import analyse_files, default_workers  # noqa: E402
from simulator.analysis.explore import Explorer  # noqa: E402
from simulator.analysis.policies import play_out, random_policy  # noqa: E402
from simulator.engine.session import Session  # noqa: E402
from simulator.library import bundled_scenarios_dir, scenario_files  # noqa: E402
from simulator.scenario.loader import load_scenario  # noqa: E402
from simulator.scenario.playable import PlayableScenario  # noqa: E402


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def search(scenario: PlayableScenario) -> tuple[float, Explorer]:
    started = time.perf_counter()
    explorer = Explorer()
    explorer.search(Session.start(scenario, exploring=True))
    return time.perf_counter() - started, explorer


def peak_memory(scenario: PlayableScenario) -> float:
    tracemalloc.start()
    Explorer().search(Session.start(scenario, exploring=True))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


def whole_analysis(files: list[Path], workers: int) -> float:
    started = time.perf_counter()
    for _ in analyse_files(files, walks=1000, seed=0, workers=workers):
        pass
    return time.perf_counter() - started


def main() -> None:
    files = scenario_files([bundled_scenarios_dir()])
    scenarios = [load_scenario(path).scenario for path in files]
    print("1. exhaustive search of each bundled scenario, one process (best of 3)")
    total = 0.0
    for scenario in scenarios:
        assert scenario is not None
        seconds, explorer = min((search(scenario) for _ in range(3)), key=lambda r: r[0])
        total += seconds
        states = explorer.states
        transitions = sum(len(edges) for edges in explorer.edges)
        print(
            f"   {scenario.id:<22} {states:>7,} states {transitions:>8,} transitions "
            f"{seconds:5.2f} s ({states / seconds:>7,.0f} states/s, "
            f"{transitions / seconds:>7,.0f} transitions/s), "
            f"peak memory {peak_memory(scenario):5.1f} MiB"
        )
    print(f"   total {total:.2f} s")

    workers = default_workers(len(files))
    print(f"2. whole analysis of all {len(files)} (loading, search, paths, policies; best of 3)")
    alone = min(whole_analysis(files, 1) for _ in range(3))
    print(f"   one process:                 {alone:5.2f} s")
    side_by_side = min(whole_analysis(files, workers) for _ in range(3))
    print(
        f"   {workers} workers ({os.cpu_count()} cores):        {side_by_side:5.2f} s "
        f"(target < 2 s) {verdict(side_by_side < 2)}"
    )

    from generate import generate

    folder = REPO / "benchmarks" / "generated"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "synthetic-10000.yaml"
    if not path.exists():
        path.write_text(generate(10_000), encoding="utf-8")
    big = load_scenario(path).scenario
    assert big is not None
    started = time.perf_counter()
    choices = 0
    for seed in range(10_000):
        choices += len(play_out(big, random_policy, seed).path)
    seconds = time.perf_counter() - started
    print("3. random playthroughs of the generated 10,000-node scenario")
    print(
        f"   10,000 plays ({choices:,} choices) in {seconds:.2f} s "
        f"(target < 10 s) {verdict(seconds < 10)}"
    )

    started = time.perf_counter()
    (report,) = analyse_files([path], walks=200, seed=0, workers=1)
    seconds = time.perf_counter() - started
    assert report.analysis is not None
    print("4. whole analysis of the generated 10,000-node scenario, 200 walks")
    print(f"   {seconds:.2f} s, loading included (method: {report.analysis.method})")


if __name__ == "__main__":
    main()
