"""The cohort report as one self-contained HTML page.

Jinja2 escapes everything by default: trainee names and scenario text are
untrusted. The only unescaped content is the SVG of the charts, which escapes
every text it draws (simulator/reports/charts.py).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from simulator.reports.charts import outcome_scatter, score_histogram
from simulator.reports.cohort import CSV_COLUMNS, Cohort


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


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: trainee names and choice texts are untrusted,
    and "=HYPERLINK(...)" typed as a name must not become a live formula. Numbers stay
    numbers (a negative delta is a number, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


#: Where the CSV's cells of one play, and of one choice's texts, lie in a row: they are
#: made into CSV once and reused, since they repeat on row after row.
PLAY_HEAD = slice(0, CSV_COLUMNS.index("step"))
TEXTS = slice(CSV_COLUMNS.index("node"), CSV_COLUMNS.index("satisfaction_delta"))
PLAY_TAIL = slice(CSV_COLUMNS.index("ending"), len(CSV_COLUMNS))
TAGS = CSV_COLUMNS.index("tags") - TEXTS.start


class _Cells:
    """CSV text for a few cells, quoted as the csv module quotes them and made safe."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="")

    def __call__(self, cells: Sequence[object]) -> str:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(["" if cell is None else safe_cell(cell) for cell in cells])
        return self.buffer.getvalue()


def write_csv(path: Path, rows: Iterable[Sequence[Any]]) -> int:
    """Write the rows (the columns of CSV_COLUMNS, ``tags`` as stored: a JSON list) as
    they come, never holding them all; how many were written. A play's own cells and a
    choice's texts repeat on many rows, so each is made into CSV once: the rest of a row
    is numbers and a time, which need no quoting."""
    cells = _Cells()
    texts: dict[tuple[Any, ...], str] = {}
    play, head, tail = None, "", ""
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(cells(CSV_COLUMNS) + "\r\n")
        for row in rows:
            if row[0] != play:
                play, head, tail = row[0], cells(row[PLAY_HEAD]), cells(row[PLAY_TAIL])
            key = tuple(row[TEXTS])
            shown = texts.get(key)
            if shown is None:
                readable = list(key)
                readable[TAGS] = ", ".join(json.loads(key[TAGS]))
                shown = texts[key] = cells(readable)
            step, satisfaction, cost, satisfaction_after, cost_after = row[5], *row[11:15]
            handle.write(
                f"{head},{step},{shown},{satisfaction!r},{cost!r},{satisfaction_after!r},"
                f"{cost_after!r},{round(row[15], 2)!r},{row[16]},{tail}\r\n"
            )
            written += 1
    return written
