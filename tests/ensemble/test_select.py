from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from hyperhop.ensemble import Pool, greedy, top_k
from hyperhop.ensemble.metrics import resolve
from hyperhop.ensemble.select import member_losses


def classification_pool() -> tuple[Pool, np.ndarray]:
    X, y = load_breast_cancer(return_X_y=True)
    Xt, yt, Xv, yv = X[:300], y[:300], X[300:], y[300:]
    models = [DecisionTreeClassifier(max_depth=d, random_state=d).fit(Xt, yt) for d in (1, 2, 4, 8)]
    models += [KNeighborsClassifier(n_neighbors=k).fit(Xt, yt) for k in (1, 5, 25)]
    models += [RandomForestClassifier(n_estimators=5, random_state=0).fit(Xt, yt)]
    models += [LogisticRegression(C=c, max_iter=3000).fit(Xt, yt) for c in (1e-4, 1.0)]
    return Pool(probs=np.stack([m.predict_proba(Xv) for m in models])), yv


def regression_pool() -> tuple[Pool, np.ndarray]:
    X, y = load_diabetes(return_X_y=True)
    Xt, yt, Xv, yv = X[:300], y[:300], X[300:], y[300:]
    models = [DecisionTreeRegressor(max_depth=d, random_state=0).fit(Xt, yt) for d in (1, 3, 6)]
    models += [KNeighborsRegressor(n_neighbors=k).fit(Xt, yt) for k in (3, 15)]
    models += [Ridge(alpha=a).fit(Xt, yt) for a in (0.01, 1.0, 100.0)]
    means = np.stack([m.predict(Xv) for m in models])
    noise = np.mean((means - yv) ** 2, axis=1, keepdims=True)
    return Pool(means=means, variances=np.broadcast_to(noise, means.shape).copy()), yv


POOLS = {"classification": classification_pool(), "regression": regression_pool()}


CASES = [("regression", m) for m in ("nll", "mse", "mae")]
CASES += [("classification", m) for m in ("nll", "error", "brier")]


@pytest.mark.parametrize(("kind", "metric"), CASES)
@pytest.mark.parametrize("bagging", [0, 4])
def test_greedy_is_never_worse_than_its_best_member(kind: str, metric: str, bagging: int) -> None:
    pool, y = POOLS[kind]
    loss = resolve(metric, kind)
    w = greedy(pool, y, loss, k=4, bagging=bagging, random_state=0)
    own = member_losses(pool, y, loss)
    assert loss(y, pool.predict(w)) <= own.min() + 1e-12
    assert np.isclose(w.sum(), 1.0) and (w >= 0).all() and np.count_nonzero(w) <= 4


def test_greedy_beats_the_best_member_on_nll() -> None:
    pool, y = POOLS["classification"]
    loss = resolve("nll", "classification")
    w = greedy(pool, y, loss, k=5)
    assert loss(y, pool.predict(w)) < member_losses(pool, y, loss).min() - 0.01
    assert np.count_nonzero(w) > 1


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.integers(1, 4), st.integers(0, 2**31 - 1), st.integers(0, 3))
def test_greedy_never_worse_on_random_pools(m: int, k: int, seed: int, bagging: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, 40)
    pool = Pool(probs=rng.dirichlet(np.ones(3), size=(m, 40)))
    loss = resolve("nll", "classification")
    w = greedy(pool, y, loss, k=k, bagging=bagging, random_state=seed)
    assert loss(y, pool.predict(w)) <= member_losses(pool, y, loss).min() + 1e-12
    assert np.count_nonzero(w) <= k


def test_top_k_takes_the_k_best_with_equal_weights() -> None:
    pool, y = POOLS["regression"]
    loss = resolve("mse", "regression")
    w = top_k(pool, y, loss, 3)
    own = member_losses(pool, y, loss)
    assert set(np.flatnonzero(w)) == set(np.argsort(own)[:3])
    assert np.allclose(w[w > 0], 1 / 3)


def test_early_stopping_and_size_limit() -> None:
    pool, y = POOLS["classification"]
    loss = resolve("nll", "classification")
    w1 = greedy(pool, y, loss, k=1)
    assert np.count_nonzero(w1) == 1
    w0 = greedy(pool, y, loss, k=5, max_iter=0)
    assert np.count_nonzero(w0) == 1 and w0.argmax() == member_losses(pool, y, loss).argmin()


def test_bad_parameters_name_the_rule() -> None:
    pool, y = POOLS["regression"]
    loss = resolve("nll", "regression")
    with pytest.raises(ValueError, match="'k' parameter"):
        greedy(pool, y, loss, k=0)
    with pytest.raises(ValueError, match="'bagging' parameter"):
        greedy(pool, y, loss, k=2, bagging=-1)
    with pytest.raises(ValueError, match="'metric' parameter"):
        resolve("accuracy", "regression")


def test_sorted_initialization_starts_from_the_n_best() -> None:
    pool, y = POOLS["classification"]
    loss = resolve("nll", "classification")
    own = member_losses(pool, y, loss)
    w = greedy(pool, y, loss, k=8, init=3, max_iter=0)
    assert set(np.flatnonzero(w)) == set(np.argsort(own)[:3])
    with pytest.raises(ValueError, match="'init' parameter"):
        greedy(pool, y, loss, k=2, init=0)
