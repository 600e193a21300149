"""Analysis time and memory, measured in one run, with targets.

    python benchmarks/bench_analysis.py            # bundled scenarios, 1,000 and 10,000 nodes
    python benchmarks/bench_analysis.py --large    # and 100,000 nodes (a few minutes more)
    python benchmarks/bench_analysis.py --skip-bundled --sizes 10000

1. The exhaustive search of each bundled scenario, in this one process: states,
   transitions, CPU and wall time, states per CPU second, peak memory
   (``tracemalloc``, in a run of its own).
2. The whole analysis of every bundled scenario, as ``analyze scenarios/`` runs it:
   search, paths, Pareto frontier and policy table, loading included; once in one
   process and once side by side (one worker per core). Target: 1 s of CPU in one
   process.
   Then the debrief's review of one play of each (its marks and "a better choice
   here"), and the same review again, as Play again meets it.
3. 10,000 seeded random playthroughs of the generated 10,000-node scenario.
   Target: under 10 s.
4. The whole analysis of each generated scenario (``analyse`` with 200 walks), each
   in a fresh process so that its peak resident memory is its own: loading and
   analysis apart, CPU and wall time, peak memory, and the method with its reason.
   Targets: 10,000 nodes in 3 s of CPU and 300 MB; 100,000 nodes within 2 GB.

Every figure is printed with CPU time beside wall time, and each target as the
measured share of it (1.00 is exactly on target) with PASS or MISS. The machine's
load average is printed before and after: on a shared machine wall time means
little, CPU time more.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE)]

from generate import generate  # noqa: E402

from simulator.analysis.analyse import analyse  # noqa: E402
from simulator.analysis.batch import analyse_files, default_workers  # noqa: E402
from simulator.analysis.explore import Explorer  # noqa: E402
from simulator.analysis.policies import play_out, random_policy  # noqa: E402
from simulator.analysis.review import review_decisions  # noqa: E402
from simulator.engine.script import settle  # noqa: E402
from simulator.engine.session import DecisionRecord, Session, Status  # noqa: E402
from simulator.library import bundled_scenarios_dir, scenario_files  # noqa: E402
from simulator.scenario.loader import load_scenario  # noqa: E402
from simulator.scenario.playable import PlayableScenario  # noqa: E402
from simulator.scenario.yamlfile import MAX_FILE_BYTES  # noqa: E402

GENERATED = HERE / "generated"
DEFAULT_SIZES = [1000, 10000]
LARGE_SIZE = 100_000
WALKS = 200

TARGET_BUNDLED_CPU = 1.0  # seconds: the whole analysis of every bundled scenario
TARGET_PLAYS_SECONDS = 10.0  # 10,000 random playthroughs of the 10,000-node scenario
# Per generated size: (CPU seconds for loading and analysis, peak resident MB).
TARGETS: dict[int, tuple[float | None, float]] = {10_000: (3.0, 300.0), 100_000: (None, 2048.0)}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def against(measured: float, target: float, unit: str) -> str:
    """``measured`` as a share of its target: at most 1.00 passes."""
    share = measured / target
    return f"{share:4.2f} of {target:g} {unit} {verdict(share <= 1)}"


def timed(run: Callable[[], Any]) -> tuple[Any, float, float]:
    """The run's result, its CPU seconds and its wall seconds."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = run()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB. Linux's VmHWM, not ru_maxrss:
    a process started from a large one inherits its ru_maxrss across exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # given in KiB
    raise SystemExit("peak memory is read from /proc/self/status: Linux only")


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def scenario_file(size: int) -> Path:
    """The generated file for ``size`` nodes, written first if it is missing."""
    path = GENERATED / f"synthetic-{size}.yaml"
    if not path.exists():
        print(f"   (generating {path.relative_to(REPO)} ...)", flush=True)
        GENERATED.mkdir(parents=True, exist_ok=True)
        path.write_text(generate(size), encoding="utf-8")
    return path


def load(path: Path) -> PlayableScenario:
    result = load_scenario(path, max_bytes=max(MAX_FILE_BYTES, path.stat().st_size))
    if result.scenario is None:
        raise SystemExit(f"{path} did not load: {result.diagnostics[:3]}")
    return result.scenario


# ---------------------------------------------------------------- 1 and 2: bundled


def search(scenario: PlayableScenario) -> Explorer:
    explorer = Explorer()
    explorer.search(Session.start(scenario, exploring=True))
    return explorer


def traced_peak_mb(run: Callable[[], Any]) -> float:
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def bundled(repeat: int) -> None:
    files = scenario_files([bundled_scenarios_dir()])
    scenarios = [load(path) for path in files]
    print(f"1. exhaustive search of each bundled scenario, one process (best of {repeat})")
    total_cpu = total_wall = 0.0
    for scenario in scenarios:
        one = functools.partial(search, scenario)
        runs = [timed(one) for _ in range(repeat)]
        explorer, cpu, wall = min(runs, key=lambda run: run[1])
        total_cpu, total_wall = total_cpu + cpu, total_wall + wall
        transitions = sum(len(edges) for edges in explorer.edges)
        print(
            f"   {scenario.id:<22} {explorer.states:>7,} states {transitions:>8,} transitions "
            f"{cpu:5.2f} s CPU {wall:5.2f} s wall ({explorer.states / cpu:>7,.0f} states/s), "
            f"peak traced memory {traced_peak_mb(one):5.1f} MiB",
            flush=True,
        )
    print(f"   total {total_cpu:.2f} s CPU, {total_wall:.2f} s wall")

    def whole(workers: int) -> None:
        # Searched every time: a kept analysis (bench_cli.py measures reading one) would
        # make every run after the first a read of the data folder, and write to it.
        for _ in analyse_files(files, walks=1000, seed=0, workers=workers, kept=False):
            pass

    print(f"2. whole analysis of all {len(files)} (loading, search, paths, policies)")
    runs = [timed(lambda: whole(1)) for _ in range(repeat)]
    _, cpu, wall = min(runs, key=lambda run: run[1])
    print(
        f"   one process:  {cpu:5.2f} s CPU {wall:5.2f} s wall  "
        f"{against(cpu, TARGET_BUNDLED_CPU, 's CPU')}"
    )
    workers = default_workers(len(files))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    _, cpu, wall = timed(lambda: whole(workers))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(
        f"   {workers} workers:    {cpu + children:5.2f} s CPU {wall:5.2f} s wall "
        f"(workers' CPU included)"
    )
    debrief_reviews(scenarios)


def a_play(scenario: PlayableScenario) -> list[DecisionRecord]:
    """A play to an ending that takes, at each decision, the option whose place turns
    with the decision's number (1st, 2nd, 3rd, ...): as varied as a trainee's."""
    session = Session.start(scenario, seed=0)
    settle(session)
    while session.status is Status.WAITING_FOR_CHOICE:
        offered = session.available_choices
        session.choose(offered[len(session.decisions) % len(offered)])
        settle(session)
    return list(session.decisions)


def debrief_reviews(scenarios: list[PlayableScenario]) -> None:
    """What the debrief's marks and hints cost a new hire's machine, per scenario: the
    first review of a play, then the same scenario reviewed again (Play again)."""
    print("2b. the debrief's review of one play of each (first, then Play again)")
    for scenario in scenarios:
        decisions = a_play(scenario)
        review = functools.partial(review_decisions, scenario, 0, decisions)
        reviews, cpu, wall = timed(review)
        _, again, _ = timed(review)
        weighed = sum(one.verdict is not None for one in reviews)
        print(
            f"   {scenario.id:<22} {weighed:>2}/{len(reviews):<2} decisions marked  "
            f"{cpu:5.2f} s CPU {wall:5.2f} s wall; again {again * 1000:5.1f} ms CPU",
            flush=True,
        )


# ---------------------------------------------------------------- 3 and 4: generated


def random_plays() -> None:
    big = load(scenario_file(10_000))
    plays = 10_000

    def play() -> int:
        return sum(len(play_out(big, random_policy, seed).path) for seed in range(plays))

    choices, cpu, wall = timed(play)
    print("3. random playthroughs of the generated 10,000-node scenario")
    print(
        f"   {plays:,} plays ({choices:,} choices) {cpu:5.2f} s CPU {wall:5.2f} s wall  "
        f"{against(cpu, TARGET_PLAYS_SECONDS, 's CPU')}"
    )


def measure_one(path: Path, walks: int) -> dict[str, Any]:
    """Load and analyse one file in this process (a fresh one: see ``generated``)."""
    scenario, load_cpu, load_wall = timed(lambda: load(path))
    loaded = peak_rss_mb()
    analysis, cpu, wall = timed(lambda: analyse(scenario, walks=walks))
    return {
        "load_cpu": load_cpu,
        "load_wall": load_wall,
        "loaded_mb": loaded,
        "cpu": cpu,
        "wall": wall,
        "peak_mb": peak_rss_mb(),
        "method": analysis.method,
        "states": analysis.states,
        "why": analysis.why_sampled,
    }


def generated(sizes: list[int], walks: int) -> None:
    print(f"4. whole analysis of each generated scenario ({walks} walks), each in a fresh process")
    for size in sizes:
        path = scenario_file(size)
        done = subprocess.run(
            [sys.executable, __file__, "--measure-one", str(path), "--walks", str(walks)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(f"   {size:>7,} nodes: FAILED (exit {done.returncode})\n{done.stderr[-2000:]}")
            continue
        m = json.loads(done.stdout)
        cpu, wall = m["load_cpu"] + m["cpu"], m["load_wall"] + m["wall"]
        print(
            f"   {size:>7,} nodes: load {m['load_cpu']:5.2f} s CPU {m['load_wall']:5.2f} s wall "
            f"(peak {m['loaded_mb']:6.0f} MB); analysis {m['cpu']:5.2f} s CPU "
            f"{m['wall']:5.2f} s wall; in all {cpu:5.2f} s CPU {wall:5.2f} s wall, "
            f"peak {m['peak_mb']:6.0f} MB"
        )
        states = f", {m['states']:,} states" if m["method"] == "exhaustive" else ""
        print(f"            method: {m['method']}{states}" + (f" ({m['why']})" if m["why"] else ""))
        cpu_target, memory_target = TARGETS.get(size, (None, None))
        checks = []
        if cpu_target is not None:
            checks.append("time " + against(cpu, cpu_target, "s CPU"))
        if memory_target is not None:
            checks.append("memory " + against(m["peak_mb"], memory_target, "MB"))
        if checks:
            print("            " + "; ".join(checks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also 100,000 nodes")
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES)
    parser.add_argument("--walks", type=int, default=WALKS)
    parser.add_argument("--repeat", type=int, default=1, help="best of N for sections 1-2")
    parser.add_argument("--skip-bundled", action="store_true", help="sections 3 and 4 only")
    parser.add_argument("--measure-one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_one is not None:
        print(json.dumps(measure_one(args.measure_one, args.walks)))
        return
    print(load_average())
    if not args.skip_bundled:
        bundled(args.repeat)
    random_plays()
    generated([*args.sizes, *([LARGE_SIZE] if args.large else [])], args.walks)
    print(load_average())


if __name__ == "__main__":
    main()
