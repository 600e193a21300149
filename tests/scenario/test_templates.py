"""Templates: values written into text, as a trainee reads them and never a failure; and
the scenario template `new` writes, with the names and languages it takes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.cli import main
from simulator.exit_codes import EXIT_OK, EXIT_USAGE
from simulator.scaffold import NAME, name_problems
from simulator.scenario.templates import fill, names_in
from simulator.scenario.translations import load_translated

VALUES = {"time": 19 * 60 + 5, "day": 3, "cost": 7.5, "waited": 45, "calm": True}
DAYS = ("Monday", "Tuesday", "Wednesday")


def test_the_clock_reads_as_a_clock_and_the_day_by_its_name() -> None:
    assert fill("{day}, {time}", VALUES, DAYS) == "Wednesday, 19:05"


def test_numbers_follow_the_languages_decimal_point() -> None:
    assert fill("{cost} hours", VALUES, decimal_point=",") == "7,5 hours"
    assert fill("{waited} minutes", VALUES, decimal_point=",") == "45 minutes"


def test_double_braces_write_a_brace_and_unknown_names_stay_as_written() -> None:
    assert fill("{{waited}} {nobody}", VALUES) == "{waited} {nobody}"


def test_names_in_finds_each_name_and_where_it_starts() -> None:
    assert list(names_in("kept {waited} min at {time}, {{not}}")) == [("waited", 5), ("time", 21)]


@given(st.text(max_size=200))
def test_filling_never_fails(text: str) -> None:
    assert isinstance(fill(text, VALUES, DAYS, ","), str)


# ------------------------------------------------------------------ `new`: the scenario template


def new(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    """`simulator new ...` as typed: its exit code, what it printed and what it said wrong."""
    code = main(["new", *arguments])
    printed = capsys.readouterr()
    return code, printed.out, printed.err


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("x", "it is too short (1 character)"),
        ("a" * 62, "it is too long (62 characters)"),
        ("Late_Client", "it contains 'C', 'L', '_'"),
        ("-late", "it starts with '-'"),
    ],
)
def test_a_name_new_refuses_is_told_why(
    name: str, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = new(capsys, "--folder", str(tmp_path), "--", name)
    assert code == EXIT_USAGE and out == ""
    assert f"'{name}' cannot be the scenario's id: {reason};" in err
    assert "2 to 61 characters" in err  # the whole rule, not only what this name broke
    assert list(tmp_path.iterdir()) == []


def test_the_longest_and_shortest_names_are_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("ab", "a" * 61, "2nd-try-"):
        code, _, err = new(capsys, "--folder", str(tmp_path), name)
        assert code == EXIT_OK, err


@given(st.text(alphabet="ab-_Z9\n", max_size=64))
def test_a_name_has_problems_exactly_when_new_refuses_it(name: str) -> None:
    assert (name_problems(name) == []) == (NAME.fullmatch(name) is not None)


def test_new_writes_a_scenario_and_its_tests_and_no_translation_unless_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = new(capsys, "refund-rush", "--folder", str(tmp_path))
    assert code == EXIT_OK, err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "refund-rush.test.yaml",
        "refund-rush.yaml",
    ]
    assert f"simulator translate {tmp_path / 'refund-rush.yaml'} --lang CODE" in out
    assert main(["validate", str(tmp_path)]) == EXIT_OK
    assert main(["test", str(tmp_path)]) == EXIT_OK
    assert "3 passed, 0 failed" in capsys.readouterr().out


@pytest.mark.parametrize("language", ["et", "pt-BR"])
def test_translation_writes_a_stub_with_every_text_in_that_language(
    language: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = new(
        capsys, "refund-rush", "--folder", str(tmp_path), "--translation", language
    )
    assert code == EXIT_OK, err
    stub = tmp_path / f"refund-rush.{language}.yaml"
    assert f"then translate each text in {stub}" in out
    loaded = load_translated(tmp_path / "refund-rush.yaml", language)
    assert loaded.scenario is not None, [d.format() for d in loaded.diagnostics]
    assert not [d for d in loaded.diagnostics if d.is_error]
    assert f"language: {language}\n" in stub.read_text(encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == EXIT_OK


@pytest.mark.parametrize("code", ["HU", "hungarian", "h", "hu-"])
def test_translation_takes_only_a_language_code(
    code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code, _, err = new(capsys, "refund-rush", "--folder", str(tmp_path), "--translation", code)
    assert exit_code == EXIT_USAGE
    assert f"--translation takes a language code such as hu or pt-BR, not '{code}'" in err
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []


def test_new_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stub = tmp_path / "refund-rush.hu.yaml"
    stub.write_text("mine", encoding="utf-8")
    code, _, err = new(capsys, "refund-rush", "--folder", str(tmp_path), "--translation", "hu")
    assert code == EXIT_USAGE and f"will not overwrite {stub}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refund-rush.hu.yaml"]
    code, _, err = new(capsys, "refund-rush", "--folder", str(tmp_path))  # no stub: no clash
    assert code == EXIT_OK, err
    assert stub.read_text(encoding="utf-8") == "mine"
