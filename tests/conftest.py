"""Shared fixtures. SDL is pointed at its dummy drivers before anything imports pygame."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# Settings and recorded plays of the whole run (subprocesses included) go to a scratch
# folder, never to the real user's data folder.
os.environ["CS_SIMULATOR_HOME"] = __import__("tempfile").mkdtemp(prefix="cs-simulator-tests-")
os.environ.pop("CS_SIMULATOR_RESULTS", None)

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.scenario.loader import LoadResult, load_scenario
from simulator.scenario.playable import PlayableScenario

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"
DEBIAN_PACKAGES = {"dot": "graphviz", "chromium": "chromium"}


def requires(*tools: str) -> pytest.MarkDecorator:
    """For a test that needs programs beside Python (Graphviz, Chromium...): on a
    developer's machine without them it is skipped, saying what to install; in CI, where
    .ci/run installs them, it runs and fails if one is missing, so nothing hides there."""
    import shutil

    missing = [tool for tool in tools if shutil.which(tool) is None]
    packages = " ".join(DEBIAN_PACKAGES.get(tool, tool) for tool in missing)
    return pytest.mark.skipif(
        bool(missing) and not IN_CI,
        reason=f"needs {', '.join(missing)} (sudo apt-get install {packages})",
    )


MINIMAL = """\
format: 1
id: tiny
title: Tiny
start: a
nodes:
  a:
    ending: {title: End}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""


# A scenario whose validation cannot see that it gets stuck: the validator's test points
# stop at visits() counts of 2, and the third visit leaves no choice available.
STUCK = """\
format: 1
id: stuck
title: Stuck
start: a
nodes:
  a:
    choices:
      - {id: again, text: Again, if: 'visits("a") < 4', next: a}
      - {id: out, text: Out, if: 'visits("a") < 3', next: end}
  end:
    ending: {title: End}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""


def run_cli(
    *arguments: str, env: dict[str, str] | None = None, cwd: Path = REPO, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """The command line as a trainer runs it: a fresh process, its output and exit code."""
    return subprocess.run(
        [sys.executable, "-m", "simulator", *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write text to a file in a fresh folder and return its path."""

    def write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def load_text(write_file: Callable[[str, str], Path]) -> Callable[[str], LoadResult]:
    def load(text: str) -> LoadResult:
        return load_scenario(write_file(text, "scenario.yaml"))

    return load


@pytest.fixture
def playable(load_text: Callable[[str], LoadResult]) -> Callable[[str], PlayableScenario]:
    """Load a scenario that must be valid."""

    def make(text: str) -> PlayableScenario:
        result = load_text(text)
        assert result.scenario is not None, [d.format() for d in result.diagnostics]
        return result.scenario

    return make
