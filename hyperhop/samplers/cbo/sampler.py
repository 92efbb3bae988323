"""CBOSampler: DeepHyper's centralized Bayesian optimization, as a pure function of the
history."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from hyperhop.multiobjective.scalarization import check_scalarization, penalize
from hyperhop.multiobjective.scalarization import scalarize as scalarize_by
from hyperhop.samplers.base import History, SerialSampler
from hyperhop.samplers.blas import single_threaded_blas
from hyperhop.samplers.cbo.acquisition import Schedule, make_schedule, ucbd
from hyperhop.samplers.cbo.optimizer import GeneticOptimizer
from hyperhop.samplers.cbo.surrogate import FailureModel, ForestSurrogate
from hyperhop.samplers.modelspace import (
    ModelSpace,
    Observations,
    fallback,
    minmax,
    observe,
    scalarize,
)
from hyperhop.space import Assignment, Space

_FAILURE_MODES = ("max", "mean", "ignore")
_LIARS = ("cl_max", "cl_mean", "cl_min")


def _import_sklearn() -> None:
    """Import the forests' module (a second or more on a cold start)."""
    import sklearn.tree  # noqa: F401


def _check_choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(
            f"The {name!r} parameter of CBOSampler must be one of {list(allowed)}. "
            f"Got {value!r} instead."
        )
    return str(value)


class CBOSampler(SerialSampler):
    """Forest-based Bayesian optimization (DeepHyper's CBO, with its defaults).

    ``2 * n_params + 1`` random trials first; then extremely randomized trees fitted on the
    objective scaled to [0, 1] (values beyond ``Q3 + 1.5 IQR`` clipped first; failed trials
    count as the worst value seen, running ones as the worst value too, a constant liar;
    several objectives are scalarized by Chebyshev with random weights), and the next point maximizes UCBd (``-mean +
    kappa * epistemic std`` of the minimized objective) with kappa on DeepHyper's periodic
    exponential decay, found by a genetic search over the encoded space. A forest
    classifier of failures steers away from regions that fail (hidden constraints);
    explicit constraints are checked on the proposals. :meth:`suggest_batch` gives several
    distinct points at once (qUCBd). With many trials running (``batch_running``), one fit
    proposes such a batch and hands it out over the next asks, so the loop keeps up with
    many workers.

    Args:
        seed: makes proposals reproducible (same seed and history, same proposal).
        n_initial_points: random trials before the model (default ``2 * n_params + 1``).
        kappa: UCB exploration weight at the top of the schedule.
        scheduler: ``"periodic-exp-decay"``, ``"constant"``, ``"bandit"`` or ``i -> kappa``.
        kappa_final: where the periodic decay heads (reached at the end of each period).
        period: length of one decay period, in trials.
        n_trees: trees in the forest.
        min_impurity_decrease: tree regularisation, on the [0, 1]-scaled objective.
        filter_failures: a failed trial's value: ``"max"`` (the worst seen), ``"mean"``, or
            ``"ignore"`` (left out of the regression).
        failure_model: also learn P(failure) and subtract it (times one objective range)
            from the acquisition.
        liar: the value lent to running trials: ``"cl_max"`` (worst), ``"cl_mean"``, ``"cl_min"``.
        pop_size, n_generations, n_random: the genetic search (population, generations,
            uniform samples in the first pool).
        n_seeds: best observed points mutated into the first pool.
        patience, impurity_factor: DeepHyper's surrogate schedule: ``min_impurity_decrease``
            is multiplied by ``impurity_factor`` for every ``patience`` trials without a new
            best (None: fixed).
        outliers_iqr_factor: values above ``Q3 + factor * IQR`` are clipped there before
            scaling (None: no clipping), so that a few huge values do not flatten the rest.
        max_columns: spaces with more encoded columns (large arrays) get no model:
            perturbations of the best trial and random samples instead, with a warning.
        scalarization, weights: how several objectives become one (``"chebyshev"``,
            ``"linear"``, ``"augmented_chebyshev"``, ``"pbi"``), on objectives scaled to
            [0, 1] by their observed range; ``weights`` fixes the weights (default: drawn
            uniform on the simplex for every suggestion).
        batch_running: with more than this many trials running, one model fit proposes
            ``ceil(running / batch_running)`` points (qUCBd), given to the next asks until
            as many new results have come in (the workers of a parallel run ask faster than a
            fit per suggestion allows). None: one fit per suggestion. Fewer running trials
            (a serial run, a few workers) always get one fit per suggestion, so proposals
            there stay a function of the history alone.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(-2, 2), "y": hh.float(-2, 2)},
        ...                  algo=CBOSampler(seed=0))
        >>> _ = study.optimize(lambda c: c["x"] ** 2 + c["y"] ** 2, n_trials=30, progress=False)
        >>> study.best_value < 0.1
        True
    """

    name = "cbo"
    resume_deterministic = True

    def __init__(
        self,
        seed: int | None = None,
        *,
        n_initial_points: int | None = None,
        kappa: float = 1.96,
        scheduler: str | Callable[[int], float] = "periodic-exp-decay",
        kappa_final: float = 0.01,
        period: int = 10,
        n_trees: int = 10,
        min_impurity_decrease: float = 0.005,
        filter_failures: str = "max",
        failure_model: bool = True,
        liar: str = "cl_max",
        pop_size: int = 100,
        n_generations: int = 10,
        n_random: int = 1000,
        n_seeds: int = 10,
        patience: int | None = 10,
        impurity_factor: float = 0.2,
        outliers_iqr_factor: float | None = 1.5,
        max_columns: int = 5000,
        batch_running: int | None = 8,
        scalarization: str = "chebyshev",
        weights: Sequence[float] | None = None,
    ) -> None:
        super().__init__(seed)
        if n_initial_points is not None and n_initial_points < 1:
            raise ValueError(
                "The 'n_initial_points' parameter of CBOSampler must be >= 1 (or None for "
                f"2 * n_params + 1). Got {n_initial_points!r} instead."
            )
        if not kappa >= 0 or not kappa_final > 0 or not period >= 1:
            raise ValueError(
                "CBOSampler needs kappa >= 0, kappa_final > 0 and period >= 1. "
                f"Got kappa={kappa!r}, kappa_final={kappa_final!r}, period={period!r}."
            )
        self.n_initial_points = n_initial_points
        self.kappa = float(kappa)
        self.scheduler = scheduler
        self.kappa_final = float(kappa_final)
        self.period = int(period)
        self.n_trees = int(n_trees)
        self.min_impurity_decrease = float(min_impurity_decrease)
        self.filter_failures = _check_choice("filter_failures", filter_failures, _FAILURE_MODES)
        self.failure_model = bool(failure_model)
        self.liar = _check_choice("liar", liar, _LIARS)
        self.optimizer = GeneticOptimizer(
            pop_size=pop_size, n_generations=n_generations, n_random=n_random
        )
        self.n_seeds = int(n_seeds)
        self.patience = patience
        self.impurity_factor = float(impurity_factor)
        self.outliers_iqr_factor = outliers_iqr_factor
        self.max_columns = int(max_columns)
        if batch_running is not None and batch_running < 1:
            raise ValueError(
                "The 'batch_running' parameter of CBOSampler must be >= 1 or None. "
                f"Got {batch_running!r} instead."
            )
        self.batch_running = batch_running
        self.scalarization = check_scalarization(scalarization, "CBOSampler")
        self.weights = None if weights is None else [float(w) for w in weights]
        self._ms: ModelSpace | None = None
        self._batch: list[Assignment] = []
        """Proposals of the last busy fit not handed out yet."""
        self._batch_key: tuple[Space, int, int] | None = None
        """(space, finished trials at that fit, batch size) of ``_batch``."""
        make_schedule(scheduler, kappa=1.0, kappa_final=0.5, period=1, delay=0, n_params=1)

    # ------------------------------------------------------------------ public
    def n_initial(self, space: Space) -> int:
        """How many random trials come before the model."""
        if self.n_initial_points is not None:
            return self.n_initial_points
        return 2 * len(space.params) + 1

    def schedule(self, space: Space) -> Schedule:
        """The kappa schedule for a space (delayed by the initial points)."""
        return make_schedule(
            self.scheduler,
            kappa=self.kappa,
            kappa_final=self.kappa_final,
            period=self.period,
            delay=self.n_initial(space),
            n_params=len(space.params),
        )

    def impurity_schedule(self, y: np.ndarray) -> float:
        """``min_impurity_decrease`` times ``impurity_factor`` for every ``patience`` trials
        since the best value last improved (``y``: completed values in trial order), so
        the trees resolve finer differences once the search stalls."""
        if len(y) == 0 or self.patience is None:
            return self.min_impurity_decrease
        since = len(y) - 1 - int(np.argmin(y))
        return self.min_impurity_decrease * self.impurity_factor ** (since // self.patience)

    def _suggest(self, history: History) -> Assignment:
        running = sum(not t.state.is_finished for t in history.trials)
        busy = self.batch_running is not None and running > self.batch_running
        if not busy:
            self._batch = []
            with single_threaded_blas():
                return self._suggest_batch(history, 1)[0]
        assert self.batch_running is not None
        finished = history.n - running
        if self._batch and self._batch_key is not None:
            space, at, size = self._batch_key
            if space is history.space and 0 <= finished - at < size:
                return self._batch.pop(0)
        size = -(-running // self.batch_running)
        with single_threaded_blas():
            out = self._suggest_batch(history, size)
        self._batch, self._batch_key = out[1:], (history.space, finished, size)
        return out[0]

    def suggest_batch(self, history: History, n: int) -> list[Assignment]:
        """``n`` distinct proposals: the UCBd optimum, then (qUCBd) the optima of
        ``-mean + k * std`` for ``k`` drawn from an exponential of mean ``kappa``."""
        with self._lock, single_threaded_blas():
            return self._suggest_batch(history, n)

    def _suggest_batch(self, history: History, n: int) -> list[Assignment]:
        if n < 1:
            raise ValueError(f"suggest_batch needs n >= 1. Got {n!r} instead.")
        space = history.space
        rng = self.rng_for(history.n)
        ms = self._model_space(space)
        _import_sklearn()  # at the first ask, not at the first fit, in the middle of a run
        if history.n < self.n_initial(space):
            return [space.sample_assignment(rng) for _ in range(n)]
        if ms.dim == 0 or ms.dim > self.max_columns:
            return fallback(history, ms, rng, n, "CBOSampler", self.max_columns)
        obs = observe(history, ms)
        if obs.n == 0:
            return [space.sample_assignment(rng) for _ in range(n)]
        return self._propose(history, ms, obs, rng, n)

    # ------------------------------------------------------------------ internals
    def _scalarize(self, Y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if Y.shape[1] == 1 or (self.scalarization == "chebyshev" and self.weights is None):
            return scalarize(Y, rng)
        return scalarize_by(
            Y, rng, method=self.scalarization, scaler="minmax", weights=self.weights, penalty=False
        )

    def _model_space(self, space: Space) -> ModelSpace:
        if self._ms is None or self._ms.space is not space:
            self._ms = ModelSpace(space)
        return self._ms

    def _propose(
        self,
        history: History,
        ms: ModelSpace,
        obs: Observations,
        rng: np.random.Generator,
        n: int,
    ) -> list[Assignment]:
        y = penalize(self._scalarize(obs.Y, rng), obs.violation)
        if self.outliers_iqr_factor is not None and len(y) >= 4:
            q1, q3 = np.quantile(y, [0.25, 0.75])
            with np.errstate(over="ignore"):  # a spread near the float limit: no clip (inf)
                cap = q3 + self.outliers_iqr_factor * (q3 - q1)
            y = np.minimum(y, cap)
        y = minmax(y)
        Xs, ys = [obs.X], [y]
        if len(obs.X_failed) and self.filter_failures != "ignore":
            lie = 1.0 if self.filter_failures == "max" else float(y.mean())
            Xs.append(obs.X_failed)
            ys.append(np.full(len(obs.X_failed), lie))
        if len(obs.X_pending):
            lie = {"cl_max": 1.0, "cl_min": 0.0, "cl_mean": float(y.mean())}[self.liar]
            Xs.append(obs.X_pending)
            ys.append(np.full(len(obs.X_pending), lie))
        forest = ForestSurrogate(
            self.n_trees,
            min_impurity_decrease=self.impurity_schedule(y),
            random_state=int(rng.integers(2**31 - 1)),
        ).fit(np.vstack(Xs), np.concatenate(ys))
        fails: FailureModel | None = None
        if self.failure_model and len(obs.X_failed):
            fails = FailureModel(self.n_trees, random_state=int(rng.integers(2**31 - 1)))
            fails.fit(
                np.vstack([obs.X, obs.X_failed]),
                np.r_[np.zeros(obs.n), np.ones(len(obs.X_failed))],
            )
        kappa = self.schedule(history.space)(history.n)

        def moments(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            X = ms.model_matrix(Z)
            mean, std = forest.predict(X)
            penalty = fails.predict(X) if fails is not None else np.zeros(len(X))
            return mean, std, penalty

        def score(Z: np.ndarray) -> np.ndarray:
            mean, std, penalty = moments(Z)
            return ucbd(mean, std, kappa) - penalty

        best = np.argsort(y, kind="stable")[: self.n_seeds]
        result = self.optimizer.maximize(score, ms, ms.latent(obs.X[best], rng), rng)
        fill = obs.trials[int(best[0])].assignment
        taken = set(ms.keys(np.vstack([obs.X, obs.X_failed, obs.X_pending])))
        out = [self._first_acceptable(result.Z, ms, rng, fill, taken)]
        if n > 1:
            mean, std, penalty = moments(result.Z)
            for _ in range(n - 1):
                k = rng.exponential(self.kappa)
                order = np.argsort(-(ucbd(mean, std, k) - penalty), kind="stable")
                out.append(self._first_acceptable(result.Z[order], ms, rng, fill, taken))
        return out

    def _first_acceptable(
        self,
        Z: np.ndarray,
        ms: ModelSpace,
        rng: np.random.Generator,
        fill: Mapping[str, Any],
        taken: set[bytes],
        limit: int = 500,
    ) -> Assignment:
        """The first row (in order) that decodes to a point not tried, not pending, not
        proposed in this batch, and feasible; a random sample when none is."""
        space = ms.space
        for z in Z[:limit]:
            a = ms.decode(z, rng, fill)
            key = ms.keys(ms.encode([a]))[0]
            if key in taken or not space.is_feasible(a):
                continue
            taken.add(key)
            return a
        a = space.sample_assignment(rng)
        taken.add(ms.keys(ms.encode([a]))[0])
        return a
