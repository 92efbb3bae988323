"""Cross-validating one configuration fold by fold, and the ``cv_results_`` table.

Each fold's running mean score is reported as an intermediate value (step ``k`` is the mean
of the first ``k + 1`` folds), so a pruner can stop a hopeless configuration after a few
folds; the splits are the same for every trial, so the steps compare like with like.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import rankdata
from sklearn.base import clone
from sklearn.utils import _safe_indexing, get_tags

from hyperhop.execution.evaluate import Pruned
from hyperhop.trial import Trial, TrialState

SPLIT_KEY = "split_test_score"
TRAIN_KEY = "split_train_score"
FIT_KEY = "fit_time"
SCORE_KEY = "score_time"


@dataclass
class FoldRecord:
    """What one trial measured, fold by fold (NaN where a fold did not run)."""

    test: list[float] = field(default_factory=list)
    train: list[float] = field(default_factory=list)
    fit_time: list[float] = field(default_factory=list)
    score_time: list[float] = field(default_factory=list)

    def as_attrs(self) -> dict[str, list[float]]:
        return {
            SPLIT_KEY: self.test,
            TRAIN_KEY: self.train,
            FIT_KEY: self.fit_time,
            SCORE_KEY: self.score_time,
        }

    @classmethod
    def from_attrs(cls, attrs: Mapping[str, Any]) -> FoldRecord | None:
        if SPLIT_KEY not in attrs:
            return None
        return cls(
            list(attrs[SPLIT_KEY]),
            list(attrs.get(TRAIN_KEY, [])),
            list(attrs.get(FIT_KEY, [])),
            list(attrs.get(SCORE_KEY, [])),
        )


def cloned_params(config: Mapping[str, Any]) -> dict[str, Any]:
    """The config as ``set_params`` arguments, estimators among the values cloned (a choice of
    estimator objects hands every trial the same object)."""
    return {k: clone(v) if hasattr(v, "get_params") else v for k, v in config.items()}


def _subset(estimator: Any, X: Any, y: Any, rows: np.ndarray, cols: np.ndarray | None) -> Any:
    """Rows of X and y; for a pairwise estimator (a precomputed kernel) X's columns too."""
    if get_tags(estimator).input_tags.pairwise:
        Xs = _safe_indexing(_safe_indexing(X, rows), rows if cols is None else cols, axis=1)
    else:
        Xs = _safe_indexing(X, rows)
    return Xs, None if y is None else _safe_indexing(y, rows)


def _fold_params(params: Mapping[str, Any], rows: np.ndarray, n_samples: int) -> dict[str, Any]:
    """Fit parameters with one entry per sample (``sample_weight``...) cut to the fold's rows."""
    out = {}
    for k, v in params.items():
        if hasattr(v, "__len__") and not isinstance(v, (str, bytes, dict)) and len(v) == n_samples:
            out[k] = _safe_indexing(v, rows)
        else:
            out[k] = v
    return out


@dataclass
class FoldObjective:
    """``objective(config, trial)``: cross-validate ``estimator`` with ``config`` set.

    The running mean is reported after each fold; the trial stops there (PRUNED) when
    ``prune`` is set and the study's pruner says so, or once ``deadline`` (a ``time.time()``)
    has passed and some trial has completed. ``records`` keeps what each trial measured, by trial number."""

    estimator: Any
    X: Any
    y: Any
    splits: Sequence[tuple[np.ndarray, np.ndarray]]
    scorer: Callable[..., Any]
    fit_params: Mapping[str, Any]
    return_train_score: bool
    prune: bool
    deadline: float | None = None
    records: dict[int, FoldRecord] = field(default_factory=dict)
    errors: dict[int, BaseException] = field(default_factory=dict)
    completed: int = 0

    def __call__(self, config: Mapping[str, Any], trial: Any) -> dict[str, Any]:
        if not isinstance(config, Mapping):
            raise TypeError(
                f"SearchCV's space must give a dict of the estimator's parameters; it gave {config!r}."
            )
        record = self.records[trial.number] = FoldRecord()
        try:
            return self._folds(config, trial, record)
        except Exception as e:
            self.errors[trial.number] = e
            raise

    def _folds(self, config: Mapping[str, Any], trial: Any, record: FoldRecord) -> dict[str, Any]:
        base = clone(self.estimator).set_params(**cloned_params(config))
        n = len(self.y) if self.y is not None else _n_samples(self.X)
        for k, (train, test) in enumerate(self.splits):
            est = clone(base)
            X_train, y_train = _subset(est, self.X, self.y, train, None)
            X_test, y_test = _subset(est, self.X, self.y, test, train)
            start = time.perf_counter()
            est.fit(X_train, y_train, **_fold_params(self.fit_params, train, n))
            record.fit_time.append(time.perf_counter() - start)
            start = time.perf_counter()
            record.test.append(float(self.scorer(est, X_test, y_test)))
            record.score_time.append(time.perf_counter() - start)
            if self.return_train_score:
                record.train.append(float(self.scorer(est, X_train, y_train)))
            trial.report(float(np.mean(record.test)), k)
            if k < len(self.splits) - 1 and (
                (self.prune and trial.should_prune()) or self._past_deadline()
            ):
                raise Pruned()
        self.completed += 1
        return {"value": float(np.mean(record.test)), **record.as_attrs()}

    def _past_deadline(self) -> bool:
        """Whether the search's runtime has ended (once a trial has completed: a search
        never ends without one)."""
        return self.deadline is not None and self.completed > 0 and time.time() > self.deadline


def _n_samples(X: Any) -> int:
    return int(X.shape[0]) if hasattr(X, "shape") else len(X)


def _padded(values: Sequence[float], n: int, fill: float) -> list[float]:
    out = [float(v) for v in values[:n]]
    return out + [fill] * (n - len(out))


def _rank(means: np.ndarray) -> np.ndarray:
    """scikit-learn's ranks: 1 is best, ties share the smallest rank, NaN ranks last."""
    if means.size == 0:
        return np.zeros(0, dtype=np.int32)
    if np.isnan(means).all():
        return np.ones(means.size, dtype=np.int32)
    filled = np.where(np.isnan(means), np.nanmin(means) - 1, means)
    return np.asarray(rankdata(-filled, method="min"), dtype=np.int32)


def cv_results(
    trials: Sequence[Trial],
    records: Mapping[int, FoldRecord],
    n_splits: int,
    error_score: float,
    return_train_score: bool,
) -> dict[str, Any]:
    """The finished trials as scikit-learn's ``cv_results_`` (one row per trial, by number),
    plus ``trial_number`` and ``state``. Folds that did not run (a pruned or failed trial)
    score NaN, or ``error_score`` where the trial failed; the mean is over every fold."""
    rows: list[tuple[Trial, FoldRecord]] = []
    for t in trials:
        rec = FoldRecord.from_attrs(t.user_attrs) or records.get(t.number) or FoldRecord()
        rows.append((t, rec))
    out: dict[str, Any] = {}
    fills = [error_score if t.state is TrialState.FAILED else np.nan for t, _ in rows]

    def matrix(get: Callable[[FoldRecord], list[float]], fill_failed: bool) -> np.ndarray:
        m = [
            _padded(get(r), n_splits, f if fill_failed else np.nan)
            for (_, r), f in zip(rows, fills, strict=True)
        ]
        return np.asarray(m, dtype=float).reshape(len(rows), n_splits)

    for name, get in (("fit_time", lambda r: r.fit_time), ("score_time", lambda r: r.score_time)):
        m = matrix(get, False)
        with np.errstate(all="ignore"):
            seen = ~np.isnan(m)
            count = seen.sum(axis=1)
            total = np.where(seen, m, 0.0).sum(axis=1)
            mean = np.where(count > 0, total / np.maximum(count, 1), 0.0)
            var = np.where(seen, (m - mean[:, None]) ** 2, 0.0).sum(axis=1) / np.maximum(count, 1)
        out[f"mean_{name}"] = mean
        out[f"std_{name}"] = np.sqrt(var)
    params = [dict(t.config) if isinstance(t.config, Mapping) else {} for t, _ in rows]
    for key in sorted({k for p in params for k in p}):
        column = np.ma.MaskedArray(np.empty(len(rows), dtype=object), mask=True)
        for i, p in enumerate(params):
            if key in p:
                column[i] = p[key]
        out[f"param_{key}"] = column
    out["params"] = params
    sets = [("test", lambda r: r.test)]
    if return_train_score:
        sets.append(("train", lambda r: r.train))
    for name, get in sets:
        m = matrix(get, True)
        for k in range(n_splits):
            out[f"split{k}_{name}_score"] = m[:, k]
        out[f"mean_{name}_score"] = m.mean(axis=1) if n_splits else np.full(len(rows), np.nan)
        out[f"std_{name}_score"] = m.std(axis=1) if n_splits else np.full(len(rows), np.nan)
        if name == "test":
            out["rank_test_score"] = _rank(out["mean_test_score"])
    out["trial_number"] = np.asarray([t.number for t, _ in rows], dtype=int)
    out["state"] = [t.state.name for t, _ in rows]
    return out
