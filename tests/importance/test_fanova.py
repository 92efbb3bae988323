from __future__ import annotations

import numpy as np
import pytest

from hyperhop.importance.fanova import fanova, leaf_boxes, main_effects, tree_rows


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


def test_each_tree_sees_distinct_trials_and_all_of_them_up_to_max_samples() -> None:
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(tree_rows(50, 2000, rng), np.arange(50))
    rows = tree_rows(5000, 300, rng)
    assert len(rows) == 300 and len(np.unique(rows)) == 300 and rows.max() < 5000
    # another tree, another subset
    assert set(tree_rows(5000, 300, rng)) != set(rows)


def test_past_max_samples_the_shares_still_match_the_analytic_variances() -> None:
    rng = np.random.default_rng(2)
    X = rng.random((3000, 3))
    y = 3 * X[:, 0] + np.sin(2 * np.pi * X[:, 1])  # Var: 9/12 and 1/2; x2 unused
    truth = np.array([9 / 12, 1 / 2, 0.0])
    mean, _ = fanova(X, y, n_trees=16, max_samples=400, seed=0)
    np.testing.assert_allclose(mean / mean.sum(), truth / truth.sum(), atol=0.05)
    again, _ = fanova(X, y, n_trees=16, max_samples=400, seed=0)
    np.testing.assert_array_equal(mean, again)
    other, _ = fanova(X, y, n_trees=16, max_samples=400, seed=1)
    assert not np.array_equal(mean, other)


@pytest.mark.parametrize("option", ["n_trees", "max_samples"])
def test_forest_size_options_below_one_are_refused(option: str) -> None:
    X = np.random.default_rng(0).random((20, 2))
    with pytest.raises(ValueError, match=f"'{option}'.*at least 1. Got 0"):
        fanova(X, X[:, 0], **{option: 0})
