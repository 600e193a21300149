"""Playthrough tests: scripted choices and what must then be true, in files next to scenarios.

A test file (``NAME.test.yaml``, ``kind: tests``) is checked like any other
file, then each test plays its choices through a real session and compares
the outcome with its expectations. Failures are diagnostics that point at the
test in its file and, where it helps, at the node in the scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simulator.engine.events import LineShown, NodeEntered
from simulator.engine.script import TIMEOUT_PICKS, play_script
from simulator.engine.session import Session, Status
from simulator.scenario.diagnostics import Diagnostic, bounded_suggestions, sort_key, suggest
from simulator.scenario.loader import load_document, load_scenario, model_despite_unknown_keys
from simulator.scenario.model import Bounds, Expectations, Playtest, PlaytestFile
from simulator.scenario.playable import PlayableScenario, choice_id
from simulator.scenario.translations import load_translated
from simulator.scenario.yamlfile import YamlDocument, read_file


@dataclass
class TestOutcome:
    name: str
    failures: list[Diagnostic] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class TestFileResult:
    path: Path
    outcomes: list[TestOutcome] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)  # the file could not run


def _target_scenario(path: Path, tests: PlaytestFile) -> Path | None:
    """The scenario the tests are for: a file in their folder, or None (a path that leaves
    the folder, does not exist, or cannot be followed, such as a symlink loop)."""
    try:
        target = (path.parent / tests.scenario).resolve()
        if path.parent.resolve() not in target.parents or not target.is_file():
            return None
    except (OSError, RuntimeError, ValueError):
        return None
    return target


def check_playtests(
    path: Path, tests: PlaytestFile, document: YamlDocument | None
) -> tuple[PlayableScenario | None, list[Diagnostic]]:
    """Whether the tests refer to a valid scenario and to ids it has."""
    with bounded_suggestions():  # "did you mean" costs at most so much per file
        scenario, problems = _check_playtests(path, tests)
    if document is not None:
        problems = [document.locate(problem) for problem in problems]
    return scenario, problems


def check_despite_shape(
    path: Path, document: YamlDocument, problems: list[Diagnostic]
) -> list[Diagnostic]:
    """A test file's shape problems and, when they are only unknown keys, the ids it
    names that the scenario does not have: a misspelt key must not hide those (E218)."""
    tests = model_despite_unknown_keys(document.data, PlaytestFile)
    if not isinstance(tests, PlaytestFile):
        return problems
    _, more = check_playtests(path, tests, document)
    return sorted([*problems, *more], key=sort_key)


def _check_playtests(
    path: Path, tests: PlaytestFile
) -> tuple[PlayableScenario | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    target = _target_scenario(path, tests)
    scenario = None
    if target is None:
        problems.append(
            Diagnostic(
                "E218",
                f"scenario '{tests.scenario}' was not found in this folder",
                path=("scenario",),
            )
        )
    else:
        loaded = load_scenario(target)
        scenario = loaded.scenario
        if scenario is None:
            problems.append(
                Diagnostic(
                    "E218",
                    f"'{tests.scenario}' has errors; run 'python -m simulator validate {target}'",
                    path=("scenario",),
                )
            )
    if scenario is not None:
        known = {
            "choice": scenario.declarations.choice_ids,
            "node": scenario.model.nodes,
            "line": {key for keys in scenario.line_ids.values() for key in keys},
            "variable": {**scenario.model.variables, **scenario.model.meters.cost.components},
        }
        for index, test in enumerate(tests.tests):
            for kind, name, path in _named_ids(test):
                if name not in known[kind]:
                    problems.append(
                        Diagnostic(
                            "E218",
                            f"no {kind} is called '{name}'{suggest(name, known[kind])}",
                            path=("tests", index, *path),
                        )
                    )
    return scenario, problems


def _named_ids(test: Playtest) -> list[tuple[str, str, tuple[str | int, ...]]]:
    """Every id a test names, with what kind of thing it names and where it stands."""
    expect = test.expect
    named: list[tuple[str, str, tuple[str | int, ...]]] = [
        ("choice", pick, ("choices", step))
        for step, pick in enumerate(test.choices)
        if isinstance(pick, str) and pick.lower() not in TIMEOUT_PICKS
    ]
    if expect.ending:
        named.append(("node", expect.ending, ("expect", "ending")))
    for kind, keys in (("node", ("visits", "avoids")), ("choice", ("offered", "greyed", "hidden"))):
        named += [
            (kind, name, ("expect", key, i))
            for key in keys
            for i, name in enumerate(getattr(expect, key))
        ]
    named += [("variable", name, ("expect", "values", name)) for name in expect.values]
    for made, better in expect.better.items():
        named += [
            ("choice", made, ("expect", "better")),
            ("choice", better, ("expect", "better", made)),
        ]
    named += [
        ("choice", name, ("expect", "no_better", i)) for i, name in enumerate(expect.no_better)
    ]
    named += [("line", name, ("expect", "lines", i)) for i, name in enumerate(expect.lines)]
    return named


class _Failure(Exception):
    def __init__(self, message: str, node: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


def _play(scenario: PlayableScenario, test: Playtest) -> Session:
    session, problem = play_script(scenario, test.choices, test.seed)
    if problem is not None:
        raise _Failure(problem, session.state.node)
    return session


def _outside(bounds: Bounds | None, value: float) -> str | None:
    if bounds is None:
        return None
    if bounds.min is not None and value < bounds.min:
        return f"{value:g} is below {bounds.min:g}"
    if bounds.max is not None and value > bounds.max:
        return f"{value:g} is above {bounds.max:g}"
    return None


def _compare(session: Session, test: Playtest) -> list[tuple[str, str | None]]:
    """Each unmet expectation, with the node it concerns."""
    expect = test.expect
    misses: list[tuple[str, str | None]] = []
    result = session.result()
    node = session.state.node
    needs_end = expect.ending or expect.ending_kind or expect.score or expect.passed is not None
    if needs_end and result is None:
        return [
            (
                f"the scenario did not end; it waits at '{node}' ({session.status.value}); "
                "add choices",
                node,
            )
        ]
    if result is not None:
        if expect.ending and result.ending != expect.ending:
            misses.append(
                (f"expected ending '{expect.ending}', reached '{result.ending}'", result.ending)
            )
        if expect.ending_kind and result.ending_kind != expect.ending_kind.value:
            misses.append(
                (
                    f"expected a '{expect.ending_kind.value}' ending, reached "
                    f"'{result.ending_kind}' ('{result.ending}')",
                    result.ending,
                )
            )
        problem = _outside(expect.score, result.score)
        if problem:
            misses.append((f"score {problem}", result.ending))
        if expect.passed is not None and result.passed != expect.passed:
            misses.append(
                (
                    f"expected {'a pass' if expect.passed else 'a fail'}, the score "
                    f"{result.score} {'passed' if result.passed else 'failed'}",
                    result.ending,
                )
            )
    for name, bounds, value in (
        ("satisfaction", expect.satisfaction, session.satisfaction),
        ("cost", expect.cost, session.cost),
    ):
        problem = _outside(bounds, value)
        if problem:
            misses.append((f"{name} {problem}", node))
    entered = {e.node for e in session.events if isinstance(e, NodeEntered)}
    for wanted in expect.visits:
        if wanted not in entered:
            misses.append((f"node '{wanted}' was never entered", wanted))
    for unwanted in expect.avoids:
        if unwanted in entered:
            misses.append((f"node '{unwanted}' was entered", unwanted))
    shown = [e for e in session.events if isinstance(e, LineShown)]
    shown_ids = {e.line for e in shown}
    for line in expect.lines:
        if line not in shown_ids:
            misses.append((f"line '{line}' was never shown", None))
    for text in expect.says:
        if not any(text.lower() in e.text.lower() for e in shown):
            misses.append((f'no line said "{text}"', None))
    return misses + _compare_step(session, expect) + _compare_review(session, expect)


def _compare_review(session: Session, expect: Expectations) -> list[tuple[str, str | None]]:
    """The better choice the debrief names at a decision, or that it names none: the
    review is a claim about good practice, so a trainer can pin it down like an ending."""
    if not expect.better and not expect.no_better:
        return []
    from simulator.analysis.review import review_decisions

    reviews = review_decisions(session.scenario, session.state.seed, session.decisions)
    named = {}
    for review in reviews:
        named.setdefault(review.decision.choice, review)
    misses: list[tuple[str, str | None]] = []
    wanted: list[tuple[str, str | None]] = [*expect.better.items()]
    wanted += [(made, None) for made in expect.no_better]
    for made, better in wanted:
        review = named.get(made)
        if review is None:
            misses.append(
                (f"the play never picks '{made}', so the debrief says nothing of it", None)
            )
            continue
        node = review.decision.node
        if review.better_choice == better:
            continue
        said = (
            f"names '{review.better_choice}'" if review.better_choice else "names no better choice"
        )
        hoped = f"'{better}'" if better else "no better choice"
        misses.append((f"at '{node}', after '{made}', the debrief {said}, not {hoped}", node))
    return misses


def _absent(session: Session, choice: str) -> str:
    """Why a choice is not on the screen: hidden by its condition, or not one of this
    step's choices at all (a test that expects it at the wrong step)."""
    scenario = session.scenario
    node = session.state.node
    for node_id, step in scenario.model.nodes.items():
        ids = {choice_id(node_id, index, c) for index, c in enumerate(step.choices or [])}
        if choice in ids:
            return "hidden" if node_id == node else f"not one of its choices (it is at '{node_id}')"
    return "not one of its choices"


def _compare_step(session: Session, expect: Expectations) -> list[tuple[str, str | None]]:
    """The expectations about where the play stands when its choices run out: what the
    next step offers, greys out or hides, the variables and the clock."""
    node = session.state.node
    misses: list[tuple[str, str | None]] = []
    if expect.offered or expect.greyed or expect.hidden:
        if session.status is not Status.WAITING_FOR_CHOICE:
            return [
                (
                    f"the play does not wait for a choice when its choices run out (it is at "
                    f"'{node}', {session.status.value}), so nothing is offered",
                    node,
                )
            ]
        shown = {view.id: view for view in session.choices}
        for choice in expect.offered:
            view = shown.get(choice)
            if view is None or not view.available:
                how = _absent(session, choice) if view is None else f"greyed out ({view.reason})"
                misses.append((f"choice '{choice}' is not offered at '{node}': it is {how}", node))
        for choice in expect.greyed:
            view = shown.get(choice)
            if view is None or view.available:
                how = _absent(session, choice) if view is None else "offered"
                message = f"choice '{choice}' is not greyed out at '{node}': it is {how}"
                misses.append((message, node))
        for choice in expect.hidden:
            if choice in shown:
                misses.append((f"choice '{choice}' is shown at '{node}'", node))
    for name, wanted in expect.values.items():
        value = session.value(name)
        if isinstance(wanted, Bounds):
            problem = _outside(wanted, float(value))
            if problem:
                misses.append((f"variable '{name}': {problem}", node))
        elif value != wanted or isinstance(value, bool) != isinstance(wanted, bool):
            misses.append((f"variable '{name}' is {_shown(value)}, not {_shown(wanted)}", node))
    clock = session.clock
    if expect.clock is not None:
        shown_clock = "" if clock is None else f"{clock.day_name} {clock.time_text}"
        if expect.clock.strip() not in (shown_clock, shown_clock.split(" ")[-1]):
            misses.append((f"the clock shows '{shown_clock}', not '{expect.clock}'", node))
    return misses


def _shown(value: object) -> str:
    """A value as a test file writes it: true, 3, 2.5, 'text'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:g}"
    return repr(value)


def run_playtest_file(path: Path) -> TestFileResult:
    result = TestFileResult(path)
    document, kind, model, problems = load_document(path)
    if kind == "tests" and model is None and document is not None:
        problems = check_despite_shape(path, document, problems)
    if not isinstance(model, PlaytestFile) or document is None:
        result.problems = problems or [
            Diagnostic("E012", "not a playthrough test file (kind: tests)", str(path))
        ]
        return result
    scenario, problems = check_playtests(path, model, document)
    if problems or scenario is None:
        result.problems = problems
        return result
    scenario_document: YamlDocument | None = None
    for index, test in enumerate(model.tests):
        outcome = TestOutcome(test.name)
        playable = scenario
        if test.language:
            translated = load_translated(Path(scenario.path), test.language)
            if translated.scenario is None:
                outcome.failures = [
                    document.locate(
                        Diagnostic(
                            "T601",
                            f"'{test.name}': no valid '{test.language}' translation",
                            path=("tests", index, "language"),
                        )
                    )
                ]
                result.outcomes.append(outcome)
                continue
            playable = translated.scenario
        try:
            session = _play(playable, test)
            misses = _compare(session, test)
        except _Failure as failure:
            misses = [(failure.message, failure.node)]
        for message, node in misses:
            where = ""
            if node is not None and node in scenario.model.nodes:
                if scenario_document is None:
                    scenario_document, _ = read_file(Path(scenario.path))
                if scenario_document is not None:
                    line, column = scenario_document.position(("nodes", node), at_key=True)
                    where = f" (see {scenario.path}:{line}:{column})"
            outcome.failures.append(
                document.locate(
                    Diagnostic("T601", f"'{test.name}': {message}{where}", path=("tests", index))
                )
            )
        result.outcomes.append(outcome)
    return result


def playtest_files(paths: list[Path]) -> list[Path]:
    from simulator.library import yaml_files

    return [path for path in yaml_files(paths) if path.name.endswith(".test.yaml")]
