"""DeepHyper's API on hyperhop: change ``deephyper`` to ``hyperhop.deephyper`` in the
imports (``from hyperhop.deephyper.hpo import HpProblem, CBO``,
``from hyperhop.deephyper.evaluator import Evaluator``) and the search runs on hyperhop's
samplers, executors, pruners and storages. Needs ConfigSpace:
``pip install 'hyperhop[deephyper]'``.

Example:
    >>> from hyperhop.deephyper.hpo import CBO, HpProblem
    >>> problem = HpProblem()
    >>> _ = problem.add_hyperparameter((-10.0, 10.0), "x")
    >>> df = CBO(problem, random_state=0, log_dir="/tmp/hh-dh-doctest").search(
    ...     lambda job: -job["x"] ** 2, max_evals=8)
    >>> len(df)
    8
"""

from hyperhop.deephyper import analysis, evaluator, hpo, stopper
from hyperhop.deephyper.evaluator import Evaluator, RunningJob
from hyperhop.deephyper.hpo import (
    CBO,
    ExperimentalDesignSearch,
    HpProblem,
    RandomSearch,
    RegularizedEvolution,
)

__all__ = [
    "CBO",
    "Evaluator",
    "ExperimentalDesignSearch",
    "HpProblem",
    "RandomSearch",
    "RegularizedEvolution",
    "RunningJob",
    "analysis",
    "evaluator",
    "hpo",
    "stopper",
]
