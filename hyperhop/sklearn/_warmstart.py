"""The first trials of an AutoEstimator search: each model family at its textbook defaults.

A time-budgeted search on a data set where one fit takes seconds runs only tens of trials,
and the first ones, drawn at random, may all be slow or poor. Starting from defaults that
are cheap and usually strong (FLAML's low-cost starting points: Wang et al., "FLAML: A
fast and lightweight AutoML library", 2021) gives the sampler good incumbents to improve
on. The defaults are those of the literature each family's space cites in
:mod:`hyperhop.sklearn.spaces`:

- RBF SVM on standardized features with C = 1 and gamma = 1 / n_features (LIBSVM's
  defaults; scaling first, as Hsu, Chang and Lin advise);
- k-NN with k = 5 on min-max and on standardized features;
- L2 logistic regression (ridge for a regression) with C = 1 (alpha = 1), standardized;
- for a classification, Fisher's linear discriminant analysis (no shrinkage);
- random forest with mtry = sqrt(p) features per split for a classification, p / 3 for a
  regression (Breiman, "Random forests", 2001), leaves of one sample, bootstrap;
- extra trees with sqrt(p) (classification) or all p (regression) features per split,
  no bootstrap (Geurts et al., "Extremely randomized trees", 2006);
- histogram gradient boosting at LightGBM's defaults (learning rate 0.1, 31 leaves, 20
  samples per leaf), last, as the costliest on many classes.
"""

from __future__ import annotations

import math
from typing import Any

from sklearn import discriminant_analysis, ensemble, linear_model, neighbors, svm
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from hyperhop.exceptions import InvalidAssignmentError


def default_configs(task: str, n_features: int, random_state: int | None) -> list[dict[str, Any]]:
    """The configurations (``{"pre": transformer, "model": estimator}``) to try first, in
    order, for ``task`` on data with ``n_features`` columns; estimators that take a
    ``random_state`` get this one (as :func:`~hyperhop.sklearn.spaces.any_classifier`)."""
    p = max(int(n_features), 1)
    seed = {"random_state": random_state}
    classify = task == "classification"
    mtry = math.sqrt(p) / p if classify else 1 / 3
    mtry_et = math.sqrt(p) / p if classify else 1.0
    gamma = 1.0 / p
    forest = {"n_estimators": 100, "min_samples_leaf": 1, **seed}
    if classify:
        svm_model: Any = svm.SVC(C=1.0, gamma=gamma, **seed)
        linear: Any = linear_model.LogisticRegression(C=1.0, max_iter=1000, **seed)
        knn: Any = neighbors.KNeighborsClassifier
        rf: Any = ensemble.RandomForestClassifier
        et: Any = ensemble.ExtraTreesClassifier
        hgb: Any = ensemble.HistGradientBoostingClassifier
    else:
        svm_model = svm.SVR(C=1.0, gamma=gamma, epsilon=0.1)
        linear = linear_model.Ridge(alpha=1.0, **seed)
        knn = neighbors.KNeighborsRegressor
        rf = ensemble.RandomForestRegressor
        et = ensemble.ExtraTreesRegressor
        hgb = ensemble.HistGradientBoostingRegressor
    k5 = {"n_neighbors": 5, "weights": "uniform", "p": 2}
    fisher = discriminant_analysis.LinearDiscriminantAnalysis(solver="lsqr", shrinkage=0.0)
    return [
        {"pre": StandardScaler(), "model": svm_model},
        {"pre": MinMaxScaler(), "model": knn(**k5)},
        {"pre": StandardScaler(), "model": knn(**k5)},
        {"pre": StandardScaler(), "model": linear},
        *([{"pre": "passthrough", "model": fisher}] if classify else []),
        {"pre": "passthrough", "model": rf(max_features=_unit(mtry), bootstrap=True, **forest)},
        {"pre": "passthrough", "model": et(max_features=_unit(mtry_et), bootstrap=False, **forest)},
        {
            "pre": "passthrough",
            "model": hgb(
                learning_rate=0.1,
                max_leaf_nodes=31,
                min_samples_leaf=20,
                l2_regularization=1e-6,
                max_iter=300,
                early_stopping=True,
                **seed,
            ),
        },
    ]


def enqueue_defaults(study: Any, configs: list[dict[str, Any]], *, with_pre: bool) -> int:
    """Queue ``configs`` in ``study``; one whose ``"pre"`` does not fit the space (or all,
    when ``with_pre`` is False) goes without it (the preprocessing is then sampled), one
    whose model does not fit (a space of one's own, other fixed settings) is skipped.
    Returns how many were queued."""
    queued = 0
    for config in configs:
        model_only = {"model": config["model"]}
        for attempt in (config, model_only) if with_pre else (model_only,):
            try:
                study.enqueue(attempt)
            except InvalidAssignmentError:
                continue
            queued += 1
            break
    return queued


def _unit(fraction: float) -> float:
    """A fraction of features, within the forests' space ([0.05, 1])."""
    return min(max(fraction, 0.05), 1.0)
