"""The trials as arrays, kept between suggestions: only new or changed trials are encoded.

A row per trial: its latent values (NaN where a parameter is inactive), its objective
values, its outcome-constraint violation and its state. A trial snapshot is immutable, so a row is re-read only when the
history holds a different snapshot object at that position (a new trial, or one that
finished); the check is one vectorized comparison of object ids.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from hyperhop.multiobjective.constraints import violation
from hyperhop.samplers.base import History
from hyperhop.samplers.tpe.columns import Plan
from hyperhop.trial import TrialState

COMPLETE, FAILED, PRUNED, LIVE = 0, 1, 2, 3
"""Row states: LIVE is a trial still queued or running."""

_STATE_CODE = {
    TrialState.COMPLETE: COMPLETE,
    TrialState.FAILED: FAILED,
    TrialState.PRUNED: PRUNED,
    TrialState.RUNNING: LIVE,
    TrialState.QUEUED: LIVE,
}


class TrialTable:
    """Latent rows, values and states of a history's trials, updated incrementally."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.n = 0
        self._objs: list[Any] = []
        self._ids = np.zeros(0, dtype=np.int64)
        self.X = np.zeros((0, plan.width))
        self.value = np.zeros(0)
        self.values = np.zeros((0, 1))
        """Every objective (NaN unless complete); ``value`` is its first column."""
        self.violation = np.zeros(0)
        """The total outcome-constraint violation (0: feasible or no constraints)."""
        self.state = np.zeros(0, dtype=np.int8)
        self.epoch = 0
        """Changes whenever a row already read gets other latent values (another study's
        history), so that what is derived from the rows knows to start afresh."""

    def _grow(self, n: int) -> None:
        cap = len(self._ids)
        if n <= cap:
            return
        new = max(n, 2 * cap, 64)
        self._ids = np.concatenate([self._ids, np.zeros(new - cap, dtype=np.int64)])
        self.X = np.concatenate([self.X, np.full((new - cap, self.plan.width), np.nan)])
        self.value = np.concatenate([self.value, np.zeros(new - cap)])
        k = self.values.shape[1]
        self.values = np.concatenate([self.values, np.full((new - cap, k), np.nan)])
        self.violation = np.concatenate([self.violation, np.zeros(new - cap)])
        self.state = np.concatenate([self.state, np.zeros(new - cap, dtype=np.int8)])
        self._objs.extend([None] * (new - cap))

    def update(self, history: History) -> None:
        """Bring the rows in line with ``history`` (O(changed trials) of Python work)."""
        trials = list(history.trials)
        n = len(trials)
        k = len(history.directions)
        if self.values.shape[1] != k:
            self.values = np.full((len(self._ids), k), np.nan)
            self._ids[:] = 0  # re-read every row
        self._grow(n)
        ids = np.fromiter(map(id, trials), dtype=np.int64, count=n)
        changed = np.flatnonzero(ids != self._ids[:n])
        encoders = self.plan.encoders
        X = self.X
        seen = self.n
        for i in changed.tolist():
            t = trials[i]
            self._objs[i] = t
            row = X[i]
            before = row.copy() if i < seen else None
            row[:] = np.nan
            params = t.assignment
            for label, sl, latent in encoders:
                v = params.get(label, _MISSING)
                if v is not _MISSING:
                    row[sl] = latent(v)
            if before is not None and not np.array_equal(before, row, equal_nan=True):
                self.epoch += 1
            self.state[i] = _STATE_CODE[t.state]
            vals = t.values
            done = t.state is TrialState.COMPLETE and bool(vals)
            self.value[i] = vals[0] if done and vals else math.nan
            self.values[i] = vals if done and vals and len(vals) == k else math.nan
            self.violation[i] = violation(t) if t.system_attrs else 0.0
        self._ids[:n] = ids
        # rows beyond n (a shorter history: a different study) are forgotten
        if n < self.n:
            self._ids[n : self.n] = 0
            self.epoch += 1
        self.n = n

    def trial(self, i: int) -> Any:
        """The trial snapshot at row ``i``."""
        return self._objs[i]

    def losses(self, direction: str) -> np.ndarray:
        """Losses of the rows (lower is better); +inf for every trial not complete."""
        v = self.value[: self.n]
        loss = -v if direction == "max" else v.copy()
        loss[self.state[: self.n] != COMPLETE] = math.inf
        return loss

    def split(
        self,
        direction: str,
        gamma: float | Callable[[int], int],
        cap: int,
        loss: np.ndarray | None = None,
        eligible: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Row indices (time order) of the good trials and of all the others, by
        :meth:`losses` or the given ``loss`` (one per row, lower is better).

        The good set holds the best ``min(ceil(gamma * sqrt(N)), cap)`` of the N trials
        (every trial counts in N, as in Hyperopt), taken among the completed ones only
        (or the rows of the ``eligible`` mask): a failed, pruned or still running trial
        is otherwise in the other set, so the model steers away from failures and
        parallel suggestions away from each other.
        """
        from hyperhop.samplers.tpe.parzen import n_good

        n = self.n
        if loss is None:
            loss = self.losses(direction)
        complete = np.flatnonzero(self.state[:n] == COMPLETE if eligible is None else eligible[:n])
        k = gamma(n) if callable(gamma) else n_good(n, gamma, cap)
        k = min(k, cap, len(complete))
        good = np.zeros(n, dtype=bool)
        if k:
            order = np.lexsort((complete, loss[complete]))
            good[complete[order[:k]]] = True
        return np.flatnonzero(good), np.flatnonzero(~good)


_MISSING = object()
