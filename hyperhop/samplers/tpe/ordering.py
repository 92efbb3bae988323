"""Each column of the trial table sorted, kept up to date as trials are added.

The joint bandwidths (:func:`hyperhop.samplers.tpe.multivariate.neighbour_sigmas`) need
every column of the kernels' observations sorted, for each suggestion. Sorting the
non-good set afresh costs O(n log n) per column; a study adds one row per trial, so
:class:`ColumnOrder` inserts the new rows into a sorted copy instead (O(n) per column),
and a subset's order is read off it by a filter.

Ties are ordered by row (time order), as a stable sort would order them, so both ways
give the same bandwidths, bit for bit.
"""

from __future__ import annotations

import numpy as np

MAX_INSERTS = 8
"""More new rows than this at once: sort afresh rather than insert one by one."""
MIN_SUBSET = 64
"""Subsets smaller than this are sorted directly (the filter costs O(n) per column)."""


class ColumnOrder:
    """Row indices of a growing matrix, sorted per column by (value, row); NaN last.

    Example:
        >>> co = ColumnOrder()
        >>> co.update(np.array([[3.0, 1.0], [1.0, 1.0]]))
        >>> co.update(np.array([[3.0, 1.0], [1.0, 1.0], [2.0, 0.0]]))  # one row inserted
        >>> co.order(np.array([0, 1, 2])).tolist()  # column 0, then column 1
        [[1, 2, 0], [2, 0, 1]]
    """

    def __init__(self) -> None:
        self._n = 0
        self._epoch: int | None = None
        self._order = np.zeros((0, 0), dtype=np.intp)
        """(columns, rows): row indices, sorted per column."""
        self._values = np.zeros((0, 0))
        """(columns, rows): the sorted values."""

    def update(self, X: np.ndarray, epoch: int = 0) -> None:
        """Bring the order in line with ``X`` (rows in time order). The rows already seen
        must be unchanged unless ``epoch`` changed (see ``TrialTable.epoch``); then, or
        when the columns change, everything is sorted afresh."""
        n, c = X.shape
        m = self._n
        if epoch != self._epoch or self._order.shape[0] != c or m > n:
            m = 0
        if m == 0 or n - m > MAX_INSERTS:
            self._order = np.argsort(X.T, axis=1, kind="stable")
            self._values = np.take_along_axis(X.T, self._order, axis=1)
        else:
            for i in range(m, n):
                self._insert(X[i], i)
        self._n, self._epoch = n, epoch

    def _insert(self, v: np.ndarray, row: int) -> None:
        c, m = self._values.shape
        # after every value <= v (ties keep time order); a NaN goes last, as argsort puts it
        pos = np.where(np.isnan(v), m, (self._values <= v[:, None]).sum(axis=1))
        j = np.arange(m)
        dest = (np.arange(c) * (m + 1))[:, None] + j + (j >= pos[:, None])
        at = np.arange(c) * (m + 1) + pos
        values = np.empty(c * (m + 1))
        values[dest.ravel()] = self._values.ravel()
        values[at] = v
        order = np.empty(c * (m + 1), dtype=np.intp)
        order[dest.ravel()] = self._order.ravel()
        order[at] = row
        self._values = values.reshape(c, m + 1)
        self._order = order.reshape(c, m + 1)

    def order(self, rows: np.ndarray) -> np.ndarray:
        """For the rows ``rows`` (increasing indices), each column's argsort within them,
        one row per column, shape ``(columns, len(rows))``: what
        ``np.argsort(X[rows].T, axis=1, kind="stable")`` gives."""
        k = len(rows)
        c = self._order.shape[0]
        local = np.full(self._order.shape[1], -1, dtype=np.intp)
        local[rows] = np.arange(k)
        L = local[self._order]
        return L[L >= 0].reshape(c, k)
