"""Maximizing a GP acquisition: scrambled Sobol candidates plus neighbours of the best
observed points, then L-BFGS-B from the best few (all starts in one bounded problem, since
their terms are independent), on the ordered columns; discrete columns are snapped to
their cells afterwards and the snapped points scored again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from hyperhop.samplers.cbo.optimizer import Result
from hyperhop.samplers.modelspace import ModelSpace

Value = Callable[[np.ndarray], np.ndarray]
"""Model matrix -> acquisition values."""
ValueGrad = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
"""Model matrix -> acquisition values and gradients ``(m, dim)``."""


@dataclass
class CandidateOptimizer:
    """Candidates, then gradient refinement of the best ``n_restarts``."""

    n_candidates: int = 1024
    mutants_per_seed: int = 32
    n_restarts: int = 5
    maxiter: int = 50

    def maximize(
        self,
        value: Value,
        value_grad: ValueGrad,
        ms: ModelSpace,
        seeds: np.ndarray,
        rng: np.random.Generator,
    ) -> Result:
        from scipy.stats import qmc  # imported when first needed (slow)

        sobol = qmc.Sobol(ms.dim, scramble=True, seed=int(rng.integers(2**63)))
        parts = [ms.snap(sobol.random(self.n_candidates))]
        if len(seeds):
            local = np.repeat(seeds, self.mutants_per_seed, axis=0)
            parts.append(ms.mutate(local, rng, scales=(0.005, 0.02, 0.08)))
        Z = np.vstack(parts)
        s = value(ms.model_matrix(Z))
        order = np.argsort(-s, kind="stable")
        starts: list[int] = []
        keys: set[bytes] = set()
        for i, k in zip(order, ms.keys(ms.model_matrix(Z[order])), strict=True):
            if k not in keys:
                keys.add(k)
                starts.append(int(i))
            if len(starts) >= self.n_restarts:
                break
        if starts and self.maxiter > 0:
            Zr = self._refine(Z[starts], value_grad, ms)
            Z = np.vstack([Zr, Z])
            s = np.concatenate([value(ms.model_matrix(Zr)), s])
        order = np.argsort(-s, kind="stable")
        return Result(Z[order], s[order])

    def _refine(self, Z0: np.ndarray, value_grad: ValueGrad, ms: ModelSpace) -> np.ndarray:
        X0 = ms.model_matrix(Z0)
        free = ms.active(Z0) & ~ms.categorical[None, :]
        if not free.any():
            return Z0
        x0 = X0[free]

        def f(v: np.ndarray) -> tuple[float, np.ndarray]:
            X = X0.copy()
            X[free] = v
            val, grad = value_grad(X)
            return -float(val.sum()), -grad[free]

        res = optimize.minimize(
            f,
            x0,
            jac=True,
            method="L-BFGS-B",
            bounds=[(0.0, 1.0)] * len(x0),
            options={"maxiter": self.maxiter, "ftol": 1e-7},
        )
        Z = Z0.copy()
        Z[free] = res.x
        return ms.snap(Z)
