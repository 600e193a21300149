"""The scenario map: DOT always, SVG/PNG through Graphviz, a clear message without it;
short labels with the detail in tooltips, chances in percent, one band per episode,
the bands side by side in the order of the episodes, and a size that fits a screen for
every bundled scenario."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from xml.etree import ElementTree

import pytest

from simulator.analysis.graph import band_order, episode_of, to_dot
from simulator.library import bundled_scenarios_dir, scenario_files
from simulator.scenario.loader import load_scenario
from simulator.scenario.playable import PlayableScenario
from tests.conftest import REPO, requires, run_cli

TOUR = REPO / "docs" / "examples" / "format-tour.yaml"
BUNDLED = scenario_files([bundled_scenarios_dir()])
SVG = "{http://www.w3.org/2000/svg}"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"
#: The scale at which every bundled map, whole, fits a 1920 x 1080 screen: 0.4 or more
#: (the smallest now, before-eleven's one long band, is 0.42; when the bands stood one
#: under the other the smallest was 0.30).
SCREEN = (1920, 1080)
LEAST_SCALE = 0.4

DETAILED = """\
format: 1
id: detailed
title: 'Say "sorry" \\ or not'
lessons:
  own-it: {title: Own it, debrief: Say what you will do., applied_by: [fix]}
variables:
  tries: {type: int, default: 0, min: 0, max: 5}
start: desk
episodes:
  first: {title: The first call, start: desk, intro: Monday morning.}
  second: {title: The call back, start: again, intro: Tuesday.}
nodes:
  desk:
    effects: [tries += 1]
    lines:
      - {text: 'You again?', if: 'visits("desk") > 1'}
      - {text: 'Good morning, how can I help?'}
    choices:
      - id: fix
        text: I'll fix it today.
        effects: [satisfaction += 10, cost += 2]
        feedback:
          - {if: 'tries > 1', text: You kept your word this time.}
          - {text: A clear promise with a time.}
        lesson: own-it
        next: coin
      - id: fake-fix
        text: It is already fixed.
        critical: A lie he will find out by tonight.
        next: coin
      - id: ask-again
        text: Could you call back tomorrow?
        if: tries < 2
        reason: You already asked him once.
        once: true
        next: again
  coin:
    random:
      - {weight: 3, next: calm}
      - {weight: 1, next: check}
  check:
    branch:
      - {if: 'satisfaction >= 60', next: calm}
      - {next: lost}
  again:
    lines:
      - {text: 'Back so soon?', if: 'tries > 0'}
    choices:
      - {id: retry, text: Let's try again., next: desk}
  calm:
    ending: {kind: balanced, title: Sorted out, text: He thanks you.}
  lost:
    ending: {kind: lost, title: Gone for good}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""


def graph(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return run_cli("graph", *arguments, env=env, timeout=120)


def load(path: Path) -> PlayableScenario:
    loaded = load_scenario(path)
    assert loaded.scenario is not None, [d.format() for d in loaded.diagnostics]
    return loaded.scenario


@pytest.fixture
def detailed(tmp_path: Path) -> Path:
    path = tmp_path / "detailed.yaml"
    path.write_text(DETAILED, encoding="utf-8")
    return path


def statement(dot: str, start: str) -> str:
    """The one DOT line that starts with ``start`` (after its indent)."""
    found = [line for line in dot.splitlines() if line.strip().startswith(start)]
    assert len(found) == 1, (start, found)
    return found[0]


def test_dot_distinguishes_kinds_and_groups_episodes() -> None:
    dot = to_dot(load(TOUR))
    assert 'shape="box"' in statement(dot, '"counter" [')
    assert 'shape="diamond"' in statement(dot, '"escalate" [')
    assert 'shape="hexagon"' in dot and 'shape="doubleoctagon"' in dot
    assert 'subgraph "cluster_visit"' in dot and 'label="At the counter"' in dot


def test_a_node_shows_its_id_and_the_first_line_every_visit_sees(detailed: Path) -> None:
    dot = to_dot(load(detailed))
    desk = statement(dot, '"desk" [')
    assert 'label="desk\\nGood morning, how\\ncan I help?"' in desk  # not "You again?"
    assert 'label="again\\n(depends)"' in statement(dot, '"again" [')
    assert 'label="calm\\nSorted out"' in statement(dot, '"calm" [')


def test_choice_tooltips_carry_id_condition_once_effects_feedback_and_mark(
    detailed: Path,
) -> None:
    dot = to_dot(load(detailed))
    fix = statement(dot, '"desk" -> "coin" [id="choice:fix"')
    assert 'label="1 fix"' in fix
    assert "1. fix" in fix and "Effects: satisfaction += 10; cost += 2" in fix
    assert "Feedback: You kept your word this time." in fix  # the first variant
    assert "Lesson: own-it (puts it into practice)" in fix and 'color="#1f5fa8"' in fix
    ask = statement(dot, '"desk" -> "again" [')
    assert 'label="3?¹ ask-again"' in ask
    assert "if tries < 2" in ask and "Once only" in ask
    assert "Otherwise greyed out: You already asked him once." in ask
    fake = statement(dot, '"desk" -> "coin" [id="choice:fake-fix"')
    assert 'label="2! fake-fix"' in fake and 'style="dashed"' in fake
    assert "CRITICAL MISTAKE: A lie he will find out by tonight." in fake
    desk = statement(dot, '"desk" [')
    assert "On entering: tries += 1" in desk and "3 choices" in desk
    calm = statement(dot, '"calm" [')
    assert "Ending, balanced: Sorted out" in calm and "He thanks you." in calm


def test_random_branches_show_percentages_and_branches_their_condition(
    detailed: Path,
) -> None:
    dot = to_dot(load(detailed))
    assert 'label="75%"' in statement(dot, '"coin" -> "calm" [')
    assert 'label="25%"' in statement(dot, '"coin" -> "check" [')
    assert "75% (weight 3) → calm" in statement(dot, '"coin" [')
    assert 'label="satisfaction >= 60"' in statement(dot, '"check" -> "calm" [')
    assert 'label="otherwise"' in statement(dot, '"check" -> "lost" [')


def test_episodes_are_titled_bands_that_start_side_by_side() -> None:
    path = REPO / "scenarios" / "late-client.yaml"
    scenario = load(path)
    assert band_order(scenario) == [
        "monday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "next-monday",
    ]
    owner = episode_of(scenario)
    assert owner["mon-call"] == "monday" and owner["fri-weather"] == "friday"
    assert "end-lost" not in owner  # several episodes end there: it is in no band
    dot = to_dot(scenario)
    assert 'label="Wednesday"; tooltip=' in dot
    wednesday = dot.index('subgraph "cluster_wednesday"')
    assert dot.index('"wed-start" [', wednesday) < dot.index("\n  }\n", wednesday)
    assert '{rank=same; "mon-call"; "wed-start";' in dot  # the first bands start level
    # an arrow into the next band neither pulls it down nor takes a place for its label
    into = statement(dot, '"mon-meeting" -> "wed-start" [id="choice:wed-before-six"')
    assert 'constraint="false"' in into and 'xlabel="1 wed-before-six"' in into
    inside = statement(dot, '"mon-call" -> "mon-refused" [')
    assert "constraint" not in inside and "xlabel" not in inside


def test_text_with_quotes_and_backslashes_survives_graphviz(detailed: Path, tmp_path: Path) -> None:
    assert "title: 'Say \"sorry\" \\ or not'" in DETAILED
    out = tmp_path / "map.dot"
    assert graph(str(detailed), "-o", str(out)).returncode == 0
    assert 'label="Say \\"sorry\\" \\\\ or not"' in out.read_text(encoding="utf-8")


def test_path_is_drawn_over_the_map(tmp_path: Path) -> None:
    out = tmp_path / "map.dot"
    done = graph(str(TOUR), "-o", str(out), "--path", "2", "--seed", "1")
    assert done.returncode == 0, done.stderr
    dot = out.read_text()
    highlighted = [line for line in dot.splitlines() if "#e0218a" in line]
    assert any('id="choice:own-it"' in line for line in highlighted)
    assert any(line.strip().startswith('"after-call" [') for line in highlighted)
    assert not any('id="choice:blame-courier"' in line for line in highlighted)


def test_invalid_path_is_refused(tmp_path: Path) -> None:
    done = graph(str(TOUR), "-o", str(tmp_path / "m.dot"), "--path", "9")
    assert done.returncode == 1 and "choice 9 cannot be picked" in done.stderr


@requires("dot")
def test_svg_is_rendered_by_graphviz_with_tooltips(tmp_path: Path, detailed: Path) -> None:
    out = tmp_path / "map.svg"
    done = graph(str(TOUR), "-o", str(out), "--best")
    assert done.returncode == 0, done.stderr
    root = ElementTree.parse(out).getroot()
    titles = {element.text for element in root.iter(f"{SVG}title")}
    assert {"counter", "happy", "lost"} <= titles
    out = tmp_path / "detailed.svg"
    assert graph(str(detailed), "-o", str(out)).returncode == 0
    tips = [a.get(XLINK_TITLE, "") for a in ElementTree.parse(out).getroot().iter(f"{SVG}a")]
    assert any("if tries < 2" in tip and "Once only" in tip for tip in tips)
    assert any(tip.startswith("75% (weight 3)") for tip in tips)
    assert any("Effects: satisfaction += 10; cost += 2" in tip for tip in tips)


@requires("dot")
def test_png_is_rendered(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    assert graph(str(TOUR), "-o", str(out), "--path", "2").returncode == 0
    assert out.read_bytes().startswith(b"\x89PNG")


@requires("dot")
@pytest.mark.parametrize("path", BUNDLED, ids=[path.stem for path in BUNDLED])
def test_every_bundled_map_fits_a_screen_with_its_bands_in_order(path: Path) -> None:
    scenario = load(path)
    done = subprocess.run(
        ["dot", "-Tjson"], input=to_dot(scenario), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    drawn = json.loads(done.stdout)
    width, height = (float(value) * 4 / 3 for value in drawn["bb"].split(",")[2:])  # pt to px
    scale = min(SCREEN[0] / width, SCREEN[1] / height)
    assert scale >= LEAST_SCALE, f"{width:.0f} x {height:.0f} px"
    boxes = {
        item["name"].removeprefix("cluster_"): [float(value) for value in item["bb"].split(",")]
        for item in drawn["objects"]
        if item["name"].startswith("cluster_")
    }
    bands = [episode_id for episode_id in band_order(scenario) if episode_id in boxes]
    assert bands
    for earlier, later in pairwise(bands):  # each band right of the one before, or below it
        _, earlier_bottom, earlier_right, _ = boxes[earlier]
        later_left, _, _, later_top = boxes[later]
        assert later_left >= earlier_right or later_top <= earlier_bottom, (earlier, later)


def test_missing_graphviz_gives_advice(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    for name in ("map.svg", "map.html"):
        done = graph(str(TOUR), "-o", str(tmp_path / name), env=env)
        assert done.returncode == 1
        assert "apt-get install graphviz" in done.stderr and "Traceback" not in done.stderr
        assert not (tmp_path / name).exists()
    assert graph(str(TOUR), "-o", str(tmp_path / "map.dot"), env=env).returncode == 0


def test_unknown_output_type_is_a_usage_error(tmp_path: Path) -> None:
    assert graph(str(TOUR), "-o", str(tmp_path / "map.pdf")).returncode == 2
