"""Input normalisation: response-time matrices, weights and site lists."""

from __future__ import annotations

from typing import Any, TypeAlias, cast

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

__all__ = ["TimeMatrix", "as_time_matrix", "column_min"]

TimeMatrix: TypeAlias = (
    NDArray[np.floating[Any]] | sp.csr_array | sp.csr_matrix | sp.sparray | sp.spmatrix
)

_FIX_TIMES = ("pass response times in seconds >= 0, with np.inf (dense) or an absent "
              "entry (sparse) for an unreachable pair")


def _first(mask: NDArray[np.bool_]) -> tuple[int, ...]:
    """Index of the first True entry of ``mask`` (row-major)."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(mask)), mask.shape))


def _refuse(kind: str, count: int, where: str) -> None:
    msg = (f"response times hold {count} {kind} value(s), the first at {where}; "
           f"{_FIX_TIMES} (nan is not accepted as 'unreachable')" if kind == "nan" else
           f"response times hold {count} {kind} value(s), the first at {where}; {_FIX_TIMES}")
    raise ValueError(msg)


def _index_dtype(nnz: int, n: int) -> type[np.signedinteger]:
    return np.int32 if max(nnz, n) < np.iinfo(np.int32).max else np.int64


def as_time_matrix(times: TimeMatrix | ArrayLike) -> sp.csr_array:
    """Return the response-time matrix as a canonical ``csr_array`` (sites × demand).

    Parameters
    ----------
    times
        Sites × demand response times in seconds. Sparse input: every *stored*
        entry (explicit zeros included) is a reachable pair, absent entries (and
        stored ``+inf``) are unreachable. Dense input: ``np.inf`` marks unreachable
        pairs.

    Returns
    -------
    scipy.sparse.csr_array
        float64, sorted indices, no duplicates, only finite reachable entries.

    Raises
    ------
    ValueError
        When the matrix is not 2-D or not numeric, or holds a nan (dense, or a stored
        sparse entry) or a negative time (``-inf`` included).
    """
    if sp.issparse(times):
        times = cast("sp.sparray | sp.spmatrix", times)
        if times.ndim != 2:
            msg = f"response-time matrix must be 2-D (sites × demand), got shape {times.shape}"
            raise ValueError(msg)
        try:
            mat = sp.csr_array(times, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            msg = f"response times must be numbers (seconds); {_FIX_TIMES}"
            raise ValueError(msg) from exc
        if mat is times:
            mat = mat.copy()
        mat.sum_duplicates()
        mat.sort_indices()
        data = mat.data
        nan = np.isnan(data)
        if nan.any():
            pos = int(np.argmax(nan))
            row = int(np.searchsorted(mat.indptr, pos, side="right") - 1)
            _refuse("nan", int(nan.sum()), f"stored entry (site {row}, demand "
                    f"{int(mat.indices[pos])})")
        neg = data < 0.0
        if neg.any():
            pos = int(np.argmax(neg))
            row = int(np.searchsorted(mat.indptr, pos, side="right") - 1)
            _refuse("negative", int(neg.sum()), f"(site {row}, demand {int(mat.indices[pos])}): "
                    f"{float(data[pos])!r}")
        if np.isinf(data).any():  # only +inf is left: unreachable, like an absent entry
            keep = np.isfinite(data)
            row_of = np.repeat(np.arange(mat.shape[0]), np.diff(mat.indptr))
            indptr = np.zeros(mat.shape[0] + 1, dtype=np.int64)
            np.cumsum(np.bincount(row_of[keep], minlength=mat.shape[0]), out=indptr[1:])
            mat = sp.csr_array((data[keep], mat.indices[keep], indptr), shape=mat.shape)
        return mat
    try:
        dense = np.asarray(times, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"response times must be numbers (seconds); {_FIX_TIMES}"
        raise ValueError(msg) from exc
    if dense.ndim != 2:
        msg = f"response-time matrix must be 2-D (sites × demand), got shape {dense.shape}"
        raise ValueError(msg)
    nan = np.isnan(dense)
    if nan.any():
        site, dem = _first(nan)
        _refuse("nan", int(nan.sum()), f"(site {site}, demand {dem})")
    # Built straight in CSR order (row-major boolean indexing): no COO sort. Measured
    # on 1,000 × 20,000 (30 % inf): 0.2 s, where the COO route took 2.4 s.
    mask = dense < np.inf  # -inf stays in, to be refused below
    data = dense[mask]
    if data.size and float(data.min()) < 0.0:
        neg = dense < 0.0
        site, dem = _first(neg)
        _refuse("negative", int(neg.sum()), f"(site {site}, demand {dem}): "
                f"{float(dense[site, dem])!r}")
    n_rows, n_cols = dense.shape
    idx = _index_dtype(data.size, n_cols)
    indices = np.broadcast_to(np.arange(n_cols, dtype=idx), dense.shape)[mask]
    indptr = np.zeros(n_rows + 1, dtype=idx)
    np.cumsum(mask.sum(axis=1), out=indptr[1:])
    return sp.csr_array((data, indices, indptr), shape=dense.shape)


def column_min(mat: sp.csr_array, rows: NDArray[np.bool_] | None = None
               ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Return the stored entries and fastest time per demand column of a time matrix.

    Parameters
    ----------
    mat
        Canonical sites × demand response times, seconds (``as_time_matrix``).
    rows
        Mask of the site rows to count (default: all).

    Returns
    -------
    counts, fastest
        Per column: how many (counted) sites reach it, and the smallest time (s;
        ``inf`` where none). Two scatter passes over the entries, no CSC copy
        (14 M entries: 0.07 s against 0.12–0.26 s for the conversion).
    """
    n_demand = mat.shape[1]
    cols, data = mat.indices, mat.data
    if rows is not None and not rows.all():
        keep = np.repeat(rows, np.diff(mat.indptr))
        cols, data = cols[keep], data[keep]
    counts = np.bincount(cols, minlength=n_demand).astype(np.int64)
    fastest = np.full(n_demand, np.inf)
    np.minimum.at(fastest, cols, data)
    return counts, fastest
