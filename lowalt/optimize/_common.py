"""Shared preprocessing for the covering models: fixed, forbidden and unreachable demand."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from lowalt.errors import InfeasibleError

__all__ = ["raise_unreachable", "rows_covered_by"]


def rows_covered_by(cov: sp.csr_array, sites: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Mask of demand rows covered by at least one of ``sites``."""
    if sites.size == 0:
        return np.zeros(cov.shape[0], dtype=bool)
    return np.asarray(cov[:, sites].sum(axis=1)).reshape(-1) > 0


def raise_unreachable(
    unreachable: NDArray[np.int64], target_s: float, what: str = "any candidate site"
) -> None:
    """Raise :class:`InfeasibleError` naming the first unreachable demand indices."""
    first: Iterable[int] = (int(i) for i in unreachable[:10])
    shown = ", ".join(str(i) for i in first)
    more = "" if unreachable.size <= 10 else ", ..."
    if unreachable.size == 0:
        err = InfeasibleError(
            f"the demand cannot be reached by {what} within {target_s:g} s",
            fix="allow more sites or a longer response time",
        )
        err.unreachable_demand = unreachable  # type: ignore[attr-defined]
        raise err
    err = InfeasibleError(
        f"{unreachable.size} demand cell(s) cannot be reached by {what} within "
        f"{target_s:g} s: indices {shown}{more}",
        fix="raise the target time, add candidate sites near those cells or drop them",
    )
    err.unreachable_demand = unreachable  # type: ignore[attr-defined]
    raise err
