"""The scenario map in Graphviz's DOT language, with an optional path drawn over it.

Shapes and colours tell the kinds apart: decisions are rounded boxes, choices
small ellipses (blue and bold when they carry a lesson), automatic branches
diamonds, random branches hexagons, and endings double octagons coloured by
kind. Nodes are grouped by episode.
"""

from __future__ import annotations

from collections import deque

from simulator.scenario.model import Node
from simulator.scenario.playable import PlayableScenario

ENDING_COLOURS = {
    "balanced": "#2e8b57",
    "over-accommodating": "#d2801e",
    "lost": "#c0392b",
    "other": "#7f8c8d",
}
PATH_COLOUR = "#e0218a"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _short(text: str, length: int = 42) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _wrap(text: str, width: int = 24) -> str:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return "\n".join(lines[:4])


def _episode_of(scenario: PlayableScenario) -> dict[str, str]:
    """Each node's episode: the episode whose start reaches it first."""
    model = scenario.model
    owner: dict[str, str] = {}
    starts = {episode.start: episode_id for episode_id, episode in model.episodes.items()}
    for episode_id, episode in model.episodes.items():
        queue = deque([episode.start])
        while queue:
            node_id = queue.popleft()
            if node_id in owner or node_id not in model.nodes:
                continue
            if node_id in starts and starts[node_id] != episode_id:
                continue
            owner[node_id] = episode_id
            queue.extend(_targets(model.nodes[node_id]))
    return owner


def _targets(node: Node) -> list[str]:
    targets = [choice.next for choice in node.choices or []]
    targets += [t for t in (node.fallback, node.next, node.timer.next if node.timer else None) if t]
    targets += [branch.next for branch in node.branch or []]
    targets += [option.next for option in node.random or []]
    return targets


def _node_statement(node_id: str, node: Node, highlighted: bool) -> str:
    first_line = next((line.text for line in node.lines), "")
    label = node_id + (f"\n{_wrap(_short(first_line))}" if first_line else "")
    extra = f", color={_quote(PATH_COLOUR)}, penwidth=3" if highlighted else ""
    if node.ending is not None:
        colour = ENDING_COLOURS[node.ending.kind.value]
        label = f"{node_id}\n{_wrap(_short(node.ending.title))}\n({node.ending.kind.value})"
        return (
            f"  {_quote(node_id)} [label={_quote(label)}, shape=doubleoctagon, style=filled, "
            f"fillcolor={_quote(colour)}, fontcolor=white{extra}];"
        )
    if node.branch is not None:
        return f"  {_quote(node_id)} [label={_quote(label)}, shape=diamond{extra}];"
    if node.random is not None:
        return f"  {_quote(node_id)} [label={_quote(label)}, shape=hexagon{extra}];"
    if node.choices is not None:
        return (
            f'  {_quote(node_id)} [label={_quote(label)}, shape=box, style="rounded,filled", '
            f'fillcolor="#eef3fa"{extra}];'
        )
    return f"  {_quote(node_id)} [label={_quote(label)}, shape=note{extra}];"


def _choice_statements(
    scenario: PlayableScenario, node_id: str, path_choices: set[str]
) -> list[str]:
    statements = []
    for index, choice in enumerate(scenario.model.nodes[node_id].choices or []):
        choice_key = scenario.choice_ids[node_id][index]
        lesson = f"\n[lesson: {choice.lesson}]" if choice.lesson else ""
        tags = f"\n({', '.join(choice.tags)})" if choice.tags else ""
        label = _wrap(_short(choice.text, 60), 28) + tags + lesson
        style = ', color="#1f5fa8", penwidth=2' if choice.lesson else ""
        if choice_key in path_choices:
            style = f", color={_quote(PATH_COLOUR)}, penwidth=3"
        statements.append(
            f"  {_quote('choice:' + choice_key)} [label={_quote(label)}, "
            f"shape=ellipse, fontsize=8{style}];"
        )
    return statements


def to_dot(
    scenario: PlayableScenario,
    path_nodes: set[str] | None = None,
    path_choices: set[str] | None = None,
) -> str:
    """DOT text for the scenario map; ``path_*`` mark the nodes and choices of one play."""
    model = scenario.model
    path_nodes = path_nodes or set()
    path_choices = path_choices or set()
    lines = [
        f"digraph {_quote(model.id)} {{",
        f'  label={_quote(model.title)}; labelloc=t; fontsize=20; fontname="Noto Sans";',
        '  rankdir=LR; node [fontname="Noto Sans", fontsize=10]; '
        'edge [fontname="Noto Sans", fontsize=9];',
        f'  "__start" [label="start", shape=circle, style=filled, fillcolor=black, '
        f'fontcolor=white]; "__start" -> {_quote(model.start)};',
    ]
    owner = _episode_of(scenario)
    grouped: dict[str | None, list[str]] = {}
    for node_id in model.nodes:
        grouped.setdefault(owner.get(node_id), []).append(node_id)
    for episode_id, members in grouped.items():
        indent = ""
        if episode_id is not None:
            episode = model.episodes[episode_id]
            lines.append(f"  subgraph {_quote('cluster_' + episode_id)} {{")
            lines.append(
                f'    label={_quote(episode.title)}; style="rounded,dashed"; color="#8899aa";'
            )
            indent = "  "
        for node_id in members:
            lines.append(
                indent + _node_statement(node_id, model.nodes[node_id], node_id in path_nodes)
            )
            lines.extend(
                indent + statement
                for statement in _choice_statements(scenario, node_id, path_choices)
            )
        if episode_id is not None:
            lines.append("  }")
    for node_id, node in model.nodes.items():
        for index, choice in enumerate(node.choices or []):
            choice_key = scenario.choice_ids[node_id][index]
            on_path = choice_key in path_choices
            choice_node = _quote(f"choice:{choice_key}")
            edge = f" [color={_quote(PATH_COLOUR)}, penwidth=3]" if on_path else ""
            lines.append(f"  {_quote(node_id)} -> {choice_node}{edge};")
            lines.append(f"  {choice_node} -> {_quote(choice.next)}{edge};")
        simple = []
        if node.fallback:
            simple.append((node.fallback, "fallback"))
        if node.timer:
            simple.append((node.timer.next, f"no answer in {node.timer.seconds:g} s"))
        if node.next:
            simple.append((node.next, ""))
        for branch in node.branch or []:
            simple.append((branch.next, branch.if_ or "otherwise"))
        for option in node.random or []:
            simple.append((option.next, f"weight {option.weight:g}"))
        for target, label in simple:
            on_path = node_id in path_nodes and target in path_nodes
            style = f", color={_quote(PATH_COLOUR)}, penwidth=3" if on_path else ""
            lines.append(
                f"  {_quote(node_id)} -> {_quote(target)} "
                f"[label={_quote(_short(label, 40))}{style}];"
            )
    lines.append("}")
    return "\n".join(lines) + "\n"
