"""TPE: the conformance suite in each mode, and Hyperopt's formulas on hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

import hyperhop as hh
from hyperhop.samplers import (
    History,
    HyperoptTPESampler,
    RandomSampler,
    Sampler,
    TPESampler,
    make_sampler,
)
from hyperhop.samplers.tpe import linear_gamma, parzen
from hyperhop.samplers.tpe import multivariate as mv
from hyperhop.samplers.tpe import sampler as tpe_sampler
from hyperhop.samplers.tpe.columns import compile_plan
from hyperhop.samplers.tpe.observations import TrialTable
from hyperhop.samplers.tpe.ordering import MAX_INSERTS, ColumnOrder
from hyperhop.samplers.tpe.workspace import Workspace
from hyperhop.trial import TrialState
from tests.samplers.conformance import SamplerConformance, key, mixed_space, quadratic


class TestTPE(SamplerConformance):
    algo_name = "tpe"

    def make(self, seed: int | None) -> Sampler:
        return TPESampler(seed)


class TestHyperoptTPE(SamplerConformance):
    algo_name = "hyperopt_tpe"

    def make(self, seed: int | None) -> Sampler:
        return HyperoptTPESampler(seed)


class TestTPEUnivariate(SamplerConformance):
    def make(self, seed: int | None) -> Sampler:
        return TPESampler(seed, multivariate=False)


class TestTPEGroup(SamplerConformance):
    def make(self, seed: int | None) -> Sampler:
        return TPESampler(seed, group=True)


# ---------------------------------------------------------------------------- formulas
@pytest.mark.parametrize(("n", "expected"), [(1, 1), (20, 2), (100, 3), (1000, 8), (10**5, 25)])
def test_good_set_size_is_gamma_sqrt_n_capped(n: int, expected: int) -> None:
    assert parzen.n_good(n, 0.25, 25) == expected == min(math.ceil(0.25 * math.sqrt(n)), 25)


def test_sigmas_with_no_and_one_observation() -> None:
    ps = np.array([2.0])
    assert parzen.adaptive_sigmas(np.zeros((1, 0)), np.array([0.0]), ps).tolist() == [[2.0]]
    # one observation: half the prior sigma (Hyperopt's special case)
    assert parzen.adaptive_sigmas(np.array([[0.7]]), np.array([0.0]), ps).tolist() == [[2.0, 1.0]]


def test_sigmas_are_the_larger_neighbour_distance_clipped() -> None:
    # components [prior 0.5 | 0.1, 0.2, 0.9]: sorted 0.1, 0.2, 0.5, 0.9
    # distances: 0.1 -> 0.1 (edge), 0.2 -> max(0.1, 0.3), 0.9 -> 0.4 (edge);
    # clipped to [1 / min(100, 1 + 4), 1] = [0.2, 1]; the prior keeps sigma 1
    sig = parzen.adaptive_sigmas(np.array([[0.1, 0.2, 0.9]]), np.array([0.5]), np.array([1.0]))
    assert np.allclose(sig, [[1.0, 0.2, 0.3, 0.4]])


def test_minimum_sigma_uses_at_most_100() -> None:
    mus = np.linspace(0.0, 1.0, 500)[None, :]
    sig = parzen.adaptive_sigmas(mus, np.array([0.5]), np.array([1.0]))
    assert math.isclose(sig[0, 1:].min(), 1.0 / 100)


def test_linear_forgetting() -> None:
    assert parzen.linear_forgetting_weights(25, 25).tolist() == [1.0] * 25
    w = parzen.linear_forgetting_weights(30, 25)
    assert np.allclose(w[:5], np.linspace(1 / 30, 1.0, 5)) and np.all(w[5:] == 1.0)
    assert parzen.linear_forgetting_weights(30, None).tolist() == [1.0] * 30


def test_fit_puts_the_prior_first_with_its_weight() -> None:
    mix = parzen.fit(
        np.array([[0.2, 0.4]]), np.array([0.5]), np.array([1.0]), np.zeros(1), np.ones(1), 2.0, 25
    )
    assert mix.mu.tolist() == [[0.5, 0.2, 0.4]]
    assert np.allclose(mix.weights, [0.5, 0.25, 0.25])


def test_categorical_pseudo_counts() -> None:
    # plain choice / randint: counts + prior_weight
    p = parzen.categorical_probs(np.array([1.0, 1.0]), 3, np.full(3, 1 / 3), False, 1.0, 25)
    assert np.allclose(p, np.array([1, 3, 1]) / 5)
    # weighted choice (pchoice): counts + n * prior_weight * p
    probs = np.array([0.5, 0.25, 0.25])
    p = parzen.categorical_probs(np.array([2.0]), 3, probs, True, 1.0, 25)
    assert np.allclose(p, np.array([1.5, 0.75, 1.75]) / 4)


def test_truncated_samples_stay_in_bounds_and_follow_the_mixture() -> None:
    mix = parzen.fit(
        np.array([[0.9, 0.95]]), np.array([0.5]), np.array([1.0]), np.zeros(1), np.ones(1), 1.0, 25
    )
    x = parzen.sample(mix, 20000, np.random.default_rng(0))
    assert x.min() >= 0.0 and x.max() <= 1.0
    # the truncated mixture's own probability of x > 0.8
    from scipy.special import ndtr

    def mass(a: float, b: float) -> float:
        return float(
            np.sum(mix.weights * (ndtr((b - mix.mu) / mix.sigma) - ndtr((a - mix.mu) / mix.sigma)))
        )

    assert abs(np.mean(x > 0.8) - mass(0.8, 1.0) / mass(0.0, 1.0)) < 0.01


def test_quantized_scores_use_bin_mass() -> None:
    # one component at 0 with sigma 1: the bin [-0.5, 0.5] holds 2 * ndtr(0.5) - 1
    lm = parzen.log_mass_1d(
        np.zeros(1), np.ones(1), np.ones(1), np.array([-0.5, 0.5]), np.array([0.5, 1.5])
    )
    from scipy.special import ndtr

    assert np.allclose(np.exp(lm), [ndtr(0.5) - ndtr(-0.5), ndtr(1.5) - ndtr(0.5)])


# ---------------------------------------------------------------------------- the split
def _history(space: hh.Space, states: list[tuple[TrialState, float | None]]) -> History:
    study = hh.Study(space, algo="random", seed=0)
    trials = []
    for state, value in states:
        t = study.ask()
        if state is TrialState.COMPLETE:
            study.tell(t, value)
        elif state is not TrialState.RUNNING:
            study.tell(t, state)
        trials.append(t)
    return History(space, ("min",), list(study.trials))


def test_split_takes_the_good_set_from_completed_trials_only() -> None:
    space = hh.Space({"x": hh.float(0, 1)})
    C, F, R = TrialState.COMPLETE, TrialState.FAILED, TrialState.RUNNING
    states = [(F, None), (C, 5.0), (R, None), (C, 1.0), (C, 3.0)] * 4  # N = 20 -> 2 good
    table = TrialTable(compile_plan(space))
    table.update(_history(space, states))
    good, bad = table.split("min", 0.25, 25)
    assert good.tolist() == [3, 8]  # the two earliest trials with value 1.0
    assert sorted(good.tolist() + bad.tolist()) == list(range(20))
    # failed and running trials are always in g(x)
    assert {0, 2} <= set(bad.tolist())


def test_split_when_few_trials_completed() -> None:
    space = hh.Space({"x": hh.float(0, 1)})
    states = [(TrialState.FAILED, None)] * 99 + [(TrialState.COMPLETE, 2.0)]
    table = TrialTable(compile_plan(space))
    table.update(_history(space, states))
    good, _ = table.split("min", 0.25, 25)
    assert good.tolist() == [99]


def test_maximize_flips_the_loss() -> None:
    space = hh.Space({"x": hh.float(0, 1)})
    states = [(TrialState.COMPLETE, float(v)) for v in range(16)]
    table = TrialTable(compile_plan(space))
    table.update(_history(space, states))
    good, _ = table.split("max", 0.25, 25)
    assert good.tolist() == [15]


# ---------------------------------------------------------------------------- encoding
def test_conditional_parameters_are_observed_only_where_active() -> None:
    space = mixed_space()
    study = hh.Study(space, algo="random", seed=1)
    for _ in range(30):
        t = study.ask()
        study.tell(t, 1.0)
    plan = compile_plan(space)
    table = TrialTable(plan)
    table.update(History(space, ("min",), list(study.trials)))
    col = next(c for c in plan.numeric if c.spec.label == "model.kernel.gamma")
    seen = ~np.isnan(table.X[: table.n, col.cols.start])
    active = [space["model.kernel.gamma"].is_active(t.assignment) for t in study.trials]
    assert seen.tolist() == active and 0 < sum(active) < 30


def test_log_parameters_live_in_log_space() -> None:
    space = hh.Space({"lr": hh.float(1e-5, 1e-1, log=True), "n": hh.int(16, 512, power_of=2)})
    plan = compile_plan(space)
    lr, n = plan.numeric
    assert math.isclose(lr.latent(1e-3)[0], math.log(1e-3))
    assert (lr.prior_mu, lr.prior_sigma) == (
        pytest.approx(0.5 * (math.log(1e-5) + math.log(1e-1))),
        pytest.approx(math.log(1e-1) - math.log(1e-5)),
    )
    assert n.latent(64)[0] == 2.0 and n.raw(np.array([2.2])) == 64  # the exponent's index


def test_unmodelled_parameters_are_drawn_from_the_prior() -> None:
    space = hh.Space({"x": hh.float(0, 1), "big": hh.float(0, 1, shape=1000)})
    plan = compile_plan(space)
    assert [s.label for s in plan.unmodelled] == ["big"]
    study = hh.Study(space, algo=TPESampler(0, n_startup=3), seed=0)
    study.optimize(lambda c: c["x"] + float(c["big"].mean()), n_trials=8, progress=False)
    for t in study.trials:
        space.validate(t.assignment)


# ---------------------------------------------------------------------------- behaviour
@pytest.mark.parametrize("make", [TPESampler, HyperoptTPESampler])
def test_startup_trials_are_random_search(make: type[TPESampler]) -> None:
    space = mixed_space()
    tpe = make(5)
    a = hh.Study(space, algo=tpe, seed=5)
    b = hh.Study(space, algo=RandomSampler(5), seed=5)
    for s in (a, b):
        for _ in range(tpe.n_startup):
            t = s.ask()
            s.tell(t, 1.0)
    assert [key(t.assignment) for t in a.trials] == [key(t.assignment) for t in b.trials]


def test_defaults_are_optunas_and_the_hyperopt_preset_keeps_hyperopts() -> None:
    tpe, hyperopt = TPESampler(0), HyperoptTPESampler(0)
    assert (tpe.n_startup, tpe.gamma, tpe.multivariate) == (10, linear_gamma, True)
    assert (hyperopt.n_startup, hyperopt.gamma, hyperopt.multivariate) == (20, 0.25, False)
    for s in (tpe, hyperopt):
        assert (s.n_ei_candidates, s.prior_weight, s.linear_forgetting, s.max_good) == (
            24,
            1.0,
            25,
            25,
        )
    assert HyperoptTPESampler(0, multivariate=True, n_startup=5).multivariate
    assert isinstance(make_sampler("hyperopt_tpe", mixed_space(), 0), HyperoptTPESampler)
    # the good set: 10 % of the trials (at most 25), against Hyperopt's 0.25 * sqrt(N)
    space = hh.Space({"x": hh.float(0.0, 1.0)})
    study = hh.Study(space, algo="random", seed=0)
    for i in range(100):
        study.tell(study.ask(), float(i))
    table = TrialTable(compile_plan(space))
    table.update(History(space, ("min",), list(study.trials)))
    assert len(table.split("min", tpe.gamma, tpe.max_good)[0]) == 10
    assert len(table.split("min", hyperopt.gamma, hyperopt.max_good)[0]) == 3


def test_finds_an_integer_optimum() -> None:
    space = hh.Space({"n": hh.int(0, 200)})
    study = hh.Study(space, algo=TPESampler(0), seed=0)
    study.optimize(lambda c: abs(c["n"] - 137), n_trials=60, progress=False)
    assert study.best_value <= 2


def test_model_beats_random_on_a_5d_quadratic() -> None:
    space = hh.Space({f"x{i}": hh.float(-5.0, 5.0) for i in range(5)})
    tpe, rnd = [], []
    for seed in range(3):
        for algo, out in ((TPESampler(seed), tpe), (RandomSampler(seed), rnd)):
            s = hh.Study(space, algo=algo, seed=seed)
            out.append(s.optimize(quadratic, n_trials=80, progress=False).best_value)
    assert np.mean(tpe) < 0.6 * np.mean(rnd)


def test_joint_modes_model_the_right_groups() -> None:
    space = mixed_space()
    plan = compile_plan(space)
    top = [g for g in plan.groups if not g.first.conditions]
    assert len(top) == 1
    assert {c.spec.label for c in top[0].numeric} == {"lr", "layers", "units", "drop"}
    assert {c.spec.label for c in top[0].categorical} == {"opt", "model"}
    assert len(plan.groups) == 6


def test_joint_bandwidths_break_ties_by_time_order() -> None:
    # each observation's bandwidth is the larger gap to its sorted neighbours; among equal
    # values the earlier trial comes first (the range ends count for the inner ones only)
    obs = np.array([[0.5, 0.2], [0.1, 0.2], [0.5, 0.9], [0.8, 0.2], [0.5, 0.4]])
    lo, hi, width = np.zeros(2), np.ones(2), np.ones(2)

    def by_hand(col: np.ndarray) -> np.ndarray:
        order = sorted(range(len(col)), key=lambda i: (col[i], i))
        ext = [0.0] + [col[i] for i in order] + [1.0]
        out = np.empty(len(col))
        for r, i in enumerate(order):
            left, right = ext[r + 1] - ext[r], ext[r + 2] - ext[r + 1]
            out[i] = right if r == 0 else left if r == len(col) - 1 else max(left, right)
        return np.clip(out, 1.0 / min(100.0, 2.0 + len(col)), 1.0)

    got = mv.neighbour_sigmas(obs, lo, hi, width)
    want = np.stack([by_hand(obs[:, 0]), by_hand(obs[:, 1])], axis=1)
    np.testing.assert_array_equal(got, want)
    # the tied 0.5s: the first gets the gap below, the last the gap above
    assert got[0, 0] == pytest.approx(0.4) and got[4, 0] == pytest.approx(0.3)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.integers(0, 2**32 - 1))
def test_column_order_is_a_stable_argsort_of_any_subset(seed: int) -> None:
    # rows arrive a few at a time (inserted, or sorted afresh past MAX_INSERTS), with
    # ties, infinities and NaN; any subset's order is what a stable argsort gives
    rng = np.random.default_rng(seed)
    c = int(rng.integers(1, 5))
    X = np.empty((0, c))
    co = ColumnOrder()
    for _ in range(int(rng.integers(1, 12))):
        k = int(rng.choice([1, 1, 2, MAX_INSERTS + 1]))
        new = rng.integers(0, 6, size=(k, c)).astype(float)
        new[rng.random((k, c)) < 0.1] = np.nan
        new[rng.random((k, c)) < 0.05] = -np.inf
        X = np.vstack([X, new])
        co.update(X)
        rows = np.flatnonzero(rng.random(len(X)) < 0.6)
        want = np.argsort(X[rows].T, axis=1, kind="stable")
        np.testing.assert_array_equal(co.order(rows), want)


def test_column_order_starts_afresh_when_rows_change() -> None:
    co = ColumnOrder()
    co.update(np.array([[1.0], [2.0]]), epoch=0)
    other = np.array([[3.0], [0.0], [1.0]])  # another history: its rows are not the old ones
    co.update(other, epoch=1)
    np.testing.assert_array_equal(co.order(np.arange(3)), [[1, 2, 0]])


def test_trial_table_epoch_moves_when_a_row_changes() -> None:
    space = hh.Space({"x": hh.float(0.0, 1.0)})
    table = TrialTable(compile_plan(space))

    def history(xs: list[float]) -> History:
        study = hh.Study(space, seed=0)
        for x in xs:
            study.enqueue({"x": x}, key=None)
            study.tell(study.ask(), x)
        return History(space, study.directions, list(study.trials))

    table.update(history([0.1, 0.2]))
    e = table.epoch
    table.update(history([0.1, 0.2, 0.3]))  # new snapshots of the same rows, one more row
    assert table.epoch == e
    table.update(history([0.5, 0.2, 0.3]))
    assert table.epoch != e


def test_joint_fits_are_the_same_with_the_kept_column_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # integers tie often; the kept order and a fresh sort must give the same trials
    space = {"i": hh.int(0, 6), "j": hh.int(-3, 3), "x": hh.float(0.0, 1.0)}

    def trials() -> list[object]:
        study = hh.Study(space, algo=TPESampler(seed=3), seed=3)
        study.optimize(lambda c: (c["i"] - 2) ** 2 + c["j"] ** 2 + c["x"], 120, progress=False)
        return [t.assignment for t in study.trials]

    kept = trials()
    monkeypatch.setattr(tpe_sampler, "MIN_SUBSET", 10**9)
    assert trials() == kept


def test_joint_kernel_mass_inside_the_bounds() -> None:
    space = hh.Space({"x": hh.float(0.0, 1.0), "y": hh.float(0.0, 1.0)})
    group = compile_plan(space).groups[0]
    xn = np.random.default_rng(0).uniform(0.2, 0.8, size=(200, 2))
    xn[0] = [0.001, 0.5]
    kern = mv.fit_joint(group, xn, np.zeros((200, 0)), 1.0, None)
    a = (group.lo - kern.mu) / kern.sigma
    b = (group.hi - kern.mu) / kern.sigma
    want = np.log(special.ndtr(b) - special.ndtr(a))
    np.testing.assert_array_equal(kern.log_z, want)
    # the narrow kernels well inside [0, 1] keep all their mass; the one at 0.001 about half
    assert (kern.log_z[2:] == 0.0).mean() > 0.95 and kern.log_z[1, 0] < -0.5


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 150))
def test_workspace_changes_no_number(seed: int, n: int) -> None:
    # the kernels, bandwidths, orders and densities computed in a reused Workspace (twice,
    # the second time over memory the first left behind) are those computed without one
    rng = np.random.default_rng(seed)
    space = hh.Space(
        {"x": hh.float(0.0, 1.0), "y": hh.float(1e-3, 1.0, log=True), "k": hh.choice(1, 2, 3)}
    )
    plan = compile_plan(space)
    group = plan.groups[0]
    ws = Workspace()
    for _ in range(2):
        xn = np.round(rng.uniform(0.0, 1.0, size=(n, 2)), 1)  # ties too
        xn[:, 1] = np.log(np.maximum(xn[:, 1], 1e-3))
        xc = rng.integers(0, 3, size=(n, 1)).astype(float)
        co = ColumnOrder()
        co.update(xn)
        rows = np.arange(n)
        order = co.order(rows, ws, "g.")
        np.testing.assert_array_equal(order, co.order(rows))
        plain = mv.fit_joint(group, xn, xc, 1.0, 25, co.order(rows))
        kept = mv.fit_joint(group, xn, xc, 1.0, 25, order, ws, "g.")
        for name in ("log_w", "mu", "sigma", "log_z"):
            np.testing.assert_array_equal(getattr(kept, name), getattr(plain, name))
        x, cats = mv.sample_joint(group, plain, 24, rng)
        np.testing.assert_array_equal(
            mv.log_density_joint(group, kept, x, cats, ws),
            mv.log_density_joint(group, plain, x, cats),
        )


def test_suggestions_reuse_the_workspace_memory() -> None:
    # past the first suggestions, a suggestion allocates none of the large arrays afresh
    space = {f"x{i}": hh.float(-1.0, 1.0) for i in range(8)}
    study = hh.Study(space, algo=TPESampler(seed=0), seed=0)
    study.optimize(lambda c: sum(v * v for v in c.values()), 150, progress=False)
    sampler = study.sampler
    assert isinstance(sampler, TPESampler)
    before = {k: id(v) for k, v in sampler._ws._buffers.items()}
    assert {"0g.mu", "0g.sigma", "0g.log_z", "0g.order", "ratio"} <= set(before)
    study.optimize(lambda c: sum(v * v for v in c.values()), 5, progress=False)
    assert {k: id(v) for k, v in sampler._ws._buffers.items()} == before


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_startup": -1},
        {"n_ei_candidates": 0},
        {"gamma": 0},
        {"prior_weight": 0.0},
        {"max_good": 0},
    ],
)
def test_bad_arguments(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="TPESampler"):
        TPESampler(0, **kwargs)  # type: ignore[arg-type]


def test_qlognormal_observed_at_zero_gives_finite_centres() -> None:
    """``round(exp(N) / q) * q`` can be 0, whose log is -inf: its grid centre must stay
    finite, or the Parzen widths become NaN (Hyperopt's many_dists test under
    ``np.seterr("raise")``)."""
    import numpy as np

    import hyperhop as hh

    study = hh.Study({"j": hh.qlognormal(0, 2, 1)}, algo="hyperopt_tpe", seed=0)
    for v in [0.0, 0.0, 1.0, 3.0, 0.0] * 6:
        study.enqueue({"j": v}, key=None)
        t = study.ask()
        study.tell(t, float(t.config["j"]))
    with np.errstate(all="raise", under="ignore"):
        for _ in range(5):
            t = study.ask()
            study.tell(t, float(t.config["j"]))
    assert all(t.value is not None and t.value >= 0 for t in study.trials)
