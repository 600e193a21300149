"""Untrusted files fail fast, with a coded message and bounded memory, never a traceback."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.file_checks import load_any
from simulator.scenario.expressions import Binary, Literal, Name
from simulator.scenario.loader import load_scenario
from simulator.scenario.playable import PlayableScenario
from simulator.scenario.probes import points_to_try
from simulator.scenario.validate import declarations_for
from tests.conftest import MINIMAL, run_cli


def codes(path: Path) -> list[str]:
    return [d.code for d in load_any(path).diagnostics]


def test_missing_file_is_reported(tmp_path: Path) -> None:
    assert codes(tmp_path / "nowhere.yaml") == ["E001"]


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w") as handle:
        handle.write("title: x\n" + "# padding\n" * 1_800_000)
    result = load_scenario(path, max_bytes=16 * 1024 * 1024)
    assert [d.code for d in result.diagnostics] == ["E002"]


def test_invalid_utf8_points_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"format: 1\ntitle: K\xf6vacs\n")
    (diagnostic,) = load_any(path).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("E003", 2, 9)


def test_binary_junk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.yaml"
    path.write_bytes(bytes(range(256)) * 40)
    assert codes(path) in (["E003"], ["E004"])


def test_control_character_is_located(write_file: Callable[..., Path]) -> None:
    path = write_file("format: 1\ntitle: a\x07b\n")
    (diagnostic,) = load_any(path).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("E004", 2, 9)


def test_alias_bomb_is_stopped(write_file: Callable[..., Path]) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    (diagnostic,) = load_any(write_file("\n".join(lines) + "\n")).diagnostics
    assert diagnostic.code == "E007"
    assert diagnostic.line == 2  # the first alias


def test_deep_block_nesting_is_refused(write_file: Callable[..., Path]) -> None:
    text = "".join(" " * depth + "a:\n" for depth in range(2000))
    assert codes(write_file(text)) == ["E008"]


def test_deep_flow_nesting_is_refused(write_file: Callable[..., Path]) -> None:
    text = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    assert codes(write_file(text)) in (["E005"], ["E008"])


def test_python_object_tag_is_refused(write_file: Callable[..., Path]) -> None:
    path = write_file("format: 1\ntitle: !!python/object/apply:os.system [ls]\n")
    (diagnostic,) = load_any(path).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("E009", 2, 8)


def test_custom_tag_is_refused(write_file: Callable[..., Path]) -> None:
    assert codes(write_file("format: 1\ntitle: !secret x\n")) == ["E009"]


def test_exclamation_mark_in_text_is_not_a_tag(playable: Callable[[str], object]) -> None:
    playable(MINIMAL.replace("title: Tiny", "title: Wait! Not yet !"))


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_scenario(path).ok


def test_empty_file_is_explained(write_file: Callable[..., Path]) -> None:
    assert codes(write_file("")) == ["E103"]


def test_top_level_list_is_explained(write_file: Callable[..., Path]) -> None:
    assert codes(write_file("- a\n- b\n")) == ["E103"]


def test_yaml_12_keeps_no_and_times_as_text(playable: Callable[[str], object]) -> None:
    scenario = playable(MINIMAL.replace("title: Tiny", "title: no") + 'clock: {time: "17:30"}\n')
    assert scenario.model.title == "no"  # YAML 1.1 would have read False
    assert scenario.model.clock.time == "17:30"  # and 1050 (base 60)


def test_include_symlink_out_of_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("format: 1\nkind: characters\ncharacters: {x: {name: X}}\n")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "link.yaml").symlink_to(outside)
    scenario = folder / "s.yaml"
    scenario.write_text(MINIMAL + "includes: [link.yaml]\n")
    assert [d.code for d in load_scenario(scenario).diagnostics] == ["E212"]


# ---------------------------------------------------------------- the command line

HUGE = "9" * 5000  # past Python's 4,300-digit limit for turning a whole number into text


def validate_cli(*paths: Path, cwd: Path) -> tuple[int, str]:
    """``validate`` as a trainer runs it: never a traceback, always a documented exit code
    (0 valid, 1 errors, 2 usage; docs/command-line.md). Returns the code and stdout."""
    done = run_cli("validate", *map(str, paths), cwd=cwd, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1, 2), done.stderr
    return done.returncode, done.stdout


def with_node(node: str, extra: str = "") -> str:
    """MINIMAL with node 'a' replaced (an ending 'b' follows it) and lines added at the end."""
    body = "  a:\n" + node + "  b:\n    ending: {title: End}\n"
    return MINIMAL.replace("  a:\n    ending: {title: End}\n", body) + extra


TRACEBACKS_BEFORE = {
    # a list inside a key: yaml-rs raises TypeError making it a dict key
    "list-in-key": ("format: 1\nid: x\nnodes: {? {a: [1]} : x}\n", "E005", (3, 11)),
    "mapping-as-kind": ("format: 1\nkind: {a: 1}\n", "E012", (2, 7)),
    "list-as-kind": ("format: 1\nkind: [a]\n", "E012", (2, 7)),
    # whole numbers past 4,300 digits, in messages (f-strings and reprs)
    "huge-format": (f"format: {HUGE}\nid: x\n", "E011", (1, 9)),
    "huge-id": (MINIMAL.replace("id: tiny", f"id: {HUGE}"), "E103", (2, 5)),
    "huge-kind": (f"format: 1\nkind: {HUGE}\n", "E012", (2, 7)),
    "huge-min": (MINIMAL + f"variables: {{x: {{type: int, min: {HUGE}}}}}\n", "E103", (9, 33)),
    "huge-version": (MINIMAL + f"version: {HUGE}\n", "E104", (9, 10)),
    "huge-key": (
        MINIMAL + f"lessons:\n  ? {HUGE}\n  : {{title: T, debrief: D}}\n",
        "E103",
        (10, 3),
    ),
    # literals in conditions beyond a float (the availability check's test points)
    "overflowing-int-literal": (
        with_node("    choices: [{text: go, if: 'x > " + "9" * 400 + "', next: b}]\n")
        + "variables: {x: {type: int, default: 0}}\n",
        "E209",
        None,
    ),
    "overflowing-float-literal": (
        with_node("    choices: [{text: go, if: 'x > " + "9" * 400 + ".0', next: b}]\n")
        + "variables: {x: {type: number, default: 0}}\n",
        "E209",
        None,
    ),
    "infinite-product-in-condition": (
        with_node(
            "    choices: [{text: go, if: 'round(x * 1"
            + "0" * 300
            + " * 1"
            + "0" * 100
            + ") > 0', next: b}]\n"
        )
        + "variables: {x: {type: number, default: 0}}\n",
        None,
        None,
    ),
    # a NUL written as an escape, where a path is read
    "nul-in-include": (MINIMAL + 'includes: ["a\\0b.yaml"]\n', "E004", (9, 12)),
    "nul-in-translates": (
        'format: 1\nkind: translation\ntranslates: "x\\0.yaml"\nlanguage: hu\nstrings: {}\n',
        "E004",
        (3, 13),
    ),
    "nul-in-playlist": (
        'format: 1\nkind: playlist\nid: p\ntitle: P\nscenarios: [{scenario: "x\\0"}]\n',
        "E004",
        (5, 24),
    ),
    "nul-in-tests": (
        'format: 1\nkind: tests\nscenario: "x\\0.yaml"\n'
        "tests: [{name: a, choices: [1], expect: {}}]\n",
        "E004",
        (3, 11),
    ),
}


@pytest.mark.parametrize("name", list(TRACEBACKS_BEFORE))
def test_what_gave_a_traceback_gets_a_code(name: str, tmp_path: Path) -> None:
    text, code, position = TRACEBACKS_BEFORE[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    found = [(d.code, (d.line, d.column)) for d in load_any(path).diagnostics]
    if code is not None:
        assert code in [c for c, _ in found], found
    if position is not None:
        assert (code, position) in found, found


def test_validate_never_shows_a_traceback(tmp_path: Path) -> None:
    paths = []
    for name, (text, _, _) in TRACEBACKS_BEFORE.items():
        paths.append(tmp_path / f"{name}.yaml")
        paths[-1].write_text(text, encoding="utf-8")
    returncode, out = validate_cli(*paths, cwd=tmp_path)
    assert returncode == 1
    for path, (_, code, _) in zip(paths, TRACEBACKS_BEFORE.values(), strict=True):
        if code is not None:
            assert f"{path}:" in out and f" {code}: " in out


# ---------------------------------------------------------------- numbers that are not

NOT_FINITE = [".inf", "-.inf", ".nan", "1e400", "'inf'", "'NaN'"]
DECLARED = {
    "variable min": ("variables: {x: {type: int, min: V}}\n", (9, 33)),
    "variable max": ("variables: {x: {type: number, max: V}}\n", (9, 36)),
    "variable default": ("variables: {x: {type: number, default: V}}\n", (9, 40)),
    "cost start": ("meters: {cost: {start: V}}\n", (9, 24)),
    "satisfaction start": ("meters: {satisfaction: {start: V}}\n", (9, 32)),
}


def scenario_with(where: str, value: str) -> str:
    if where in DECLARED:
        return MINIMAL + DECLARED[where][0].replace("V", value)
    if where == "random weight":
        return with_node(f"    random: [{{weight: {value}, next: b}}, {{next: b}}]\n")
    if where == "timer seconds":
        return with_node(
            f"    choices: [{{id: go, text: go, next: b}}]\n    timer: {{seconds: {value}, "
            "next: b}\n"
        )
    target = "target: {satisfaction: 60, cost: 1}"
    scoring = {
        "target cost": f"target: {{satisfaction: 60, cost: {value}}}, cost_limit: 5",
        "target satisfaction": f"target: {{satisfaction: {value}, cost: 1}}, cost_limit: 5",
        "cost limit": f"{target}, cost_limit: {value}",
        "pass mark": f"{target}, cost_limit: 5, pass_mark: {value}",
        "satisfaction weight": f"{target}, cost_limit: 5, satisfaction_weight: {value}",
        "grade min": f"{target}, cost_limit: 5, grades: {{all: {{min: 0, label: A}}, "
        f"top: {{min: {value}, label: T}}}}",
    }[where]
    return MINIMAL.replace(f"scoring: {{{target}, cost_limit: 5}}", f"scoring: {{{scoring}}}")


PLACES = [
    *DECLARED,
    "random weight",
    "timer seconds",
    "target cost",
    "target satisfaction",
    "cost limit",
    "pass mark",
    "satisfaction weight",
    "grade min",
]


# (Text is a default too, of a 'choice' variable: for a number it is E216.)
NOT_FINITE_CASES = [
    (where, value)
    for where in PLACES
    for value in NOT_FINITE
    if not (where == "variable default" and value.startswith("'"))
]


@pytest.mark.parametrize(("where", "value"), NOT_FINITE_CASES)
def test_a_number_that_is_not_finite_is_refused_where_it_is_declared(
    where: str, value: str, write_file: Callable[..., Path]
) -> None:
    diagnostics = load_any(write_file(scenario_with(where, value))).diagnostics
    assert [d.code for d in diagnostics if d.is_error] == ["E104"], [
        d.format() for d in diagnostics
    ]
    if where in DECLARED:
        assert (diagnostics[0].line, diagnostics[0].column) == DECLARED[where][1]


def test_the_same_places_take_finite_numbers(playable: Callable[[str], object]) -> None:
    for where in PLACES:
        value = {"random weight": "2", "timer seconds": "30", "grade min": "90"}.get(where, "1")
        if where == "cost limit":
            value = "50"
        playable(scenario_with(where, value))


@pytest.mark.parametrize(
    "text",
    [
        "format: 1\nkind: playlist\nid: p\ntitle: P\nscenarios: [{scenario: x, pass_mark: .nan}]\n",
        "format: 1\nkind: tests\nscenario: s.yaml\n"
        "tests: [{name: a, choices: [1], expect: {score: {min: .inf}}}]\n",
        f"format: 1\nkind: tests\nscenario: s.yaml\ntests: [{{name: a, seed: {10**30}, "
        "choices: [1], expect: {}}]\n",
    ],
    ids=["playlist-pass-mark", "playtest-bound", "playtest-seed"],
)
def test_other_kinds_refuse_numbers_out_of_reach(
    text: str, write_file: Callable[..., Path]
) -> None:
    assert "E104" in codes(write_file(text, "other.yaml"))


def test_the_scenario_list_survives_hostile_files(tmp_path: Path) -> None:
    (tmp_path / "huge.yaml").write_text(f"format: 1\nid: {HUGE}\ntitle: {HUGE}\n")
    (tmp_path / "titled.yaml").write_text(MINIMAL.replace("title: Tiny", f"title: {HUGE}"))
    (tmp_path / "bomb.yaml").write_text(
        "format: 1\nid: bomb\nx: &x " + "y" * 100_000 + "\nz: [" + "*x, " * 20_000 + "]\n"
    )
    os.mkfifo(tmp_path / "pipe.yaml")
    done = run_cli("list", str(tmp_path), cwd=tmp_path, timeout=120)
    assert "Traceback" not in done.stderr and done.returncode == 0, done.stderr
    assert done.stdout.split() == ["tiny", "tiny", "(10", "min;", "en)"]  # title: the id


@pytest.mark.parametrize("literal", [10**400, -(10**400), math.inf, -math.inf, math.nan, 10**300])
@pytest.mark.parametrize("kind", ["int", "number"])
def test_availability_test_points_take_any_literal(
    literal: float, kind: str, playable: Callable[[str], PlayableScenario]
) -> None:
    """However the expression parser reads a long literal (capped now; before, a whole
    number of 400 digits, or infinity for a float), the test points stay finite."""
    scenario = playable(MINIMAL + f"variables: {{x: {{type: {kind}, default: 0}}}}\n").model
    tree = Binary(">", Name("x", 0), Literal(literal, 4), 2)
    points = points_to_try([tree], declarations_for(scenario), scenario)
    assert points["x"] and all(math.isfinite(value) for value in points["x"])
