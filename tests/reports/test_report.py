"""The trainer's cohort report: built from a real store, checked in a real browser."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, REPO, requires, run_cli

TOUR = REPO / "docs" / "examples" / "format-tour.yaml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def simulator(*arguments: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*arguments)


@pytest.fixture
def results(tmp_path: Path) -> Path:
    path = tmp_path / "results.sqlite3"
    for trainee, choices in (("Anna", "2"), ("Anna", "1"), ("Bence", "3,2"), ("Csilla", "1")):
        done = simulator(
            "run",
            str(TOUR),
            "--choices",
            choices,
            "--seed",
            "1",
            "--trainee",
            trainee,
            "--results",
            str(path),
        )
        assert done.returncode == 0, done.stderr
    return path


def browser(page: Path, *arguments: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM, ".ci/run installs Debian's chromium for this test"
    return subprocess.run(
        [CHROMIUM, *BROWSER_FLAGS, f"--user-data-dir={profile}", *arguments, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )


@requires("chromium")
def test_report_page_in_a_real_browser(results: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    done = simulator("report", "--all-plays", "--results", str(results), "-o", str(page))
    assert done.returncode == 0, done.stderr
    dom = browser(page, "--dump-dom", profile=tmp_path / "profile").stdout
    assert dom.count('class="trainee-row"') == 3  # Anna, Bence, Csilla on one scenario
    assert "The parcel that never came" in dom
    assert dom.count("<svg") == 2  # the score distribution and the outcome scatter
    assert "blame-courier" in dom and "own-it" in dom  # choice statistics
    shot = tmp_path / "report.png"
    browser(page, f"--screenshot={shot}", "--window-size=1280,1600", profile=tmp_path / "p2")
    assert shot.stat().st_size > 20_000


def test_report_is_self_contained(results: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    assert (
        simulator("report", "--all-plays", "--results", str(results), "-o", str(page)).returncode
        == 0
    )
    html = page.read_text(encoding="utf-8")
    # Namespace names inside the SVG are only names; these would make the browser fetch.
    for outside in (
        'src="http',
        "src='http",
        'href="http',
        "url(http",
        "<script",
        "<link",
        "@import",
        "<iframe",
    ):
        assert outside not in html


@requires("chromium")
def test_untrusted_text_is_escaped_in_the_browser(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(
        MINIMAL.replace("title: Tiny", "title: \"<script>document.title='owned'</script>\"")
    )
    store = tmp_path / "results.sqlite3"
    assert (
        simulator(
            "run",
            str(hostile),
            "--trainee",
            "<img src=x onerror=alert(1)>",
            "--results",
            str(store),
        ).returncode
        == 0
    )
    page = tmp_path / "report.html"
    assert (
        simulator("report", "--all-plays", "--results", str(store), "-o", str(page)).returncode == 0
    )
    html = page.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    dom = browser(page, "--dump-dom", profile=tmp_path / "profile").stdout
    assert "<title>Onboarding results" in dom  # the script did not run
    assert "<img" not in dom


def test_csv_has_one_row_per_decision(results: Path, tmp_path: Path) -> None:
    page, table = tmp_path / "report.html", tmp_path / "decisions.csv"
    done = simulator(
        "report", "--all-plays", "--results", str(results), "-o", str(page), "--csv", str(table)
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert len(rows) == 5  # 1 + 1 + 2 + 1 decisions
    assert {row["trainee"] for row in rows} == {"Anna", "Bence", "Csilla"}
    bence = [row for row in rows if row["trainee"] == "Bence"]
    assert [row["choice"] for row in bence] == ["voucher-now", "own-it"]
    assert [row["step"] for row in bence] == ["1", "2"]


def test_filters_by_scenario_and_date(results: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    done = simulator(
        "report", "--results", str(results), "--scenario", "nothing-like-it", "-o", str(page)
    )
    # An id the store holds no plays of is a mistake to point out, not an empty report.
    assert done.returncode == 2 and not page.exists()
    assert "holds no plays of scenario 'nothing-like-it'" in done.stderr
    assert "it holds plays of format-tour" in done.stderr, done.stderr
    done = simulator(
        "report", "--all-plays", "--results", str(results), "--since", "2999-01-01", "-o", str(page)
    )
    assert "(0 plays)" in done.stdout
    assert (
        simulator(
            "report", "--results", str(results), "--since", "yesterday", "-o", str(page)
        ).returncode
        == 2
    )


def test_damaged_store_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    done = simulator(
        "report", "--all-plays", "--results", str(path), "-o", str(tmp_path / "r.html")
    )
    assert done.returncode == 1 and "damaged" in done.stderr and "Traceback" not in done.stderr


def test_a_name_that_looks_like_a_formula_reaches_the_csv_as_text(tmp_path: Path) -> None:
    """Trainee names are typed by anyone: a spreadsheet must show them, not run them."""
    results = tmp_path / "results.sqlite3"
    hostile = '=HYPERLINK("http://example.invalid","click")'
    done = simulator(
        "run",
        str(TOUR),
        "--choices",
        "2",
        "--seed",
        "1",
        "--trainee",
        hostile,
        "--results",
        str(results),
    )
    assert done.returncode == 0, done.stderr
    table = tmp_path / "decisions.csv"
    page = tmp_path / "report.html"
    done = simulator(
        "report", "--all-plays", "--results", str(results), "-o", str(page), "--csv", str(table)
    )
    assert done.returncode == 0, done.stderr
    (row,) = list(csv.DictReader(table.open(encoding="utf-8")))
    assert row["trainee"] == "'" + hostile
    assert not any(str(cell).startswith(("=", "+", "@")) for cell in row.values())


def test_a_currency_that_looks_like_mathtext_is_drawn_as_text(tmp_path: Path) -> None:
    scenario = tmp_path / "dollars.yaml"
    scenario.write_text(
        MINIMAL.replace(
            "start: a\n", "start: a\nmeters:\n  cost: {unit: money, currency: '$\\foo$'}\n"
        ),
        encoding="utf-8",
    )
    store = tmp_path / "results.sqlite3"
    assert simulator("run", str(scenario), "--results", str(store)).returncode == 0
    page = tmp_path / "report.html"
    done = simulator("report", "--all-plays", "--results", str(store), "-o", str(page))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert page.read_text(encoding="utf-8").count("<svg") == 2


def test_a_read_only_store_is_reported_and_never_changed(results: Path) -> None:
    """As on a read-only share: neither the file nor its folder may be written."""
    shared = Path(tempfile.mkdtemp(prefix="read-only-store-"))  # reachable by another user
    out = Path(tempfile.mkdtemp(prefix="report-"))
    try:
        store = shared / "results.sqlite3"
        shutil.copyfile(results, store)
        before = store.read_bytes()
        store.chmod(0o444)
        shared.chmod(0o555)
        out.chmod(0o777)
        command = [sys.executable, "-m", "simulator", "report", "--all-plays"]
        command += ["--results", str(store), "-o", str(out / "report.html")]
        if os.geteuid() == 0:  # root may write anything: report as a user who may not
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                pytest.skip("needs setpriv (util-linux) to run as an unprivileged user")
            command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "(4 plays)" in done.stdout
        assert store.read_bytes() == before
        assert [path.name for path in shared.iterdir()] == ["results.sqlite3"]
    finally:
        shared.chmod(0o755)
        shutil.rmtree(shared)
        shutil.rmtree(out)


def test_answers_taken_back_in_practice_are_counted_per_trainee(tmp_path: Path) -> None:
    """A trainer sees who rehearsed by taking answers back: the count per trainee and
    scenario in the page, per play in the CSV. Only the kept answers are decisions."""
    from simulator.engine.rewind import Rewinds
    from simulator.engine.session import Session
    from simulator.records.recorder import Recorder
    from simulator.records.store import ResultsStore
    from simulator.scenario.loader import load_scenario

    path = tmp_path / "results.sqlite3"
    scenario = load_scenario(TOUR).scenario
    assert scenario is not None
    session = Session.start(scenario, seed=1)
    rewinds = Rewinds()
    rewinds.note(session)
    recorder = Recorder(ResultsStore.open(str(path)), "Dóra", "player")
    for _ in range(2):  # tries the voucher twice, then owns it
        session.choose("voucher-now")
        rewinds.note(session)
        assert recorder.sync(session)
        session = rewinds.take_back(session)
        assert recorder.take_back(session)
    session.choose("own-it")
    assert recorder.sync(session)

    page, table = tmp_path / "report.html", tmp_path / "decisions.csv"
    done = simulator("report", "--results", str(path), "-o", str(page), "--csv", str(table))
    assert done.returncode == 0, done.stderr
    (row,) = list(csv.DictReader(table.open(encoding="utf-8")))
    assert (row["choice"], row["answers_taken_back"]) == ("own-it", "2")
    html = page.read_text(encoding="utf-8")
    assert "Answers taken back" in html
    assert '<td class="number">2</td>' in html


def test_the_page_must_be_named_as_a_page(results: Path, tmp_path: Path) -> None:
    """`-o decisions.csv` meant --csv: writing the HTML page into it would hand a
    spreadsheet a web page. Nothing is written, and the message says which option."""
    wrong = tmp_path / "decisions.csv"
    done = simulator("report", "--results", str(results), "-o", str(wrong))
    assert done.returncode == 2 and not wrong.exists()
    assert "--csv FILE" in done.stderr


def test_a_page_that_cannot_be_written_names_where(results: Path, tmp_path: Path) -> None:
    page = tmp_path / "no-such-folder" / "report.html"
    done = simulator("report", "--results", str(results), "-o", str(page))
    assert done.returncode == 1
    assert f"cannot write the report to {page}" in done.stderr
