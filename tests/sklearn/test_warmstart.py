from __future__ import annotations

import warnings

import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.preprocessing import MinMaxScaler, StandardScaler

import hyperhop as hh
from hyperhop.sklearn import AutoEstimator, spaces
from hyperhop.sklearn._warmstart import default_configs, enqueue_defaults


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_every_default_fits_the_default_spaces_and_comes_back_as_given(task):
    models = spaces.any_classifier if task == "classification" else spaces.any_regressor
    study = hh.Study({"pre": spaces.any_preprocessing(), "model": models(random_state=3)})
    configs = default_configs(task, 16, 3)
    assert enqueue_defaults(study, configs, with_pre=True) == len(configs)
    assert len(configs) == (8 if task == "classification" else 7)  # Fisher's LDA classifies
    for trial, config in zip(study.trials, configs, strict=True):
        got, want = trial.config["model"], config["model"]
        assert type(got) is type(want) and got.get_params() == want.get_params()
        assert type(trial.config["pre"]) is type(config["pre"])
    svm = study.trials[0].config["model"]
    assert svm.gamma == pytest.approx(1 / 16) and svm.C == 1.0
    forest = next(
        t.config["model"] for t in study.trials if "Forest" in type(t.config["model"]).__name__
    )
    assert forest.max_features == pytest.approx(0.25 if task == "classification" else 1 / 3)


def test_defaults_that_do_not_fit_a_space_of_ones_own_are_skipped_or_go_without_pre():
    space = {"pre": hh.choice(MinMaxScaler(), "passthrough"), "model": spaces.knn()}
    study = hh.Study(space, seed=0)
    assert enqueue_defaults(study, default_configs("classification", 4, 0), with_pre=True) == 2
    # the two k-NN: the first with its MinMaxScaler, the second without its StandardScaler
    pres = [t.config["pre"] for t in study.trials]
    assert isinstance(pres[0], MinMaxScaler) and not isinstance(pres[1], StandardScaler)
    study = hh.Study({"model": spaces.ridge()})
    assert enqueue_defaults(study, default_configs("regression", 4, 0), with_pre=False) == 1


def test_auto_estimator_runs_the_defaults_first_unless_told_not_to():
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        auto = AutoEstimator(n_trials=3, runtime=None, cv=2, random_state=0).fit(X, y)
        plain = AutoEstimator(
            n_trials=3, runtime=None, cv=2, random_state=0, defaults_first=False
        ).fit(X, y)
    trials = sorted(auto.search_.study_.trials, key=lambda t: t.number)
    assert len(trials) == 3  # at most n_trials defaults are queued
    firsts = [(type(t.config["pre"]), type(t.config["model"]).__name__) for t in trials]
    assert firsts == [
        (StandardScaler, "SVC"),
        (MinMaxScaler, "KNeighborsClassifier"),
        (StandardScaler, "KNeighborsClassifier"),
    ]
    assert trials[0].config["model"].gamma == pytest.approx(1 / X.shape[1])
    first = sorted(plain.search_.study_.trials, key=lambda t: t.number)[0].config["model"]
    assert getattr(first, "gamma", None) != pytest.approx(1 / X.shape[1])


def test_a_time_budget_and_no_preprocessing_keep_working_with_the_defaults():
    X, y = load_diabetes(return_X_y=True)
    models = hh.choice(spaces.ridge(), spaces.lasso())
    auto = AutoEstimator(runtime=1, models=models, preprocessing=None, cv=2, random_state=0)
    auto.fit(X, y)
    first = min(auto.search_.study_.trials, key=lambda t: t.number)
    assert type(first.config["model"]).__name__ == "Ridge" and first.config["model"].alpha == 1
    assert auto.score(X, y) > 0.3
