"""Many objectives: Pareto dominance, non-dominated sorting, hypervolume, scalarization.

Everything here minimizes; :func:`as_minimization` negates the objectives a study
maximizes. Outcome constraints live with each trial (see :mod:`.constraints`).

Example:
    >>> import hyperhop.multiobjective as mo
    >>> Y = [[1.0, 4.0], [2.0, 2.0], [3.0, 3.0], [4.0, 1.0]]
    >>> mo.pareto_front(Y).tolist(), mo.hypervolume(Y, [5.0, 5.0])
    ([0, 1, 3], 11.0)
"""

from __future__ import annotations

from hyperhop.multiobjective.constraints import is_feasible, violation
from hyperhop.multiobjective.dominance import (
    as_minimization,
    dominates,
    non_dominated_mask,
    non_dominated_ranks,
    pareto_front,
)
from hyperhop.multiobjective.hypervolume import (
    HypervolumeEstimate,
    hypervolume,
    hypervolume_estimate,
)
from hyperhop.multiobjective.scalarization import (
    chebyshev,
    linear,
    pbi,
    penalize,
    random_weights,
    rescale,
    scalarize,
)

__all__ = [
    "HypervolumeEstimate",
    "as_minimization",
    "chebyshev",
    "dominates",
    "hypervolume",
    "hypervolume_estimate",
    "is_feasible",
    "linear",
    "non_dominated_mask",
    "non_dominated_ranks",
    "pareto_front",
    "pbi",
    "penalize",
    "random_weights",
    "rescale",
    "scalarize",
    "violation",
]
