"""The ensemble as a scikit-learn estimator: ``fit`` chooses members on validation data,
``predict``/``predict_proba`` combine them, ``predict_uncertainty`` splits the uncertainty."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from hyperhop._validation import describe
from hyperhop.ensemble import select as sel
from hyperhop.ensemble.aggregate import Uncertainty, mix_categorical, mix_normals
from hyperhop.ensemble.calibrate import fit_temperature, scale_temperature, shared_noise
from hyperhop.ensemble.members import class_probabilities, predict_all, regression_output
from hyperhop.ensemble.metrics import resolve

SELECTORS = ("greedy", "topk")


class _Ensemble(BaseEstimator):
    _kind = ""

    def __init__(
        self,
        members: Sequence[Any] = (),
        *,
        selector: str = "greedy",
        k: int = 5,
        metric: Any = None,
        bagging: int = 0,
        init: int = 1,
        max_iter: int = 50,
        patience: int | None = 5,
        random_state: Any = None,
        calibrate: bool = True,
        n_jobs: Any = 1,
        executor: Any = None,
    ) -> None:
        self.members = members
        self.selector = selector
        self.k = k
        self.metric = metric
        self.bagging = bagging
        self.init = init
        self.max_iter = max_iter
        self.patience = patience
        self.random_state = random_state
        self.calibrate = calibrate
        self.n_jobs = n_jobs
        self.executor = executor

    # ------------------------------------------------------------ selection
    def _select(self, pool: sel.Pool, y_loss: np.ndarray) -> None:
        loss = resolve(self.metric, self._kind)
        name = str(self.selector).lower().replace("-", "").replace("_", "")
        if name not in SELECTORS:
            raise ValueError(
                f"The 'selector' parameter must be 'greedy' or 'topk'. Got {describe(self.selector)} instead."
            )
        if isinstance(self.k, bool) or not isinstance(self.k, int) or self.k < 1:
            raise ValueError(
                f"The 'k' parameter must be an int >= 1. Got {describe(self.k)} instead."
            )
        if name == "topk":
            w = sel.top_k(pool, y_loss, loss, self.k)
        else:
            w = sel.greedy(
                pool,
                y_loss,
                loss,
                self.k,
                max_iter=self.max_iter,
                patience=self.patience,
                bagging=self.bagging,
                init=self.init,
                random_state=self.random_state,
            )
        self.weights_ = w
        self.indices_ = np.flatnonzero(w > 0)
        self.member_weights_ = w[self.indices_]
        self.member_losses_ = sel.member_losses(pool, y_loss, loss)
        self._loss = loss
        self.validation_loss_ = loss(y_loss, pool.predict(w))
        members = list(self.members)
        self.members_ = [members[i] for i in self.indices_] if members else []

    def _outputs(self, X: Any, fn: Any) -> list[Any]:
        check_is_fitted(self, "weights_")
        if not self.members_:
            raise ValueError(
                "This ensemble was chosen from saved predictions without models: give it "
                "models (from_study(..., artifact='model')) to predict new inputs."
            )
        return predict_all(self.members_, X, fn, self.n_jobs, self.executor)

    @staticmethod
    def _n_candidates(members: Sequence[Any], predictions: Sequence[Any] | None) -> None:
        if predictions is None and not members:
            raise ValueError("The ensemble needs members (fitted models) or their predictions.")
        if predictions is not None and members and len(predictions) != len(members):
            raise ValueError(
                f"Got {len(predictions)} saved predictions for {len(members)} members; give one per member."
            )


class EnsembleRegressor(RegressorMixin, _Ensemble):
    """An ensemble of fitted regressors, weighted by validation selection.

    Members that give no variance of their own (``predict(X, return_std=True)``) get a
    constant noise variance: during selection the variance of their own validation
    residuals; then, with ``calibrate=True`` (the default), one shared variance for the
    chosen ones, the ensemble's validation squared error less its epistemic part (and the
    other members' own variances), so that the members' errors are not counted as noise
    (see :mod:`hyperhop.ensemble.calibrate`); it is kept only if the validation loss does
    not get worse. ``noise_variance_`` holds the variances used (NaN for members with
    their own).

    Example:
        >>> import numpy as np
        >>> from sklearn.linear_model import Ridge
        >>> from hyperhop.ensemble import EnsembleRegressor
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 3)); y = X @ [1.0, 2.0, 0.0] + rng.normal(0, 0.5, 200)
        >>> models = [Ridge(alpha=a).fit(X[:100], y[:100]) for a in (0.1, 10.0, 1000.0)]
        >>> ens = EnsembleRegressor(models, k=2).fit(X[100:], y[100:])
        >>> u = ens.predict_uncertainty(X[:5])
        >>> bool(np.allclose(u.total, u.aleatoric + u.epistemic))
        True
    """

    _kind = "regression"

    def fit(self, X: Any, y: Any, predictions: Sequence[Any] | None = None) -> EnsembleRegressor:
        """Choose members on validation data ``(X, y)``; ``predictions`` (one per member: a
        mean array, or columns mean and variance) replace computing them from ``X``."""
        members = list(self.members)
        self._n_candidates(members, predictions)
        yv = np.asarray(y, dtype=float).reshape(-1)
        if predictions is None:
            outs = predict_all(members, X, regression_output, self.n_jobs, self.executor)
        else:
            outs = [_saved_regression(p) for p in predictions]
        means = np.stack([o[0] for o in outs])
        noise = np.array(
            [
                np.mean((yv - m) ** 2) if o[1] is None else np.nan
                for o, m in zip(outs, means, strict=True)
            ]
        )
        variances = np.stack(
            [
                o[1] if o[1] is not None else np.full_like(yv, n)
                for o, n in zip(outs, noise, strict=True)
            ]
        )
        self.noise_variance_ = noise
        self._select(sel.Pool(means=means, variances=variances), yv)
        if self.calibrate and not np.isnan(noise[self.indices_]).all():
            idx = self.indices_
            own = np.stack(
                [variances[i] if np.isnan(noise[i]) else np.full_like(yv, np.nan) for i in idx]
            )
            sigma2 = shared_noise(yv, means[idx], own, self.member_weights_)
            calibrated = np.where(np.isnan(noise[idx]), np.nan, sigma2)
            trial_var = np.where(np.isnan(own), sigma2, own)
            pool = sel.Pool(means=means[idx], variances=trial_var)
            after = self._loss(yv, pool.predict(self.member_weights_))
            if after <= self.validation_loss_:
                self.noise_variance_ = noise.copy()
                self.noise_variance_[idx] = calibrated
                self.validation_loss_ = after
        return self

    def predict_distribution(self, X: Any) -> tuple[np.ndarray, Uncertainty]:
        """The mixture's mean and its variance split into aleatoric and epistemic parts."""
        outs = self._outputs(X, regression_output)
        noise = self.noise_variance_[self.indices_]
        means = np.stack([o[0] for o in outs])
        variances = np.stack(
            [
                o[1] if o[1] is not None else np.full_like(o[0], n)
                for o, n in zip(outs, noise, strict=True)
            ]
        )
        return mix_normals(means, variances, self.member_weights_)

    def predict(self, X: Any, return_std: bool = False) -> Any:
        """The ensemble's mean (and with ``return_std`` its total standard deviation)."""
        mean, u = self.predict_distribution(X)
        return (mean, np.sqrt(u.total)) if return_std else mean

    def predict_uncertainty(self, X: Any) -> Uncertainty:
        """Variances per input: ``total = aleatoric + epistemic``."""
        return self.predict_distribution(X)[1]


def _saved_regression(p: Any) -> tuple[np.ndarray, np.ndarray | None]:
    if isinstance(p, tuple) and len(p) == 2:
        return np.asarray(p[0], float).reshape(-1), np.asarray(p[1], float).reshape(-1)
    a = np.asarray(p, dtype=float)
    if a.ndim == 2 and a.shape[1] == 2:
        return a[:, 0], a[:, 1]
    return a.reshape(-1), None


class EnsembleClassifier(ClassifierMixin, _Ensemble):
    """An ensemble of fitted classifiers (``predict_proba``), weighted by validation
    selection; members may know different subsets of the classes. With ``calibrate=True``
    (the default) the chosen members' probabilities share one temperature
    (``temperature_``) fitted on the validation NLL, kept only if the validation loss does
    not get worse (see :mod:`hyperhop.ensemble.calibrate`).

    Example:
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.linear_model import LogisticRegression
        >>> from hyperhop.ensemble import EnsembleClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> models = [LogisticRegression(C=c, max_iter=500).fit(X[::2], y[::2]) for c in (0.01, 1.0)]
        >>> ens = EnsembleClassifier(models, selector="topk", k=2).fit(X[1::2], y[1::2])
        >>> ens.predict_proba(X[:2]).shape, ens.score(X[1::2], y[1::2]) > 0.9
        ((2, 3), True)
    """

    _kind = "classification"

    def fit(self, X: Any, y: Any, predictions: Sequence[Any] | None = None) -> EnsembleClassifier:
        """Choose members on validation data ``(X, y)``; ``predictions`` (one class
        probability array per member, columns in its ``classes_`` order, else in sorted
        label order) replace computing them from ``X``."""
        members = list(self.members)
        self._n_candidates(members, predictions)
        yv = np.asarray(y).reshape(-1)
        member_classes = (
            [np.asarray(getattr(m, "classes_", np.unique(yv))) for m in members]
            if members
            else [np.unique(yv)] * len(predictions or ())
        )
        self.classes_ = np.unique(np.concatenate([np.unique(yv), *member_classes]))
        self._member_classes = member_classes
        if predictions is None:
            raw = predict_all(members, X, class_probabilities, self.n_jobs, self.executor)
        else:
            raw = [np.asarray(p, dtype=float) for p in predictions]
        probs = np.stack([self._align(p, c) for p, c in zip(raw, member_classes, strict=True)])
        y_index = np.searchsorted(self.classes_, yv)
        self._select(sel.Pool(probs=probs), y_index)
        self._member_classes = [member_classes[i] for i in self.indices_] if members else []
        self.temperature_ = 1.0
        if self.calibrate:  # one temperature shared by the chosen members
            chosen = probs[self.indices_]
            t = fit_temperature(chosen, self.member_weights_, y_index)
            pool = sel.Pool(probs=scale_temperature(chosen, t))
            after = self._loss(y_index, pool.predict(self.member_weights_))
            if t != 1.0 and after <= self.validation_loss_:
                self.temperature_, self.validation_loss_ = t, after
        return self

    def _align(self, p: np.ndarray, classes: np.ndarray) -> np.ndarray:
        if p.ndim != 2 or p.shape[1] != len(classes):
            raise ValueError(
                f"A member's probabilities have shape {p.shape}; expected (n, {len(classes)}) for its classes {classes.tolist()}."
            )
        out = np.zeros((p.shape[0], len(self.classes_)))
        out[:, np.searchsorted(self.classes_, classes)] = p
        return out

    def predict_distribution(self, X: Any) -> tuple[np.ndarray, Uncertainty]:
        """Mean class probabilities and the entropy split into aleatoric and epistemic."""
        outs = self._outputs(X, class_probabilities)
        probs = np.stack(
            [self._align(p, c) for p, c in zip(outs, self._member_classes, strict=True)]
        )
        return mix_categorical(scale_temperature(probs, self.temperature_), self.member_weights_)

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.predict_distribution(X)[0]

    def predict(self, X: Any) -> np.ndarray:
        return np.asarray(self.classes_[self.predict_proba(X).argmax(axis=1)])

    def predict_uncertainty(self, X: Any) -> Uncertainty:
        """Entropies (nats) per input: ``total = aleatoric + epistemic`` (mutual information)."""
        return self.predict_distribution(X)[1]
