"""`import` end to end: it writes, validates, reports, and ends with the right code.

The command is registered in simulator/cli.py by the lead, so these tests build a small
parser with add_import_command, as cli.py does, and call its handler.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.exit_codes import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from simulator.import_command import add_import_command
from simulator.scenario.diagnostics import CATALOGUE, Severity
from simulator.scenario.loader import load_scenario
from simulator.twine.convert import NoPassages, convert
from simulator.twine.story import NOTE_CODES
from simulator.twine.twee import read_twee

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "twine" / "leaking-blender.twee"
FIXTURE = Path(__file__).parent / "fixtures" / "published.html"


def run(*words: str) -> int:
    parser = argparse.ArgumentParser(prog="simulator")
    add_import_command(parser.add_subparsers(dest="command"))
    arguments = parser.parse_args(["import", *words])
    return arguments.handler(arguments)


def test_the_worked_example_imports_and_validates_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "leaking-blender.yaml"
    assert run(str(EXAMPLE), "-o", str(output)) == EXIT_OK
    out, err = capsys.readouterr()
    # The one note the docs promise: the shop bell is a sound, which scenarios have not.
    assert out.splitlines() == [
        f"{EXAMPLE}:passage Counter: warning T801: the <<audio>> macro is not carried "
        "over: '<<audio \"shop-bell\" play>>'"
    ]
    assert "wrote" in err and "0 errors, 0 warnings" in err
    loaded = load_scenario(output)
    assert loaded.scenario is not None and loaded.diagnostics == []
    assert loaded.scenario.id == "leaking-blender"
    # docs/twine-import.md shows this file as what the import writes.
    shown = EXAMPLE.with_suffix(".yaml").read_text(encoding="utf-8")
    assert output.read_text(encoding="utf-8") == shown, "import the example again (--force)"


def test_published_html_imports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "boots.yaml"
    assert run(str(FIXTURE), "-o", str(output), "--id", "wrong-size") == EXIT_OK
    out = capsys.readouterr().out
    assert "passage Stock: warning T801: HTML markup removed" in out
    assert "passage Notes: warning T805" in out
    assert load_scenario(output).scenario.id == "wrong-size"  # type: ignore[union-attr]
    assert "(Harlowe)" in output.read_text(encoding="utf-8").splitlines()[0]


def test_a_scenario_with_errors_is_written_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = tmp_path / "loop.twee"
    story.write_text(":: Start\n[[Again->Start]]\n", encoding="utf-8")
    output = tmp_path / "loop.yaml"
    assert run(str(story), "-o", str(output)) == EXIT_INVALID
    assert output.exists()
    assert "error E2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("make", "extra", "says"),
    [
        ("missing", [], "no such file"),
        ("notes", [], "not a Twine story"),
        ("exists", [], "--force"),
        ("story", ["--id", "no spaces"], "--id"),
        ("special", [], "without a passage"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: str, extra: list[str], says: str
) -> None:
    source = tmp_path / "story.twee"
    output = tmp_path / "out.yaml"
    if make == "notes":
        source.write_text("just notes\n", encoding="utf-8")
    elif make == "special":
        source.write_text(":: StoryInit\n<<set $x to 1>>\n", encoding="utf-8")
    elif make != "missing":
        source.write_text(":: Start\nHi.\n", encoding="utf-8")
    if make == "exists":
        output.write_text("mine\n", encoding="utf-8")
    assert run(str(source), "-o", str(output), *extra) == EXIT_USAGE
    assert says in capsys.readouterr().err
    assert not output.exists() or output.read_text(encoding="utf-8") == "mine\n"


def test_force_overwrites(tmp_path: Path) -> None:
    output = tmp_path / "out.yaml"
    output.write_text("mine\n", encoding="utf-8")
    assert run(str(EXAMPLE), "-o", str(output), "--force") == EXIT_OK
    assert output.read_text(encoding="utf-8").startswith("# Imported from the Twine story")


def test_note_codes_agree_with_the_catalogue() -> None:
    """The importer's codes are a block of their own; where diagnostics.CATALOGUE lists
    them, it gives the same titles, as warnings (the scenario is written all the same)."""
    assert NOTE_CODES and all(code.startswith("T8") for code in NOTE_CODES)
    for code, title in NOTE_CODES.items():
        if code in CATALOGUE:
            assert (CATALOGUE[code].title, CATALOGUE[code].severity) == (title, Severity.WARNING)


# ---------------------------------------------------------------- untrusted input

PIECES = st.sampled_from(
    [
        ":: A\n", ":: B [ending]\n", ":: StoryInit\n", ":: C [lost ending lesson:x]\n",
        ':: StoryData\n{"start": "B"}\n', ":: Cast [characters]\nMaret (customer): x\n",
        "[[A]]", "[[go->B]]", "[[B<-back]]", "[[x|C][$n += 1]]", "[[", "]]", "<<set $n to 2>>",
        "<<set $satisfaction += 5>>", '<<set $s to "calm">>', "<<if $n gt 1>>", "<<else>>",
        "<</if>>", "<<elseif $s is 'calm'>>", "(set: $n to it + 1)", "(if: $b)[", "]",
        "(else:)[", "(put: true into $b)", "Maret: hi", "{", "}", "$n", "_t", "<b>", "\n\n",
        "\x00", "\u202e", "<<link 'x' 'A'>><<set $n to 1>><</link>>", "<<goto 'B'>>",
        "(link-goto: 'y', 'C')", "text ", "$cost", "<<print $n>>", "\\::", "(",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=40))
def test_any_story_converts_without_a_traceback_and_loads(pieces: list[str]) -> None:
    """Whatever the passages hold, the import gives a document the loader reads, with
    only catalogued diagnostics, or says there is nothing to import."""
    story = read_twee(":: A\n" + "".join(pieces))
    try:
        conversion = convert(story, "fuzz")
    except NoPassages:
        return
    assert all(note.code in NOTE_CODES for note in conversion.notes)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "fuzz.yaml"
        from simulator.twine.writer import scenario_yaml

        output.write_text(
            scenario_yaml(conversion.document, "s.twee", "fuzz.yaml", conversion.defaults),
            encoding="utf-8",
        )
        loaded = load_scenario(output)
    assert all(d.code in CATALOGUE for d in loaded.diagnostics)
    # The importer's own work never breaks the file's shape or expressions.
    assert not [d for d in loaded.diagnostics if d.code[:2] in ("E0", "E1", "E3")], [
        d.format() for d in loaded.diagnostics
    ]


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_are_imported_or_refused_in_words(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "story.html"
        source.write_bytes(b"<tw-storydata name='s'>" + data)
        code = run(str(source), "-o", str(Path(folder) / "out.yaml"))
    assert code in (EXIT_OK, EXIT_INVALID, EXIT_USAGE)
