"""Numeric parameters: each distribution against its definition (KS and chi-square tests at
fixed seeds), the native forms' bounds, Hyperopt's quantization formulas, PyHopper's
format strings, and local moves."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import hyperhop as hh

from .helpers import assert_discrete, assert_ks, draws

N = 20_000


def normal_cdf(x: float, mu: float, sigma: float) -> float:
    return 0.5 * math.erfc(-(x - mu) / (sigma * math.sqrt(2.0)))


def from_rounding(
    ppf: Callable[[np.ndarray], np.ndarray], fmt: str, low: float, high: float, n: int = 100_000
) -> dict[float, float]:
    """The probabilities of a continuous law after rounding with a format string, computed
    on ``n`` evenly spaced quantiles (independent of hyperhop's own rounding)."""
    probs: dict[float, float] = {}
    for x in ppf((np.arange(n) + 0.5) / n).tolist():
        v = min(max(float(format(x, fmt)), low), high)
        probs[v] = probs.get(v, 0.0) + 1.0 / n
    return probs


# ----------------------------------------------------------------------- continuous laws
def test_float_linear_is_uniform() -> None:
    x = draws(hh.float(-2.0, 5.0), N)
    assert all(type(v) is float and -2.0 <= v <= 5.0 for v in x)
    assert_ks(x, stats.uniform(-2.0, 7.0).cdf)


def test_float_log_is_log_uniform() -> None:
    x = draws(hh.float(1e-4, 1e2, log=True), N, seed=1)
    assert min(x) >= 1e-4 and max(x) <= 1e2
    assert_ks(x, stats.loguniform(1e-4, 1e2).cdf)


def test_float_array_draws_the_same_law() -> None:
    (x,) = draws(hh.float(1e-3, 1e3, log=True, shape=N), 1, seed=2)
    assert isinstance(x, np.ndarray) and x.shape == (N,)
    assert_ks(x, stats.loguniform(1e-3, 1e3).cdf)
    (y,) = draws(hh.float(3.0, 4.0, shape=(100, 200)), 1, seed=3)
    assert y.shape == (100, 200)
    assert_ks(y.ravel(), stats.uniform(3.0, 1.0).cdf)


def test_hyperopt_uniform() -> None:
    assert_ks(draws(hh.uniform(-3.0, 7.0), N, seed=4), stats.uniform(-3.0, 10.0).cdf)


def test_hyperopt_loguniform_takes_log_bounds() -> None:
    x = draws(hh.loguniform(-2.0, 3.0), N, seed=5)
    assert math.exp(-2.0) <= min(x) and max(x) <= math.exp(3.0)
    assert_ks(x, stats.loguniform(math.exp(-2.0), math.exp(3.0)).cdf)


def test_normal() -> None:
    x = draws(hh.normal(1.5, 2.0), N, seed=6)
    assert all(type(v) is float for v in x)
    assert_ks(x, stats.norm(1.5, 2.0).cdf)


def test_lognormal() -> None:
    x = draws(hh.lognormal(0.5, 0.7), N, seed=7)
    assert min(x) > 0
    assert_ks(x, stats.lognorm(s=0.7, scale=math.exp(0.5)).cdf)


def test_a_wrong_law_is_rejected() -> None:
    """The checks have power: uniform draws fail a log-uniform test."""
    with pytest.raises(AssertionError):
        assert_ks(draws(hh.float(1e-4, 1e2), 2000), stats.loguniform(1e-4, 1e2).cdf)
    with pytest.raises(AssertionError):
        assert_discrete(draws(hh.uniformint(0, 4), 4000), {k: 0.2 for k in range(5)})


# ----------------------------------------------------------------------- integers
@pytest.mark.parametrize(
    ("param", "support"),
    [
        (hh.int(-10, 10), range(-10, 11)),
        (hh.int(3, 17, step=2), range(3, 18, 2)),
        (hh.int(0, 100, multiple_of=7), range(0, 99, 7)),
        (hh.int(3, 101, multiple_of=10), range(10, 101, 10)),
        (hh.int(8, 1000, power_of=2), [8, 16, 32, 64, 128, 256, 512]),
        (hh.int(1, 50, power_of=3), [1, 3, 9, 27]),
    ],
    ids=["plain", "step", "multiple_of", "multiple_of_inside", "power_of_2", "power_of_3"],
)
def test_int_is_uniform_over_its_grid(param: hh.Parameter, support: range | list[int]) -> None:
    x = draws(param, N, seed=8)
    assert all(type(v) is int for v in x)
    values = list(support)
    assert_discrete(x, {v: 1 / len(values) for v in values})


@pytest.mark.parametrize(("low", "high", "step"), [(1, 100, 1), (10, 100, 10), (5, 45, 4)], ids=str)
def test_int_log_gives_each_value_its_log_width(low: int, high: int, step: int) -> None:
    """P(v) is proportional to log((v + step/2) / (v - step/2))."""
    values = list(range(low, high + 1, step))
    width = {v: math.log((v + step / 2) / (v - step / 2)) for v in values}
    total = sum(width.values())
    x = draws(hh.int(low, high, step=step, log=True), N, seed=9)
    assert_discrete(x, {v: w / total for v, w in width.items()})


def test_int_log_with_a_step_wider_than_twice_low() -> None:
    """hh.int(1, 21, step=4, log=True): the first cell cannot reach below 0 on a log scale
    (this used to fail with 'math domain error'); every grid value is reachable."""
    p = hh.int(1, 21, step=4, log=True)
    x = draws(p, 5000, seed=10)
    assert set(x) == {1, 5, 9, 13, 17, 21}
    assert x.count(1) > x.count(21)  # log scale favours the small end


def test_int_array() -> None:
    (x,) = draws(hh.int(0, 20, shape=N), 1, seed=11)
    assert x.dtype.kind == "i" and x.shape == (N,)
    assert_discrete(x.tolist(), {v: 1 / 21 for v in range(21)})
    (y,) = draws(hh.int(2, 2048, power_of=2, shape=(50, 40)), 1, seed=12)
    assert y.shape == (50, 40)
    assert_discrete(y.ravel().tolist(), {2**e: 1 / 11 for e in range(1, 12)})


def test_randint_is_uniform_and_unordered() -> None:
    p = hh.randint(7)
    assert p.kind == "categorical"
    x = draws(p, N, seed=13)
    assert all(type(v) is int for v in x)
    assert_discrete(x, {k: 1 / 7 for k in range(7)})
    assert_discrete(draws(hh.randint(3, 9), N, seed=14), {k: 1 / 6 for k in range(3, 9)})


def test_uniformint_gives_the_end_points_half_the_mass() -> None:
    x = draws(hh.uniformint(2, 6), N, seed=15)
    assert all(type(v) is int for v in x)
    assert_discrete(x, {2: 1 / 8, 3: 1 / 4, 4: 1 / 4, 5: 1 / 4, 6: 1 / 8})


# ----------------------------------------------------------------------- Hyperopt's q forms
def test_quniform_follows_hyperopts_formula_and_may_leave_the_range() -> None:
    """quniform(1, 10, 4) = round(U(1, 10) / 4) * 4: 0 for U < 2, 4 for [2, 6), 8 above."""
    x = draws(hh.quniform(1, 10, 4), N, seed=16)
    assert set(x) == {0.0, 4.0, 8.0}
    assert_discrete(x, {0.0: 1 / 9, 4.0: 4 / 9, 8.0: 4 / 9})
    y = draws(hh.quniform(0, 10, 3), N, seed=17)
    assert_discrete(y, {0.0: 0.15, 3.0: 0.3, 6.0: 0.3, 9.0: 0.25})


def test_qloguniform() -> None:
    """round(exp(U(log 1, log 100)) / 5) * 5: 0 below 2.5, then cells of width 5."""
    low, high, q = 1.0, 100.0, 5.0
    cdf = stats.loguniform(low, high).cdf
    expected = {0.0: float(cdf(2.5))}
    for k in range(1, 21):
        expected[k * q] = float(cdf(min(k * q + q / 2, high)) - cdf(k * q - q / 2))
    x = draws(hh.qloguniform(math.log(low), math.log(high), q), N, seed=18)
    assert_discrete(x, expected)


def test_qnormal() -> None:
    mu, sigma, q = 0.3, 3.0, 2.0
    expected = {
        k * q: normal_cdf(k * q + q / 2, mu, sigma) - normal_cdf(k * q - q / 2, mu, sigma)
        for k in range(-30, 31)
    }
    x = draws(hh.qnormal(mu, sigma, q), N, seed=19)
    assert_discrete(x, expected)
    assert draws(hh.normal(mu, sigma, q=q), 100, seed=19) == x[:100]


def test_qlognormal() -> None:
    mu, sigma, q = 1.0, 0.5, 1.0
    expected = {0.0: normal_cdf(math.log(0.5), mu, sigma)}
    for k in range(1, 200):
        lo, hi = math.log(k * q - q / 2), math.log(k * q + q / 2)
        expected[k * q] = normal_cdf(hi, mu, sigma) - normal_cdf(lo, mu, sigma)
    x = draws(hh.qlognormal(mu, sigma, q), N, seed=20)
    assert_discrete(x, expected)


# ----------------------------------------------------------------------- native q / precision
def test_native_q_stays_inside_the_bounds() -> None:
    """hh.float(1, 10, q=0.5) snaps to 1 + k/2 inside [1, 10] (unlike quniform)."""
    x = draws(hh.float(1, 10, q=0.5), N, seed=21)
    grid = [1 + k * 0.5 for k in range(19)]
    # U(1, 10) snapped to the nearest grid point: the two end points get half the mass
    expected = {v: 1 / 18 for v in grid}
    expected[1.0] = expected[10.0] = 1 / 36
    assert_discrete(x, expected)


def test_format_f_rounds_to_decimals_on_a_linear_scale() -> None:
    p = hh.float(0, 1, "0.2f")
    assert not p.log and p.precision == 2
    x = draws(p, N, seed=22)
    assert all(float(f"{v:.2f}") == v for v in x)
    expected = {round(k / 100, 2): 0.01 for k in range(101)}
    expected[0.0] = expected[1.0] = 0.005
    assert_discrete(x, expected)
    assert draws(hh.float(0, 1, precision=2), 500, seed=22) == x[:500]


def test_format_g_samples_log_uniform_with_significant_digits() -> None:
    low, high = 1e-5, 1e-1
    p = hh.float(low, high, "0.1g")
    assert p.log and p.precision == 1
    x = draws(p, N, seed=23)
    assert all(float(f"{v:.1g}") == v for v in x)
    assert_discrete(x, from_rounding(stats.loguniform(low, high).ppf, ".1g", low, high))
    y = draws(hh.float(1e-3, 10.0, ":0.2g"), N, seed=24)
    assert all(float(f"{v:.2g}") == v for v in y)
    assert_discrete(y, from_rounding(stats.loguniform(1e-3, 10.0).ppf, ".2g", 1e-3, 10.0))


def test_precision_on_a_log_scale_matches_the_format() -> None:
    a = draws(hh.float(1e-5, 1e-1, log=True, precision=1), 300, seed=25)
    b = draws(hh.float(1e-5, 1e-1, "0.1g"), 300, seed=25)
    assert a == b


# ----------------------------------------------------------------------- local moves
@pytest.mark.parametrize(
    "param",
    [
        hh.int(0, 1),
        hh.int(0, 3),
        hh.int(1, 64, power_of=2),
        hh.float(0, 1, q=0.5),
        hh.uniformint(0, 2),
    ],
    ids=["int01", "int03", "power", "float_q", "uniformint"],
)
def test_temperature_one_is_a_fresh_sample(param: hh.Parameter) -> None:
    """mutate(v, 1) has the prior's law whatever v is (an int used to be forced away from v,
    so hh.int(0, 1) flipped every time)."""
    rng = np.random.default_rng(26)
    start = param.sample(rng)
    moved = [param.mutate(start, 1.0, rng) for _ in range(4000)]
    prior = [param.sample(rng) for _ in range(40_000)]
    freq = {v: prior.count(v) / len(prior) for v in set(prior)}
    assert_discrete(moved, freq)


@pytest.mark.parametrize(
    "param",
    [
        hh.float(0, 1, q=1),
        hh.float(0, 10, q=0.5),
        hh.float(0, 1, "0.1f"),
        hh.float(1e-3, 1, "0.1g"),
        hh.quniform(0, 10, 2),
        hh.qnormal(0, 1, 0.5),
        hh.qlognormal(0, 1, 0.5),
        hh.uniformint(0, 10),
        hh.int(0, 100),
        hh.int(0, 5, shape=3),
    ],
    ids=str,
)
def test_a_tiny_temperature_still_moves_a_rounded_value(param: hh.Parameter) -> None:
    """A quantized value used to round back onto itself at small temperatures, so local
    search never moved it."""
    rng = np.random.default_rng(27)
    for _ in range(50):
        v = param.sample(rng)
        w = param.mutate(v, 1e-4, rng)
        assert param.contains(w)
        assert not np.array_equal(w, v)


def test_a_small_temperature_moves_a_float_a_little() -> None:
    rng = np.random.default_rng(28)
    p = hh.float(0, 100)
    for _ in range(200):
        v = p.sample(rng)
        w = p.mutate(v, 0.01, rng)
        assert 0 < abs(w - v) <= 0.5 + 1e-9 and 0 <= w <= 100
    lp = hh.float(1e-5, 1, log=True)
    for _ in range(200):
        v = lp.sample(rng)
        w = lp.mutate(v, 0.01, rng)
        assert abs(math.log(w / v)) <= 0.005 * math.log(1e5) + 1e-9


def test_int_moves_respect_order() -> None:
    rng = np.random.default_rng(29)
    p = hh.int(0, 1000)
    steps = [abs(p.mutate(500, 0.01, rng) - 500) for _ in range(500)]
    assert max(steps) <= 6 and min(steps) >= 1


def test_defaults_are_central() -> None:
    assert hh.float(0, 10).default() == 5.0
    assert hh.float(1e-4, 1, log=True).default() == pytest.approx(1e-2)
    assert hh.int(8, 64, power_of=2).default() in (16, 32)
    assert hh.int(0, 10).default() == 5
    assert hh.normal(3, 1).default() == 3.0


def test_hyperopt_forms_describe_themselves() -> None:
    assert hh.quniform(1, 10, 4).definition()["q_mode"] == "round"
    assert hh.float(1, 10, q=1).definition()["q_mode"] == "grid"
    assert hh.loguniform(0, 1).definition()["low"] == 1.0
    assert hh.lognormal(0, 1).definition()["type"] == "lognormal"


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    low=st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
    width=st.floats(1e-6, 1e6, allow_nan=False),
    log=st.booleans(),
    shape=st.sampled_from([None, (3,)]),
)
def test_the_ends_of_the_unit_interval_decode_to_the_exact_bounds(
    low: float, width: float, log: bool, shape: tuple[int, ...] | None
) -> None:
    if log:
        low = abs(low) + 1e-9
    high = low + width
    if not low < high:
        return
    p = hh.float(low, high, log=log, shape=shape)
    n = 1 if shape is None else 3
    lo, hi = p.decode(np.zeros(n)), p.decode(np.ones(n))
    assert np.all(np.asarray(lo) == p.low) and np.all(np.asarray(hi) == p.high)
    inside = np.asarray(p.decode(np.full(n, 0.37)))
    assert np.all((inside >= p.low) & (inside <= p.high))


def test_known_end_cases_decode_exactly() -> None:
    assert hh.float(0.1, 0.5).decode(np.ones(1)) == 0.5
    assert hh.float(1e-6, 1.0, log=True).decode(np.zeros(1)) == 1e-6
    assert hh.Space({"x": hh.float(1e-6, 0.5, log=True)}).decode(np.ones(1)) == {"x": 0.5}
