"""GPSampler: Gaussian-process Bayesian optimization for small continuous or mixed spaces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from hyperhop.samplers.anneal import SerialSampler
from hyperhop.samplers.base import History
from hyperhop.samplers.cbo.data import (
    ModelSpace,
    Observations,
    fallback,
    observe,
    scalarize,
    single_threaded_blas,
)
from hyperhop.samplers.gp.acquisition import log_ei, log_ei_grad, ucb, ucb_grad
from hyperhop.samplers.gp.model import GaussianProcess, GPParams, fit_params
from hyperhop.samplers.gp.optimizer import CandidateOptimizer
from hyperhop.space import Assignment, Space

_ACQUISITIONS = ("logei", "ucb")
_LIARS = ("cl_max", "cl_mean", "cl_min")


class GPSampler(SerialSampler):
    """Bayesian optimization with a Gaussian process (NumPy/SciPy only).

    Scrambled Sobol points first (``max(10, 2 * n_params + 1)``); then a GP with an ARD Matérn-5/2
    kernel on the unit-cube encoding (categorical parameters by a Hamming distance with a
    lengthscale each, integers relaxed and rounded), targets standardized, hyperparameters
    by maximum a posteriori (L-BFGS-B, warm-started from the previous fit), and the next
    point maximizing log expected improvement (or UCB) over Sobol candidates refined by
    L-BFGS-B. Failed trials count as the worst value seen; running trials get a constant
    lie (the worst value by default), so parallel suggestions differ.

    Args:
        seed: makes a sequential run reproducible.
        n_initial_points: Sobol points before the model (default ``max(10, 2 * n_params + 1)``).
        acquisition: ``"logei"`` or ``"ucb"`` (``-mean + kappa * sd``).
        kappa: UCB's exploration weight.
        liar: the value lent to running trials: ``"cl_max"``, ``"cl_mean"`` or ``"cl_min"``.
        n_candidates: Sobol candidates per suggestion.
        n_restarts: candidates refined by L-BFGS-B.
        max_fit_points: the hyperparameters are fitted on at most this many points (a
            fixed pseudo-random subset beyond it); the posterior always uses them all.
        fit_restarts: random restarts (drawn from the prior) of the hyperparameter fit.
        refit_every: the fit starts from the prior's mode and ``fit_restarts`` random points
            (besides the previous optimum) every this many trials; otherwise only from
            the previous optimum.
        max_columns: spaces with more encoded columns get no model (as in CBOSampler).

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(-2, 2), "y": hh.float(-2, 2)},
        ...                  algo=GPSampler(seed=0))
        >>> _ = study.optimize(lambda c: c["x"] ** 2 + c["y"] ** 2, n_trials=20, progress=False)
        >>> study.best_value < 0.01
        True
    """

    name = "gp"
    resume_deterministic = False
    """The hyperparameter fit starts from the previous one, so a resumed study may differ."""

    def __init__(
        self,
        seed: int | None = None,
        *,
        n_initial_points: int | None = None,
        acquisition: str = "logei",
        kappa: float = 2.0,
        liar: str = "cl_max",
        n_candidates: int = 1024,
        n_restarts: int = 5,
        max_fit_points: int | None = 200,
        fit_restarts: int = 0,
        refit_every: int = 5,
        max_columns: int = 500,
    ) -> None:
        super().__init__(seed)
        if acquisition not in _ACQUISITIONS:
            raise ValueError(
                f"The 'acquisition' parameter of GPSampler must be one of {list(_ACQUISITIONS)}. "
                f"Got {acquisition!r} instead."
            )
        if liar not in _LIARS:
            raise ValueError(
                f"The 'liar' parameter of GPSampler must be one of {list(_LIARS)}. "
                f"Got {liar!r} instead."
            )
        if n_initial_points is not None and n_initial_points < 1:
            raise ValueError(
                "The 'n_initial_points' parameter of GPSampler must be >= 1 (or None for "
                f"max(10, 2 * n_params + 1)). Got {n_initial_points!r} instead."
            )
        self.n_initial_points = n_initial_points
        self.acquisition = acquisition
        self.kappa = float(kappa)
        self.liar = liar
        self.max_fit_points = max_fit_points
        self.fit_restarts = int(fit_restarts)
        self.refit_every = max(int(refit_every), 1)
        self.max_columns = int(max_columns)
        self.optimizer = CandidateOptimizer(n_candidates=n_candidates, n_restarts=n_restarts)
        self._ms: ModelSpace | None = None
        self._warm: GPParams | None = None

    def n_initial(self, space: Space) -> int:
        if self.n_initial_points is not None:
            return self.n_initial_points
        return max(10, 2 * len(space.params) + 1)

    def _suggest(self, history: History) -> Assignment:
        with single_threaded_blas():
            return self._suggest_batch(history, 1)[0]

    def suggest_batch(self, history: History, n: int) -> list[Assignment]:
        """``n`` distinct proposals: each next one with the previous ones as pending
        (constant liar, the posterior re-conditioned, hyperparameters kept)."""
        with self._lock, single_threaded_blas():
            return self._suggest_batch(history, n)

    def _suggest_batch(self, history: History, n: int) -> list[Assignment]:
        if n < 1:
            raise ValueError(f"suggest_batch needs n >= 1. Got {n!r} instead.")
        space = history.space
        rng = self.rng_for(history.n)
        if self._ms is None or self._ms.space is not space:
            self._ms = ModelSpace(space)
            self._warm = None
        ms = self._ms
        if ms.dim == 0 or ms.dim > self.max_columns:
            return fallback(history, ms, rng, n, "GPSampler", self.max_columns)
        if history.n < self.n_initial(space):
            return [self._initial(ms, history.n + j, rng) for j in range(n)]
        obs = observe(history, ms)
        if obs.n == 0:
            return [space.sample(rng) for _ in range(n)]
        return self._propose(ms, obs, rng, n, history.n)

    # ------------------------------------------------------------------ internals
    def _initial(self, ms: ModelSpace, index: int, rng: np.random.Generator) -> Assignment:
        """Point ``index`` of a scrambled Sobol sequence fixed by the seed."""
        from scipy.stats import qmc  # imported when first needed (slow)

        sobol = qmc.Sobol(ms.dim, scramble=True, seed=np.random.default_rng([self._entropy, 1]))
        if index:
            sobol.fast_forward(index)
        a = ms.decode(ms.snap(sobol.random(1))[0], rng)
        return a if ms.space.is_feasible(a) else ms.space.sample(rng)

    def _propose(
        self, ms: ModelSpace, obs: Observations, rng: np.random.Generator, n: int, index: int
    ) -> list[Assignment]:
        y = scalarize(obs.Y, rng)
        worst = float(y.max())
        X_fit = np.vstack([obs.X, obs.X_failed])
        y_fit = np.r_[y, np.full(len(obs.X_failed), worst)]
        mu, sd = float(y_fit.mean()), float(y_fit.std())
        sd = sd if sd > 0 else 1.0
        z_fit = (y_fit - mu) / sd
        best = float((y.min() - mu) / sd)
        lie = {"cl_max": float(z_fit.max()), "cl_min": best, "cl_mean": 0.0}[self.liar]
        sub = np.arange(len(X_fit))
        if self.max_fit_points is not None and len(sub) > self.max_fit_points:
            # A subset that changes little from one suggestion to the next (a Weyl sequence
            # on trial numbers), so that the warm start stays close to the optimum.
            numbers = np.array([t.number for t in obs.trials + obs.failed], dtype=float)
            keys = (numbers * 0.6180339887498949 + (self._entropy % 997) / 997.0) % 1.0
            sub = np.sort(np.argsort(keys, kind="stable")[: self.max_fit_points])
        full = self._warm is None or index % self.refit_every == 0
        params = fit_params(
            X_fit[sub],
            z_fit[sub],
            ms.categorical,
            rng,
            init=self._warm,
            n_restarts=self.fit_restarts if full else -1,
        )
        self._warm = params
        X_all = np.vstack([X_fit, obs.X_pending])
        z_all = np.r_[z_fit, np.full(len(obs.X_pending), lie)]
        fill = obs.trials[int(np.argmin(y))].params
        taken = set(ms.keys(X_all))
        seeds = ms.latent(obs.X[np.argsort(y, kind="stable")[: self.optimizer.n_restarts]], rng)
        out: list[Assignment] = []
        for _ in range(n):
            gp = GaussianProcess(params, ms.categorical).condition(X_all, z_all)
            a = self._maximize(gp, best, ms, seeds, rng, fill, taken)
            out.append(a)
            x = ms.encode([a])
            X_all = np.vstack([X_all, x])
            z_all = np.r_[z_all, lie]
        return out

    def _maximize(
        self,
        gp: GaussianProcess,
        best: float,
        ms: ModelSpace,
        seeds: np.ndarray,
        rng: np.random.Generator,
        fill: Mapping[str, Any],
        taken: set[bytes],
    ) -> Assignment:
        kappa = self.kappa

        if self.acquisition == "logei":

            def value(X: np.ndarray) -> np.ndarray:
                return log_ei(*gp.predict(X), best)

            def value_grad(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                return log_ei_grad(*gp.predict_grad(X), best)

        else:

            def value(X: np.ndarray) -> np.ndarray:
                return ucb(*gp.predict(X), kappa)

            def value_grad(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                return ucb_grad(*gp.predict_grad(X), kappa)

        result = self.optimizer.maximize(value, value_grad, ms, seeds, rng)
        for z in result.Z[:500]:
            a = ms.decode(z, rng, fill)
            key = ms.keys(ms.encode([a]))[0]
            if key in taken or not ms.space.is_feasible(a):
                continue
            taken.add(key)
            return a
        a = ms.space.sample(rng)
        taken.add(ms.keys(ms.encode([a]))[0])
        return a
