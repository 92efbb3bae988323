"""Sobol' sampling: the conformance suite, low discrepancy, seeding and resume."""

from __future__ import annotations

import numpy as np
from scipy.stats import qmc

import hyperhop as hh
from hyperhop.samplers import Sampler, SobolSampler
from tests.samplers.conformance import SamplerConformance


class TestSobol(SamplerConformance):
    algo_name = "sobol"
    adaptive = False

    def make(self, seed: int | None) -> Sampler:
        return SobolSampler(seed)


def _points(seed: int, n: int, dim: int = 3) -> np.ndarray:
    space = hh.Space({f"x{i}": hh.float(0.0, 1.0) for i in range(dim)})
    study = hh.Study(space, algo=SobolSampler(seed), seed=seed)
    study.optimize(lambda c: 0.0, n_trials=n, progress=False)
    return np.array([[t.assignment[f"x{i}"] for i in range(dim)] for t in study.trials])


def test_points_are_the_scrambled_sequence() -> None:
    pts = _points(3, 16)
    assert qmc.discrepancy(pts) < qmc.discrepancy(np.random.default_rng(3).random((16, 3)))
    # every 1-D projection of the first 16 points has one point per sixteenth
    for j in range(3):
        assert sorted(np.floor(pts[:, j] * 16).astype(int).tolist()) == list(range(16))


def test_seeds_scramble_differently() -> None:
    assert not np.allclose(_points(1, 4), _points(2, 4))


def test_resume_continues_the_sequence() -> None:
    space = hh.Space({"x": hh.float(0.0, 1.0), "y": hh.float(0.0, 1.0)})
    storage = hh.storage.MemoryStorage()
    a = hh.Study(space, storage=storage, name="s", algo=SobolSampler(5), seed=5)
    a.optimize(lambda c: 0.0, n_trials=5, progress=False)
    b = hh.Study(space, storage=storage, name="s", algo=SobolSampler(5), seed=5)
    b.optimize(lambda c: 0.0, n_trials=8, progress=False)
    whole = hh.Study(space, algo=SobolSampler(5), seed=5)
    whole.optimize(lambda c: 0.0, n_trials=8, progress=False)
    assert [t.assignment for t in b.trials] == [t.assignment for t in whole.trials]


def test_random_access_into_the_sequence() -> None:
    s = SobolSampler(0)
    ahead = s.point(2, 7)
    s2 = SobolSampler(0)
    seq = [s2.point(2, i) for i in range(8)]
    assert np.allclose(ahead, seq[7])
    assert np.allclose(s.point(2, 1), seq[1])  # going back resets the engine


def test_conditional_and_custom_parameters() -> None:
    space = hh.Space(
        {
            "m": hh.choice({"a": hh.float(0, 1)}, {"b": hh.int(1, 5)}),
            "c": hh.custom(sample=lambda rng: int(rng.integers(0, 3))),
        }
    )
    study = hh.Study(space, algo=SobolSampler(0), seed=0)
    study.optimize(lambda c: 0.0, n_trials=16, progress=False)
    for t in study.trials:
        space.validate(t.assignment)
    assert {t.assignment["m"] for t in study.trials} == {0, 1}
