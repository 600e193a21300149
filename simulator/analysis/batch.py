"""Analysing several scenarios at once, side by side on every core.

The search is single-threaded Python, so a trainer checking a whole folder
would otherwise wait for the sum of every scenario's search. The files are
loaded first, so that the heaviest searches can start first: a large search
started last would leave the other cores idle while it finishes. Forked
workers inherit the loaded scenarios; elsewhere each worker loads its own file
(a compiled scenario holds closures, which cannot travel between processes).
Workers send back plain data: the analysis, or the file's problems.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.analysis.analyse import Analysis, analyse
from simulator.analysis.cache import analyse_kept
from simulator.analysis.estimate import routes
from simulator.analysis.progress import Progress
from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.loader import LoadResult, load_scenario

WAIT_BETWEEN_REPORTS = 0.25  # seconds between two redraws of the parent's status line


@dataclass(frozen=True)
class FileAnalysis:
    path: Path
    analysis: Analysis | None  # None when the file does not load
    diagnostics: list[Diagnostic]


def analyse_file(
    path: Path,
    walks: int,
    seed: int,
    progress: Progress | None = None,
    loaded: LoadResult | None = None,
    kept: bool = True,
) -> FileAnalysis:
    """The file's analysis; ``loaded`` is the file as already loaded, if it has been.
    ``kept``: the analysis kept from an earlier run, where the scenario is unchanged."""
    if loaded is None:
        loaded = load_scenario(path)
    if loaded.scenario is None:
        return FileAnalysis(path, None, loaded.diagnostics)
    try:
        if kept:
            analysis = analyse_kept(loaded.scenario, walks, seed, progress)
        else:
            analysis = analyse(loaded.scenario, walks=walks, seed=seed, progress=progress)
    finally:  # a Ctrl-C too leaves the line clean for the prompt
        if progress is not None:
            progress.clear()
    return FileAnalysis(path, analysis, loaded.diagnostics)


def default_workers(files: int) -> int:
    return max(1, min(files, os.cpu_count() or 1))


def analyse_files(
    paths: list[Path],
    walks: int,
    seed: int,
    workers: int | None = None,
    progress: Progress | None = None,
    kept: bool = True,
) -> Iterator[FileAnalysis]:
    """Every file's analysis, in the order given, each as soon as it and those before it
    are done. The files that look heaviest go to the workers first, the next file to
    whichever worker is free. Ctrl-C stops every worker at once. ``progress`` is told
    how far the work has got, and cleared before each analysis is handed on."""
    count = workers if workers is not None else default_workers(len(paths))
    if count <= 1 or len(paths) <= 1:
        for path in paths:
            yield analyse_file(path, walks, seed, progress, kept=kept)
        return
    loaded = [load_scenario(path) for path in paths]
    work = [routes(result.scenario) if result.scenario else 0.0 for result in loaded]
    heaviest_first = sorted(range(len(paths)), key=lambda index: -work[index])
    # Forking is cheap and inherits the loaded scenarios; elsewhere fresh interpreters.
    forking = sys.platform.startswith("linux")
    context = multiprocessing.get_context("fork" if forking else "spawn")
    _inherited.extend(loaded if forking else [])
    # The states the workers' searches have found between them, for the parent to show
    # (workers drawing lines of their own would garble one another).
    searched = context.Value("q", 0)
    try:
        pool = context.Pool(count, initializer=_start_worker, initargs=(searched,))
    finally:
        _inherited.clear()  # the workers have their copies; the parent needs none
    try:
        pending = {
            index: pool.apply_async(_analyse_in_worker, (index, paths[index], walks, seed, kept))
            for index in heaviest_first
        }
        for index in range(len(paths)):
            while progress is not None and not pending[index].ready():
                done = sum(result.ready() for result in pending.values())
                progress.waiting(done, len(paths), searched.value)
                pending[index].wait(WAIT_BETWEEN_REPORTS)
            if progress is not None:
                progress.clear()
            yield pending[index].get()
        pool.close()
    finally:
        pool.terminate()  # at once: queued files are dropped, running searches stopped
        pool.join()
        if progress is not None:
            progress.clear()


_inherited: list[LoadResult] = []  # the loaded files, as a forked worker finds them


class SharedCount:
    """A worker's progress: the states its searches find, added to a count the workers
    share. A search reports its running total, so a worker adds what is new since its
    last report, under the count's lock (two workers may report at once)."""

    def __init__(self, shared: Any) -> None:
        self.shared, self.told = shared, 0

    def searched(self, states: int) -> None:
        if states < self.told:  # a new search
            self.told = 0
        with self.shared.get_lock():
            self.shared.value += states - self.told
        self.told = states

    def played(self, done: int, total: int) -> None:
        pass

    def waiting(self, done: int, total: int, states: int) -> None:
        pass

    def clear(self) -> None:
        self.told = 0


_worker_progress: list[SharedCount] = []  # this worker's, once it has started


def _start_worker(searched: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker_progress.append(SharedCount(searched))


def _analyse_in_worker(index: int, path: Path, walks: int, seed: int, kept: bool) -> FileAnalysis:
    loaded = _inherited[index] if _inherited else None
    progress = _worker_progress[0] if _worker_progress else None
    return analyse_file(path, walks, seed, progress, loaded, kept)
