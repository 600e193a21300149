"""Writing stable ids into a scenario file, leaving everything else as it was.

Each missing id is written as exactly the id the loader derives for that line
or choice today, so translations keyed before the ids were written keep
working, and from then on the id no longer moves when lines are reordered.
"""

from __future__ import annotations

import yaml

from simulator.scenario.model import Scenario
from simulator.scenario.playable import choice_id, line_id
from simulator.scenario.yamlfile import YamlDocument


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
    taken = {line.id for node in scenario.nodes.values() for line in node.lines if line.id}
    taken |= {c.id for node in scenario.nodes.values() for c in node.choices or [] if c.id}
    insertions: list[tuple[int, str]] = []
    for node_id, node in scenario.nodes.items():
        wanted = [
            (("lines", i), line_id(node_id, i, line))
            for i, line in enumerate(node.lines)
            if line.id is None
        ]
        wanted += [
            (("choices", i), choice_id(node_id, i, choice))
            for i, choice in enumerate(node.choices or [])
            if choice.id is None
        ]
        for (section, index), new_id in wanted:
            mapping = _mapping_at(root, ("nodes", node_id, section, index))
            if mapping is None or not mapping.value:
                continue
            unique = new_id
            counter = 2
            while unique in taken:
                unique = f"{new_id}-{counter}"
                counter += 1
            taken.add(unique)
            first_key = mapping.value[0][0]
            position = first_key.start_mark.index
            if mapping.flow_style:
                insertions.append((position, f"id: {unique}, "))
            else:
                insertions.append((position, f"id: {unique}\n{' ' * first_key.start_mark.column}"))
    text = document.text
    for position, addition in sorted(insertions, reverse=True):
        text = text[:position] + addition + text[position:]
    return text, len(insertions)
