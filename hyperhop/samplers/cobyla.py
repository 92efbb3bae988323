"""CobylaSampler: local search by linear models in a trust region (SciPy's COBYLA), for
small budgets on continuous boxes.

COBYLA is sequential and keeps its state inside SciPy's solver, which has no ask/tell
interface. The sampler holds none of it: every suggestion replays the solver from the
start against the history, answering each point it asks with the value of the trial at
that point, and proposes the first point that no trial holds yet. A resumed study, or a
new process, therefore continues the same run. Replaying costs about 1 ms per finished
trial (10 dimensions: 0.2 s a suggestion after 200 trials), so a suggestion's cost grows
linearly with the trials: the method is for budgets of a few hundred.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from hyperhop.samplers.base import History, SerialSampler
from hyperhop.samplers.modelspace import ModelSpace, fallback, minmax, observe
from hyperhop.space import Assignment

_MATCH = 1e-7
"""Two encoded points closer than this in every column are the same trial."""


class _Asked(Exception):
    """Raised from the objective when the solver asks for a point no trial holds."""

    def __init__(self, z: np.ndarray) -> None:
        super().__init__()
        self.z = z


class CobylaSampler(SerialSampler):
    """COBYLA (Powell's Constrained Optimization BY Linear Approximations) on the space's
    unit-cube encoding, from its centre: ``d + 1`` points along the axes at distance
    ``rhobeg`` first, then one step of a linear model in a shrinking trust region per
    trial. When the trust region has shrunk to ``rhoend``, the search restarts from the
    best trial with half the previous ``rhobeg``, up to ``max_restarts`` times; then it
    perturbs the best trial. Points outside the space's constraints, failed trials and
    trials still running (a constant liar, so parallel workers get different points) count
    as the worst value the solver was given before them; a finished trial that the liar
    led astray stays in the history as one more point, and the solver goes on from the
    true values.

    On continuous boxes with a budget of about ``10 * d`` trials, this is the best
    method we measured (benchmarks/quality.py: Rosenbrock, Ackley and Levy in 10
    dimensions, Hartmann-6), as it is Nevergrad's NGOpt's choice there. Integers and
    categories are rounded from the continuous point, so on hyperparameter spaces
    prefer ``auto``. It starts from the centre whatever the seed: the seed only draws
    custom parameters and the perturbations after the last restart. Multi-objective
    studies minimize the sum of the objectives scaled to [0, 1].

    Args:
        seed: for the perturbations and custom parameters (see above).
        rhobeg: the first trust-region radius, in the unit cube (NGOpt's is 1/6 of the range).
        rhoend: the radius at which a run ends (then a restart).
        max_restarts: restarts from the best trial after the first run.
        max_columns: spaces with more encoded columns get no solver (its linear models
            cost O(d^2) memory and d + 1 trials to start): perturbations and random
            samples instead, as the model-based samplers do.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(-2, 2), "y": hh.float(-2, 2)}, algo="cobyla")
        >>> _ = study.optimize(lambda c: (c["x"] - 1) ** 2 + c["y"] ** 2, n_trials=30, progress=False)
        >>> round(study.best_value, 3)
        0.0
    """

    name = "cobyla"
    resume_deterministic = True

    def __init__(
        self,
        seed: int | None = None,
        *,
        rhobeg: float = 1 / 6,
        rhoend: float = 1e-6,
        max_restarts: int = 6,
        max_columns: int = 200,
    ) -> None:
        super().__init__(seed)
        if not 0 < rhoend < rhobeg <= 1:
            raise ValueError(
                "CobylaSampler needs 0 < rhoend < rhobeg <= 1 (radii in the unit cube). "
                f"Got rhobeg={rhobeg!r}, rhoend={rhoend!r} instead."
            )
        if max_restarts < 0:
            raise ValueError(
                f"The 'max_restarts' parameter of CobylaSampler must be >= 0. Got {max_restarts!r}."
            )
        self.rhobeg = float(rhobeg)
        self.rhoend = float(rhoend)
        self.max_restarts = int(max_restarts)
        self.max_columns = int(max_columns)
        self._ms: ModelSpace | None = None

    def __repr__(self) -> str:
        return f"CobylaSampler(seed={self.seed!r}, rhobeg={self.rhobeg!r}, rhoend={self.rhoend!r})"

    def _suggest(self, history: History) -> Assignment:
        space = history.space
        rng = self.rng_for(history.n)
        if self._ms is None or self._ms.space is not space:
            self._ms = ModelSpace(space)
        ms = self._ms
        z = self.next_point(history, ms) if 0 < ms.dim <= self.max_columns else None
        if z is None:
            return fallback(history, ms, rng, 1, "CobylaSampler", self.max_columns)[0]
        return ms.decode(ms.snap(z[None, :])[0], rng)

    def next_point(self, history: History, ms: ModelSpace) -> np.ndarray | None:
        """The unit-cube point the solver asks for next (None: every restart is spent)."""
        obs = observe(history, ms)
        y = _one_value(obs.Y)
        X = np.vstack([obs.X, obs.X_failed, obs.X_pending])
        # failed and running trials (a constant liar: the replay goes past them, so
        # parallel workers get different points) are NaN here: see bad() below
        values = np.concatenate([y, np.full(len(obs.X_failed) + len(obs.X_pending), np.nan)])
        fallback_worst = float(y.max()) if y.size else 0.0
        lookup = np.random.default_rng(0)  # decoding continuous points draws nothing
        feasible = ms.space.is_feasible
        answered: list[float] = []

        def bad() -> float:
            # the worst value the solver was given so far in this replay: it depends only
            # on the points before, so every replay answers the same, and the run the
            # solver remembers stays the run the history holds
            return max(answered) if answered else fallback_worst

        def objective(u: np.ndarray) -> tuple[float, bool]:
            a = ms.decode(ms.snap(u[None, :])[0], lookup)
            if not feasible(a):
                return bad(), False  # outside the space's constraints: never proposed
            row = ms.encode([a])[0]
            if len(X):
                hit = np.flatnonzero(np.abs(X - row).max(axis=1) < _MATCH)
                if hit.size:
                    v = float(values[hit[0]])
                    measured = v == v
                    if not measured:
                        v = bad()
                    answered.append(v)
                    return v, measured
            raise _Asked(u)

        try:
            self.run_solver(objective, ms.dim)
        except _Asked as asked:
            return asked.z
        return None

    def run_solver(self, objective: Callable[[np.ndarray], tuple[float, bool]], dim: int) -> None:
        """SciPy's COBYLA on ``objective`` from the centre of the unit cube, then restarts
        from the best measured point with half the radius. ``objective`` gets a point of
        the unit cube and returns its value and whether it was measured (a trial's own
        value, which may become a restart point); an exception it raises ends the run."""
        from scipy.optimize import minimize  # imported when first needed (slow)

        seen: list[tuple[float, np.ndarray]] = []  # the measured points of the current run

        def f(z: np.ndarray) -> float:
            u = np.clip(z, 0.0, 1.0)
            v, measured = objective(u)
            if measured:
                seen.append((v, u))
            return v

        x0 = np.full(dim, 0.5)
        rhobeg = self.rhobeg
        for _ in range(self.max_restarts + 1):
            seen.clear()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                minimize(
                    f,
                    x0,
                    method="COBYLA",
                    options={"rhobeg": rhobeg, "maxiter": 100_000},
                    tol=self.rhoend,
                )
            if seen:
                x0 = min(seen, key=lambda s: s[0])[1]
            rhobeg = max(rhobeg / 2, 2 * self.rhoend)


def _one_value(Y: np.ndarray) -> np.ndarray:
    """One number per trial to minimize: the objective, or the sum of the objectives
    scaled to [0, 1]."""
    if Y.shape[1] == 1:
        return Y[:, 0].astype(float)
    return np.asarray(sum(minmax(column) for column in Y.T.astype(float)), dtype=float)
