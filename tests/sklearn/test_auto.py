from __future__ import annotations

import warnings

import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.pipeline import Pipeline

import hyperhop as hh
from hyperhop.sklearn import AutoEstimator, spaces


def test_tunes_model_and_preprocessing_together_and_refits():
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        auto = AutoEstimator(n_trials=4, runtime=None, random_state=0).fit(X, y)
    assert auto.task_ == "classification"
    assert isinstance(auto.best_estimator_, Pipeline)
    assert set(auto.best_params_) == {"pre", "model"}
    assert (
        auto.best_estimator_.named_steps["model"].get_params()
        == auto.best_params_["model"].get_params()
    )
    assert auto.score(X, y) > 0.8 and list(auto.classes_) == [0, 1, 2]
    assert len(auto.search_.study_.trials) == 4


def test_detects_a_regression_and_takes_a_smaller_space_and_a_time_budget():
    X, y = load_diabetes(return_X_y=True)
    models = hh.choice(spaces.ridge(), spaces.lasso())
    auto = AutoEstimator(runtime=2, models=models, preprocessing=None, cv=2, random_state=0).fit(
        X, y
    )
    assert auto.task_ == "regression"
    assert type(auto.best_params_["model"]).__name__ in ("Ridge", "Lasso")
    assert auto.score(X, y) > 0.3  # R²
    assert len(auto.search_.study_.trials) >= 1


def test_needs_a_budget_and_a_known_task():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="budget"):
        AutoEstimator(runtime=None).fit(X, y)
    with pytest.raises(ValueError, match="'task'"):
        AutoEstimator("clustering", n_trials=1).fit(X, y)
