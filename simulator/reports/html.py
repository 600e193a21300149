"""The cohort report as one self-contained HTML page.

Jinja2 escapes everything by default: trainee names and scenario text are
untrusted. The only unescaped content is the SVG the charting library drew.
"""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from simulator.reports.charts import outcome_scatter, score_histogram
from simulator.reports.cohort import CSV_COLUMNS, Cohort


def render(cohort: Cohort, filters: str = "") -> str:
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
    return environment.get_template("report.html.j2").render(
        cohort=cohort, charts=charts, generated=generated, filters=filters
    )


#: What a spreadsheet takes for the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: trainee names and choice texts are untrusted,
    and "=HYPERLINK(...)" typed as a name must not become a live formula. Numbers stay
    numbers (a negative delta is a number, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in rows)
