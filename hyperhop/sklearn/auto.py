"""``AutoEstimator``: the model family, its hyperparameters and the preprocessing, tuned
together within a time budget (hyperopt-sklearn's ``HyperoptEstimator`` role)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.exceptions import NotFittedError
from sklearn.metrics import check_scoring
from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.utils.multiclass import type_of_target
from threadpoolctl import threadpool_limits

from hyperhop.sklearn import spaces
from hyperhop.sklearn._recheck import recheck_picker
from hyperhop.sklearn._warmstart import default_configs, enqueue_defaults
from hyperhop.sklearn.search import SearchCV
from hyperhop.storage import get_storage
from hyperhop.study import Study, parse_runtime

_MAX_CLASSES = 30
"""With task="auto", a numeric target with more distinct values than this is a regression."""

_RECHECK_SHARE = 0.15
"""The part of ``runtime`` kept for scoring the best few configurations on a second split."""

_RECHECK_SPLITS = 5
"""Folds of the second split."""

_SMALL = 500
"""Below this many samples, cv="auto" repeats a 5-fold split twice instead of 3 folds."""


class AutoEstimator(BaseEstimator):
    """Search :func:`~hyperhop.sklearn.spaces.any_classifier` (or ``any_regressor``) and
    :func:`~hyperhop.sklearn.spaces.any_preprocessing` together, by cross-validation,
    until ``runtime`` (or ``n_trials``) ends, then refit the best pipeline on all the data.

    The best is picked honestly, from the training data alone: the ``recheck`` best
    configurations of the search are scored again by a second, differently shuffled 5-fold
    split (in the last 15 % of ``runtime``), and the one with the best mean over both
    splits' folds is refitted; after hundreds of trials on a small data set the top score of
    one split is partly the luck of that split.

    Native thread pools (OpenMP, BLAS) are held to one thread during ``fit``: the models
    here are small and quick, and a pool's threads spinning against other work on the
    machine made one histogram-boosting fit on iris take 4 s instead of 0.1 s. Run trials
    side by side with ``n_jobs`` instead.

    Args:
        task: ``"classification"``, ``"regression"`` or ``"auto"`` (from ``y`` at fit:
            a target with fractions, or numbers taking more than 30 values, is a regression).
        runtime: the search's wall-clock budget (seconds or ``"2min"``); the trial running
            when it ends and the final refit run past it.
        n_trials: a budget in trials instead of (or besides) ``runtime``.
        models: a hyperhop space of estimators to use instead of ``any_classifier()``.
        preprocessing: a space of transformers instead of ``any_preprocessing()``, or None
            for none.
        recheck: how many of the best configurations to score on the second split (0 or
            1: refit the search's best as it is).
        defaults_first: run each model family at its textbook defaults (RBF SVM, k-NN,
            logistic regression, Fisher's LDA, random forest, extra trees, histogram
            boosting; see ``hyperhop.sklearn._warmstart``) before the sampler's
            suggestions, where they fit ``models`` and ``preprocessing`` (at most
            ``n_trials`` of them; those the runtime leaves unrun stay QUEUED in
            ``search_.study_``).
        cv: ``"auto"``: 3 folds (stratified for a classification), or, below 500 samples,
            5 folds repeated twice with two shuffles (10 fits a trial, quick on so few
            samples): hundreds of trials picked on noisy 3-fold scores of a small data set
            overfit the selection (Cawley and Talbot, "On over-fitting in model selection",
            2010); else as :class:`~hyperhop.sklearn.SearchCV`.
        scoring, n_jobs, random_state, algo, pruner, storage, study_name: as
            :class:`~hyperhop.sklearn.SearchCV`.

    After ``fit``: ``search_`` (the SearchCV, with ``cv_results_`` and ``study_``; its
    ``best_index_`` is the configuration picked), ``best_estimator_`` (the refitted
    Pipeline), ``best_params_``, ``best_score_`` (the picked configuration's mean score
    over the folds it was scored on).

    Example:
        >>> from sklearn.datasets import load_iris
        >>> from hyperhop.sklearn import AutoEstimator
        >>> X, y = load_iris(return_X_y=True)
        >>> auto = AutoEstimator(n_trials=4, runtime=None, cv=3, random_state=0).fit(X, y)
        >>> auto.score(X, y) > 0.8
        True
    """

    def __init__(
        self,
        task: str = "auto",
        *,
        runtime: float | str | None = "1min",
        n_trials: int | None = None,
        models: Any = None,
        preprocessing: Any = "default",
        recheck: int = 5,
        defaults_first: bool = True,
        cv: Any = "auto",
        scoring: Any = None,
        n_jobs: int | None = None,
        random_state: Any = None,
        algo: Any = "auto",
        pruner: Any = None,
        storage: Any = None,
        study_name: str | None = None,
    ) -> None:
        self.task = task
        self.runtime = runtime
        self.n_trials = n_trials
        self.models = models
        self.preprocessing = preprocessing
        self.recheck = recheck
        self.defaults_first = defaults_first
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.algo = algo
        self.pruner = pruner
        self.storage = storage
        self.study_name = study_name

    def _task(self, y: Any) -> str:
        if self.task in ("classification", "regression"):
            return self.task
        if self.task != "auto":
            raise ValueError(
                "The 'task' parameter of AutoEstimator must be 'classification', 'regression' "
                f"or 'auto'. Got {self.task!r} instead."
            )
        if type_of_target(y) in ("continuous", "continuous-multioutput"):
            return "regression"
        values = np.asarray(y)
        many = values.dtype.kind in "fiu" and np.unique(values).size > _MAX_CLASSES
        return "regression" if many else "classification"

    def fit(self, X: Any, y: Any) -> AutoEstimator:
        """Search the models and preprocessing, then refit the best pipeline."""
        if self.runtime is None and self.n_trials is None:
            raise ValueError("AutoEstimator needs a budget: runtime='1min', n_trials=50, or both.")
        task = self._task(y)
        seed = self.random_state if isinstance(self.random_state, int) else None
        models = self.models
        if models is None:
            models = (
                spaces.any_classifier(random_state=seed)
                if task == "classification"
                else spaces.any_regressor(random_state=seed)
            )
        dummy = DummyClassifier() if task == "classification" else DummyRegressor()
        pre = spaces.any_preprocessing() if self.preprocessing == "default" else self.preprocessing
        space = {"model": models} if pre is None else {"pre": pre, "model": models}
        pipe = Pipeline([("pre", "passthrough"), ("model", dummy)])
        self.task_ = task
        runtime = None if self.runtime is None else parse_runtime(self.runtime)
        refit: Any = True
        picked: dict[int, float] = {}
        if self.recheck > 1:
            refit = recheck_picker(
                pipe,
                X,
                y,
                check_scoring(pipe, self.scoring),
                classification=task == "classification",
                top=self.recheck,
                n_splits=_RECHECK_SPLITS,
                seed=(seed or 0) + 1,
                deadline=None if runtime is None else time.time() + runtime,
                scores=picked,
            )
            if runtime is not None:
                runtime *= 1 - _RECHECK_SHARE
        storage, name = self.storage, self.study_name
        if self.defaults_first:  # queued in the study that SearchCV then opens
            storage = get_storage(storage)
            name = name or f"auto-{uuid.uuid4().hex[:12]}"
            configs = default_configs(task, np.shape(X)[1], seed)[: self.n_trials]
            study = Study(space, direction="max", storage=storage, name=name)
            enqueue_defaults(study, configs, with_pre=pre is not None)
        search = SearchCV(
            pipe,
            space,
            n_trials=self.n_trials,
            runtime=runtime,
            cv=_cv(self.cv, task, np.shape(X)[0], seed),
            scoring=self.scoring,
            refit=refit,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
            algo=self.algo,
            pruner=self.pruner,
            storage=storage,
            study_name=name,
        )
        with threadpool_limits(1):  # see the class docstring
            self.search_ = search.fit(X, y)
        self.best_estimator_ = self.search_.best_estimator_
        self.best_params_ = self.search_.best_params_
        self.best_score_ = picked.get(-1, getattr(self.search_, "best_score_", np.nan))
        return self

    def _fitted(self) -> Any:
        if not hasattr(self, "best_estimator_"):
            raise NotFittedError("This AutoEstimator is not fitted yet. Call 'fit' first.")
        return self.best_estimator_

    def predict(self, X: Any) -> Any:
        """The best pipeline's predictions."""
        return self._fitted().predict(X)

    def predict_proba(self, X: Any) -> Any:
        """The best pipeline's class probabilities (where its model has them)."""
        return self._fitted().predict_proba(X)

    def score(self, X: Any, y: Any) -> float:
        """The search's scorer (accuracy or R² by default) on ``X``, ``y``."""
        return float(self.search_.scorer_(self._fitted(), X, y))

    @property
    def classes_(self) -> Any:
        """The classes, for a classification."""
        return self._fitted().classes_

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        if self.task == "classification":
            tags.estimator_type = "classifier"
        elif self.task == "regression":
            tags.estimator_type = "regressor"
        return tags


def _cv(cv: Any, task: str, n_samples: int, seed: int | None) -> Any:
    """The splitter for ``cv="auto"`` (see AutoEstimator's docstring); any other as given."""
    if not (isinstance(cv, str) and cv == "auto"):
        return cv
    if n_samples >= _SMALL:
        return 3
    splitter = RepeatedStratifiedKFold if task == "classification" else RepeatedKFold
    return splitter(n_splits=5, n_repeats=2, random_state=seed)
