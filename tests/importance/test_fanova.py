from __future__ import annotations

import numpy as np
import pytest

from hyperhop.importance.fanova import fanova, leaf_boxes, main_effects


def test_main_effects_of_hand_made_boxes() -> None:
    # f = 1 where x0 < 0.5 else 0, whatever x1: all the variance is x0's
    lo = np.array([[0.0, 0.0], [0.5, 0.0]])
    hi = np.array([[0.5, 1.0], [1.0, 1.0]])
    np.testing.assert_allclose(main_effects(lo, hi, np.array([1.0, 0.0])), [1.0, 0.0])
    # f = x0-cell + x1-cell on a 2x2 grid, additive with equal steps: half each
    lo = np.array([[0, 0], [0.5, 0], [0, 0.5], [0.5, 0.5]], float)
    hi = lo + 0.5
    np.testing.assert_allclose(main_effects(lo, hi, np.array([0.0, 1.0, 1.0, 2.0])), [0.5, 0.5])
    # pure interaction (XOR): no main effect at all
    np.testing.assert_allclose(main_effects(lo, hi, np.array([0.0, 1.0, 1.0, 0.0])), [0.0, 0.0])
    # a constant function explains nothing
    np.testing.assert_allclose(main_effects(lo, hi, np.ones(4)), [0.0, 0.0])


def test_leaf_boxes_tile_the_unit_cube() -> None:
    from sklearn.tree import DecisionTreeRegressor

    rng = np.random.default_rng(0)
    X = rng.random((200, 3))
    tree = DecisionTreeRegressor(max_depth=5, random_state=0).fit(X, X[:, 0] + X[:, 1] ** 2)
    lo, hi, v = leaf_boxes(tree)
    assert np.prod(hi - lo, axis=1).sum() == pytest.approx(1.0)
    # each point falls in the box of the leaf that predicts it
    pts = rng.random((50, 3))
    inside = np.all((pts[:, None, :] > lo[None]) & (pts[:, None, :] <= hi[None]), axis=2)
    assert np.all(inside.sum(axis=1) == 1)
    np.testing.assert_allclose(v[inside.argmax(axis=1)], tree.predict(pts))


def test_additive_function_shares_match_the_analytic_variances() -> None:
    rng = np.random.default_rng(1)
    X = rng.random((600, 4))
    # Var(3 x0) = 9/12, Var(x1^2) = 4/45, Var(sin(2 pi x2)) = 1/2, x3 unused
    y = 3 * X[:, 0] + X[:, 1] ** 2 + np.sin(2 * np.pi * X[:, 2])
    truth = np.array([9 / 12, 4 / 45, 1 / 2, 0.0])
    mean, std = fanova(X, y, seed=0)
    np.testing.assert_allclose(mean / mean.sum(), truth / truth.sum(), atol=0.05)
    assert np.all(std >= 0) and std[0] > 0
