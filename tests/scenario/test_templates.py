"""Values written into text: as a trainee reads them, and never a failure."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.scenario.templates import fill, names_in

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
