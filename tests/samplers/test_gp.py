"""GP: the conformance suite, the posterior against a hand computation, gradients, log-EI
stability, categorical distances, liars, batches and a loose quality check."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import integrate, special

import hyperhop as hh
from hyperhop.samplers import GPSampler, History, Sampler
from hyperhop.samplers.blas import single_threaded_blas
from hyperhop.samplers.gp.acquisition import d_log_h, log_ei, log_ei_grad, log_h, ucb_grad
from hyperhop.samplers.gp.model import (
    JITTER,
    GaussianProcess,
    GPParams,
    Prior,
    fit_params,
    neg_log_posterior,
    scaled_sq_dist,
    sq_diffs,
)
from tests.samplers.conformance import SamplerConformance, mixed_objective, mixed_space
from tests.samplers.test_cbo import BRANIN_MIN, BRANIN_SPACE, branin, filled, history_of


class TestGP(SamplerConformance):
    algo_name = "gp"
    n_warmup = 30

    def make(self, seed: int | None) -> Sampler:
        return GPSampler(seed)


def matern(r: float, s: float) -> float:
    return s * (1 + math.sqrt(5) * r + 5 / 3 * r * r) * math.exp(-math.sqrt(5) * r)


# ---------------------------------------------------------------------------- the model
def test_posterior_matches_a_hand_computed_two_point_case() -> None:
    ls, s, noise = 0.4, 1.5, 0.01
    x1, x2, xs = 0.2, 0.7, 0.4
    y = np.array([1.0, -0.5])
    k11 = k22 = s + noise + JITTER  # the model adds a fixed jitter to the diagonal
    k12 = matern(abs(x1 - x2) / ls, s)
    det = k11 * k22 - k12 * k12
    kinv = np.array([[k22, -k12], [-k12, k11]]) / det
    ks = np.array([matern(abs(xs - x1) / ls, s), matern(abs(xs - x2) / ls, s)])
    gp = GaussianProcess(GPParams(np.array([ls]), s, noise))
    gp.condition(np.array([[x1], [x2]]), y)
    mean, var = gp.predict(np.array([[xs]]))
    assert mean[0] == pytest.approx(ks @ kinv @ y, rel=1e-10)
    assert var[0] == pytest.approx(s - ks @ kinv @ ks, rel=1e-10)


def test_categorical_columns_use_the_hamming_distance() -> None:
    cat = np.array([False, True])
    A = np.array([[0.5, 1 / 8]])
    B = np.array([[0.5, 3 / 8], [0.5, 7 / 8], [0.5, 1 / 8]])
    r2 = scaled_sq_dist(A, B, np.array([0.3, 0.5]), cat)
    np.testing.assert_allclose(r2[0], [4.0, 4.0, 0.0])  # 1 / 0.5^2 for any other category
    np.testing.assert_allclose(sq_diffs(A, B, cat)[0, :, 1], [1.0, 1.0, 0.0])


def test_predict_grad_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    cat = np.array([False, False, True])
    X = np.c_[rng.random((15, 2)), (rng.integers(0, 3, 15) + 0.5) / 3]
    gp = GaussianProcess(GPParams(np.array([0.3, 0.6, 0.8]), 1.3, 1e-4), cat)
    gp.condition(X, rng.standard_normal(15))
    x = np.array([[0.41, 0.63, 0.5]])
    mean, var, dmean, dvar = gp.predict_grad(x)
    m0, v0 = gp.predict(x)
    assert mean[0] == pytest.approx(m0[0]) and var[0] == pytest.approx(v0[0])
    best = -0.5
    val, grad = log_ei_grad(mean, var, dmean, dvar, best)
    assert val[0] == pytest.approx(log_ei(m0, v0, best)[0])
    for j in range(2):
        e = np.zeros((1, 3))
        e[0, j] = 1e-6
        (mp, vp), (mm, vm) = gp.predict(x + e), gp.predict(x - e)
        assert dmean[0, j] == pytest.approx((mp - mm)[0] / 2e-6, rel=1e-4, abs=1e-7)
        assert dvar[0, j] == pytest.approx((vp - vm)[0] / 2e-6, rel=1e-4, abs=1e-7)
        fd = (log_ei(mp, vp, best) - log_ei(mm, vm, best))[0] / 2e-6
        assert grad[0, j] == pytest.approx(fd, rel=1e-4, abs=1e-7)
    assert dmean[0, 2] == 0.0 and dvar[0, 2] == 0.0
    _, g = ucb_grad(mean, var, dmean, dvar, 2.0)
    assert g.shape == (1, 3)


def test_neg_log_posterior_gradient() -> None:
    rng = np.random.default_rng(1)
    cat = np.array([False, False, True])
    X = np.c_[rng.random((20, 2)), (rng.integers(0, 2, 20) + 0.5) / 2]
    y = np.sin(6 * X[:, 0]) + X[:, 2]
    y = (y - y.mean()) / y.std()
    D = sq_diffs(X, X, cat)
    prior = Prior(3)
    theta = np.array([-1.0, 0.2, -0.5, 0.3, -5.0])
    f0, g = neg_log_posterior(theta, D, y, prior)
    for j in range(len(theta)):
        e = np.zeros_like(theta)
        e[j] = 1e-6
        fd = (
            neg_log_posterior(theta + e, D, y, prior)[0]
            - neg_log_posterior(theta - e, D, y, prior)[0]
        ) / 2e-6
        assert g[j] == pytest.approx(fd, rel=1e-4, abs=1e-5)
    assert math.isfinite(f0)


def test_fit_finds_the_relevant_dimension() -> None:
    rng = np.random.default_rng(2)
    X = rng.random((40, 2))
    y = np.sin(8 * X[:, 0])
    with single_threaded_blas():
        p = fit_params(X, (y - y.mean()) / y.std(), np.zeros(2, bool), rng)
    assert p.lengthscales[0] < 0.5 < 2 < p.lengthscales[1]
    assert p.noise < 1e-2


# ---------------------------------------------------------------------------- log EI
@pytest.mark.parametrize("z", [2.0, 0.0, -0.5, -1.0, -3.0, -8.0, -20.0, -35.0])
def test_log_h_matches_the_integral(z: float) -> None:
    # h(z) = phi(z) + z Phi(z) = integral of Phi from -inf to z
    h, _ = integrate.quad(special.ndtr, -np.inf, z, epsabs=0, epsrel=1e-12, limit=200)
    assert log_h(np.array([z]))[0] == pytest.approx(math.log(h), rel=1e-8)


def test_log_ei_is_stable_for_very_negative_z() -> None:
    z = -np.logspace(0, 12, 200)
    lh = log_h(z)
    assert np.all(np.isfinite(lh))
    assert np.all(np.diff(lh) < 0)  # strictly decreasing as z goes down
    # the asymptote: log h(z) ~ -z^2/2 - log(2 pi)/2 - 2 log|z|
    tail = z < -1e3
    asym = -0.5 * z[tail] ** 2 - 0.5 * math.log(2 * math.pi) - 2 * np.log(-z[tail])
    np.testing.assert_allclose(lh[tail], asym, rtol=1e-9)
    # the gradient (Phi / h) stays finite and positive, about -z for large |z|
    g = d_log_h(z, lh)
    assert np.all(np.isfinite(g)) and np.all(g > 0)
    np.testing.assert_allclose(g[tail], -z[tail], rtol=1e-3)
    # a naive log(ei) is -inf there; log_ei is not
    assert np.isfinite(log_ei(np.array([50.0]), np.array([1e-4]), 0.0)).all()


# ---------------------------------------------------------------------------- the sampler
def test_constant_liar_spreads_parallel_suggestions() -> None:
    space = {"x": hh.float(-5, 5), "y": hh.float(-5, 5)}
    study = filled(hh.Study(space, algo=GPSampler(0)), 15)
    pending = [study.ask() for _ in range(5)]
    P = np.array([[t.assignment["x"], t.assignment["y"]] for t in pending])
    d = np.sqrt(((P[:, None] - P[None]) ** 2).sum(-1))[np.triu_indices(5, 1)]
    assert d.min() > 0.1


def test_suggest_batch() -> None:
    study = filled(hh.Study(mixed_space(), algo="random", seed=0), 35, mixed_objective)
    h = history_of(study)
    batch = GPSampler(0).suggest_batch(h, 4)
    assert len({str(sorted(a.items())) for a in batch}) == 4
    for a in batch:
        study.space.validate(a)
    with pytest.raises(ValueError):
        GPSampler(0).suggest_batch(h, 0)


def test_initial_points_are_sobol() -> None:
    space = {"x": hh.float(0, 1), "y": hh.float(0, 1)}
    study = hh.Study(space, algo=GPSampler(4, n_initial_points=8))
    study.optimize(lambda c: 0.0, n_trials=8, progress=False)
    P = np.array([[t.assignment["x"], t.assignment["y"]] for t in study.trials])
    for j in range(2):  # one point per eighth in each projection
        assert sorted(np.floor(P[:, j] * 8).astype(int).tolist()) == list(range(8))


def test_integers_and_categories() -> None:
    space = {"n": hh.int(1, 30), "c": hh.choice("a", "b", "c"), "x": hh.float(0, 1)}

    def f(c: Any) -> float:
        return (c["n"] - 17) ** 2 / 100 + {"a": 1.0, "b": 0.0, "c": 0.5}[c["c"]] + c["x"]

    study = hh.Study(space, algo=GPSampler(0))
    study.optimize(f, n_trials=30, progress=False)
    best = study.best.config
    assert best["c"] == "b" and abs(best["n"] - 17) <= 2 and study.best_value < 0.15


def test_options() -> None:
    space = {"x": hh.float(-2, 2)}
    for kwargs in ({"acquisition": "ucb"}, {"liar": "cl_mean", "max_fit_points": 8}):
        study = hh.Study(space, algo=GPSampler(0, **kwargs))
        study.optimize(lambda c: (c["x"] - 0.3) ** 2, n_trials=16, progress=False)
        assert study.best_value < 0.01
    with pytest.raises(ValueError, match="acquisition"):
        GPSampler(acquisition="ei")
    with pytest.raises(ValueError, match="liar"):
        GPSampler(liar="max")


def test_beats_random_on_branin() -> None:
    mine, rand = [], []
    for seed in (0, 1, 2):
        s = hh.Study(BRANIN_SPACE, algo=GPSampler(seed))
        mine.append(s.optimize(branin, n_trials=50, progress=False).best_value - BRANIN_MIN)
        r = hh.Study(BRANIN_SPACE, algo="random", seed=seed)
        rand.append(r.optimize(branin, n_trials=50, progress=False).best_value - BRANIN_MIN)
    assert max(mine) < 0.1 and np.mean(mine) < np.mean(rand), (mine, rand)


def test_history_object_is_enough() -> None:
    """A sampler needs only a History (no study)."""
    study = filled(hh.Study({"x": hh.float(0, 1)}, algo="random", seed=0), 12)
    h = History(study.space, study.directions, list(study.trials))
    assert 0.0 <= GPSampler(0).suggest(h)["x"] <= 1.0


def test_extreme_and_infinite_values_do_not_overflow_the_model() -> None:
    """Values near the float limits and +-inf are valid results: the GP's standardization
    must not turn them into NaN (it used to warn 'overflow encountered in square')."""
    import warnings

    import numpy as np

    import hyperhop as hh
    from hyperhop.samplers.gp.targets import standardize

    y = np.array([1.0, 2.0, 4.0])
    z, to_z = standardize(y)
    assert np.allclose(z, (y - y.mean()) / y.std()) and to_z(4.0) == z[2]
    z, to_z = standardize(np.array([1e308, -1e308, np.inf, -np.inf, 3.0]))
    assert np.isfinite(z).all() and z[2] > z[0] > z[4] > z[1] > z[3]

    vals = [1e308, -1e308, 3.0, float("inf"), -float("inf"), 2.0, 1e307, 5.0]
    study = hh.Study({"x": hh.float(0, 1), "y": hh.float(0, 1)}, algo="gp", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for i in range(14):
            trial = study.ask()
            assert 0 <= trial.config["x"] <= 1
            study.tell(trial, vals[i % len(vals)])
    assert study.best.value == -float("inf")
