"""Every file in tests/broken/ must produce the code and position its header names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.file_checks import load_any
from simulator.scenario.diagnostics import CATALOGUE

BROKEN = Path(__file__).resolve().parent.parent / "broken"
FILES = sorted(BROKEN.glob("*.yaml"))
HEADER = re.compile(r"^# expect: (?P<code>[EW]\d{3}) (?P<line>\d+):(?P<column>\d+)$")


def expectation(path: Path) -> tuple[str, int, int]:
    match = HEADER.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name} needs a '# expect: CODE LINE:COL' first line"
    return match["code"], int(match["line"]), int(match["column"])


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_broken_file_reports_its_code_at_its_position(path: Path) -> None:
    code, line, column = expectation(path)
    diagnostics = load_any(path).diagnostics
    found = [(d.code, d.line, d.column) for d in diagnostics]
    assert (code, line, column) in found, [d.format() for d in diagnostics]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_broken_file_name_matches_its_header(path: Path) -> None:
    assert path.name.startswith(expectation(path)[0])


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_errors_block_play_but_warnings_do_not(path: Path) -> None:
    code = expectation(path)[0]
    result = load_any(path)
    assert result.ok == (code.startswith("W"))


def test_every_diagnostic_has_a_real_position() -> None:
    for path in FILES:
        for diagnostic in load_any(path).diagnostics:
            assert diagnostic.file == str(path)
            assert diagnostic.line >= 1 and diagnostic.column >= 1


def test_every_code_is_documented() -> None:
    docs = (BROKEN.parent.parent / "docs" / "error-codes.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### ([AEWT]\d{3}) ", docs, re.M))
    assert documented == set(CATALOGUE)


def test_documented_titles_match_the_catalogue() -> None:
    docs = (BROKEN.parent.parent / "docs" / "error-codes.md").read_text(encoding="utf-8")
    for code, info in CATALOGUE.items():
        assert f"### {code} {info.title}\n" in docs
