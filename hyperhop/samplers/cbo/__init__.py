"""Forest-based Bayesian optimization (DeepHyper's CBO): extremely randomized trees, UCBd
with a periodic decay of kappa, a genetic acquisition search, qUCBd batches."""

from hyperhop.samplers.cbo.sampler import CBOSampler

__all__ = ["CBOSampler"]
