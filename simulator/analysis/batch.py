"""Analysing several scenarios at once, side by side on every core.

The search is single-threaded Python, so a trainer checking a whole folder
would otherwise wait for the sum of every scenario's search. Each worker loads
its own file (a compiled scenario holds closures, which cannot travel between
processes) and sends back plain data: the analysis, or the file's problems.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from simulator.analysis.analyse import Analysis, analyse
from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.loader import load_scenario


@dataclass(frozen=True)
class FileAnalysis:
    path: Path
    analysis: Analysis | None  # None when the file does not load
    diagnostics: list[Diagnostic]


def analyse_file(path: Path, walks: int, seed: int, progress: bool = True) -> FileAnalysis:
    loaded = load_scenario(path)
    if loaded.scenario is None:
        return FileAnalysis(path, None, loaded.diagnostics)
    analysis = analyse(loaded.scenario, walks=walks, seed=seed, progress=progress)
    return FileAnalysis(path, analysis, loaded.diagnostics)


def default_workers(files: int) -> int:
    return max(1, min(files, os.cpu_count() or 1))


def analyse_files(
    paths: list[Path], walks: int, seed: int, workers: int | None = None
) -> list[FileAnalysis]:
    """Every file's analysis, in the order given. The largest files start first, so the
    longest search does not begin last."""
    count = workers if workers is not None else default_workers(len(paths))
    if count <= 1 or len(paths) <= 1:
        return [analyse_file(path, walks, seed) for path in paths]
    # Forking is cheap and inherits the loaded modules; elsewhere fresh interpreters.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    largest_first = sorted(paths, key=_size, reverse=True)
    with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context(method)) as pool:
        futures = _submit(pool, largest_first, walks, seed)
        return [futures[path].result() for path in paths]


def _submit(
    pool: Executor, paths: list[Path], walks: int, seed: int
) -> dict[Path, Future[FileAnalysis]]:
    # Bars from several workers would garble one another, so workers draw none.
    return {path: pool.submit(analyse_file, path, walks, seed, False) for path in paths}


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
