"""The ink export of the peer benchmark (benchmarks/ink_export.py).

The export is checked twice: its text has the knots, choices, variables and effects a
small scenario asks for; and, where node and inkjs are installed, inkjs compiles it and
plays the same picks as our engine through the same lines, offers and final values.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from simulator.engine.events import LineShown
from simulator.engine.session import Session, Status
from simulator.scenario.playable import PlayableScenario
from tests.conftest import REPO

INK_DIR = REPO / "benchmarks" / "ink"
DRIVER = INK_DIR / "driver.js"

_spec = importlib.util.spec_from_file_location("ink_export", REPO / "benchmarks" / "ink_export.py")
assert _spec is not None and _spec.loader is not None
ink_export = importlib.util.module_from_spec(_spec)
sys.modules["ink_export"] = ink_export  # benchmarks/ is no package: load the file itself
_spec.loader.exec_module(ink_export)

SAMPLE = """\
format: 1
id: ink-export-sample
title: Ink export sample
characters:
  kim: {name: Kim Larsen, moods: [neutral, annoyed]}
meters:
  satisfaction: {start: 50}
  cost: {start: 0}
variables:
  patience: {type: int, default: 2, min: 0, max: 3}
  refund_offered: {type: bool}
  tone: {type: choice, values: [calm, tense], default: tense}
clock: {day: 1, time: "09:00", day_names: [Monday, Tuesday]}
start: desk
nodes:
  desk:
    lines:
      - {speaker: kim, text: "My parcel never came. You have {patience} more minutes."}
      - {text: The queue behind her grows., if: 'visits("desk") > 1'}
    choices:
      - id: listen
        text: Tell me what happened.
        once: true
        reason: You have already asked.
        effects: [patience += 1, tone = "calm", advance(5)]
        next: desk
      - id: refund
        text: I'll refund it now.
        if: not refund_offered
        effects: [cost += 12.5, satisfaction += 10, refund_offered = true]
        next: check
      - id: policy
        text: Policy says we wait five days.
        effects: [satisfaction -= 15, patience -= 2]
        next: check
  check:
    branch:
      - {if: 'tone == "calm" and satisfaction >= 55', next: thanks}
      - {if: patience <= 0, next: walk-out}
      - {next: wait}
  wait:
    lines: [{speaker: kim, text: "Fine. I'll wait, but it's {time} on a {day} already."}]
    next: dice
  dice:
    random: [{weight: 1, next: later}]
  later:
    effects: [advance(60)]
    lines:
      - {text: "An hour later she is back with ticket #4521 {{urgent}} // again."}
      - {text: She remembers that you listened., if: 'chose("listen")'}
    choices:
      - {id: again, text: Let me look again., next: desk}
      - id: give-up
        text: There's nothing more I can do.
        effects: [satisfaction -= 20]
        next: walk-out
  thanks:
    ending: {kind: balanced, title: Sorted, text: She leaves with her money back.}
  walk-out:
    ending: {kind: lost, title: Walked out, text: She leaves angry.}
scoring: {target: {satisfaction: 60, cost: 10}, cost_limit: 40}
"""

VALUES = ("satisfaction", "cost", "patience", "refund_offered", "tone", "day", "time")

# Arithmetic the engine and ink do differently unless the export bridges them: division
# of two whole values, round() of a half, clamping, a part of the cost, effects under a
# condition, a node passed by, and an ending's text chosen by condition.
EXPRESSIONS = """\
format: 1
id: ink-export-expressions
title: Ink export expressions
meters:
  satisfaction: {start: 45}
  cost:
    start: 0
    components:
      overtime: {label: Overtime, unit: h, rate: 40}
variables:
  patience: {type: int, default: 3, min: 0, max: 9}
  ratio: {type: number, default: 0}
  divisor: {type: int, default: 0}
start: open
nodes:
  open:
    effects:
      - ratio = satisfaction / divisor
      - patience = round(satisfaction / 10)
      - {if: patience > 3, then: [overtime += 1.5, satisfaction -= abs(patience - 10)]}
    lines: [{id: open.l1, text: "Patience {patience}, ratio {ratio}, cost {cost}."}]
    choices:
      - {id: halve, text: Halve it., effects: [patience *= 2, divisor = 4], next: skip}
      - id: keep
        text: Keep it.
        effects: ["ratio = max(min(satisfaction / 3, 12.5), 2)", "patience = round(5 / 2)"]
        next: skip
  skip:
    if: patience > 8
    otherwise: close
    lines: [{id: skip.l1, text: This is passed by unless patience is full.}]
    next: close
  close:
    effects: [patience = round(satisfaction / divisor), ratio = cost / divisor, overtime -= 0.5]
    ending:
      title: Closed
      text:
        - {if: patience >= 9, text: "Patience full at {patience}."}
        - {text: "Patience {patience}, ratio {ratio}, cost {cost}."}
scoring: {target: {satisfaction: 60, cost: 10}, cost_limit: 40}
"""


@pytest.fixture
def sample(playable: Callable[[str], PlayableScenario]) -> PlayableScenario:
    return playable(SAMPLE)


def test_the_export_has_the_knots_choices_and_variables(sample: PlayableScenario) -> None:
    ink = ink_export.export_ink(sample)
    lines = ink.splitlines()
    for declaration in (
        "VAR satisfaction = 50.0",
        "VAR cost = 0.0",
        "VAR day = 1",
        "VAR time = 540",
        "VAR patience = 2",
        "VAR refund_offered = false",
        'VAR tone = "tense"',
        "VAR play_seed = 0",
    ):
        assert declaration in lines
    knots = [line for line in lines if line.startswith("=== ") and "function" not in line]
    assert knots == [
        f"=== {knot} ===" for knot in ("desk", "check", "wait", "dice", "later", "thanks")
    ] + ["=== walk_out ==="]
    assert "* [Tell me what happened.]" in lines  # once: ink's once-only choice
    assert "+ {(not refund_offered)} [I'll refund it now.]" in lines  # if: a condition
    assert "    ~ patience = MAX(MIN(patience + 1, 3), 0)" in lines  # clamped as ours
    assert "    ~ cost = MAX(cost + 12.5, 0.0)" in lines
    assert '    ~ tone = "calm"' in lines
    assert "    ~ advance(5)" in lines
    assert "~ temp roll = RANDOM(1, 1)" in lines
    # visits() and chose() read a counter and a flag the story keeps
    assert "VAR visits_desk = 0" in lines
    assert "~ visits_desk = visits_desk + 1" in lines
    assert "{(visits_desk > 1):" in lines
    assert "VAR chose_listen = false" in lines
    assert "    ~ chose_listen = true" in lines
    assert "{chose_listen:" in lines
    assert "Kim Larsen: My parcel never came. You have {patience} more minutes." in lines
    assert ink.count("-> END") == 2
    assert "-> walk_out" in ink


def test_text_that_looks_like_ink_is_escaped(sample: PlayableScenario) -> None:
    lines = ink_export.export_ink(sample).splitlines()
    # ink drops comments before it reads escapes, so // is broken up, not escaped whole
    assert "An hour later she is back with ticket \\#4521 \\{urgent\\} /\\/ again." in lines


# ---------------------------------------------------------------- played by inkjs


def _inkjs_missing() -> str | None:
    if shutil.which("node") is None:
        return "needs node (sudo apt-get install nodejs)"
    if not (INK_DIR / "node_modules" / "inkjs").is_dir():
        return "needs inkjs: npm ci --prefix benchmarks/ink"
    return None


needs_inkjs = pytest.mark.skipif(_inkjs_missing() is not None, reason=str(_inkjs_missing()))


def compile_ink(playable: PlayableScenario, folder: Path) -> Path:
    """The scenario's export compiled by inkjs to ink's JSON, as the benchmark does."""
    source = folder / "story.ink"
    source.write_text(ink_export.export_ink(playable), encoding="utf-8")
    target = folder / "story.ink.json"
    done = subprocess.run(
        ["node", str(DRIVER), "compile", str(source), str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return target


@pytest.fixture
def compiled(sample: PlayableScenario, tmp_path: Path) -> Path:
    return compile_ink(sample, tmp_path)


def ink_walk(story: Path, picks: list[int], values: tuple[str, ...] = VALUES) -> dict[str, Any]:
    done = subprocess.run(
        [
            "node",
            str(DRIVER),
            "walk",
            str(story),
            "--picks",
            ",".join(map(str, picks)),
            "--values",
            ",".join(values),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def our_walk(
    playable: PlayableScenario, picks: list[int], values: tuple[str, ...] = VALUES
) -> dict[str, Any]:
    """What a play of ours shows for the same picks, in the shape the driver reports."""
    session = Session.start(playable, seed=0)
    steps: list[dict[str, Any]] = []
    read = 0
    remaining = iter(picks)
    while True:
        for event in session.events[read:]:
            if isinstance(event, LineShown):
                speaker = playable.characters[event.speaker].name if event.speaker else None
                steps.append({"line": f"{speaker}: {event.text}" if speaker else event.text})
        read = len(session.events)
        if session.status is Status.WAITING_FOR_CONTINUE:
            session.continue_()
            continue
        pick = next(remaining, None)
        if session.status is not Status.WAITING_FOR_CHOICE or pick is None:
            break
        available = session.available_choices
        texts = {view.id: view.text for view in session.choices}
        steps.append({"offered": [texts[key] for key in available], "picked": pick})
        session.choose(available[pick])
    ended = session.status is Status.ENDED
    if ended:
        ending = session.node.ending
        assert ending is not None
        steps += [{"line": ending.title}, {"line": session.text_now(ending.text)}]
    return {
        "steps": steps,
        "values": {name: session.value(name) for name in values},
        "ended": ended,
    }


@needs_inkjs
@pytest.mark.parametrize(
    "picks",
    [
        pytest.param([0, 0], id="listen-then-refund"),
        pytest.param([2], id="policy-walks-out"),
        pytest.param([1, 0, 0, 0, 1], id="refund-wait-come-back-give-up"),
        pytest.param([1, 0, 0], id="stops-before-an-ending"),
    ],
)
def test_inkjs_plays_the_same_path_as_our_engine(
    sample: PlayableScenario, compiled: Path, picks: list[int]
) -> None:
    assert ink_walk(compiled, picks) == our_walk(sample, picks)


@needs_inkjs
@pytest.mark.parametrize("picks", [[0], [1]], ids=["halve", "keep"])
def test_inkjs_computes_what_our_engine_computes(
    playable: Callable[[str], PlayableScenario], tmp_path: Path, picks: list[int]
) -> None:
    scenario = playable(EXPRESSIONS)
    names = ("satisfaction", "cost", "patience", "ratio", "overtime")
    story = compile_ink(scenario, tmp_path)
    assert ink_walk(story, picks, names) == our_walk(scenario, picks, names)
