"""Building an ensemble from a study: the models (and optionally the validation
predictions) that its completed trials saved as artifacts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from hyperhop._validation import describe
from hyperhop.ensemble.members import TorchModel
from hyperhop.trial import TrialState

if TYPE_CHECKING:
    from hyperhop.ensemble.estimator import EnsembleClassifier, EnsembleRegressor
    from hyperhop.study import Study

log = logging.getLogger("hyperhop.ensemble")


def _kind_of(models: list[Any], y: Any) -> str:
    from sklearn.utils.multiclass import type_of_target

    plain = [m for m in models if m is not None and not _is_module(m)]
    if plain:
        return "classification" if hasattr(plain[0], "predict_proba") else "regression"
    target = type_of_target(np.asarray(y))
    return "classification" if target in ("binary", "multiclass") else "regression"


def _is_module(m: Any) -> bool:
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(m, torch.nn.Module)


def from_study(
    study: Study,
    X_val: Any = None,
    y_val: Any = None,
    *,
    selector: str = "greedy",
    k: int = 5,
    metric: Any = None,
    artifact: str | None = "model",
    predictions: str | None = None,
    factory: Callable[..., Any] | None = None,
    kind: str = "auto",
    top: int | None = None,
    trusted: bool = False,
    bagging: int = 0,
    init: int = 1,
    max_iter: int = 50,
    patience: int | None = 5,
    random_state: Any = None,
    calibrate: bool = True,
    n_jobs: Any = 1,
    executor: Any = None,
) -> EnsembleClassifier | EnsembleRegressor:
    """An ensemble of a study's trials, chosen on validation data.

    Candidates are the completed trials that saved the artifact ``artifact`` (a fitted model;
    a PyTorch module's weights need ``factory(config)``), best first, the ``top`` best only
    when given; a trial that failed or was killed saved nothing and is skipped, so this
    works after an interrupted or multi-worker study. Members are chosen by ``selector``
    (``"greedy"``: Caruana's selection with replacement, ``bagging`` bags, starting from
    the ``init`` best; ``"topk"``) on the
    validation ``metric`` (default ``"nll"``; also ``"mse"``, ``"mae"`` / ``"error"``,
    ``"brier"``, or a callable ``metric(y_true, prediction)`` to minimize), at most ``k``
    distinct; ``calibrate`` then fits the regressors' shared noise or the classifiers'
    temperature on the same data (:mod:`hyperhop.ensemble.calibrate`). The validation predictions come from the models (computed on ``X_val``
    through ``n_jobs``/``executor``, as in ``optimize()``) or, with ``predictions=NAME``,
    from the artifact each trial saved under that name (no model call; ``X_val`` unused).

    The result is an :class:`EnsembleClassifier` or :class:`EnsembleRegressor` (``kind``:
    ``"auto"`` tells from the models or from ``y_val``) with ``trials_`` (the chosen
    trials) and ``member_weights_``.

    Example:
        >>> import hyperhop as hh
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> def objective(cfg, trial):
        ...     model = DecisionTreeClassifier(max_depth=cfg["depth"], random_state=0)
        ...     model.fit(X[::2], y[::2])
        ...     trial.save_artifact("model", model)
        ...     return model.score(X[1::2], y[1::2])
        >>> study = hh.Study({"depth": hh.int(1, 6)}, direction="max", seed=0)
        >>> _ = study.optimize(objective, n_trials=6, progress=False)
        >>> ens = hh.ensemble.from_study(study, X[1::2], y[1::2], k=3)
        >>> ens.predict_uncertainty(X[:2]).epistemic.shape
        (2,)
    """
    if y_val is None:
        raise ValueError("from_study() needs the validation targets y_val.")
    if artifact is None and predictions is None:
        raise ValueError(
            "from_study() needs artifact= (the models' name) or predictions= (saved validation predictions)."
        )
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"The 'top' parameter must be an int >= 1. Got {describe(top)} instead.")
    trials = [t for t in study.trials if t.state is TrialState.COMPLETE and t.values]
    if len(study.directions) == 1:
        sign = 1.0 if study.direction == "min" else -1.0
        trials.sort(key=lambda t: (sign * (t.value or 0.0), t.number))
    needed = [n for n in (artifact, predictions) if n is not None]
    trials = [t for t in trials if all(n in study.artifact_names(t) for n in needed)]
    if top is not None:
        trials = trials[:top]
    if not trials:
        raise ValueError(
            f"No completed trial of study {study.name!r} saved {' and '.join(map(repr, needed))}: "
            f"call trial.save_artifact({needed[0]!r}, ...) in the objective (one that takes the trial)."
        )
    models: list[Any] = []
    if artifact is not None:
        models = [
            study.load_artifact(t, artifact, trusted=trusted, factory=factory) for t in trials
        ]
    saved = (
        [study.load_artifact(t, predictions, trusted=trusted) for t in trials]
        if predictions is not None
        else None
    )
    if kind == "auto":
        kind = _kind_of(models, y_val)
    if kind not in ("classification", "regression"):
        raise ValueError(
            f"The 'kind' parameter must be 'auto', 'classification' or 'regression'. Got {describe(kind)} instead."
        )
    models = [TorchModel(m, kind) if _is_module(m) else m for m in models]
    from hyperhop.ensemble.estimator import EnsembleClassifier, EnsembleRegressor

    cls = EnsembleClassifier if kind == "classification" else EnsembleRegressor
    ens = cls(
        models,
        selector=selector,
        k=k,
        metric=metric,
        bagging=bagging,
        init=init,
        max_iter=max_iter,
        patience=patience,
        random_state=random_state,
        calibrate=calibrate,
        n_jobs=n_jobs,
        executor=executor,
    )
    ens.fit(X_val, y_val, predictions=saved)
    ens.trials_ = [trials[i] for i in ens.indices_]
    log.info(
        "ensemble of %d trial(s) %s, weights %s",
        len(ens.trials_),
        [t.number for t in ens.trials_],
        np.round(ens.member_weights_, 3).tolist(),
    )
    return ens
