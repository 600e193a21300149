"""What a file says reaches the terminal as text: one line per diagnostic, and no control
character that could start a fake line or drive the terminal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.file_checks import load_any
from simulator.scenario.diagnostics import Diagnostic, printable
from tests.conftest import MINIMAL
from tests.scenario.test_hostile_files import validate_cli


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("\x1b[2J\x1b]0;owned\x07", "\\x1b[2J\\x1b]0;owned\\x07"),
        ("tab\there", "tab\\there"),
        ("nul\x00 del\x7f csi\x9b", "nul\\x00 del\\x7f csi\\x9b"),
        ("\u202eevil\u2066", "\\u202eevil\\u2066"),
        ("line\u2028sep", "line\\u2028sep"),
        ("Kovács Ödön ✓ 日本", "Kovács Ödön ✓ 日本"),  # text as such is left alone
    ],
)
def test_control_characters_are_shown_escaped(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    line = Diagnostic("E201", f"no node is called '{raw}'", f"dir/{raw}.yaml", 3, 4).format()
    assert line == f"dir/{shown}.yaml:3:4: error E201: no node is called '{shown}'"
    assert "\n" not in line and "\x1b" not in line


def test_a_newline_in_an_id_stays_on_one_line(write_file: Callable[..., Path]) -> None:
    path = write_file(MINIMAL.replace("start: a", 'start: "a\\nerror E000: forged"'))
    (diagnostic,) = load_any(path).diagnostics
    assert diagnostic.code == "E106"
    assert "\n" in diagnostic.message  # the message says what the file says ...
    assert "'a\\nerror E000: forged'" in diagnostic.format()  # ... shown on one line


def test_validate_prints_one_line_per_diagnostic(tmp_path: Path) -> None:
    # The file name carries an escape sequence and a newline; the id and key newlines.
    path = tmp_path / "evil\x1b[31m\nname.yaml"
    path.write_text(
        MINIMAL.replace("start: a", 'start: "a\\nb"').replace("id: tiny", "id: tiny\n'k\\n': 1"),
        encoding="utf-8",
    )
    returncode, out = validate_cli(path, cwd=tmp_path)
    assert returncode == 1
    assert "\x1b" not in out
    lines = out.splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{tmp_path}/evil\\x1b[31m\\nname.yaml:") for line in lines)
    assert "unknown key 'k\\n'" in lines[0] and "'a\\nb' is not a valid id" in lines[1]


def test_an_escape_sequence_in_a_translation_key_is_refused_in_place(
    write_file: Callable[..., Path],
) -> None:
    # Written as an escape (the raw character is E004 already): refused where it is.
    write_file(MINIMAL, "s.yaml")
    path = write_file(
        "format: 1\nkind: translation\ntranslates: s.yaml\nlanguage: hu\nstrings:\n  title: T\n"
        '  "x\\e]0;owned\\a": y\n',
        "s.hu.yaml",
    )
    (diagnostic,) = load_any(path).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("E004", 7, 3)
    assert "U+001B" in diagnostic.message
