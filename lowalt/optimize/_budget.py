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
"""Seconds per stored entry for one vectorised pass over a matrix (a sort, a CSC
conversion, a coverage build, a greedy cover). Measured on 2 cores over 14 M entries
(1,000 × 20,000 and 20,000 × 1,000, 30 % unreachable): sort of the distinct times
1.4e-7, coverage at the largest time 0.6–1.1e-7, greedy cover 0.8e-7, with other jobs
sharing the cores; the estimate keeps that margin."""

MODEL_ENTRY_S = 2e-6
"""Seconds per nonzero to build a math_opt model and start HiGHS on it (model proto,
HiGHS' copy and presolve; measured about 0.5–1e-6 on 2 cores)."""


def fits(deadline: float, seconds: float) -> bool:
    """Whether a step estimated at ``seconds`` ends before ``deadline`` (perf_counter)."""
    return time.perf_counter() + seconds <= deadline
