"""The Tree-structured Parzen Estimator (Hyperopt's TPE, with joint modes).

``sampler.py`` holds the sampler; ``columns.py`` how each parameter is modelled;
``parzen.py`` the adaptive Parzen estimators; ``multivariate.py`` the joint kernels;
``observations.py`` the trials as incrementally updated arrays.
"""

from __future__ import annotations

from hyperhop.samplers.tpe.sampler import TPESampler, linear_gamma

__all__ = ["TPESampler", "linear_gamma"]
