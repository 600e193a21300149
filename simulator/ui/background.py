"""Work that would freeze the window if done between two frames, done beside the loop.

The loop never waits for it: a scene asks each frame whether the result is in, and
shows what it has meanwhile. A failure inside the work is kept and given back as the
absence of a result, never raised into the loop.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

#: The longest the work beside the loop holds the interpreter before a frame waiting
#: for it gets its turn. Python's default, 5 ms, is paid at every hand-over: while the
#: debrief's search of internal-customer ran, the typewriter drew 44 frames a second
#: instead of 60 (benchmarks/bench_player.py); at 1 ms it draws 55, and the search takes
#: no longer.
SWITCH_SECONDS = 0.001


class BackgroundTask(Generic[T]):
    def __init__(self, work: Callable[[], T]) -> None:
        if sys.getswitchinterval() > SWITCH_SECONDS:
            sys.setswitchinterval(SWITCH_SECONDS)
        self._work = work
        self._value: T | None = None
        self.failed: BaseException | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="background-task")
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except Exception as error:  # kept for the caller; the window must stay alive
            self.failed = error
        finally:
            self._done.set()

    def wait(self, timeout: float | None = 0) -> bool:
        """Whether the work has finished, waiting at most ``timeout`` seconds for it (0: not
        at all; None: as long as it takes)."""
        return self._done.is_set() if timeout == 0 else self._done.wait(timeout)

    @property
    def value(self) -> T | None:
        """The work's result: None until it has finished, and when it failed."""
        return self._value if self._done.is_set() else None
