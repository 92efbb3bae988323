from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

import hyperhop as hh
from hyperhop.sklearn import SearchCV


def _tree_search(**kw):
    kw = {"n_trials": 4, "cv": 3, "random_state": 0, "algo": "random", **kw}
    return SearchCV(DecisionTreeClassifier(random_state=0), {"max_depth": hh.int(1, 8)}, **kw)


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


# Every check of scikit-learn's suite applies and passes (none is excluded); the two
# SkipTests it raises itself are about array-API input (SCIPY_ARRAY_API unset) and
# decision_function, which a decision tree does not have.
@parametrize_with_checks(
    [
        SearchCV(
            DecisionTreeClassifier(random_state=0),
            {"max_depth": hh.int(1, 6)},
            n_trials=2,
            cv=2,
            random_state=0,
            algo="random",
        ),
        SearchCV(
            Ridge(),
            {"alpha": hh.float(1e-3, 1e2, log=True)},
            n_trials=2,
            cv=2,
            random_state=0,
            algo="random",
        ),
    ]
)
def test_sklearn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        check(estimator)


def test_cv_results_has_grid_search_layout_and_the_same_fold_scores(iris):
    X, y = iris
    search = SearchCV(
        LogisticRegression(max_iter=300),
        {"C": hh.float(0.01, 10, log=True)},
        n_trials=3,
        cv=KFold(3, shuffle=True, random_state=0),
        random_state=0,
        return_train_score=True,
    ).fit(X, y)
    grid = GridSearchCV(
        LogisticRegression(max_iter=300),
        {"C": [p["C"] for p in search.cv_results_["params"]]},
        cv=KFold(3, shuffle=True, random_state=0),
        return_train_score=True,
    ).fit(X, y)
    assert set(grid.cv_results_) <= set(search.cv_results_)
    assert set(search.cv_results_) - set(grid.cv_results_) == {"trial_number", "state"}
    for key in ("mean_test_score", "split0_test_score", "split2_train_score", "rank_test_score"):
        np.testing.assert_allclose(search.cv_results_[key], grid.cv_results_[key])
    assert search.best_score_ == pytest.approx(grid.best_score_)
    assert search.cv_results_["rank_test_score"][search.best_index_] == 1
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    assert search.best_estimator_.C == search.best_params_["C"]
    assert search.score(X, y) == pytest.approx(search.best_estimator_.score(X, y))
    assert search.predict_proba(X).shape == (150, 3)
    assert len(search.study_.trials) == 3


def test_in_a_pipeline_with_cross_val_score_and_a_choice_of_estimators(iris):
    X, y = iris
    space = {
        "clf": hh.choice(LogisticRegression(max_iter=300), DecisionTreeClassifier(random_state=0)),
        "scale": hh.choice(StandardScaler(), "passthrough"),
    }
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    search = SearchCV(pipe, space, n_trials=3, cv=2, random_state=0, algo="random")
    scores = cross_val_score(search, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8
    inner = Pipeline([("scale", StandardScaler()), ("model", search)]).fit(X, y)
    # the estimators in the space were cloned: the choice's own objects stay unfitted
    assert not hasattr(space["clf"].options[0], "coef_")
    assert inner.score(X, y) > 0.9


def test_each_fold_is_an_intermediate_value_the_running_mean():
    X, y = load_breast_cancer(return_X_y=True)
    search = _tree_search(n_trials=3, cv=4).fit(X, y)
    res = search.cv_results_
    for t in search.study_.trials:
        assert sorted(t.intermediate) == [0, 1, 2, 3]
        row = list(res["trial_number"]).index(t.number)
        folds = [res[f"split{k}_test_score"][row] for k in range(4)]
        assert t.intermediate[0] == pytest.approx(folds[0])
        assert t.intermediate[2] == pytest.approx(np.mean(folds[:3]))
        assert t.value == pytest.approx(np.mean(folds))


def test_a_hopeless_configuration_is_pruned_after_its_warm_up_folds():
    X, y = load_breast_cancer(return_X_y=True)
    pruner = hh.pruning.ThresholdPruner(lower=0.95, n_warmup_steps=1)
    search = SearchCV(
        LogisticRegression(max_iter=50),
        {"C": hh.float(1e-6, 1e-5, log=True)},
        n_trials=2,
        cv=4,
        pruner=pruner,
        random_state=0,
        refit=lambda r: 0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    res = search.cv_results_
    assert res["state"] == ["PRUNED", "PRUNED"]
    for t in search.study_.trials:
        assert sorted(t.intermediate) == [0, 1]  # stopped after fold 1, folds 2 and 3 never ran
    assert np.isnan(res["split2_test_score"]).all() and not np.isnan(res["split1_test_score"]).any()
    assert np.isnan(res["mean_test_score"]).all()
    assert search.best_index_ == 0 and not hasattr(search, "best_score_")


def test_storage_resumes_and_n_trials_is_a_total(tmp_path, iris):
    X, y = iris
    url = f"sqlite:///{tmp_path / 'cv.db'}"
    first = _tree_search(n_trials=3, storage=url, study_name="iris-tree").fit(X, y)
    second = clone(first).set_params(n_trials=5).fit(X, y)
    assert len(second.study_.trials) == 5
    assert list(second.cv_results_["trial_number"]) == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(
        second.cv_results_["split1_test_score"][:3], first.cv_results_["split1_test_score"]
    )
    # pickled, the study is opened again from its storage
    back = pickle.loads(pickle.dumps(second))  # noqa: S301 - our own object
    assert len(back.study_.trials) == 5
    np.testing.assert_array_equal(back.predict(X), second.predict(X))


def test_a_failing_fit_scores_error_score_with_a_warning_or_raises(iris):
    X, y = iris
    space = {"C": hh.choice(1.0, -1.0)}  # C must be > 0: every C=-1 fit raises
    search = SearchCV(
        LogisticRegression(max_iter=300),
        space,
        n_trials=6,
        cv=2,
        random_state=0,
        algo="random",
        error_score=-1.0,
    )
    with pytest.warns(FitFailedWarning, match="trials failed"):
        search.fit(X, y)
    res = search.cv_results_
    failed = [i for i, s in enumerate(res["state"]) if s == "FAILED"]
    assert failed and all(res["split0_test_score"][i] == -1.0 for i in failed)
    assert search.best_params_ == {"C": 1.0}
    with pytest.raises(ValueError, match="C"):
        clone(search).set_params(error_score="raise", space={"C": hh.choice(-1.0)}).fit(X, y)


def test_refit_false_keeps_the_results_and_refuses_predict(iris):
    X, y = iris
    search = _tree_search(refit=False).fit(X, y)
    assert "max_depth" in search.best_params_
    with pytest.raises(AttributeError, match="refit=True"):
        search.predict(X)


def test_seeded_searches_agree_and_threads_run_every_trial(iris):
    X, y = iris
    a = _tree_search(n_trials=5).fit(X, y)
    b = _tree_search(n_trials=5).fit(X, y)
    assert a.cv_results_["params"] == b.cv_results_["params"]
    c = _tree_search(n_trials=6, n_jobs=2).fit(X, y)
    assert len(c.cv_results_["params"]) == 6


def test_bad_arguments_name_the_fix(iris):
    X, y = iris
    with pytest.raises(ValueError, match="one scorer"):
        _tree_search(scoring=["accuracy", "f1_macro"]).fit(X, y)
    with pytest.raises(ValueError, match="error_score"):
        _tree_search(error_score="ignore").fit(X, y)
    with pytest.raises(ValueError, match="n_jobs"):
        _tree_search(n_jobs=0).fit(X, y)
