"""Hyperopt's annealing algorithm."""

from __future__ import annotations

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.samplers import HyperoptAnnealSampler, Sampler
from tests.samplers.conformance import SamplerConformance


class TestHyperoptAnneal(SamplerConformance):
    algo_name = "hyperopt_anneal"

    def make(self, seed: int | None) -> Sampler:
        return HyperoptAnnealSampler(seed)


def test_shrinking() -> None:
    s = HyperoptAnnealSampler(0)
    assert [s.shrinking(t) for t in (0, 10, 90)] == [1.0, 0.5, 0.1]
    assert HyperoptAnnealSampler(0, shrink_coef=0.0).shrinking(1000) == 1.0


def test_window_around_the_best_shrinks() -> None:
    space = hh.Space({"x": hh.float(0.0, 10.0)})
    study = hh.Study(space, algo=HyperoptAnnealSampler(0, avg_best_idx=1.0), seed=0)
    study.tell(study.ask(), 5.0)
    for _ in range(89):  # 90 observations: a window of width 10 / (1 + 9) = 1
        t = study.ask()
        study.tell(t, 100.0 + t.assignment["x"])
    trials = list(study.trials)
    best_x = trials[0].assignment["x"]
    # avg_best_idx=1: the reference is always the best trial
    last = study.ask().assignment["x"]
    lo, hi = np.clip(best_x, 0.5, 9.5) - 0.5, np.clip(best_x, 0.5, 9.5) + 0.5
    assert lo <= last <= hi


def test_categories_mix_the_reference_with_the_prior() -> None:
    space = hh.Space({"c": hh.choice("a", "b", "c", "d")})
    study = hh.Study(space, algo=HyperoptAnnealSampler(1, avg_best_idx=1.0), seed=1)
    for _ in range(200):
        t = study.ask()
        study.tell(t, 0.0 if t.assignment["c"] == 2 else 1.0)
    late = [t.assignment["c"] for t in list(study.trials)[100:]]
    # with T ~ 100+, s < 0.1: the best category dominates
    assert np.mean(np.array(late) == 2) > 0.85


@pytest.mark.parametrize("kwargs", [{"avg_best_idx": 0.5}, {"shrink_coef": -1.0}])
def test_bad_arguments(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="HyperoptAnnealSampler"):
        HyperoptAnnealSampler(0, **kwargs)
