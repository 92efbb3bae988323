"""Scalarizations, objective rescaling and the feasibility penalty."""

from __future__ import annotations

import numpy as np
import pytest

from hyperhop.multiobjective import chebyshev, linear, pbi, random_weights, rescale, scalarize
from hyperhop.multiobjective.scalarization import SCALARIZATIONS


def test_random_weights_are_uniform_on_the_simplex() -> None:
    rng = np.random.default_rng(0)
    W = np.array([random_weights(3, rng) for _ in range(4000)])
    np.testing.assert_allclose(W.sum(axis=1), 1.0)
    assert (W > 0).all()
    np.testing.assert_allclose(W.mean(axis=0), [1 / 3] * 3, atol=0.02)


def test_rescale() -> None:
    Y = np.array([[1.0, 1000.0], [2.0, 3000.0], [3.0, 2000.0], [3.0, 2000.0]])
    S = rescale(Y, "quantile")
    assert S.min() == 0.0 and S.max() == 1.0
    assert S[2, 0] == S[3, 0]  # ties share a rank
    M = rescale(Y, "minmax")
    np.testing.assert_allclose(M[:, 1], [0.0, 1.0, 0.5, 0.5])
    np.testing.assert_allclose(rescale(np.array([[5.0], [5.0]]), "minmax"), 0.0)
    with pytest.raises(ValueError, match="scaler"):
        rescale(Y, "zscore")


def test_scalarizations_by_hand() -> None:
    S = np.array([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])
    w = np.array([0.25, 0.75])
    np.testing.assert_allclose(linear(S, w), [0.75, 0.5, 0.25])
    np.testing.assert_allclose(chebyshev(S, w), [0.75, 0.375, 0.25])
    # PBI along the diagonal: the diagonal point has no penalty
    d = pbi(S, np.array([0.5, 0.5]))
    assert d[1] == pytest.approx(np.sqrt(0.5))
    assert d[0] == d[2] > d[1]


@pytest.mark.parametrize("method", sorted(SCALARIZATIONS))
def test_a_dominated_point_is_never_preferred(method: str) -> None:
    rng = np.random.default_rng(1)
    Y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.4, 0.6]])
    for _ in range(50):
        y = scalarize(Y, rng, method=method)
        assert y[2] >= y[3] - 1e-12


def test_directions_negate_maximized_objectives() -> None:
    Y = np.array([[1.0, 10.0], [2.0, 1.0]])  # min the first, max the second: row 0 dominates
    y = scalarize(Y, weights=[0.5, 0.5], directions=["min", "max"])
    assert y[0] < y[1]


def test_single_objective_passes_through() -> None:
    y = np.array([[3.0], [1.0], [2.0]])
    np.testing.assert_array_equal(scalarize(y), [3.0, 1.0, 2.0])
    np.testing.assert_array_equal(scalarize(y, directions=["max"]), [-3.0, -1.0, -2.0])


def test_infeasible_rows_come_after_every_feasible_one() -> None:
    Y = np.array([[0.0, 0.0], [1.0, 1.0], [0.5, 0.5], [-1.0, -1.0], [-2.0, -2.0]])
    v = np.array([0.0, 0.0, 0.0, 3.0, 1.0])
    y = scalarize(Y, weights=[0.5, 0.5], violation=v)
    assert y[:3].max() < y[4] < y[3]  # the less violating one first
    # one objective
    y1 = scalarize(Y[:, :1], violation=v)
    assert y1[:3].max() < y1[4] < y1[3]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="scalarization"):
        scalarize(np.ones((2, 2)), np.random.default_rng(0), method="max")
    with pytest.raises(ValueError, match="weights"):
        scalarize(np.ones((2, 2)), weights=[1.0, -1.0])
    with pytest.raises(ValueError, match="rng"):
        scalarize(np.ones((2, 2)))


def test_rescale_from_some_rows_and_by_the_front() -> None:
    Y = np.array([[0.0, 2.0], [2.0, 0.0], [3.0, 3.0], [-1.0, 1.0]])
    fit = np.array([True, True, True, False])
    M = rescale(Y, "minmax", fit=fit)
    np.testing.assert_allclose(M[:, 0], [0.0, 2 / 3, 1.0, 0.0])  # clipped to [0, 1]
    F = rescale(Y, "front", fit=fit)
    # the front of the fitted rows is (0, 2), (2, 0): the dominated row lies beyond 1
    np.testing.assert_allclose(F, [[0.0, 1.0], [1.0, 0.0], [1.5, 1.5], [-0.5, 0.5]])
    Q = rescale(Y, "quantile", fit=fit)
    assert Q[3, 0] == 0.0 and Q[2, 0] == 1.0


def test_augmented_chebyshev_breaks_weak_optimality() -> None:
    # with a zero weight, plain Chebyshev cannot tell (0, 1) from (0, 2); the augmented can
    S = np.array([[0.0, 1.0], [0.0, 2.0]])
    w = np.array([1.0, 0.0])
    assert chebyshev(S, w)[0] == chebyshev(S, w)[1]
    assert chebyshev(S, w, augment=0.3)[0] < chebyshev(S, w, augment=0.3)[1]


def test_unpenalized_keeps_infeasible_values_on_the_feasible_scale() -> None:
    Y = np.array([[0.0, 1.0], [1.0, 0.0], [-1.0, -1.0]])
    v = np.array([0.0, 0.0, 1.0])
    y = scalarize(Y, weights=[0.5, 0.5], scaler="front", violation=v, penalty=False)
    assert y[2] < y[:2].min()  # better than the feasible ones, as its objectives are
