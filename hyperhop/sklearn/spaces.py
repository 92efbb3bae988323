"""Ready-made search spaces over scikit-learn estimators (hyperopt-sklearn's role).

Each function returns a hyperhop space whose config is a configured, unfitted estimator
(an ``hh.expr`` over the estimator's class), so it can be a value in ``SearchCV``'s space:
``{"model": any_classifier(), "pre": any_preprocessing()}`` over a Pipeline with steps
``"pre"`` and ``"model"``. Keyword arguments are fixed settings passed to every estimator
(``svc(probability=True)``); ``random_state`` goes to estimators that take one.

The ranges and scales follow the literature, on log scales where a parameter acts
multiplicatively:

- SVM (RBF kernel): C in [2^-5, 2^15] and gamma in [2^-15, 2^3], log-uniform (the grid of Hsu, Chang and
  Lin, "A practical guide to support vector classification", 2003); epsilon of SVR in
  [1e-3, 1] log-uniform.
- Random forest and extra trees: the fraction of features per split (mtry) in [0.05, 1]
  matters most, then the leaf size, log-uniform in [1, 20], and bootstrap (Probst, Wright
  and Boulesteix, "Hyperparameters and tuning strategies for random forest", 2019; Geurts
  et al., "Extremely randomized trees", 2006); 100 trees (more trees never hurt accuracy,
  only time, so the budget is spent on the other parameters).
- Gradient boosting: learning rate in [0.01, 0.3] log-uniform with 50-300 trees, depth
  2-8, row subsampling in [0.5, 1] (Friedman, "Stochastic gradient boosting", 2002), feature
  subsampling in [0.3, 1]. Histogram gradient boosting: learning rate as above, 8-128 leaves
  and 5-100 samples per leaf log-uniform, L2 in [1e-6, 10] log-uniform (the ranges of
  LightGBM's tuning guides), 300 iterations with early stopping.
- k-NN: k in [1, 50] log-uniform, uniform or distance weights, Manhattan or Euclidean.
- Linear discriminant analysis: the covariance shrinkage uniform in [0, 1] (Friedman,
  "Regularized discriminant analysis", 1989; auto-sklearn's range).
- Logistic regression: C in [1e-4, 1e4] log-uniform (L2); ridge: alpha in [1e-4, 1e4],
  lasso: alpha in [1e-5, 10], log-uniform (Bergstra and Bengio, "Random search for
  hyper-parameter optimization", 2012, for log scales on regularization strengths).
- MLP: 1-2 hidden layers of 16-256 units (log-uniform), L2 alpha in [1e-6, 1e-1] and
  initial learning rate in [1e-4, 1e-1] log-uniform, Adam with early stopping (Bengio,
  "Practical recommendations for gradient-based training", 2012).

:class:`~hyperhop.sklearn.AutoEstimator` first runs each family at its textbook defaults,
which lie in these spaces (its ``defaults_first``): RBF SVM with LIBSVM's C = 1 and
gamma = 1 / n_features on standardized features, k-NN with k = 5, logistic regression with
C = 1, Fisher's linear discriminant (no shrinkage), forests with Breiman's sqrt(p)
features per split, histogram boosting at LightGBM's defaults; a search of a few tens of
trials (slow fits, many classes) then starts from strong incumbents (FLAML's low-cost
starting points, Wang et al., 2021).

Example:
    >>> import hyperhop as hh
    >>> from hyperhop.sklearn import spaces
    >>> model = hh.sample({"model": spaces.any_classifier(random_state=0)}, seed=3)["model"]
    >>> hasattr(model, "fit") and hasattr(model, "predict")
    True
"""

from __future__ import annotations

import inspect
from typing import Any

from sklearn import discriminant_analysis, ensemble, linear_model, neighbors, neural_network, svm
from sklearn.decomposition import PCA
from sklearn.preprocessing import MinMaxScaler, Normalizer, RobustScaler, StandardScaler

import hyperhop as hh

__all__ = [
    "any_classifier",
    "any_preprocessing",
    "any_regressor",
    "extra_trees",
    "gradient_boosting",
    "hist_gradient_boosting",
    "knn",
    "lasso",
    "lda",
    "logistic_regression",
    "mlp",
    "random_forest",
    "ridge",
    "svc",
    "svr",
]


def _build(cls: type, fixed: dict[str, Any], **space: Any) -> Any:
    """``hh.expr(cls, **space)`` with ``fixed`` on top; ``random_state`` only if cls takes it."""
    accepted = inspect.signature(cls).parameters
    kwargs = {k: v for k, v in fixed.items() if k != "random_state" or k in accepted}
    return hh.expr(cls, **{**space, **kwargs})


def _hidden(width: int, depth: int) -> tuple[int, ...]:
    return (int(width),) * int(depth)


def svc(**fixed: Any) -> Any:
    """``SVC`` with the RBF kernel, C and gamma on Hsu, Chang and Lin's ranges (a linear
    model is ``logistic_regression``; a linear-kernel SVC with a large C can run for hours)."""
    return _build(
        svm.SVC,
        fixed,
        C=hh.float(2.0**-5, 2.0**15, log=True),
        gamma=hh.float(2.0**-15, 2.0**3, log=True),
    )


def svr(**fixed: Any) -> Any:
    """``SVR`` (RBF kernel): C, gamma and epsilon, log-uniform."""
    return _build(
        svm.SVR,
        fixed,
        C=hh.float(2.0**-5, 2.0**15, log=True),
        gamma=hh.float(2.0**-15, 2.0**3, log=True),
        epsilon=hh.float(1e-3, 1.0, log=True),
    )


def _forest(cls: type, fixed: dict[str, Any], bootstrap: Any) -> Any:
    return _build(
        cls,
        fixed,
        n_estimators=100,
        max_features=hh.float(0.05, 1.0),
        min_samples_leaf=hh.int(1, 20, log=True),
        bootstrap=bootstrap,
    )


def random_forest(task: str = "classification", **fixed: Any) -> Any:
    """``RandomForestClassifier``/``Regressor``: mtry fraction and leaf size (Probst et al.)."""
    cls = _pick(task, ensemble.RandomForestClassifier, ensemble.RandomForestRegressor)
    return _forest(cls, fixed, hh.choice(True, False, probs=[0.75, 0.25]))


def extra_trees(task: str = "classification", **fixed: Any) -> Any:
    """``ExtraTreesClassifier``/``Regressor``: mtry fraction and leaf size (Geurts et al.)."""
    cls = _pick(task, ensemble.ExtraTreesClassifier, ensemble.ExtraTreesRegressor)
    return _forest(cls, fixed, hh.choice(False, True, probs=[0.75, 0.25]))


def gradient_boosting(task: str = "classification", **fixed: Any) -> Any:
    """``GradientBoostingClassifier``/``Regressor``: stochastic gradient boosting (Friedman)."""
    cls = _pick(task, ensemble.GradientBoostingClassifier, ensemble.GradientBoostingRegressor)
    return _build(
        cls,
        fixed,
        learning_rate=hh.float(0.01, 0.3, log=True),
        n_estimators=hh.int(50, 300, log=True),
        max_depth=hh.int(2, 8),
        subsample=hh.float(0.5, 1.0),
        max_features=hh.float(0.3, 1.0),
    )


def hist_gradient_boosting(task: str = "classification", **fixed: Any) -> Any:
    """``HistGradientBoostingClassifier``/``Regressor`` with early stopping."""
    cls = _pick(
        task, ensemble.HistGradientBoostingClassifier, ensemble.HistGradientBoostingRegressor
    )
    return _build(
        cls,
        fixed,
        learning_rate=hh.float(0.01, 0.3, log=True),
        max_leaf_nodes=hh.int(8, 128, log=True),
        min_samples_leaf=hh.int(5, 100, log=True),
        l2_regularization=hh.float(1e-6, 10.0, log=True),
        max_iter=300,
        early_stopping=True,
    )


def knn(task: str = "classification", **fixed: Any) -> Any:
    """``KNeighborsClassifier``/``Regressor``: k log-uniform in [1, 50], weights, metric."""
    cls = _pick(task, neighbors.KNeighborsClassifier, neighbors.KNeighborsRegressor)
    return _build(
        cls,
        fixed,
        n_neighbors=hh.int(1, 50, log=True),
        weights=hh.choice("uniform", "distance"),
        p=hh.choice(1, 2),
    )


def logistic_regression(**fixed: Any) -> Any:
    """``LogisticRegression`` (L2): C log-uniform in [1e-4, 1e4]."""
    return _build(
        linear_model.LogisticRegression, fixed, C=hh.float(1e-4, 1e4, log=True), max_iter=1000
    )


def lda(**fixed: Any) -> Any:
    """``LinearDiscriminantAnalysis`` with a shrunk covariance: the shrinkage uniform in
    [0, 1] (0 is Fisher's LDA; 1 keeps only the variances, as naive Bayes does) by the
    least-squares solver (Friedman, "Regularized discriminant analysis", 1989). A fit is one
    pass over the data, and on small data with classes of similar spread it is often the best
    family (Hastie, Tibshirani and Friedman, "The Elements of Statistical Learning", ch. 4)."""
    return _build(
        discriminant_analysis.LinearDiscriminantAnalysis,
        fixed,
        solver="lsqr",
        shrinkage=hh.float(0.0, 1.0),
    )


def ridge(**fixed: Any) -> Any:
    """``Ridge``: alpha log-uniform in [1e-4, 1e4]."""
    return _build(linear_model.Ridge, fixed, alpha=hh.float(1e-4, 1e4, log=True))


def lasso(**fixed: Any) -> Any:
    """``Lasso``: alpha log-uniform in [1e-5, 10]."""
    return _build(linear_model.Lasso, fixed, alpha=hh.float(1e-5, 10.0, log=True), max_iter=5000)


def mlp(task: str = "classification", **fixed: Any) -> Any:
    """``MLPClassifier``/``Regressor``: 1-2 layers of 16-256 units, alpha, learning rate."""
    cls = _pick(task, neural_network.MLPClassifier, neural_network.MLPRegressor)
    return _build(
        cls,
        fixed,
        hidden_layer_sizes=hh.expr(_hidden, hh.int(16, 256, log=True), hh.int(1, 2)),
        alpha=hh.float(1e-6, 1e-1, log=True),
        learning_rate_init=hh.float(1e-4, 1e-1, log=True),
        early_stopping=True,
        max_iter=300,
    )


def any_classifier(**fixed: Any) -> Any:
    """A choice of every classifier above, each with its space; boosting is the histogram
    kind only (``gradient_boosting`` fits one tree per class and stage: on 10 classes a
    single configuration took minutes of a time budget where the histogram kind takes
    seconds, for the same accuracy)."""
    return hh.choice(
        svc(**fixed),
        random_forest("classification", **fixed),
        extra_trees("classification", **fixed),
        hist_gradient_boosting("classification", **fixed),
        knn("classification", **fixed),
        logistic_regression(**fixed),
        lda(**fixed),
        mlp("classification", **fixed),
    )


def any_regressor(**fixed: Any) -> Any:
    """A choice of every regressor above, each with its space (boosting: the histogram kind
    only, as in :func:`any_classifier`)."""
    return hh.choice(
        svr(**fixed),
        random_forest("regression", **fixed),
        extra_trees("regression", **fixed),
        hist_gradient_boosting("regression", **fixed),
        knn("regression", **fixed),
        ridge(**fixed),
        lasso(**fixed),
        mlp("regression", **fixed),
    )


def any_preprocessing() -> Any:
    """A choice of feature preprocessing: none, standard, min-max or robust scaling, unit
    norm rows, or PCA (keeping 50-99.9 % of the variance, whitened or not)."""
    return hh.choice(
        "passthrough",
        StandardScaler(),
        MinMaxScaler(),
        RobustScaler(),
        Normalizer(),
        hh.expr(PCA, n_components=hh.float(0.5, 0.999), whiten=hh.choice(False, True)),
    )


def _pick(task: str, classifier: type, regressor: type) -> type:
    if task == "classification":
        return classifier
    if task == "regression":
        return regressor
    raise ValueError(
        f"The 'task' parameter must be 'classification' or 'regression'. Got {task!r} instead."
    )
