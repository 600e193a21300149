"""The report's charts, drawn by matplotlib as SVG text to put inside the page.

Labels carry text from scenarios and stores (a currency such as "$" or "$\\foo$"),
so matplotlib's mathtext is off: every label is drawn as the characters it holds.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # draw to files, never to a window

import matplotlib.pyplot as plt

KIND_COLOURS = {
    "balanced": "#2e8b57",
    "over-accommodating": "#d2801e",
    "lost": "#c0392b",
    "other": "#7f8c8d",
}
plt.rcParams.update(
    {"font.size": 9, "svg.fonttype": "path", "figure.dpi": 100, "text.parse_math": False}
)


def _svg(figure: plt.Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prologue: the page holds the SVG inline


def score_histogram(scores: list[int], pass_mark: float | None = None) -> str:
    figure, axes = plt.subplots(figsize=(4.8, 2.6))
    axes.hist(scores, bins=range(0, 105, 5), color="#2363a0", edgecolor="white")
    if pass_mark is not None:
        axes.axvline(pass_mark, color="#c0392b", linestyle="--", label=f"pass mark {pass_mark:g}")
        axes.legend(frameon=False)
    axes.set_xlim(0, 100)
    axes.set_xlabel("score")
    axes.set_ylabel("plays")
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def outcome_scatter(outcomes: list[tuple[float, float, str]], cost_label: str) -> str:
    figure, axes = plt.subplots(figsize=(4.8, 2.6))
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
    return _svg(figure)
