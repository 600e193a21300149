"""Untrusted files fail fast, with a coded message and bounded memory, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from simulator.file_checks import load_any
from simulator.scenario.loader import load_scenario
from tests.conftest import MINIMAL


def codes(path: Path) -> list[str]:
    return [d.code for d in load_any(path).diagnostics]


def test_missing_file_is_reported(tmp_path: Path) -> None:
    assert codes(tmp_path / "nowhere.yaml") == ["E001"]


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w") as handle:
        handle.write("title: x\n" + "# padding\n" * 1_800_000)
    result = load_scenario(path, max_bytes=16 * 1024 * 1024)
    assert [d.code for d in result.diagnostics] == ["E002"]


def test_invalid_utf8_points_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"format: 1\ntitle: K\xf6vacs\n")
    (diagnostic,) = load_any(path).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("E003", 2, 9)


def test_binary_junk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.yaml"
    path.write_bytes(bytes(range(256)) * 40)
    assert codes(path) in (["E003"], ["E004"])


def test_control_character_is_located(write_file: Callable[..., Path]) -> None:
    path = write_file("format: 1\ntitle: a\x07b\n")
    (diagnostic,) = load_any(path).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("E004", 2, 9)


def test_alias_bomb_is_stopped(write_file: Callable[..., Path]) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    (diagnostic,) = load_any(write_file("\n".join(lines) + "\n")).diagnostics
    assert diagnostic.code == "E007"
    assert diagnostic.line == 2  # the first alias


def test_deep_block_nesting_is_refused(write_file: Callable[..., Path]) -> None:
    text = "".join(" " * depth + "a:\n" for depth in range(2000))
    assert codes(write_file(text)) == ["E008"]


def test_deep_flow_nesting_is_refused(write_file: Callable[..., Path]) -> None:
    text = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    assert codes(write_file(text)) in (["E005"], ["E008"])


def test_python_object_tag_is_refused(write_file: Callable[..., Path]) -> None:
    path = write_file("format: 1\ntitle: !!python/object/apply:os.system [ls]\n")
    (diagnostic,) = load_any(path).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("E009", 2, 8)


def test_custom_tag_is_refused(write_file: Callable[..., Path]) -> None:
    assert codes(write_file("format: 1\ntitle: !secret x\n")) == ["E009"]


def test_exclamation_mark_in_text_is_not_a_tag(playable: Callable[[str], object]) -> None:
    playable(MINIMAL.replace("title: Tiny", "title: Wait! Not yet !"))


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_scenario(path).ok


def test_empty_file_is_explained(write_file: Callable[..., Path]) -> None:
    assert codes(write_file("")) == ["E103"]


def test_top_level_list_is_explained(write_file: Callable[..., Path]) -> None:
    assert codes(write_file("- a\n- b\n")) == ["E103"]


def test_yaml_12_keeps_no_and_times_as_text(playable: Callable[[str], object]) -> None:
    scenario = playable(MINIMAL.replace("title: Tiny", "title: no") + 'clock: {time: "17:30"}\n')
    assert scenario.model.title == "no"  # YAML 1.1 would have read False
    assert scenario.model.clock.time == "17:30"  # and 1050 (base 60)


def test_include_symlink_out_of_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("format: 1\nkind: characters\ncharacters: {x: {name: X}}\n")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "link.yaml").symlink_to(outside)
    scenario = folder / "s.yaml"
    scenario.write_text(MINIMAL + "includes: [link.yaml]\n")
    assert [d.code for d in load_scenario(scenario).diagnostics] == ["E212"]
