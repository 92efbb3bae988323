"""The Tree-structured Parzen Estimator (Hyperopt's estimators; Optuna's or Hyperopt's defaults).

``sampler.py`` holds the sampler; ``columns.py`` how each parameter is modelled;
``parzen.py`` the adaptive Parzen estimators; ``multivariate.py`` the joint kernels;
``observations.py`` the trials as incrementally updated arrays.
"""

from __future__ import annotations

from hyperhop.samplers.tpe.sampler import HyperoptTPESampler, TPESampler, linear_gamma

__all__ = ["HyperoptTPESampler", "TPESampler", "linear_gamma"]
