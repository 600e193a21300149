"""The cohort report as one self-contained HTML page.

Jinja2 escapes everything by default: trainee names and scenario text are
untrusted. The only unescaped content is the SVG of the charts, which escapes
every text it draws (simulator/reports/charts.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from simulator.reports.charts import outcome_scatter, score_histogram
from simulator.reports.cohort import (
    CHOICE,
    CHOICE_TEXT,
    COST_AFTER,
    COST_DELTA,
    DECIDED_AT,
    LESSON,
    NODE,
    SATISFACTION_AFTER,
    SATISFACTION_DELTA,
    SECONDS,
    STEP,
    TAGS,
    Cohort,
)


def write_page(path: Path, cohort: Cohort, filters: str = "") -> None:
    """Write the page as the template makes it, piece by piece: a report of thousands of
    trainees never holds the whole page in memory."""
    environment = Environment(
        loader=PackageLoader("simulator.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    charts = {
        summary.scenario: {
            "scores": score_histogram(summary.scores),
            "scatter": outcome_scatter(summary.outcomes, f"cost ({summary.cost_unit})"),
        }
        for summary in cohort.scenarios
        if summary.finished
    }
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page = environment.get_template("report.html.j2").generate(
        cohort=cohort, charts=charts, generated=generated, filters=filters
    )
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(page)


#: What a spreadsheet takes for the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = [
    "play_id",
    "trainee",
    "scenario",
    "language",
    "started_at",
    "step",
    "node",
    "choice",
    "choice_text",
    "tags",
    "lesson",
    "satisfaction_delta",
    "cost_delta",
    "satisfaction_after",
    "cost_after",
    "seconds_to_decide",
    "decided_at",
    "ending",
    "score",
    "passed",
    "answers_taken_back",
]


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: trainee names and choice texts are untrusted,
    and "=HYPERLINK(...)" typed as a name must not become a live formula. Numbers stay
    numbers (a negative delta is a number, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: object) -> str:
    """One cell as the csv module writes it (quoted only when it holds a comma, a quote
    or a line break), made safe first; None is empty."""
    if value is None:
        return ""
    text = str(safe_cell(value))
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _cells(values: Iterable[object]) -> str:
    return ",".join(_cell(value) for value in values)


def _hundredths(seconds: float) -> str:
    """``repr(round(seconds, 2))``, for a time too long for ``write_csv``'s quick way."""
    return repr(round(seconds, 2))


def _number(numbers: dict[float, str], value: float) -> str:
    """``repr(value)``, kept in ``numbers`` for the next row: deltas and totals repeat.
    Zero is not kept (0.0 and -0.0 are one key with two texts), nor a NaN (never found)."""
    text = repr(value)
    if value and value == value and len(numbers) < 10_000:
        numbers[value] = text
    return text


def write_csv(path: Path, plays: Iterable[tuple[Any, Sequence[Sequence[Any]]]]) -> int:
    """Write the decisions (``Tally.plays_read``: each play with its decisions) as they
    come, never holding them all; how many were written. What repeats from row to row is
    made into CSV once: a play's own cells, a choice's texts, each number. A time to decide
    is written as ``repr(round(seconds, 2))`` was, in half the time: both round the
    exact binary value to two places (halves to even), and under 10^9 s the shortest text
    of that double is those two decimals without a trailing zero ("13.3", "13.0")."""
    texts: dict[tuple[Any, ...], str] = {}
    shared: dict[tuple[Any, ...], str] = {}  # (trainee, scenario, language), and the tail
    numbers: dict[float, str] = {}
    known = numbers.get
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(_cells(CSV_COLUMNS) + "\r\n")
        for play, made in plays:
            if not made:
                continue
            who = (play.trainee, play.scenario, play.language)
            middle = shared.get(who) or shared.setdefault(who, _cells(who))
            head = f"{_cell(play.id)},{middle},{play.started_at}+00:00"
            end = (play.ending, play.score, play.passed, play.taken_back)
            tail = shared.get(end)
            if tail is None:
                passed = "" if play.passed is None else "yes" if play.passed else "no"
                tail = shared[end] = (
                    _cells((play.ending or "", play.score, passed, play.taken_back)) + "\r\n"
                )
            lines = []
            for row in made:
                key = (row[CHOICE_TEXT], row[NODE], row[CHOICE], row[TAGS], row[LESSON])
                shown = texts.get(key)
                if shown is None:
                    text, node, choice, tags, lesson = key
                    readable = ", ".join(json.loads(tags))
                    choice = "timeout" if choice is None else choice
                    shown = texts[key] = _cells((node, choice, text, readable, lesson or ""))
                seconds = row[SECONDS]
                if -1e9 < seconds < 1e9:
                    rounded = f"{seconds:.2f}"
                    if rounded[-1] == "0":
                        rounded = rounded[:-1]
                else:
                    rounded = _hundredths(seconds)
                satisfaction, cost = row[SATISFACTION_DELTA], row[COST_DELTA]
                satisfaction_after, cost_after = row[SATISFACTION_AFTER], row[COST_AFTER]
                lines.append(
                    f"{head},{row[STEP] + 1},{shown},"
                    f"{known(satisfaction) or _number(numbers, satisfaction)},"
                    f"{known(cost) or _number(numbers, cost)},"
                    f"{known(satisfaction_after) or _number(numbers, satisfaction_after)},"
                    f"{known(cost_after) or _number(numbers, cost_after)},"
                    f"{rounded},{row[DECIDED_AT]}+00:00,{tail}"
                )
            handle.write("".join(lines))
            written += len(lines)
    return written
