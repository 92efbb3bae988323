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

from hyperhop.samplers.tpe.workspace import Workspace, scratch

MAX_INSERTS = 8
"""More new rows than this at once: sort afresh rather than insert one by one."""
MIN_SUBSET = 64
"""Subsets smaller than this are sorted directly (the filter costs O(n) per column)."""


class ColumnOrder:
    """Row indices of a growing matrix, sorted per column by (value, row); NaN last.

    The sorted arrays have spare capacity, so an insertion shifts each column's tail in
    place: no array of the table's size is allocated per trial (allocating and freeing
    them costs page faults, more than the shifts themselves).

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
        """(columns, capacity): row indices, sorted per column in the first ``_n`` slots."""
        self._values = np.zeros((0, 0))
        """(columns, capacity): the sorted values."""

    def update(self, X: np.ndarray, epoch: int = 0) -> None:
        """Bring the order in line with ``X`` (rows in time order). The rows already seen
        must be unchanged unless ``epoch`` changed (see ``TrialTable.epoch``); then, or
        when the columns change, everything is sorted afresh."""
        n, c = X.shape
        m = self._n
        if epoch != self._epoch or self._order.shape[0] != c or m > n:
            m = 0
        if m == 0 or n - m > MAX_INSERTS:
            cap = max(2 * n, 64)
            self._order = np.empty((c, cap), dtype=np.intp)
            self._values = np.empty((c, cap))
            self._order[:, :n] = np.argsort(X.T, axis=1, kind="stable")
            self._values[:, :n] = np.take_along_axis(X.T, self._order[:, :n], axis=1)
        else:
            if n > self._order.shape[1]:
                self._grow(2 * n)
            for i in range(m, n):
                self._insert(X[i], i)
        self._n, self._epoch = n, epoch

    def _grow(self, cap: int) -> None:
        c, m = self._order.shape[0], self._n
        order, values = np.empty((c, cap), dtype=np.intp), np.empty((c, cap))
        order[:, :m], values[:, :m] = self._order[:, :m], self._values[:, :m]
        self._order, self._values = order, values

    def _insert(self, v: np.ndarray, m: int) -> None:
        """Insert row ``m`` (values ``v``) among the first ``m`` sorted slots: the rows
        come in order, so the new row's index is the count of rows already sorted."""
        values, order = self._values, self._order
        # after every value <= v (ties keep time order); a NaN goes last, as argsort puts it
        pos = np.where(np.isnan(v), m, (values[:, :m] <= v[:, None]).sum(axis=1))
        for j, (p, x) in enumerate(zip(pos.tolist(), v.tolist(), strict=True)):
            vj, oj = values[j], order[j]
            vj[p + 1 : m + 1] = vj[p:m]
            vj[p] = x
            oj[p + 1 : m + 1] = oj[p:m]
            oj[p] = m

    def order(self, rows: np.ndarray, ws: Workspace | None = None, key: str = "") -> np.ndarray:
        """For the rows ``rows`` (increasing indices), each column's argsort within them,
        one row per column, shape ``(columns, len(rows))``: what
        ``np.argsort(X[rows].T, axis=1, kind="stable")`` gives. With ``ws``, the result
        lives there under ``key`` (valid until the next call with that key)."""
        k, n = len(rows), self._n
        c = self._order.shape[0]
        local = np.full(n, -1, dtype=np.intp)
        local[rows] = np.arange(k)
        L = np.take(local, self._order[:, :n], out=scratch(ws, "local", (c, n), np.intp))
        keep = np.greater_equal(L, 0, out=scratch(ws, "keep", (c, n), bool))
        out = scratch(ws, key + "order", (c * k,), np.intp)
        return np.compress(keep.reshape(-1), L.reshape(-1), out=out).reshape(c, k)
