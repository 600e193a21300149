"""The command line: parses arguments, calls the layers below, maps outcomes to exit codes.

Exit codes (also in docs/command-line.md):
    0  success
    1  a scenario has errors, or a run asked for a choice that cannot be picked
    2  usage error (unknown option, missing file, a --seed, --results or --lrs that is
       not one; a results store to read that does not exist)
    3  a headless run used up its choices before reaching an ending
    4  the game could not open a window (no display)
    5  the play ran, but the results store could not record it (the message says why)
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Each command imports what it uses inside its own function: the scenario model
# (pydantic), the results store (SQLAlchemy) and the game (pygame) each take longer
# to import than Python takes to start, --help and list need none of them, and each other
# command needs only some (tests/test_startup.py holds that).
if TYPE_CHECKING:
    from simulator.engine.session import Session
    from simulator.records.recorder import Recorder
    from simulator.records.xapi import LrsClient
    from simulator.scenario.diagnostics import Diagnostic
    from simulator.scenario.loader import LoadResult

from simulator.exit_codes import (
    EXIT_INCOMPLETE,
    EXIT_INVALID,
    EXIT_NOT_RECORDED,
    EXIT_OK,
    EXIT_USAGE,
)
from simulator.exit_codes import say as _say
from simulator.exit_codes import show as _print_diagnostics
from simulator.exit_codes import usage_error as _usage_error


class UsageError(Exception):
    """A usage error found after parsing (exit 2); the message says what to give instead."""


#: A seed the results store can keep (a signed 64-bit integer).
SEED_RANGE = (-(2**63), 2**63 - 1)


def seed_argument(text: str) -> int:
    """--seed: a whole number the store can keep; anything else is a usage error."""
    try:
        seed = int(text)
    except ValueError:
        seed = None
    if seed is None or not SEED_RANGE[0] <= seed <= SEED_RANGE[1]:
        from simulator.transcript import terminal_text

        raise argparse.ArgumentTypeError(
            f"expected a whole number from {SEED_RANGE[0]} to {SEED_RANGE[1]}, not "
            f"{terminal_text(text)!r}"
        )
    return seed


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def located_findings(path: Path, findings: list[Diagnostic]) -> list[Diagnostic]:
    """The analysis's findings with the line and column in the scenario file they are about."""
    if not findings:
        return []
    from simulator.scenario.yamlfile import read_file

    document, _ = read_file(path)
    return [document.locate(f) if document is not None else f for f in findings]


def command_validate(arguments: argparse.Namespace) -> int:
    from simulator.file_checks import load_any
    from simulator.library import yaml_files
    from simulator.scenario.diagnostics import Severity

    paths = [Path(p) for p in arguments.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        return _usage_error(f"no such file or folder: {', '.join(missing)}")
    results = [load_any(path) for path in yaml_files(paths)]
    if not results:
        return _usage_error("no .yaml files found in " + ", ".join(arguments.paths))
    errors = warnings = 0
    for result in results:
        _print_diagnostics(result.diagnostics)
        errors += sum(d.severity is Severity.ERROR for d in result.diagnostics)
        warnings += sum(d.severity is Severity.WARNING for d in result.diagnostics)
    files = len(results)
    print(
        f"checked {files} file{'s' * (files != 1)}: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}",
        file=sys.stderr,
    )
    return EXIT_INVALID if errors else EXIT_OK


CHOICES_HELP = (
    "numbers as shown, choice ids or 't' (let a timed choice run out), separated by "
    "commas, such as 2,1,3 or 2,kadri-go,t"
)


def parse_choices(text: str) -> list[int | str] | None:
    """Picks as engine/script.py reads them: numbers shown, choice ids, or 't'."""
    from simulator.scenario.model import IDENTIFIER_PATTERN

    identifier = re.compile(IDENTIFIER_PATTERN)
    picks: list[int | str] = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        if part.isdigit():
            picks.append(int(part))
        elif identifier.fullmatch(part):
            picks.append(part)
        else:
            return None
    return picks


def load_for_play(name: str, language: str | None) -> tuple[LoadResult | None, int]:
    from simulator.library import resolve_scenario, unknown_scenario
    from simulator.scenario.translations import load_translated

    path = resolve_scenario(name)
    if path is None:
        return None, _usage_error(unknown_scenario(name))
    result = load_translated(path, language)
    _print_diagnostics(result.diagnostics, sys.stderr)  # warnings too: W402 plays, and says so
    if result.scenario is None:
        return None, EXIT_INVALID
    return result, EXIT_OK


def command_run(arguments: argparse.Namespace) -> int:
    from simulator.engine.session import Session

    picks = parse_choices(arguments.choices or "")
    if picks is None:
        return _usage_error(f"--choices takes {CHOICES_HELP}")
    loaded, code = load_for_play(arguments.scenario, arguments.lang)
    if loaded is None:
        return code
    assert loaded.scenario is not None
    seed = arguments.seed if arguments.seed is not None else _random_seed()
    session = Session.start(loaded.scenario, seed=seed)
    recorder, not_recorded = None, ""
    if _asked_to_record(arguments):
        if not (arguments.results or os.environ.get("CS_SIMULATOR_RESULTS")):
            _warn_about_the_data_folder()  # the default store lives there
        recorder, not_recorded = _recorder(
            arguments.results, arguments.trainee, "run", arguments.lrs
        )
    try:
        return _play_run(arguments, loaded.scenario.title, picks, session, recorder, not_recorded)
    finally:
        if recorder is not None:
            recorder.stop(session)  # a run that stopped early is not left "playing"


def _random_seed() -> int:
    import secrets

    return secrets.randbelow(2**31)


def _play_run(
    arguments: argparse.Namespace,
    title: str,
    picks: list[int | str],
    session: Session,
    recorder: Recorder | None,
    not_recorded: str,
) -> int:
    import json

    from simulator.analysis.progress import TerminalProgress
    from simulator.engine.script import play_pick, resolve_pick
    from simulator.engine.session import Status
    from simulator.transcript import (
        describe_choices,
        describe_event,
        describe_result,
        result_json,
        terminal_json,
        terminal_text,
    )

    seed = session.state.seed
    out: list[str] = [f"{title} (seed {seed})"]
    seen = 0

    def flush() -> None:
        nonlocal seen
        if recorder is not None:
            recorder.sync(session)  # each decision is committed as it is made
        for event in session.events[seen:]:
            out.extend(describe_event(event, session))
        seen = len(session.events)

    flush()
    numbers: list[int | str] = []
    for step, pick in enumerate(picks, start=1):
        while session.status is Status.WAITING_FOR_CONTINUE:
            session.continue_()
            flush()
        if session.status is Status.WAITING_FOR_CHOICE:
            out.extend(describe_choices(session.choices))
        resolved = resolve_pick(session, pick)
        if isinstance(resolved, str):
            _say(f"step {step}: {resolved}")
            return EXIT_INVALID
        play_pick(session, resolved)
        numbers.append(resolved.number)  # as shown, whether given as a number or an id
        flush()
    while session.status is Status.WAITING_FOR_CONTINUE:
        session.continue_()
        flush()
    result = session.result()
    if result is None and session.status is Status.WAITING_FOR_CHOICE:
        out.extend(describe_choices(session.choices))
        out.append(f"(stopped: waiting for choice {len(picks) + 1}; add it to --choices)")
    # The debrief's review of each decision is a search (seconds for the largest
    # scenario), made only for what is printed; a terminal counts its states meanwhile.
    progress = TerminalProgress()
    try:
        if arguments.json:
            data = result_json(session, numbers, progress.searched)
            text = terminal_json(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            if result is not None:
                out.extend(describe_result(result, session, progress.searched))
            text = terminal_text("\n".join(out))
    finally:
        progress.clear()
    print(text)
    if session.status is Status.STUCK:
        return EXIT_INVALID
    if recorder is not None and recorder.lrs_problem:
        _say(recorder.lrs_problem)
    if not _asked_to_record(arguments):
        return EXIT_OK if result is not None else EXIT_INCOMPLETE
    if recorder is None or recorder.problem:
        problem = recorder.problem if recorder is not None else not_recorded
        _say(f"this run was not recorded: {problem}")
        return EXIT_NOT_RECORDED
    return EXIT_OK if result is not None else EXIT_INCOMPLETE


def _asked_to_record(arguments: argparse.Namespace) -> bool:
    """Whether a run is to be recorded: an author trying a scenario out is not a trainee,
    so only a run given a store (--results or $CS_SIMULATOR_RESULTS) or an LRS is."""
    return any(
        (
            arguments.results,
            os.environ.get("CS_SIMULATOR_RESULTS"),
            arguments.lrs,
            os.environ.get("CS_SIMULATOR_LRS"),
        )
    )


def _recorder(
    location: str | None, trainee: str | None, source: str, lrs_url: str | None
) -> tuple[Recorder | None, str]:
    """A recorder for the results store, or None and why the store cannot be opened.
    Raises UsageError for a --results or --lrs address that is not one."""
    from simulator.records.recorder import Recorder
    from simulator.records.store import ResultsStore, StoreAddressError, StoreError

    lrs = _lrs(lrs_url)
    try:
        store = ResultsStore.open(location)
    except StoreAddressError as error:
        raise UsageError(str(error)) from None
    except StoreError as error:
        return None, str(error)
    return Recorder(store, trainee or _default_trainee(), source, lrs=lrs), ""


def _lrs(url: str | None) -> LrsClient | None:
    """The LRS from --lrs or $CS_SIMULATOR_LRS (None if neither); UsageError if malformed."""
    from simulator.records.xapi import LrsAddressError, LrsClient

    try:
        return LrsClient.configured(url)
    except LrsAddressError as error:
        raise UsageError(str(error)) from None


def _check_results_address(location: str | None) -> None:
    """UsageError for a --results (or $CS_SIMULATOR_RESULTS) that is not a store's address."""
    from simulator.records.store import StoreAddressError, database_url, default_location

    try:
        database_url(location or default_location())
    except StoreAddressError as error:
        raise UsageError(str(error)) from None


def _default_trainee() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "anonymous"


def command_list(arguments: argparse.Namespace) -> int:
    from simulator.library import available_languages, scenario_entries
    from simulator.transcript import terminal_text

    folder = Path(arguments.folder) if arguments.folder else None
    if folder is not None and not folder.is_dir():
        return _usage_error(f"no such folder: {folder}")
    entries = scenario_entries(folder)
    if not entries:
        print("no scenarios found")
        return EXIT_OK
    width = max(len(entry.id) for entry in entries)
    for entry in entries:
        languages = ", ".join([entry.language, *available_languages(entry.path)])
        line = f"{entry.id:<{width}}  {entry.title}  ({entry.minutes} min; {languages})"
        print(terminal_text(line))
    return EXIT_OK


def command_schema(arguments: argparse.Namespace) -> int:
    import json

    from simulator.scenario.model import FILE_MODELS

    model = FILE_MODELS[arguments.kind]
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return EXIT_OK


def command_ids(arguments: argparse.Namespace) -> int:
    from simulator.scenario.diagnostics import Diagnostic
    from simulator.scenario.ids import add_missing_ids, line_renames, rekey_translations_beside
    from simulator.scenario.loader import load_document, load_scenario
    from simulator.scenario.model import Scenario

    code = EXIT_OK
    for name in arguments.files:
        path = Path(name)
        if not path.is_file():
            return _usage_error(f"no such file: {name}")
        document, _, model, problems = load_document(path)
        if document is None or not isinstance(model, Scenario):
            _print_diagnostics(problems or [Diagnostic("E012", "not a scenario file", name)])
            code = EXIT_INVALID
            continue
        text, count = add_missing_ids(document, model)
        if count:
            path.write_text(text, encoding="utf-8")
        print(f"{name}: added {count} id{'s' * (count != 1)}")
        for translation, moved in rekey_translations_beside(path, line_renames(model)):
            print(f"{translation}: moved {moved} key{'s' * (moved != 1)} to the new line ids")
        check = load_scenario(path)
        if not check.ok:
            _print_diagnostics(check.diagnostics)
            code = EXIT_INVALID
    return code


def command_analyze(arguments: argparse.Namespace) -> int:
    import json

    from simulator.analysis.batch import analyse_files
    from simulator.analysis.progress import TerminalProgress
    from simulator.library import resolve_scenario, scenario_files, unknown_scenario
    from simulator.transcript import describe_analysis, terminal_json, terminal_text

    if arguments.walks < 1:
        return _usage_error("--walks must be at least 1")
    if arguments.workers is not None and arguments.workers < 1:
        return _usage_error("--workers must be at least 1")
    paths: list[Path] = []
    for name in arguments.scenarios:
        path = Path(name) if Path(name).is_dir() else resolve_scenario(name)
        if path is None:
            return _usage_error(unknown_scenario(name, folders=True))
        paths.append(path)
    files = scenario_files(paths)
    if not files:
        return _usage_error("no scenarios found in " + ", ".join(arguments.scenarios))
    code = EXIT_OK
    reports: list[dict[str, Any]] = []
    for number, found in enumerate(
        analyse_files(
            files,
            arguments.walks,
            arguments.seed,
            arguments.workers,
            TerminalProgress(),
            kept=not arguments.no_cache,
        )
    ):
        analysis = found.analysis
        if analysis is None:
            _print_diagnostics(found.diagnostics, sys.stderr)
            code = EXIT_INVALID
            continue
        if analysis.failed:
            code = EXIT_INVALID
        if arguments.json:
            reports.append(analysis.to_json())
        else:
            # Each report as soon as it is ready, even into a pipe: the rest may take long.
            text = ("\n" if number else "") + "\n".join(describe_analysis(analysis))
            print(terminal_text(text), flush=True)
        _print_diagnostics(located_findings(found.path, analysis.findings), sys.stderr)
    # One object for one scenario named; a list for several, or for any folder, so a
    # script reading a folder gets a list however many scenarios it holds.
    single = len(paths) == 1 and not paths[0].is_dir()
    if arguments.json and (reports or not single):
        text = json.dumps(reports[0] if single else reports, ensure_ascii=False, indent=2)
        print(terminal_json(text))
    return code


def command_test(arguments: argparse.Namespace) -> int:
    from simulator.library import bundled_scenarios_dir
    from simulator.playtests import playtest_files, run_playtest_file
    from simulator.transcript import terminal_text

    paths = [Path(p) for p in arguments.paths] or [bundled_scenarios_dir()]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        return _usage_error(f"no such file or folder: {', '.join(missing)}")
    files = playtest_files(paths)
    if not files:
        return _usage_error("no playthrough test files (*.test.yaml) found")
    passed = failed = 0
    for path in files:
        result = run_playtest_file(path)
        print(terminal_text(str(path)))
        if result.problems:
            failed += 1
            print("  ERROR the test file cannot run:")
            for problem in result.problems:
                print(f"    {problem.format()}")
            continue
        for outcome in result.outcomes:
            print(terminal_text(f"  {'ok  ' if outcome.passed else 'FAIL'}  {outcome.name}"))
            for failure in outcome.failures:
                print(f"    {failure.format()}")
            passed += outcome.passed
            failed += not outcome.passed
    print(f"{passed} passed, {failed} failed")
    return EXIT_INVALID if failed else EXIT_OK


def command_preview(arguments: argparse.Namespace) -> int:
    from simulator.ui.player import start_app

    path = Path(arguments.scenario)
    if not path.is_file():
        return _usage_error(f"no such file: {path}")
    window = _window_size(arguments.window)
    if window is None:
        return _usage_error("--window takes a size such as 1280x720 (at least 640x400)")
    app, code = start_app(window, False, str(path))
    if app is None:
        return code
    from simulator.ui.preview import run_preview

    return run_preview(app, path, arguments.lang, arguments.seed)


def command_sync(arguments: argparse.Namespace) -> int:
    from simulator.records.recorder import send_queued
    from simulator.records.redaction import redacted
    from simulator.records.store import ResultsStore, StoreAddressError, StoreError, StoreMissing
    from simulator.records.xapi import LrsUnavailable

    lrs = _lrs(arguments.lrs)
    if lrs is None:
        return _usage_error("no LRS given: use --lrs URL or set CS_SIMULATOR_LRS")
    try:
        store = ResultsStore.open(arguments.results, create=False)
        sent = send_queued(store, lrs)
        left = store.queued()
    except (StoreAddressError, StoreMissing) as error:
        return _usage_error(str(error))
    except StoreError as error:
        _say(str(error))
        return EXIT_INVALID
    except LrsUnavailable as error:
        _say(f"{error}; nothing was lost, try again later")
        return EXIT_INVALID
    plural = "s" * (sent != 1)
    print(f"sent {sent} statement{plural} to {redacted(lrs.url)}; {left} still queued")
    return EXIT_OK if left == 0 else EXIT_INVALID


def _window_size(text: str) -> tuple[int, int] | None:
    parts = text.lower().split("x")
    if len(parts) == 2 and all(part.isdigit() for part in parts):
        width, height = int(parts[0]), int(parts[1])
        if 640 <= width <= 10000 and 400 <= height <= 10000:
            return width, height
    return None


def command_play(arguments: argparse.Namespace) -> int:
    import os

    from simulator.library import resolve_scenario, unknown_scenario
    from simulator.ui.player import run_play
    from simulator.userdata import RESULTS_ENVIRONMENT

    _check_results_address(arguments.results)
    _lrs(arguments.lrs)  # a malformed address is a usage error before the window opens
    if arguments.results:
        os.environ[RESULTS_ENVIRONMENT] = arguments.results  # the player opens it when needed
    if arguments.lrs:
        os.environ["CS_SIMULATOR_LRS"] = arguments.lrs

    window = _window_size(arguments.window)
    if window is None:
        return _usage_error("--window takes a size such as 1280x720 (at least 640x400)")
    picks = None
    if arguments.autoplay is not None:
        picks = parse_choices(arguments.autoplay)
        if picks is None:
            return _usage_error(f"--autoplay takes {CHOICES_HELP}")
    elif arguments.screenshots is not None:
        return _usage_error("--screenshots goes with --autoplay")
    if arguments.session:
        return _play_session(arguments, window)
    if not arguments.scenario:
        return _usage_error("play needs a scenario (a file or a bundled id) or --session FILE")
    path = resolve_scenario(arguments.scenario)
    if path is None:
        return _usage_error(unknown_scenario(arguments.scenario))
    screenshots = Path(arguments.screenshots) if arguments.screenshots else None
    return run_play(
        path,
        arguments.trainee,
        arguments.seed,
        arguments.lang,
        window,
        arguments.fullscreen or None,
        picks,
        screenshots,
        practice=not arguments.assessed,
        named=arguments.scenario,
    )


def _play_session(arguments: argparse.Namespace, window: tuple[int, int]) -> int:
    from simulator.scenario.playlist import load_playlist
    from simulator.ui.player import run_menu

    path = Path(arguments.session)
    if not path.is_file():
        return _usage_error(f"no such file: {path}")
    playlist, problems = load_playlist(path)
    if playlist is None:
        _print_diagnostics(problems, sys.stderr)
        return EXIT_INVALID
    if arguments.assessed:
        playlist.playlist = playlist.playlist.model_copy(update={"assessed": True})
    return run_menu(window, arguments.fullscreen or None, playlist, arguments.trainee)


def command_menu(arguments: argparse.Namespace) -> int:
    from simulator.ui.player import run_menu

    return run_menu()


class _VersionAction(argparse.Action):
    """--version, looking the version up only when asked: reading the installed package's
    metadata takes longer than the rest of --help."""

    def __init__(self, option_strings: Sequence[str], dest: str, **_: Any) -> None:
        super().__init__(
            option_strings,
            dest=argparse.SUPPRESS,
            default=argparse.SUPPRESS,
            nargs=0,
            help="show program's version number and exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    """The installed package's version (a checkout that was never installed says so)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cs-simulator")
    except PackageNotFoundError:
        return "(not installed)"


#: What ``schema --kind`` offers: the keys of FILE_MODELS in simulator/scenario/model.py,
#: written out so that building the parser does not import the model (a test compares).
SCHEMA_KINDS = ("characters", "playlist", "scenario", "tests", "translation")

#: Commands that live in other modules: name -> (module, the function there that adds the
#: command to the parser, the command's one-line help). A module is imported only when its
#: command is the one given; in the list of commands that --help shows, the line here
#: stands for it (a test keeps the two the same).
ADDED_COMMANDS: dict[str, tuple[str, str, str]] = {
    "translate": (
        "simulator.translate_command",
        "add_translate_command",
        "write or update a translation stub for a scenario",
    ),
    "graph": (
        "simulator.graph_command",
        "add_graph_command",
        "draw the scenario map with Graphviz",
    ),
    "report": (
        "simulator.report_command",
        "add_report_command",
        "the trainer's cohort report (HTML, CSV)",
    ),
    "new": (
        "simulator.scaffold",
        "add_new_command",
        "start a scenario from a template that works",
    ),
    "import": (
        "simulator.import_command",
        "add_import_command",
        "turn a Twine story (Twee 3, archive or published HTML) into a scenario",
    ),
    "guide": (
        "simulator.reports.guide",
        "add_guide_command",
        "the facilitator's guide to a scenario (HTML)",
    ),
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line. Given the arguments about to be parsed, a command from
    ADDED_COMMANDS is added in full only when it is the one they name; without them (the
    docs' tests read every command), every command is added in full."""
    parser = _Parser(prog="simulator", description="Customer-service training simulator.")
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    validate = commands.add_parser("validate", help="check scenario files and folders")
    validate.add_argument("paths", nargs="+", metavar="PATH")
    validate.set_defaults(handler=command_validate)

    run = commands.add_parser("run", help="play a scenario headless with scripted choices")
    run.add_argument("scenario", metavar="PATH_OR_ID")
    run.add_argument("--choices", default="", help="option numbers as shown, e.g. 2,1,3")
    run.add_argument(
        "--seed", type=seed_argument, help="seed for random branches (default: random)"
    )
    run.add_argument("--lang", help="play a translation, e.g. hu")
    run.add_argument("--json", action="store_true", help="print one JSON object")
    run.add_argument("--trainee", help="who is playing (default: the login name)")
    run.add_argument(
        "--lrs",
        metavar="URL",
        help="record the run and send its xAPI statements to this LRS "
        "(default: $CS_SIMULATOR_LRS), queued in the results store",
    )
    run.add_argument(
        "--results",
        metavar="PATH_OR_URL",
        help="record the run in this store: an SQLite file or a postgresql:// URL "
        "(default: $CS_SIMULATOR_RESULTS; with neither, nor an LRS, a run is not recorded)",
    )
    run.set_defaults(handler=command_run)

    play = commands.add_parser("play", help="open the game on one scenario")
    play.add_argument("scenario", metavar="PATH_OR_ID", nargs="?")
    play.add_argument("--session", metavar="FILE", help="run an onboarding playlist")
    play.add_argument(
        "--results",
        metavar="PATH_OR_URL",
        help="results store: an SQLite file or a postgresql:// URL",
    )
    play.add_argument("--lrs", metavar="URL", help="also send xAPI statements to this LRS")
    play.add_argument("--trainee", help="the trainee's name")
    play.add_argument("--seed", type=seed_argument, help="seed for random branches")
    play.add_argument("--lang", help="play a translation, e.g. hu")
    play.add_argument(
        "--assessed",
        action="store_true",
        help="plays that count: no taking back a decision (practice allows it)",
    )
    play.add_argument("--fullscreen", action="store_true")
    play.add_argument("--window", default="1280x720", help="window size, e.g. 1280x720")
    play.add_argument("--autoplay", metavar="CHOICES", help="demo: play these options, e.g. 2,1,3")
    play.add_argument("--screenshots", metavar="DIR", help="demo: save a PNG of every screen")
    play.set_defaults(handler=command_play)

    analyze = commands.add_parser("analyze", help="search every outcome a scenario can produce")
    analyze.add_argument(
        "scenarios",
        nargs="+",
        metavar="PATH_OR_ID",
        help="scenario files, bundled scenario ids, or folders of scenarios",
    )
    analyze.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (a list of them for several scenarios)",
    )
    analyze.add_argument(
        "--workers",
        type=int,
        help="scenarios analysed side by side (default: one per core)",
    )
    analyze.add_argument(
        "--walks",
        type=int,
        default=1000,  # analyse.DEFAULT_WALKS, not imported here: start-up stays light
        help="random playthroughs for the policy table (default 1000)",
    )
    analyze.add_argument(
        "--seed", type=seed_argument, default=0, help="seed for the random playthroughs"
    )
    analyze.add_argument(
        "--no-cache",
        action="store_true",
        help="search again, even if an unchanged scenario was analysed before",
    )
    analyze.set_defaults(handler=command_analyze)

    test = commands.add_parser("test", help="run playthrough tests (*.test.yaml)")
    test.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="test files or folders (default: the bundled scenarios)",
    )
    test.set_defaults(handler=command_test)

    preview = commands.add_parser("preview", help="play a scenario, reloading it on every save")
    preview.add_argument("scenario", metavar="PATH")
    preview.add_argument("--lang", help="preview a translation, e.g. hu")
    preview.add_argument("--seed", type=seed_argument, default=1, help="seed for random branches")
    preview.add_argument("--window", default="1280x720", help="window size, e.g. 1280x720")
    preview.set_defaults(handler=command_preview)

    sync = commands.add_parser("sync", help="send queued xAPI statements to the LRS")
    sync.add_argument("--results", metavar="PATH_OR_URL", help="results store to send from")
    sync.add_argument("--lrs", metavar="URL", help="the LRS (default: $CS_SIMULATOR_LRS)")
    sync.set_defaults(handler=command_sync)

    listing = commands.add_parser("list", help="list the bundled scenarios")
    listing.add_argument("folder", nargs="?", help="list another folder instead")
    listing.set_defaults(handler=command_list)

    schema = commands.add_parser("schema", help="print the JSON Schema of the format")
    schema.add_argument("--kind", choices=SCHEMA_KINDS, default="scenario")
    schema.set_defaults(handler=command_schema)

    ids = commands.add_parser("ids", help="write missing line and choice ids into files")
    ids.add_argument("files", nargs="+", metavar="FILE")
    ids.set_defaults(handler=command_ids)

    named = None if argv is None else _command_named(argv)
    for name, (module, function, help_line) in ADDED_COMMANDS.items():
        if argv is None or name == named:
            add_command: Callable[[Any], None] = getattr(import_module(module), function)
            add_command(commands)
        else:
            commands.add_parser(name, help=help_line)
    return parser


def _command_named(argv: Sequence[str]) -> str | None:
    """The command the arguments name: the first that is not an option (the program's own
    options, --help and --version, take no value)."""
    return next((argument for argument in argv if not argument.startswith("-")), None)


#: The commands that keep something in the data folder (settings, the default results
#: store, the LRS settings); the others only read it, or use it as a cache.
KEEPS_DATA = (None, "play", "preview", "report", "sync")


def _warn_about_the_data_folder() -> None:
    """One line when the data folder cannot be written; the command still does what it can."""
    from simulator.userdata import data_dir_problem

    problem = data_dir_problem()
    if problem is not None:
        _say(f"warning: {problem}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    arguments = parser.parse_args(argv)
    if arguments.command in KEEPS_DATA:
        _warn_about_the_data_folder()
    if arguments.command is None:
        return command_menu(arguments)
    try:
        return int(arguments.handler(arguments))
    except UsageError as error:
        return _usage_error(str(error))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
