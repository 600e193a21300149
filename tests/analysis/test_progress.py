"""What `analyze` (and `run`, reviewing a play) shows while it works: a status line on a
terminal, nothing in a pipe.

The command runs as a trainer runs it, in a fresh process, with its standard error
on a real pseudo-terminal (so ``isatty`` is true, as in a terminal window) and its
standard output in a pipe, as when the report is saved to a file.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import pty
import signal
import subprocess
import sys

from simulator.analysis.batch import SharedCount
from simulator.analysis.progress import STATES_PER_REPORT, TerminalProgress
from tests.conftest import REPO, run_cli


def _analyze_on_a_terminal(*arguments: str) -> tuple[str, str, int]:
    # searched, not read from analyses kept by other tests
    return _on_a_terminal("analyze", "--no-cache", *arguments)


def _on_a_terminal(*arguments: str) -> tuple[str, str, int]:
    """(standard output, what the terminal was sent on standard error, exit code)."""
    main, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", *arguments],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=terminal,
        text=True,
    )
    os.close(terminal)  # the child holds its own; reading ends when it exits
    shown = _read_to_the_end(main)
    output = process.stdout.read() if process.stdout else ""
    code = process.wait(timeout=120)
    os.close(main)
    return output, shown.decode(), code


def _read_to_the_end(main: int) -> bytes:
    """All the terminal is sent until the child, the last holder of its end, exits."""
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child has gone and the terminal is closed
            return shown
        if not chunk:
            return shown
        shown += chunk


def _screen(sent: str) -> str:
    """What the terminal's last line shows once every carriage return has redrawn it."""
    line: list[str] = []
    column = 0
    for character in sent.replace("\r\n", "\n").split("\n")[-1]:
        if character == "\r":
            column = 0
            continue
        if column < len(line):
            line[column] = character
        else:
            line.append(character)
        column += 1
    return "".join(line)


def test_a_search_counts_its_states_on_a_terminal_and_leaves_the_line_clean() -> None:
    """surprise-fee has about 17,000 states: the count is shown once it passes the first
    report, and wiped before the command ends, so the prompt comes back on a clean line.
    The report itself is what it is without a terminal."""
    output, shown, code = _analyze_on_a_terminal("scenarios/surprise-fee.yaml")
    assert code == 0
    assert f"searching: {STATES_PER_REPORT:,} states" in shown
    assert _screen(shown).strip() == ""
    assert output == run_cli("analyze", "scenarios/surprise-fee.yaml").stdout


def test_a_run_reviewing_its_decisions_counts_the_search_on_a_terminal() -> None:
    """A run that reaches an ending weighs each decision for its review, a search of the
    whole scenario (seconds for the largest): the count is shown meanwhile and wiped
    before the review is printed, which is what it is without a terminal."""
    play = ("run", "public-thread", "--seed", "0", "--choices", "1,1,1,1")
    output, shown, code = _on_a_terminal(*play)
    assert code == 0
    assert f"searching: {STATES_PER_REPORT:,} states" in shown
    assert _screen(shown).strip() == ""
    assert "A better choice here" in output  # the review was made, and printed
    assert output == run_cli(*play).stdout


def test_scenarios_analysed_side_by_side_show_how_many_are_done() -> None:
    output, shown, code = _analyze_on_a_terminal(
        "scenarios/surprise-fee.yaml", "scenarios/late-client.yaml", "--workers", "2"
    )
    assert code == 0
    assert "0 of 2 scenarios analysed" in shown  # drawn before the first wait
    assert "searching:" not in shown  # workers draw nothing of their own
    assert _screen(shown).strip() == ""
    expected = run_cli("analyze", "scenarios/surprise-fee.yaml", "scenarios/late-client.yaml")
    assert output == expected.stdout


def test_ctrl_c_while_it_searches_leaves_the_line_clean_for_the_prompt() -> None:
    main, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "analyze", "--no-cache", "internal-customer"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=terminal,
        start_new_session=True,  # its own group, as a terminal's Ctrl-C reaches it
    )
    os.close(terminal)
    shown = b""
    while b"searching:" not in shown:
        chunk = os.read(main, 65536)
        assert chunk, "the search ended before it was shown"
        shown += chunk
    os.killpg(process.pid, signal.SIGINT)
    shown += _read_to_the_end(main)
    assert process.wait(timeout=60) == 130
    os.close(main)
    assert _screen(shown.decode()).strip() == ""
    assert "Traceback" not in shown.decode()


def test_workers_add_their_searches_states_to_one_count() -> None:
    """Each worker reports its own search's running count; the parent shows the sum over
    every search so far, each counted once, including those that have finished."""
    shared = multiprocessing.get_context("fork").Value("q", 0)
    worker = SharedCount(shared)
    worker.searched(STATES_PER_REPORT)
    worker.searched(2 * STATES_PER_REPORT)
    worker.clear()  # that scenario is done: the next search counts from nothing
    worker.searched(STATES_PER_REPORT)
    assert shared.value == 3 * STATES_PER_REPORT


def test_nothing_is_drawn_into_a_pipe() -> None:
    result = run_cli("analyze", "scenarios/surprise-fee.yaml", "scenarios/late-client.yaml")
    assert result.returncode == 0
    assert "searching" not in result.stderr and "analysed" not in result.stderr
    progress = TerminalProgress(io.StringIO())
    progress.searched(STATES_PER_REPORT)
    progress.waiting(1, 2, STATES_PER_REPORT)
    progress.clear()
    assert progress.stream.getvalue() == ""  # type: ignore[attr-defined]
