from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import load_diabetes, load_iris
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.naive_bayes import GaussianNB
from sklearn.tree import DecisionTreeRegressor

from hyperhop.ensemble import EnsembleClassifier, EnsembleRegressor


def diabetes() -> tuple[np.ndarray, ...]:
    X, y = load_diabetes(return_X_y=True)
    return X[:250], y[:250], X[250:350], y[250:350], X[350:], y[350:]


def test_regressor_follows_scikit_learn_conventions() -> None:
    Xt, yt, Xv, yv, Xs, ys = diabetes()
    models = [Ridge(alpha=a).fit(Xt, yt) for a in (0.01, 0.1, 1.0)]
    models += [DecisionTreeRegressor(max_depth=d, random_state=0).fit(Xt, yt) for d in (2, 4)]
    ens = EnsembleRegressor(models, k=3).fit(Xv, yv)
    assert is_regressor(ens) and clone(ens).get_params()["k"] == 3
    mean, std = ens.predict(Xs, return_std=True)
    u = ens.predict_uncertainty(Xs)
    np.testing.assert_allclose(std**2, u.total)
    np.testing.assert_allclose(u.total, u.aleatoric + u.epistemic)
    assert ens.score(Xs, ys) > 0.3
    # members without a variance of their own get their validation residuals' variance
    chosen = ens.indices_
    resid = np.array([np.mean((models[i].predict(Xv) - yv) ** 2) for i in chosen])
    np.testing.assert_allclose(ens.noise_variance_[chosen], resid)
    np.testing.assert_allclose(u.aleatoric, ens.member_weights_ @ resid)


def test_a_member_with_its_own_variance_uses_it() -> None:
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (60, 1))
    y = np.sin(2 * X[:, 0]) + rng.normal(0, 0.1, 60)
    gp = GaussianProcessRegressor(alpha=0.01, random_state=0).fit(X[:40], y[:40])
    ens = EnsembleRegressor([gp], k=1).fit(X[40:], y[40:])
    far = np.array([[6.0]])
    _, std = gp.predict(far, return_std=True)
    assert np.isnan(ens.noise_variance_[0])
    np.testing.assert_allclose(ens.predict_uncertainty(far).aleatoric, std**2)


def test_classifier_with_members_that_know_different_classes() -> None:
    X, y = load_iris(return_X_y=True)
    idx = np.random.default_rng(0).permutation(len(y))
    X, y = X[idx], np.array(["setosa", "versicolor", "virginica"])[y[idx]]
    two = y[:80] != "virginica"
    models = [
        LogisticRegression(max_iter=500).fit(X[:80][two], y[:80][two]),
        GaussianNB().fit(X[:80], y[:80]),
        LogisticRegression(C=0.1, max_iter=500).fit(X[:80], y[:80]),
    ]
    ens = EnsembleClassifier(models, selector="topk", k=3).fit(X[80:115], y[80:115])
    assert is_classifier(ens) and ens.classes_.tolist() == ["setosa", "versicolor", "virginica"]
    p = ens.predict_proba(X[115:])
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert set(ens.predict(X[115:])) <= set(ens.classes_)
    assert ens.score(X[115:], y[115:]) > 0.85
    u = ens.predict_uncertainty(X[115:])
    np.testing.assert_allclose(u.total, u.aleatoric + u.epistemic)


def test_saved_predictions_replace_calling_the_models() -> None:
    Xt, yt, Xv, yv, Xs, _ = diabetes()
    models = [Ridge(alpha=a).fit(Xt, yt) for a in (0.01, 10.0)]
    saved = [m.predict(Xv) for m in models]
    a = EnsembleRegressor(models, k=2).fit(Xv, yv)
    b = EnsembleRegressor(models, k=2).fit(None, yv, predictions=saved)
    np.testing.assert_allclose(a.weights_, b.weights_)
    np.testing.assert_allclose(a.predict(Xs), b.predict(Xs))
    only = EnsembleRegressor(k=2).fit(None, yv, predictions=saved)
    np.testing.assert_allclose(only.weights_, a.weights_)
    with pytest.raises(ValueError, match="without models"):
        only.predict(Xs)


@pytest.mark.parametrize("executor", ["thread", pytest.param("process", marks=pytest.mark.slow)])
def test_member_predictions_through_an_executor(executor: str) -> None:
    Xt, yt, Xv, yv, Xs, _ = diabetes()
    models = [DecisionTreeRegressor(max_depth=d, random_state=0).fit(Xt, yt) for d in (2, 3, 5)]
    here = EnsembleRegressor(models, k=3).fit(Xv, yv)
    there = EnsembleRegressor(models, k=3, n_jobs=2, executor=executor).fit(Xv, yv)
    np.testing.assert_allclose(here.weights_, there.weights_)
    np.testing.assert_allclose(here.predict(Xs), there.predict(Xs))


def test_bad_arguments_say_what_to_do() -> None:
    _, _, Xv, yv, _, _ = diabetes()
    with pytest.raises(ValueError, match="needs members"):
        EnsembleRegressor().fit(Xv, yv)
    with pytest.raises(ValueError, match="'selector' parameter"):
        EnsembleRegressor([Ridge().fit(Xv, yv)], selector="best").fit(Xv, yv)
    with pytest.raises(ValueError, match="one per member"):
        EnsembleRegressor([Ridge().fit(Xv, yv)]).fit(Xv, yv, predictions=[yv, yv])
