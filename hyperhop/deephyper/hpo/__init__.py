"""DeepHyper's ``deephyper.hpo`` on hyperhop: change ``from deephyper.hpo import ...`` to
``from hyperhop.deephyper.hpo import ...``."""

from hyperhop.deephyper.hpo._cbo import CBO
from hyperhop.deephyper.hpo._others import (
    ExperimentalDesignSearch,
    RandomSearch,
    RegularizedEvolution,
)
from hyperhop.deephyper.hpo._search import Search
from hyperhop.deephyper.problem import HpProblem

__all__ = [
    "CBO",
    "ExperimentalDesignSearch",
    "HpProblem",
    "RandomSearch",
    "RegularizedEvolution",
    "Search",
]
