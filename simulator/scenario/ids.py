"""Writing stable ids into a scenario file, leaving everything else as it was.

A missing line id is written as ``NODE.lN`` (the N-th line of the node), the form the
format's documentation and the bundled scenarios use; a missing choice id as the one
the loader derives today (``NODE.choiceN``). Ids already written are never changed.
A line's written id differs from the one derived while it had none (``NODE.lineN``),
so ``line_renames`` says which keys a translation made before must move, and
``rekeyed_translation`` moves them; from then on no id moves when lines are reordered.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from simulator.library import translation_files
from simulator.scenario.model import Scenario
from simulator.scenario.playable import choice_id, line_id
from simulator.scenario.yamlfile import YamlDocument, read_file


@dataclass(frozen=True)
class NewId:
    """One id to write: the node, the line or choice by position, and the id."""

    node: str
    section: str  # "lines" or "choices"
    index: int
    derived: str  # the id the loader gives it while it has none
    id: str


def planned_ids(scenario: Scenario) -> list[NewId]:
    """Every id the scenario lacks, as it will be written, unique among all its ids."""
    taken = {line.id for node in scenario.nodes.values() for line in node.lines if line.id}
    taken |= {c.id for node in scenario.nodes.values() for c in node.choices or [] if c.id}
    planned: list[NewId] = []
    for node_id, node in scenario.nodes.items():
        wanted = [
            ("lines", i, line_id(node_id, i, line), f"{node_id}.l{i + 1}")
            for i, line in enumerate(node.lines)
            if line.id is None
        ]
        wanted += [
            ("choices", i, choice_id(node_id, i, choice), choice_id(node_id, i, choice))
            for i, choice in enumerate(node.choices or [])
            if choice.id is None
        ]
        for section, index, derived, new_id in wanted:
            unique = new_id
            counter = 2
            while unique in taken:
                unique = f"{new_id}-{counter}"
                counter += 1
            taken.add(unique)
            planned.append(NewId(node_id, section, index, derived, unique))
    return planned


def line_renames(scenario: Scenario) -> dict[str, str]:
    """Translation keys that writing the ids moves: ``lines.DERIVED`` -> ``lines.NEW``."""
    return {
        f"lines.{new.derived}": f"lines.{new.id}"
        for new in planned_ids(scenario)
        if new.section == "lines" and new.derived != new.id
    }


def _mapping_at(root: yaml.Node, path: tuple[str | int, ...]) -> yaml.MappingNode | None:
    node = root
    for step in path:
        if isinstance(node, yaml.MappingNode):
            matches = [value for key, value in node.value if key.value == str(step)]
            if not matches:
                return None
            node = matches[-1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            node = node.value[step]
        else:
            return None
    return node if isinstance(node, yaml.MappingNode) else None


def add_missing_ids(document: YamlDocument, scenario: Scenario) -> tuple[str, int]:
    """The file's text with every missing line and choice id written in, and the count."""
    root = document.root_node()
    if root is None:
        return document.text, 0
    insertions: list[tuple[int, str]] = []
    for new in planned_ids(scenario):
        mapping = _mapping_at(root, ("nodes", new.node, new.section, new.index))
        if mapping is None or not mapping.value:
            continue
        first_key = mapping.value[0][0]
        position = first_key.start_mark.index
        if mapping.flow_style:
            insertions.append((position, f"id: {new.id}, "))
        else:
            insertions.append((position, f"id: {new.id}\n{' ' * first_key.start_mark.column}"))
    text = document.text
    for position, addition in sorted(insertions, reverse=True):
        text = text[:position] + addition + text[position:]
    return text, len(insertions)


def rekeyed_translation(document: YamlDocument, renames: dict[str, str]) -> tuple[str, int]:
    """A translation file's text with each key of its `strings` that ``renames`` names
    written as its new name (nothing else changes), and how many were renamed. A key
    whose new name the file has already is left alone: the validator shows both."""
    root = document.root_node()
    strings = _mapping_at(root, ("strings",)) if root is not None else None
    if strings is None or not renames:
        return document.text, 0
    present = {key.value for key, _ in strings.value}
    replacements = [
        (key.start_mark.index, key.end_mark.index, renames[key.value])
        for key, _ in strings.value
        if isinstance(key, yaml.ScalarNode)
        and key.value in renames
        and renames[key.value] not in present
    ]
    text = document.text
    for start, end, new_key in sorted(replacements, reverse=True):
        text = text[:start] + new_key + text[end:]
    return text, len(replacements)


def rekey_translations_beside(
    scenario_path: Path, renames: dict[str, str]
) -> list[tuple[Path, int]]:
    """Move the renamed keys in every translation beside a scenario (after its ids were
    written) and say which files changed and by how many keys. A file that cannot be
    read is left for the validator to report."""
    moved: list[tuple[Path, int]] = []
    if not renames:
        return moved
    for path in translation_files(scenario_path):
        document, _ = read_file(path)
        if document is None:
            continue
        text, count = rekeyed_translation(document, renames)
        if count:
            path.write_text(text, encoding="utf-8", newline="")  # keeps its line ends
            moved.append((path, count))
    return moved
