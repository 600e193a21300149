"""What the fuzz tests share: hostile values written as YAML, a small YAML writer that
can put them anywhere (keys, anchors and aliases included), and the checks every
diagnostic and every play must pass."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from simulator.engine.session import Session, Status
from simulator.scenario.diagnostics import CATALOGUE, Diagnostic
from simulator.scenario.playable import PlayableScenario
from simulator.transcript import describe_choices, describe_event, describe_result, result_json


@dataclass(frozen=True)
class Raw:
    """YAML text written as it is: a number token, an alias, a whole flow collection."""

    text: str


@dataclass(frozen=True)
class Anchored:
    """A block collection with an anchor (``&name``), for an alias elsewhere to repeat."""

    name: str
    value: Any


Tree = dict[Any, Any] | list[Any] | Raw | Anchored | str | int | float | bool | None


def scalar(value: Any) -> str:
    """A value as one YAML token; text always double-quoted, so escapes (``\\u0000``)
    reach the loader as the escapes a hostile author would write."""
    if isinstance(value, Raw):
        return value.text
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if value != value else (".inf" if value > 0 else "-.inf")
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value))


def write_yaml(tree: Tree, indent: int = 0) -> str:
    """The tree as block YAML (flow for what is empty)."""
    return "\n".join(_lines(tree, indent)) + "\n"


def _lines(tree: Tree, indent: int) -> Iterable[str]:
    pad = " " * indent
    if isinstance(tree, dict):
        if not tree:
            yield pad + "{}"
        for key, value in tree.items():
            head = f"{pad}{key if isinstance(key, Raw) else scalar(key)}:"
            yield from _entry(head, value, indent)
    elif isinstance(tree, list):
        if not tree:
            yield pad + "[]"
        for item in tree:
            yield from _entry(f"{pad}-", item, indent)
    else:
        yield pad + scalar(tree)


def _entry(head: str, value: Any, indent: int) -> Iterable[str]:
    anchor = ""
    if isinstance(value, Anchored):
        anchor, value = f" &{value.name}", value.value
    if isinstance(value, (dict, list)) and value:
        yield head + anchor
        yield from _lines(value, indent + 2)
    elif isinstance(value, (dict, list)):
        yield f"{head}{anchor} {'{}' if isinstance(value, dict) else '[]'}"
    else:
        yield f"{head}{anchor} {scalar(value)}"


# ---------------------------------------------------------------- hostile values

LONG_WORD = "Donaudampfschifffahrt" * 500  # 10,500 letters, no space to wrap at
HOSTILE_TEXTS = [
    "",
    " ",
    LONG_WORD,
    "a\x00b",  # written as the escape \u0000
    "\x1b[2J\x1b]0;owned\x07",
    "\u202eevil\u202c",
    "two\nlines\r\nand\ra return",
    "tab\there",
    "\ufeffbom",
    "\ud7ff\ue000\U0010ffff",
    "{satisfaction} {time} {day} {nothing} {{ }} {",
    "}{",
    "${HOME} %s %(x)s {0}",
    "<script>alert(1)</script>",
    "../../../../etc/passwd",
    "/dev/zero",
    "C:\\Windows\\win.ini",
    "ő" * 3000,
    "👩‍👩‍👧‍👦" * 200,
    "-",
    "t",
    "timeout",
]
HOSTILE_NUMBERS = [
    Raw(".inf"),
    Raw("-.inf"),
    Raw(".nan"),
    Raw("1e400"),
    Raw("-1e400"),
    Raw("9" * 5000),
    Raw("-" + "9" * 5000),
    Raw("1e308"),
    Raw("-0.0"),
    Raw("0x7fffffffffffffff"),
    Raw("0o777"),
    Raw("1_000"),
    Raw("5e-324"),
    10**12,
    10**19,
    -(10**19),
    2**63,
    0,
    -1,
    0.1,
]
DEEP = Raw("[" * 300 + "]" * 300)
DEEPER = Raw("{a: " * 120 + "1" + "}" * 120)
HOSTILE_KEYS = [
    Raw("? [a, b]\n"),
    Raw('"\\0"'),
    Raw('"\\e[31m"'),
    Raw('"' + "k" * 5000 + '"'),
    Raw("<<"),
    Raw("1"),
    Raw("null"),
    Raw("true"),
    Raw("''"),
]
# Characters that are never allowed raw in a file: the loader must say so, with where.
RAW_CONTROLS = ["\x00", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\r"]

hostile_texts = st.sampled_from(HOSTILE_TEXTS) | st.text(max_size=40)
hostile_numbers = st.sampled_from(HOSTILE_NUMBERS) | st.integers() | st.floats()
hostile_values = st.one_of(
    hostile_texts,
    hostile_numbers,
    st.sampled_from([DEEP, DEEPER, Raw("*nowhere"), Raw("!!python/object:os.system x"), None]),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
)


# ---------------------------------------------------------------- checks


def assert_explained(diagnostics: list[Diagnostic]) -> None:
    """Every diagnostic has a catalogued code, a line and column, a message, and prints
    as one line with no control character a terminal would obey."""
    for diagnostic in diagnostics:
        assert diagnostic.code in CATALOGUE, diagnostic
        assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic
        assert diagnostic.message, diagnostic
        line = diagnostic.format()
        assert "\n" not in line and "\x1b" not in line and "\x00" not in line, line
        assert "\u202e" not in line and "\r" not in line, line


def assert_finite(values: dict[str, Any]) -> None:
    for name, value in values.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert math.isfinite(value), (name, value)


def play_randomly(scenario: PlayableScenario, seed: int, steps: int = 60) -> Session:
    """A play with random picks (timeouts included), as a trainee who never reads might
    make it, and everything the transcript and the save show along the way: no step
    raises, and every number stays finite."""
    picker = random.Random(seed)
    session = Session.start(scenario, seed=seed)
    shown = 0
    for _ in range(steps):
        for event in session.events[shown:]:
            describe_event(event, session)
        shown = len(session.events)
        assert_finite(session.state.values)
        json.dumps(session.snapshot(), allow_nan=False)
        if session.status is Status.WAITING_FOR_CONTINUE:
            session.continue_()
        elif session.status is Status.WAITING_FOR_CHOICE:
            describe_choices(session.choices)
            picks = list(session.available_choices)
            timer = session.timer
            if timer is not None and (not picks or picker.random() < 0.2):
                session.tick(timer[0])
            elif picks:
                session.choose(picker.choice(picks))
            else:
                break  # nothing to pick and no timer: the session says it is stuck
        else:
            break
    assert session.status is not Status.WAITING_FOR_CHANCE
    assert math.isfinite(session.satisfaction) and math.isfinite(session.cost)
    saved = json.loads(json.dumps(session.snapshot(), allow_nan=False))
    assert Session.restore(scenario, saved).state.values == session.state.values
    result = session.result()
    if result is not None:
        assert 0 <= result.score <= 100
        describe_result(result, session)
        json.dumps(result_json(session, []), allow_nan=False)
    return session
