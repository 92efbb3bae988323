"""Ensembles of a study's models with disentangled uncertainty (DeepHyper's AutoDEUQ,
Caruana's ensemble selection).

:func:`from_study` loads the models that trials saved (``trial.save_artifact("model",
model)``), chooses members on validation data (greedy or top-k) and returns a scikit-learn
estimator whose ``predict_uncertainty`` splits the uncertainty into aleatoric (noise in the
data) and epistemic (disagreement of the members) parts.
"""

from __future__ import annotations

from hyperhop.ensemble.aggregate import Uncertainty, entropy, mix_categorical, mix_normals
from hyperhop.ensemble.estimator import EnsembleClassifier, EnsembleRegressor
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
