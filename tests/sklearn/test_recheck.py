from __future__ import annotations

import time

import numpy as np
from sklearn.datasets import load_iris
from sklearn.dummy import DummyClassifier
from sklearn.metrics import check_scoring
from sklearn.neighbors import KNeighborsClassifier

from hyperhop.sklearn._recheck import recheck_picker


def _results() -> dict[str, object]:
    # The search's (made-up) scores rank a constant predictor first and k-NN second.
    return {
        "mean_test_score": np.array([0.5, 1.0, 0.9, np.nan]),
        "split0_test_score": np.array([0.5, 1.0, 0.9, np.nan]),
        "params": [
            {"strategy": "uniform"},
            {"strategy": "most_frequent"},
            {"strategy": "prior"},
            {"strategy": "stratified"},
        ],
    }


def _picker(top: int, deadline: float | None, scores: dict[int, float]) -> object:
    X, y = load_iris(return_X_y=True)
    est = DummyClassifier(random_state=0)  # "uniform" and "stratified" guess the same each run
    return recheck_picker(
        est,
        X,
        y,
        check_scoring(est),
        classification=True,
        top=top,
        n_splits=5,
        seed=1,
        deadline=deadline,
        scores=scores,
    )


def test_a_lucky_first_split_loses_to_the_mean_over_both_splits():
    X, y = load_iris(return_X_y=True)
    results = _results()
    scores: dict[int, float] = {}
    knn = KNeighborsClassifier()
    pick = recheck_picker(
        knn,
        X,
        y,
        check_scoring(knn),
        classification=True,
        top=2,
        n_splits=5,
        seed=1,
        deadline=None,
        scores=scores,
    )
    results["params"][1] = {"n_neighbors": 100}  # the lucky one: 100 of 120 rows vote
    results["params"][2] = {"n_neighbors": 5}
    results["params"][0] = {"n_neighbors": 1}
    assert pick(results) == 2
    assert 0.9 < scores[-1] < 1.0  # (0.9 + five folds of ~0.95) / 6


def test_top_one_or_a_passed_deadline_keeps_the_search_best():
    scores: dict[int, float] = {}
    assert _picker(1, None, scores)(_results()) == 1
    assert _picker(3, time.time() - 1, scores)(_results()) == 1
    assert scores[-1] == 1.0


def test_a_configuration_that_fails_on_the_second_split_is_no_candidate():
    results = _results()
    results["params"][1] = {"strategy": "no-such-strategy"}  # fit raises
    results["params"][2] = {"strategy": "most_frequent"}
    scores: dict[int, float] = {}
    assert _picker(3, None, scores)(results) == 2
    assert 0.3 < scores[-1] < 0.5  # (0.9 + five folds of 1/3) / 6
