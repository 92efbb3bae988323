"""Hyperopt's ``anneal.suggest``: sample near a good trial, in a window that shrinks with
the number of observations."""

from __future__ import annotations

import math

import numpy as np

from hyperhop.samplers.base import History, SerialSampler
from hyperhop.samplers.tpe.columns import CategoricalColumn, NumericColumn, Plan, compile_plan
from hyperhop.samplers.tpe.observations import TrialTable
from hyperhop.space import Assignment


class HyperoptAnnealSampler(SerialSampler):
    """Hyperopt's annealing algorithm (``AnnealingAlgo``), parameter by parameter.

    For each active parameter, a reference trial is picked among the trials where it is
    active: the ``g``-th best, ``g ~ Geometric(1 / avg_best_idx) - 1`` (unfinished and
    failed trials rank last); later parameters reuse a reference already picked for this
    suggestion when it has them. With ``T`` observations of the parameter, the new value
    is drawn uniformly in a window of width ``(high - low) / (1 + T * shrink_coef)``
    around the reference (shifted to stay in bounds, on the log scale for log
    parameters, then quantized), from a normal with the sigma shrunk by the same factor
    for the normal family, and for categories from
    ``(1 - s) * onehot(reference) + s * prior`` with ``s = 1 / (1 + T * shrink_coef)``.
    A parameter never observed is drawn from its prior; a custom parameter is mutated
    from the reference with temperature ``s``.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(-5, 5)}, algo="hyperopt_anneal", seed=0)
        >>> _ = study.optimize(lambda c: (c["x"] - 1) ** 2, n_trials=60, progress=False)
        >>> abs(study.best.config["x"] - 1) < 0.3
        True
    """

    name = "hyperopt_anneal"
    resume_deterministic = True

    def __init__(
        self, seed: int | None = None, *, avg_best_idx: float = 2.0, shrink_coef: float = 0.1
    ) -> None:
        super().__init__(seed)
        if not (isinstance(avg_best_idx, (int, float)) and avg_best_idx >= 1.0):
            raise ValueError(
                f"The 'avg_best_idx' parameter of HyperoptAnnealSampler must be >= 1. Got {avg_best_idx!r} instead."
            )
        if not (isinstance(shrink_coef, (int, float)) and shrink_coef >= 0.0):
            raise ValueError(
                f"The 'shrink_coef' parameter of HyperoptAnnealSampler must be >= 0. Got {shrink_coef!r} instead."
            )
        self.avg_best_idx = float(avg_best_idx)
        self.shrink_coef = float(shrink_coef)
        self._plan: Plan | None = None
        self._table: TrialTable | None = None

    def __repr__(self) -> str:
        return f"HyperoptAnnealSampler(seed={self.seed!r})"

    def shrinking(self, n_observations: int) -> float:
        """The fraction of the prior's width kept after ``n_observations``.

        Example:
            >>> HyperoptAnnealSampler(0).shrinking(30)
            0.25
        """
        return 1.0 / (1.0 + n_observations * self.shrink_coef)

    def _suggest(self, history: History) -> Assignment:
        space = history.space
        rng = self.rng_for(history.n)
        if self._plan is None or self._plan.space is not space:
            self._plan = compile_plan(space)
            self._table = TrialTable(self._plan)
        table = self._table
        assert table is not None
        table.update(history)
        loss = table.losses(history.directions[0])
        for _ in range(20):
            a = self._draw(self._plan, table, loss, rng)
            if space.is_feasible(a):
                return a
        return space.sample_assignment(rng)

    def _draw(
        self, plan: Plan, table: TrialTable, loss: np.ndarray, rng: np.random.Generator
    ) -> Assignment:
        X = table.X[: table.n]
        cols: dict[str, NumericColumn | CategoricalColumn] = {c.spec.label: c for c in plan.numeric}
        cols.update({c.spec.label: c for c in plan.categorical})
        picked: list[int] = []
        out: Assignment = {}
        for spec in plan.space.params:
            if spec.conditions and not spec.is_active(out):
                continue
            col = cols.get(spec.label)
            if col is None:
                rows = np.array(
                    [i for i in range(table.n) if spec.label in table.trial(i).assignment],
                    dtype=int,
                )
            else:
                probe = col.col if isinstance(col, CategoricalColumn) else col.cols.start
                rows = np.flatnonzero(~np.isnan(X[:, probe]))
            if not len(rows):
                out[spec.label] = spec.param.sample(rng)
                continue
            s = self.shrinking(len(rows))
            ref = self._reference(rows, picked, loss, rng)
            if col is None:
                out[spec.label] = spec.param.mutate(table.trial(ref).assignment[spec.label], s, rng)
            elif isinstance(col, CategoricalColumn):
                p = s * col.p
                p[int(X[ref, col.col])] += 1.0 - s
                out[spec.label] = col.raw(int(rng.choice(col.n, p=p / p.sum())))
            else:
                u0 = X[ref, col.cols]
                if math.isfinite(col.lo) and math.isfinite(col.hi):
                    half = 0.5 * (col.hi - col.lo) * s
                    mid = np.clip(u0, col.lo + half, col.hi - half)
                    u = rng.uniform(mid - half, mid + half)
                else:
                    u = rng.normal(u0, col.prior_sigma * s)
                out[spec.label] = col.raw(u)
        return out

    def _reference(
        self, rows: np.ndarray, picked: list[int], loss: np.ndarray, rng: np.random.Generator
    ) -> int:
        """A reference row for a parameter observed in ``rows``: one already picked for
        this suggestion if it has the parameter, else the g-th best, g geometric."""
        for r in picked:
            if np.any(rows == r):
                return r
        g = min(int(rng.geometric(1.0 / self.avg_best_idx)) - 1, len(rows) - 1)
        order = rows[np.argsort(loss[rows], kind="stable")]
        ref = int(order[g])
        picked.append(ref)
        return ref
