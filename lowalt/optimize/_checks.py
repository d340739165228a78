"""Argument checks shared by every public solver of :mod:`lowalt.optimize`.

One rule per kind of argument, the same in every model:

* counts (``k``, ``n_drones``, ``max_sites``, ``num_workers``): Python or numpy
  integers (``bool`` and floats such as ``2.0`` are refused), at least a stated minimum;
* ``seed``: an integer >= 0;
* seconds (``time_limit_s``, ``target_s``): real, finite and > 0;
* probabilities: real, finite, in the stated interval;
* site lists: 1-D integer indices inside ``0..n_sites - 1``; no site both fixed and
  forbidden.

Every failure raises :class:`ValueError` whose message names the argument, shows the
value received and says what to pass instead.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "MAX_SEED",
    "check_count",
    "check_k",
    "check_options",
    "check_probability",
    "check_seconds",
    "check_site_sets",
    "check_sites",
    "check_weights",
]

MAX_SEED = 2**31 - 1
"""Largest solver seed: CP-SAT takes a signed 32-bit seed."""


def _show(value: Any) -> str:
    """Short ``repr`` of a received value for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_int(value: Any) -> bool:
    """Whether ``value`` is an integer in the sense of these checks (``bool`` is not)."""
    return isinstance(value, numbers.Integral | np.integer) and not isinstance(
        value, bool | np.bool_
    )


def check_count(
    name: str, value: Any, *, minimum: int = 1, maximum: int | None = None, fix: str | None = None
) -> int:
    """Return ``value`` as an ``int`` after checking ``minimum <= value <= maximum``.

    Parameters
    ----------
    name
        Argument name, for the message.
    value
        What the caller passed.
    minimum
        Smallest accepted value.
    maximum
        Largest accepted value (None: no upper bound).
    fix
        What to pass instead (default: "pass an int such as ``name=minimum``").

    Raises
    ------
    ValueError
        When ``value`` is not an integer (``bool`` and floats included), too small or too
        large.
    """
    hint = fix or f"pass an int such as {name}={max(minimum, 1)}"
    if not _is_int(value):
        what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        msg = f"{name} must be {what}, got {_show(value)} ({type(value).__name__}); {hint}"
        raise ValueError(msg)
    out = int(value)
    if out < minimum:
        msg = f"{name} must be at least {minimum}, got {out}; {hint}"
        raise ValueError(msg)
    if maximum is not None and out > maximum:
        msg = f"{name} must be at most {maximum:,}, got {out:,}; {hint}"
        raise ValueError(msg)
    return out


def check_seconds(name: str, value: Any) -> float:
    """Return ``value`` (seconds) as a float after checking it is finite and > 0.

    Raises
    ------
    ValueError
        When ``value`` is not a real number (``bool`` refused), is nan or inf, or <= 0.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real | np.number):
        msg = (
            f"{name} must be a number of seconds, got {_show(value)} "
            f"({type(value).__name__}); pass e.g. {name}=60.0"
        )
        raise ValueError(msg)
    out = float(value)
    if not math.isfinite(out) or out <= 0.0:
        msg = f"{name} must be finite and > 0 seconds, got {out!r}; pass e.g. {name}=60.0"
        raise ValueError(msg)
    return out


def check_probability(name: str, value: Any, *, upper_open: bool = True) -> float:
    """Return ``value`` as a float after checking ``0 <= value < 1`` (``<= 1`` if closed).

    Raises
    ------
    ValueError
        When ``value`` is not a real number (``bool`` refused), nan, or out of range.
    """
    top = "1)" if upper_open else "1]"
    hint = f"pass a probability in [0, {top}, e.g. {name}=0.3"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real | np.number):
        msg = f"{name} must be a probability, got {_show(value)} ({type(value).__name__}); {hint}"
        raise ValueError(msg)
    out = float(value)
    ok = 0.0 <= out < 1.0 if upper_open else 0.0 <= out <= 1.0
    if not ok:  # also catches nan
        msg = f"{name} must be in [0, {top}, got {out!r}; {hint}"
        raise ValueError(msg)
    return out


def check_options(time_limit_s: Any, num_workers: Any, seed: Any) -> tuple[float, int, int]:
    """Check the options every solver takes; return ``(time_limit_s, num_workers, seed)``.

    ``time_limit_s`` is seconds (finite, > 0), ``num_workers`` an integer >= 1 and
    ``seed`` an integer from 0 to :data:`MAX_SEED` (CP-SAT's seed is a 32-bit int).
    """
    return (
        check_seconds("time_limit_s", time_limit_s),
        check_count(
            "num_workers",
            num_workers,
            minimum=1,
            fix="pass the number of threads to use, e.g. num_workers=2",
        ),
        check_count(
            "seed",
            seed,
            minimum=0,
            maximum=MAX_SEED,
            fix="pass an int from 0 to 2,147,483,647 such as seed=0",
        ),
    )


def check_sites(sites: Iterable[int] | None, n_sites: int, name: str) -> NDArray[np.int64]:
    """Validate a list of site indices and return it sorted and unique.

    Parameters
    ----------
    sites
        Row indices of the response-time matrix (any iterable of integers), or None.
    n_sites
        Number of candidate sites (matrix rows).
    name
        Argument name, for the message.

    Raises
    ------
    ValueError
        When an entry is not an integer (``bool`` and floats refused) or lies outside
        ``0..n_sites - 1``, or when ``sites`` is a string or a nested sequence.
    """
    if sites is None:
        return np.zeros(0, dtype=np.int64)
    hint = f"pass a list of row indices of the response-time matrix, e.g. {name}=[0, 3]"
    if isinstance(sites, str | bytes):
        msg = f"{name} must be a list of site indices, got a string {_show(sites)}; {hint}"
        raise ValueError(msg)
    items = sites if isinstance(sites, np.ndarray) else list(sites)
    arr = np.asarray(items)
    if arr.ndim != 1 and arr.size:
        msg = f"{name} must be a flat list of site indices, got shape {arr.shape}; {hint}"
        raise ValueError(msg)
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        bad = next((v for v in arr.tolist() if not _is_int(v)), arr.reshape(-1)[0])
        msg = f"{name} must hold integer site indices, got {_show(bad)}; {hint}"
        raise ValueError(msg)
    out = np.unique(arr.astype(np.int64).reshape(-1))
    if out.size and (out[0] < 0 or out[-1] >= n_sites):
        bad_idx = int(out[0]) if out[0] < 0 else int(out[-1])
        msg = (
            f"{name} contains site {bad_idx}, outside 0..{n_sites - 1} (the matrix has "
            f"{n_sites} site rows); pass row indices of the response-time matrix"
        )
        raise ValueError(msg)
    return out


def check_site_sets(
    fixed_sites: Iterable[int] | None, forbidden_sites: Iterable[int] | None, n_sites: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Validate ``fixed_sites`` and ``forbidden_sites``; return both sorted and unique.

    Raises
    ------
    ValueError
        See :func:`check_sites`; also when a site is both fixed and forbidden.
    """
    fixed = check_sites(fixed_sites, n_sites, "fixed_sites")
    forbidden = check_sites(forbidden_sites, n_sites, "forbidden_sites")
    both = np.intersect1d(fixed, forbidden)
    if both.size:
        shown = ", ".join(str(int(s)) for s in both[:10])
        msg = (
            f"site(s) {shown} are both in fixed_sites and forbidden_sites; "
            "remove them from one of the two lists"
        )
        raise ValueError(msg)
    return fixed, forbidden


def check_weights(weights: ArrayLike | None, n_demand: int) -> NDArray[np.float64]:
    """Return demand weights as a float64 array (default: ones).

    Raises
    ------
    ValueError
        When ``weights`` is not a 1-D array of ``n_demand`` real numbers, or holds a
        nan, an inf or a negative weight.
    """
    hint = (
        f"pass one finite weight >= 0 per demand column ({n_demand}), "
        "e.g. calls per day, or weights=None for equal weights"
    )
    if weights is None:
        return np.ones(n_demand, dtype=np.float64)
    try:
        w = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"weights must be numbers, got {_show(weights)}; {hint}"
        raise ValueError(msg) from exc
    if w.ndim != 1:
        msg = f"weights must be 1-D, got shape {w.shape}; {hint}"
        raise ValueError(msg)
    if w.shape[0] != n_demand:
        msg = f"weights has {w.shape[0]} entries, the matrix has {n_demand} demand columns; {hint}"
        raise ValueError(msg)
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0.0))
    if bad.size:
        i = int(bad[0])
        msg = (
            f"weights must be finite and >= 0, got {float(w[i])!r} at index {i} "
            f"({bad.size} bad entries); {hint}"
        )
        raise ValueError(msg)
    return w


def check_k(k: Any, n_fixed: int, *, name: str = "k") -> int:
    """Return the number of sites ``k`` after checking it is an integer >= 1 and >= ``n_fixed``.

    Raises
    ------
    ValueError
        When ``k`` is not a positive integer (``bool`` and floats refused) or is smaller
        than the number of fixed sites (which ``k`` includes).
    """
    out = check_count(name, k, minimum=1,
                      fix=f"pass the number of sites as an int, e.g. {name}=10")
    if out < n_fixed:
        msg = (f"{name}={out} is smaller than the {n_fixed} fixed sites it includes; "
               f"pass {name} >= {n_fixed} or fix fewer sites")
        raise ValueError(msg)
    return out
