"""Optuna's pruners by their class names, each one of hyperhop's pruners.

| Optuna | hyperhop |
|---|---|
| ``MedianPruner``, ``PercentilePruner`` | the same rules (``median``, ``percentile``) |
| ``SuccessiveHalvingPruner``, ``HyperbandPruner`` | ``sha``, ``hyperband`` |
| ``ThresholdPruner``, ``PatientPruner`` | ``ThresholdPruner``, ``PatiencePruner`` |
| ``NopPruner`` | ``none`` |
"""

from __future__ import annotations

from typing import Any

from hyperhop import pruning

BasePruner = pruning.Pruner


def MedianPruner(
    n_startup_trials: int = 5,
    n_warmup_steps: int = 0,
    interval_steps: int = 1,
    *,
    n_min_trials: int = 1,
) -> pruning.Pruner:
    """Prune below the median of the other trials at the same step."""
    return pruning.MedianPruner(
        n_startup_trials=n_startup_trials,
        n_warmup_steps=n_warmup_steps,
        interval_steps=interval_steps,
        n_min_trials=n_min_trials,
    )


def PercentilePruner(
    percentile: float,
    n_startup_trials: int = 5,
    n_warmup_steps: int = 0,
    interval_steps: int = 1,
    *,
    n_min_trials: int = 1,
) -> pruning.Pruner:
    """Prune outside the best ``percentile`` of the other trials at the same step."""
    return pruning.PercentilePruner(
        percentile=percentile,
        n_startup_trials=n_startup_trials,
        n_warmup_steps=n_warmup_steps,
        interval_steps=interval_steps,
        n_min_trials=n_min_trials,
    )


def SuccessiveHalvingPruner(
    min_resource: Any = "auto",
    reduction_factor: int = 4,
    min_early_stopping_rate: int = 0,
    **ignored: Any,
) -> pruning.Pruner:
    """Asynchronous successive halving; ``min_resource="auto"`` starts at step 1."""
    return pruning.SuccessiveHalvingPruner(
        min_resource=None if min_resource == "auto" else int(min_resource),
        reduction_factor=reduction_factor,
        min_early_stopping_rate=min_early_stopping_rate,
    )


def HyperbandPruner(
    min_resource: int = 1, max_resource: Any = "auto", reduction_factor: int = 3, **ignored: Any
) -> pruning.Pruner:
    """Successive halving in brackets; ``max_resource="auto"`` is the first trial's steps."""
    return pruning.HyperbandPruner(
        min_resource=min_resource,
        max_resource=None if max_resource == "auto" else int(max_resource),
        reduction_factor=reduction_factor,
    )


def ThresholdPruner(
    lower: float | None = None,
    upper: float | None = None,
    n_warmup_steps: int = 0,
    interval_steps: int = 1,
) -> pruning.Pruner:
    """Prune a value outside ``[lower, upper]``."""
    return pruning.ThresholdPruner(
        lower=lower, upper=upper, n_warmup_steps=n_warmup_steps, interval_steps=interval_steps
    )


def PatientPruner(
    wrapped_pruner: pruning.Pruner | None, patience: int, min_delta: float = 0.0
) -> pruning.Pruner:
    """Prune after ``patience`` steps without improvement (and when ``wrapped_pruner`` would)."""
    return pruning.PatiencePruner(patience=patience, min_delta=min_delta, wrapped=wrapped_pruner)


def NopPruner() -> pruning.Pruner:
    """Never prune."""
    return pruning.NopPruner()


__all__ = [
    "BasePruner",
    "HyperbandPruner",
    "MedianPruner",
    "NopPruner",
    "PatientPruner",
    "PercentilePruner",
    "SuccessiveHalvingPruner",
    "ThresholdPruner",
]
