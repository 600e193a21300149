"""The game as a trainee meets it: its own process, a real X window, real key presses.

The headless tests draw on SDL's dummy driver and hand the app made-up events, so
they cannot see what only a real window and keyboard do: whether the frame on the
screen is the last one the game drew (a loop that stops drawing too early leaves a
stale picture behind), and what the operating system's key repeat sends while a key
is held. These fixtures start a private X server (Xvfb), launch
``python -m simulator play`` on it, press keys through the X server with xdotool,
grab the window's pixels with ImageMagick's ``import``, and read the results store
the game writes. Every wait has a deadline, and a failure carries the game's stderr.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import io
import json
import os
import select
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygame
import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MISSING_ORDER = HERE / "missing-order.yaml"  # a scenario that ends after one decision
MISSING_ORDER_TITLE = "The missing order"
APP_TITLE = "Customer Service Simulator"

SCREEN = (1280, 800)  # the X screen; the game's window (1280x720) fits inside it
WINDOW = "1280x720"
PARKED_POINTER = (SCREEN[0] - 1, SCREEN[1] - 1)  # below the centred window: no hover
TOOLS = ("Xvfb", "xdotool", "import", "timeout")
COMMAND_SECONDS = 10  # no single X command may take longer than this
POLL_SECONDS = 0.05


# ------------------------------------------------------------------ waiting


def wait_until(
    condition: Callable[[], Any],
    timeout: float,
    describe: Callable[[], str],
    interval: float = POLL_SECONDS,
) -> Any:
    """Poll ``condition`` until it gives something true, and return that; fail with
    ``describe()`` when the deadline passes. The only way these tests wait."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"gave up after {timeout:g} s: {describe()}")
        time.sleep(interval)


# ------------------------------------------------------------------ tools


def missing_tools() -> list[str]:
    """What this machine lacks to run a real window: the programs, and libX11 (closing
    the window as a window manager would, see ``Game.close_window``)."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if ctypes.util.find_library("X11") is None:
        missing.append("libX11")
    return missing


def require_tools() -> None:
    """Skip on a developer's machine without the tools; in CI (CI=true) their absence is
    a broken setup, so the tests fail instead of quietly not running."""
    missing = missing_tools()
    if not missing:
        return
    reason = (
        f"real-window tests need {', '.join(missing)} (apt-get install xvfb xdotool imagemagick)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run them", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def x_display() -> Iterator[str]:
    """A private X server for the whole run. ``-displayfd`` lets Xvfb pick a free display
    number and tell us which once it accepts connections, so parallel runs never clash
    and no sleep guesses when it is ready."""
    require_tools()
    read_end, write_end = os.pipe()
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_end),
                "-screen",
                "0",
                f"{SCREEN[0]}x{SCREEN[1]}x24",
                "-nolisten",
                "tcp",
                # An X server resets when its last client leaves, refusing connections
                # meanwhile; between two games (or xdotool calls) that makes the next fail.
                "-noreset",
            ],
            pass_fds=(write_end,),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
        os.close(write_end)
        try:
            number = b""
            deadline = time.monotonic() + 15
            while not number.endswith(b"\n"):
                left = max(0.0, deadline - time.monotonic())
                ready, _, _ = select.select([read_end], [], [], left)
                chunk = os.read(read_end, 16) if ready else b""
                if not chunk:  # it exited, or said nothing in time
                    log.seek(0)
                    said = log.read().decode(errors="replace").strip()
                    raise AssertionError(f"Xvfb did not report a display number:\n{said}")
                number += chunk
            yield f":{int(number.strip())}"
        finally:
            os.close(read_end)
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=5)


# ------------------------------------------------------------------ pictures


@dataclass(frozen=True)
class Shot:
    """One grab of the window: its size, its pixels as RGB bytes, and the PNG (to save
    next to a failure for a person to look at)."""

    size: tuple[int, int]
    rgb: bytes
    png: bytes

    @classmethod
    def from_png(cls, png: bytes) -> Shot:
        surface = pygame.image.load(io.BytesIO(png), "shot.png")
        return cls(surface.get_size(), pygame.image.tobytes(surface, "RGB"), png)

    def surface(self) -> pygame.Surface:
        return pygame.image.frombytes(self.rgb, self.size, "RGB")

    def difference(self, other: Shot) -> tuple[int, pygame.Rect | None]:
        """How many pixels differ, and the rectangle around them (None if none do)."""
        if self.size != other.size:
            return self.size[0] * self.size[1], pygame.Rect((0, 0), self.size)
        if self.rgb == other.rgb:
            return 0, None
        width, height = self.size
        row = width * 3
        count, xs, ys = 0, [], []
        for y in range(height):
            mine, theirs = self.rgb[y * row : (y + 1) * row], other.rgb[y * row : (y + 1) * row]
            if mine == theirs:
                continue
            for x in range(width):
                if mine[x * 3 : x * 3 + 3] != theirs[x * 3 : x * 3 + 3]:
                    count += 1
                    xs.append(x)
                    ys.append(y)
        box = pygame.Rect(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)
        return count, box

    def save(self, path: Path) -> Path:
        path.write_bytes(self.png)
        return path


# ------------------------------------------------------------------ the results store


class Results:
    """The game's SQLite results file, read-only, as the game writes it (WAL lets a
    reader look while the game holds it open)."""

    def __init__(self, home: Path) -> None:
        self.path = home / "results.sqlite3"

    def _query(self, sql: str, parameters: tuple[Any, ...]) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        deadline = time.monotonic() + 5
        while True:
            try:
                connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)
                try:
                    connection.row_factory = sqlite3.Row
                    return [dict(row) for row in connection.execute(sql, parameters)]
                finally:
                    connection.close()
            except sqlite3.OperationalError as error:
                if "no such table" in str(error):
                    return []  # the game has not created its tables yet
                if time.monotonic() >= deadline:
                    raise
                time.sleep(POLL_SECONDS)

    def plays(self, trainee: str) -> list[dict[str, Any]]:
        return self._query("SELECT * FROM plays WHERE trainee = ? ORDER BY started_at", (trainee,))

    def decisions(self, play_id: str) -> list[dict[str, Any]]:
        return self._query("SELECT * FROM decisions WHERE play_id = ? ORDER BY step", (play_id,))

    def taken_back(self, play_id: str) -> list[dict[str, Any]]:
        return self._query(
            "SELECT * FROM taken_back WHERE play_id = ? ORDER BY rewind, step", (play_id,)
        )

    def summary(self, trainee: str) -> str:
        """The trainee's plays in one line each, for assertion messages."""
        lines = []
        for play in self.plays(trainee):
            choices = [d["choice"] for d in self.decisions(play["id"])]
            lines.append(
                f"  {play['id'][:8]} status={play['status']} ending={play['ending']} "
                f"decisions={choices}"
            )
        return "\n".join(lines) or "  (no plays)"


# ------------------------------------------------------------------ the game


class Game:
    """One run of ``python -m simulator play`` in the private X server, and the hands
    and eyes of a trainee sitting at it."""

    def __init__(self, display: str, home: Path, name: str) -> None:
        self.display = display
        self.home = home
        self.name = name
        self.process: subprocess.Popen[bytes] | None = None
        self.window: str | None = None
        self.stderr_path = home / f"{name}.stderr"
        self.stdout_path = home / f"{name}.stdout"

    # ------------------------------------------------ running

    def _environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("SDL_VIDEODRIVER", "WAYLAND_DISPLAY", "CS_SIMULATOR_RESULTS")
        }
        env.update(
            DISPLAY=self.display,
            SDL_VIDEODRIVER="x11",
            SDL_AUDIODRIVER="dummy",
            PYGAME_HIDE_SUPPORT_PROMPT="1",
            CS_SIMULATOR_HOME=str(self.home),
        )
        return env

    def launch(self, scenario: str | Path, trainee: str, seed: int) -> None:
        """Start the game on one scenario and wait for its window to be mapped."""
        self.start("play", str(scenario), "--trainee", trainee, "--seed", str(seed))

    def start(self, *arguments: str) -> None:
        """Run the simulator with these arguments (a command that opens the window) and
        wait for its window to be mapped."""
        self.xdotool("mousemove", str(PARKED_POINTER[0]), str(PARKED_POINTER[1]))
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "simulator", *arguments, "--window", WINDOW],
                cwd=REPO,
                env=self._environment(),
                stdout=out,
                stderr=err,
            )
        self.window = wait_until(
            self._find_window, 20, lambda: "no window appeared" + self.context()
        )

    def _find_window(self) -> str | None:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(
                f"the game exited with {self.process.returncode} before showing a window"
                + self.context()
            )
        found = self.xdotool("search", "--onlyvisible", "--pid", str(self.process.pid), check=False)
        for window in found.split():
            # The game's window bears the program's name from the start; anything else
            # of this process (SDL may map a short-lived helper window) is not it.
            if APP_TITLE in self.xdotool("getwindowname", window, check=False):
                return window
        return None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_for_exit(self, timeout: float = 10) -> int:
        assert self.process is not None
        wait_until(lambda: not self.running, timeout, lambda: "the game is still running")
        return self.process.returncode

    def stop(self) -> None:
        """Kill the game if it still runs (teardown: a test never leaves one behind)."""
        if self.running:
            assert self.process is not None
            self.process.kill()
            self.process.wait(timeout=10)

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def context(self) -> str:
        """What a failure message needs: the window's title and the game's stderr."""
        title = "?"
        if self.window is not None and self.running:  # not title(): its failure lands here
            with contextlib.suppress(subprocess.SubprocessError):
                title = self.xdotool("getwindowname", self.window, check=False).strip()
        state = (
            "running" if self.running else f"exited ({self.process and self.process.returncode})"
        )
        errors = self.stderr().strip()
        tail = "\n".join(errors.splitlines()[-40:]) if errors else "(empty)"
        return f"\n  game {self.name}: {state}, title {title!r}\n  its stderr:\n{tail}"

    # ------------------------------------------------ the X server

    def command(self, arguments: list[str], check: bool = True) -> bytes:
        """Run an X client against our display, never for longer than COMMAND_SECONDS."""
        done = subprocess.run(
            ["timeout", str(COMMAND_SECONDS), *arguments],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            timeout=COMMAND_SECONDS + 5,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"{' '.join(arguments)} failed ({done.returncode}): "
                f"{done.stderr.decode(errors='replace').strip()}" + self.context()
            )
        return done.stdout

    def xdotool(self, *arguments: str, check: bool = True) -> str:
        return self.command(["xdotool", *arguments], check).decode("utf-8", errors="replace")

    # ------------------------------------------------ eyes

    def title(self) -> str:
        """The window's title: the game names the screen in it ("History — ...")."""
        return self.xdotool("getwindowname", self._window()).strip()

    def wait_for_title(self, wanted: Callable[[str], bool], what: str, timeout: float = 10) -> str:
        seen: list[str] = []

        def check() -> str | None:
            title = self.title()
            seen.append(title)
            return title if wanted(title) else None

        return wait_until(
            check,
            timeout,
            lambda: f"the title never became {what}; last {seen[-1:]}" + self.context(),
        )

    def screenshot(self) -> Shot:
        """The window's pixels as the X server holds them, which is what is on screen."""
        return Shot.from_png(self.command(["import", "-window", self._window(), "png:-"]))

    def settle(self, quiet: float = 1.0, timeout: float = 15) -> Shot:
        """Wait until the window has not changed for ``quiet`` seconds; the last grab."""
        last = self.screenshot()
        still_since = time.monotonic()

        def still() -> Shot | None:
            nonlocal last, still_since
            shot = self.screenshot()
            if shot.rgb != last.rgb:
                last, still_since = shot, time.monotonic()
                return None
            return shot if time.monotonic() - still_since >= quiet else None

        return wait_until(
            still, timeout, lambda: "the window never stopped changing" + self.context()
        )

    def changes_from(self, before: Shot, within: float) -> bool:
        """Whether the window shows something else than ``before`` within ``within``
        seconds (for deciding what to press next, not an assertion)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.screenshot().rgb != before.rgb:
                return True
            time.sleep(POLL_SECONDS)
        return False

    # ------------------------------------------------ hands

    def focus(self) -> None:
        """Give the window the keyboard. Without a window manager nothing else does, and
        xdotool's ``--window`` would send synthetic events, which a real keyboard never
        makes; the keys below go through the X server (XTEST) like a real keyboard's."""
        window = self._window()
        if self.xdotool("getwindowfocus", check=False).strip() != window:
            self.xdotool("windowfocus", "--sync", window)

    def press(self, *keys: str, delay_ms: int = 60) -> None:
        """Press and release each key in turn (xdotool key names: 1, space, Return, b)."""
        self.focus()
        self.xdotool("key", "--delay", str(delay_ms), *keys)

    def hold(self, key: str, seconds: float) -> None:
        """Hold a key down for a while, as a trainee resting a finger on it does; the
        game's key repeat then sends it again and again."""
        self.focus()
        self.xdotool("keydown", key)
        try:
            time.sleep(seconds)  # the holding itself, not a wait for the game
        finally:
            self.xdotool("keyup", key)

    def click(self, x: int, y: int) -> None:
        """Click at a point inside the window (window coordinates)."""
        self.focus()
        self.xdotool("mousemove", "--window", self._window(), str(x), str(y))
        self.xdotool("click", "1")

    def close_window(self) -> None:
        """Ask the window to close as a window manager does when its close button is
        clicked: a WM_DELETE_WINDOW message, which SDL turns into QUIT. (``xdotool
        windowclose`` destroys the window under the game, which then dies of an X error,
        and ``windowkill`` cuts its connection: neither is what a trainee can do.)"""
        send_delete_window(self.display, int(self._window()))

    def _window(self) -> str:
        assert self.window is not None, "the game has no window yet"
        return self.window


def send_delete_window(display: str, window: int) -> None:
    """Send WM_PROTOCOLS/WM_DELETE_WINDOW to a window, through libX11."""

    class ClientMessage(ctypes.Structure):
        _fields_ = [
            ("type", ctypes.c_int),
            ("serial", ctypes.c_ulong),
            ("send_event", ctypes.c_int),
            ("display", ctypes.c_void_p),
            ("window", ctypes.c_ulong),
            ("message_type", ctypes.c_ulong),
            ("format", ctypes.c_int),
            ("data", ctypes.c_long * 5),
        ]

    class Event(ctypes.Union):
        _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]

    library = ctypes.util.find_library("X11")
    assert library is not None, "libX11 is missing"
    x11 = ctypes.CDLL(library)
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_long,
        ctypes.POINTER(Event),
    ]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    connection = x11.XOpenDisplay(display.encode())
    assert connection, f"cannot open X display {display}"
    try:
        event = Event()
        event.xclient.type = 33  # ClientMessage
        event.xclient.window = window
        event.xclient.message_type = x11.XInternAtom(connection, b"WM_PROTOCOLS", 0)
        event.xclient.format = 32
        event.xclient.data[0] = x11.XInternAtom(connection, b"WM_DELETE_WINDOW", 0)
        event.xclient.data[1] = 0  # CurrentTime
        assert x11.XSendEvent(connection, window, 0, 0, ctypes.byref(event)), "XSendEvent failed"
        x11.XFlush(connection)
    finally:
        x11.XCloseDisplay(connection)


# ------------------------------------------------------------------ fixtures


@dataclass
class Launcher:
    """Starts games for one test, all sharing one user folder (settings and results),
    and stops every one of them afterwards."""

    display: str
    home: Path
    games: list[Game]

    def __call__(
        self,
        scenario: str | Path = MISSING_ORDER,
        trainee: str = "Tess",
        seed: int = 1,
        **settings: object,
    ) -> Game:
        """Launch the game with these settings (text_speed, reduced_motion, ...)."""
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "settings.json").write_text(
            json.dumps({"text_speed": "normal", "trainee": trainee, **settings}),
            encoding="utf-8",
        )
        game = Game(self.display, self.home, f"game-{len(self.games) + 1}")
        self.games.append(game)
        game.launch(scenario, trainee, seed)
        return game

    @property
    def results(self) -> Results:
        return Results(self.home)


@pytest.fixture
def launch(x_display: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Launcher]:
    launcher = Launcher(x_display, tmp_path / "home", [])
    request.node.realwindow_games = launcher.games  # for the failure report below
    try:
        yield launcher
    finally:
        for game in launcher.games:
            game.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing test's report carries the stderr of every game it started."""
    report = yield
    if report.failed:
        for game in getattr(item, "realwindow_games", []):
            report.sections.append((f"{game.name} stderr", game.stderr() or "(empty)"))
    return report
