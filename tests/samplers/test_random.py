"""The random sampler passes the conformance suite (the baseline every sampler must match)."""

from __future__ import annotations

from hyperhop.samplers import RandomSampler, Sampler
from tests.samplers.conformance import SamplerConformance


class TestRandom(SamplerConformance):
    algo_name = "random"
    adaptive = False

    def make(self, seed: int | None) -> Sampler:
        return RandomSampler(seed)


def test_a_stream_of_its_own_draws_differently_and_zero_restores_the_seed() -> None:
    import hyperhop as hh
    from hyperhop.samplers.auto import AutoSampler
    from hyperhop.samplers.base import History

    space = hh.Space({"x": hh.float(0, 1), "y": hh.float(0, 1)})
    history = History(space, ("min",), [], None)
    s = RandomSampler(7)
    base = s.suggest(history)
    s.stream = 12345
    other = s.suggest(history)
    assert other != base
    assert RandomSampler(7).rng_for(3).random() != s.rng_for(3).random()
    s.stream = 0
    assert s.suggest(history) == base
    auto = AutoSampler(7)
    tpe = auto._get("tpe")
    auto.stream = 9
    assert tpe.stream == 9 and auto._get("gp").stream == 9
