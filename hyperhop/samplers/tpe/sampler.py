"""The Tree-structured Parzen Estimator: Hyperopt's estimators, Optuna's or Hyperopt's defaults."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from hyperhop.multiobjective.scalarization import SCALERS, check_scalarization, scalarize
from hyperhop.samplers.base import History, SerialSampler
from hyperhop.samplers.blas import single_threaded_blas
from hyperhop.samplers.fidelity import budget_values
from hyperhop.samplers.tpe import multivariate as mv
from hyperhop.samplers.tpe import parzen
from hyperhop.samplers.tpe.columns import Group, Plan, compile_plan
from hyperhop.samplers.tpe.observations import COMPLETE, TrialTable
from hyperhop.samplers.tpe.ordering import MIN_SUBSET, ColumnOrder
from hyperhop.samplers.tpe.workspace import Workspace
from hyperhop.space import Assignment, Space


def linear_gamma(n: int) -> int:
    """Optuna's split, ``min(ceil(0.1 * n), 25)`` good trials, :class:`TPESampler`'s
    default (a larger good set than Hyperopt's ``0.25 * sqrt(n)``).

    Example:
        >>> [linear_gamma(n) for n in (20, 100, 1000)]
        [2, 10, 25]
    """
    return min(math.ceil(0.1 * n), 25)


class TPESampler(SerialSampler):
    """The Tree-structured Parzen Estimator: random startup trials, then expected
    improvement over candidates drawn from a Parzen model of the good trials, l(x),
    against the others, g(x).

    Hyperopt's algorithm (its adaptive Parzen estimators, prior, magic clip, linear
    forgetting, 24 candidates, prior weight 1), with the three defaults Optuna 5 changed
    from Hyperopt's, because they find better points at every budget:

    - 10 random startup trials, not 20;
    - a good set of ``min(ceil(0.1 * N), 25)`` of the N trials (:func:`linear_gamma`),
      not ``min(ceil(0.25 * sqrt(N)), 25)``, which leaves 3 trials in l(x) at N = 100;
    - ``multivariate=True``: the always-active parameters are modelled jointly (one
      kernel per trial over all of them, so l(x) keeps their interactions); a parameter
      of a conditional branch is modelled on its own, on the trials where it is active.

    benchmarks/quality.py measured it (30 seeds, the eight synthetic problems and the
    three scikit-learn ones): lower mean regret than Hyperopt's defaults on every problem
    at 25, 50 and 100 evaluations, and the same average over the synthetic problems as
    Optuna's TPE (0.318 against 0.320 at 25, 0.239 against 0.241 at 50, 0.188 against
    0.187 at 100). :class:`HyperoptTPESampler` (``algo="hyperopt_tpe"``) keeps Hyperopt's
    defaults, for results that match Hyperopt's ``tpe.suggest``. ``group=True`` models
    every set of co-active parameters of a conditional space jointly.

    Failed, pruned and still-running trials count in N and always sit in g(x): the model
    learns to avoid failures, and parallel workers get different suggestions (a constant
    liar). Custom parameters and arrays of more than 64 entries are drawn from their prior.

    Multi-fidelity (a pruner that allocates a budget, BOHB's setting): while fewer than
    ``d + 2`` trials completed (``d`` parameters), the good set is taken among the trials
    that reached the largest budget ``d + 2`` finished trials reached, by their values at
    that budget (:mod:`hyperhop.samplers.fidelity`), instead of among the few completed
    ones; values measured at different budgets are never compared.

    Several objectives are scalarized afresh for each suggestion, in DeepHyper's manner
    (:func:`hyperhop.multiobjective.scalarize`: each objective rescaled from the history,
    then ``scalarization`` with weights drawn uniformly on the simplex), and the good set is
    the best by that one number, so successive suggestions aim at different parts of the
    Pareto front. Trials that violate their outcome constraints rank after every feasible
    one (by violation), so the good set is feasible whenever enough trials are.

    Args:
        seed: makes the suggestions reproducible.
        n_startup: random trials before the model is used.
        n_ei_candidates: candidates drawn from l(x) per suggestion.
        gamma: a function of N giving the good set's size (default :func:`linear_gamma`,
            Optuna's); or a number: ``min(ceil(gamma * sqrt(N)), max_good)`` trials
            (Hyperopt's rule; Hyperopt's default is 0.25).
        max_good: cap of the good set.
        prior_weight: weight of the prior component in every estimator.
        linear_forgetting: observations beyond this many most recent are down-weighted
            (None or 0: never).
        multivariate: model the always-active parameters jointly (False: each
            parameter on its own, as Hyperopt).
        group: model each set of co-active parameters jointly (implies ``multivariate``).
        scalarization: with several objectives: ``"chebyshev"``, ``"augmented_chebyshev"``,
            ``"linear"`` or ``"pbi"``.
        objective_scaler: how each objective is rescaled first: ``"quantile"`` or ``"minmax"``.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(-5, 5)}, algo=hh.samplers.TPESampler(seed=0))
        >>> _ = study.optimize(lambda c: (c["x"] - 1) ** 2, n_trials=60, progress=False)
        >>> abs(study.best.config["x"] - 1) < 0.3
        True
    """

    name = "tpe"
    resume_deterministic = True

    def __init__(
        self,
        seed: int | None = None,
        *,
        n_startup: int = 10,
        n_ei_candidates: int = 24,
        gamma: float | Callable[[int], int] = linear_gamma,
        max_good: int = 25,
        prior_weight: float = 1.0,
        linear_forgetting: int | None = 25,
        multivariate: bool = True,
        group: bool = False,
        scalarization: str = "chebyshev",
        objective_scaler: str = "quantile",
    ) -> None:
        super().__init__(seed)
        for name, v, low in (
            ("n_startup", n_startup, 0),
            ("n_ei_candidates", n_ei_candidates, 1),
            ("max_good", max_good, 1),
        ):
            if isinstance(v, bool) or not isinstance(v, int) or v < low:
                raise ValueError(
                    f"The '{name}' parameter of TPESampler must be an int >= {low}. Got {v!r} instead."
                )
        if not (callable(gamma) or isinstance(gamma, (int, float)) and gamma > 0):
            raise ValueError(
                f"The 'gamma' parameter of TPESampler must be > 0. Got {gamma!r} instead."
            )
        if not (isinstance(prior_weight, (int, float)) and prior_weight > 0):
            raise ValueError(
                f"The 'prior_weight' parameter of TPESampler must be > 0. Got {prior_weight!r} instead."
            )
        self.n_startup = n_startup
        self.n_ei_candidates = n_ei_candidates
        self.gamma = gamma if callable(gamma) else float(gamma)
        self.max_good = max_good
        self.prior_weight = float(prior_weight)
        self.linear_forgetting = linear_forgetting or None
        self.multivariate = bool(multivariate) or bool(group)
        self.group = bool(group)
        self.scalarization = check_scalarization(scalarization, "TPESampler")
        if objective_scaler not in SCALERS:
            raise ValueError(
                f"The 'objective_scaler' parameter of TPESampler must be one of {sorted(SCALERS)}. "
                f"Got {objective_scaler!r} instead."
            )
        self.objective_scaler = objective_scaler
        self._plan: Plan | None = None
        self._table: TrialTable | None = None
        self._orders: dict[int, ColumnOrder] = {}
        """Per joint group, its numeric columns sorted (the bandwidths need them)."""
        self._ws = Workspace()

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_ws"] = Workspace()  # scratch memory: not worth carrying
        return state

    def __repr__(self) -> str:
        mode = ", group=True" if self.group else f", multivariate={self.multivariate}"
        return f"{type(self).__name__}(seed={self.seed!r}{mode})"

    # ------------------------------------------------------------------ entry point
    def _suggest(self, history: History) -> Assignment:
        space = history.space
        rng = self.rng_for(history.n)
        if history.n < self.n_startup:
            return space.sample_assignment(rng)
        with single_threaded_blas():
            return self._model_suggest(history, rng)

    def _model_suggest(self, history: History, rng: np.random.Generator) -> Assignment:
        space = history.space
        if self._plan is None or self._plan.space is not space:
            self._plan = compile_plan(space)
            self._table = TrialTable(self._plan)
            self._orders = {}
        table = self._table
        assert table is not None
        table.update(history)
        direction = history.directions[0]
        loss = self.losses(history, table)
        eligible = None
        if loss is None:
            at = budget_values(history)
            if at is not None:  # few trials completed: rank all at one budget (BOHB)
                v = at[1] if direction == "min" else -at[1]
                eligible = ~np.isnan(v)
                loss = np.where(eligible, v, math.inf)
        good, bad = table.split(direction, self.gamma, self.max_good, loss, eligible)
        fits: dict[int, Any] = {}
        for _ in range(20):
            a = self._draw(self._plan, table.X[: table.n], good, bad, fits, rng)
            if space.is_feasible(a):
                return a
        return space.sample_assignment(rng)

    def losses(self, history: History, table: TrialTable) -> np.ndarray | None:
        """The number TPE ranks completed trials by, one per row of ``table`` (lower is
        better; other rows are ignored); None for the first objective as it is.

        This is the hook for several objectives and outcome constraints: the objectives
        scalarized with weights drawn for this suggestion, infeasible trials after the
        feasible ones. A subclass may rank trials otherwise.
        """
        n = table.n
        k = len(history.directions)
        viol = table.violation[:n]
        if k == 1 and not viol.any():
            return None
        done = table.state[:n] == COMPLETE
        loss = np.full(n, math.inf)
        if done.any():
            # weights from a stream of their own: the draws of a suggestion stay as they are
            wrng = self.rng_for(history.n + _WEIGHTS_STREAM)
            loss[done] = scalarize(
                table.values[:n][done],
                wrng,
                method=self.scalarization,
                scaler=self.objective_scaler,
                directions=history.directions,
                violation=viol[done],
            )
        return loss

    # ------------------------------------------------------------------ one draw
    def _draw(
        self,
        plan: Plan,
        X: np.ndarray,
        good: np.ndarray,
        bad: np.ndarray,
        fits: dict[int, Any],
        rng: np.random.Generator,
    ) -> Assignment:
        chosen: dict[str, Any] = {}
        for gi, grp in enumerate(plan.groups):
            if not grp.active(chosen):
                continue
            fit = fits.get(gi)
            if fit is None:
                gl = good[~np.isnan(X[good, grp.probe])]
                gb = bad[~np.isnan(X[bad, grp.probe])]
                joint = self.group or (self.multivariate and not grp.first.conditions)
                fit = fits[gi] = (
                    self._fit_joint(gi, grp, X, gl, gb) if joint else self._fit(grp, X[gl], X[gb])
                )
            if fit[0] == "joint":
                self._pick_joint(grp, fit, chosen, rng)
            else:
                self._pick(grp, fit, chosen, rng)
        return _complete(plan.space, chosen, rng)

    # ------------------------------------------------------------------ univariate
    def _fit(self, grp: Group, xl: np.ndarray, xg: np.ndarray) -> tuple[Any, ...]:
        pw, lf = self.prior_weight, self.linear_forgetting
        cats = [
            (
                parzen.categorical_probs(xl[:, c.col], c.n, c.p, c.weighted, pw, lf),
                parzen.categorical_probs(xg[:, c.col], c.n, c.p, c.weighted, pw, lf),
            )
            for c in grp.categorical
        ]
        nums = None
        if len(grp.cols):
            args = (grp.prior_mu, grp.prior_sigma, grp.lo, grp.hi, pw, lf)
            nums = (
                parzen.fit(xl[:, grp.cols].T, *args),
                parzen.fit(xg[:, grp.cols].T, *args),
            )
        return ("uni", cats, nums)

    def _pick(
        self, grp: Group, fit: tuple[Any, ...], chosen: dict[str, Any], rng: np.random.Generator
    ) -> None:
        _, cats, nums = fit
        k = self.n_ei_candidates
        for cat, (pl, pg) in zip(grp.categorical, cats, strict=True):
            cand = _draw_categories(pl, k, rng)
            gain = np.log(pl[cand]) - np.log(pg[cand])
            chosen[cat.spec.label] = cat.raw(int(cand[int(np.argmax(gain))]))
        if nums is None:
            return
        ml, mg = nums
        x = parzen.sample(ml, k, rng)
        score = np.zeros_like(x)
        cont = grp.continuous
        if len(cont):
            xc = x[cont]
            score[cont] = parzen.log_density(_rows(ml, cont), xc) - parzen.log_density(
                _rows(mg, cont), xc
            )
        for col, pos in grp.quantized:
            kk = col.grid_index(x[pos])
            lo, hi = col.bins(kk)
            x[pos] = col.centre(kk)
            for r, i in enumerate(pos.tolist()):
                score[i] = parzen.log_mass_1d(
                    ml.mu[i], ml.sigma[i], ml.weights, lo[r], hi[r]
                ) - parzen.log_mass_1d(mg.mu[i], mg.sigma[i], mg.weights, lo[r], hi[r])
        best = x[np.arange(x.shape[0]), np.argmax(score, axis=1)]
        for col, sl in grp.slices:
            chosen[col.spec.label] = col.raw(best[sl])

    # ------------------------------------------------------------------ joint
    def _fit_joint(
        self, gi: int, grp: Group, X: np.ndarray, gl: np.ndarray, gb: np.ndarray
    ) -> tuple[Any, ...]:
        pw, lf, ws = self.prior_weight, self.linear_forgetting, self._ws
        cat_cols = [c.col for c in grp.categorical]
        keys = (f"{gi}l.", f"{gi}g.")
        orders: list[np.ndarray | None] = [None, None]
        if len(grp.cols) and max(len(gl), len(gb)) >= MIN_SUBSET:
            co = self._orders.setdefault(gi, ColumnOrder())
            assert self._table is not None  # set by _suggest before any fit
            co.update(X[:, grp.cols], self._table.epoch)
            orders = [
                co.order(r, ws, key) if len(r) >= MIN_SUBSET else None
                for r, key in zip((gl, gb), keys, strict=True)
            ]
        fits = []
        for r, key, order in zip((gl, gb), keys, orders, strict=True):
            rows = np.take(X, r, axis=0, out=ws.array(key + "rows", (len(r), X.shape[1])))
            xn = rows if len(grp.cols) == X.shape[1] else rows[:, grp.cols]
            fits.append(mv.fit_joint(grp, xn, rows[:, cat_cols], pw, lf, order, ws, key))
        return ("joint", *fits)

    def _pick_joint(
        self, grp: Group, fit: tuple[Any, ...], chosen: dict[str, Any], rng: np.random.Generator
    ) -> None:
        _, kl, kg = fit
        x, cats = mv.sample_joint(grp, kl, self.n_ei_candidates, rng)
        ws = self._ws
        score = mv.log_density_joint(grp, kl, x, cats, ws) - mv.log_density_joint(
            grp, kg, x, cats, ws
        )
        i = int(np.argmax(score))
        for j, cat in enumerate(grp.categorical):
            chosen[cat.spec.label] = cat.raw(int(cats[i, j]))
        for col, sl in grp.slices:
            chosen[col.spec.label] = col.raw(x[i, sl])


class HyperoptTPESampler(TPESampler):
    """TPE with Hyperopt 0.3's defaults (``tpe.suggest``): 20 random startup trials, a good
    set of ``min(ceil(0.25 * sqrt(N)), 25)`` trials, each parameter modelled on its own.

    The same estimators as :class:`TPESampler`, which differs only in these defaults
    (Optuna's, better on every problem benchmarks/quality.py runs). Any argument of
    :class:`TPESampler` may still be given.

    Example:
        >>> import hyperhop as hh
        >>> s = hh.samplers.HyperoptTPESampler(seed=0)
        >>> s.n_startup, s.gamma, s.multivariate
        (20, 0.25, False)
    """

    name = "hyperopt_tpe"

    def __init__(
        self,
        seed: int | None = None,
        *,
        n_startup: int = 20,
        gamma: float | Callable[[int], int] = 0.25,
        multivariate: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            seed, n_startup=n_startup, gamma=gamma, multivariate=multivariate, **kwargs
        )


def _rows(mix: parzen.Mixture, idx: np.ndarray) -> parzen.Mixture:
    return parzen.Mixture(mix.mu[idx], mix.sigma[idx], mix.weights, mix.lo[idx], mix.hi[idx])


def _draw_categories(p: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    cum = np.cumsum(p)
    return np.minimum(np.searchsorted(cum, rng.random(size) * cum[-1], side="right"), len(p) - 1)


def _complete(space: Space, chosen: dict[str, Any], rng: np.random.Generator) -> Assignment:
    """The assignment in space order: modelled values where active, prior draws for the
    parameters TPE does not model (custom types, large arrays)."""
    out: Assignment = {}
    for spec in space.params:
        if spec.conditions and not spec.is_active(out):
            continue
        v = chosen.get(spec.label, _MISSING)
        out[spec.label] = spec.param.sample(rng) if v is _MISSING else v
    return out


_MISSING = object()
_WEIGHTS_STREAM = 1 << 62
"""Offset of the random stream that draws a suggestion's scalarization weights."""
