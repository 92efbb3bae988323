"""CBO: the conformance suite, the encoding, the kappa schedule, UCBd, liars, batches,
hidden and explicit constraints, and a loose quality check."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.samplers import CBOSampler, History, Sampler
from hyperhop.samplers.cbo.acquisition import (
    BanditKappa,
    ConstantKappa,
    PeriodicExpDecay,
    make_schedule,
    ucbd,
)
from hyperhop.samplers.cbo.optimizer import GeneticOptimizer
from hyperhop.samplers.cbo.surrogate import FailureModel, ForestSurrogate
from hyperhop.samplers.modelspace import INACTIVE, ModelSpace, minmax, observe, scalarize
from hyperhop.trial import TrialState
from tests.samplers.conformance import SamplerConformance, mixed_objective, mixed_space


class TestCBO(SamplerConformance):
    algo_name = "cbo"
    n_warmup = 30

    def make(self, seed: int | None) -> Sampler:
        return CBOSampler(seed)


def branin(c: Any) -> float:
    x, y = c["x"], c["y"]
    return (
        (y - 5.1 / (4 * math.pi**2) * x**2 + 5 / math.pi * x - 6) ** 2
        + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x)
        + 10
    )


BRANIN_SPACE = {"x": hh.float(-5.0, 10.0), "y": hh.float(0.0, 15.0)}
BRANIN_MIN = 0.397887


def filled(study: hh.Study, n: int, objective: Any = None) -> hh.Study:
    f = objective or (lambda c: sum(v * v for v in c.values()))
    for _ in range(n):
        t = study.ask()
        study.tell(t, f(t.config))
    return study


def history_of(study: hh.Study) -> History:
    return History(study.space, study.directions, list(study.trials))


# ---------------------------------------------------------------------------- encoding
def test_encoding_matches_the_space() -> None:
    space = mixed_space()
    ms = ModelSpace(space)
    rng = np.random.default_rng(0)
    assignments = [space.sample_assignment(rng) for _ in range(200)]
    X = ms.encode(assignments)
    ref, mask = space.encode_many(assignments, inactive=INACTIVE)
    np.testing.assert_allclose(X, ref)
    # activity computed from the encoded choices agrees with the space
    np.testing.assert_array_equal(ms.active(ms.latent(X, rng)), mask)
    # snapping is what decoding then encoding does, and model matrices round-trip
    Z = ms.random(300, rng)
    for z, x in zip(Z, ms.model_matrix(Z), strict=True):
        np.testing.assert_allclose(ms.encode([space.decode(z)])[0][ms.discrete], x[ms.discrete])


def test_mutation_stays_in_the_cube_and_moves() -> None:
    ms = ModelSpace(mixed_space())
    rng = np.random.default_rng(1)
    Z = ms.random(500, rng)
    M = ms.mutate(Z, rng)
    assert M.min() >= 0.0 and M.max() <= 1.0
    moved = (ms.model_matrix(M) != ms.model_matrix(Z)).any(axis=1)
    assert moved.mean() > 0.8


def test_observe_signs_failures_and_pending() -> None:
    study = hh.Study({"x": hh.float(0.0, 1.0)}, direction="max", seed=0)
    for v in (1.0, 2.0, float("inf"), float("nan")):
        study.tell(study.ask(), v)
    study.tell(study.ask(), RuntimeError("boom"))
    study.tell(study.ask(), TrialState.PRUNED)
    study.ask()  # running
    obs = observe(history_of(study), ModelSpace(study.space))
    # +inf maximized is -inf minimized: the best finite value; NaN and the exception fail
    assert sorted(obs.Y[:, 0].tolist()) == [-2.0, -2.0, -1.0]
    assert len(obs.X_failed) == 3 and len(obs.X_pending) == 1


def test_scalarize_and_minmax() -> None:
    Y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    s = scalarize(Y, np.random.default_rng(0))
    assert s.shape == (3,) and s[2] == s.max()  # the dominated point is never preferred
    np.testing.assert_allclose(minmax(np.array([2.0, 4.0, 3.0])), [0.0, 1.0, 0.5])
    np.testing.assert_allclose(minmax(np.array([5.0, 5.0])), [0.0, 0.0])


# ---------------------------------------------------------------------------- kappa
def test_periodic_exp_decay_matches_deephyper() -> None:
    s = PeriodicExpDecay(kappa=1.96, kappa_final=0.01, period=10, delay=3)
    rate = math.log(1.96 / 0.01) / 10
    assert s(3) == pytest.approx(0.01695, abs=1e-5)  # verified against DeepHyper 0.13.2
    assert s(4) == 1.96
    values = [s(i) for i in range(4, 14)]
    assert all(a > b for a, b in zip(values, values[1:], strict=False))
    for k, v in enumerate(values):
        assert v == pytest.approx(1.96 * math.exp(-rate * k))
    assert s(14) == 1.96 and s(24) == 1.96  # reset every period
    assert s(13) == pytest.approx(1.96 * (0.01 / 1.96) ** 0.9)


def test_other_schedules() -> None:
    assert ConstantKappa(0.5)(123) == 0.5
    b = BanditKappa(n_params=2, delay=5)
    assert b(0) == b(5) == pytest.approx(math.sqrt(0.4 * math.log(2 * math.pi**2 / 0.3)))
    assert b(50) > b(10)
    assert make_schedule(lambda i: 7.0, kappa=1, kappa_final=1, period=1, delay=0, n_params=1)(3)
    with pytest.raises(ValueError, match="scheduler"):
        make_schedule("nope", kappa=1, kappa_final=1, period=1, delay=0, n_params=1)


def test_sampler_schedule_is_delayed_by_the_initial_points() -> None:
    space = hh.Space({"x": hh.float(0, 1)})
    s = CBOSampler(0)
    assert s.n_initial(space) == 3
    assert s.schedule(space)(3) == pytest.approx(0.01695, abs=1e-5)
    assert s.schedule(space)(4) == 1.96


# ---------------------------------------------------------------------------- surrogate
def test_forest_mean_and_epistemic_std() -> None:
    # data on both sides of a gap: the trees disagree in the gap (random thresholds)
    X = np.r_[np.linspace(0.0, 0.25, 20), np.linspace(0.75, 1.0, 20)][:, None]
    y = minmax((X[:, 0] - 0.1) ** 2)
    f = ForestSurrogate(random_state=0).fit(X, y)
    grid = np.linspace(0.0, 1.0, 101)[:, None]
    P = f.predict_trees(grid)
    mean, std = f.predict(grid)
    assert P.shape == (10, 101)
    np.testing.assert_allclose(mean, P.mean(0))
    np.testing.assert_allclose(std, P.std(0))
    gap = (grid[:, 0] > 0.3) & (grid[:, 0] < 0.7)
    assert std[gap].mean() > 2 * std[~gap].mean()
    # pure exploitation picks the valley; a large kappa picks the gap
    assert grid[np.argmax(ucbd(mean, std, 0.0)), 0] <= 0.25
    assert gap[np.argmax(ucbd(mean, std, 50.0))]


def test_forest_grows_the_trees_of_sklearns_extra_trees() -> None:
    from sklearn.ensemble import ExtraTreesRegressor

    rng = np.random.default_rng(0)
    X, Z = rng.random((120, 3)), rng.random((200, 3)).astype(np.float32)
    y = np.sin(3 * X.sum(axis=1))
    ref = ExtraTreesRegressor(
        n_estimators=10, min_impurity_decrease=0.005, max_features=1.0, bootstrap=False,
        random_state=7,
    ).fit(X.astype(np.float32), y)  # fmt: skip
    expected = np.stack([t.predict(Z) for t in ref.estimators_])
    np.testing.assert_array_equal(
        ForestSurrogate(random_state=7).fit(X, y).predict_trees(Z), expected
    )


def test_failure_model() -> None:
    X = np.random.default_rng(0).random((80, 2))
    fm = FailureModel(random_state=0).fit(X, X[:, 0] > 0.5)
    p = fm.predict(np.array([[0.1, 0.5], [0.9, 0.5]]))
    assert p[0] < 0.2 < 0.8 < p[1]


def test_genetic_optimizer_finds_a_discrete_optimum() -> None:
    space = hh.Space({"k": hh.int(0, 20), "c": hh.choice("a", "b", "c"), "x": hh.float(0, 1)})
    ms = ModelSpace(space)
    target = ms.encode([{"k": 13, "c": 2, "x": 0.25}])[0]

    def score(Z: np.ndarray) -> np.ndarray:
        return -np.abs(ms.model_matrix(Z) - target).sum(axis=1)

    res = GeneticOptimizer().maximize(score, ms, np.empty((0, 3)), np.random.default_rng(0))
    best = space.decode(res.Z[0])
    assert best["k"] == 13 and best["c"] == 2 and abs(best["x"] - 0.25) < 0.02
    assert np.all(np.diff(res.scores) <= 0)


# ---------------------------------------------------------------------------- the sampler
def test_constant_liar_spreads_parallel_suggestions() -> None:
    space = {"x": hh.float(-5, 5), "y": hh.float(-5, 5)}
    study = filled(hh.Study(space, algo=CBOSampler(0)), 20)
    pending = [study.ask() for _ in range(6)]
    P = np.array([[t.assignment["x"], t.assignment["y"]] for t in pending])
    d = np.sqrt(((P[:, None] - P[None]) ** 2).sum(-1))[np.triu_indices(6, 1)]
    assert d.min() > 1e-6
    assert len({(round(p[0], 9), round(p[1], 9)) for p in P}) == 6


def test_suggest_batch_qucbd() -> None:
    study = filled(hh.Study(mixed_space(), algo="random", seed=0), 40, mixed_objective)
    h = history_of(study)
    sampler = CBOSampler(0)
    batch = sampler.suggest_batch(h, 8)
    assert len(batch) == 8
    keys = {str(sorted((k, round(v, 9)) for k, v in a.items())) for a in batch}
    assert len(keys) == 8
    for a in batch:
        study.space.validate(a)
    assert batch[0] == sampler.suggest(h)  # the first point is the ordinary suggestion
    with pytest.raises(ValueError):
        sampler.suggest_batch(h, 0)


def test_many_running_trials_share_one_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    fits = []
    fit = ForestSurrogate.fit
    monkeypatch.setattr(
        ForestSurrogate, "fit", lambda self, X, y: fits.append(1) or fit(self, X, y)
    )
    space = {"x": hh.float(-5, 5), "y": hh.float(-5, 5)}
    study = filled(hh.Study(space, algo="random", seed=0), 20)
    running = [study.ask() for _ in range(24)]
    h = history_of(study)
    sampler = CBOSampler(0)
    batch = [sampler.suggest(h) for _ in range(3)]  # 24 running: ceil(24 / 8) = 3 per fit
    assert len(fits) == 1
    assert len({(a["x"], a["y"]) for a in batch}) == 3
    sampler.suggest(h)
    assert len(fits) == 2
    for t in running[:3]:  # a batch lasts until as many new results came in
        study.tell(t, 1.0)
    sampler.suggest(history_of(study))
    assert len(fits) == 3
    fits.clear()
    unbatched = CBOSampler(0, batch_running=None)
    _ = [unbatched.suggest(h) for _ in range(3)]
    assert len(fits) == 3
    few = filled(hh.Study(space, algo="random", seed=0), 20)
    _ = [few.ask() for _ in range(8)]  # up to batch_running running: a fit per ask
    fits.clear()
    _ = [sampler.suggest(history_of(few)) for _ in range(3)]
    assert len(fits) == 3
    with pytest.raises(ValueError, match="batch_running"):
        CBOSampler(batch_running=0)


def test_hidden_constraint_is_learned() -> None:
    """The objective improves towards x = 0.5 and fails beyond it."""

    def f(c: Any) -> float:
        if c["x"] > 0.5:
            raise RuntimeError("diverged")
        return -c["x"] + 0.1 * (c["y"] - 0.5) ** 2

    inside = []
    for seed in (0, 1):
        study = hh.Study({"x": hh.float(0, 1), "y": hh.float(0, 1)}, algo=CBOSampler(seed))
        study.optimize(f, n_trials=50, progress=False, max_consecutive_failures=None)
        late = list(study.trials)[30:]
        inside.append(np.mean([t.assignment["x"] <= 0.5 for t in late]))
        assert study.best_value < -0.45
    assert np.mean(inside) >= 0.75, inside


def test_without_failure_model_and_other_options() -> None:
    space = {"x": hh.float(-2, 2)}
    for kwargs in (
        {"failure_model": False, "filter_failures": "ignore"},
        {"filter_failures": "mean", "liar": "cl_mean", "scheduler": "bandit"},
        {"liar": "cl_min", "scheduler": "constant", "n_initial_points": 2},
    ):
        study = hh.Study(space, algo=CBOSampler(0, **kwargs))
        study.optimize(lambda c: c["x"] ** 2, n_trials=15, progress=False)
        assert study.best_value < 0.5
    with pytest.raises(ValueError, match="filter_failures"):
        CBOSampler(filter_failures="min")
    with pytest.raises(ValueError, match="n_initial_points"):
        CBOSampler(n_initial_points=0)


def test_explicit_constraints_and_optimum_on_the_boundary() -> None:
    space = hh.Space(
        {"x": hh.float(0, 1), "y": hh.float(0, 1)}, constraints=[lambda c: c["x"] + c["y"] <= 1]
    )
    study = hh.Study(space, algo=CBOSampler(3))
    study.optimize(lambda c: (c["x"] - 0.7) ** 2 + (c["y"] - 0.7) ** 2, n_trials=50, progress=False)
    assert all(t.assignment["x"] + t.assignment["y"] <= 1 for t in study.trials)
    assert study.best_value < 0.08 + 0.02  # the best feasible value is 0.08


def test_multi_objective() -> None:
    study = hh.Study({"x": hh.float(0, 1)}, directions=["min", "max"], algo=CBOSampler(0), seed=0)
    study.optimize(lambda c: (c["x"], c["x"] ** 2), n_trials=20, progress=False)
    assert len(study.trials) == 20


def test_beats_random_on_branin() -> None:
    mine, rand = [], []
    for seed in (0, 1, 2):
        s = hh.Study(BRANIN_SPACE, algo=CBOSampler(seed))
        mine.append(s.optimize(branin, n_trials=60, progress=False).best_value - BRANIN_MIN)
        r = hh.Study(BRANIN_SPACE, algo="random", seed=seed)
        rand.append(r.optimize(branin, n_trials=60, progress=False).best_value - BRANIN_MIN)
    assert np.mean(mine) < np.mean(rand), (mine, rand)


def test_wide_spaces_fall_back_to_local_and_random(caplog: pytest.LogCaptureFixture) -> None:
    space = {"w": hh.float(-1, 1, shape=(30, 10))}
    study = hh.Study(space, algo=CBOSampler(0, max_columns=100, n_initial_points=5))
    with caplog.at_level("WARNING", logger="hyperhop.samplers"):
        study.optimize(lambda c: float((c["w"] ** 2).sum()), n_trials=30, progress=False)
    assert "at most 100 encoded columns" in caplog.text
    assert len(study.trials) == 30
