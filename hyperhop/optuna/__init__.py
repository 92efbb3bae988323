"""Optuna's API on hyperhop: change ``import optuna`` to ``from hyperhop import optuna``
and define-by-run objectives run on hyperhop's core (its samplers, pruners, storages).

Example:
    >>> from hyperhop import optuna
    >>> def objective(trial):
    ...     kind = trial.suggest_categorical("kind", ["svm", "forest"])
    ...     if kind == "svm":
    ...         return trial.suggest_float("c", 1e-3, 1e3, log=True)
    ...     return trial.suggest_int("trees", 10, 100)
    >>> study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=10)
    >>> len(study.trials), set(study.best_params) in ({"kind", "c"}, {"kind", "trees"})
    (10, True)
"""

from hyperhop.optuna import distributions, exceptions, logging, pruners, samplers, storages, trial
from hyperhop.optuna.study import Study, StudyDirection, create_study, load_study
from hyperhop.optuna.trial import TrialPruned

__all__ = [
    "Study",
    "StudyDirection",
    "TrialPruned",
    "create_study",
    "distributions",
    "exceptions",
    "load_study",
    "logging",
    "pruners",
    "samplers",
    "storages",
    "trial",
]
