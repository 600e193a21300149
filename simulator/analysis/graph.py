"""The scenario map in Graphviz's DOT language, with an optional path drawn over it.

The map has to be readable on one screen, so it carries little text and keeps the rest
in tooltips. A node shows its id and the first line every play sees; a choice is an
arrow labelled with its number and id; conditions, effects, feedback and the critical
mark are in the tooltips, which SVG viewers (and the HTML map) show on hover. Each
episode is a band that runs top to bottom, and the bands stand side by side in the order
of the episodes, wrapping into rows so the whole map shows as large as a screen allows:
a single column of bands came out up to three times as tall as wide, one row up to five
times as wide.

Shapes and colours tell the kinds apart: decisions are rounded boxes, automatic branches
diamonds, random branches hexagons, narration notes, endings double octagons coloured by
kind. A choice that carries a lesson is a blue arrow, a critical mistake a dashed red one.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from itertools import pairwise

from simulator.scenario.model import (
    Choice,
    EffectItem,
    Node,
    RandomBranch,
    VariableText,
    effect_text,
)
from simulator.scenario.playable import PlayableScenario

ENDING_COLOURS = {
    "balanced": "#2e8b57",
    "over-accommodating": "#d2801e",
    "lost": "#c0392b",
    "other": "#7f8c8d",
}
PATH_COLOUR = "#e0218a"
LESSON_COLOUR = "#1f5fa8"
CRITICAL_COLOUR = "#c0392b"
#: Characters per line of a node's label, and how many lines of its opening it shows.
LABEL_WIDTH = 20
LABEL_LINES = 2
#: Edge labels wrap choice ids at hyphens past this many characters.
EDGE_WIDTH = 16
#: Tooltips keep texts whole up to this length; a paragraph is too much on hover.
TIP_TEXT = 240
DEPENDS = "(depends)"
#: A node with more arrows than this to endings staggers them over two rows.
STAGGER = 4

#: Graphviz measures text in the first font it finds; browsers use the list as CSS does.
FONT = "Noto Sans, DejaVu Sans, sans-serif"
GRAPH_STYLE = (
    f'  fontname="{FONT}"; labelloc=t; fontsize=18; rankdir=TB; newrank=true;',
    "  nodesep=0.1; ranksep=0.14; margin=0.1; outputorder=edgesfirst;",
    f'  node [fontname="{FONT}", fontsize=10, margin="0.06,0.03", height=0.3];',
    f'  edge [fontname="{FONT}", fontsize=8, arrowsize=0.6, color="#5b6670"];',
)


def _quote(text: str) -> str:
    """A DOT string: backslashes doubled so Graphviz's escapes (\\N, \\G...) stay text."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _short(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _wrap(text: str, width: int, most: int) -> str:
    """Words packed into at most ``most`` lines of about ``width`` characters; what does
    not fit ends in "…", after a whole word."""
    lines: list[str] = []
    for word in (_short(word, width) for word in text.split()):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip(",;:.") + "…"
    return "\n".join(lines)


def _wrap_id(key: str, width: int) -> str:
    """A long id broken after hyphens, so an arrow's label stays narrow."""
    lines = [""]
    for part in re.split(r"(?<=-)", key):
        if lines[-1] and len(lines[-1]) + len(part) > width:
            lines.append(part)
        else:
            lines[-1] += part
    return "\n".join(lines)


def _first_variant(text: VariableText) -> str:
    return text if isinstance(text, str) else (text[0].text if text else "")


def _opening(node: Node) -> str:
    """The first line every visit shows; "(depends)" when each line has a condition."""
    if not node.lines:
        return ""
    return next((line.text for line in node.lines if line.if_ is None), DEPENDS)


def percentages(options: Iterable[RandomBranch]) -> list[str]:
    """Each random branch's chance, as trainers read it: weight over the total, rounded."""
    weights = [option.weight for option in options]
    total = sum(weights)
    return [f"{round(100 * weight / total)}%" for weight in weights]


def _attributes(**values: str | None) -> str:
    """A DOT attribute list; the values are quoted here, ``None`` leaves one out."""
    return ", ".join(f"{key}={_quote(value)}" for key, value in values.items() if value is not None)


# ---------------------------------------------------------------- nodes


def _node_label(node_id: str, node: Node) -> str:
    if node.ending is not None:
        title = _wrap(node.ending.title, LABEL_WIDTH, LABEL_LINES)
        return f"{node_id}\n{title}"
    opening = _opening(node)
    return node_id + (f"\n{_wrap(opening, LABEL_WIDTH, LABEL_LINES)}" if opening else "")


def _node_tooltip(node_id: str, node: Node) -> str:
    kind = (
        "ending"
        if node.ending is not None
        else "decision"
        if node.choices is not None
        else "automatic branch"
        if node.branch is not None
        else "random branch"
        if node.random is not None
        else "scene"
    )
    tip = [f"{node_id} ({kind})"]
    if node.ending is not None:
        tip.append(f"Ending, {node.ending.kind.value}: {node.ending.title}")
        text = _first_variant(node.ending.text)
        if text:
            tip.append(_short(text, TIP_TEXT))
    opening = _opening(node)
    if opening:
        tip.append(f"Opens with: {_short(opening, TIP_TEXT)}")
    if node.if_ is not None:
        tip.append(f"Only if {node.if_}; otherwise passed by to {node.otherwise}")
    if node.effects:
        tip.append(f"On entering: {_effects(node.effects)}")
    if node.consequence_of:
        tip.append(f"Charged to: {', '.join(node.consequence_of)}")
    if node.choices is not None:
        tip.append(f"{len(node.choices)} choices")
    if node.timer is not None:
        when = f" if {node.timer.if_}" if node.timer.if_ else ""
        tip.append(f"Timer{when}: {node.timer.seconds:g} s, then {node.timer.next}")
    if node.fallback:
        tip.append(f"Fallback when no choice is available: {node.fallback}")
    for branch in node.branch or []:
        tip.append(
            (f"if {branch.if_} → {branch.next}" if branch.if_ else f"else → {branch.next}")
            + (f" ({_effects(branch.effects)})" if branch.effects else "")
        )
    for option, chance in zip(node.random or [], percentages(node.random or []), strict=True):
        effects = f" ({_effects(option.effects)})" if option.effects else ""
        tip.append(f"{chance} (weight {option.weight:g}) → {option.next}{effects}")
    return "\n".join(tip)


def _effects(items: list[EffectItem]) -> str:
    return "; ".join(effect_text(item) for item in items)


def _node_statement(node_id: str, node: Node, highlighted: bool) -> str:
    shape: dict[str, str | None] = {"shape": "note"}
    if node.ending is not None:
        shape = {
            "shape": "doubleoctagon",
            "style": "filled",
            "fillcolor": ENDING_COLOURS[node.ending.kind.value],
            "fontcolor": "white",
        }
    elif node.branch is not None:
        shape = {"shape": "diamond", "style": "filled", "fillcolor": "#f4f1e6"}
    elif node.random is not None:
        shape = {"shape": "hexagon", "style": "filled", "fillcolor": "#f1ecf7"}
    elif node.choices is not None:
        shape = {"shape": "box", "style": "rounded,filled", "fillcolor": "#eef3fa"}
    if highlighted:
        shape |= {"color": PATH_COLOUR, "penwidth": "3"}
    attributes = _attributes(
        label=_node_label(node_id, node), tooltip=_node_tooltip(node_id, node), **shape
    )
    return f"{_quote(node_id)} [{attributes}];"


# ---------------------------------------------------------------- choices


def _choice_tooltip(number: int, key: str, choice: Choice, applies: bool) -> str:
    tip = [f"{number}. {key}", f"“{_short(choice.text, TIP_TEXT)}”"]
    if choice.critical:
        tip.append(f"CRITICAL MISTAKE: {_short(choice.critical, TIP_TEXT)}")
    if choice.if_:
        tip.append(f"if {choice.if_}")
        if choice.reason:
            tip.append(f"Otherwise greyed out: {_short(choice.reason, TIP_TEXT)}")
    if choice.once:
        tip.append("Once only")
    if choice.effects:
        tip.append(f"Effects: {_effects(choice.effects)}")
    feedback = _first_variant(choice.feedback)
    if feedback:
        tip.append(f"Feedback: {_short(feedback, TIP_TEXT)}")
    if choice.lesson:
        tip.append(f"Lesson: {choice.lesson}" + (" (puts it into practice)" if applies else ""))
    if choice.tags:
        tip.append(f"Tags: {', '.join(choice.tags)}")
    tip.append(f"→ {choice.next}")
    return "\n".join(tip)


def _choice_label(number: int, key: str, choice: Choice) -> str:
    marks = (
        ("!" if choice.critical else "")
        + ("?" if choice.if_ else "")
        + ("¹" if choice.once else "")
    )
    return f"{number}{marks} " + _wrap_id(key, EDGE_WIDTH)


def _choice_edges(
    scenario: PlayableScenario,
    node_id: str,
    node: Node,
    path_choices: set[str],
    owner: dict[str, str],
) -> list[str]:
    applied = {key for lesson in scenario.model.lessons.values() for key in lesson.applied_by}
    edges = []
    for index, choice in enumerate(node.choices or []):
        key = scenario.choice_ids[node_id][index]
        tooltip = _choice_tooltip(index + 1, key, choice, key in applied)
        style: dict[str, str | None] = {}
        if key in applied:
            style = {"color": LESSON_COLOUR, "fontcolor": LESSON_COLOUR, "penwidth": "1.6"}
        if choice.critical:
            style = {"color": CRITICAL_COLOUR, "fontcolor": CRITICAL_COLOUR, "style": "dashed"}
        if key in path_choices:
            style = {"color": PATH_COLOUR, "fontcolor": PATH_COLOUR, "penwidth": "3"}
        across = _across(owner, node_id, choice.next)
        attributes = _attributes(
            id=f"choice:{key}",
            constraint=across,
            **_label(_choice_label(index + 1, key, choice), across),
            tooltip=tooltip,
            labeltooltip=tooltip,
            **style,
        )
        edges.append(f"  {_quote(node_id)} -> {_quote(choice.next)} [{attributes}];")
    return edges


def _other_edges(
    node_id: str,
    node: Node,
    path_nodes: set[str],
    endings: dict[str, bool],
    owner: dict[str, str],
) -> list[str]:
    """Edges that are not a trainee's choice: timer, fallback, next, branches, chance.

    A branch to many endings would put them all in one very wide row: every other
    ending goes one row lower instead."""
    found: list[tuple[str, str, str]] = []  # target, label, tooltip
    if node.fallback:
        found.append((node.fallback, "fallback", "When no choice is available"))
    if node.timer:
        timer = f"no answer in {node.timer.seconds:g} s"
        if node.timer.if_:
            timer += f", when {node.timer.if_}"
        effects = f"\nEffects: {_effects(node.timer.effects)}" if node.timer.effects else ""
        found.append((node.timer.next, f"timer {node.timer.seconds:g} s", timer + effects))
    if node.next:
        found.append((node.next, "", "Continue"))
    if node.otherwise:
        found.append((node.otherwise, "passed by", f"When {node.if_} does not hold"))
    for branch in node.branch or []:
        condition = branch.if_ or "otherwise"
        effects = f"\nEffects: {_effects(branch.effects)}" if branch.effects else ""
        found.append((branch.next, _wrap(condition, 18, 2), condition + effects))
    for option, chance in zip(node.random or [], percentages(node.random or []), strict=True):
        effects = f"\nEffects: {_effects(option.effects)}" if option.effects else ""
        found.append((option.next, chance, f"{chance} (weight {option.weight:g}){effects}"))
    edges = []
    staggered = 0
    for target, label, tooltip in found:
        on_path = node_id in path_nodes and target in path_nodes
        style = {"color": PATH_COLOUR, "penwidth": "3"} if on_path else {}
        if len(found) > STAGGER and endings.get(target):
            style["minlen"] = str(1 + staggered % 2)
            staggered += 1
        across = _across(owner, node_id, target)
        attributes = _attributes(
            constraint=across,
            **_label(label or None, across),
            tooltip=f"{node_id} → {target}: {tooltip}",
            labeltooltip=tooltip if label else None,
            **style,
        )
        edges.append(f"  {_quote(node_id)} -> {_quote(target)} [{attributes}];")
    return edges


# ---------------------------------------------------------------- the whole map


def _targets(node: Node) -> list[str]:
    targets = [choice.next for choice in node.choices or []]
    timer = node.timer.next if node.timer else None
    targets += [t for t in (node.fallback, node.next, node.otherwise, timer) if t]
    targets += [branch.next for branch in node.branch or []]
    targets += [option.next for option in node.random or []]
    return targets


def _reach(scenario: PlayableScenario, start: str, stops: set[str]) -> list[str]:
    """The nodes a play reaches from ``start`` without entering another episode."""
    nodes = scenario.model.nodes
    seen: list[str] = []
    queue = deque([start])
    while queue:
        node_id = queue.popleft()
        if node_id in seen or node_id not in nodes or (node_id in stops and node_id != start):
            continue
        seen.append(node_id)
        queue.extend(_targets(nodes[node_id]))
    return seen


def episode_of(scenario: PlayableScenario) -> dict[str, str]:
    """Each node's episode: the one episode whose start reaches it before another episode
    begins. A node that several episodes reach (a shared ending, a meeting point) belongs
    to none, so that no episode's band has to stretch to meet the others."""
    starts = set(scenario.episode_starts)
    reached: dict[str, list[str]] = {}
    for episode_id, episode in scenario.model.episodes.items():
        for node_id in _reach(scenario, episode.start, starts):
            reached.setdefault(node_id, []).append(episode_id)
    return {node_id: found[0] for node_id, found in reached.items() if len(found) == 1}


def band_order(scenario: PlayableScenario) -> list[str]:
    """Episodes from the top of the map down: by the day and time they set, where they
    set one, and otherwise in the order a play first meets them."""
    model = scenario.model
    met = [
        scenario.episode_starts[node_id]
        for node_id in _reach(scenario, model.start, set())
        if node_id in scenario.episode_starts
    ]
    order = list(dict.fromkeys(met + list(model.episodes)))
    day, time = 0, "00:00"
    moments = {}
    for episode_id in order:  # an episode that sets no clock keeps the one before it
        episode = model.episodes[episode_id]
        day = episode.day if episode.day is not None else day
        time = episode.time if episode.time is not None else time
        moments[episode_id] = (day, time.zfill(5))
    return sorted(order, key=lambda episode_id: moments[episode_id])


#: The screen a map is laid out for, in CSS pixels, and rough Graphviz measures that
#: guess how large a band draws before Graphviz draws it: one row of steps with the
#: arrow labels under it, a character of a step's label, a step's padding, and how much
#: wider a band's widest row is than its average one.
SCREEN = (1920, 1080)
RANK_PX = 95
CHAR_PX = 7.0
NODE_PX = 34
WIDEST_ROW = 1.5
#: The most bands a row of the map can hold: more would not read on any screen, and the
#: bound keeps choosing the rows quadratic in a file's episodes (a file can hold many).
ROW_BANDS = 12


def _depth(scenario: PlayableScenario, band: set[str], start: str) -> int:
    """How many rows of steps a band takes: the longest way down from its start, not
    counting arrows that go back up (a loop)."""
    nodes = scenario.model.nodes
    finished: list[str] = []
    seen = {start}
    stack = [(start, iter(_targets(nodes[start])))]
    while stack:  # depth first, without recursion: a band can be hundreds of steps long
        node_id, targets = stack[-1]
        target = next((t for t in targets if t in band and t not in seen), None)
        if target is None:
            finished.append(node_id)
            stack.pop()
        else:
            seen.add(target)
            stack.append((target, iter(_targets(nodes[target]))))
    order = finished[::-1]
    position = {node_id: index for index, node_id in enumerate(order)}
    row = dict.fromkeys(order, 0)
    for node_id in order:
        for target in _targets(nodes[node_id]):
            if position.get(target, -1) > position[node_id]:
                row[target] = max(row[target], row[node_id] + 1)
    return max(row.values()) + 1


def _band_size(scenario: PlayableScenario, band: list[str], start: str) -> tuple[float, float]:
    """A guess at a band's width and height in pixels: its steps side by side as if they
    shared its rows evenly, and its rows one under the other."""
    depth = _depth(scenario, set(band), start)
    widths = [_node_width(node_id, scenario.model.nodes[node_id]) for node_id in band]
    return max(max(widths), sum(widths) / depth * WIDEST_ROW), RANK_PX * depth


def _node_width(node_id: str, node: Node) -> float:
    return CHAR_PX * max(map(len, _node_label(node_id, node).split("\n"))) + NODE_PX


def _rows(sizes: list[tuple[float, float]]) -> list[int]:
    """How many bands stand side by side in each row of the map, in order: of every way
    to fill rows up to a given width (that of at most ROW_BANDS bands in a row), the one
    that shows largest on the screen."""
    widths = [width for width, _ in sizes]
    best: tuple[float, list[int]] = (0.0, [len(sizes)])
    count = len(widths)
    for most in sorted(
        {
            sum(widths[i:j])
            for i in range(count)
            for j in range(i + 1, min(i + ROW_BANDS, count) + 1)
        }
    ):
        rows, used = [0], 0.0
        for width in widths:
            if rows[-1] and used + width > most:
                rows, used = [*rows, 0], 0.0
            rows[-1] += 1
            used += width
        firsts = [sum(rows[:index]) for index in range(len(rows))]
        spans = [sizes[first : first + count] for first, count in zip(firsts, rows, strict=True)]
        width = max(sum(width for width, _ in span) for span in spans)
        height = sum(max(height for _, height in span) for span in spans)
        scale = min(SCREEN[0] / width, SCREEN[1] / height)
        if scale > best[0]:
            best = (scale, rows)
    return best[1]


def _grid(scenario: PlayableScenario, owner: dict[str, str], bands: list[str]) -> list[list[str]]:
    """The bands' episodes (``bands``, in the map's order) row by row, each left to right."""
    model = scenario.model
    order = [e for e in bands if owner.get(model.episodes[e].start) == e]
    members: dict[str, list[str]] = {episode_id: [] for episode_id in order}
    for node_id, episode_id in owner.items():
        members[episode_id].append(node_id)
    sizes = [_band_size(scenario, members[e], model.episodes[e].start) for e in order]
    grid, first = [], 0
    for count in _rows(sizes) if sizes else []:
        grid.append(order[first : first + count])
        first += count
    return grid


def _across(owner: dict[str, str], source: str, target: str) -> str | None:
    """``"false"`` for an arrow from one band into another: it must not pull the later
    band down below the earlier one, since the bands stand side by side."""
    ends = owner.get(source), owner.get(target)
    return "false" if None not in ends and ends[0] != ends[1] else None


def _label(text: str | None, across: str | None) -> dict[str, str | None]:
    """An arrow between bands carries its label beside it (``xlabel``): as an ordinary
    label Graphviz would give it a place of its own, off to the side of both bands."""
    return {"xlabel" if across else "label": text}


def _grid_edges(
    scenario: PlayableScenario, owner: dict[str, str], grid: list[list[str]]
) -> list[str]:
    """The starts of a row's bands on one level, and each row below all of the one before
    it (an invisible arrow from each of its steps to the next row). Graphviz keeps the
    bands in order left to right when each hangs from its own point in an invisible row
    above, the points chained left to right."""
    lines = []
    for index, row in enumerate(grid):
        starts = [_quote(scenario.model.episodes[episode_id].start) for episode_id in row]
        spine = [_quote(f"__row{index}_{number}") for number in range(len(row))]
        lines.append(f"  {{rank=same; {'; '.join(starts)};}}")
        lines.append(f"  {{rank=same; {'; '.join(spine)};}}")
        lines.extend(f"  {point} [shape=point, style=invis];" for point in spine)
        lines.extend(f"  {left} -> {right} [style=invis];" for left, right in pairwise(spine))
        lines.extend(
            f"  {point} -> {start} [style=invis, weight=100];"
            for point, start in zip(spine, starts, strict=True)
        )
        if index + 1 < len(grid):
            below = _quote(f"__row{index + 1}_0")
            lines.extend(
                f"  {_quote(node_id)} -> {below} [style=invis, weight=0];"
                for node_id, episode_id in owner.items()
                if episode_id in row
            )
    return lines


def to_dot(
    scenario: PlayableScenario,
    path_nodes: set[str] | None = None,
    path_choices: set[str] | None = None,
) -> str:
    """DOT text for the scenario map; ``path_*`` mark the nodes and choices of one play."""
    model = scenario.model
    path_nodes = path_nodes or set()
    path_choices = path_choices or set()
    lines = [f"digraph {_quote(model.id)} {{", f"  label={_quote(model.title)};", *GRAPH_STYLE]
    lines.append(
        '  "__start" [label="start", shape=circle, style=filled, fillcolor=black, '
        f'fontcolor=white, fontsize=8, width=0.4]; "__start" -> {_quote(model.start)};'
    )
    endings = {node_id: node.ending is not None for node_id, node in model.nodes.items()}
    owner = episode_of(scenario)
    bands = band_order(scenario)
    grid = _grid(scenario, owner, bands)
    grouped: dict[str | None, list[str]] = {episode_id: [] for episode_id in bands}
    for node_id in model.nodes:
        grouped.setdefault(owner.get(node_id), []).append(node_id)
    for episode_id, members in grouped.items():
        indent = "  "
        if episode_id is not None:
            episode = model.episodes[episode_id]
            lines.append(f"  subgraph {_quote('cluster_' + episode_id)} {{")
            tooltip = _short(episode.intro, TIP_TEXT) or episode.title
            lines.append(f"    label={_quote(episode.title)}; tooltip={_quote(tooltip)};")
            lines.append(
                '    style="rounded,filled"; fillcolor="#f7f9fb"; color="#8899aa"; '
                "fontsize=14; labeljust=l;"
            )
            indent = "    "
        for node_id in members:
            node = model.nodes[node_id]
            lines.append(indent + _node_statement(node_id, node, node_id in path_nodes))
        if episode_id is not None:
            lines.append("  }")
    lines.extend(_grid_edges(scenario, owner, grid))
    for node_id, node in model.nodes.items():
        lines.extend(_choice_edges(scenario, node_id, node, path_choices, owner))
        lines.extend(_other_edges(node_id, node, path_nodes, endings, owner))
    lines.append("}")
    return "\n".join(lines) + "\n"
