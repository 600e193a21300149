"""The scenario map: DOT always, SVG/PNG through Graphviz, a clear message without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

from simulator.analysis.graph import to_dot
from simulator.scenario.loader import load_scenario
from tests.conftest import REPO, requires, run_cli

TOUR = REPO / "docs" / "examples" / "format-tour.yaml"


def graph(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return run_cli("graph", *arguments, env=env, timeout=120)


def test_dot_distinguishes_kinds_and_groups_episodes() -> None:
    scenario = load_scenario(TOUR).scenario
    assert scenario is not None
    dot = to_dot(scenario)
    assert '"counter" [label=' in dot and "shape=box" in dot
    assert '"escalate" [label=' in dot and "shape=diamond" in dot
    assert "shape=hexagon" in dot and "shape=doubleoctagon" in dot
    assert 'subgraph "cluster_visit"' in dot
    assert "[lesson: own-it]" in dot


def test_path_is_drawn_over_the_map(tmp_path: Path) -> None:
    out = tmp_path / "map.dot"
    done = graph(str(TOUR), "-o", str(out), "--path", "2", "--seed", "1")
    assert done.returncode == 0, done.stderr
    dot = out.read_text()
    highlighted = [line for line in dot.splitlines() if "#e0218a" in line]
    assert any('"choice:own-it"' in line for line in highlighted)
    assert any('"after-call" [' in line for line in highlighted)
    assert not any('"choice:blame-courier" [' in line for line in highlighted)


def test_invalid_path_is_refused(tmp_path: Path) -> None:
    done = graph(str(TOUR), "-o", str(tmp_path / "m.dot"), "--path", "9")
    assert done.returncode == 1 and "choice 9 cannot be picked" in done.stderr


@requires("dot")
def test_svg_is_rendered_by_graphviz(tmp_path: Path) -> None:
    out = tmp_path / "map.svg"
    done = graph(str(TOUR), "-o", str(out), "--best")
    assert done.returncode == 0, done.stderr
    root = ElementTree.parse(out).getroot()
    titles = {element.text for element in root.iter("{http://www.w3.org/2000/svg}title")}
    assert {"counter", "happy", "lost"} <= titles


def test_missing_graphviz_gives_advice(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    done = graph(str(TOUR), "-o", str(tmp_path / "map.svg"), env=env)
    assert done.returncode == 1
    assert "apt-get install graphviz" in done.stderr and "Traceback" not in done.stderr
    assert graph(str(TOUR), "-o", str(tmp_path / "map.dot"), env=env).returncode == 0


def test_unknown_output_type_is_a_usage_error(tmp_path: Path) -> None:
    assert graph(str(TOUR), "-o", str(tmp_path / "map.pdf")).returncode == 2
