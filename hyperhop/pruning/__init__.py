"""Pruners: when to stop a trial early, from its intermediate values and the study's trials.

``hh.Study(..., pruner="median")`` (a name below, or a :class:`Pruner`), and optionally
``fidelity=hh.Fidelity("epochs", 1, 81)`` for the budget that successive halving,
Hyperband and learning-curve extrapolation allocate.

==============  ==============================================================
``none``        never prune (default without a fidelity)
``median``      worse than the median of completed trials at the same step
``percentile``  outside the best ``percentile`` % at the same step
``top_k``       worse than each of the k best completed trials at a step
``quantile``    outside the best ``1 - q`` share of finished trials at a step
``threshold``   worse than a fixed value (needs arguments: use the class)
``patience``    no improvement for ``patience`` steps
``sha``         asynchronous successive halving (default with a fidelity)
``hyperband``   several successive-halving brackets
``lce``         learning-curve extrapolation
``lcsha``       successive halving ranking extrapolated curves (shapes from completed trials)
``a+b``         any of several (``"sha+lce"``: halving, and extrapolation between rungs)
==============  ==============================================================
"""

from __future__ import annotations

from typing import Any

from hyperhop._validation import describe
from hyperhop.pruning.base import Fidelity, Pruner
from hyperhop.pruning.combine import AnyPruner
from hyperhop.pruning.hyperband import HyperbandPruner
from hyperhop.pruning.lce import LCEPruner
from hyperhop.pruning.lcsha import CurveHalvingPruner
from hyperhop.pruning.none import NopPruner
from hyperhop.pruning.patience import PatiencePruner
from hyperhop.pruning.percentile import MedianPruner, PercentilePruner
from hyperhop.pruning.quantile import QuantilePruner
from hyperhop.pruning.repeat import Repeated, repeat
from hyperhop.pruning.sha import SuccessiveHalvingPruner
from hyperhop.pruning.threshold import ThresholdPruner
from hyperhop.pruning.topk import TopKPruner

__all__ = [
    "AnyPruner",
    "CurveHalvingPruner",
    "Fidelity",
    "HyperbandPruner",
    "LCEPruner",
    "MedianPruner",
    "NopPruner",
    "PatiencePruner",
    "PercentilePruner",
    "Pruner",
    "QuantilePruner",
    "Repeated",
    "SuccessiveHalvingPruner",
    "ThresholdPruner",
    "TopKPruner",
    "make_pruner",
    "repeat",
]

_REGISTRY: dict[str, type[Pruner]] = {
    "none": NopPruner,
    "nop": NopPruner,
    "median": MedianPruner,
    "percentile": PercentilePruner,
    "top_k": TopKPruner,
    "topk": TopKPruner,
    "quantile": QuantilePruner,
    "threshold": ThresholdPruner,
    "patience": PatiencePruner,
    "sha": SuccessiveHalvingPruner,
    "asha": SuccessiveHalvingPruner,
    "successive_halving": SuccessiveHalvingPruner,
    "hyperband": HyperbandPruner,
    "lce": LCEPruner,
    "lcsha": CurveHalvingPruner,
}

DEFAULT_WITH_FIDELITY = "sha"


def make_pruner(pruner: Any = None, fidelity: Fidelity | None = None, **kwargs: Any) -> Pruner:
    """A pruner from a name (``"median"``, ``"sha"``...; ``"sha+lce"``: either stops), a
    :class:`Pruner` or None (no pruning; successive halving when a ``fidelity`` is
    declared), configured with the fidelity's resource range where its own arguments are
    unset.

    Example:
        >>> from hyperhop.pruning import Fidelity, make_pruner
        >>> make_pruner("sha", Fidelity("epochs", 1, 27)).levels()
        [1, 3, 9]
        >>> make_pruner("percentile", percentile=10.0).percentile
        10.0
    """
    if fidelity is not None and not isinstance(fidelity, Fidelity):
        raise ValueError(
            f"The 'fidelity' parameter of Study must be a hh.Fidelity or None. Got {describe(fidelity)} instead."
        )
    if pruner is None:
        pruner = DEFAULT_WITH_FIDELITY if fidelity is not None else "none"
    if isinstance(pruner, str) and "+" in pruner:
        if kwargs:
            raise ValueError("Keyword arguments configure one pruner, not a combination.")
        obj: Pruner = AnyPruner(tuple(make_pruner(part.strip()) for part in pruner.split("+")))
    elif isinstance(pruner, Pruner):
        if kwargs:
            raise ValueError("Keyword arguments configure a pruner given by name, not an instance.")
        obj = pruner
    elif isinstance(pruner, str) and pruner.lower().replace("-", "_") in _REGISTRY:
        cls = _REGISTRY[pruner.lower().replace("-", "_")]
        try:
            obj = cls(**kwargs)
        except TypeError as e:
            raise ValueError(f"Pruner {pruner!r} does not take these arguments: {e}") from None
    else:
        names = sorted(
            n for n in _REGISTRY if n not in ("nop", "topk", "asha", "successive_halving")
        )
        raise ValueError(
            f"The 'pruner' parameter of Study must be one of {names}, a hh.pruning.Pruner or None. "
            f"Got {describe(pruner)} instead."
        )
    return obj.with_fidelity(fidelity) if fidelity is not None else obj
