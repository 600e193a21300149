"""Analysis speed, measured in one run.

    python benchmarks/bench_analysis.py

1. Exhaustive search of every bundled scenario (every reachable state, merged):
   time, states, states per second, and peak memory. Target: under 2 s in total.
2. The full `analyze` of each (search, best paths and the policy table with
   1,000 random plays), for reference.
3. 10,000 seeded random playthroughs of the generated 10,000-node scenario.
   Target: under 10 s.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from simulator.analysis.analyse import analyse  # noqa: E402
from simulator.analysis.explore import Explorer  # noqa: E402
from simulator.analysis.policies import play_out, random_policy  # noqa: E402
from simulator.engine.session import Session  # noqa: E402
from simulator.library import scenario_entries  # noqa: E402
from simulator.scenario.loader import load_scenario  # noqa: E402


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def search(scenario) -> tuple[float, int]:
    started = time.perf_counter()
    explorer = Explorer()
    explorer.summary(Session.start(scenario, exploring=True))
    return time.perf_counter() - started, explorer.states


def peak_memory(scenario) -> float:
    tracemalloc.start()
    Explorer().summary(Session.start(scenario, exploring=True))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


def main() -> None:
    scenarios = [load_scenario(entry.path).scenario for entry in scenario_entries()]
    total = 0.0
    print("1. exhaustive search of every bundled scenario")
    for scenario in scenarios:
        assert scenario is not None
        seconds, states = min(search(scenario) for _ in range(3))
        total += seconds
        print(
            f"   {scenario.id:<24} {states:>7,} states in {seconds:5.2f} s "
            f"({states / seconds:>8,.0f} states/s), peak memory {peak_memory(scenario):6.1f} MiB"
        )
    print(f"   total {total:.2f} s (target < 2 s) {verdict(total < 2)}")

    print("2. full analyze (search, best paths, policies with 1,000 random plays)")
    for scenario in scenarios:
        started = time.perf_counter()
        analyse(scenario, walks=1000)
        print(f"   {scenario.id:<24} {time.perf_counter() - started:5.2f} s")

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


if __name__ == "__main__":
    main()
