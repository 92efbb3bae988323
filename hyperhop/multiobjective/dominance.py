"""Pareto dominance and non-dominated sorting, for minimization.

A point ``a`` dominates ``b`` when ``a <= b`` in every objective and ``a < b`` in at
least one; equal points do not dominate each other (both stay on a front). Everything
here minimizes: negate the objectives you maximize first (:func:`as_minimization`).

Costs, for ``n`` points:

- first front (:func:`non_dominated_mask`): ``O(n log n)`` in 2 and 3 objectives (a sort,
  then a sweep over a staircase), ``O(n * front size)`` vectorized above;
- every rank (:func:`non_dominated_ranks`): ``O(n log n)`` in 2 objectives (patience
  sorting), front peeling above (the fronts needed to rank ``n_stop`` points only).

Values may be infinite; NaN is refused.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

__all__ = [
    "as_minimization",
    "dominates",
    "non_dominated_mask",
    "non_dominated_ranks",
    "pareto_front",
]


def as_minimization(
    values: np.ndarray | Sequence[Sequence[float]], directions: Sequence[str]
) -> np.ndarray:
    """The values as a float matrix to minimize: columns whose direction is ``"max"`` negated.

    Example:
        >>> as_minimization([[1.0, 2.0]], ["min", "max"]).tolist()
        [[1.0, -2.0]]
    """
    Y = _matrix(values)
    if Y.shape[1] != len(directions):
        raise ValueError(
            f"The values have {Y.shape[1]} objective(s) but {len(directions)} direction(s) were given."
        )
    signs = np.array([-1.0 if d == "max" else 1.0 for d in directions])
    return Y * signs


def dominates(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> bool:
    """Whether ``a`` dominates ``b`` (minimization).

    Example:
        >>> dominates([1, 2], [1, 3]), dominates([1, 2], [1, 2]), dominates([0, 3], [1, 2])
        (True, False, False)
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.all(x <= y) and np.any(x < y))


def _matrix(values: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    Y = np.asarray(values, dtype=float)
    if Y.ndim == 1 and Y.size == 0:
        Y = Y.reshape(0, 1)
    if Y.ndim != 2:
        raise ValueError(
            f"Expected a matrix of shape (points, objectives); got an array of shape {Y.shape}."
        )
    if np.isnan(Y).any():
        raise ValueError("The values contain NaN; drop those points (or map NaN to +inf) first.")
    return Y


def non_dominated_mask(values: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """A boolean mask of the points no other point dominates (the first front).

    Example:
        >>> non_dominated_mask([[1, 4], [2, 2], [3, 3], [2, 2], [4, 1]]).tolist()
        [True, True, False, True, True]
    """
    Y = _matrix(values)
    n, k = Y.shape
    if n == 0:
        return np.zeros(0, dtype=bool)
    if k == 1:
        return Y[:, 0] == Y[:, 0].min()
    # Equal points share their fate: work on the distinct rows, in lexicographic order.
    # A point can only be dominated by one that comes before it in that order.
    U, inverse = np.unique(Y, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if k == 2:
        keep = _front_2d(U)
    elif k == 3:
        keep = _front_3d(U)
    else:
        keep = _front_nd(U)
    return keep[inverse]


def _front_2d(U: np.ndarray) -> np.ndarray:
    """Distinct points sorted lexicographically: one is dominated exactly when an earlier
    one has a second objective no larger."""
    prev = np.minimum.accumulate(U[:, 1])
    keep = np.ones(len(U), dtype=bool)
    keep[1:] = prev[:-1] > U[1:, 1]
    return keep


def _front_3d(U: np.ndarray) -> np.ndarray:
    """Distinct points sorted lexicographically; a staircase of the (f2, f3) projections
    seen so far (f2 rising, f3 falling) answers "does an earlier point have f2 <= and
    f3 <= mine?" by one binary search."""
    keep = np.zeros(len(U), dtype=bool)
    f2s: list[float] = []
    neg_f3s: list[float] = []
    for i, (b, c) in enumerate(U[:, 1:].tolist()):
        j = bisect.bisect_right(f2s, b) - 1
        if j >= 0 and -neg_f3s[j] <= c:
            continue
        keep[i] = True
        p = bisect.bisect_left(f2s, b)
        e = max(p, bisect.bisect_right(neg_f3s, -c))
        f2s[p:e] = [b]
        neg_f3s[p:e] = [-c]
    return keep


def _front_nd(U: np.ndarray) -> np.ndarray:
    """Distinct points sorted lexicographically: the first remaining one is on the front;
    drop everything it dominates (one vectorized comparison), repeat."""
    keep = np.zeros(len(U), dtype=bool)
    rest = np.arange(len(U))
    while len(rest):
        i = rest[0]
        keep[i] = True
        rest = rest[1:]
        rest = rest[np.any(U[rest] < U[i], axis=1)]
    return keep


def non_dominated_ranks(
    values: np.ndarray | Sequence[Sequence[float]], n_stop: int | None = None
) -> np.ndarray:
    """The front of each point: 0 for the non-dominated ones, 1 for those only they
    dominate, and so on. With ``n_stop``, sorting stops once at least that many points have
    a rank; the rest get the rank after the last front sorted.

    Example:
        >>> non_dominated_ranks([[1, 4], [2, 2], [3, 3], [4, 4], [4, 1]]).tolist()
        [0, 0, 1, 2, 0]
    """
    Y = _matrix(values)
    n, k = Y.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if k == 1:
        return np.unique(Y[:, 0], return_inverse=True)[1].reshape(-1).astype(np.int64)
    U, inverse = np.unique(Y, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if k == 2:
        ranks = _ranks_2d(U)
    else:
        counts = np.bincount(inverse, minlength=len(U))
        ranks = _ranks_peeling(U, counts, n if n_stop is None else int(n_stop))
    return ranks[inverse]


def _ranks_2d(U: np.ndarray) -> np.ndarray:
    """Patience sorting: in lexicographic order, a point's front is the number of fronts
    whose smallest second objective so far is no larger than its own."""
    ranks = np.empty(len(U), dtype=np.int64)
    mins: list[float] = []
    for i, b in enumerate(U[:, 1].tolist()):
        r = bisect.bisect_right(mins, b)
        if r == len(mins):
            mins.append(b)
        else:
            mins[r] = b
        ranks[i] = r
    return ranks


def _ranks_peeling(U: np.ndarray, counts: np.ndarray, n_stop: int) -> np.ndarray:
    ranks = np.empty(len(U), dtype=np.int64)
    rest = np.arange(len(U))
    rank = done = 0
    while len(rest) and done < n_stop:
        front = rest[non_dominated_mask(U[rest])]
        ranks[front] = rank
        done += int(counts[front].sum())
        rest = np.setdiff1d(rest, front, assume_unique=True)
        rank += 1
    ranks[rest] = rank
    return ranks


def pareto_front(values: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """The indices of the non-dominated points, in their original order.

    Example:
        >>> pareto_front([[3, 1], [1, 3], [2, 2], [3, 3]]).tolist()
        [0, 1, 2]
    """
    return np.flatnonzero(non_dominated_mask(values))
