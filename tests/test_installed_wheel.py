"""The simulator as a new user installs it: the wheel, in a fresh environment, used from
an empty folder. An editable checkout hides missing package data (fonts, the bundled
scenarios, translations and playlists); this does not.

Building a fresh environment takes a minute, so it runs in CI (CI=true) and when asked
for (CS_SIMULATOR_TEST_WHEEL=1), and says so when skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

WANTED = os.environ.get("CI") == "true" or os.environ.get("CS_SIMULATOR_TEST_WHEEL") == "1"
# A whole week of late-client by choice ids (stable, unlike numbers), to its ending.
WEEK = (
    "wait-visibly,kadri-go,wed-same-time,text-half-seven,fri-whenever,kadri-home-fri,book-next-year"
)

pytestmark = pytest.mark.skipif(
    not WANTED, reason="builds a fresh environment (a minute): set CS_SIMULATOR_TEST_WHEEL=1"
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the built wheel installed; its bin folder."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("cs_simulator-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    done = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr
    return bin_dir


def use(bin_dir: Path, folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The installed command, run from ``folder`` with nothing of the checkout in reach."""
    folder.mkdir(parents=True, exist_ok=True)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV", "CS_SIMULATOR_RESULTS")
    }
    environment |= {
        "CS_SIMULATOR_HOME": str(folder / "home"),
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    return subprocess.run(
        [str(bin_dir / "cs-simulator"), *arguments],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_installed_package_is_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(installed / "python"), "-c", "import simulator; print(simulator.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert str(REPO) not in done.stdout and "site-packages" in done.stdout


def test_lists_the_bundled_scenarios_and_says_its_version(installed: Path, tmp_path: Path) -> None:
    assert use(installed, tmp_path, "--version").stdout.startswith("simulator ")
    listed = use(installed, tmp_path, "list")
    assert listed.returncode == 0, listed.stderr
    for scenario in ("late-client", "endless-revisions", "misread-remark"):
        assert scenario in listed.stdout


def test_plays_a_bundled_scenario_to_its_ending_in_both_languages(
    installed: Path, tmp_path: Path
) -> None:
    for language, ending in (("en", "ENDING: A loyal client"), ("hu", "BEFEJEZÉS:")):
        done = use(
            installed,
            tmp_path,
            "run",
            "late-client",
            "--choices",
            WEEK,
            "--seed",
            "0",
            "--lang",
            language,
        )
        assert done.returncode == 0, done.stderr
        assert ending in done.stdout


def test_plays_a_demo_with_screenshots_and_reports_it(installed: Path, tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    done = use(
        installed,
        tmp_path,
        "play",
        "late-client",
        "--autoplay",
        WEEK,
        "--seed",
        "0",
        "--screenshots",
        str(shots),
    )
    assert done.returncode == 0, done.stderr
    assert len(list(shots.glob("*.png"))) >= 10
    report = use(installed, tmp_path, "report", "-o", "report.html", "--csv", "decisions.csv")
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "report.html").stat().st_size > 1000


def test_validates_the_bundled_onboarding_playlists(installed: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "from simulator.library import bundled_scenarios_dir; "
            "print(bundled_scenarios_dir() / 'sessions' / 'first-morning.yaml')",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    playlist = done.stdout.strip()
    assert "site-packages" in playlist
    checked = use(installed, tmp_path, "validate", playlist)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_analyses_and_keeps_the_analysis_where_it_is_installed(
    installed: Path, tmp_path: Path
) -> None:
    """The kept analysis is fingerprinted by the installed code (its own modules, not the
    checkout's): the second `analyze` reads it and says the same, and so does a
    `graph --best` drawn from it."""
    first = use(installed, tmp_path, "analyze", "surprise-fee", "--json")
    assert first.returncode == 0, first.stderr
    kept = list((tmp_path / "home" / "analyses").glob("*.json"))
    assert len(kept) == 1
    again = use(installed, tmp_path, "analyze", "surprise-fee", "--json")
    assert again.stdout == first.stdout
    assert list((tmp_path / "home" / "analyses").glob("*.json")) == kept
    drawn = use(installed, tmp_path, "graph", "surprise-fee", "--best", "-o", "map.dot")
    assert drawn.returncode == 0, drawn.stderr
    assert "penwidth" in (tmp_path / "map.dot").read_text(encoding="utf-8")
