"""Memory and time stay bounded by the file, whatever it holds.

No test here times anything: each shows, by counting the work, that it does not grow
with what an attacker multiplies (the aliases' expansion, the number of errors).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
import yaml_rs

from simulator.file_checks import load_any
from simulator.scenario import diagnostics as diagnostics_module
from simulator.scenario import yamlfile
from simulator.scenario.diagnostics import MAX_PER_CODE, SUGGESTION_BUDGET, Diagnostic, capped
from simulator.scenario.yamlfile import MAX_EXPANDED_CHARS, parse_text
from tests.scenario.test_hostile_files import validate_cli

HEAD = (
    "format: 1\nid: many\ntitle: Many\nstart: n0\n"
    "scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}\nnodes:\n"
)


# ---------------------------------------------------------------- aliases


def alias_bomb(text_size: int, aliases: int) -> str:
    """One long text, anchored once and aliased many times: each alias copies it."""
    return (
        f"format: 1\nanchor: &long {'x' * text_size}\ncopies: [{', '.join(['*long'] * aliases)}]\n"
    )


@pytest.fixture
def expansions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts yaml-rs was asked to build: where aliases would be expanded."""
    asked: list[str] = []
    real_loads = yaml_rs.loads

    def spy(text: str, **keywords: Any) -> Any:
        asked.append(text)
        return real_loads(text, **keywords)

    monkeypatch.setattr(yamlfile.yaml_rs, "loads", spy)
    return asked


def test_aliases_are_bounded_by_size_before_anything_is_expanded(
    expansions: list[str],
) -> None:
    # 324 KB that expand to 3.2 GB: 32,000 aliases of a 100 KB text, yet far under
    # yaml-rs's own limit of 200,000 items.
    text = alias_bomb(100_000, 32_000)
    assert len(text) < 330_000
    document, (diagnostic,) = parse_text(text)
    assert document is None
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("E007", 3, 10)
    assert "MiB" in diagnostic.message
    assert expansions == []  # refused before the parser expanded anything


def test_aliases_within_the_size_limit_still_load(expansions: list[str]) -> None:
    text = alias_bomb(1_000, MAX_EXPANDED_CHARS // 1_000 // 2)
    document, problems = parse_text(text)
    assert problems == [] and document is not None
    assert len(document.data["copies"]) == MAX_EXPANDED_CHARS // 1_000 // 2


def test_nested_aliases_count_what_they_expand_to() -> None:
    # Each level repeats the one below ten times: 1 KB at the bottom, 10 GB at level six.
    lines = [f"l0: &l0 {'y' * 1000}"]
    for level in range(1, 7):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    _, (diagnostic,) = parse_text("\n".join(lines) + "\n")
    assert diagnostic.code == "E007"
    assert diagnostic.line == 2  # the first alias, like the item-count limit


def test_measuring_the_expansion_reads_each_event_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The size of an anchor is found once; an alias adds it without walking it again,
    so the work is the number of events in the text, not in the expansion."""
    counts: list[int] = []
    real_parse = yaml.parse

    def counting(*arguments: Any, **keywords: Any) -> Any:
        count = 0
        for event in real_parse(*arguments, **keywords):
            count += 1
            yield event
        counts.append(count)

    monkeypatch.setattr(yamlfile.yaml, "parse", counting)
    for aliases in (1_000, 2_000):
        parse_text(alias_bomb(1_000, aliases))
    small, large = counts
    assert large - small == 1_000  # one event per alias, whatever it stands for


def test_validate_refuses_the_bomb_with_a_code(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(100_000, 20_000))
    returncode, out = validate_cli(path, cwd=tmp_path)
    assert (returncode, out.split(": error ")[1][:4]) == (1, "E007")


# ---------------------------------------------------------------- many errors


def dangling(count: int) -> str:
    """``count`` nodes whose next is a node that does not exist."""
    nodes = "".join(f"  n{i}:\n    next: nn{i}\n" for i in range(count))
    return HEAD + nodes + "  end:\n    ending: {title: E}\n"


def unknown_keys(count: int) -> str:
    """One node with ``count`` keys the format does not have."""
    keys = "".join(f"    bogus{i}: 1\n" for i in range(count))
    return HEAD + "  n0:\n    ending: {title: E}\n" + keys


@pytest.fixture
def comparisons(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many names each "did you mean" compared the misspelt one with."""
    compared: list[int] = []
    real = difflib.get_close_matches

    def counting(word: str, possibilities: Any, *arguments: Any, **keywords: Any) -> Any:
        compared.append(len(possibilities))
        return real(word, possibilities, *arguments, **keywords)

    monkeypatch.setattr(diagnostics_module.difflib, "get_close_matches", counting)
    return compared


@pytest.mark.parametrize("count", [4_000, 8_000])
def test_did_you_mean_costs_at_most_its_budget(
    count: int, comparisons: list[int], write_file: Callable[..., Path]
) -> None:
    # Before, each of the n dangling references was compared with all n nodes: n * n.
    found = load_any(write_file(dangling(count))).diagnostics
    assert sum(comparisons) <= SUGGESTION_BUDGET
    e201 = [d for d in found if d.code == "E201"]
    assert len(e201) == MAX_PER_CODE + 1
    assert e201[0].message == "no node is called 'nn0'; did you mean 'n0'?"
    assert e201[-1].message.startswith(f"{count - MAX_PER_CODE:,} more E201 like the")


def count_scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts, in scans[0], every pass over the entries of a mapping when positions are
    looked up: a list of entries that counts when it is iterated."""
    scans = [0]

    class Counted(list):  # type: ignore[type-arg]
        def __iter__(self) -> Any:
            scans[0] += 1
            return super().__iter__()

    real_compose = yaml.compose

    def compose(*arguments: Any, **keywords: Any) -> Any:
        root = real_compose(*arguments, **keywords)
        stack = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.MappingNode):
                stack.extend(value for _, value in node.value)
                node.value = Counted(node.value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
        return root

    monkeypatch.setattr(yamlfile.yaml, "compose", compose)
    return scans


@pytest.mark.parametrize("count", [1_000, 30_000])
def test_positions_scan_each_mapping_once(
    count: int, monkeypatch: pytest.MonkeyPatch, write_file: Callable[..., Path]
) -> None:
    # Before, each error scanned its whole mapping: 30,000 unknown keys, 900 million steps.
    scans = count_scans(monkeypatch)
    document, problems = yamlfile.read_file(write_file(unknown_keys(count)))
    assert document is not None and not problems
    for index in range(count):  # every one, not only those reported
        assert document.position(("nodes", "n0", f"bogus{index}"), at_key=True) == (
            index + 9,
            5,
        )
    assert scans[0] == 3  # the root, 'nodes' and node n0: whatever the count


@pytest.mark.parametrize("count", [30_000, 60_000])
def test_thousands_of_unknown_keys_are_reported_in_bounded_lines(
    count: int, comparisons: list[int], write_file: Callable[..., Path]
) -> None:
    found = load_any(write_file(unknown_keys(count))).diagnostics
    assert [d.code for d in found] == ["E101"] * (MAX_PER_CODE + 1)
    assert sum(comparisons) <= SUGGESTION_BUDGET
    assert found[-1].message.startswith(f"{count - MAX_PER_CODE:,} more E101")


def test_capped_keeps_the_first_of_each_code_and_counts_the_rest() -> None:
    found = [Diagnostic("E201", f"n{i}", path=("nodes", i)) for i in range(5)]
    found.insert(2, Diagnostic("W501", "unused"))
    kept = capped(found, limit=2)
    assert [d.message for d in kept[:3]] == ["n0", "n1", "unused"]
    assert kept[3].code == "E201" and kept[3].path == ("nodes", 4)
    assert kept[3].message.startswith("3 more E201 like the 2 above")
    assert capped(found[:3], limit=2) == found[:3]


def test_validate_prints_the_count_line(tmp_path: Path) -> None:
    path = tmp_path / "dangling.yaml"
    path.write_text(dangling(500))
    returncode, out = validate_cli(path, cwd=tmp_path)
    assert returncode == 1
    lines = out.splitlines()
    assert sum(" E201: " in line for line in lines) == MAX_PER_CODE + 1
    assert sum(" E207: " in line for line in lines) == MAX_PER_CODE + 1
    assert any("400 more E201 like the 100 above" in line for line in lines)


def test_aliases_the_size_check_cannot_read_are_refused(
    expansions: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyYAML reads YAML 1.1 (in pure Python, where its C library is missing, it is
    stricter still): where it cannot read a file that yaml-rs could, the expansion cannot
    be measured, so a file with aliases is refused and told why (fail closed)."""
    text = "format: 1\na: &a {text: Hello? Anyone?}\nb: [*a, *a]\n"
    monkeypatch.setattr(yamlfile, "_COMPOSER", yaml.SafeLoader)  # the pure-Python one
    _, (diagnostic,) = parse_text(text)
    assert (diagnostic.code, diagnostic.line) == ("E007", 2)
    assert "cannot be measured" in diagnostic.message
    assert expansions == []
    document, problems = parse_text(text.replace("*a", "x"))  # without aliases: read
    assert document is not None and not problems
