"""The CBO surrogate: extremely randomized trees, with the spread across trees as the
epistemic uncertainty (what DeepHyper's UCBd uses), and a forest classifier of failures."""

from __future__ import annotations

from typing import Any

import numpy as np


class ForestSurrogate:
    """Extremely randomized trees with DeepHyper's defaults: 10 trees, random splits over all
    features, no bootstrap, ``min_samples_split=2``, ``min_impurity_decrease=0.005`` (on an
    objective scaled to [0, 1]).

    Example:
        >>> import numpy as np
        >>> X = np.linspace(0, 1, 20)[:, None]
        >>> f = ForestSurrogate(random_state=0).fit(X, X[:, 0] ** 2)
        >>> mean, std = f.predict(np.array([[0.0], [1.0]]))
        >>> bool(mean[0] < mean[1])
        True
    """

    def __init__(
        self,
        n_trees: int = 10,
        min_samples_split: int = 2,
        min_impurity_decrease: float = 0.005,
        random_state: int | None = None,
    ) -> None:
        self.n_trees = int(n_trees)
        self.min_samples_split = int(min_samples_split)
        self.min_impurity_decrease = float(min_impurity_decrease)
        self.random_state = random_state
        self.trees: list[Any] = []

    def fit(self, X: np.ndarray, y: np.ndarray) -> ForestSurrogate:
        """Fit the trees one by one, as ``ExtraTreesRegressor(n_trees, max_features=1.0,
        bootstrap=False)`` would (the same random states, so the same trees), without the
        forest's per-fit bookkeeping (cloning and re-validating every tree's parameters),
        which cost more than the trees themselves on a few hundred points."""
        import sklearn
        from sklearn.tree import ExtraTreeRegressor  # imported when first needed (slow)

        X32 = np.ascontiguousarray(X, dtype=np.float32)
        y64 = np.ascontiguousarray(y, dtype=float)
        seeds = np.random.RandomState(self.random_state).randint(
            np.iinfo(np.int32).max, size=self.n_trees
        )
        trees = [
            ExtraTreeRegressor(
                min_samples_split=self.min_samples_split,
                min_impurity_decrease=self.min_impurity_decrease,
                max_features=1.0,
                random_state=int(seed),
            )
            for seed in seeds
        ]
        with sklearn.config_context(skip_parameter_validation=True):
            for tree in trees:
                tree.fit(X32, y64, check_input=False)
        self.trees = trees
        return self

    def predict_trees(self, X: np.ndarray) -> np.ndarray:
        """Each tree's prediction, shape ``(n_trees, n)``."""
        X32 = np.ascontiguousarray(X, dtype=np.float32)
        return np.stack([t.predict(X32, check_input=False) for t in self.trees])

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and epistemic standard deviation (the spread of the trees' predictions)."""
        P = self.predict_trees(X)
        return P.mean(axis=0), P.std(axis=0)


class FailureModel:
    """The probability that a point fails, from a small forest classifier (hidden
    constraints). Fitted only when both outcomes were seen."""

    def __init__(self, n_trees: int = 10, random_state: int | None = None) -> None:
        from sklearn.ensemble import ExtraTreesClassifier

        self.model: Any = ExtraTreesClassifier(
            n_estimators=n_trees, max_features=1.0, bootstrap=False, n_jobs=1,
            random_state=random_state,
        )  # fmt: skip

    def fit(self, X: np.ndarray, failed: np.ndarray) -> FailureModel:
        self.model.fit(np.asarray(X, dtype=np.float32), np.asarray(failed, dtype=np.int64))
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """P(failure) for each row."""
        X32 = np.ascontiguousarray(X, dtype=np.float32)
        votes = np.stack([t.predict_proba(X32, check_input=False) for t in self.model.estimators_])
        classes = list(self.model.classes_)
        if 1 not in classes:
            return np.zeros(X32.shape[0])
        return np.asarray(votes[:, :, classes.index(1)].mean(axis=0))
