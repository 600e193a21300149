"""Mutated scenarios never crash the loader: they load, or they explain why not."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
import yaml_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.file_checks import load_any
from simulator.scenario.diagnostics import CATALOGUE
from simulator.scenario.loader import load_scenario
from simulator.scenario.yamlfile import parse_text

TOUR = (Path(__file__).resolve().parents[2] / "docs" / "examples" / "format-tour.yaml").read_text(
    encoding="utf-8"
)
LINES = TOUR.splitlines(keepends=True)
CHARACTERS = (
    "format: 1\nkind: characters\ncharacters:\n  maria: {name: Maria, moods: [neutral, "
    "pleased, tired]}\n"
)
NOISE = st.sampled_from(
    [
        "",
        ":",
        "- ",
        "  ",
        "{",
        "}",
        "[",
        "]",
        "'",
        '"',
        "&a ",
        "*a",
        "!",
        "#",
        "\t",
        "next: nowhere",
        "if: x >",
        "patience",
        "ő",
        "\x00",
        "---",
    ]
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "swap", "indent"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "insert":
            line = lines[index]
            cut = draw(st.integers(min_value=0, max_value=len(line)))
            lines[index] = line[:cut] + draw(NOISE) + line[cut:]
        elif action == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        else:
            lines[index] = " " + lines[index]
        if not lines:
            lines = [""]
    return "".join(lines)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mutated())
def test_mutated_scenario_loads_or_explains(tmp_path_factory, text: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "characters").mkdir()
    (folder / "characters" / "front-desk.yaml").write_text(
        "format: 1\nkind: characters\ncharacters:\n  maria: {name: Maria, moods: [neutral, "
        "pleased, tired]}\n",
        encoding="utf-8",
    )
    path = folder / "tour.yaml"
    path.write_text(text, encoding="utf-8")
    result = load_scenario(path)
    for diagnostic in result.diagnostics:
        assert diagnostic.code in CATALOGUE
        assert diagnostic.line >= 1 and diagnostic.column >= 1
        assert diagnostic.message
    assert (result.scenario is not None) == result.ok


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_explains(text: str) -> None:
    document, diagnostics = parse_text(text)
    assert (document is None) == bool(diagnostics)
    for diagnostic in diagnostics:
        assert diagnostic.code in CATALOGUE


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_load_or_explain(tmp_path_factory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("bytes") / "junk.yaml"
    path.write_bytes(raw)
    result = load_scenario(path)
    assert not result.ok
    assert all(d.code in CATALOGUE for d in result.diagnostics)


# ---------------------------------------------------------------- hostile values and tokens

HOSTILE_VALUES = st.one_of(
    st.sampled_from(
        [
            math.inf,
            -math.inf,
            math.nan,
            1e308,
            "HUGE_NUMBER",  # written as 5,000 digits, past Python's limit for text
            -(10**19),
            "inf",
            "NaN",
            "a\x00b",
            "\x1b[31mred\x1b[0m",
            "two\nlines",
            "\u202eevil",
            "../../etc/passwd",
            "/dev/zero",
            "x" * 5000,
            "",
            None,
            True,
            [],
            {},
        ]
    ),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.recursive(
        st.none() | st.integers() | st.text(max_size=5),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=5), children, max_size=3)
        ),
        max_leaves=8,
    ),
)
KINDS = {
    "scenario": yaml_rs.loads(TOUR, parse_datetime=False),  # YAML 1.2: PyYAML refuses it
    "translation": {
        "format": 1,
        "kind": "translation",
        "translates": "tour.yaml",
        "language": "hu",
        "strings": {"title": "A csomag", "summary": "Késik."},
    },
    "playlist": {
        "format": 1,
        "kind": "playlist",
        "id": "p",
        "title": "P",
        "scenarios": [{"scenario": "tour.yaml", "pass_mark": 50}, {"scenario": "late-client"}],
    },
    "tests": {
        "format": 1,
        "kind": "tests",
        "scenario": "tour.yaml",
        "tests": [{"name": "a", "seed": 1, "choices": [2], "expect": {"score": {"min": 1}}}],
    },
}


def _places(data: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in the data (keys and list indexes)."""
    found = [where]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _places(value, (*where, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _places(value, (*where, index))
    return found


@st.composite
def hostile_files(draw: st.DrawFn) -> tuple[str, str]:
    """A valid file of some kind with a few values swapped for hostile ones (and keys)."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    data = copy.deepcopy(KINDS[kind])
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        where = draw(st.sampled_from(_places(data)))
        value = draw(HOSTILE_VALUES)
        if not where:
            data = value
            continue
        parent = data
        for step in where[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and draw(st.booleans()) and isinstance(value, (str, int)):
            parent[value] = parent.pop(where[-1])  # a hostile key instead
        else:
            parent[where[-1]] = value
    text = yaml.safe_dump(data, allow_unicode=False, width=10**6)
    return kind, text.replace("HUGE_NUMBER", "9" * 5000)


def _folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "characters").mkdir()
    (folder / "characters" / "front-desk.yaml").write_text(CHARACTERS, encoding="utf-8")
    (folder / "tour.yaml").write_text(TOUR, encoding="utf-8")
    return folder


def _check(result: Any) -> None:
    for diagnostic in result.diagnostics:
        assert diagnostic.code in CATALOGUE
        assert diagnostic.line >= 1 and diagnostic.column >= 1
        line = diagnostic.format()
        assert "\n" not in line and "\x1b" not in line and "\x00" not in line


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(hostile_files())
def test_hostile_values_in_any_kind_of_file_are_explained(
    tmp_path_factory: pytest.TempPathFactory, made: tuple[str, str]
) -> None:
    kind, text = made
    folder = _folder(tmp_path_factory)
    path = folder / f"file.{'hu.' if kind == 'translation' else ''}yaml"
    path.write_text(text, encoding="utf-8")
    _check(load_any(path))


YAML_TOKENS = st.sampled_from(
    [
        "format: 1\n",
        "kind: playlist\n",
        "&a ",
        "*a",
        "&b [1, 2]",
        "<<: *a\n",
        "? ",
        ": ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "\n",
        "  ",
        '"\\0"',
        '"\\e[2J"',
        '"\\x85"',
        '"\\u202e"',
        "'q'",
        "? [[1]]\n: x\n",
        "{[a]: b}",
        "? {k: [v]}\n",
        "9" * 4400,
        ".inf",
        "-.nan",
        "1e400",
        "!!str ",
        "---\n",
        "# c\n",
        "includes: [",
        "scenarios: [{scenario: ",
        "nodes:\n",
        "id: x\n",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(YAML_TOKENS, max_size=30).map("".join))
def test_yaml_token_soup_parses_or_explains(text: str) -> None:
    document, diagnostics = parse_text(text)
    assert (document is None) == bool(diagnostics)
    for diagnostic in diagnostics:
        assert diagnostic.code in CATALOGUE


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(YAML_TOKENS, max_size=30).map("".join))
def test_yaml_token_soup_validates_or_explains(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = _folder(tmp_path_factory) / "soup.yaml"
    path.write_text(text, encoding="utf-8")
    _check(load_any(path))
