"""Generated scenarios: a sound structure (decisions, timers, branches, random events,
endings, variables, a clock) with numbers and texts drawn from the hostile end, and, for
the loader's tests, hostile values, keys, aliases and raw characters put anywhere."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.hostile import (
    HOSTILE_KEYS,
    HOSTILE_TEXTS,
    RAW_CONTROLS,
    Anchored,
    Raw,
    Tree,
    hostile_values,
    write_yaml,
)

ENDINGS = {"good": "balanced", "soft": "over-accommodating", "lost": "lost", "odd": "other"}
# Texts a file may hold (the loader refuses control characters, even escaped ones).
# Texts a file may hold: no control characters (the loader refuses even escaped ones),
# and at most 4,000 characters each, so the longest word here is one just short of that.
TEXTS = st.sampled_from(
    [
        text[:3999]
        for text in HOSTILE_TEXTS
        if text.strip() and not any(c < " " or c in "\x7f{}" for c in text)
    ]
    + ["{satisfaction} at {time} on {day}, {k} and {x}; {{not a name}}"]
) | st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=30)
# Numbers as expressions write them (no exponents): whole ones for whole variables.
WHOLE = ["0", "1", "3", "250", "1000000000000", "9" * 400]
AMOUNTS = st.sampled_from([*WHOLE, "0.5", "9" * 400 + ".5", "0." + "0" * 300 + "1"])
NAMES = st.sampled_from(["k", "x", "satisfaction", "cost", "patience"])
OPERATORS = st.sampled_from(["+=", "-=", "*=", "="])


def _effects() -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(st.sampled_from(["x", "satisfaction", "cost"]), OPERATORS, AMOUNTS).map(" ".join),
        st.tuples(st.sampled_from(["k", "patience"]), OPERATORS, st.sampled_from(WHOLE)).map(
            " ".join
        ),
        AMOUNTS.map(lambda amount: f"advance({amount})"),
        st.sampled_from(
            [
                "x = x * x * x",
                "k = round(x / 3)",
                "satisfaction = max(satisfaction, x)",
                "cost += abs(x - k)",
                "x = x - x * x",
                "flag = not flag",
                'tone = "tense"',
                "patience -= 1",
                "x = x / 0",
            ]
        ),
    )


def _conditions(choice_ids: list[str], node_ids: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(NAMES, st.sampled_from(["<", ">=", "==", "!="]), AMOUNTS).map(" ".join),
        st.sampled_from(node_ids).map(lambda n: f'visits("{n}") < 3'),
        st.sampled_from(choice_ids).map(lambda c: f'not chose("{c}")'),
        st.sampled_from(
            ["flag", 'tone == "tense"', "time >= 18:30", "day > 1", "x * x > k", "true"]
        ),
    )


@st.composite
def scenario_trees(draw: st.DrawFn) -> dict[str, Any]:
    """A scenario that should validate, with extreme but legal numbers and texts."""
    count = draw(st.integers(min_value=1, max_value=5))
    decisions = [f"n{i}" for i in range(count)]
    extra = draw(st.sets(st.sampled_from(["r", "b"])))
    choice_ids = [f"c{i}-0" for i in range(count)]
    conditions = _conditions(choice_ids, decisions)
    endings = list(ENDINGS)
    nodes: dict[str, Any] = {}
    anywhere = decisions + sorted(extra) + endings
    for i, node_id in enumerate(decisions):
        later = decisions[i + 1 :] + sorted(extra) + endings
        # The first choice leads on, the last decision to every node after it, so that
        # every node can be reached; the others go anywhere, back too.
        musts = [later[0]] if i + 1 < count else later
        choices = []
        for j in range(max(len(musts), draw(st.integers(min_value=1, max_value=3)))):
            choice: dict[str, Any] = {
                "id": f"c{i}-{j}",
                "text": draw(TEXTS),
                "next": musts[j] if j < len(musts) else draw(st.sampled_from(anywhere)),
                "feedback": draw(TEXTS),
            }
            if draw(st.booleans()):
                choice["effects"] = draw(st.lists(_effects(), min_size=1, max_size=3))
            if j >= len(musts) and draw(st.booleans()):
                choice["if"] = draw(conditions)
                choice["reason"] = draw(TEXTS)
            if draw(st.booleans()):
                choice["once"] = True
            choices.append(choice)
        node: dict[str, Any] = {
            "lines": [{"id": f"{node_id}.l1", "speaker": "pat", "text": draw(TEXTS)}],
            "choices": choices,
        }
        if draw(st.booleans()):
            node["timer"] = {
                "seconds": draw(st.sampled_from([1, 30, 0.5, 600])),
                "next": draw(st.sampled_from(later)),
                "effects": draw(st.lists(_effects(), max_size=2)),
            }
        nodes[node_id] = node
    if "r" in extra:
        nodes["r"] = {
            "random": [
                {"weight": draw(st.sampled_from([1, 3, 0.001, 10**12, 1e300])), "next": end}
                for end in draw(st.lists(st.sampled_from(endings), min_size=1, max_size=3))
            ]
        }
    if "b" in extra:
        nodes["b"] = {
            "branch": [
                {"if": draw(conditions), "next": draw(st.sampled_from(endings))},
                {"next": draw(st.sampled_from(["r", *endings] if "r" in extra else endings))},
            ]
        }
    cost = draw(st.sampled_from([0, 10, 1e12]))
    for ending, kind in ENDINGS.items():
        nodes[ending] = {"ending": {"kind": kind, "title": draw(TEXTS), "text": draw(TEXTS)}}
    return {
        "format": 1,
        "id": "fuzz",
        "title": draw(TEXTS),
        "language": "en",
        "characters": {"pat": {"name": draw(TEXTS), "moods": ["neutral", "angry"]}},
        "meters": {
            "satisfaction": {"start": draw(st.sampled_from([0, 40, 100, 99.5]))},
            "cost": {"start": draw(st.sampled_from([0, 1e12, 0.001]))},
        },
        "variables": {
            "k": {"type": "int", "default": draw(st.sampled_from([0, -(10**12), 10**12]))},
            "x": {"type": "number", "default": draw(st.sampled_from([0, 1e300, -1e-300, 7.5]))},
            "patience": {"type": "int", "default": 2, "min": 0, "max": 3},
            "flag": {"type": "bool", "default": False},
            "tone": {"type": "choice", "values": ["calm", "tense"], "default": "calm"},
        },
        "clock": {"day": 1, "time": "17:00", "day_names": draw(st.lists(TEXTS, max_size=3))},
        "start": "n0",
        "nodes": nodes,
        "scoring": {
            "target": {"satisfaction": draw(st.sampled_from([1, 60, 100])), "cost": cost},
            "cost_limit": draw(st.sampled_from([cost + 1, 60 + cost, 1e300])),
            "satisfaction_weight": draw(st.sampled_from([0, 0.65, 1])),
        },
    }


def _places(tree: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [where]
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += _places(value, (*where, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found += _places(value, (*where, index))
    return found


@st.composite
def hostile_documents(draw: st.DrawFn) -> str:
    """A generated scenario with a few hostile changes, as YAML text."""
    tree: Tree = copy.deepcopy(draw(scenario_trees()))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        where = draw(st.sampled_from(_places(tree)))
        if not where:
            continue
        parent: Any = tree
        for step in where[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["value", "key", "alias", "alias", "drop"]))
        if action == "value":
            parent[where[-1]] = draw(hostile_values)
        elif action == "key" and isinstance(parent, dict):
            parent[draw(st.sampled_from(HOSTILE_KEYS))] = parent.pop(where[-1])
        elif action == "alias" and isinstance(parent[where[-1]], (dict, list)):
            # Anchored where it is and repeated as a node of its own: an alias that the
            # loader must count, expand within its limits, and locate.
            name = f"a{len(_places(tree))}"
            parent[where[-1]] = Anchored(name, parent[where[-1]])
            if isinstance(tree, dict) and isinstance(tree.get("nodes"), dict):
                tree["nodes"][f"copy-{name}"] = Raw(f"*{name}")
        elif isinstance(parent, (dict, list)):
            del parent[where[-1]]
    text = write_yaml(tree)
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        cut = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:cut] + draw(st.sampled_from(RAW_CONTROLS)) + text[cut:]
    return text
