"""Picking the configuration to refit among a search's best few, on a second split.

After hundreds of trials on a small data set, the top cross-validation score is partly luck
of the split (the winner's curse): many configurations tie or nearly tie, and the one that
happens to fit these folds best is picked. Scoring the best few again on a second,
differently shuffled split of the same training data, and picking by the mean over all
their folds, makes the choice less dependent on one split; nothing outside the training
data is used.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.utils import _safe_indexing

from hyperhop.sklearn._folds import cloned_params


def recheck_picker(
    estimator: Any,
    X: Any,
    y: Any,
    scorer: Callable[[Any, Any, Any], float],
    *,
    classification: bool,
    top: int,
    n_splits: int,
    seed: int,
    deadline: float | None,
    scores: dict[int, float],
) -> Callable[[Mapping[str, Any]], int]:
    """A ``refit`` callable for :class:`~hyperhop.sklearn.SearchCV`: the index of the
    configuration, among the ``top`` best by ``mean_test_score``, with the best mean over
    its search folds and the folds of a second split (``n_splits`` folds shuffled with
    ``seed``). Folds start only before ``deadline`` (``time.time()``); a configuration
    whose second split did not finish is not a candidate. ``scores`` receives the chosen
    index's combined mean score (under the key -1)."""

    def pick(results: Mapping[str, Any]) -> int:
        means = np.asarray(results["mean_test_score"], dtype=float)
        order = [int(i) for i in np.argsort(-np.nan_to_num(means, nan=-np.inf), kind="stable")]
        order = [i for i in order if np.isfinite(means[i])][:top]
        if not order:
            raise ValueError("No trial completed all folds; raise the budget.")
        splitter = (StratifiedKFold if classification else KFold)(
            n_splits=n_splits, shuffle=True, random_state=seed
        )
        splits = list(splitter.split(X, y))
        n_first = sum(1 for k in results if k.startswith("split") and k.endswith("_test_score"))
        best, best_score = order[0], float(means[order[0]])
        checked = 0
        for i in order:
            second = _fold_scores(estimator, results["params"][i], X, y, splits, scorer, deadline)
            if second is None:
                break
            if not second:
                continue
            checked += 1
            combined = (means[i] * n_first + sum(second)) / (n_first + len(second))
            if checked == 1 or combined > best_score:
                best, best_score = i, float(combined)
        scores[-1] = best_score
        return best

    return pick


def _fold_scores(
    estimator: Any,
    params: Mapping[str, Any],
    X: Any,
    y: Any,
    splits: list[tuple[np.ndarray, np.ndarray]],
    scorer: Callable[[Any, Any, Any], float],
    deadline: float | None,
) -> list[float] | None:
    """Scores of the configuration on each split; None when the deadline came first, an
    empty list when a fit or score raised (the configuration is then no candidate)."""
    out = []
    for train, test in splits:
        if deadline is not None and time.time() > deadline:
            return None
        est = clone(estimator).set_params(**cloned_params(params))
        try:
            est.fit(_safe_indexing(X, train), _safe_indexing(y, train))
            out.append(float(scorer(est, _safe_indexing(X, test), _safe_indexing(y, test))))
        except Exception:  # noqa: BLE001 - a configuration that fails is no candidate
            return []
    return out
