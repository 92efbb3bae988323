"""Members' predictions: what each kind of model gives, computed through any hyperhop
executor (threads, processes, Ray, Dask) so that large ensembles predict in parallel."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np

from hyperhop.execution import EvalSpec, Task, make_executor


def regression_output(model: Any, X: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """``(mean, variance)`` of a regressor; the variance is None unless the model gives one
    (``predict(X, return_std=True)``, as Gaussian processes, BayesianRidge and
    :class:`TorchModel` do)."""
    try:
        takes_std = "return_std" in inspect.signature(model.predict).parameters
    except (TypeError, ValueError):
        takes_std = False
    if takes_std:
        mean, std = model.predict(X, return_std=True)
        var = np.asarray(std, float).reshape(-1) ** 2
        return np.asarray(mean, float).reshape(-1), None if np.isnan(var).all() else var
    return np.asarray(model.predict(X), float).reshape(-1), None


def class_probabilities(model: Any, X: Any) -> np.ndarray:
    """A classifier's ``predict_proba``."""
    return np.asarray(model.predict_proba(X), dtype=float)


def _call(model: Any, *, X: Any, fn: Any) -> Any:
    return fn(model, X)


class _NoRelay:
    def report(self, trial_id: int, step: int, value: float) -> None:
        """Members report nothing."""

    def should_prune(self, trial_id: int) -> bool:
        return False


def predict_all(
    models: Sequence[Any], X: Any, fn: Any, n_jobs: Any = 1, executor: Any = None
) -> list[Any]:
    """``fn(model, X)`` for every model, through the executor that ``optimize()`` would use
    for ``n_jobs``/``executor`` (in this thread by default)."""
    if not models:
        return []
    ex = make_executor(n_jobs, executor)
    ex.start(EvalSpec(_call, {"X": X, "fn": fn}), _NoRelay())
    out: list[Any] = [None] * len(models)
    todo = list(range(len(models)))
    try:
        while todo or ex.in_flight:
            while todo and ex.capacity > 0:
                i = todo.pop(0)
                ex.submit(Task(i, i, models[i], {}))
            for res in ex.collect(timeout=1.0):
                if res.error is not None:
                    raise RuntimeError(
                        f"Ensemble member {res.trial_id} failed to predict: {res.error}"
                        + (f"\n{res.error.traceback}" if res.error.traceback else "")
                    ) from res.reraise
                out[res.trial_id] = res.result
    finally:
        ex.shutdown(cancel=True)
    return out


class TorchModel:
    """A PyTorch module as an ensemble member: a classifier's module returns logits (one
    column per class ``0..C-1``); a regressor's returns the mean (shape ``(n,)`` or
    ``(n, 1)``) or two columns, mean and log-variance.

    Example:
        >>> import torch
        >>> from hyperhop.ensemble import TorchModel
        >>> m = TorchModel(torch.nn.Linear(2, 3), "classification")
        >>> m.predict_proba([[0.0, 1.0]]).shape
        (1, 3)
    """

    def __init__(self, module: Any, kind: str) -> None:
        if kind not in ("classification", "regression"):
            raise ValueError(f"kind must be 'classification' or 'regression'. Got {kind!r}.")
        self.module = module
        self.kind = kind

    def _forward(self, X: Any) -> np.ndarray:
        import torch

        self.module.eval()
        with torch.no_grad():
            out = self.module(torch.as_tensor(np.asarray(X), dtype=torch.float32))
        return np.asarray(out.detach().cpu().numpy(), dtype=float)

    @property
    def classes_(self) -> np.ndarray:
        out_features = getattr(self.module, "out_features", None)
        if out_features is None:
            last = [m for m in self.module.modules() if hasattr(m, "out_features")]
            out_features = last[-1].out_features if last else None
        if out_features is None:
            raise AttributeError("The module does not say how many classes it has.")
        return np.arange(int(out_features))

    def predict_proba(self, X: Any) -> np.ndarray:
        if self.kind != "classification":
            raise AttributeError("predict_proba is for classification members.")
        logits = self._forward(X)
        z = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def predict(self, X: Any, return_std: bool = False) -> Any:
        out = self._forward(X)
        if self.kind == "classification":
            return out.argmax(axis=1)
        out = out.reshape(len(out), -1)
        mean = out[:, 0]
        if not return_std:
            return mean
        if out.shape[1] < 2:
            return mean, np.full_like(mean, np.nan)
        return mean, np.exp(0.5 * out[:, 1])
