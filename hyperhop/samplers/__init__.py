"""Samplers: what to try next. ``make_sampler`` turns an ``algo=`` name into one."""

from __future__ import annotations

import logging
from typing import Any

from hyperhop.samplers.anneal import AnnealSampler
from hyperhop.samplers.base import History, Sampler
from hyperhop.samplers.cbo import CBOSampler
from hyperhop.samplers.gp import GPSampler
from hyperhop.samplers.grid import GridExhaustedError, GridSampler
from hyperhop.samplers.hyperopt_anneal import HyperoptAnnealSampler
from hyperhop.samplers.random import RandomSampler
from hyperhop.samplers.sobol import SobolSampler
from hyperhop.samplers.tpe import TPESampler
from hyperhop.space import Space

__all__ = [
    "AnnealSampler",
    "CBOSampler",
    "GPSampler",
    "GridExhaustedError",
    "GridSampler",
    "History",
    "HyperoptAnnealSampler",
    "RandomSampler",
    "Sampler",
    "SobolSampler",
    "TPESampler",
    "make_sampler",
]

log = logging.getLogger("hyperhop.samplers")

_REGISTRY: dict[str, type[Sampler]] = {"random": RandomSampler}
_REGISTRY["tpe"] = TPESampler
_REGISTRY["anneal"] = AnnealSampler
_REGISTRY["grid"] = GridSampler
_REGISTRY["sobol"] = SobolSampler
_REGISTRY["hyperopt_anneal"] = HyperoptAnnealSampler
_REGISTRY["cbo"] = CBOSampler
_REGISTRY["gp"] = GPSampler


def make_sampler(algo: Any, space: Space, seed: int | None) -> Sampler:
    """A sampler from a name (``"random"``, ``"auto"``...) or a :class:`Sampler` instance."""
    if isinstance(algo, Sampler):
        return algo
    if not isinstance(algo, str):
        raise ValueError(
            f"The 'algo' parameter of Study must be a sampler name ({sorted(_REGISTRY) + ['auto']}) "
            f"or a Sampler. Got {algo!r} instead."
        )
    name = algo.lower()
    if name == "auto":
        from hyperhop.samplers.auto import AutoSampler

        return AutoSampler(seed)
    if name not in _REGISTRY:
        raise ValueError(f"Unknown algo {algo!r}; choose one of {sorted(_REGISTRY) + ['auto']}.")
    return _REGISTRY[name](seed)
