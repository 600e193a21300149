"""The facilitator's guide: written for every bundled scenario, complete, self-contained,
safe with hostile text, made without Graphviz too, and printable in a real browser."""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import pytest
from markupsafe import escape

from simulator.library import bundled_scenarios_dir, resolve_scenario, scenario_files
from simulator.reports.guide import add_guide_command, discussion_question, shown
from simulator.scenario.playable import PlayableScenario
from simulator.scenario.translations import load_translated
from tests.conftest import MINIMAL, requires
from tests.reports.test_report import browser

BUNDLED = scenario_files([bundled_scenarios_dir()])
#: What would make a browser fetch something: a self-contained page has none of it.
OUTSIDE = ('src="http', "src='http", 'href="http', "url(http", "<script", "<link", "@import")


def guide(*arguments: str) -> int:
    """The guide command as the command line runs it, with its exit code."""
    parser = argparse.ArgumentParser(prog="simulator")
    add_guide_command(parser.add_subparsers(dest="command"))
    parsed = parser.parse_args(["guide", *arguments])
    return parsed.handler(parsed)


def load(path: Path, language: str | None = None) -> PlayableScenario:
    loaded = load_translated(path, language)
    assert loaded.scenario is not None, [d.format() for d in loaded.diagnostics]
    return loaded.scenario


@pytest.mark.parametrize("path", BUNDLED, ids=[path.stem for path in BUNDLED])
def test_every_bundled_scenario_gets_a_complete_guide(path: Path, tmp_path: Path) -> None:
    page = tmp_path / "guide.html"
    assert guide(str(path), "-o", str(page)) == 0
    html = page.read_text(encoding="utf-8")
    scenario = load(path)
    model = scenario.model
    decisions = [node for node in model.nodes.values() if node.choices]
    for node in decisions:
        for choice in node.choices or []:
            assert str(escape(shown(choice.text))) in html, choice.text
    for node in model.nodes.values():
        if node.ending is not None:
            assert str(escape(shown(node.ending.title))) in html, node.ending.title
    for lesson in model.lessons.values():
        assert str(escape(lesson.title)) in html
    for character in scenario.characters.values():
        assert str(escape(character.name)) in html
    assert html.count('<div class="question">') == len(decisions)
    assert html.count('<div class="decision"') == len(decisions)
    assert "<svg" in html or shutil.which("dot") is None
    for outside in OUTSIDE:
        assert outside not in html


def test_every_ending_reached_names_a_play_that_replays_it(tmp_path: Path) -> None:
    page = tmp_path / "guide.html"
    assert guide("late-client", "-o", str(page)) == 0
    html = page.read_text(encoding="utf-8")
    commands = re.findall(r"python -m simulator run late-client --choices [\d,t]+ --seed \d+", html)
    path = resolve_scenario("late-client")
    assert path is not None
    endings = sum(1 for node in load(path).model.nodes.values() if node.ending)
    assert len(commands) == 1 + endings  # the best play, and one play per ending
    assert 'class="mark best"' in html and 'class="mark applies"' in html


@requires("chromium")
def test_the_guide_renders_and_prints_in_a_real_browser(tmp_path: Path) -> None:
    page = tmp_path / "guide.html"
    assert guide("premium-expectations", "-o", str(page)) == 0
    dom = browser(page, "--dump-dom", profile=tmp_path / "p1").stdout
    for section in ("summary", "lessons", "characters", "map", "endings", "decisions"):
        assert f'id="{section}"' in dom
    shot = tmp_path / "guide.png"
    browser(page, f"--screenshot={shot}", "--window-size=1280,2000", profile=tmp_path / "p2")
    assert shot.stat().st_size > 50_000
    pdf = tmp_path / "guide.pdf"
    done = browser(page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", profile=tmp_path / "p3")
    assert pdf.read_bytes().startswith(b"%PDF"), done.stderr
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert len(boxes) > 6  # the print stylesheet starts each section on a page of its own
    if shutil.which("dot"):  # the map has a landscape page; the rest are upright
        assert sum(float(w) > float(h) for w, h in boxes) == 1


HOSTILE = """\
format: 1
id: hostile
title: "<script>document.title='owned'</script>"
summary: "<img src=x onerror=alert(1)>"
lessons:
  calm:
    title: "<b>Stay calm</b>"
    debrief: "<iframe src=x></iframe>"
    applied_by: [nice]
characters:
  eve:
    name: "<img src=x onerror=alert(2)>"
    description: "</style><script>alert(3)</script>"
start: a
nodes:
  a:
    lines:
      - {speaker: eve, text: "<script>alert(4)</script> & more"}
    choices:
      - id: nice
        text: "<a href='http://example.invalid'>calm</a>"
        effects: [satisfaction += 20]
        next: end
        feedback: "<script>alert(5)</script>"
      - id: rude
        text: "</li></ol><script>alert(6)</script>"
        effects: [satisfaction -= 20]
        next: end
        critical: "<svg onload=alert(7)>"
  end:
    ending: {kind: balanced, title: "<script>alert(8)</script>", text: "<img src=y>"}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""


@requires("chromium")
def test_hostile_text_is_escaped_in_the_browser(tmp_path: Path) -> None:
    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(HOSTILE, encoding="utf-8")
    page = tmp_path / "guide.html"
    assert guide(str(scenario), "-o", str(page)) == 0
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "<iframe" not in html and "<svg onload" not in html
    dom = browser(page, "--dump-dom", profile=tmp_path / "profile").stdout
    assert "<title>Facilitator's guide · &lt;script&gt;" in dom  # no script ran to change it
    assert "<img" not in dom and "<iframe" not in dom
    assert dom.count('<div class="question">') == 1  # the options' markup did not break out


def test_without_graphviz_the_guide_is_still_written_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    page = tmp_path / "guide.html"
    assert guide("late-client", "-o", str(page)) == 0
    html = page.read_text(encoding="utf-8")
    assert "<svg" not in html
    assert 'class="map-note"' in html and "Graphviz" in html
    assert "A loyal client, on fair terms" in html  # the rest of the guide is all there
    assert "Graphviz" in capsys.readouterr().err


def test_a_translation_gives_the_scenario_text_in_its_language(tmp_path: Path) -> None:
    page = tmp_path / "guide.html"
    assert guide("late-client", "--lang", "et", "-o", str(page)) == 0
    html = page.read_text(encoding="utf-8")
    path = resolve_scenario("late-client")
    assert path is not None
    translated = load(path, "et").model
    assert '<html lang="et">' in html
    assert (
        str(escape(translated.title)) in html
        and translated.title != "The client who comes after closing"
    )
    assert "Decisions" in html  # the headings stay English


def test_usage_errors_and_broken_scenarios_have_their_exit_codes(tmp_path: Path) -> None:
    page = tmp_path / "guide.html"
    assert guide(str(tmp_path / "missing.yaml"), "-o", str(page)) == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text(MINIMAL.replace("start: a", "start: nowhere"), encoding="utf-8")
    assert guide(str(broken), "-o", str(page)) == 1
    assert guide("late-client", "--lang", "xx", "-o", str(page)) == 1
    assert guide("late-client", "-o", str(tmp_path / "no-folder" / "guide.html")) == 1
    pdf = tmp_path / "guide.pdf"  # a web page under a PDF's name would not open as one
    assert guide("late-client", "-o", str(pdf)) == 2 and not pdf.exists()
    assert not page.exists()


QUESTIONS = """\
format: 1
id: questions
title: Questions
lessons:
  limits:
    title: Help, with a limit
    debrief: Agree the limit first.
    applied_by: [limit]
characters:
  ana: {name: Ana, role: customer}
start: a
nodes:
  a:
    lines: [{speaker: ana, text: Can you stay late?}]
    choices:
      - {id: limit, text: Until seven then., next: b, effects: [satisfaction += 2]}
      - id: always
        text: Whenever you like!
        effects: [satisfaction += 9]
        tags: [accommodate]
        next: b
      - {id: no, text: We close at six., next: b, effects: [satisfaction -= 5], tags: [refuse]}
  b:
    choices:
      - {id: limit2, text: Seven again., next: end}
      - {id: lie, text: The alarm locks us in at six., next: end, critical: A lie she can check.}
  end:
    ending: {title: End}
scoring: {target: {satisfaction: 60, cost: 1}, cost_limit: 5}
"""


def test_discussion_questions_quote_the_tempting_option_and_name_the_lesson(
    tmp_path: Path,
) -> None:
    path = tmp_path / "questions.yaml"
    path.write_text(QUESTIONS.replace("applied_by: [limit]", "applied_by: [limit, limit2]"))
    scenario = load(path)
    nodes = scenario.model.nodes
    applying = {"limit", "limit2"}
    first = discussion_question(scenario, nodes["a"], applying, scenario.choice_ids["a"], 1)
    assert "“Whenever you like!”" in first and "“Help, with a limit”" in first
    second = discussion_question(scenario, nodes["a"], applying, scenario.choice_ids["a"], 2)
    assert "“We close at six.”" in second and "Ana" in second  # decisions take turns
    critical = discussion_question(scenario, nodes["b"], applying, scenario.choice_ids["b"], 3)
    assert "“The alarm locks us in at six.”" in critical and "A lie she can check." in critical
