"""Hypervolume against hand-computed values, the Monte Carlo estimate and its properties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hyperhop.multiobjective import hypervolume, hypervolume_estimate


def box_union_volume(Y: np.ndarray, ref: np.ndarray) -> float:
    """Exact by inclusion-exclusion (small sets only)."""
    Y = np.asarray(Y, dtype=float)
    Y = Y[np.all(Y < ref, axis=1)]
    total = 0.0
    for r in range(1, len(Y) + 1):
        for subset in itertools.combinations(range(len(Y)), r):
            corner = Y[list(subset)].max(axis=0)
            total += (-1) ** (r + 1) * float(np.prod(ref - corner))
    return total


def test_2d_by_hand() -> None:
    assert hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4]) == 6.0
    # a dominated point and a duplicate change nothing
    assert hypervolume([[1, 3], [2, 2], [3, 1], [3, 3], [2, 2]], [4, 4]) == 6.0
    assert hypervolume([[0, 0]], [1, 2]) == 2.0


def test_3d_by_hand() -> None:
    assert hypervolume([[1, 1, 1]], [2, 3, 4]) == 6.0
    # two boxes [0,2]x[0,1]x[0,1] and [0,1]x[0,2]x[0,1] (ref 2,2,1 from points (0,1,0),(1,0,0))
    assert hypervolume([[0, 1, 0], [1, 0, 0]], [2, 2, 1]) == 3.0
    # the unit cube's corners on the three axes: 3 slabs, overlap counted once
    Y = [[0, 1, 1], [1, 0, 1], [1, 1, 0]]
    assert hypervolume(Y, [2, 2, 2]) == pytest.approx(box_union_volume(np.array(Y), np.full(3, 2)))
    # ties in the third objective
    Y = [[0, 2, 0], [2, 0, 0], [1, 1, 0]]
    assert hypervolume(Y, [3, 3, 1]) == 9 - 2 - 1  # the 3x3 square minus two notches


def test_reference_point_that_dominates_everything() -> None:
    assert hypervolume([[1, 1], [2, 0.5]], [0, 0]) == 0.0
    assert hypervolume([[1, 1, 1]], [1, 5, 5]) == 0.0  # on the boundary: no volume
    assert hypervolume(np.zeros((0, 2)), [1, 1]) == 0.0
    assert hypervolume_estimate([[3, 3, 3, 3]], [1, 1, 1, 1]).value == 0.0


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="coordinate"):
        hypervolume([[1, 2]], [1, 2, 3])
    with pytest.raises(ValueError, match="finite"):
        hypervolume([[1, 2]], [np.inf, 3])
    with pytest.raises(ValueError, match="NaN"):
        hypervolume([[np.nan, 2]], [3, 3])


@pytest.mark.parametrize("k", [2, 3])
def test_exact_against_inclusion_exclusion(k: int) -> None:
    rng = np.random.default_rng(k)
    for _ in range(30):
        Y = rng.integers(0, 5, size=(int(rng.integers(1, 9)), k)).astype(float)
        ref = np.full(k, 5.0)
        assert hypervolume(Y, ref) == pytest.approx(box_union_volume(Y, ref))


def test_estimate_in_four_objectives() -> None:
    rng = np.random.default_rng(4)
    Y = rng.random((8, 4))
    ref = np.full(4, 1.2)
    exact = box_union_volume(Y, ref)
    est = hypervolume_estimate(Y, ref, n_samples=100_000, seed=1)
    assert abs(est.value - exact) < 5 * est.stderr
    assert est.stderr > 0
    # seeded: the same call gives the same estimate; hypervolume() uses it above 3-D
    assert hypervolume_estimate(Y, ref, 100_000, seed=1) == est
    assert hypervolume(Y, ref) == pytest.approx(exact, rel=0.02)


fronts = st.integers(2, 3).flatmap(
    lambda k: hnp.arrays(
        float,
        st.tuples(st.integers(1, 25), st.just(k)),
        elements=st.integers(0, 20).map(float),
    )
)


@settings(max_examples=60, deadline=None)
@given(fronts, st.data())
def test_monotone_when_adding_points(Y: np.ndarray, data: st.DataObject) -> None:
    ref = np.full(Y.shape[1], 21.0)
    extra = data.draw(hnp.arrays(float, (1, Y.shape[1]), elements=st.integers(0, 25).map(float)))
    before = hypervolume(Y, ref)
    after = hypervolume(np.vstack([Y, extra]), ref)
    assert after >= before - 1e-9
    # never more than the box from the ideal point
    assert after <= float(np.prod(ref - np.vstack([Y, extra]).min(axis=0))) + 1e-9


@settings(max_examples=30, deadline=None)
@given(fronts)
def test_3d_matches_estimate_and_order_does_not_matter(Y: np.ndarray) -> None:
    ref = np.full(Y.shape[1], 21.0)
    hv = hypervolume(Y, ref)
    assert hypervolume(Y[::-1], ref) == pytest.approx(hv)
    if len(Y) <= 8:
        assert hv == pytest.approx(box_union_volume(Y, ref))


def test_a_hundred_thousand_points() -> None:
    rng = np.random.default_rng(0)
    S = rng.random((100_000, 3))
    S /= S.sum(axis=1, keepdims=True)  # every point on the front
    hv = hypervolume(S, [1.0, 1.0, 1.0])
    assert 1 / 6 < hv < 1.0
