"""Command-line start-up, measured side by side in one run.

    python benchmarks/bench_cli.py              # 7 fresh processes per command
    python benchmarks/bench_cli.py --runs 15
    python benchmarks/bench_cli.py --imports    # also the heavy packages each imports

Each command runs as a fresh process several times; the median CPU time (user +
system, from the operating system's accounting of the child) and the median wall
time are printed beside a bare ``python -c pass`` started the same way, with the
ratio and the target. CPU time is the figure the targets are about: wall time
on a shared machine says as much about the neighbours as about us.

Targets (issue #16): ``--help`` and ``list`` (menu index warm) at most 5x bare
Python's CPU; ``validate FILE`` at most 150 ms CPU; ``run ... --json`` at most
250 ms CPU, both for a run whose choices run out before an ending and for one that
reaches an ending (and so also reviews each decision for the debrief). ``report`` is
shown for reference (benchmarks/bench_report.py measures it at scale), and so are
``analyze`` searching afresh against ``analyze`` and ``graph --best`` reading the
analysis the warm-up kept (an unchanged scenario asked about again).
Everything runs against a temporary data folder, so the real menu index and
results store are never touched. Bytecode is cached as an installed copy caches it,
but under a temporary ``PYTHONPYCACHEPREFIX`` (even when ``PYTHONDONTWRITEBYTECODE``
is set, which would otherwise make every process compile every module again).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SIMULATOR = [PYTHON, "-m", "simulator"]

#: A play of late-client that reaches an ending, so the debrief's review runs too.
BEST_PLAY = "2,3,4,1,3,1,2,1"

#: Top-level packages worth naming when a command imports them.
HEAVY = ("pydantic", "sqlalchemy", "matplotlib", "pygame", "yaml", "yaml_rs", "jinja2")


@dataclass(frozen=True)
class Case:
    """One command to time, and its target: a ratio to bare Python, or CPU milliseconds."""

    name: str
    command: list[str]
    ratio_target: float | None = None
    cpu_target_ms: float | None = None
    exit_code: int = 0


def cases(report_path: Path) -> list[Case]:
    store = report_path.with_name("results.sqlite3")
    map_path = report_path.with_name("map.dot")
    return [
        Case("--help", [*SIMULATOR, "--help"], ratio_target=5.0),
        Case("list (index warm)", [*SIMULATOR, "list"], ratio_target=5.0),
        Case(
            "validate late-client.yaml",
            [*SIMULATOR, "validate", "scenarios/late-client.yaml"],
            cpu_target_ms=150.0,
        ),
        Case(
            "run late-client --json",
            [*SIMULATOR, "run", "late-client", "--choices", "1", "--seed", "0", "--json"],
            cpu_target_ms=250.0,
            exit_code=3,  # stops before an ending: the choices run out
        ),
        Case(
            "run late-client to the end",
            [*SIMULATOR, "run", "late-client", "--choices", BEST_PLAY, "--seed", "0", "--json"],
            cpu_target_ms=250.0,
        ),
        Case(  # recorded only when given a store, as a trainer running a demo would
            "run ... to the end, --results",
            [
                *SIMULATOR,
                *("run", "late-client", "--choices", BEST_PLAY, "--seed", "0", "--json"),
                *("--results", str(store)),
            ],
        ),
        Case(
            "report --all-plays",
            [*SIMULATOR, "report", "--all-plays", "--results", str(store), "-o", str(report_path)],
        ),
        Case(  # searched every time, as a scenario being written is
            "analyze late-client, searched",
            [*SIMULATOR, "analyze", "late-client", "--no-cache"],
        ),
        Case(  # the warm-up kept its analysis: an unchanged scenario asked about again
            "analyze late-client, kept",
            [*SIMULATOR, "analyze", "late-client"],
        ),
        Case(
            "graph late-client --best, kept",
            [*SIMULATOR, "graph", "late-client", "--best", "-o", str(map_path)],
        ),
    ]


def run(command: list[str], env: dict[str, str], exit_code: int = 0) -> None:
    """Runs the command; a command that fails is not timed, it is a broken benchmark."""
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != exit_code:
        raise SystemExit(f"{' '.join(command)}: exit {done.returncode}\n{done.stderr}")


def timed(command: list[str], env: dict[str, str], exit_code: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one fresh process running the command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run(command, env, exit_code)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def medians(case: Case, env: dict[str, str], runs: int) -> tuple[float, float]:
    samples = [timed(case.command, env, case.exit_code) for _ in range(runs)]
    return (
        statistics.median(cpu for cpu, _ in samples),
        statistics.median(wall for _, wall in samples),
    )


def heavy_imports(command: list[str], env: dict[str, str]) -> list[str]:
    """The heavy top-level packages a command has imported by the time it exits."""
    arguments = command[3:]
    probe = (
        "import runpy, sys\n"
        f"sys.argv = ['simulator', *{arguments!r}]\n"
        "try:\n"
        "    runpy.run_module('simulator', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = {HEAVY!r}\n"
        "found = sorted({m.split('.')[0] for m in sys.modules} & set(heavy))\n"
        "print(' '.join(found), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [PYTHON, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    return done.stderr.strip().splitlines()[-1].split() if done.stderr.strip() else []


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per command")
    parser.add_argument("--imports", action="store_true", help="also list heavy imports")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CS_SIMULATOR_HOME": home, "PYTHONPYCACHEPREFIX": f"{home}/pycache"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        report = Path(home) / "report.html"
        # Warm up: bytecode caches, the menu index, and a store with one play for report.
        for case in cases(report):
            run(case.command, env, case.exit_code)
        bare_cpu, bare_wall = medians(Case("bare", [PYTHON, "-c", "pass"]), env, options.runs)
        print(f"median of {options.runs} fresh processes each; CPU = user + system; {REPO}")
        print(
            f"{'bare python -c pass':<28} CPU {bare_cpu * 1000:6.1f} ms  wall "
            f"{bare_wall * 1000:6.1f} ms"
        )
        for case in cases(report):
            cpu, wall = medians(case, env, options.runs)
            ratio = cpu / bare_cpu
            line = (
                f"{case.name:<28} CPU {cpu * 1000:6.1f} ms  wall {wall * 1000:6.1f} ms  "
                f"{ratio:5.1f}x bare"
            )
            if case.ratio_target is not None:
                line += f"  (target <= {case.ratio_target:g}x) "
                line += verdict(ratio <= case.ratio_target)
            elif case.cpu_target_ms is not None:
                line += f"  (target <= {case.cpu_target_ms:g} ms CPU) "
                line += verdict(cpu * 1000 <= case.cpu_target_ms)
            else:
                line += "  (for reference)"
            print(line)
            if options.imports:
                print(f"{'':<28} imports: {', '.join(heavy_imports(case.command, env)) or '-'}")


if __name__ == "__main__":
    main()
