"""Initial designs (DeepHyper's ``initial_point_generator`` / ``ExperimentalDesignSearch``
``design``): low-discrepancy points of the unit cube decoded through the space."""

from __future__ import annotations

from typing import Any

import numpy as np

from hyperhop.space import Space

DESIGNS = ("random", "sobol", "halton", "hammersly", "lhs", "grid")


def check_design(design: str, owner: str) -> str:
    if design not in DESIGNS:
        raise ValueError(
            f"The design of {owner} must be one of {list(DESIGNS)}. Got {design!r} instead."
        )
    return design


def design_points(space: Space, n: int, design: str, seed: int | None) -> list[dict[str, Any]]:
    """``n`` configurations of ``space`` laid out by ``design`` (feasible ones; a point that
    breaks a constraint is replaced by a random feasible one)."""
    from scipy.stats import qmc

    rng = np.random.default_rng(seed)
    d = max(space.dim, 1)
    if design == "sobol":
        U = qmc.Sobol(d, scramble=True, seed=rng).random(n)
    elif design in ("halton", "hammersly"):
        U = qmc.Halton(d, scramble=True, seed=rng).random(n)
    elif design == "lhs":
        U = qmc.LatinHypercube(d, seed=rng).random(n)
    elif design == "grid":
        per = max(int(np.ceil(n ** (1.0 / d))), 1)
        axes = [(np.arange(per) + 0.5) / per] * d
        grid = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, d)
        U = grid[rng.permutation(len(grid))[:n]]
    else:
        return [space.to_config(space.sample_assignment(rng)) for _ in range(n)]
    out = []
    for u in U:
        a = space.decode(u[: space.dim], rng)
        if not space.is_feasible(a):
            a = space.sample_assignment(rng)
        out.append(space.to_config(a))
    return out
