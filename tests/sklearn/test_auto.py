from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.dummy import DummyClassifier
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


class _ThreadsSeen(DummyClassifier):
    """A classifier that records the native thread pools' sizes when it is fitted."""

    seen: list[int] = []

    def fit(self, X, y, sample_weight=None):
        from threadpoolctl import threadpool_info

        _ThreadsSeen.seen.extend(p["num_threads"] for p in threadpool_info())
        return super().fit(X, y, sample_weight)


def test_native_thread_pools_hold_one_thread_while_searching_and_are_restored():
    from threadpoolctl import threadpool_info

    X, y = load_iris(return_X_y=True)
    before = [p["num_threads"] for p in threadpool_info()]
    _ThreadsSeen.seen = []
    auto = AutoEstimator(
        n_trials=2, runtime=None, models=hh.expr(_ThreadsSeen), preprocessing=None, cv=2
    ).fit(X, y)
    assert _ThreadsSeen.seen and set(_ThreadsSeen.seen) == {1}
    assert [p["num_threads"] for p in threadpool_info()] == before
    assert auto.best_score_ > 0.3


def test_the_best_few_are_scored_again_and_best_score_is_the_picked_ones_mean():
    X, y = load_iris(return_X_y=True)
    models = hh.choice(spaces.knn(), spaces.logistic_regression())
    auto = AutoEstimator(n_trials=12, runtime=None, models=models, cv=3, random_state=0).fit(X, y)
    means = auto.search_.cv_results_["mean_test_score"]
    top5 = sorted(range(len(means)), key=lambda i: -means[i])[:5]
    assert auto.search_.best_index_ in top5
    assert auto.best_score_ != means[auto.search_.best_index_]  # 3 + 5 folds, not the 3 alone
    assert 0.85 < auto.best_score_ <= 1.0
    one = AutoEstimator(
        n_trials=12, runtime=None, models=models, cv=3, random_state=0, recheck=1
    ).fit(X, y)
    assert one.search_.best_index_ == int(np.nanargmax(means))


def test_cv_auto_repeats_five_folds_on_a_small_data_set_and_takes_three_on_a_larger_one():
    from sklearn.datasets import make_classification

    X, y = load_iris(return_X_y=True)
    models = spaces.logistic_regression()
    small = AutoEstimator(n_trials=2, runtime=None, models=models, recheck=0, random_state=0)
    assert small.fit(X, y).search_.n_splits_ == 10
    X, y = make_classification(n_samples=600, random_state=0)
    large = AutoEstimator(n_trials=2, runtime=None, models=models, recheck=0, random_state=0)
    assert large.fit(X, y).search_.n_splits_ == 3
    fixed = AutoEstimator(n_trials=2, runtime=None, models=models, cv=4, recheck=0)
    assert fixed.fit(X[:100], y[:100]).search_.n_splits_ == 4
