"""A tiny seeded random source whose whole state is one integer.

Python's ``random`` state is hundreds of numbers and may change between
versions; SplitMix64 is a fixed, published algorithm, so a recorded seed
replays the same random branches on any machine, and the state fits in a save.
"""

from __future__ import annotations

_MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, state: int) -> None:
        self.state = state & _MASK

    @staticmethod
    def seeded(seed: int) -> int:
        return (seed * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & _MASK

    def next_int(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        value = self.state
        value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
        return value ^ (value >> 31)

    def next_float(self) -> float:
        """A number in [0, 1)."""
        return (self.next_int() >> 11) / float(1 << 53)
