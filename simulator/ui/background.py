"""Work that would freeze the window if done between two frames, done beside the loop.

The loop never waits for it: a scene asks each frame whether the result is in, and
shows what it has meanwhile. A failure inside the work is kept and given back as the
absence of a result, never raised into the loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class BackgroundTask(Generic[T]):
    def __init__(self, work: Callable[[], T]) -> None:
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
