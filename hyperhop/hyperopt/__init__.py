"""Hyperopt's API on hyperhop's engine: change ``import hyperopt`` to
``import hyperhop.hyperopt as hyperopt`` (or ``from hyperhop.hyperopt import ...``).

``fmin`` runs a hyperhop study (its samplers, storages and failure handling) and keeps
Hyperopt's trial documents, stored values (a choice's index) and stop rules. What
differs on purpose is listed in the README's "Coming from Hyperopt" section.

Example:
    >>> import numpy as np
    >>> from hyperhop.hyperopt import STATUS_OK, Trials, fmin, hp, tpe
    >>> def objective(x):
    ...     return {"loss": (x - 2) ** 2, "status": STATUS_OK}
    >>> trials = Trials()
    >>> best = fmin(objective, hp.uniform("x", -5, 5), algo=tpe.suggest, max_evals=30,
    ...             trials=trials, rstate=np.random.default_rng(1), show_progressbar=False)
    >>> abs(best["x"] - 2) < 0.5, len(trials.losses())
    (True, 30)
"""

from hyperhop.hyperopt import (
    anneal,
    atpe,
    early_stop,
    exceptions,
    hp,
    mix,
    progress,
    pyll,
    rand,
    tpe,
)
from hyperhop.hyperopt.base import (
    JOB_STATE_CANCEL,
    JOB_STATE_DONE,
    JOB_STATE_ERROR,
    JOB_STATE_NEW,
    JOB_STATE_RUNNING,
    JOB_STATES,
    STATUS_FAIL,
    STATUS_NEW,
    STATUS_OK,
    STATUS_RUNNING,
    STATUS_STRINGS,
    STATUS_SUSPENDED,
    Ctrl,
    Domain,
    Trials,
    trials_from_docs,
)
from hyperhop.hyperopt.fmin import (
    fmin,
    fmin_pass_expr_memo_ctrl,
    generate_trials_to_calculate,
    partial,
    space_eval,
)
from hyperhop.hyperopt.spark import SparkTrials

__all__ = [
    "JOB_STATES",
    "JOB_STATE_CANCEL",
    "JOB_STATE_DONE",
    "JOB_STATE_ERROR",
    "JOB_STATE_NEW",
    "JOB_STATE_RUNNING",
    "STATUS_FAIL",
    "STATUS_NEW",
    "STATUS_OK",
    "STATUS_RUNNING",
    "STATUS_STRINGS",
    "STATUS_SUSPENDED",
    "Ctrl",
    "Domain",
    "SparkTrials",
    "Trials",
    "anneal",
    "atpe",
    "early_stop",
    "exceptions",
    "fmin",
    "fmin_pass_expr_memo_ctrl",
    "generate_trials_to_calculate",
    "hp",
    "mix",
    "partial",
    "progress",
    "pyll",
    "rand",
    "space_eval",
    "tpe",
    "trials_from_docs",
]
