"""The report's charts, drawn by matplotlib as SVG text to put inside the page.

Labels carry text from scenarios and stores (a currency such as "$" or "$\\foo$"),
so matplotlib's mathtext is off: every label is drawn as the characters it holds.

matplotlib is imported when the first chart is drawn, not with this module: it takes
longer to import than the rest of the report, and a report with no finished plays
draws nothing. Figures are made directly, without pyplot, whose window machinery a
page of SVG never needs, and the style below holds only while a chart is drawn, so
nothing else in the process sees matplotlib's settings changed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

KIND_COLOURS = {
    "balanced": "#2e8b57",
    "over-accommodating": "#d2801e",
    "lost": "#c0392b",
    "other": "#7f8c8d",
}
STYLE = {"font.size": 9, "svg.fonttype": "path", "figure.dpi": 100, "text.parse_math": False}
SIZE_INCHES = (4.8, 2.6)


@contextmanager
def _chart() -> Iterator[tuple[Axes, io.StringIO]]:
    """Axes to draw on, and the SVG text of their figure once the block ends."""
    import matplotlib
    from matplotlib.figure import Figure

    svg = io.StringIO()
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=SIZE_INCHES)
        yield figure.subplots(), svg
        figure.savefig(svg, format="svg", bbox_inches="tight")


def _inline(svg: io.StringIO) -> str:
    """The SVG without its XML prologue: the page holds the SVG inline."""
    text = svg.getvalue()
    return text[text.index("<svg") :]


def score_histogram(scores: list[int], pass_mark: float | None = None) -> str:
    with _chart() as (axes, svg):
        axes.hist(scores, bins=range(0, 105, 5), color="#2363a0", edgecolor="white")
        if pass_mark is not None:
            axes.axvline(
                pass_mark, color="#c0392b", linestyle="--", label=f"pass mark {pass_mark:g}"
            )
            axes.legend(frameon=False)
        axes.set_xlim(0, 100)
        axes.set_xlabel("score")
        axes.set_ylabel("plays")
        axes.spines[["top", "right"]].set_visible(False)
    return _inline(svg)


def outcome_scatter(outcomes: list[tuple[float, float, str]], cost_label: str) -> str:
    with _chart() as (axes, svg):
        for kind, colour in KIND_COLOURS.items():
            points = [(cost, satisfaction) for satisfaction, cost, k in outcomes if k == kind]
            if points:
                axes.scatter(
                    [p[0] for p in points],
                    [p[1] for p in points],
                    s=22,
                    alpha=0.75,
                    color=colour,
                    label=kind,
                )
        axes.set_ylim(0, 100)
        axes.set_xlabel(cost_label)
        axes.set_ylabel("satisfaction")
        if outcomes:
            axes.legend(frameon=False, fontsize=7)
        axes.spines[["top", "right"]].set_visible(False)
    return _inline(svg)
