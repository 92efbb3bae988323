"""Dominance and non-dominated sorting against hand-computed fronts and a brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hyperhop.multiobjective import (
    as_minimization,
    dominates,
    non_dominated_mask,
    non_dominated_ranks,
    pareto_front,
)


def brute_mask(Y: np.ndarray) -> np.ndarray:
    Y = np.asarray(Y, dtype=float)
    dom = (Y[:, None, :] <= Y[None, :, :]).all(2) & (Y[:, None, :] < Y[None, :, :]).any(2)
    return np.asarray(~dom.any(axis=0))


def brute_ranks(Y: np.ndarray) -> np.ndarray:
    Y = np.asarray(Y, dtype=float)
    ranks = np.full(len(Y), -1)
    rest = np.arange(len(Y))
    r = 0
    while len(rest):
        m = brute_mask(Y[rest])
        ranks[rest[m]] = r
        rest = rest[~m]
        r += 1
    return ranks


def test_dominates() -> None:
    assert dominates([1, 2], [1, 3])
    assert dominates([0, 0, 0], [1, 1, 1])
    assert not dominates([1, 2], [1, 2])  # equal points do not dominate each other
    assert not dominates([0, 3], [1, 2])  # a trade-off
    assert not dominates([1, 3], [1, 2])


def test_front_2d_by_hand() -> None:
    Y = [[1, 5], [2, 3], [3, 4], [4, 1], [2, 3], [5, 5], [1, 6]]
    # (3, 4) is dominated by (2, 3); (5, 5) by everything left of it; (1, 6) by (1, 5);
    # the duplicate (2, 3) stays with its twin.
    assert non_dominated_mask(Y).tolist() == [True, True, False, True, True, False, False]
    assert pareto_front(Y).tolist() == [0, 1, 3, 4]
    assert non_dominated_ranks(Y).tolist() == [0, 0, 1, 0, 0, 2, 1]


def test_front_3d_by_hand() -> None:
    Y = [
        [1, 2, 3],
        [3, 2, 1],
        [2, 2, 2],
        [2, 3, 3],  # dominated by (2, 2, 2)
        [1, 2, 3],  # duplicate of the first
        [3, 3, 3],  # dominated by several, (2, 3, 3) among them: front 2
        [0, 9, 9],
        [1, 2, 4],  # dominated by (1, 2, 3) only
    ]
    assert non_dominated_mask(Y).tolist() == [True, True, True, False, True, False, True, False]
    assert non_dominated_ranks(Y).tolist() == [0, 0, 0, 1, 0, 2, 0, 1]


def test_ties_in_one_objective() -> None:
    # Same first objective: only the smallest second one survives.
    assert non_dominated_mask([[1, 3], [1, 2], [1, 2], [1, 4]]).tolist() == [
        False,
        True,
        True,
        False,
    ]
    # Same value in every objective but one, in 3-D.
    assert non_dominated_mask([[0, 0, 1], [0, 0, 2], [0, 1, 0]]).tolist() == [True, False, True]


def test_single_point_empty_and_one_objective() -> None:
    assert non_dominated_mask([[3.0, 4.0]]).tolist() == [True]
    assert non_dominated_mask(np.zeros((0, 2))).tolist() == []
    assert non_dominated_ranks(np.zeros((0, 3))).tolist() == []
    assert non_dominated_mask([[2.0], [1.0], [1.0], [3.0]]).tolist() == [False, True, True, False]
    assert non_dominated_ranks([[2.0], [1.0], [1.0], [3.0]]).tolist() == [1, 0, 0, 2]


def test_infinities_and_nan() -> None:
    # (0, inf) is dominated by (-inf, 5); (inf, 0) by nothing
    assert non_dominated_mask([[np.inf, 0], [0, np.inf], [1, 1], [-np.inf, 5]]).tolist() == [
        True,
        False,
        True,
        True,
    ]
    with pytest.raises(ValueError, match="NaN"):
        non_dominated_mask([[np.nan, 1.0]])


def test_as_minimization() -> None:
    assert as_minimization([[1, 2], [3, 4]], ["max", "min"]).tolist() == [[-1, 2], [-3, 4]]
    with pytest.raises(ValueError, match="direction"):
        as_minimization([[1, 2]], ["min"])


def test_n_stop_ranks_only_what_is_needed() -> None:
    Y = np.array([[i, 0, 0] for i in range(10)], dtype=float)  # a chain: ten fronts
    ranks = non_dominated_ranks(Y, n_stop=3)
    assert ranks.tolist() == [0, 1, 2, 3, 3, 3, 3, 3, 3, 3]


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_random_against_brute_force(k: int) -> None:
    rng = np.random.default_rng(k)
    for _ in range(40):
        n = int(rng.integers(1, 50))
        Y = rng.integers(0, 4, size=(n, k)).astype(float)  # many ties and duplicates
        assert non_dominated_mask(Y).tolist() == brute_mask(Y).tolist()
        assert non_dominated_ranks(Y).tolist() == brute_ranks(Y).tolist()


points = st.integers(1, 4).flatmap(
    lambda k: hnp.arrays(
        float,
        st.tuples(st.integers(1, 40), st.just(k)),
        elements=st.floats(-10, 10, allow_nan=False).map(lambda x: round(x, 1)),
    )
)


@settings(max_examples=80, deadline=None)
@given(points)
def test_front_is_mutually_non_dominated_and_dominates_the_rest(Y: np.ndarray) -> None:
    mask = non_dominated_mask(Y)
    front, rest = Y[mask], Y[~mask]
    assert len(front) >= 1
    for a in front:
        assert not any(dominates(b, a) for b in front)
    for r in rest:
        assert any(dominates(f, r) for f in front)


@settings(max_examples=60, deadline=None)
@given(points)
def test_ranks_are_consistent(Y: np.ndarray) -> None:
    ranks = non_dominated_ranks(Y)
    assert (ranks == 0).tolist() == non_dominated_mask(Y).tolist()
    for i in range(len(Y)):
        for j in range(len(Y)):
            if dominates(Y[i], Y[j]):
                assert ranks[i] < ranks[j]


@pytest.mark.parametrize("k", [2, 3])
def test_a_hundred_thousand_points(k: int) -> None:
    rng = np.random.default_rng(0)
    Y = rng.random((100_000, k))
    mask = non_dominated_mask(Y)
    assert 1 <= mask.sum() < 1000
    front = Y[mask]
    # every front point is non-dominated within the front
    assert brute_mask(front).all()
    # a whole front (points on a simplex) is found too
    S = rng.random((100_000, k))
    S /= S.sum(axis=1, keepdims=True)
    assert non_dominated_mask(S).all()
    assert non_dominated_ranks(Y[:20_000]).min() == 0
