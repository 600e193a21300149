"""Analysing several scenarios at once, side by side on every core.

The search is single-threaded Python, so a trainer checking a whole folder
would otherwise wait for the sum of every scenario's search. Each worker loads
its own file (a compiled scenario holds closures, which cannot travel between
processes) and sends back plain data: the analysis, or the file's problems.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
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
) -> Iterator[FileAnalysis]:
    """Every file's analysis, in the order given, each as soon as it and those before it
    are done; the next file goes to whichever worker is free. Ctrl-C stops every worker
    at once."""
    count = workers if workers is not None else default_workers(len(paths))
    if count <= 1 or len(paths) <= 1:
        for path in paths:
            yield analyse_file(path, walks, seed)
        return
    # Forking is cheap and inherits the loaded modules; elsewhere fresh interpreters.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    pool = multiprocessing.get_context(method).Pool(count, initializer=_leave_ctrl_c_to_parent)
    try:
        # Bars from several workers would garble one another, so workers draw none.
        pending = [pool.apply_async(analyse_file, (path, walks, seed, False)) for path in paths]
        for result in pending:
            yield result.get()
        pool.close()
    finally:
        pool.terminate()  # at once: queued files are dropped, running searches stopped
        pool.join()


def _leave_ctrl_c_to_parent() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
