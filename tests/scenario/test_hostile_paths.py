"""Paths in untrusted files: what is not a regular file is refused before it is opened
(a named pipe would block for ever), and a path that cannot be resolved (a symlink loop)
is a coded diagnostic, never a traceback."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.file_checks import load_any
from simulator.library import scenario_entries_for, translated_heading
from simulator.scenario.loader import load_scenario
from tests.conftest import MINIMAL
from tests.scenario.test_hostile_files import validate_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="named pipes and symlinks")

TRANSLATION = "format: 1\nkind: translation\ntranslates: {}\nlanguage: hu\nstrings: {{}}\n"
PLAYLIST = "format: 1\nkind: playlist\nid: p\ntitle: P\nscenarios: [{{scenario: {}}}]\n"


def codes(path: Path) -> list[str]:
    return [d.code for d in load_any(path).diagnostics]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A named pipe nobody writes to: opening it to read waits for ever."""
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every path os.open is called with while the test runs."""
    seen: list[str] = []
    real_open = os.open

    def spy(path: object, *arguments: object, **keywords: object) -> int:
        seen.append(str(path))
        return real_open(path, *arguments, **keywords)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    yield seen


def test_a_named_pipe_is_refused_without_opening_it(fifo: Path, opened: list[str]) -> None:
    (diagnostic,) = load_any(fifo).diagnostics
    assert diagnostic.code == "E001"
    assert "named pipe" in diagnostic.message
    assert str(fifo) not in opened


def test_a_named_pipe_in_includes_is_refused(fifo: Path, opened: list[str]) -> None:
    scenario = fifo.parent / "s.yaml"
    scenario.write_text(MINIMAL + f"includes: [{fifo.name}]\n")
    assert sorted(codes(scenario)) == ["E001", "E212"]
    assert str(fifo) not in opened


def test_a_named_pipe_as_translated_scenario_is_refused(fifo: Path, opened: list[str]) -> None:
    translation = fifo.parent / "s.hu.yaml"
    translation.write_text(TRANSLATION.format(fifo.name))
    (diagnostic,) = load_any(translation).diagnostics
    assert (diagnostic.code, diagnostic.line) == ("E401", 3)
    assert str(fifo) not in opened


def test_a_named_pipe_as_translation_is_refused(tmp_path: Path, opened: list[str]) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(MINIMAL)
    os.mkfifo(tmp_path / "s.hu.yaml")
    from simulator.scenario.translations import load_translated

    assert [d.code for d in load_translated(scenario, "hu").diagnostics] == ["E001"]
    assert translated_heading(scenario, "hu") == (None, None)  # the menu card
    assert not [path for path in opened if path.endswith("s.hu.yaml")]


def test_a_named_pipe_in_a_playlist_is_refused(fifo: Path, opened: list[str]) -> None:
    playlist = fifo.parent / "p.yaml"
    playlist.write_text(PLAYLIST.format(fifo.name))
    assert codes(playlist) == ["E217"]
    assert str(fifo) not in opened


def test_the_menu_skips_a_named_pipe(fifo: Path) -> None:
    assert scenario_entries_for([fifo]) == []


def test_a_folder_and_a_socket_and_a_device_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    sock = tmp_path / "socket.yaml"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(sock))
        for path, why in ((folder, "folder"), (sock, "socket"), (Path(os.devnull), "device")):
            (diagnostic,) = load_any(path).diagnostics
            assert diagnostic.code == "E001" and why in diagnostic.message
        scenario = tmp_path / "s.yaml"
        scenario.write_text(MINIMAL + "includes: [folder.yaml, socket.yaml]\n")
        assert sorted(codes(scenario)) == ["E001", "E001", "E212", "E212"]
    finally:
        server.close()


def test_validate_on_a_named_pipe_ends_with_a_code(fifo: Path) -> None:
    scenario = fifo.parent / "s.yaml"
    scenario.write_text(MINIMAL + f"includes: [{fifo.name}]\n")
    # Before, this waited for ever (the subprocess's timeout ends the test if it does).
    returncode, out = validate_cli(fifo, scenario, cwd=fifo.parent)
    assert returncode == 1
    assert f"{fifo}:1:1: error E001: " in out
    assert f"{scenario}:9:12: error E212: " in out


# ---------------------------------------------------------------- symlink loops


@pytest.fixture
def loop(tmp_path: Path) -> Path:
    """loop-a.yaml -> loop-b.yaml -> loop-a.yaml: resolving either never ends."""
    (tmp_path / "loop-a.yaml").symlink_to("loop-b.yaml")
    (tmp_path / "loop-b.yaml").symlink_to("loop-a.yaml")
    return tmp_path / "loop-a.yaml"


def test_a_symlink_loop_in_includes_is_reported(loop: Path) -> None:
    scenario = loop.parent / "s.yaml"
    scenario.write_text(MINIMAL + f"includes: [{loop.name}]\n")
    (diagnostic,) = load_scenario(scenario).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("E212", 9, 12)
    assert "cannot be followed" in diagnostic.message


def test_a_symlink_loop_as_translated_scenario_is_reported(loop: Path) -> None:
    translation = loop.parent / "s.hu.yaml"
    translation.write_text(TRANSLATION.format(loop.name))
    assert codes(translation) == ["E401"]


def test_a_symlink_loop_in_a_playlist_is_reported(loop: Path) -> None:
    playlist = loop.parent / "p.yaml"
    playlist.write_text(PLAYLIST.format(loop.name))
    assert codes(playlist) == ["E217"]


def test_a_symlink_loop_given_to_validate_is_a_usage_error(loop: Path) -> None:
    scenario = loop.parent / "s.yaml"
    scenario.write_text(MINIMAL + f"includes: [{loop.name}]\n")
    assert validate_cli(scenario, cwd=loop.parent) == (
        1,
        f"{scenario}:9:12: error E212: '{loop.name}' cannot be followed: Symlink loop from "
        f"'{loop}'\n",
    )
    assert validate_cli(loop, cwd=loop.parent)[0] == 2  # "no such file": it never resolves


def test_a_symlink_loop_in_playthrough_tests_is_reported(loop: Path) -> None:
    tests = loop.parent / "s.test.yaml"
    tests.write_text(
        f"format: 1\nkind: tests\nscenario: {loop.name}\n"
        "tests: [{name: a, choices: [1], expect: {}}]\n"
    )
    assert codes(tests) == ["E218"]
