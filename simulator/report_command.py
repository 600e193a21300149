"""`report`: the trainer's cohort report over a results store, as HTML and CSV."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from simulator.exit_codes import EXIT_INVALID, EXIT_OK
from simulator.exit_codes import say as _say
from simulator.exit_codes import usage_error as _usage_error

#: How many of the store's scenarios a message about a misspelt --scenario lists.
LISTED = 10


def add_report_command(subparsers: Any) -> None:
    """Register `report` on the command line's subcommands."""
    report = subparsers.add_parser("report", help="the trainer's cohort report (HTML, CSV)")
    report.add_argument("--results", metavar="PATH_OR_URL", help="results store to read")
    report.add_argument("--scenario", help="only this scenario id")
    report.add_argument("--since", metavar="DATE", help="only plays from this date on")
    report.add_argument("-o", "--output", required=True, help="the HTML file to write")
    report.add_argument("--csv", metavar="FILE", help="also one row per decision, as CSV")
    report.add_argument(
        "--all-plays",
        action="store_true",
        help="also count headless runs and demos (by default only trainees' own plays)",
    )
    report.set_defaults(handler=command_report)


def command_report(arguments: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    from simulator.records.store import (
        ResultsStore,
        StoreAddressError,
        StoreError,
        StoreMissing,
    )
    from simulator.reports.cohort import Selection, Tally, count_plays, recorded_scenarios
    from simulator.reports.html import write_csv, write_page
    from simulator.scenario.diagnostics import suggest
    from simulator.transcript import terminal_text

    if Path(arguments.output).suffix.lower() not in (".html", ".htm"):
        return _usage_error(
            "-o takes a file ending in .html: the report is a web page (--csv FILE writes "
            "the decisions as CSV)"
        )
    since = None
    if arguments.since:
        try:
            since = datetime.fromisoformat(arguments.since)
        except ValueError:
            return _usage_error("--since takes a date such as 2026-11-24")
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
    selection = Selection(arguments.scenario, since, arguments.all_plays)
    try:  # read-only: a report never creates, changes or converts a store
        store = ResultsStore.open(arguments.results, read_only=True)
        counted, left_out = count_plays(store, selection)
        recorded = recorded_scenarios(store) if arguments.scenario else []
    except (StoreAddressError, StoreMissing) as error:
        return _usage_error(str(error))
    except StoreError as error:
        _say(str(error))
        return EXIT_INVALID
    if arguments.scenario and arguments.scenario not in recorded:
        # A misspelt id would otherwise make an empty report, as if nobody had played.
        held = ", ".join(recorded[:LISTED]) + (", ..." if len(recorded) > LISTED else "")
        return _usage_error(
            f"the results store holds no plays of scenario '{arguments.scenario}'"
            f"{suggest(arguments.scenario, recorded)}"
            + (f" (it holds plays of {held})" if recorded else " (it holds no plays yet)")
        )
    filters = ", ".join(
        part
        for part in (
            f"scenario {arguments.scenario}" if arguments.scenario else "",
            f"since {arguments.since}" if arguments.since else "",
            "with runs and demos" if arguments.all_plays else "",
        )
        if part
    )
    kinds = "run or demo" if left_out == 1 else "runs and demos"
    note = f"; {left_out} {kinds} left out: --all-plays counts them" if left_out else ""
    output = Path(arguments.output)
    tally = Tally(store, selection)  # the decisions are read once: with the CSV, if asked
    try:
        if arguments.csv:
            written = write_csv(Path(arguments.csv), tally.plays_read(for_csv=True))
        else:
            tally.count()
        write_page(output, tally.cohort(), filters)
        print(terminal_text(f"wrote {output} ({counted} play{'' if counted == 1 else 's'}{note})"))
        if arguments.csv:
            print(terminal_text(f"wrote {arguments.csv} ({written} decisions)"))
    except StoreError as error:
        _say(str(error))
        return EXIT_INVALID
    except OSError as error:
        where = f" to {error.filename}" if error.filename else ""
        _say(f"cannot write the report{where}: {error.strerror or error}")
        return EXIT_INVALID
    return EXIT_OK
