"""The onboarding programme covers every lesson, and says so truthfully."""

from __future__ import annotations

import re

from simulator.library import resolve_scenario
from simulator.scenario.playlist import load_playlist
from tests.conftest import REPO

SESSIONS = REPO / "scenarios" / "sessions"
LESSONS = set(range(1, 7))


def lessons_named_in_header(scenario_id: str) -> set[int]:
    """The lesson numbers a scenario's opening comment says it makes playable."""
    path = resolve_scenario(scenario_id)
    assert path is not None, scenario_id
    header = "".join(
        line
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True)[:30]
        if line.startswith("#")
    )
    return {int(number) for number in re.findall(r"lesson (\d)", header)}


def test_the_mornings_together_cover_every_lesson() -> None:
    covered: set[int] = set()
    mornings = sorted(SESSIONS.glob("*-morning.yaml"))
    assert len(mornings) >= 4
    for path in mornings:
        playlist, problems = load_playlist(path)
        assert playlist is not None, [p.format() for p in problems]
        assert all(item.pass_mark == 70 for item in playlist.items)
        for item in playlist.items:
            named = lessons_named_in_header(item.scenario_id)
            assert named, f"{item.scenario_id} names no lesson in its header"
            covered |= named
    assert covered == LESSONS


def test_the_programme_page_matches_the_playlists() -> None:
    """Each row of docs/onboarding.md's table lists a morning's scenarios and lessons as
    its playlist and the scenarios' headers have them."""
    page = (REPO / "docs" / "onboarding.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| \[\w+\]\(\.\./scenarios/sessions/([\w-]+\.yaml)\)[^|]*\| ([^|]+) \| ([^|]+) \|$",
        page,
        re.MULTILINE,
    )
    assert len(rows) == len(list(SESSIONS.glob("*-morning.yaml")))
    for file_name, scenarios, lessons in rows:
        playlist, _ = load_playlist(SESSIONS / file_name)
        assert playlist is not None
        listed = [name.strip() for name in scenarios.split(",")]
        assert listed == [item.scenario_id for item in playlist.items], file_name
        named = set().union(*(lessons_named_in_header(name) for name in listed))
        assert {int(n) for n in lessons.split(",")} == named, file_name
        assert ("(assessed)" in page.split(file_name)[1].split("\n")[0]) == (
            playlist.playlist.assessed
        ), file_name
