"""Analyses kept between runs, so that asking again about an unchanged scenario is
instant.

A large scenario takes seconds to search, and a trainer asks about the same one in
turn with `analyze`, `guide` and `graph --best`, or runs `analyze` over a folder in
which one file changed. Each analysis is kept in the data folder under a fingerprint
of everything it depends on: the scenario as loaded (its model and its characters,
wherever they were written), the simulator's own code, the Python that ran it, and
the walks and seed asked for. Any change to any of them is a new fingerprint, so a
kept analysis is only ever used where a fresh one would say the same.

The files are untrusted like every file in the data folder: one that is not exactly
the shape written here is ignored and replaced, never a traceback. The most recently
used are kept, at most KEEP of them and KEEP_BYTES in all; the rest are deleted as new
ones are written.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from simulator.analysis.analyse import DEFAULT_MAX_STATES, STATISTICS, Analysis, analyse
from simulator.analysis.evidence import ReplayablePath
from simulator.analysis.explore import Outcome
from simulator.analysis.progress import Progress
from simulator.scenario.diagnostics import CATALOGUE, Diagnostic
from simulator.scenario.playable import PlayableScenario
from simulator.userdata import data_dir, read_json, write_json_atomically

FOLDER = "analyses"  # in the data folder
# The most recently used are kept, this many and this much at most: a folder of a few
# hundred scenarios analysed in turn still finds its own (each is 10-60 KB; one of a map
# of 100,000 nodes a few MB, and no file larger than MAX_FILE_BYTES is read).
KEEP = 1000
KEEP_BYTES = 64 * 1024 * 1024
MAX_FILE_BYTES = 8 * 1024 * 1024
ABANDONED_SECONDS = 600  # a temporary file this old is a write that was cut short
FORMAT = 2  # of the files: a new layout is a new number, and old files are passed by


@functools.cache  # once per process
def code_fingerprint() -> bytes | None:
    """A digest of every module of the simulator as installed: a changed line anywhere
    (the engine, the search, the scoring) makes every kept analysis a stranger. None
    when the code cannot be read in full (shipped without its source, a module that
    cannot be opened): then nothing is kept, as nothing could say which code made it.
    Hidden names (an editor's lock file, ``.#session.py``) are not modules."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    sources = sorted(
        path
        for path in package.rglob("*.py")
        if not any(part.startswith(".") for part in path.relative_to(package).parts)
    )
    try:
        for path in sources:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    except OSError:
        return None
    return digest.digest() if sources else None


def fingerprint(scenario: PlayableScenario, walks: int, seed: int, max_states: int) -> str | None:
    """What a kept analysis is filed under; None when the code is unknown."""
    code = code_fingerprint()
    if code is None:
        return None
    digest = hashlib.sha256(code)
    digest.update(f"{FORMAT}/{sys.version}/{walks}/{seed}/{max_states}".encode())
    digest.update(scenario.model.model_dump_json().encode())
    for character_id in sorted(scenario.characters):
        digest.update(character_id.encode())
        digest.update(scenario.characters[character_id].model_dump_json().encode())
    return digest.hexdigest()


def analyse_kept(
    scenario: PlayableScenario,
    walks: int,
    seed: int = 0,
    progress: Progress | None = None,
    max_states: int = DEFAULT_MAX_STATES,
    again: bool = False,
) -> Analysis:
    """The scenario's analysis: the one kept from an earlier run with the same
    fingerprint, or a new one, then kept (if the data folder can be written to).
    ``again``: a new one all the same, replacing what was kept."""
    key = fingerprint(scenario, walks, seed, max_states)
    path = None if key is None else data_dir() / FOLDER / f"{key}.json"
    if path is not None and not again:
        kept = analysis_from_record(read_json(path, MAX_FILE_BYTES), scenario.path)
        if kept is not None:
            with contextlib.suppress(OSError):
                os.utime(path)  # used: kept the longest
            return kept
    analysis = analyse(scenario, walks=walks, seed=seed, max_states=max_states, progress=progress)
    if path is not None:
        with contextlib.suppress(OSError):  # only a cache: the next run analyses again
            write_json_atomically(path, analysis_record(analysis))
            _forget_oldest(path.parent)
    return analysis


def _forget_oldest(folder: Path) -> None:
    """Keep the most recently used, at most KEEP of them and KEEP_BYTES in all; and clear
    away what a write cut short (a worker stopped by Ctrl-C) left behind."""
    files = []
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            status = path.stat()
            if path.name.startswith(".") and path.name.endswith(".tmp"):
                if time.time() - status.st_mtime > ABANDONED_SECONDS:
                    path.unlink(missing_ok=True)
            elif path.suffix == ".json":
                files.append((status.st_mtime_ns, status.st_size, path))
    total = 0
    for number, (_, size, path) in enumerate(sorted(files, reverse=True)):
        total += size
        if number and (number >= KEEP or total > KEEP_BYTES):  # the newest stays
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


# ---------------------------------------------------------------- the files


def _path_record(path: ReplayablePath) -> list[Any]:
    return [path.score, path.numbers, path.choices, path.seed]


def analysis_record(analysis: Analysis) -> dict[str, Any]:
    """Everything in the analysis, exactly (unlike ``Analysis.to_json``, the command's
    output, which leaves out what a reader of it does not need)."""
    return {
        "format": FORMAT,
        "scenario": analysis.scenario,
        "title": analysis.title,
        "method": analysis.method,
        "states": analysis.states,
        "walks": analysis.walks,
        "reachable_nodes": analysis.reachable_nodes,
        "unreachable_nodes": analysis.unreachable_nodes,
        "unoffered_choices": analysis.unoffered_choices,
        "endings": analysis.endings,
        "stuck": analysis.stuck,
        "score_range": list(analysis.score_range),
        "best": _path_record(analysis.best),
        "worst": _path_record(analysis.worst),
        "best_expected": analysis.best_expected,
        "pareto": [list(outcome) for outcome in analysis.pareto],
        "policies": analysis.policies,
        "blind_policies": analysis.blind_policies,
        "ending_paths": {
            ending: _path_record(path) for ending, path in analysis.ending_paths.items()
        },
        # Without the file they are about: the same scenario may be read from elsewhere.
        "findings": [
            [d.code, d.message, d.line, d.column, list(d.path), d.at_key, d.offset]
            for d in analysis.findings
        ],
        "longest_path_decisions": analysis.longest_path_decisions,
        "best_paths": analysis.best_paths,
        "statistics": analysis.statistics,
        "why_sampled": analysis.why_sampled,
    }


class _NotKept(Exception):
    """The file is not an analysis as written here."""


def _check(value: Any, test: Callable[[Any], bool]) -> Any:
    if not test(value):
        raise _NotKept
    return value


def _is_int(value: Any) -> bool:
    return type(value) is int


def _is_number(value: Any) -> bool:
    """A finite number: an infinity or a NaN, which JSON files can hold, is no score."""
    return type(value) is int or (type(value) is float and math.isfinite(value))


def _is_bound(value: Any) -> bool:
    """A number, or minus infinity: the best expected score where no play can end."""
    return _is_number(value) or value == -math.inf


def _is_str(value: Any) -> bool:
    return type(value) is str


def _strings(value: Any) -> list[str]:
    return _check(value, lambda v: type(v) is list and all(map(_is_str, v)))


def _entries(value: Any) -> dict[str, Any]:
    return _check(value, lambda v: type(v) is dict)


def _mapping(value: Any, test: Callable[[Any], bool]) -> dict[str, Any]:
    return _check(value, lambda v: type(v) is dict and all(map(test, v.values())))


def _optional(value: Any, test: Callable[[Any], bool]) -> Any:
    return None if value is None else _check(value, test)


def _path(value: Any) -> ReplayablePath:
    score, numbers, choices, seed = _check(value, lambda v: type(v) is list and len(v) == 4)
    return ReplayablePath(
        _check(score, _is_number),
        _check(numbers, lambda v: type(v) is list and all(_is_int(n) or _is_str(n) for n in v)),
        _strings(choices),
        _optional(seed, _is_int),
    )


def _outcome(value: Any) -> Outcome:
    fields = _check(value, lambda v: type(v) is list and len(v) == 6)
    ending, satisfaction, cost, score, critical, state = fields
    return Outcome(
        _check(ending, _is_str),
        _check(satisfaction, _is_number),
        _check(cost, _is_number),
        _check(score, _is_int),
        _check(critical, _is_int),
        _check(state, _is_int),
    )


def _finding(value: Any, file: str) -> Diagnostic:
    fields = _check(value, lambda v: type(v) is list and len(v) == 7)
    code, message, line, column, path, at_key, offset = fields
    return Diagnostic(
        _check(code, lambda v: _is_str(v) and v in CATALOGUE),
        _check(message, _is_str),
        file,
        _check(line, _is_int),
        _check(column, _is_int),
        tuple(_check(path, lambda v: type(v) is list and all(_is_int(p) or _is_str(p) for p in v))),
        _check(at_key, lambda v: type(v) is bool),
        _optional(offset, _is_int),
    )


def _ending(value: Any) -> dict[str, Any]:
    _check(value, lambda v: type(v) is dict and v.keys() == {"kind", "title", "reached"})
    _check(value["kind"], _is_str)
    _check(value["title"], _is_str)
    _check(value["reached"], lambda v: type(v) is bool)
    return value


def analysis_from_record(record: Any, file: str) -> Analysis | None:
    """The analysis a file holds, its findings about ``file``; or None when it is not
    exactly one as written here."""
    try:
        data = _check(record, lambda v: type(v) is dict and v.get("format") == FORMAT)
        low, high = _check(data["score_range"], lambda v: type(v) is list and len(v) == 2)
        return Analysis(
            scenario=_check(data["scenario"], _is_str),
            title=_check(data["title"], _is_str),
            method=_check(data["method"], _is_str),
            states=_check(data["states"], _is_int),
            walks=_check(data["walks"], _is_int),
            reachable_nodes=_strings(data["reachable_nodes"]),
            unreachable_nodes=_strings(data["unreachable_nodes"]),
            unoffered_choices=_strings(data["unoffered_choices"]),
            endings={k: _ending(v) for k, v in _entries(data["endings"]).items()},
            stuck=_mapping(data["stuck"], _is_str),
            score_range=(_check(low, _is_number), _check(high, _is_number)),
            best=_path(data["best"]),
            worst=_path(data["worst"]),
            best_expected=_optional(data["best_expected"], _is_bound),
            pareto=[_outcome(v) for v in _check(data["pareto"], lambda v: type(v) is list)],
            policies=_mapping(data["policies"], _is_number),
            blind_policies=_mapping(data["blind_policies"], _is_number),
            ending_paths={k: _path(v) for k, v in _entries(data["ending_paths"]).items()},
            findings=[
                _finding(v, file) for v in _check(data["findings"], lambda v: type(v) is list)
            ],
            longest_path_decisions=_optional(data["longest_path_decisions"], _is_int),
            best_paths=[_strings(v) for v in _check(data["best_paths"], lambda v: type(v) is list)],
            statistics=_check(
                _mapping(data["statistics"], _is_int), lambda v: v.keys() == STATISTICS
            ),
            why_sampled=_optional(data["why_sampled"], _is_str),
        )
    except (_NotKept, KeyError, ValueError, TypeError):
        return None
