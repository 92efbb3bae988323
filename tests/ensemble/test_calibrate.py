from __future__ import annotations

import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsRegressor
from sklearn.tree import DecisionTreeRegressor

from hyperhop.ensemble import EnsembleClassifier, EnsembleRegressor
from hyperhop.ensemble.calibrate import fit_temperature, scale_temperature, shared_noise
from hyperhop.ensemble.metrics import log_loss


def noisy_sine(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, (n, 1))
    return X, np.sin(2 * X[:, 0]) + rng.normal(0, 0.5, n)


def test_shared_noise_makes_the_validation_variance_match_the_squared_error() -> None:
    rng = np.random.default_rng(0)
    y = rng.normal(size=50)
    means = y + rng.normal(0, 0.5, 50) + rng.normal(0, 0.1, (3, 50))  # a shared error
    own = np.full((3, 50), np.nan)
    own[2] = 0.2  # a member with its own variance keeps it
    w = np.array([0.5, 0.25, 0.25])
    sigma2 = shared_noise(y, means, own, w)
    mean = w @ means
    epistemic = w @ (means - mean) ** 2
    aleatoric = 0.75 * sigma2 + 0.25 * 0.2
    np.testing.assert_allclose(np.mean(aleatoric + epistemic), np.mean((y - mean) ** 2))
    # members that disagree more than they err: never below 1% of the squared error
    spread = np.stack([y + 1.5, y - 0.5])
    np.testing.assert_allclose(shared_noise(y, spread, own[:2], np.ones(2)), 0.01 * 0.25)


def test_calibrated_aleatoric_part_estimates_the_noise_not_the_members_errors() -> None:
    Xt, yt = noisy_sine(300, 0)
    Xv, yv = noisy_sine(400, 1)
    models = [KNeighborsRegressor(k).fit(Xt, yt) for k in (3, 10, 30)]
    models += [DecisionTreeRegressor(max_depth=d, random_state=0).fit(Xt, yt) for d in (3, 5)]
    raw = EnsembleRegressor(models, k=5, init=3, calibrate=False).fit(Xv, yv)
    cal = EnsembleRegressor(models, k=5, init=3).fit(Xv, yv)
    assert len(cal.indices_) > 1 and np.array_equal(raw.indices_, cal.indices_)
    Xs, _ = noisy_sine(400, 2)
    sd_raw = np.sqrt(np.mean(raw.predict_uncertainty(Xs).aleatoric))
    sd_cal = np.sqrt(np.mean(cal.predict_uncertainty(Xs).aleatoric))
    assert abs(sd_cal - 0.5) < abs(sd_raw - 0.5) and abs(sd_cal - 0.5) < 0.1
    assert cal.validation_loss_ <= raw.validation_loss_
    u = cal.predict_uncertainty(Xs)
    np.testing.assert_allclose(u.total, u.aleatoric + u.epistemic)


def test_temperature_sharpens_underconfident_members_and_keeps_the_decomposition() -> None:
    X, y = load_iris(return_X_y=True)
    models = [LogisticRegression(C=c, max_iter=500).fit(X[::2], y[::2]) for c in (0.01, 0.03)]
    raw = EnsembleClassifier(models, k=2, calibrate=False).fit(X[1::2], y[1::2])
    cal = EnsembleClassifier(models, k=2).fit(X[1::2], y[1::2])
    assert raw.temperature_ == 1.0 and cal.temperature_ < 1.0  # strong ridge: too unsure
    assert cal.validation_loss_ < raw.validation_loss_
    yi = np.searchsorted(cal.classes_, y[1::2])
    assert log_loss(yi, cal.predict_proba(X[1::2])) < log_loss(yi, raw.predict_proba(X[1::2]))
    u = cal.predict_uncertainty(X[:10])
    np.testing.assert_allclose(u.total, u.aleatoric + u.epistemic)


def test_temperature_one_changes_nothing_and_fit_prefers_it_when_calibrated() -> None:
    p = np.array([[[0.7, 0.3], [0.2, 0.8]]])
    assert scale_temperature(p, 1.0) is p
    np.testing.assert_allclose(scale_temperature(p, 0.5).sum(axis=-1), 1.0)
    # labels drawn from the stated probabilities: no temperature is clearly better
    rng = np.random.default_rng(0)
    q = rng.uniform(0.05, 0.95, 4000)
    probs = np.stack([q, 1 - q], axis=-1)[None]
    y = (rng.uniform(size=4000) > q).astype(int)
    assert abs(fit_temperature(probs, np.array([1.0]), y) - 1.0) < 0.15
