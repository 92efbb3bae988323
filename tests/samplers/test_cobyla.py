"""CobylaSampler: the conformance suite, SciPy's COBYLA replayed exactly, restarts,
parallel workers and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

import hyperhop as hh
from hyperhop.samplers import CobylaSampler, Sampler
from tests.samplers.conformance import SamplerConformance, quadratic, quadratic_space


class TestCobyla(SamplerConformance):
    algo_name = "cobyla"
    seeded = False  # it starts from the centre of the box whatever the seed
    n_warmup = 10

    def make(self, seed: int | None) -> Sampler:
        return CobylaSampler(seed)

    def test_respects_a_mixed_conditional_space(self) -> None:
        # a local method from the centre: it need not visit both branches, only stay valid
        from tests.samplers.conformance import mixed_objective, mixed_space

        space = mixed_space()
        s = self.run(self.study(space, seed=3), mixed_objective, 45)
        self.assert_valid(space, list(s.trials))
        assert len(s.trials) == 45


def _rosenbrock(u: np.ndarray) -> float:
    x = -2 + 4 * u  # the unit cube onto [-2, 2]^d
    return float(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


def test_proposes_the_points_scipy_cobyla_evaluates() -> None:
    d, n = 4, 40
    asked: list[np.ndarray] = []

    def f(z: np.ndarray) -> float:
        u = np.clip(z, 0.0, 1.0)
        asked.append(u)
        if len(asked) >= n:
            raise StopIteration
        return _rosenbrock(u)

    with pytest.raises(StopIteration):
        minimize(f, np.full(d, 0.5), method="COBYLA", options={"rhobeg": 1 / 6}, tol=1e-6)
    study = hh.Study({f"x{i}": hh.float(-2, 2) for i in range(d)}, algo="cobyla", seed=0)
    study.optimize(
        lambda c: _rosenbrock((np.array([c[f"x{i}"] for i in range(d)]) + 2) / 4),
        n_trials=n,
        progress=False,
    )
    got = np.array([[(t.assignment[f"x{i}"] + 2) / 4 for i in range(d)] for t in study.trials])
    np.testing.assert_allclose(got, np.array(asked), atol=1e-9)


def test_restarts_after_converging_and_keeps_proposing_new_points() -> None:
    study = hh.Study(quadratic_space(2), algo=CobylaSampler(0, rhoend=1e-3), seed=0)
    study.optimize(quadratic, n_trials=150, progress=False)
    assert study.best_value < 1e-4
    points = {(t.assignment["x0"], t.assignment["x1"]) for t in study.trials}
    assert len(points) > 140  # the restarts and the final perturbations keep moving


def test_parallel_workers_get_different_points_and_converge() -> None:
    study = hh.Study(quadratic_space(4), algo="cobyla", seed=0)
    study.optimize(quadratic, n_trials=80, n_jobs=4, progress=False)
    keys = {tuple(sorted(t.assignment.items())) for t in study.trials}
    assert len(keys) == 80
    assert study.best_value < 0.05


def test_steers_away_from_points_that_break_the_constraints() -> None:
    space = hh.Space(
        {"x": hh.float(0.0, 1.0), "y": hh.float(0.0, 1.0)},
        constraints=[lambda c: c["x"] + c["y"] <= 1.0],
    )
    study = hh.Study(space, algo="cobyla", seed=0)
    study.optimize(lambda c: (c["x"] - 1) ** 2 + (c["y"] - 0.6) ** 2, n_trials=40, progress=False)
    assert all(t.assignment["x"] + t.assignment["y"] <= 1.0 for t in study.trials)
    # the optimum, 0.18 at (0.7, 0.3), lies on the constraint; random proposals in place
    # of the points that break it (what an unconstrained replay would do) reach 0.194
    assert study.best_value < 0.18 + 0.01


def test_ignores_the_points_of_other_samplers() -> None:
    space = quadratic_space(3)
    study = hh.Study(space, algo="cobyla", seed=0)
    for v in (-4.0, 4.0, 0.7):
        study.enqueue({"x0": v, "x1": -v, "x2": v})
    study.optimize(quadratic, n_trials=40, progress=False)
    alone = hh.Study(space, algo="cobyla", seed=0)
    alone.optimize(quadratic, n_trials=37, progress=False)
    ours = [tuple(sorted(t.assignment.items())) for t in study.trials][3:]
    assert ours == [tuple(sorted(t.assignment.items())) for t in alone.trials]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"rhobeg": 0.0}, "rhoend < rhobeg <= 1"),
        ({"rhobeg": 1.5}, "rhoend < rhobeg <= 1"),
        ({"rhobeg": 0.1, "rhoend": 0.2}, "rhoend < rhobeg <= 1"),
        ({"max_restarts": -1}, "max_restarts"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        CobylaSampler(0, **kwargs)


def test_a_failed_trial_counts_as_the_worst_value_before_it() -> None:
    # the solver is answered as SciPy would be with the worst value it had been given so
    # far, whatever comes later: so it goes on with the run the history holds
    d, n, fail_at = 3, 30, 1
    asked: list[np.ndarray] = []
    given: list[float] = []

    def f(z: np.ndarray) -> float:
        u = np.clip(z, 0.0, 1.0)
        asked.append(u)
        if len(asked) >= n:
            raise StopIteration
        v = max(given) if len(asked) == fail_at + 1 else _rosenbrock(u)
        given.append(v)
        return v

    with pytest.raises(StopIteration):
        minimize(f, np.full(d, 0.5), method="COBYLA", options={"rhobeg": 1 / 6}, tol=1e-6)

    calls = [0]

    def objective(c: dict) -> float:
        calls[0] += 1
        if calls[0] == fail_at + 1:
            raise RuntimeError("this one fails")
        return _rosenbrock((np.array([c[f"x{i}"] for i in range(d)]) + 2) / 4)

    study = hh.Study({f"x{i}": hh.float(-2, 2) for i in range(d)}, algo="cobyla", seed=0)
    study.optimize(objective, n_trials=n - 1, progress=False, max_consecutive_failures=None)
    got = np.array([[(t.assignment[f"x{i}"] + 2) / 4 for i in range(d)] for t in study.trials])
    assert study.trials[fail_at].state is hh.TrialState.FAILED
    np.testing.assert_allclose(got, np.array(asked)[: len(got)], atol=1e-9)
