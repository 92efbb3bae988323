"""Gaussian-process Bayesian optimization (NumPy/SciPy): ARD Matérn-5/2, MAP
hyperparameters, log expected improvement or UCB, Sobol + L-BFGS-B acquisition search."""

from hyperhop.samplers.gp.sampler import GPSampler

__all__ = ["GPSampler"]
