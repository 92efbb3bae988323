"""GPSampler: Gaussian-process Bayesian optimization for small continuous or mixed spaces."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from hyperhop.multiobjective.constraints import constraints_of
from hyperhop.multiobjective.scalarization import SCALERS, check_scalarization
from hyperhop.multiobjective.scalarization import scalarize as mo_scalarize
from hyperhop.samplers.base import History, SerialSampler
from hyperhop.samplers.blas import single_threaded_blas
from hyperhop.samplers.gp.acquisition import (
    log_ei,
    log_ei_grad,
    log_feasible,
    log_feasible_grad,
    ucb,
    ucb_grad,
)
from hyperhop.samplers.gp.model import GaussianProcess, GPParams, fit_params
from hyperhop.samplers.gp.optimizer import CandidateOptimizer
from hyperhop.samplers.gp.targets import standardize, warp
from hyperhop.samplers.modelspace import (
    ModelSpace,
    Observations,
    fallback,
    is_linear_box,
    observe,
)
from hyperhop.space import Assignment, Space

_ACQUISITIONS = ("logei", "ucb")


def _constraint_matrix(obs: Observations) -> np.ndarray | None:
    """The completed trials' constraint values (NaN where a trial reports fewer), or None
    when no trial reports any."""
    rows = [constraints_of(t) or () for t in obs.trials]
    m = max((len(r) for r in rows), default=0)
    if m == 0:
        return None
    C = np.full((len(rows), m), np.nan)
    for i, r in enumerate(rows):
        C[i, : len(r)] = r
    return C


_LIARS = ("cl_max", "cl_mean", "cl_min")
_WARPINGS = ("auto", "yeo-johnson", "none")
SHORT_MAX_COLUMNS = 10


def short_columns(ms: ModelSpace) -> np.ndarray | None:
    """The columns whose lengthscale prior is short (see :class:`Prior`): every column of
    a box of at most ``SHORT_MAX_COLUMNS`` linear floats, the black-box functions' case.
    Measured with benchmarks/quality.py (10 seeds): there, the dimension-scaled prior let
    the fitted lengthscales of Ackley, Levy and Hartmann run long and the search stop
    short; on hyperparameter spaces (log-scaled floats, integers, categories) the short
    prior did worse (the random forest's, the mixed problem)."""
    if ms.dim > SHORT_MAX_COLUMNS or not is_linear_box(ms.space):
        return None
    return np.ones(ms.dim, dtype=bool)


class GPSampler(SerialSampler):
    """Bayesian optimization with a Gaussian process (NumPy/SciPy only).

    Scrambled Sobol points first (``max(10, 2 * n_params + 1)``); then a GP with an ARD Matérn-5/2
    kernel on the unit-cube encoding (categorical parameters by a Hamming distance with a
    lengthscale each, integers relaxed, and every candidate scored where its rounded value
    encodes), targets standardized, hyperparameters by maximum a posteriori (L-BFGS-B,
    warm-started from the previous fit), and the next
    point maximizing log expected improvement (or UCB) over Sobol candidates refined by
    L-BFGS-B. With one objective and no conditional parameters, the values are warped
    first (Yeo-Johnson, exponent by maximum likelihood, see
    :mod:`hyperhop.samplers.gp.targets`). Failed trials count as the worst value seen;
    running trials get a constant lie (the worst value by default), so parallel
    suggestions differ.

    Several objectives are scalarized afresh for each suggestion (ParEGO, DeepHyper's
    manner): rescaled between the ideal and nadir points of the observed front, then the
    augmented Chebyshev scalarization with weights uniform on the simplex. Outcome
    constraints get a GP each, and the acquisition is multiplied by the probability that
    every constraint holds (Gardner et al., 2014); before any trial is feasible, the next
    point maximizes that probability alone.

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
        scalarization: with several objectives: ``"augmented_chebyshev"``, ``"chebyshev"``,
            ``"linear"`` or ``"pbi"`` (see :mod:`hyperhop.multiobjective.scalarization`).
        objective_scaler: ``"front"``, ``"minmax"`` or ``"quantile"``.
        warping: ``"yeo-johnson"`` warps the objective values before the fit, ``"none"``
            only standardizes them; ``"auto"`` warps with one objective in a space without
            conditional parameters. Measured with benchmarks/quality.py (10 seeds): the
            warp lowers the regret on the skewed synthetic problems (Ackley, Levy,
            Rosenbrock, the mixed one); on the conditional problem it made the search
            settle on the floor of the first branch it found, in 4 seeds of 10.

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
        scalarization: str = "augmented_chebyshev",
        objective_scaler: str = "front",
        warping: str = "auto",
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
        self.scalarization = check_scalarization(scalarization, "GPSampler")
        if objective_scaler not in SCALERS:
            raise ValueError(
                f"The 'objective_scaler' parameter of GPSampler must be one of {list(SCALERS)}. "
                f"Got {objective_scaler!r} instead."
            )
        self.objective_scaler = objective_scaler
        if warping not in _WARPINGS:
            raise ValueError(
                f"The 'warping' parameter of GPSampler must be one of {list(_WARPINGS)}. "
                f"Got {warping!r} instead."
            )
        self.warping = warping
        self._ms: ModelSpace | None = None
        self._warm: GPParams | None = None
        self._warm_constraints: list[GPParams | None] = []

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
            self._warm_constraints = []
        ms = self._ms
        if ms.dim == 0 or ms.dim > self.max_columns:
            return fallback(history, ms, rng, n, "GPSampler", self.max_columns)
        if history.n < self.n_initial(space):
            return [self._initial(ms, history.n + j, rng) for j in range(n)]
        obs = observe(history, ms)
        if obs.n == 0:
            return [space.sample_assignment(rng) for _ in range(n)]
        return self._propose(ms, obs, rng, n, history.n)

    # ------------------------------------------------------------------ internals
    def _warps(self, ms: ModelSpace, obs: Observations) -> bool:
        """Whether the objective values are warped (see the ``warping`` argument)."""
        if self.warping != "auto":
            return self.warping == "yeo-johnson"
        single = obs.Y.ndim == 1 or obs.Y.shape[1] == 1
        return single and not any(spec.conditional for spec in ms.space.params)

    def _initial(self, ms: ModelSpace, index: int, rng: np.random.Generator) -> Assignment:
        """Point ``index`` of a scrambled Sobol sequence fixed by the seed."""
        from scipy.stats import qmc  # imported when first needed (slow)

        sobol = qmc.Sobol(ms.dim, scramble=True, seed=np.random.default_rng([self._entropy, 1]))
        if index:
            sobol.fast_forward(index)
        a = ms.decode(ms.snap(sobol.random(1))[0], rng)
        return a if ms.space.is_feasible(a) else ms.space.sample_assignment(rng)

    def _propose(
        self, ms: ModelSpace, obs: Observations, rng: np.random.Generator, n: int, index: int
    ) -> list[Assignment]:
        C = _constraint_matrix(obs)
        feasible = obs.violation <= 0
        y = mo_scalarize(
            obs.Y,
            rng,
            method=self.scalarization,
            scaler=self.objective_scaler,
            violation=obs.violation,
            penalty=False,  # the constraints have a model of their own
        )
        worst = float(y.max())
        X_fit = np.vstack([obs.X, obs.X_failed])
        y_fit = np.r_[y, np.full(len(obs.X_failed), worst)]
        z_fit, to_z = (warp if self._warps(ms, obs) else standardize)(y_fit)
        best = to_z(float(y[feasible].min())) if feasible.any() else math.nan
        lie = {
            "cl_max": float(z_fit.max()),
            "cl_min": best if feasible.any() else float(z_fit.min()),
            "cl_mean": 0.0,
        }[self.liar]
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
            short=short_columns(ms),
        )
        self._warm = params
        cgps = self._constraint_models(ms, obs, C, rng, full)
        X_all = np.vstack([X_fit, obs.X_pending])
        z_all = np.r_[z_fit, np.full(len(obs.X_pending), lie)]
        fill = obs.trials[int(np.argmin(np.where(feasible, y, np.inf)))].assignment
        taken = set(ms.keys(X_all))
        order = np.lexsort((y, ~feasible))  # feasible first, then by value
        seeds = ms.latent(obs.X[order[: self.optimizer.n_restarts]], rng)
        out: list[Assignment] = []
        for _ in range(n):
            gp = GaussianProcess(params, ms.categorical).condition(X_all, z_all)
            a = self._maximize(gp, best, ms, seeds, rng, fill, taken, cgps)
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
        cgps: list[tuple[GaussianProcess, float]] | None = None,
    ) -> Assignment:
        kappa = self.kappa
        if cgps:
            return self._maximize_constrained(gp, best, ms, seeds, rng, fill, taken, cgps)

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
        return self._first_new(result.Z, ms, rng, fill, taken)

    def _maximize_constrained(
        self,
        gp: GaussianProcess,
        best: float,
        ms: ModelSpace,
        seeds: np.ndarray,
        rng: np.random.Generator,
        fill: Mapping[str, Any],
        taken: set[bytes],
        cgps: list[tuple[GaussianProcess, float]],
    ) -> Assignment:
        """log EI (or UCB, or nothing before a feasible trial) plus the log probability
        that every constraint holds."""
        kappa = self.kappa
        use_obj = not math.isnan(best)

        def value(X: np.ndarray) -> np.ndarray:
            out = np.zeros(len(X))
            if use_obj:
                m, v = gp.predict(X)
                out += log_ei(m, v, best) if self.acquisition == "logei" else ucb(m, v, kappa)
            for cgp, t in cgps:
                out += log_feasible(*cgp.predict(X), t)
            return out

        def value_grad(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            out, grad = np.zeros(len(X)), np.zeros(X.shape)
            if use_obj:
                m, v, dm, dv = gp.predict_grad(X)
                f = log_ei_grad if self.acquisition == "logei" else ucb_grad
                a, g = f(m, v, dm, dv, best if self.acquisition == "logei" else kappa)
                out, grad = out + a, grad + g
            for cgp, t in cgps:
                a, g = log_feasible_grad(*cgp.predict_grad(X), t)
                out, grad = out + a, grad + g
            return out, grad

        result = self.optimizer.maximize(value, value_grad, ms, seeds, rng)
        return self._first_new(result.Z, ms, rng, fill, taken)

    def _constraint_models(
        self,
        ms: ModelSpace,
        obs: Observations,
        C: np.ndarray | None,
        rng: np.random.Generator,
        full: bool,
    ) -> list[tuple[GaussianProcess, float]]:
        """A GP per outcome constraint, on the completed trials that report it, and the
        standardized threshold (0 in the constraint's units)."""
        if C is None:
            return []
        models: list[tuple[GaussianProcess, float]] = []
        while len(self._warm_constraints) < C.shape[1]:
            self._warm_constraints.append(None)
        for j in range(C.shape[1]):
            c = C[:, j]
            ok = np.isfinite(c)
            if ok.sum() < 2:
                continue
            z, to_z = standardize(c[ok])
            warm = self._warm_constraints[j]
            params = fit_params(
                obs.X[ok],
                z,
                ms.categorical,
                rng,
                init=warm,
                n_restarts=self.fit_restarts if (full or warm is None) else -1,
            )
            self._warm_constraints[j] = params
            cgp = GaussianProcess(params, ms.categorical).condition(obs.X[ok], z)
            models.append((cgp, to_z(0.0)))
        return models

    def _first_new(
        self,
        Z: np.ndarray,
        ms: ModelSpace,
        rng: np.random.Generator,
        fill: Mapping[str, Any],
        taken: set[bytes],
    ) -> Assignment:
        for z in Z[:500]:
            a = ms.decode(z, rng, fill)
            key = ms.keys(ms.encode([a]))[0]
            if key in taken or not ms.space.is_feasible(a):
                continue
            taken.add(key)
            return a
        a = ms.space.sample_assignment(rng)
        taken.add(ms.keys(ms.encode([a]))[0])
        return a
