"""What the docs promise stays true, down to every command line a newcomer may copy."""

from __future__ import annotations

import argparse
import bisect
import contextlib
import io
import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from simulator.cli import build_parser
from simulator.file_checks import load_any
from simulator.library import resolve_scenario
from simulator.records.store import ResultsStore
from simulator.scenario.model import Scenario
from simulator.scenario.playlist import load_playlist
from simulator.scenario.translations import load_translated
from tests.conftest import IN_CI, REPO


def test_committed_schema_matches_the_model() -> None:
    committed = json.loads((REPO / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    generated = Scenario.model_json_schema(by_alias=True)
    generated["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    assert committed == generated, "run: python -m simulator schema > docs/scenario.schema.json"


def test_schema_warns_editors_off_the_timeout_words_as_choice_ids() -> None:
    """Editors see in the schema what E220 says: 't' and 'timeout' are not choice ids.
    (The pattern uses only what ECMAScript and Python regular expressions share.)"""
    schema = json.loads((REPO / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    refused = schema["$defs"]["Choice"]["properties"]["id"]["not"]
    assert refused["type"] == "string"
    for word in ("t", "T", "timeout", "TimeOut"):
        assert re.search(refused["pattern"], word), word
    for word in ("tell", "time", "wait", "t2"):
        assert not re.search(refused["pattern"], word), word


def test_every_example_in_docs_validates_cleanly() -> None:
    examples = sorted((REPO / "docs" / "examples").rglob("*.yaml"))
    assert examples
    for path in examples:
        result = load_any(path)
        assert result.ok and not result.diagnostics, [d.format() for d in result.diagnostics]


def test_the_scoring_docs_worked_example_is_what_the_game_scores() -> None:
    """docs/scoring.md walks a trainer through one play's score: the command it gives
    must produce the numbers it shows."""
    doc = (REPO / "docs" / "scoring.md").read_text(encoding="utf-8")
    command = re.search(r"python -m simulator (run late-client [^\n]+)", doc)
    assert command is not None
    done = subprocess.run(
        [sys.executable, "-m", "simulator", *command.group(1).split(), "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert "**79, Good, passed**" in doc
    assert (data["score"], data["grade"], data["passed"]) == (79, "Good", True)
    assert (data["satisfaction"], data["cost"]) == (70, 5.5)
    assert round(data["breakdown"]["balance"], 1) == 72.3
    assert data["ending_title"] == "A loyal client, on fair terms"


# ---------------------------------------------------------------- every command line runs


PROGRAMS = ("python -m simulator", "cs-simulator", "make")
#: The pages a newcomer copies commands from.
PAGES = ["README.md", *sorted(f"docs/{p.name}" for p in (REPO / "docs").glob("*.md"))]
#: Lines that cannot run as written, what is checked instead and why: one table, so that
#: nothing is left out quietly. Every other command line runs as written.
NOT_AS_WRITTEN: dict[str, tuple[str, str]] = {
    "make": (
        "the target is in the Makefile",
        "make builds a virtualenv and runs the whole suite, which this suite is part of",
    ),
    "window": (
        "the arguments parse, and the scenario or playlist they name loads without errors",
        "a plain `play`, `preview` or the menu waits for a person at the keys",
    ),
    "lrs": (
        "the same line against a real LRS (Ralph) on 127.0.0.1, with the credentials in the "
        "environment as the page's `export` lines set them",
        "lrs.example.org stands for the trainer's own LRS",
    ),
    "report": (
        "runs on a store that holds a play: made by the page's earlier lines, or else one "
        "recorded just before (of the scenario its --scenario names)",
        "a report reads plays recorded before; on an empty data folder it exits 2 by design",
    ),
    "graphviz": (
        "on a machine without Graphviz (outside CI), the map is written as .dot",
        ".svg and .png need Graphviz's dot, which CI installs",
    ),
}
#: A known bug a page's command meets: the test expects the failure (strict), so it turns
#: red the day the bug is fixed and this entry can go.
PLACEHOLDER = re.compile(r"^(?:[A-Z][A-Z_]*|\.\.\.)(?:\.\.\.)?$")
ENDING_LINE = re.compile(r"^ENDING: .+", re.MULTILINE)
SCORE_LINE = re.compile(r"^Score \d+/100, ", re.MULTILINE)


@dataclass(frozen=True)
class DocCommand:
    """One command line as a page shows it, and where."""

    page: str
    line: int
    text: str  # the program and its arguments, optional [groups] opened
    environment: tuple[tuple[str, str], ...] = ()

    @property
    def words(self) -> list[str]:
        """What follows the program (for make: the target), a `> FILE` included."""
        program = next(p for p in PROGRAMS if self.text.startswith(p))
        return shlex.split(self.text.removeprefix(program))

    @property
    def arguments(self) -> list[str]:
        """The program's arguments, without a `> FILE` for its output."""
        words = self.words
        return words[:-2] if self.output else words

    @property
    def output(self) -> str | None:
        """The file its output is sent to with `> FILE`, if any."""
        words = self.words
        return words[-1] if len(words) > 2 and words[-2] == ">" else None

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}: {self.text}"


def _opened(text: str) -> str | None:
    """The command with its optional ``[groups]`` opened; a group holding a placeholder
    (``[--results ...]``, ``[--seed N]``) is left out. None when a placeholder stands
    outside any group: then it is a synopsis (``ids FILE``), not an example."""
    text = re.sub(
        r"\[([^\[\]]*)\]",
        lambda group: "" if any(PLACEHOLDER.match(w) for w in group[1].split()) else group[1],
        text,
    )
    text = " ".join(text.split())
    return None if any(PLACEHOLDER.match(word) for word in text.split()) else text


def _names_a_command(text: str) -> bool:
    """`python -m simulator validate` in running text: a command's name, without the
    arguments it needs (its own parser refuses it), not an example to run."""
    words = shlex.split(text.removeprefix("python -m simulator").removeprefix("cs-simulator"))
    return len(words) == 1 and not words[0].startswith("-") and _parsed(words) is None


def _parsed(arguments: list[str]) -> argparse.Namespace | None:
    """The arguments as the command line reads them; None for `--version`, `--help` or a
    usage error, which the command itself then shows."""
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return build_parser().parse_args(arguments)
    except SystemExit:
        return None


def _command(page: str, line: int, written: str) -> DocCommand | None:
    words = written.split()
    environment: list[tuple[str, str]] = []
    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
        name, value = words.pop(0).split("=", 1)
        environment.append((name, value))
    text = " ".join(words)
    if not text.startswith(PROGRAMS) or text == "make":  # `make` alone names the tool
        return None
    opened = _opened(text)
    if opened is None or _names_a_command(opened):
        return None
    return DocCommand(page, line, opened, tuple(environment))


def commands_in(page: str) -> list[DocCommand]:
    """Every command line of a page, in the order the page gives them.

    - In a fenced code block (any but ``yaml`` and ``json``), each line that, after a
      ``$ `` prompt and any ``NAME=value`` settings, starts with ``python -m simulator``,
      ``cs-simulator`` or ``make``; a line ending in ``\\`` goes on on the next, and a
      ``  # comment`` is dropped. Other lines (output, ``export``, Windows' paths) are not
      commands.
    - Outside code blocks, each inline code span that starts with one of those programs.
    - Optional ``[groups]`` are opened (``[--seed 0]`` runs as ``--seed 0``), except a
      group with a placeholder, which is left out (``[--results ...]``).
    - Not command lines: a synopsis (a placeholder such as ``FILE`` or ``N`` outside any
      group), a command named in running text without the arguments it needs
      (`python -m simulator validate`), and `make` alone."""
    found: list[DocCommand] = []
    lines = (REPO / page).read_text(encoding="utf-8").splitlines()
    fence: str | None = None
    prose: list[tuple[int, str]] = []
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if stripped.startswith("```"):
            fence = None if fence is not None else stripped[3:].strip()
        elif fence is None:
            prose.append((index + 1, lines[index]))
        elif fence not in ("yaml", "json"):
            start = index + 1
            written = stripped.removeprefix("$ ")
            while written.endswith("\\") and index + 1 < len(lines):
                index += 1
                written = written[:-1] + " " + lines[index].strip()
            command = _command(page, start, re.sub(r"\s+#.*$", "", written))
            if command is not None:
                found.append(command)
        index += 1
    text = "\n".join(line for _, line in prose)
    starts = list(itertools.accumulate((len(line) + 1 for _, line in prose), initial=0))
    for span in re.finditer(r"`([^`]+)`", text):
        where = prose[bisect.bisect_right(starts, span.start()) - 1][0]
        command = _command(page, where, " ".join(span[1].split()))
        if command is not None:
            found.append(command)
    return sorted(found, key=lambda command: command.line)


@dataclass
class Outcome:
    """What a command line did: its exit code and output, or what was checked instead."""

    code: int
    stdout: str = ""
    stderr: str = ""
    plays_before: list[dict[str, Any]] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # the NOT_AS_WRITTEN rows applied


class Lrs:
    """A real LRS on 127.0.0.1, started the first time a page's command needs one."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> str:
        from tests.records.test_xapi import free_port, make_credentials, start_ralph

        if self.process is None:
            self.folder.mkdir()
            make_credentials(self.folder)
            port = free_port()
            self.process = start_ralph(self.folder, port)
            self.url = f"http://127.0.0.1:{port}"
        return self.url

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


class Workspace:
    """Where one page's commands run, in the page's order (a later line may use what an
    earlier one made, as `new` then `validate`): a copy of the repository's scenarios/
    and docs/, so that paths resolve as from the repository's root while the checkout
    itself is never written to, with its own data folder and results store."""

    def __init__(self, root: Path, lrs: Lrs) -> None:
        self.root = root
        self.lrs = lrs
        shutil.copytree(REPO / "scenarios", root / "scenarios")
        shutil.copytree(REPO / "docs", root / "docs")
        self.results = root / "home" / "results.sqlite3"
        self.environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("CS_SIMULATOR_LRS")},
            "CS_SIMULATOR_HOME": str(root / "home"),
            "CS_SIMULATOR_RESULTS": str(self.results),
            "SDL_VIDEODRIVER": "dummy",
            "SDL_AUDIODRIVER": "dummy",
        }
        self.outcomes: dict[int, Outcome] = {}

    def outcome(self, commands: list[DocCommand], index: int) -> Outcome:
        """The outcome of the page's command ``index``, every earlier one run first."""
        for earlier in range(index + 1):
            if earlier not in self.outcomes:
                self.outcomes[earlier] = self.carry_out(commands[earlier])
        return self.outcomes[index]

    def carry_out(self, command: DocCommand) -> Outcome:
        if command.text.startswith("make"):
            (target,) = command.arguments
            makefile = (REPO / "Makefile").read_text(encoding="utf-8")
            found = re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE) is not None
            return Outcome(0 if found else 1, rules=["make"])
        parsed = _parsed(command.arguments)
        if parsed is not None and (
            parsed.command is None
            or parsed.command == "preview"
            or (parsed.command == "play" and parsed.autoplay is None)
        ):
            return self.check_without_window(parsed)
        rules = []
        if parsed is not None and parsed.command == "report" and not self.results.exists():
            self.record_a_play(parsed.scenario)
            rules.append("report")
        return self.run(command, rules)

    def check_without_window(self, parsed: argparse.Namespace) -> Outcome:
        problems: list[str] = []
        if parsed.command is not None and getattr(parsed, "session", None):
            playlist, diagnostics = load_playlist(self.root / parsed.session)
            problems += [d.format() for d in diagnostics] or ([] if playlist else ["no list"])
        elif parsed.command is not None:
            path = self.root / parsed.scenario
            found = path if path.is_file() else resolve_scenario(parsed.scenario)
            if found is None:
                problems.append(f"no scenario {parsed.scenario}")
            else:
                loaded = load_translated(found, parsed.lang)
                problems += [d.format() for d in loaded.diagnostics]
                problems += [] if loaded.scenario else ["does not load"]
        return Outcome(1 if problems else 0, stderr="\n".join(problems), rules=["window"])

    def record_a_play(self, scenario: str | None) -> None:
        """A play for a report to read: of the scenario its --scenario names (its first
        decision, then stopped: exit 3), or else the format tour's, to its ending."""
        tour = str(self.root / "docs" / "examples" / "format-tour.yaml")
        done = subprocess.run(
            [sys.executable, "-m", "simulator", "run", scenario or tour, "--choices",
             "1" if scenario else "2", "--seed", "1", "--trainee", "Mari"],
            cwd=self.root, env=self.environment, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == (3 if scenario else 0), done.stderr

    def plays(self) -> list[dict[str, Any]]:
        return (
            ResultsStore.open(str(self.results), read_only=True).plays()
            if self.results.exists()
            else []
        )

    def run(self, command: DocCommand, rules: list[str]) -> Outcome:
        arguments = command.arguments
        environment = {**self.environment, **dict(command.environment)}
        if "https://lrs.example.org" in arguments:
            url = self.lrs.start()
            arguments = [url if a == "https://lrs.example.org" else a for a in arguments]
            environment["CS_SIMULATOR_LRS_USERNAME"] = LRS_USER
            environment["CS_SIMULATOR_LRS_PASSWORD"] = LRS_PASSWORD
            rules.append("lrs")
        if shutil.which("dot") is None and not IN_CI and arguments[0] == "graph":
            arguments = [re.sub(r"\.(svg|png)$", ".dot", a) for a in arguments]
            rules.append("graphviz")
        before = self.plays()
        done = subprocess.run(
            [sys.executable, "-m", "simulator", *arguments],
            cwd=self.root, env=environment, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if command.output is not None:
            (self.root / command.output).write_text(done.stdout, encoding="utf-8")
        return Outcome(done.returncode, done.stdout, done.stderr, before, rules)


LRS_USER, LRS_PASSWORD = "trainer", "not-a-real-secret-42"  # as tests/records/test_xapi.py


@pytest.fixture(scope="module")
def workspace_of(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Workspace]]:
    """Each page's workspace, made when its first command runs; one LRS for them all."""
    lrs = Lrs(tmp_path_factory.mktemp("lrs") / "ralph")
    made: dict[str, Workspace] = {}

    def workspace(page: str) -> Workspace:
        if page not in made:
            made[page] = Workspace(tmp_path_factory.mktemp("page"), lrs)
        return made[page]

    yield workspace
    lrs.stop()


def _cases() -> list[Any]:
    cases = []
    for page in PAGES:
        for index, command in enumerate(commands_in(page)):
            cases.append(pytest.param(page, index, id=command.id))
    return cases


@pytest.mark.parametrize(("page", "index"), _cases())
def test_every_command_line_in_the_docs_does_what_it_says(
    page: str, index: int, workspace_of: Callable[[str], Workspace]
) -> None:
    """Each command line of README.md and docs/*.md (see commands_in for which lines those
    are) runs as `sys.executable -m simulator ...` (for `python -m simulator` and
    `cs-simulator` alike) in its page's workspace, and exits 0: no page shows a command
    meant to fail. `run` prints an ending and a score; `play --autoplay`, which prints
    nothing, records a finished play with its ending and score. NOT_AS_WRITTEN lists what
    cannot run as written, and what is checked instead."""
    commands = commands_in(page)
    command = commands[index]
    workspace = workspace_of(page)
    outcome = workspace.outcome(commands, index)
    instead = "".join(f"\n(not as written: {NOT_AS_WRITTEN[rule][0]})" for rule in outcome.rules)
    output = f"{outcome.stdout[-3000:]}\n{outcome.stderr[-3000:]}"
    shown = f"{command.id}{instead}\nexit {outcome.code}\n{output}"
    assert outcome.code == 0, shown
    assert "Traceback" not in outcome.stderr, shown
    arguments = [*command.arguments, ""]  # the menu has none
    if arguments[0] == "run" and "--json" in arguments:
        data = json.loads(outcome.stdout)
        assert data["ending"] and data["score"] is not None, shown
    elif arguments[0] == "run":
        assert ENDING_LINE.search(outcome.stdout) and SCORE_LINE.search(outcome.stdout), shown
    elif arguments[0] == "play" and "--autoplay" in arguments:
        seen = {play["id"] for play in outcome.plays_before}
        (demo,) = [play for play in workspace.plays() if play["id"] not in seen]
        assert (demo["source"], demo["status"]) == ("demo", "ended"), demo
        assert demo["ending"] and demo["score"] is not None, demo


def test_the_pages_command_lines_are_all_found() -> None:
    """The rule in commands_in, on lines of each form the pages use: a wrapped inline span,
    a fenced line with a comment, a continued line with a setting, a `$ ` prompt, optional
    groups opened or left out; and what is not a command line."""
    texts = {(c.page, c.text) for page in PAGES for c in commands_in(page)}
    for expected in [
        ("README.md", "python -m simulator play --session scenarios/sessions/first-morning.yaml"),
        ("README.md", "python -m simulator test scenarios/"),
        ("README.md", "cs-simulator --version"),
        ("README.md", "make test"),
        ("docs/command-line.md", "python -m simulator validate scenarios/"),
        ("docs/results.md", "python -m simulator report -o report.html --scenario late-client "
         "--since 2026-11-01 --csv decisions.csv --all-plays"),
    ]:  # fmt: skip
        assert expected in texts, expected
    handout = next(c for c in commands_in("docs/trainer-tools.md") if "--autoplay" in c.text)
    assert handout.environment == (("SDL_VIDEODRIVER", "dummy"),)
    assert handout.text.endswith("--screenshots handout/")
    every = " | ".join(text for _, text in texts)
    for not_a_command in ("ids FILE", "COMMAND", "simulator validate |", "simulator analyze |"):
        assert not_a_command not in every + " |", not_a_command
    assert not any(text == "make" or "Scripts" in text for _, text in texts)
    assert len(texts) >= 40
