"""Mutated scenarios never crash the loader: they load, or they explain why not."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.scenario.diagnostics import CATALOGUE
from simulator.scenario.loader import load_scenario
from simulator.scenario.yamlfile import parse_text

TOUR = (Path(__file__).resolve().parents[2] / "docs" / "examples" / "format-tour.yaml").read_text(
    encoding="utf-8"
)
LINES = TOUR.splitlines(keepends=True)
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
