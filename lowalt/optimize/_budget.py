"""Time budgets: whether a step that cannot be interrupted still fits before a deadline.

Sorting the distinct times, building a coverage matrix or a MIP model cannot be stopped
half-way, so the solvers estimate such a step from the number of stored matrix entries
it touches and skip it (falling back to what they already have) when it would run past
the deadline.
"""

from __future__ import annotations

import time

__all__ = ["ENTRY_PASS_S", "MODEL_ENTRY_S", "fits"]

ENTRY_PASS_S = 1.5e-7
"""Seconds per stored entry for one vectorised matrix pass (sort, coverage, greedy), with margin."""

MODEL_ENTRY_S = 2e-6
"""Seconds per nonzero to build a math_opt model and start HiGHS on it, with a margin."""


def fits(deadline: float, seconds: float) -> bool:
    """Whether a step estimated at ``seconds`` ends before ``deadline`` (perf_counter)."""
    return time.perf_counter() + seconds <= deadline
