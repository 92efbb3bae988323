"""Shared assertions for the space tests: exact or near equality of assignments and configs,
and goodness-of-fit checks that fail loudly (with the offending counts) when a distribution
is wrong."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any

import numpy as np
from scipy import stats

import hyperhop as hh
from hyperhop.space import Float, Normal

P_MIN = 1e-3
"""A goodness-of-fit test passes when its p-value is above this (every seed is fixed, so a
passing test passes every time; a wrong distribution with the sample sizes used here gives
p-values many orders of magnitude smaller)."""


def draws(param: Any, n: int, seed: int = 0) -> list[Any]:
    """``n`` values of ``param`` as the objective sees them, through a compiled space."""
    space = hh.Space({"x": param})
    rng = np.random.default_rng(seed)
    return [space.to_config(space.sample_assignment(rng))["x"] for _ in range(n)]


def assert_ks(values: Iterable[float], cdf: Callable[[np.ndarray], np.ndarray]) -> None:
    x = np.asarray(list(values), dtype=float)
    res = stats.kstest(x, cdf)
    assert res.pvalue > P_MIN, f"KS statistic {res.statistic:.4g}, p={res.pvalue:.3g}"


def assert_discrete(values: Iterable[Hashable], expected: Mapping[Any, float]) -> None:
    """Chi-square test of observed values against exact probabilities; a value outside
    ``expected`` fails at once. Categories expected fewer than 5 times are pooled."""
    values = list(values)
    n = len(values)
    total = sum(expected.values())
    assert math.isclose(total, 1.0, abs_tol=1e-9), f"expected probabilities sum to {total}"
    counts = Counter(values)
    unexpected = [v for v in counts if v not in expected]
    assert not unexpected, f"values outside the support: {unexpected[:5]}"
    obs: list[float] = []
    exp: list[float] = []
    pool_obs, pool_exp = 0.0, 0.0
    for key, p in expected.items():
        if n * p < 5:
            pool_obs += counts.get(key, 0)
            pool_exp += n * p
        else:
            obs.append(counts.get(key, 0))
            exp.append(n * p)
    if pool_exp > 0:
        obs.append(pool_obs)
        exp.append(pool_exp)
    assert len(obs) >= 2, "too few categories for a chi-square test"
    exp_arr = np.asarray(exp) * (n / sum(exp))
    res = stats.chisquare(np.asarray(obs, dtype=float), exp_arr)
    worst = int(np.argmax((np.asarray(obs) - exp_arr) ** 2 / exp_arr))
    assert res.pvalue > P_MIN, (
        f"chi-square p={res.pvalue:.3g}; worst cell observed {obs[worst]} vs expected "
        f"{exp_arr[worst]:.1f}"
    )


def is_continuous(param: Any) -> bool:
    """A float parameter whose values are not rounded (compared with a tolerance)."""
    if isinstance(param, Float):
        return param.q is None and param.precision is None
    if isinstance(param, Normal):
        return param.q is None
    return False


def values_equal(x: Any, y: Any, *, approx: bool = False) -> bool:
    """Equality of raw values or configs: arrays elementwise, containers recursively,
    floats within a relative 1e-9 when ``approx``."""
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        xa, ya = np.asarray(x), np.asarray(y)
        if xa.shape != ya.shape:
            return False
        if approx:
            return bool(np.allclose(xa, ya, rtol=1e-9, atol=1e-12))
        return bool(np.array_equal(xa, ya))
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(values_equal(x[k], y[k], approx=approx) for k in x)
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        return (
            type(x) is type(y)
            and len(x) == len(y)
            and all(values_equal(a, b, approx=approx) for a, b in zip(x, y, strict=True))
        )
    if approx and isinstance(x, float) and isinstance(y, float):
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
    return type(x) is type(y) and x == y


def assert_same_assignment(space: hh.Space, a: Mapping[str, Any], b: Mapping[str, Any]) -> None:
    """Same labels; equal values (continuous floats within a relative 1e-9)."""
    assert set(a) == set(b), f"labels differ: {sorted(set(a) ^ set(b))}"
    for label in a:
        approx = is_continuous(space[label].param)
        assert values_equal(a[label], b[label], approx=approx), (
            f"{label}: {a[label]!r} != {b[label]!r}"
        )
