"""DeepHyper <= 0.7's ``deephyper.search.hps`` (now ``deephyper.hpo``).

Example:
    >>> from hyperhop.deephyper.search.hps import CBO
    >>> CBO.__module__
    'hyperhop.deephyper.hpo._cbo'
"""

from hyperhop.deephyper.hpo import CBO, ExperimentalDesignSearch, RandomSearch, RegularizedEvolution

__all__ = ["CBO", "ExperimentalDesignSearch", "RandomSearch", "RegularizedEvolution"]
