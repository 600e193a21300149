"""Pausing Python's cycle collector around work that makes many objects and no cycles.

Loading a scenario and searching its states each allocate hundreds of thousands
of small objects that refer to one another only in trees. The cycle collector
finds nothing to free in them, yet rescans them again and again as they pile
up: it made large files load several times slower and the search a fifth
slower. Reference counting still frees everything as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
