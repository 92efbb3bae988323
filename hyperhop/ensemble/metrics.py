"""Losses for choosing members (lower is better) and the calibration errors the benchmark
reports. A regression prediction is a ``(mean, variance)`` pair; a classification one is an
array of class probabilities (columns in the order of the classes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from hyperhop._validation import describe

Loss = Callable[[np.ndarray, Any], float]
_EPS = 1e-12


def gaussian_nll(y: np.ndarray, mean: np.ndarray, var: np.ndarray) -> float:
    """Mean negative log-likelihood of ``y`` under normals (nats)."""
    v = np.maximum(np.asarray(var, dtype=float), _EPS)
    return float(np.mean(0.5 * np.log(2 * np.pi * v) + (y - mean) ** 2 / (2 * v)))


def log_loss(y_index: np.ndarray, p: np.ndarray) -> float:
    """Mean negative log-probability of the true class (``y_index``: column of the class)."""
    picked = np.asarray(p)[np.arange(len(y_index)), y_index]
    return float(-np.mean(np.log(np.clip(picked, _EPS, 1.0))))


def classification_calibration_error(y_index: np.ndarray, p: np.ndarray, bins: int = 15) -> float:
    """Expected calibration error of the top class: the bin-weighted gap between confidence
    and accuracy over ``bins`` equal-width confidence bins."""
    conf = p.max(axis=1)
    correct = (p.argmax(axis=1) == y_index).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    err = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            err += mask.mean() * abs(conf[mask].mean() - correct[mask].mean())
    return float(err)


def regression_calibration_error(y: np.ndarray, mean: np.ndarray, var: np.ndarray) -> float:
    """Mean gap between the nominal and the observed coverage of central normal intervals
    at levels 5%, 10%, ..., 95%."""
    from scipy.stats import norm

    levels = np.linspace(0.05, 0.95, 19)
    z = np.abs(y - mean) / np.sqrt(np.maximum(var, _EPS))
    half = norm.ppf(0.5 + levels / 2)
    observed = (z[None, :] <= half[:, None]).mean(axis=1)
    return float(np.mean(np.abs(observed - levels)))


def _reg(name: str) -> Loss:
    def nll(y: np.ndarray, pred: Any) -> float:
        return gaussian_nll(y, pred[0], pred[1])

    def mse(y: np.ndarray, pred: Any) -> float:
        return float(np.mean((y - pred[0]) ** 2))

    def mae(y: np.ndarray, pred: Any) -> float:
        return float(np.mean(np.abs(y - pred[0])))

    table: dict[str, Loss] = {"nll": nll, "mse": mse, "rmse": mse, "mae": mae}
    return table[name]


def _clf(name: str) -> Loss:
    def nll(y: np.ndarray, p: Any) -> float:
        return log_loss(y, p)

    def error(y: np.ndarray, p: Any) -> float:
        return float(np.mean(np.asarray(p).argmax(axis=1) != y))

    def brier(y: np.ndarray, p: Any) -> float:
        onehot = np.zeros_like(p)
        onehot[np.arange(len(y)), y] = 1.0
        return float(np.mean(np.sum((p - onehot) ** 2, axis=1)))

    table: dict[str, Loss] = {"nll": nll, "log_loss": nll, "error": error, "brier": brier}
    return table[name]


REGRESSION = ("nll", "mse", "rmse", "mae")
CLASSIFICATION = ("nll", "log_loss", "error", "brier")


def resolve(metric: Any, kind: str) -> Loss:
    """The selection loss for a metric name, or a callable ``metric(y_true, prediction)``
    (the mean for regression, probabilities for classification; lower is better)."""
    names = REGRESSION if kind == "regression" else CLASSIFICATION
    if metric is None:
        metric = "nll"
    if isinstance(metric, str) and metric.lower() in names:
        return _reg(metric.lower()) if kind == "regression" else _clf(metric.lower())
    if callable(metric):
        user = metric

        def wrapped(y: np.ndarray, pred: Any) -> float:
            return float(user(y, pred[0] if kind == "regression" else pred))

        return wrapped
    raise ValueError(
        f"The 'metric' parameter must be one of {list(names)} for {kind}, or a callable "
        f"metric(y_true, prediction) to minimize. Got {describe(metric)} instead."
    )
