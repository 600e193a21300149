"""Reading a file the simulator did not write itself, safely: only a regular file, and
only so much of it.

Scenario files, Twine stories, settings and the menu index can all be something other
than a file (a named pipe or a terminal waits for ever; a device can be endless), or far
larger than any the simulator writes. One reader refuses the first before opening it
and reads at most one byte past the limit of the second, so that the caller can tell
"too large" without holding the whole of it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_NOT_REGULAR = (
    (stat.S_ISDIR, "it is a folder"),
    (stat.S_ISFIFO, "it is a named pipe (FIFO)"),
    (stat.S_ISSOCK, "it is a socket"),
    (stat.S_ISCHR, "it is a device"),
    (stat.S_ISBLK, "it is a device"),
)


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    return next((why for test, why in _NOT_REGULAR if test(mode)), "it is not a regular file")


def read_regular(path: Path, max_bytes: int) -> bytes | str:
    """Up to ``max_bytes + 1`` bytes of a regular file, or why not, for people.

    Anything else is refused before it is opened. The file is opened without blocking
    and checked again, in case it was swapped for one of those in between.
    """
    try:
        why = _not_regular(os.stat(path).st_mode)
        if why is not None:
            return f"{why}, not a regular file"
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        with open(os.open(path, flags | getattr(os, "O_BINARY", 0)), "rb") as handle:
            why = _not_regular(os.fstat(handle.fileno()).st_mode)
            if why is not None:
                return f"{why}, not a regular file"
            return handle.read(max_bytes + 1)
    except OSError as error:
        return str(error.strerror or error)
    except ValueError:  # a NUL in the name
        return "the name holds a NUL character"
