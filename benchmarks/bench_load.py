"""Load, parse and play benchmarks on generated scenarios, with targets.

Measures, on the same files from ``benchmarks/generate.py``:

1. load + validate time of ``load_scenario`` per size (cold: the expression
   parse caches cleared before each run; warm: caches left filled), with a
   breakdown into its phases;
2. the time of each YAML parser from PyPI on the same text, parsing to
   Python data (rapidyaml, if installed, only builds its own tree), and the
   ratio of our whole load + validate to the fastest parser;
3. engine throughput in choices per second, playing random sessions headless
   on the 1,000-node file.

Each figure is printed with its target and PASS or MISS. ``--profile load`` or
``--profile engine`` prints a cProfile of one part instead.

Usage::

    python benchmarks/bench_load.py                 # 1,000 and 10,000 nodes
    python benchmarks/bench_load.py --large         # and 100,000 nodes
    python benchmarks/bench_load.py --sizes 1000 --engine-seconds 5
    python benchmarks/bench_load.py --profile load  # where the load time goes
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib
import importlib.metadata
import platform
import pstats
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from generate import generate  # noqa: E402

from simulator.engine.session import Session, Status  # noqa: E402
from simulator.scenario import expressions  # noqa: E402
from simulator.scenario.loader import build_playable, load_scenario  # noqa: E402
from simulator.scenario.model import Scenario  # noqa: E402
from simulator.scenario.playable import PlayableScenario  # noqa: E402
from simulator.scenario.yamlfile import MAX_FILE_BYTES, read_file  # noqa: E402

GENERATED = HERE / "generated"
DEFAULT_SIZES = [1000, 10000]
LARGE_SIZE = 100_000
ENGINE_SIZE = 1000

TARGET_LOAD_MS_1000 = 100.0  # a 1,000-node scenario loads and validates in at most this
TARGET_RATIO = 2.0  # load + validate at most this many times the fastest parser
TARGET_CHOICES_PER_SECOND = 50_000


# ---------------------------------------------------------------- helpers


def scenario_file(size: int, seed: int = 0) -> Path:
    """The generated file for ``size`` nodes, written first if it is missing."""
    path = GENERATED / f"synthetic-{size}.yaml"
    if not path.exists():
        print(f"  (generating {path.relative_to(HERE.parent)} ...)", flush=True)
        GENERATED.mkdir(parents=True, exist_ok=True)
        path.write_text(generate(size, seed), encoding="utf-8")
    return path


def max_bytes_for(path: Path) -> int:
    return max(MAX_FILE_BYTES, path.stat().st_size)


def repetitions(size: int) -> int:
    return 10 if size <= 2000 else 3 if size <= 20000 else 1


def clear_expression_caches() -> None:
    expressions.parse_condition.cache_clear()
    expressions.parse_effect.cache_clear()


def best_time(
    run: Callable[[], Any],
    repeat: int,
    before: Callable[[], None] | None = None,
    budget: float = 5.0,
) -> tuple[float, int]:
    """The fastest of up to ``repeat`` runs in seconds, and how many runs were made.

    ``before`` runs untimed before each run. Runs stop early once another one
    would take the time spent past ``budget`` seconds, so that a slow case
    costs one run and not ``repeat``.
    """
    best = float("inf")
    spent = 0.0
    runs = 0
    while runs < repeat:
        if before is not None:
            before()
        gc.collect()
        start = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - start
        del result  # freed outside the timed part
        best = min(best, elapsed)
        spent += elapsed
        runs += 1
        if spent + best > budget:
            break
    return best, runs


def load_checked(path: Path) -> PlayableScenario:
    result = load_scenario(path, max_bytes=max_bytes_for(path))
    if result.scenario is None:
        shown = "\n".join(str(d) for d in result.diagnostics[:10])
        raise SystemExit(f"{path} did not load:\n{shown}")
    return result.scenario


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def version_of(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


# ---------------------------------------------------------------- 1. load + validate


def bench_load(path: Path, size: int) -> dict[str, float]:
    repeat = repetitions(size)
    limit = max_bytes_for(path)
    load_scenario_checked = lambda: load_checked(path)  # noqa: E731
    cold, cold_runs = best_time(
        load_scenario_checked, repeat, before=clear_expression_caches, budget=8.0
    )
    if size <= 20000:
        load_checked(path)  # fill the caches
        warm, warm_runs = best_time(load_scenario_checked, repeat, budget=4.0)

    # The phases of load_scenario, each timed on its own (cold caches for the check).
    document, problems = read_file(path, limit)
    assert document is not None, problems
    model = Scenario.model_validate(document.data)
    parse, _ = best_time(lambda: read_file(path, limit), repeat, budget=3.0)
    shape, _ = best_time(lambda: Scenario.model_validate(document.data), repeat, budget=3.0)
    check, _ = best_time(
        lambda: build_playable(model, path, document.text),
        repeat,
        before=clear_expression_caches,
        budget=3.0,
    )

    warm_text = (
        f"warm {ms(warm)} (best of {warm_runs:>2})"
        if size <= 20000
        else "warm: not measured above 20,000 nodes"
    )
    print(
        f"  {size:>7,} nodes  cold {ms(cold)} (best of {cold_runs:>2})   {warm_text}   "
        f"{cold * 1e6 / size:.0f} us/node cold"
    )
    print(
        f"{'':20}phases (cold): read + yaml-rs parse {ms(parse)}, pydantic model "
        f"{ms(shape)}, checks + compile {ms(check)}"
    )
    return {"cold": cold, "parse": parse, "shape": shape, "check": check}


# ---------------------------------------------------------------- 2. parsers


Runner = Callable[[str, bytes], Callable[[], Any]]


def _parsers() -> list[tuple[str, str, str, Runner, bool]]:
    """(label, module, distribution, make-run, gives Python data)."""

    def yaml_rs_run(text: str, raw: bytes) -> Callable[[], Any]:
        import yaml_rs

        return lambda: yaml_rs.loads(text, parse_datetime=False)

    def csafe_run(text: str, raw: bytes) -> Callable[[], Any]:
        import yaml

        if not getattr(yaml, "__with_libyaml__", False):
            raise ImportError("PyYAML was built without libyaml (no CSafeLoader)")
        return lambda: yaml.load(text, Loader=yaml.CSafeLoader)

    def ryaml_run(text: str, raw: bytes) -> Callable[[], Any]:
        import ryaml

        return lambda: ryaml.loads(text)

    def pyyaml_rs_run(text: str, raw: bytes) -> Callable[[], Any]:
        import pyyaml_rs

        return lambda: pyyaml_rs.safe_load(text)

    def ryml_run(text: str, raw: bytes) -> Callable[[], Any]:
        import ryml

        return lambda: ryml.parse_in_arena(raw)

    return [
        ("yaml-rs  loads(parse_datetime=False)", "yaml_rs", "yaml-rs", yaml_rs_run, True),
        ("PyYAML   load(CSafeLoader)", "yaml", "PyYAML", csafe_run, True),
        ("ryaml    loads", "ryaml", "ryaml", ryaml_run, True),
        ("pyyaml-rs safe_load", "pyyaml_rs", "pyyaml-rs", pyyaml_rs_run, True),
        ("rapidyaml parse_in_arena (tree only)", "ryml", "rapidyaml", ryml_run, False),
    ]


def bench_parsers(path: Path, size: int) -> float | None:
    """Print each parser's time; return the fastest time that yields Python data."""
    text = path.read_text(encoding="utf-8")
    raw = text.encode("utf-8")
    repeat = repetitions(size)
    fastest: float | None = None
    print(f"  {size:>7,} nodes ({len(raw) / 1e6:.1f} MB):")
    for label, module, distribution, make, python_data in _parsers():
        try:
            importlib.import_module(module)
            run = make(text, raw)
        except ImportError as error:
            print(
                f"    {label:<40} skipped: not installed "
                f"(.venv/bin/pip install {distribution}) [{error}]"
            )
            continue
        try:
            seconds, runs = best_time(run, repeat, budget=3.0)
        except Exception as error:  # a parser that cannot read the file is reported, not fatal
            print(f"    {label:<40} failed: {type(error).__name__}: {error}"[:200])
            continue
        note = "" if python_data else "  <- a C++ tree, not Python data; not compared"
        print(
            f"    {label:<40} {ms(seconds)} (best of {runs:>2})  "
            f"{len(raw) / seconds / 1e6:6.1f} MB/s{note}"
        )
        if python_data and (fastest is None or seconds < fastest):
            fastest = seconds
    return fastest


# ---------------------------------------------------------------- 3. engine


def play(playable: PlayableScenario, seconds: float, seed: int = 0) -> dict[str, float]:
    """Play random sessions for ``seconds``; count choices, continues, sessions."""
    rng = random.Random(seed)
    session_seed = seed
    session = Session.start(playable, session_seed)
    choices = continues = sessions = stuck = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for _ in range(200):
            status = session.status
            if status is Status.WAITING_FOR_CHOICE:
                available = [view for view in session.choices if view.available]
                if available:
                    session.choose(rng.choice(available).id)
                    choices += 1
                    continue
                stuck += 1  # waiting with nothing to pick (only a timer could move on)
            elif status is Status.WAITING_FOR_CONTINUE:
                session.continue_()
                continues += 1
                continue
            elif status is Status.STUCK:
                stuck += 1
            sessions += 1
            session_seed += 1
            session = Session.start(playable, session_seed)
    elapsed = time.perf_counter() - start
    return {
        "elapsed": elapsed,
        "choices": choices,
        "continues": continues,
        "sessions": sessions,
        "stuck": stuck,
    }


# ---------------------------------------------------------------- profiles


def _where(key: tuple[str, int, str]) -> str:
    filename, line, function = key
    if filename == "~":
        return function  # a built-in
    for marker in ("site-packages/", f"{HERE.parent}/", "/lib/python"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({function})"


def print_profile(profile: cProfile.Profile, title: str, top: int, runs: int = 1) -> None:
    """The top functions by cumulative and by own time, in ms per run and % of the total."""
    stats = pstats.Stats(profile)
    rows = stats.stats  # type: ignore[attr-defined]
    total = max(entry[3] for entry in rows.values())  # the profiled call, all in
    per = f"ms per run, {runs} runs" if runs > 1 else "ms"
    for order, column in (("cumulative", 3), ("own time", 2)):
        print(
            f"\n=== {title}: top {top} by {order} ({per}; total {total * 1000 / runs:.1f} ms) ==="
        )
        print(f"{'calls/run':>11} {'own ms':>9} {'own %':>6} {'cum ms':>9} {'cum %':>6}  function")
        ranked = sorted(rows.items(), key=lambda item: item[1][column], reverse=True)
        for key, (_, calls, own, cumulative, _) in ranked[:top]:
            print(
                f"{calls / runs:>11,.0f} {own * 1000 / runs:>9.2f} {own / total:>6.1%} "
                f"{cumulative * 1000 / runs:>9.2f} {cumulative / total:>6.1%}  {_where(key)}"
            )


def profile(part: str, seconds: float, top: int) -> None:
    path = scenario_file(ENGINE_SIZE)
    if part == "load":
        runs = 10
        profiler = cProfile.Profile()
        for _ in range(runs):
            clear_expression_caches()
            gc.collect()
            profiler.enable()
            load_checked(path)
            profiler.disable()
        print_profile(profiler, f"load_scenario on {path.name}, cold", top, runs)
    else:
        playable = load_checked(path)
        profiler = cProfile.Profile()
        profiler.enable()
        counts = play(playable, seconds)
        profiler.disable()
        print(f"{counts['choices']:,} choices in {counts['elapsed']:.1f} s under the profiler")
        print_profile(profiler, f"engine loop on {path.name}", top)


# ---------------------------------------------------------------- main


def parse_step(path: Path, repeats: int = 7) -> float:
    """Best time of the loader's own YAML step: text to data with every safety check."""
    from simulator.scenario.yamlfile import parse_text

    text = path.read_text(encoding="utf-8")
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        document, problems = parse_text(text, str(path))
        best = min(best, time.perf_counter() - started)
        assert document is not None and not problems
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        type=int,
        default=None,
        help=f"node counts (default {' '.join(map(str, DEFAULT_SIZES))})",
    )
    parser.add_argument(
        "--large",
        action="store_true",
        help=f"also measure {LARGE_SIZE:,} nodes (several minutes more)",
    )
    parser.add_argument("--engine-seconds", type=float, default=2.0)
    parser.add_argument(
        "--profile",
        choices=["load", "engine"],
        help="print a cProfile of loading or playing the 1,000-node file instead",
    )
    parser.add_argument("--top", type=int, default=15, help="rows of the profile (default 15)")
    args = parser.parse_args(argv)

    if args.profile:
        profile(args.profile, args.engine_seconds, args.top)
        return 0

    sizes = list(args.sizes or DEFAULT_SIZES)
    if args.large and LARGE_SIZE not in sizes:
        sizes.append(LARGE_SIZE)
    began = time.perf_counter()
    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"pydantic {version_of('pydantic')}, yaml-rs {version_of('yaml-rs')}, "
        f"PyYAML {version_of('PyYAML')}"
    )
    paths = {size: scenario_file(size) for size in sorted(set(sizes) | {ENGINE_SIZE})}
    for size in sizes:
        data = paths[size].stat().st_size
        print(
            f"  {paths[size].relative_to(HERE.parent)}: {data:,} bytes "
            f"({data / size:.0f} bytes/node)"
        )
    summary: list[tuple[str, str, str, bool]] = []

    print("\n1. load_scenario (read, parse, pydantic model, checks, compile)")
    loads = {size: bench_load(paths[size], size) for size in sizes}
    if 1000 in loads:
        cold = loads[1000]["cold"] * 1000
        summary.append(
            (
                "load + validate, 1,000 nodes (cold)",
                f"{cold:.1f} ms",
                f"<= {TARGET_LOAD_MS_1000:.0f} ms",
                cold <= TARGET_LOAD_MS_1000,
            )
        )

    print("\n2. YAML parsers on the same text (to Python data unless said)")
    for size in sizes:
        fastest = bench_parsers(paths[size], size)
        if fastest is None:
            continue
        ratio = loads[size]["cold"] / fastest
        print(
            f"    ratio: our load + validate (cold) / fastest parser to Python data = {ratio:.1f}x"
        )
        ours = parse_step(paths[size])
        parse_ratio = ours / fastest
        print(
            f"    ratio: our parse step (yaml-rs with the loader's safety checks, "
            f"{ours * 1000:.1f} ms) / fastest parser = {parse_ratio:.2f}x"
        )
        summary.append(
            (
                f"parse step / fastest parser, {size:,} nodes",
                f"{parse_ratio:.2f}x",
                f"<= {TARGET_RATIO:g}x",
                parse_ratio <= TARGET_RATIO,
            )
        )
        summary.append(
            (
                f"load + validate / fastest parser, {size:,} nodes",
                f"{ratio:.1f}x",
                f"<= {TARGET_RATIO:g}x",
                ratio <= TARGET_RATIO,
            )
        )

    print(
        f"\n3. engine: random play on {ENGINE_SIZE:,} nodes for {args.engine_seconds:g} s "
        "(choose a random available choice, continue, restart on end)"
    )
    playable = load_checked(paths[ENGINE_SIZE])
    counts = play(playable, args.engine_seconds)
    rate = counts["choices"] / counts["elapsed"]
    per_session = counts["choices"] / max(1, counts["sessions"])
    print(
        f"  {counts['choices']:,} choices, {counts['continues']:,} continues, "
        f"{counts['sessions']:,} sessions finished ({per_session:.1f} choices each), "
        f"{counts['stuck']} stuck, in {counts['elapsed']:.2f} s"
    )
    print(f"  {rate:,.0f} choices/s")
    summary.append(
        (
            "engine throughput, 1,000 nodes",
            f"{rate:,.0f} choices/s",
            f">= {TARGET_CHOICES_PER_SECOND:,}/s",
            rate >= TARGET_CHOICES_PER_SECOND,
        )
    )

    print("\nSummary")
    for name, value, target, ok in summary:
        print(f"  {verdict(ok)}  {name:<44} {value:>18}   target {target}")
    print(f"(total {time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
