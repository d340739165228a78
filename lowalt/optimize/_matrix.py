"""Input normalisation: response-time matrices, weights and site lists."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

__all__ = ["TimeMatrix", "as_site_set", "as_time_matrix", "as_weights"]

TimeMatrix = NDArray[np.floating] | sp.csr_array | sp.csr_matrix | sp.sparray | sp.spmatrix


def as_time_matrix(times: TimeMatrix | ArrayLike) -> sp.csr_array:
    """Return the response-time matrix as a canonical ``csr_array`` (sites × demand).

    Parameters
    ----------
    times
        Sites × demand response times in seconds. Sparse input: every *stored*
        entry (explicit zeros included) is a reachable pair, absent entries are
        unreachable. Dense input: ``np.inf`` (or ``nan``) marks unreachable pairs.

    Returns
    -------
    scipy.sparse.csr_array
        float64, sorted indices, no duplicates, only finite reachable entries.
    """
    if sp.issparse(times):
        mat = sp.csr_array(times, dtype=np.float64)
        mat.sum_duplicates()
        mat.sort_indices()
        data = mat.data
        if not np.all(np.isfinite(data)):
            keep = np.isfinite(data)
            coo = mat.tocoo()
            mat = sp.csr_array((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=mat.shape)
    else:
        dense = np.asarray(times, dtype=np.float64)
        if dense.ndim != 2:
            msg = f"response-time matrix must be 2-D (sites × demand), got shape {dense.shape}"
            raise ValueError(msg)
        rows, cols = np.nonzero(np.isfinite(dense))
        mat = sp.csr_array((dense[rows, cols], (rows, cols)), shape=dense.shape)
    if mat.nnz and float(mat.data.min()) < 0.0:
        msg = "response times must be non-negative seconds"
        raise ValueError(msg)
    return mat


def as_weights(weights: ArrayLike | None, n_demand: int) -> NDArray[np.float64]:
    """Return demand weights as a float64 array (default: ones)."""
    if weights is None:
        return np.ones(n_demand, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if w.shape[0] != n_demand:
        msg = f"weights has {w.shape[0]} entries, the matrix has {n_demand} demand columns"
        raise ValueError(msg)
    if not np.all(np.isfinite(w)) or float(w.min(initial=0.0)) < 0.0:
        msg = "demand weights must be finite and non-negative"
        raise ValueError(msg)
    return w


def as_site_set(sites: Iterable[int] | None, n_sites: int, name: str) -> NDArray[np.int64]:
    """Validate a list of site indices and return it sorted and unique."""
    if sites is None:
        return np.zeros(0, dtype=np.int64)
    arr = np.unique(np.asarray(list(sites), dtype=np.int64))
    if arr.size and (arr[0] < 0 or arr[-1] >= n_sites):
        msg = f"{name} contains an index outside 0..{n_sites - 1}"
        raise ValueError(msg)
    return arr
