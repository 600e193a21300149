"""One budget for every fuzz test, so that CI runs the same examples every time."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def budget(examples: int) -> settings:
    """``examples`` generated cases, derived from each test's own code (derandomized) and
    not from examples saved by earlier runs, without a per-example deadline: the machine
    is shared, and a slow example is not a failure (a hang is caught by its own bounds)."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
        ],
    )
