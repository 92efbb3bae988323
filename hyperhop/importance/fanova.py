"""fANOVA (Hutter et al., 2014) on a random forest: the share of the variance of the
forest's prediction that each parameter explains alone (its main effect), computed
exactly from the trees' leaves under the uniform measure on the unit cube."""

from __future__ import annotations

import numpy as np


def leaf_boxes(tree: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The leaves of a fitted scikit-learn tree as boxes in [0, 1]^d: ``(lo, hi, value)``
    with ``lo``/``hi`` of shape ``(n_leaves, d)``."""
    t = tree.tree_  # type: ignore[attr-defined]
    left, right = t.children_left, t.children_right
    feat, thr = t.feature, t.threshold
    n, d = t.node_count, t.n_features
    lo = np.zeros((n, d))
    hi = np.ones((n, d))
    frontier = np.array([0])
    while len(frontier):
        inner = frontier[left[frontier] >= 0]
        if not len(inner):
            break
        lc, rc, f = left[inner], right[inner], feat[inner]
        cut = np.clip(thr[inner], 0.0, 1.0)
        lo[lc], hi[lc] = lo[inner], hi[inner]
        lo[rc], hi[rc] = lo[inner], hi[inner]
        hi[lc, f] = np.minimum(hi[lc, f], cut)
        lo[rc, f] = np.maximum(lo[rc, f], cut)
        frontier = np.concatenate([lc, rc])
    leaves = left < 0
    return lo[leaves], hi[leaves], t.value[leaves].reshape(-1)


def main_effects(lo: np.ndarray, hi: np.ndarray, value: np.ndarray) -> np.ndarray:
    """For each feature, the variance of the marginal ``E[f | x_j]`` divided by the total
    variance of the piecewise-constant function given by the leaf boxes (zeros when the
    function is constant)."""
    size = np.maximum(hi - lo, 0.0)
    vol = np.prod(size, axis=1)
    mean = float(value @ vol)
    total = float((value**2) @ vol) - mean**2
    d = lo.shape[1]
    out = np.zeros(d)
    if total <= 1e-15 * max(1.0, mean**2):
        return out
    for j in range(d):
        keep = size[:, j] > 0
        cuts = np.unique(np.concatenate([lo[keep, j], hi[keep, j], [0.0, 1.0]]))
        # each leaf adds v * vol / size_j to E[f | x_j] on the segments it covers
        w = value[keep] * vol[keep] / size[keep, j]
        start = np.searchsorted(cuts, lo[keep, j])
        stop = np.searchsorted(cuts, hi[keep, j])
        diff = np.zeros(len(cuts))
        np.add.at(diff, start, w)
        np.add.at(diff, stop, -w)
        marginal = np.cumsum(diff)[:-1]
        seg = np.diff(cuts)
        out[j] = max(float((marginal**2) @ seg) - mean**2, 0.0) / total
    return out


def fanova(
    X: np.ndarray,
    y: np.ndarray,
    *,
    n_trees: int = 64,
    max_depth: int | None = None,
    min_samples_leaf: int = 1,
    max_samples: int = 2000,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Main-effect variance fractions of each column of ``X`` (in [0, 1]) for ``y``: the
    mean over the trees of a random forest and the standard deviation over trees.

    The forest is 64 fully grown extremely randomized trees (random thresholds, as the
    ``cbo`` sampler's surrogate; every feature at each split), each on a bootstrap sample
    of at most ``max_samples`` trials, so the cost stops growing with the number of
    trials (10,000 trials x 20 parameters in well under 1 s of one core,
    ``benchmarks/importance.py``). On synthetic functions its ranking matched the true
    one as well as a random forest of best splits did, at half the cost.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = rng.random((400, 3))
        >>> mean, std = fanova(X, 3 * X[:, 0] + X[:, 1])
        >>> [round(float(m), 1) for m in mean / mean.sum()]
        [0.9, 0.1, 0.0]
    """
    from sklearn.ensemble import ExtraTreesRegressor

    n = len(y)
    forest = ExtraTreesRegressor(
        n_estimators=n_trees,
        max_depth=max_depth,
        min_samples_leaf=min_samples_leaf,
        max_features=1.0,
        bootstrap=True,
        max_samples=min(n, max_samples),
        random_state=seed,
        n_jobs=1,
    ).fit(np.asarray(X, dtype=np.float32), np.asarray(y, dtype=float))
    per_tree = np.array([main_effects(*leaf_boxes(t)) for t in forest.estimators_])
    return per_tree.mean(axis=0), per_tree.std(axis=0)
