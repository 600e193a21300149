"""The scenario map as one self-contained HTML page that pans, zooms and shows tooltips.

A large map is easier to read in a browser than in an image viewer: drag to move, wheel
or buttons to zoom, and the detail of a node or choice (its condition, effects,
feedback) on hover or tap. Everything is inside the page, the SVG Graphviz drew and
the project's own small script, so it opens offline and asks no server for anything.

Jinja2 escapes the title; the SVG goes in as Graphviz wrote it, which escaped every
scenario text itself. Its XML prologue and doctype go (inline SVG needs neither, and
the doctype names a URL), and so do its comments, which only repeat node ids.
"""

from __future__ import annotations

import re

from jinja2 import Environment, PackageLoader, select_autoescape

from simulator.analysis.graph import CRITICAL_COLOUR, ENDING_COLOURS, LESSON_COLOUR, PATH_COLOUR


def inline_svg(svg: str) -> str | None:
    """The ``<svg>`` element of Graphviz's output, ready to sit inside a page; None when
    the output holds no SVG."""
    start = svg.find("<svg")
    if start < 0:
        return None
    return re.sub(r"<!--.*?-->", "", svg[start:], flags=re.DOTALL).strip()


def map_page(
    svg: str,
    title: str,
    overlay: str | None = None,
    episodes: list[tuple[str, str]] | None = None,
) -> str | None:
    """The HTML page around Graphviz's SVG output; ``overlay`` says which play is drawn
    over the map, if one is; ``episodes`` (id, title), in the map's order, can each be
    shown on their own at a size that reads: a whole map of many episodes fits a
    screen only at a size too small for its labels. None when ``svg`` holds no SVG."""
    drawing = inline_svg(svg)
    if drawing is None:
        return None
    environment = Environment(
        loader=PackageLoader("simulator.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    return environment.get_template("map.html.j2").render(
        title=title,
        overlay=overlay,
        episodes=episodes or [],
        svg=drawing,
        endings=ENDING_COLOURS,
        lesson_colour=LESSON_COLOUR,
        critical_colour=CRITICAL_COLOUR,
        path_colour=PATH_COLOUR,
    )
