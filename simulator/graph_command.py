"""`graph`: the scenario map, drawn with Graphviz, with a play or the best path over it.

The file the map is written to says the format: DOT text (needs nothing), SVG or PNG
(drawn by Graphviz), or an HTML page around the SVG that pans and zooms.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from simulator.cli import CHOICES_HELP, load_for_play, parse_choices, seed_argument
from simulator.exit_codes import EXIT_INVALID, EXIT_OK
from simulator.exit_codes import say as _say
from simulator.exit_codes import usage_error as _usage_error

FORMATS = (".dot", ".svg", ".png", ".html")
NO_GRAPHVIZ = (
    "drawing SVG, PNG or HTML needs Graphviz's 'dot' program, which is not "
    "installed (Debian/Ubuntu: apt-get install graphviz; macOS: brew install "
    "graphviz). Writing .dot needs nothing: use -o map.dot."
)


def add_graph_command(subparsers: Any) -> None:
    """Register `graph` on the command line's subcommands."""
    graph = subparsers.add_parser("graph", help="draw the scenario map with Graphviz")
    graph.add_argument("scenario", metavar="PATH_OR_ID")
    graph.add_argument(
        "-o",
        "--output",
        required=True,
        help="FILE.svg, FILE.png, FILE.html (pans and zooms) or FILE.dot",
    )
    graph.add_argument("--path", metavar="CHOICES", help="draw this play over the map: 2,1,3")
    graph.add_argument("--best", action="store_true", help="draw the best path over the map")
    graph.add_argument(
        "--seed", type=seed_argument, default=0, help="seed for random branches on --path"
    )
    graph.set_defaults(handler=command_graph)


def command_graph(arguments: argparse.Namespace) -> int:
    from simulator.analysis.graph import band_order, to_dot
    from simulator.engine.events import NodeEntered
    from simulator.engine.script import play_script

    output = Path(arguments.output)
    if output.suffix not in FORMATS:
        return _usage_error("-o takes a file ending in .dot, .svg, .png or .html")
    if arguments.path is not None and arguments.best:
        return _usage_error("give either --path or --best, not both")
    picks = None
    if arguments.path is not None:
        picks = parse_choices(arguments.path)
        if picks is None:
            return _usage_error(f"--path takes {CHOICES_HELP}")
    loaded, code = load_for_play(arguments.scenario, None)
    if loaded is None:
        return code
    scenario = loaded.scenario
    assert scenario is not None
    path_nodes: set[str] = set()
    path_choices: set[str] = set()
    overlay = None
    session, problem = None, None
    if arguments.best:
        session, problem = _best_play(scenario)
    elif picks is not None:
        session, problem = play_script(scenario, picks, arguments.seed)
    if problem is not None:
        _say(problem)
        return EXIT_INVALID
    if session is not None:
        path_nodes = {event.node for event in session.events if isinstance(event, NodeEntered)}
        path_choices = {decision.choice for decision in session.decisions if decision.choice}
        overlay = (
            "the best play"
            if arguments.best
            else f"the play {arguments.path} (seed {arguments.seed})"
        )
    dot = to_dot(scenario, path_nodes, path_choices)
    if output.suffix == ".dot":
        output.write_text(dot, encoding="utf-8")
    else:
        episodes = [(e, scenario.model.episodes[e].title) for e in band_order(scenario)]
        code = _draw(dot, output, scenario.title, overlay, episodes)
        if code != EXIT_OK:
            return code
    print(f"wrote {output}")
    return EXIT_OK


def _best_play(scenario: Any) -> tuple[Any, str | None]:
    """The best play `analyze` shows, played with the seed whose random branches it needs:
    (the session, None), or (None, why it cannot be played). No session and no problem
    when no seed the analysis tried takes those branches (a word says so). Should the
    kept analysis's play fail (a damaged file that still looked right), the scenario is
    analysed again, which also replaces what was kept."""
    from simulator.analysis.analyse import DEFAULT_WALKS
    from simulator.analysis.cache import analyse_kept
    from simulator.analysis.evidence import SEED_TRIES
    from simulator.engine.script import play_script

    problem = None
    for again in (False, True):
        best = analyse_kept(scenario, DEFAULT_WALKS, again=again).best
        if best.seed is None:
            _say(
                f"the best play needs its random branches to fall in a way no seed up to "
                f"{SEED_TRIES:,} gives, so the map is drawn without it; its choices: "
                + " > ".join(best.choices)
            )
            return None, None
        session, problem = play_script(scenario, list(best.numbers), best.seed)
        if problem is None:
            return session, None
    return None, problem


def _draw(
    dot: str, output: Path, title: str, overlay: str | None, episodes: list[tuple[str, str]]
) -> int:
    """Graphviz lays the map out into ``output``; for HTML, its SVG goes into the page,
    with a way to show each episode's band on its own."""
    import shutil
    import subprocess

    program = shutil.which("dot")
    if program is None:
        _say(NO_GRAPHVIZ)
        return EXIT_INVALID
    fmt = "png" if output.suffix == ".png" else "svg"
    try:
        done = subprocess.run(
            [program, f"-T{fmt}"], input=dot.encode("utf-8"), capture_output=True, timeout=300
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        _say(f"Graphviz did not finish: {error}")
        return EXIT_INVALID
    if done.returncode != 0:
        problem = done.stderr.decode("utf-8", "replace").strip()
        _say(f"Graphviz failed: {problem}")
        return EXIT_INVALID
    if output.suffix != ".html":
        output.write_bytes(done.stdout)
        return EXIT_OK
    from simulator.reports.map_html import map_page

    page = map_page(done.stdout.decode("utf-8"), title, overlay, episodes)
    if page is None:
        _say("Graphviz wrote no SVG for the HTML map")
        return EXIT_INVALID
    output.write_text(page, encoding="utf-8")
    return EXIT_OK
