"""Ensembles of a study's models with disentangled uncertainty (DeepHyper's AutoDEUQ,
Caruana's ensemble selection).

:func:`from_study` loads the models that trials saved (``trial.save_artifact("model",
model)``), chooses members on validation data (greedy or top-k) and returns a scikit-learn
estimator whose ``predict_uncertainty`` splits the uncertainty into aleatoric (noise in the
data) and epistemic (disagreement of the members) parts.
"""

from __future__ import annotations

from typing import Any

from hyperhop.ensemble.aggregate import Uncertainty, entropy, mix_categorical, mix_normals
from hyperhop.ensemble.members import TorchModel
from hyperhop.ensemble.select import Pool, greedy, top_k
from hyperhop.ensemble.sources import from_study

__all__ = [
    "EnsembleClassifier",
    "EnsembleRegressor",
    "Pool",
    "TorchModel",
    "Uncertainty",
    "entropy",
    "from_study",
    "greedy",
    "mix_categorical",
    "mix_normals",
    "top_k",
]


def __getattr__(name: str) -> Any:
    """The estimators load scikit-learn's estimator base on first use, not with hyperhop."""
    if name in ("EnsembleClassifier", "EnsembleRegressor"):
        from hyperhop.ensemble import estimator

        return getattr(estimator, name)
    raise AttributeError(f"module 'hyperhop.ensemble' has no attribute {name!r}")
