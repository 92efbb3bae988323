"""``SearchCV``: scikit-learn's search meta-estimator, driven by a hyperhop study."""

from __future__ import annotations

import numbers
import os
import time
import uuid
import warnings
from collections.abc import Callable, Mapping
from copy import deepcopy
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.exceptions import FitFailedWarning, NotFittedError
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state, get_tags, indexable
from sklearn.utils.metaestimators import available_if

from hyperhop.sklearn._folds import FoldObjective, cloned_params, cv_results
from hyperhop.study import parse_runtime
from hyperhop.trial import TrialState


def _delegates(method: str) -> Callable[[Any], bool]:
    """available_if check: the refitted best estimator (or, unfitted, the estimator) has it."""

    def check(self: SearchCV) -> bool:
        if hasattr(self, "best_estimator_"):
            getattr(self.best_estimator_, method)
            return True
        getattr(self.estimator, method)
        return True

    return check


class SearchCV(MetaEstimatorMixin, BaseEstimator):
    """Tune an estimator's parameters by cross-validation with a hyperhop study.

    scikit-learn's conventions throughout (as ``GridSearchCV``): ``fit`` runs the study,
    ``predict``/``score``/... use the best estimator refitted on all the data, and
    ``best_params_``, ``best_score_``, ``best_index_``, ``cv_results_`` (scikit-learn's
    layout, one row per trial, plus ``trial_number`` and ``state``) and the study itself
    (``study_``) describe the search. Each fold's running mean score is a trial's
    intermediate value, so a ``pruner`` stops a hopeless configuration after a few folds.

    Args:
        estimator: the estimator (or Pipeline) to tune; cloned, never changed.
        space: a hyperhop space whose config is a dict of ``set_params`` names
            (``{"C": hh.float(1e-3, 1e3, log=True)}``, ``"svc__C"`` inside a Pipeline); a
            ``hh.choice`` of such dicts makes a conditional space; estimators among the
            values are cloned for each trial.
        n_trials: finished trials to run (with ``storage``, trials stored before count).
        runtime: a wall-clock budget (seconds or ``"10min"``), alone or with ``n_trials``;
            a trial still running when it ends stops after its current fold (PRUNED).
        cv: scikit-learn's ``cv`` (an int, a splitter, an iterable of splits; default 5).
        scoring: a scorer name, a callable ``scorer(estimator, X, y)`` or None (the
            estimator's ``score``); greater is better.
        refit: refit the best configuration on all the data (True), or not (False), or a
            callable that picks ``best_index_`` from ``cv_results_``.
        n_jobs: trials run at once, in threads (None: 1; -1: every CPU).
        random_state: seeds the sampler (an int, a ``RandomState`` or None).
        algo: hyperhop's sampler (``"auto"``, ``"tpe"``, ... or a Sampler).
        pruner: a pruner name or :class:`~hyperhop.pruning.Pruner`; None runs every fold.
        storage: a storage URL (``"sqlite:///runs.db"``) or Storage: with ``study_name`` a
            second ``fit`` resumes the study, so ``n_trials`` is a total.
        study_name: the study's name (default: a fresh one per fit).
        error_score: the score of a configuration whose fit raised (the trial fails, with a
            ``FitFailedWarning``); ``"raise"`` re-raises the exception.
        return_train_score: also score each fold's training data.
        verbose: show the study's progress bar when > 0.

    Example:
        >>> import hyperhop as hh
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.linear_model import LogisticRegression
        >>> from hyperhop.sklearn import SearchCV
        >>> X, y = load_iris(return_X_y=True)
        >>> search = SearchCV(LogisticRegression(max_iter=500), {"C": hh.float(1e-2, 1e2, log=True)},
        ...                   n_trials=5, cv=3, random_state=0).fit(X, y)
        >>> search.best_score_ > 0.9, sorted(search.best_params_)
        (True, ['C'])
    """

    best_index_: int
    best_params_: dict[str, Any]
    best_score_: float

    def __init__(
        self,
        estimator: Any,
        space: Any,
        *,
        n_trials: int | None = 10,
        runtime: float | str | None = None,
        cv: Any = None,
        scoring: Any = None,
        refit: bool | Callable[[dict[str, Any]], int] = True,
        n_jobs: int | None = None,
        random_state: Any = None,
        algo: Any = "auto",
        pruner: Any = None,
        storage: Any = None,
        study_name: str | None = None,
        error_score: float | str = np.nan,
        return_train_score: bool = False,
        verbose: int = 0,
    ) -> None:
        self.estimator = estimator
        self.space = space
        self.n_trials = n_trials
        self.runtime = runtime
        self.cv = cv
        self.scoring = scoring
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.algo = algo
        self.pruner = pruner
        self.storage = storage
        self.study_name = study_name
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.verbose = verbose

    # ------------------------------------------------------------------ checks
    def _check_params(self) -> None:
        if isinstance(self.scoring, (dict, list, tuple, set)):
            raise ValueError(
                "The 'scoring' parameter of SearchCV must be one scorer (a name, a callable or "
                f"None); several metrics are not supported. Got {self.scoring!r}: pass the one "
                "to optimize."
            )
        if not (self.refit in (True, False) or callable(self.refit)):
            raise ValueError(
                f"The 'refit' parameter of SearchCV must be a bool or a callable. Got {self.refit!r} instead."
            )
        if not (
            self.error_score == "raise"
            or (
                isinstance(self.error_score, numbers.Real)
                and not isinstance(self.error_score, bool)
            )
        ):
            raise ValueError(
                "The 'error_score' parameter of SearchCV must be a number or 'raise'. "
                f"Got {self.error_score!r} instead."
            )
        if self.n_jobs is not None and (
            not isinstance(self.n_jobs, numbers.Integral) or self.n_jobs == 0 or self.n_jobs < -1
        ):
            raise ValueError(
                f"The 'n_jobs' parameter of SearchCV must be None, -1 or an int >= 1. Got {self.n_jobs!r} instead."
            )

    def _workers(self) -> int:
        if self.n_jobs is None:
            return 1
        return os.cpu_count() or 1 if self.n_jobs == -1 else int(self.n_jobs)

    def _seed(self) -> int | None:
        if self.random_state is None:
            return None
        if isinstance(self.random_state, numbers.Integral):
            return int(self.random_state)
        return int(check_random_state(self.random_state).randint(2**31 - 1))

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any = None, *, groups: Any = None, **fit_params: Any) -> SearchCV:
        """Run the study (``n_trials``/``runtime``), then refit the best configuration.

        ``fit_params`` go to the estimator's ``fit``; those with one entry per sample
        (``sample_weight``) are cut to each fold.
        """
        import hyperhop as hh

        self._check_params()
        X, y, groups = indexable(X, y, groups)
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(cv.split(X, y, groups))
        self.n_splits_ = len(splits)
        self.scorer_ = check_scoring(self.estimator, self.scoring)
        self.multimetric_ = False
        objective = FoldObjective(
            self.estimator,
            X,
            y,
            splits,
            self.scorer_,
            fit_params,
            self.return_train_score,
            prune=self.pruner is not None,
            deadline=None if self.runtime is None else time.time() + parse_runtime(self.runtime),
        )
        persistent = self.storage is not None
        name = self.study_name or (f"searchcv-{uuid.uuid4().hex[:12]}" if persistent else None)
        study = hh.Study(
            self.space,
            direction="max",
            storage=self.storage,
            name=name,
            algo=self.algo,
            seed=self._seed(),
            pruner=self.pruner,
        )
        self.study_ = study
        catch: tuple[type[BaseException], ...] = () if self.error_score == "raise" else (Exception,)
        study.optimize(
            objective,
            n_trials=self.n_trials,
            runtime=self.runtime,
            n_jobs=self._workers(),
            catch=catch,
            progress=self.verbose > 0,
            callbacks=[_stop_after(self.n_trials)],
            max_consecutive_failures=None,
        )
        finished = sorted((t for t in study.trials if t.state.is_finished), key=lambda t: t.number)
        self.cv_results_ = cv_results(
            finished,
            objective.records,
            self.n_splits_,
            float(np.nan if self.error_score == "raise" else self.error_score),
            self.return_train_score,
        )
        self._warn_failures(finished, objective.errors)
        self._pick_best(finished)
        if self.refit:
            est = clone(self.estimator).set_params(**cloned_params(self.best_params_))
            start = time.perf_counter()
            est.fit(X, y, **fit_params)
            self.refit_time_ = time.perf_counter() - start
            self.best_estimator_ = est
            if hasattr(est, "feature_names_in_"):
                self.feature_names_in_ = est.feature_names_in_
        return self

    def _warn_failures(self, finished: list[Any], errors: Mapping[int, BaseException]) -> None:
        failed = [t for t in finished if t.state is TrialState.FAILED]
        if failed and len(failed) == len(finished):
            first = errors.get(failed[0].number)
            note = (
                f"All {len(failed)} trials of SearchCV failed; this is the first one's error "
                "(the others are in cv_results_ and study_.trials)."
            )
            if first is None:
                raise ValueError(f"{note[:-1]}: {failed[0].error}")
            if hasattr(first, "add_note"):
                first.add_note(note)
            raise first
        if failed:
            warnings.warn(
                f"{len(failed)} of {len(finished)} trials failed and score error_score="
                f"{self.error_score!r}; the first: {failed[0].error}",
                FitFailedWarning,
                stacklevel=3,
            )

    def _pick_best(self, finished: list[Any]) -> None:
        if callable(self.refit):
            index = self.refit(self.cv_results_)
            if not isinstance(index, numbers.Integral) or not 0 <= index < len(finished):
                raise IndexError(
                    f"The refit callable must return an index into cv_results_ (0 to "
                    f"{len(finished) - 1}). Got {index!r} instead."
                )
            self.best_index_ = int(index)
        else:
            complete = [i for i, t in enumerate(finished) if t.state is TrialState.COMPLETE]
            if not complete:
                raise ValueError(
                    "No trial completed all folds (all were pruned or failed); "
                    "raise n_trials or relax the pruner."
                )
            best = self.study_.best
            self.best_index_ = next(i for i, t in enumerate(finished) if t.id == best.id)
            self.best_score_ = float(self.cv_results_["mean_test_score"][self.best_index_])
        self.best_params_ = dict(self.cv_results_["params"][self.best_index_])

    # ------------------------------------------------------------------ delegation
    def _check_refitted(self, method: str) -> None:
        if not hasattr(self, "cv_results_"):
            raise NotFittedError(
                f"This SearchCV instance is not fitted yet. Call 'fit' before {method}()."
            )
        if not self.refit:
            raise AttributeError(
                f"{method}() needs the best estimator refitted: pass refit=True (it is False)."
            )

    @available_if(_delegates("predict"))
    def predict(self, X: Any) -> Any:
        """The best estimator's ``predict``."""
        self._check_refitted("predict")
        return self.best_estimator_.predict(X)

    @available_if(_delegates("predict_proba"))
    def predict_proba(self, X: Any) -> Any:
        """The best estimator's ``predict_proba``."""
        self._check_refitted("predict_proba")
        return self.best_estimator_.predict_proba(X)

    @available_if(_delegates("predict_log_proba"))
    def predict_log_proba(self, X: Any) -> Any:
        """The best estimator's ``predict_log_proba``."""
        self._check_refitted("predict_log_proba")
        return self.best_estimator_.predict_log_proba(X)

    @available_if(_delegates("decision_function"))
    def decision_function(self, X: Any) -> Any:
        """The best estimator's ``decision_function``."""
        self._check_refitted("decision_function")
        return self.best_estimator_.decision_function(X)

    @available_if(_delegates("score_samples"))
    def score_samples(self, X: Any) -> Any:
        """The best estimator's ``score_samples``."""
        self._check_refitted("score_samples")
        return self.best_estimator_.score_samples(X)

    @available_if(_delegates("transform"))
    def transform(self, X: Any) -> Any:
        """The best estimator's ``transform``."""
        self._check_refitted("transform")
        return self.best_estimator_.transform(X)

    @available_if(_delegates("inverse_transform"))
    def inverse_transform(self, X: Any) -> Any:
        """The best estimator's ``inverse_transform``."""
        self._check_refitted("inverse_transform")
        return self.best_estimator_.inverse_transform(X)

    @available_if(_delegates("score"))
    def score(self, X: Any, y: Any = None) -> float:
        """The best estimator's score on ``X``, ``y`` with the search's scorer."""
        self._check_refitted("score")
        return float(self.scorer_(self.best_estimator_, X, y))

    @property
    def classes_(self) -> Any:
        """The best estimator's classes."""
        self._check_refitted("classes_")
        return self.best_estimator_.classes_

    @property
    def n_features_in_(self) -> int:
        """Features seen by the best estimator."""
        if not hasattr(self, "best_estimator_"):
            raise AttributeError(
                f"{type(self).__name__} has no n_features_in_ before fit with refit=True."
            )
        return int(self.best_estimator_.n_features_in_)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = deepcopy(inner.classifier_tags)
        tags.regressor_tags = deepcopy(inner.regressor_tags)
        tags.transformer_tags = deepcopy(inner.transformer_tags)
        tags.input_tags.pairwise = inner.input_tags.pairwise
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.target_tags = deepcopy(inner.target_tags)
        return tags

    # ------------------------------------------------------------------ pickling
    def __getstate__(self) -> dict[str, Any]:
        """The study is not pickled (it holds a storage connection and threads); a study
        in a file or database is opened again from its URL and name on unpickling."""
        state = super().__getstate__() if hasattr(super(), "__getstate__") else self.__dict__
        state = dict(state)
        study = state.pop("study_", None)
        if study is not None and not _in_memory(study.storage):
            state["_study_ref"] = (study.storage.url, study.name)
        return state

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        state = dict(state)
        ref = state.pop("_study_ref", None)
        if hasattr(super(), "__setstate__"):
            super().__setstate__(state)
        else:
            self.__dict__.update(state)
        if ref is not None:
            import hyperhop as hh

            self.study_ = hh.load_study(ref[0], ref[1], self.space)


def _stop_after(n_trials: int | None) -> Callable[[Any, Any], None]:
    """A study callback that stops once ``n_trials`` trials finished, failed ones included
    (as scikit-learn counts candidates; the study's budget counts completed ones only)."""

    def callback(study: Any, trial: Any) -> None:
        if n_trials is not None and sum(t.state.is_finished for t in study.trials) >= n_trials:
            study.stop()

    return callback


def _in_memory(storage: Any) -> bool:
    from hyperhop.storage import MemoryStorage

    return isinstance(storage, MemoryStorage)
