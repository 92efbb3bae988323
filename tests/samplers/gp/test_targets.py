"""The GP's targets: standardization and the Yeo-Johnson warp."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import hyperhop as hh
from hyperhop.samplers.base import History
from hyperhop.samplers.gp import GPSampler
from hyperhop.samplers.gp.model import SHORT_LENGTHSCALE, Prior
from hyperhop.samplers.gp.sampler import short_columns
from hyperhop.samplers.gp.targets import normmax, warp, yeo_johnson
from hyperhop.samplers.modelspace import ModelSpace, observe

values = st.lists(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), min_size=1, max_size=60
)


@pytest.mark.parametrize("lam", [-1.5, 0.0, 0.5, 1.0, 2.0, 2.5])
def test_yeo_johnson_is_scipys(lam: float) -> None:
    z = np.random.default_rng(0).normal(size=200) * 3
    assert np.allclose(yeo_johnson(z, lam), stats.yeojohnson(z, lam))


def test_normmax_is_scipys_within_its_grid() -> None:
    rng = np.random.default_rng(1)
    for k in range(12):
        z = rng.gamma(rng.uniform(1, 30), size=80) * (-1) ** k
        z = (z - z.mean()) / z.std()
        expected = min(max(float(stats.yeojohnson_normmax(z)), 0.0), 2.0)
        assert abs(normmax(z) - expected) <= 0.011


@settings(max_examples=200, deadline=None)
@given(values)
def test_warp_keeps_the_order_and_maps_every_value_as_the_data(ys: list[float]) -> None:
    y = np.array(ys)
    z, to_z = warp(y)
    assert np.isfinite(z).all()
    order = np.argsort(y, kind="stable")
    assert np.all(np.diff(z[order]) >= -1e-9)  # monotone: the best trial stays the best
    for i in range(0, len(y), 7):
        assert math.isclose(to_z(float(y[i])), float(z[i]), rel_tol=1e-9, abs_tol=1e-9)


def test_warp_makes_a_long_tail_gaussian_and_leaves_gaussian_values_alone() -> None:
    rng = np.random.default_rng(1)
    tail = np.exp(rng.normal(0.0, 1.5, size=80))  # like Rosenbrock's values
    z, _ = warp(tail)
    assert abs(stats.skew(z)) < 0.5 * abs(stats.skew(tail))
    normal = rng.normal(size=80)
    z, _ = warp(normal)
    assert np.corrcoef(z, normal)[0, 1] > 0.99


def test_warp_of_infinite_and_constant_values() -> None:
    z, to_z = warp(np.array([1.0, np.inf, -np.inf, 1e307, 1e308]))
    assert np.isfinite(z).all() and z[2] < z[0] < z[3] < z[4] < z[1]
    z, to_z = warp(np.full(5, 3.0))
    assert np.all(z == 0.0) and to_z(3.0) == 0.0


def test_warping_is_used_where_it_was_measured_to_help() -> None:
    def warps(template: dict, directions: tuple[str, ...] = ("min",), **kw: str) -> bool:
        space = hh.Space(template)
        ms = ModelSpace(space)
        return GPSampler(0, **kw)._warps(ms, observe(History(space, directions, []), ms))

    flat = {"x": hh.float(0, 1), "c": hh.choice("a", "b")}
    cond = {"m": hh.choice({"a": hh.float(0, 1)}, {"b": hh.float(0, 1)})}
    assert warps(flat) and not warps(cond) and not warps(flat, ("min", "max"))
    assert warps(cond, warping="yeo-johnson") and not warps(flat, warping="none")
    with pytest.raises(ValueError, match="warping"):
        GPSampler(warping="log")


def test_short_lengthscale_prior_on_small_boxes_of_linear_floats() -> None:
    box = ModelSpace(hh.Space({"x": hh.float(0, 1), "y": hh.float(-5, 5)}))
    mask = short_columns(box)
    assert mask is not None and mask.tolist() == [True, True]
    mean = Prior(2, mask).mean
    assert np.allclose(mean[:2], math.log(SHORT_LENGTHSCALE))
    assert np.array_equal(Prior(2).mean[2:], mean[2:])
    assert np.allclose(Prior(2).mean[:2], 0.5 * math.log(2))
    for template in (
        {"x": hh.float(0, 1), "lr": hh.float(1e-5, 1, log=True)},
        {"x": hh.float(0, 1), "n": hh.int(1, 9)},
        {"x": hh.float(0, 1), "c": hh.choice("a", "b")},
        {f"x{i}": hh.float(0, 1) for i in range(11)},
    ):
        assert short_columns(ModelSpace(hh.Space(template))) is None, template
