from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

import hyperhop as hh
from hyperhop.sklearn import spaces

CLASSIFIERS = [
    "svc",
    "random_forest",
    "extra_trees",
    "gradient_boosting",
    "hist_gradient_boosting",
    "knn",
    "logistic_regression",
    "lda",
    "mlp",
]
REGRESSORS = [
    "svr",
    "random_forest",
    "extra_trees",
    "gradient_boosting",
    "hist_gradient_boosting",
    "knn",
    "ridge",
    "lasso",
    "mlp",
]


def _draw(space, seed):
    return hh.sample({"m": space}, seed=seed)["m"]


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_each_classifier_space_gives_estimators_that_fit(name):
    X, y = make_classification(n_samples=60, n_features=5, random_state=0)
    fn = getattr(spaces, name)
    for seed in range(2):
        est = _draw(fn(random_state=0), seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)
        assert set(np.unique(est.predict(X))) <= {0, 1}


@pytest.mark.parametrize("name", REGRESSORS)
def test_each_regressor_space_gives_estimators_that_fit(name):
    X, y = make_regression(n_samples=60, n_features=5, random_state=0)
    fn = getattr(spaces, name)
    space = fn("regression", random_state=0) if name not in ("svr", "ridge", "lasso") else fn()
    est = _draw(space, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    assert est.predict(X).shape == (60,)


def test_any_spaces_cover_every_family_and_priors_are_on_their_ranges():
    kinds = {type(_draw(spaces.any_classifier(), s)).__name__ for s in range(80)}
    assert kinds == {
        "SVC",
        "RandomForestClassifier",
        "ExtraTreesClassifier",
        "HistGradientBoostingClassifier",
        "KNeighborsClassifier",
        "LogisticRegression",
        "LinearDiscriminantAnalysis",
        "MLPClassifier",
    }
    assert len({type(_draw(spaces.any_regressor(), s)).__name__ for s in range(80)}) == 8
    pre = {type(_draw(spaces.any_preprocessing(), s)).__name__ for s in range(60)}
    assert pre == {"str", "StandardScaler", "MinMaxScaler", "RobustScaler", "Normalizer", "PCA"}
    Cs = [_draw(spaces.svc(), s).C for s in range(200)]
    assert 2.0**-5 <= min(Cs) and max(Cs) <= 2.0**15
    assert np.median(np.log2(Cs)) == pytest.approx(5, abs=2.5)  # log-uniform: centred in log
    # random_state reaches estimators that take one, and only those
    assert _draw(spaces.random_forest(random_state=7), 0).random_state == 7
    assert not hasattr(_draw(spaces.knn(random_state=7), 0), "random_state")


def test_a_wrong_task_names_the_choices():
    with pytest.raises(ValueError, match="'classification' or 'regression'"):
        spaces.random_forest("clustering")
