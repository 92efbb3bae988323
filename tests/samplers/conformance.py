"""The sampler conformance suite: every sampler's tests inherit :class:`SamplerConformance`.

A subclass implements :meth:`SamplerConformance.make` (a fresh sampler for a seed) and may
adjust the class attributes::

    class TestMySampler(SamplerConformance):
        algo_name = "mine"        # the algo= name it is registered under (None: not registered)
        n_warmup = 25             # trials after which suggestions come from the model
        seeded = True             # False for deterministic samplers (grid): seeds may agree
        adaptive = True           # False for non-adaptive ones (grid, sobol): no "beats random"
        beat_random_trials = 60   # budget of the loose "beats random" check
        beat_random_seeds = (0, 1, 2, 3)

        def make(self, seed):
            return MySampler(seed=seed)

The spaces and objectives below are module-level so other tests can reuse them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.samplers import Sampler, make_sampler
from hyperhop.storage import MemoryStorage, codec
from hyperhop.trial import Trial, TrialState


# ---------------------------------------------------------------------------- spaces
def mixed_space() -> hh.Space:
    """Log floats, ints (linear, log, powers), a quantized float, choices with nested
    branches two levels deep, and an int that exists only in one branch of a branch."""
    return hh.Space(
        {
            "lr": hh.float(1e-5, 1e-1, log=True),
            "layers": hh.int(1, 8),
            "units": hh.int(16, 512, power_of=2),
            "drop": hh.float(0.0, 0.5, q=0.05),
            "opt": hh.choice("adam", "sgd", "rmsprop"),
            "model": hh.choice(
                {
                    "kind": "svm",
                    "C": hh.float(1e-3, 1e3, log=True),
                    "kernel": hh.choice(
                        {"k": "rbf", "gamma": hh.float(1e-4, 1.0, log=True)},
                        {"k": "poly", "degree": hh.int(2, 5)},
                    ),
                },
                {
                    "kind": "forest",
                    "trees": hh.int(10, 500, log=True),
                    "depth": hh.choice(None, hh.int(2, 20)),
                },
            ),
        }
    )


def mixed_objective(cfg: Any) -> float:
    """A deterministic, smooth-enough function of a :func:`mixed_space` config."""
    v = (math.log10(cfg["lr"]) + 3.0) ** 2 + 0.1 * (cfg["layers"] - 3) ** 2
    v += 0.5 * abs(math.log2(cfg["units"]) - 7) + 4.0 * (cfg["drop"] - 0.2) ** 2
    v += {"adam": 0.0, "sgd": 0.5, "rmsprop": 0.3}[cfg["opt"]]
    m = cfg["model"]
    if m["kind"] == "svm":
        v += 0.2 * (math.log10(m["C"]) - 1.0) ** 2
        k = m["kernel"]
        v += (math.log10(k["gamma"]) + 2.0) ** 2 * 0.1 if k["k"] == "rbf" else 0.2 * k["degree"]
    else:
        v += 0.3 + 0.5 * abs(math.log10(m["trees"]) - 2.0)
        v += 0.0 if m["depth"] is None else 0.01 * m["depth"]
    return v


def constrained_space() -> hh.Space:
    """Two floats in the unit square that must lie under the diagonal."""
    return hh.Space(
        {"x": hh.float(0.0, 1.0), "y": hh.float(0.0, 1.0)},
        constraints=[lambda c: c["x"] + c["y"] <= 1.0],
    )


def quadratic_space(dim: int = 3) -> hh.Space:
    return hh.Space({f"x{i}": hh.float(-5.0, 5.0) for i in range(dim)})


def quadratic(cfg: Any) -> float:
    """A shifted sphere: its optimum (0 at x_i = 1.3) is not at the centre of the box."""
    return float(sum((v - 1.3) ** 2 for v in cfg.values()))


def custom_space() -> hh.Space:
    """A custom parameter type next to an ordinary one."""
    return hh.Space(
        {
            "x": hh.float(-1.0, 1.0),
            "odd": hh.custom(
                sample=lambda rng: int(rng.integers(0, 50)) * 2 + 1,
                mutate=lambda v, t, rng: max(1, v + 2 * int(rng.choice([-1, 1]))),
            ),
        }
    )


def key(params: dict[str, Any]) -> str:
    """A canonical text for a flat assignment, to compare suggestions."""
    return codec.dumps({k: params[k] for k in sorted(params)})


def flaky(objective: Callable[[Any], float], p: float, seed: int, nan: bool = False) -> Any:
    """``objective`` failing (or returning NaN) with probability ``p``, reproducibly."""
    rng = np.random.default_rng(seed)

    def f(cfg: Any) -> float:
        if rng.random() < p:
            if nan:
                return float("nan")
            raise RuntimeError("flaky objective")
        return objective(cfg)

    return f


# ---------------------------------------------------------------------------- the suite
class SamplerConformance:
    """Behaviour every sampler must have. Subclasses implement :meth:`make`."""

    algo_name: ClassVar[str | None] = None
    n_warmup: ClassVar[int] = 25
    seeded: ClassVar[bool] = True
    adaptive: ClassVar[bool] = True
    beat_random_trials: ClassVar[int] = 60
    beat_random_seeds: ClassVar[tuple[int, ...]] = (0, 1, 2, 3)

    def make(self, seed: int | None) -> Sampler:  # pragma: no cover - overridden
        raise NotImplementedError

    # -- helpers
    def study(self, space: Any, seed: int | None = 0, **kwargs: Any) -> hh.Study:
        return hh.Study(space, algo=self.make(seed), seed=seed, **kwargs)

    def run(self, study: hh.Study, objective: Any, n: int, **kwargs: Any) -> hh.Study:
        kwargs.setdefault("max_consecutive_failures", None)
        return study.optimize(objective, n_trials=n, progress=False, **kwargs)

    @staticmethod
    def assert_valid(space: hh.Space, trials: list[Trial]) -> None:
        for t in trials:
            space.validate(t.assignment)
            assert space.is_feasible(t.assignment), t.assignment

    # -- registration
    def test_registered_name(self) -> None:
        if self.algo_name is None:
            pytest.skip("not registered under a name")
        s = make_sampler(self.algo_name, quadratic_space(), 0)
        assert type(s) is type(self.make(0))
        assert s.seed == 0

    # -- reproducibility
    def test_reproducible_with_a_seed(self) -> None:
        runs = []
        for _ in range(2):
            s = self.run(self.study(mixed_space(), seed=7), mixed_objective, 30)
            runs.append([key(t.assignment) for t in s.trials])
        assert len(runs[0]) == 30
        assert runs[0] == runs[1]

    def test_different_seeds_differ(self) -> None:
        if not self.seeded:
            pytest.skip("a deterministic sampler")
        a = self.run(self.study(quadratic_space(), seed=1), quadratic, 25)
        b = self.run(self.study(quadratic_space(), seed=2), quadratic, 25)
        assert [key(t.assignment) for t in a.trials] != [key(t.assignment) for t in b.trials]

    # -- the space
    def test_respects_a_mixed_conditional_space(self) -> None:
        space = mixed_space()
        s = self.run(self.study(space, seed=3), mixed_objective, 45)
        self.assert_valid(space, list(s.trials))
        # Both branches of the top-level choice get explored.
        assert {t.assignment["model"] for t in s.trials} == {0, 1}

    def test_respects_constraints(self) -> None:
        space = constrained_space()
        s = self.run(self.study(space, seed=4), lambda c: (c["x"] - 0.7) ** 2 + c["y"], 35)
        self.assert_valid(space, list(s.trials))

    def test_custom_parameter_types(self) -> None:
        space = custom_space()
        s = self.run(self.study(space, seed=5), lambda c: c["x"] ** 2 + c["odd"] / 100, 35)
        self.assert_valid(space, list(s.trials))
        assert all(t.assignment["odd"] % 2 == 1 for t in s.trials)

    def test_maximize(self) -> None:
        space = quadratic_space(2)
        s = self.run(self.study(space, seed=6, direction="max"), lambda c: -quadratic(c), 35)
        self.assert_valid(space, list(s.trials))
        assert s.best_value <= 0.0

    # -- failures
    def test_handles_failed_trials(self) -> None:
        space = mixed_space()
        s = self.run(self.study(space, seed=8), flaky(mixed_objective, 0.3, seed=1), 30)
        trials = list(s.trials)
        assert len(trials) == 30  # n_trials counts the failed trials too
        assert any(t.state is TrialState.FAILED for t in trials)
        assert sum(t.state is TrialState.COMPLETE for t in trials) >= 10
        self.assert_valid(space, trials)

    def test_handles_nan(self) -> None:
        space = quadratic_space()
        s = self.run(self.study(space, seed=9), flaky(quadratic, 0.3, seed=2, nan=True), 30)
        trials = list(s.trials)
        assert any(t.state is TrialState.FAILED for t in trials)
        self.assert_valid(space, trials)
        assert math.isfinite(s.best_value)

    def test_all_trials_failing(self) -> None:
        space = mixed_space()
        study = self.study(space, seed=10)
        for _ in range(self.n_warmup + 5):
            t = study.ask()
            study.tell(t, RuntimeError("always fails"))
        self.assert_valid(space, list(study.trials))

    def test_pruned_trials(self) -> None:
        space = quadratic_space()
        study = self.study(space, seed=11)
        for i in range(self.n_warmup + 10):
            t = study.ask()
            study.tell(t, TrialState.PRUNED if i % 3 == 0 else quadratic(t.config))
        self.assert_valid(space, list(study.trials))

    # -- parallel use
    def test_knows_running_trials(self) -> None:
        space = quadratic_space()
        study = self.study(space, seed=12)
        for _ in range(self.n_warmup):
            t = study.ask()
            study.tell(t, quadratic(t.config))
        pending = [study.ask() for _ in range(4)]
        assert len({key(t.assignment) for t in pending}) == 4
        assert all(t.state is TrialState.RUNNING for t in pending)
        self.assert_valid(space, pending)

    def test_works_with_enqueue(self) -> None:
        space = quadratic_space()
        study = self.study(space, seed=13)
        study.enqueue({"x0": 1.3, "x1": 1.3, "x2": 1.3})
        self.run(study, quadratic, 25)
        trials = list(study.trials)
        assert trials[0].assignment == {"x0": 1.3, "x1": 1.3, "x2": 1.3}
        assert study.best_value == 0.0
        assert len(trials) == 25
        self.assert_valid(space, trials)

    def test_resumes_from_storage(self) -> None:
        storage = MemoryStorage()
        space = mixed_space()

        def crash_at_15(study: hh.Study, trial: Trial) -> None:
            if len(study.trials) >= 15:
                study.stop()

        first = hh.Study(space, storage=storage, name="s", algo=self.make(21), seed=21)
        self.run(first, mixed_objective, 32, callbacks=[crash_at_15])
        assert len(first.trials) == 15
        second = hh.Study(space, storage=storage, name="s", algo=self.make(21), seed=21)
        self.run(second, mixed_objective, 32)
        resumed = list(second.trials)
        assert len(resumed) == 32
        self.assert_valid(space, resumed)
        if type(self.make(0)).resume_deterministic:
            whole = self.run(self.study(space, seed=21), mixed_objective, 32)
            assert [key(t.assignment) for t in resumed] == [key(t.assignment) for t in whole.trials]

    # -- quality (loose)
    def test_beats_random_on_a_quadratic(self) -> None:
        if not self.adaptive:
            pytest.skip("not an adaptive sampler")
        n = self.beat_random_trials
        mine, rand = [], []
        for seed in self.beat_random_seeds:
            mine.append(self.run(self.study(quadratic_space(), seed=seed), quadratic, n).best_value)
            r = hh.Study(quadratic_space(), algo="random", seed=seed)
            rand.append(self.run(r, quadratic, n).best_value)
        assert np.mean(mine) < np.mean(rand), (mine, rand)
