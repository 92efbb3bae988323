"""The random sampler passes the conformance suite (the baseline every sampler must match)."""

from __future__ import annotations

from hyperhop.samplers import RandomSampler, Sampler
from tests.samplers.conformance import SamplerConformance


class TestRandom(SamplerConformance):
    algo_name = "random"
    adaptive = False

    def make(self, seed: int | None) -> Sampler:
        return RandomSampler(seed)
