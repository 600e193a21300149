"""The Python-hosted ink runtimes of the peer benchmark: bink (Rust) and inkcpp (C++).

    python peers.py bink STORY.json [--plays N] [--seed S] [--warmup W] [--repeat R]
    python peers.py inkcpp STORY.json ...

``bench_ink.py`` runs this file with the interpreter of ``benchmarks/.peer-venv``, where
the peers are installed, so the project's own environment never holds them; it uses
the standard library and the peer's package only. It prints one JSON object: the
load time of the compiled story (bink reads ink's JSON; inkcpp first converts the JSON
to its binary format, then reads that) and the choices made in random plays, with CPU
seconds (``time.process_time()``, in this process) beside wall seconds.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SEED_VARIABLE = "play_seed"  # set before a play's first line; see ink_export.py
MAX_CHOICES_PER_PLAY = 100_000  # a play that never ends is stopped, and counted


class Runtime:
    """One peer behind the few calls the benchmark makes."""

    def load(self, json_path: Path) -> None:
        raise NotImplementedError

    def play(self, seed: int, pick: Callable[[int], int]) -> int:
        """Plays from the start to the end; the choices made, or -1 if stopped."""
        raise NotImplementedError


class Bink(Runtime):
    def __init__(self) -> None:
        from bink.story import Story

        self.story_class = Story
        self.story: Any = None

    def load(self, json_path: Path) -> None:
        self.story = self.story_class(json_path.read_text(encoding="utf-8-sig"))

    def play(self, seed: int, pick: Callable[[int], int]) -> int:
        story = self.story
        story.reset_state()
        story.set_variable(SEED_VARIABLE, seed)
        choices = 0
        while True:
            while story.can_continue():
                story.cont()
            offered = len(story.get_current_choices())
            if offered == 0:
                return choices
            if choices >= MAX_CHOICES_PER_PLAY:
                return -1
            story.choose_choice_index(pick(offered))
            choices += 1


class InkCpp(Runtime):
    def __init__(self) -> None:
        import inkcpp_py

        self.ink = inkcpp_py
        self.story: Any = None
        self.folder = tempfile.TemporaryDirectory(prefix="inkcpp-")

    def load(self, json_path: Path) -> None:
        binary = str(Path(self.folder.name) / "story.bin")
        self.ink.compile_json(str(json_path), binary)
        self.story = self.ink.Story.from_file(binary)

    def play(self, seed: int, pick: Callable[[int], int]) -> int:
        store = self.story.new_globals()
        runner = self.story.new_runner(store)  # the globals exist once a runner does
        setattr(store, SEED_VARIABLE, self.ink.Value(seed))
        choices = 0
        while True:
            while runner.can_continue():
                runner.getline()
            offered = runner.num_choices()
            if offered == 0:
                return choices
            if choices >= MAX_CHOICES_PER_PLAY:
                return -1
            runner.choose(pick(offered))
            choices += 1


RUNTIMES: dict[str, Callable[[], Runtime]] = {"bink": Bink, "inkcpp": InkCpp}


def timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """(CPU seconds, wall seconds, result) of one call, after a full collection, so that
    none left over from loading lands in the timed window (as for our engine)."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def play_many(runtime: Runtime, plays: int, seed: int) -> tuple[int, int]:
    """(choices made, plays stopped) in ``plays`` seeded random plays."""
    picks = random.Random(seed)
    choices = stopped = 0
    for play in range(plays):
        made = runtime.play(seed + play, picks.randrange)
        if made < 0:
            stopped += 1
        else:
            choices += made
    return choices, stopped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("peer", choices=sorted(RUNTIMES))
    parser.add_argument("story", type=Path, help="the story compiled to ink's JSON")
    parser.add_argument("--plays", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="loads, the best one counted")
    args = parser.parse_args(argv)
    runtime = RUNTIMES[args.peer]()
    loads = [timed(lambda: runtime.load(args.story)) for _ in range(max(1, args.repeat))]
    play_many(runtime, args.warmup, args.seed + args.plays)  # seeds the timed plays don't use
    cpu, wall, (choices, stopped) = timed(lambda: play_many(runtime, args.plays, args.seed))
    report = {
        "load_cpu": min(load[0] for load in loads),
        "load_wall": min(load[1] for load in loads),
        "load_runs": len(loads),
        "plays": args.plays,
        "choices": choices,
        "stopped": stopped,
        "cpu": cpu,
        "wall": wall,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
