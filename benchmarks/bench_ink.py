"""The ink peer benchmark: our engine against ink's runtimes on the same map (issue #16).

    python benchmarks/bench_ink.py                    # 1,000 nodes, 2,000 plays each
    python benchmarks/bench_ink.py --plays 500 --warmup 50
    python benchmarks/bench_ink.py --no-install       # only the peers already installed

The generated 1,000-node scenario (``generate.py``) is translated into an ink story
(``ink_export.py``: equivalent enough that random play makes comparable work), then:

1. load: our ``load_scenario`` (read, parse, model, every check, compile; expression
   caches cleared before each run) against inkjs's compiler turning the ink source into
   ink's JSON, and each runtime reading that JSON (inkcpp first converts it to its
   binary format);
2. random play: the same number of plays, play k seeded with k (ink's ``RANDOM`` through
   ``SEED_RANDOM(play_seed)``, ours through the session's seed), each pick a random one of
   the choices offered, after the same number of untimed warm-up plays; choices per CPU
   second, and our rate as a multiple of each peer's.

Each side's CPU time is measured in its own process (``process.cpuUsage()`` in node,
``time.process_time()`` in Python) and printed beside wall time. The peers: inkjs from
npm (installed into ``benchmarks/ink/node_modules`` from ``benchmarks/ink/package.json``),
bink and inkcpp-py from PyPI (installed into ``benchmarks/.peer-venv``, never the
project's environment). A peer that cannot be installed is skipped, and the run says why;
bink and inkcpp read the story inkjs compiled, so without inkjs they are skipped too.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from bench_load import clear_expression_caches, load_checked, scenario_file  # noqa: E402
from ink_export import export_ink  # noqa: E402

from simulator.engine.session import Session, Status  # noqa: E402
from simulator.scenario.playable import PlayableScenario  # noqa: E402

INK_DIR = HERE / "ink"
PEER_VENV = HERE / ".peer-venv"
GENERATED = HERE / "generated"
#: The Python-hosted peers: name, distribution pinned, module to import.
PYTHON_PEERS = (("bink", "bink==0.7.1", "bink"), ("inkcpp", "inkcpp-py==0.1.12", "inkcpp_py"))
TARGET_OVER_INKCPP = 1.5  # our random play at least this many times inkcpp's rate
MAX_CHOICES_PER_PLAY = 100_000  # as the drivers: a play that never ends is stopped
INSTALL_TIMEOUT = 300


@dataclass(frozen=True)
class Measure:
    """One side's figures: load and play, CPU beside wall, as its driver reported them."""

    name: str
    load_cpu: float
    load_wall: float
    choices: int
    stopped: int
    cpu: float
    wall: float

    @property
    def rate(self) -> float:
        return self.choices / self.cpu if self.cpu else float("inf")


# ---------------------------------------------------------------- the peers


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "no output"


def inkjs_ready(install: bool) -> str | None:
    """None when node can run inkjs here (installed first if allowed), else why not."""
    if shutil.which("node") is None:
        return "node is not installed"
    if (INK_DIR / "node_modules" / "inkjs" / "package.json").exists():
        return None
    if not install:
        return "not installed (run: npm ci --prefix benchmarks/ink)"
    if shutil.which("npm") is None:
        return "npm is not installed"
    print("  (installing inkjs into benchmarks/ink/node_modules ...)", flush=True)
    done = _run(["npm", "ci", "--no-audit", "--no-fund"], INK_DIR)
    return None if done is None else f"npm ci failed: {done}"


def peer_python(install: bool) -> tuple[Path | None, str | None]:
    """The peer venv's interpreter, made if missing and allowed, or why there is none."""
    python = PEER_VENV / "bin" / "python"
    if python.exists():
        return python, None
    if not install:
        return None, f"no {PEER_VENV.relative_to(HERE.parent)} (run without --no-install)"
    print(f"  (creating {PEER_VENV.relative_to(HERE.parent)} ...)", flush=True)
    failed = _run([sys.executable, "-m", "venv", str(PEER_VENV)], HERE)
    return (python, None) if failed is None else (None, f"venv failed: {failed}")


def python_peer_ready(python: Path, distribution: str, module: str, install: bool) -> str | None:
    """None when ``module`` imports in the peer venv (installed first if allowed)."""
    if _run([str(python), "-c", f"import {module}"], HERE) is None:
        return None
    if not install:
        return f"{distribution} not installed in the peer venv"
    print(f"  (installing {distribution} into the peer venv ...)", flush=True)
    failed = _run([str(python), "-m", "pip", "install", "--quiet", distribution], HERE)
    return None if failed is None else f"pip install {distribution} failed: {failed}"


def _run(command: list[str], cwd: Path) -> str | None:
    """Runs a set-up command; None when it worked, else the last line it printed."""
    try:
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    return None if done.returncode == 0 else _last_line(done.stderr or done.stdout)


def inkjs_version() -> str:
    package = INK_DIR / "node_modules" / "inkjs" / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"]


def _driver(command: list[str]) -> tuple[dict[str, Any] | None, str | None]:
    """A driver's JSON report, or why there is none."""
    done = subprocess.run(command, cwd=HERE, capture_output=True, text=True)
    if done.returncode != 0:
        return None, _last_line(done.stdout if '"errors"' in done.stdout else done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1]), None


# ---------------------------------------------------------------- our side


def our_load(path: Path, repeat: int) -> tuple[float, float]:
    """Best CPU and wall seconds of ``repeat`` cold loads (parse caches cleared)."""
    best_cpu = best_wall = float("inf")
    for _ in range(repeat):
        clear_expression_caches()
        cpu, wall = time.process_time(), time.perf_counter()
        load_checked(path)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return best_cpu, best_wall


def our_play_once(playable: PlayableScenario, seed: int, picks: random.Random) -> int:
    """One play from the start to an ending; the choices made, or -1 if stopped."""
    session = Session.start(playable, seed)
    choices = 0
    while True:
        status = session.status
        if status is Status.WAITING_FOR_CONTINUE:
            session.continue_()
            continue
        if status is not Status.WAITING_FOR_CHOICE:
            return choices
        available = session.available_choices
        if not available:
            return choices
        if choices >= MAX_CHOICES_PER_PLAY:
            return -1
        session.choose(available[picks.randrange(len(available))])
        choices += 1


def our_plays(playable: PlayableScenario, plays: int, seed: int) -> tuple[int, int]:
    picks = random.Random(seed)
    choices = stopped = 0
    for play in range(plays):
        made = our_play_once(playable, seed + play, picks)
        if made < 0:
            stopped += 1
        else:
            choices += made
    return choices, stopped


def measure_ours(path: Path, args: argparse.Namespace) -> Measure:
    load_cpu, load_wall = our_load(path, args.repeat)
    playable = load_checked(path)
    our_plays(playable, args.warmup, args.seed + args.plays)
    gc.collect()  # a full collection left over from loading would land in the short window
    cpu, wall = time.process_time(), time.perf_counter()
    choices, stopped = our_plays(playable, args.plays, args.seed)
    return Measure(
        "ours",
        load_cpu,
        load_wall,
        choices,
        stopped,
        time.process_time() - cpu,
        time.perf_counter() - wall,
    )


# ---------------------------------------------------------------- report


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def play_args(args: argparse.Namespace) -> list[str]:
    return [
        "--plays",
        str(args.plays),
        "--seed",
        str(args.seed),
        "--warmup",
        str(args.warmup),
        "--repeat",
        str(args.repeat),
    ]


def print_plays(ours: Measure, peers: list[Measure]) -> None:
    print(
        f"\n2. random play: {'':<26} {'choices':>8} {'CPU':>8} {'wall':>8} "
        f"{'choices/CPU-s':>14}  ours is"
    )
    for side in [ours, *peers]:
        line = (
            f"   {side.name:<40} {side.choices:>8,} {side.cpu:>7.2f}s {side.wall:>7.2f}s "
            f"{side.rate:>14,.0f}"
        )
        if side is not ours:
            ratio = ours.rate / side.rate
            line += f"  {ratio:5.2f}x"
            if side.name.startswith("inkcpp"):
                verdict = "PASS" if ratio >= TARGET_OVER_INKCPP else "MISS"
                line += f" (target >= {TARGET_OVER_INKCPP:g}x) {verdict}"
        if side.stopped:
            line += f"  ({side.stopped} plays stopped at {MAX_CHOICES_PER_PLAY:,} choices)"
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="nodes (default 1000)")
    parser.add_argument("--plays", type=int, default=2000, help="timed plays per side")
    parser.add_argument("--warmup", type=int, default=200, help="untimed plays first")
    parser.add_argument("--seed", type=int, default=0, help="play k is seeded seed + k")
    parser.add_argument("--repeat", type=int, default=3, help="loads and compiles, best kept")
    parser.add_argument("--no-install", action="store_true", help="never install a peer")
    args = parser.parse_args(argv)
    install = not args.no_install

    path = scenario_file(args.size)
    print(f"Python {platform.python_version()} on {platform.machine()}; {load_average()}")
    playable = load_checked(path)
    ink_path = GENERATED / f"{path.stem}.ink"
    ink_path.write_text(export_ink(playable), encoding="utf-8")
    json_path = GENERATED / f"{path.stem}.ink.json"
    json_path.unlink(missing_ok=True)
    print(
        f"{path.relative_to(HERE.parent)}: {args.size:,} nodes, {path.stat().st_size:,} bytes; "
        f"as ink {ink_path.relative_to(HERE.parent)}: {ink_path.stat().st_size:,} bytes"
    )
    print(
        f"{args.plays:,} timed plays per side (play k seeded {args.seed} + k), "
        f"{args.warmup:,} untimed warm-up plays first; loads: best of {args.repeat}"
    )

    ours = measure_ours(path, args)
    peers: list[Measure] = []
    notes: list[str] = []
    failed = False
    compile_cpu = compile_wall = None

    reason = inkjs_ready(install)
    if reason is None:
        driver = ["node", str(INK_DIR / "driver.js")]
        compiled, error = _driver(
            [*driver, "compile", str(ink_path), str(json_path), "--repeat", str(args.repeat)]
        )
        if compiled is None:
            print(f"inkjs: FAILED to compile the exported story: {error}")
            failed = True
        else:
            compile_cpu, compile_wall = compiled["cpu"], compiled["wall"]
            report, error = _driver([*driver, "play", str(json_path), *play_args(args)])
            if report is None:
                print(f"inkjs: FAILED to play: {error}")
                failed = True
            else:
                peers.append(_measure(f"inkjs {inkjs_version()} (node {_node()})", report))
    else:
        notes.append(f"inkjs: skipped ({reason})")

    python, reason = peer_python(install)
    for name, distribution, module in PYTHON_PEERS:
        if not json_path.exists():
            notes.append(f"{name}: skipped (it reads the story inkjs compiles, and inkjs did not)")
            continue
        if python is None or reason is not None:
            notes.append(f"{name}: skipped ({reason})")
            continue
        missing = python_peer_ready(python, distribution, module, install)
        if missing is not None:
            notes.append(f"{name}: skipped ({missing})")
            continue
        command = [str(python), str(INK_DIR / "peers.py"), name, str(json_path)]
        report, error = _driver([*command, *play_args(args)])
        if report is None:
            print(f"{name}: FAILED: {error}")
            failed = True
            continue
        peers.append(_measure(f"{name} {distribution.split('==')[1]}", report))

    print(f"\n1. load {'':<40} {'CPU':>11} {'wall':>11}")
    print(
        f"   {'ours: load_scenario (parse + validate)':<46}{ms(ours.load_cpu)} {ms(ours.load_wall)}"
    )
    if compile_cpu is not None and compile_wall is not None:
        print(
            f"   {'inkjs: compile the ink to JSON':<46}{ms(compile_cpu)} {ms(compile_wall)}"
            f"   ours is {compile_cpu / ours.load_cpu:.1f}x faster (CPU)"
        )
    for peer in peers:
        step = "JSON to binary to story" if peer.name.startswith("inkcpp") else "JSON to story"
        label = f"{peer.name.split(' (')[0]}: {step}"
        print(f"   {label:<46}{ms(peer.load_cpu)} {ms(peer.load_wall)}")
    print_plays(ours, peers)
    for note in notes:
        print(note)
    print(f"\n{load_average()}")
    print("(node's CPU counts its garbage collector's threads too, so it can pass its wall time)")
    return 1 if failed else 0


def _measure(name: str, report: dict[str, Any]) -> Measure:
    return Measure(
        name,
        report["load_cpu"],
        report["load_wall"],
        report["choices"],
        report["stopped"],
        report["cpu"],
        report["wall"],
    )


def _node() -> str:
    done = subprocess.run(["node", "--version"], capture_output=True, text=True)
    return done.stdout.strip().lstrip("v")


if __name__ == "__main__":
    sys.exit(main())
