"""The report's two charts, drawn as small SVG by hand to put inside the page.

A score histogram has twenty bars and the outcome chart one dot per cell of a grid,
however many plays there were, so the page stays the same size for a thousand plays
or a hundred thousand. Text is SVG text (not outlines of glyphs, which took nearly
half of a page before), escaped like the rest of the page: a label such as "$\\foo$"
or "<b>" is drawn as the characters it holds. Drawing it here also spares the report
a plotting library, which took longer to import than the whole report takes to build.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

KIND_COLOURS = {
    "balanced": "#2e8b57",
    "over-accommodating": "#d2801e",
    "lost": "#c0392b",
    "other": "#7f8c8d",
}
WIDTH, HEIGHT = 480, 260
#: The plotting area inside the picture: room on the left and below for ticks and labels.
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 40
BAR = "#2363a0"
INK = "#333"
FAINT = "#ddd"
#: Scores are counted in bins of this width, the last one holding 100 too.
BIN = 5


@dataclass(frozen=True)
class Outcome:
    """Where plays landed: the mean satisfaction and cost of ``plays`` plays that ended
    close together (in one cell of a grid), all with endings of one kind."""

    satisfaction: float
    cost: float
    kind: str
    plays: int


@dataclass(frozen=True)
class _Axis:
    """A linear scale from data values to pixels, with its tick values."""

    low: float
    high: float
    start: float  # pixel of ``low``
    end: float  # pixel of ``high``
    ticks: tuple[float, ...]

    def at(self, value: float) -> float:
        span = self.high - self.low
        return self.start + (value - self.low) / span * (self.end - self.start)


def _number(value: float) -> str:
    return f"{value:.6g}"


def _ticks(low: float, high: float, most: int = 6) -> tuple[float, float, tuple[float, ...]]:
    """A range that covers low..high and starts and ends on round numbers (1, 2 or 5
    times a power of ten apart), and its ticks: at most ``most`` of them."""
    if high <= low:
        low, high = low - 1, high + 1
    rough = (high - low) / (most - 1)
    power = 10 ** math.floor(math.log10(rough))
    step = next(f * power for f in (1, 2, 5, 10) if f * power >= rough)
    first, last = math.floor(low / step) * step, math.ceil(high / step) * step
    count = round((last - first) / step)
    return first, last, tuple(first + step * n for n in range(count + 1))


def _frame(title: str, x: _Axis, y: _Axis, x_label: str, y_label: str) -> list[str]:
    """The picture's opening, grid lines, axes, ticks and labels."""
    bottom, left = HEIGHT - BOTTOM, LEFT
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11" '
        f'fill="{INK}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in y.ticks:
        level = y.at(tick)
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - RIGHT}" y1="{level:.1f}" y2="{level:.1f}" '
            f'stroke="{FAINT}"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{level + 4:.1f}" text-anchor="end">{_number(tick)}</text>'
        )
    for tick in x.ticks:
        place = x.at(tick)
        parts.append(
            f'<line x1="{place:.1f}" x2="{place:.1f}" y1="{bottom}" y2="{bottom + 4}" '
            f'stroke="{INK}"/>'
        )
        parts.append(
            f'<text x="{place:.1f}" y="{bottom + 16}" text-anchor="middle">{_number(tick)}</text>'
        )
    parts += [
        f'<line x1="{left}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}" stroke="{INK}"/>',
        f'<line x1="{left}" x2="{left}" y1="{TOP}" y2="{bottom}" stroke="{INK}"/>',
        f'<text x="{(left + WIDTH - RIGHT) / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle">'
        f"{escape(x_label)}</text>",
        f'<text transform="translate(12 {(TOP + bottom) / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>',
    ]
    return parts


def score_bins(scores: dict[int, int]) -> list[int]:
    """Plays per bin of ``BIN`` points (0-4, 5-9, ... 95-100), from plays per score."""
    bins = [0] * (100 // BIN)
    for score, plays in scores.items():
        bins[min(max(score, 0) // BIN, len(bins) - 1)] += plays
    return bins


def score_histogram(scores: dict[int, int]) -> str:
    """How many plays scored how much, in bins of five points; ``scores`` gives the
    number of plays for each score."""
    bins = score_bins(scores)
    _, top, y_ticks = _ticks(0, max(max(bins), 1))
    x = _Axis(0, 100, LEFT, WIDTH - RIGHT, tuple(range(0, 101, 20)))
    y = _Axis(0, top, HEIGHT - BOTTOM, TOP, y_ticks)
    parts = _frame("Score distribution", x, y, "score", "plays")
    for number, plays in enumerate(bins):
        if not plays:
            continue
        low, high = number * BIN, (number + 1) * BIN
        last = " to 100" if high == 100 else f" to {high - 1}"
        left, right, level = x.at(low) + 0.5, x.at(high) - 0.5, y.at(plays)
        parts.append(
            f'<rect x="{left:.1f}" y="{level:.1f}" width="{right - left:.1f}" '
            f'height="{y.start - level:.1f}" fill="{BAR}"><title>{plays} plays scored '
            f"{low}{last}</title></rect>"
        )
    parts.append("</svg>")
    return "".join(parts)


def outcome_scatter(outcomes: Iterable[Outcome], cost_label: str) -> str:
    """Where plays landed, satisfaction against cost, coloured by the kind of ending; a
    dot's area grows with the number of plays it stands for."""
    points = list(outcomes)
    costs = [point.cost for point in points] or [0.0]
    low, high, x_ticks = _ticks(min(costs), max(costs))
    x = _Axis(low, high, LEFT, WIDTH - RIGHT - 110, x_ticks)  # the legend on the right
    y = _Axis(0, 100, HEIGHT - BOTTOM, TOP, (0, 20, 40, 60, 80, 100))
    parts = _frame("Where each play landed", x, y, cost_label, "satisfaction")
    largest = max((point.plays for point in points), default=1)
    for point in sorted(points, key=lambda each: -each.plays):  # small dots drawn on top
        colour = KIND_COLOURS.get(point.kind, KIND_COLOURS["other"])
        radius = 2.5 + 5.5 * math.sqrt(point.plays / largest)
        plays = "1 play" if point.plays == 1 else f"{point.plays} plays"
        parts.append(
            f'<circle cx="{x.at(point.cost):.1f}" cy="{y.at(point.satisfaction):.1f}" '
            f'r="{radius:.1f}" fill="{colour}" fill-opacity="0.75"><title>{plays}, '
            f"{escape(point.kind)}: satisfaction {point.satisfaction:.0f}, "
            f"{escape(cost_label)} {_number(round(point.cost, 2))}</title></circle>"
        )
    kinds = [kind for kind in KIND_COLOURS if any(point.kind == kind for point in points)]
    for row, kind in enumerate(kinds):
        level = TOP + 10 + row * 16
        parts.append(
            f'<circle cx="{WIDTH - RIGHT - 96}" cy="{level}" r="4" fill="{KIND_COLOURS[kind]}"/>'
            f'<text x="{WIDTH - RIGHT - 86}" y="{level + 4}">{escape(kind)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
