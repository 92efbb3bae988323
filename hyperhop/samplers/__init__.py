"""Samplers: what to try next. ``make_sampler`` turns an ``algo=`` name into one.

Sampler modules are imported on first use (the model-based ones pull in SciPy and
scikit-learn), so ``import hyperhop`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from hyperhop.samplers.base import History, Sampler
from hyperhop.samplers.random import RandomSampler
from hyperhop.space import Space

if TYPE_CHECKING:
    from hyperhop.samplers.anneal import AnnealSampler
    from hyperhop.samplers.auto import AutoSampler
    from hyperhop.samplers.cbo import CBOSampler
    from hyperhop.samplers.cobyla import CobylaSampler
    from hyperhop.samplers.gp import GPSampler
    from hyperhop.samplers.grid import GridExhaustedError, GridSampler
    from hyperhop.samplers.hyperopt_anneal import HyperoptAnnealSampler
    from hyperhop.samplers.nsga2 import NSGA2Sampler
    from hyperhop.samplers.sobol import SobolSampler
    from hyperhop.samplers.tpe import HyperoptTPESampler, TPESampler

__all__ = [
    "AnnealSampler",
    "AutoSampler",
    "CBOSampler",
    "CobylaSampler",
    "GPSampler",
    "GridExhaustedError",
    "GridSampler",
    "History",
    "HyperoptAnnealSampler",
    "HyperoptTPESampler",
    "NSGA2Sampler",
    "RandomSampler",
    "Sampler",
    "SobolSampler",
    "TPESampler",
    "make_sampler",
]

_LAZY = {
    "AnnealSampler": "hyperhop.samplers.anneal",
    "AutoSampler": "hyperhop.samplers.auto",
    "CBOSampler": "hyperhop.samplers.cbo",
    "CobylaSampler": "hyperhop.samplers.cobyla",
    "GPSampler": "hyperhop.samplers.gp",
    "GridExhaustedError": "hyperhop.samplers.grid",
    "GridSampler": "hyperhop.samplers.grid",
    "HyperoptAnnealSampler": "hyperhop.samplers.hyperopt_anneal",
    "HyperoptTPESampler": "hyperhop.samplers.tpe",
    "NSGA2Sampler": "hyperhop.samplers.nsga2",
    "SobolSampler": "hyperhop.samplers.sobol",
    "TPESampler": "hyperhop.samplers.tpe",
}

_REGISTRY: dict[str, str] = {
    "random": "RandomSampler",
    "tpe": "TPESampler",
    "anneal": "AnnealSampler",
    "grid": "GridSampler",
    "sobol": "SobolSampler",
    "hyperopt_anneal": "HyperoptAnnealSampler",
    "hyperopt_tpe": "HyperoptTPESampler",
    "cbo": "CBOSampler",
    "gp": "GPSampler",
    "cobyla": "CobylaSampler",
    "nsga2": "NSGA2Sampler",
    "auto": "AutoSampler",
}
"""``algo=`` names and the classes they build (each takes the seed as first argument)."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'hyperhop.samplers' has no attribute {name!r}")


def make_sampler(algo: Any, space: Space, seed: int | None) -> Sampler:
    """A sampler from a name (``"auto"``, ``"tpe"``, ``"random"``...) or a :class:`Sampler`.

    Args:
        algo: a sampler's name (case-insensitive) or a :class:`Sampler`, returned as it is.
        space: the study's space.
        seed: the seed for a sampler made from a name.

    Returns:
        The sampler.

    Raises:
        ValueError: ``algo`` is neither a known name nor a :class:`Sampler`.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.samplers import make_sampler
        >>> make_sampler("random", hh.Space({"x": hh.float(0, 1)}), seed=0)
        RandomSampler(seed=0)
    """
    if isinstance(algo, Sampler):
        return algo
    if not isinstance(algo, str) or algo.lower() not in _REGISTRY:
        raise ValueError(
            f"The 'algo' parameter of Study must be one of {sorted(_REGISTRY)} or a Sampler. "
            f"Got {algo!r} instead."
        )
    cls = globals().get(_REGISTRY[algo.lower()]) or __getattr__(_REGISTRY[algo.lower()])
    sampler: Sampler = cls(seed)
    return sampler
