"""The HTML map: one self-contained page around Graphviz's SVG that pans, zooms and shows
tooltips in a real browser, asks for nothing over the network, and escapes hostile text."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from simulator.reports.map_html import inline_svg, map_page
from tests.conftest import MINIMAL, REPO, requires, run_cli
from tests.reports.test_report import browser

TOUR = REPO / "docs" / "examples" / "format-tour.yaml"
#: Anything that would make the browser fetch a file or call a server.
FETCHES = re.compile(r"""(src|href)\s*=\s*["']?\s*(https?:)?//|url\(|@import|<link""", re.I)

#: Run after the page's own script: zoom with the wheel, then a button, point at a step,
#: and leave what happened on <body> for --dump-dom to show.
PROBE = """
<script>
(function () {
  var stage = document.getElementById("stage");
  var viewport = document.getElementById("viewport");
  var result = { fitted: Number(stage.getAttribute("data-scale")) };
  var box = viewport.getBoundingClientRect();
  var wheel = new WheelEvent("wheel", { deltaY: -300, clientX: box.left + 200,
    clientY: box.top + 150, bubbles: true, cancelable: true });
  viewport.dispatchEvent(wheel);
  result.wheeled = Number(stage.getAttribute("data-scale"));
  result.prevented = wheel.defaultPrevented;
  document.getElementById("zoom-out").click();
  result.zoomedOut = Number(stage.getAttribute("data-scale"));
  document.getElementById("zoom-fit").click();
  result.refitted = Number(stage.getAttribute("data-scale"));
  var svg = stage.querySelector("svg").getBoundingClientRect();
  result.svg = [svg.width, svg.height];
  var node = stage.querySelector("g.node a[data-tip] path, g.node a[data-tip] polygon");
  var spot = node.getBoundingClientRect();
  viewport.dispatchEvent(new PointerEvent("pointermove", { bubbles: true,
    clientX: spot.left + spot.width / 2, clientY: spot.top + spot.height / 2 }));
  var tip = document.getElementById("tip");
  result.tip = tip.textContent;
  result.tipShown = getComputedStyle(tip).display;
  result.nativeTitles = stage.querySelectorAll("a[*|title]").length;
  document.body.setAttribute("data-probe", JSON.stringify(result));
}());
</script>
"""


def graph(*arguments: str) -> subprocess.CompletedProcess[str]:
    return run_cli("graph", *arguments, timeout=120)


@requires("dot")
def test_html_map_is_self_contained_with_the_svg_inside(tmp_path: Path) -> None:
    page = tmp_path / "map.html"
    done = graph(str(TOUR), "-o", str(page))
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 1 and "<!DOCTYPE svg" not in html and "<?xml" not in html
    assert "<!--" not in html  # Graphviz's comments are gone
    assert FETCHES.search(html) is None
    assert "xlink:title=" in html  # the tooltips Graphviz wrote are there for the script
    assert "<title>Map · The parcel that never came</title>" in html


@requires("dot")
def test_html_map_draws_a_play_over_it(tmp_path: Path) -> None:
    page = tmp_path / "map.html"
    done = graph(str(TOUR), "-o", str(page), "--path", "2", "--seed", "1")
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert 'stroke="#e0218a"' in html and "the play 2 (seed 1)" in html
    best = tmp_path / "best.html"
    assert graph(str(TOUR), "-o", str(best), "--best").returncode == 0
    assert "the best play" in best.read_text(encoding="utf-8")


@requires("dot")
def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    scenario = tmp_path / "hostile.yaml"
    hostile = MINIMAL.replace(
        "title: Tiny", "title: \"<script>alert(1)</script><img src='http://x.invalid/a'>\""
    ).replace("ending: {title: End}", 'ending: {title: "</text><script>alert(2)</script>"}')
    scenario.write_text(hostile, encoding="utf-8")
    page = tmp_path / "map.html"
    assert graph(str(scenario), "-o", str(page)).returncode == 0
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)" in html and "&lt;script&gt;alert(2)" in html
    assert FETCHES.search(html) is None


def test_output_without_svg_is_refused() -> None:
    assert inline_svg("Error: syntax error") is None
    assert map_page("no drawing here", "Title") is None


@requires("dot", "chromium")
def test_the_map_renders_zooms_and_shows_tooltips_in_a_real_browser(tmp_path: Path) -> None:
    page = tmp_path / "map.html"
    assert graph("late-client", "-o", str(page)).returncode == 0
    html = page.read_text(encoding="utf-8")
    probed = tmp_path / "probed.html"
    probed.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = browser(probed, "--dump-dom", "--window-size=1280,800", profile=tmp_path / "p1")
    found = re.search(r'data-probe="([^"]*)"', dom.stdout)
    assert found is not None, dom.stderr[-2000:]
    result = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert 0.05 <= result["fitted"] < 1  # the whole map fits the window at first
    assert result["prevented"] and result["wheeled"] > result["fitted"] * 1.2
    assert result["zoomedOut"] == pytest.approx(result["wheeled"] / 1.25, rel=1e-3)
    assert result["refitted"] == pytest.approx(result["fitted"], rel=1e-3)
    width, height = result["svg"]
    assert 300 < width <= 1280 and 300 < height <= 800  # drawn, and fitted inside
    assert result["tipShown"] == "block" and "(" in result["tip"]  # "node-id (kind)..."
    assert result["nativeTitles"] == 0  # no second, native tooltip
    shot = tmp_path / "map.png"
    browser(page, f"--screenshot={shot}", "--window-size=1280,800", profile=tmp_path / "p2")
    assert shot.stat().st_size > 20_000


#: Show each episode on its own through the page's chooser, and note the scale and where
#: the episode's band lands in the view.
EPISODE_PROBE = """
<script>
(function () {
  var stage = document.getElementById("stage");
  var viewport = document.getElementById("viewport").getBoundingClientRect();
  var chooser = document.getElementById("episode");
  var shown = [];
  for (var i = 1; i < chooser.options.length; i += 1) {
    chooser.value = chooser.options[i].value;
    chooser.dispatchEvent(new Event("change"));
    var band = stage.querySelector('g.cluster[data-band="' + chooser.value + '"]');
    var box = band.getBoundingClientRect();
    shown.push({ name: chooser.options[i].textContent,
      scale: Number(stage.getAttribute("data-scale")),
      box: [box.left - viewport.left, box.top - viewport.top, box.width, box.height],
      view: [viewport.width, viewport.height] });
  }
  chooser.value = "";
  chooser.dispatchEvent(new Event("change"));
  document.body.setAttribute("data-probe", JSON.stringify({ shown: shown,
    whole: Number(stage.getAttribute("data-scale")) }));
}());
</script>
"""


@requires("dot", "chromium")
def test_each_episode_can_be_shown_on_its_own_at_a_size_that_reads(tmp_path: Path) -> None:
    """The whole late-client map fits the window only small; each of its six episodes,
    chosen from the page, fills the view at a larger scale, all of its band in sight."""
    page = tmp_path / "map.html"
    assert graph("late-client", "-o", str(page)).returncode == 0
    html = page.read_text(encoding="utf-8")
    assert html.count('<option value="cluster_') == 6
    probed = tmp_path / "probed.html"
    probed.write_text(html.replace("</body>", EPISODE_PROBE + "</body>"), encoding="utf-8")
    dom = browser(probed, "--dump-dom", "--window-size=1280,800", profile=tmp_path / "p1")
    found = re.search(r'data-probe="([^"]*)"', dom.stdout)
    assert found is not None, dom.stderr[-2000:]
    result = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert [episode["name"] for episode in result["shown"]][:2] == ["Monday", "Wednesday"]
    for episode in result["shown"]:
        left, top, width, height = episode["box"]
        view_width, view_height = episode["view"]
        assert episode["scale"] > result["whole"] * 1.3, episode
        assert left >= -1 and top >= -1, episode  # all of the band in sight
        assert left + width <= view_width + 1 and top + height <= view_height + 1, episode
        fills = max(width / view_width, height / view_height)
        assert fills > 0.85 or episode["scale"] == 1, episode  # as large as it reads best
