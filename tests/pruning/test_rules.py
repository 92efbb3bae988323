"""Each step-wise pruner's decisions on hand-computed histories."""

from __future__ import annotations

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.pruning import (
    MedianPruner,
    NopPruner,
    PatiencePruner,
    PercentilePruner,
    QuantilePruner,
    ThresholdPruner,
    TopKPruner,
    make_pruner,
)

from ._helpers import decide, trial

COMPLETED = [trial(0, [1, 2, 3]), trial(1, [3, 4, 5]), trial(2, [5, 6, 7])]


# ------------------------------------------------------------------ median / percentile
def test_median_compares_best_so_far_with_median_of_completed_at_that_step() -> None:
    p = MedianPruner(n_startup_trials=2)
    assert decide(p, trial(9, [4], "RUNNING"), COMPLETED)  # 4 > median(1, 3, 5) = 3
    assert not decide(p, trial(9, [3], "RUNNING"), COMPLETED)  # ties go on
    assert not decide(p, trial(9, [2], "RUNNING"), COMPLETED)
    # best so far (2) against the median at step 1 (4): the bad latest value is forgiven
    assert not decide(p, trial(9, [2, 10], "RUNNING"), COMPLETED)
    assert decide(p, trial(9, [5, 5], "RUNNING"), COMPLETED)


def test_median_startup_warmup_and_interval() -> None:
    running = trial(9, [10, 10, 10], "RUNNING")
    assert decide(MedianPruner(n_startup_trials=3), running, COMPLETED)
    assert not decide(MedianPruner(n_startup_trials=4), running, COMPLETED)
    assert not decide(MedianPruner(n_startup_trials=0, n_warmup_steps=3), running, COMPLETED)
    assert decide(MedianPruner(n_startup_trials=0, n_warmup_steps=2), running, COMPLETED)
    # interval 2 from warm-up 0: pruning at steps 0, 2, 4...; step 2 yes, step 1 no
    assert decide(MedianPruner(0, 0, 2), running, COMPLETED)
    assert not decide(MedianPruner(0, 0, 2), trial(9, [10, 10], "RUNNING"), COMPLETED)
    # a step reported after a gap is the first report past a pruning step
    assert decide(MedianPruner(0, 0, 2), trial(9, {0: 10, 2: 10}, "RUNNING"), COMPLETED)
    # no completed trial reported that step: no decision
    assert not decide(MedianPruner(0), trial(9, {5: 100}, "RUNNING"), COMPLETED)
    # n_min_trials
    assert not decide(MedianPruner(0, n_min_trials=4), running, COMPLETED)


def test_median_ignores_running_and_pruned_competitors() -> None:
    others = [*COMPLETED, trial(3, [0], "PRUNED"), trial(4, [0], "RUNNING")]
    assert decide(MedianPruner(n_startup_trials=2), trial(9, [4], "RUNNING"), others)


def test_median_maximize_mirrors() -> None:
    p = MedianPruner(n_startup_trials=2)
    assert decide(p, trial(9, [2], "RUNNING"), COMPLETED, "max")  # 2 < 3
    assert not decide(p, trial(9, [4], "RUNNING"), COMPLETED, "max")


def test_percentile_keeps_the_best_share() -> None:
    done = [trial(i, [v]) for i, v in enumerate([1, 2, 3, 4, 5])]
    p = PercentilePruner(25.0, n_startup_trials=1)
    assert decide(p, trial(9, [2.5], "RUNNING"), done)  # 25th percentile = 2
    assert not decide(p, trial(9, [2.0], "RUNNING"), done)
    assert decide(p, trial(9, [3.9], "RUNNING"), done, "max")  # 75th percentile = 4
    assert not decide(p, trial(9, [4.0], "RUNNING"), done, "max")
    assert MedianPruner().percentile == 50.0


# ------------------------------------------------------------------ PyHopper's rules
TOP_DONE = [
    trial(0, [1, 2, 3]),  # final 3
    trial(1, [2, 3, 4]),  # final 4
    trial(2, [0, 1, 1]),  # final 1
    trial(3, [9], "PRUNED"),  # pruned: never a reference
]


def test_top_k_prunes_when_worse_than_every_top_k_value_at_some_step() -> None:
    p = TopKPruner(2)  # maximize: top 2 are trials 1 and 0
    assert not decide(p, trial(9, [1.5], "RUNNING"), TOP_DONE, "max")  # beats trial 0's 1
    assert decide(p, trial(9, [0.5], "RUNNING"), TOP_DONE, "max")  # below 2 and 1
    assert not decide(p, trial(9, [1.0], "RUNNING"), TOP_DONE, "max")  # ties are not worse
    assert decide(p, trial(9, [1.5, 1.0], "RUNNING"), TOP_DONE, "max")  # step 1: below 3 and 2
    assert not decide(p, trial(9, [0, 0, 0], "RUNNING"), TOP_DONE, "max")  # full length: never
    assert not decide(TopKPruner(4), trial(9, [0.5], "RUNNING"), TOP_DONE, "max")  # < k done
    # minimize: top 2 are trials 2 (final 1) and 0 (final 3)
    assert decide(p, trial(9, [1.5], "RUNNING"), TOP_DONE, "min")  # above 0 and 1
    assert not decide(p, trial(9, [0.5], "RUNNING"), TOP_DONE, "min")


def test_quantile_prunes_outside_the_top_share_of_finished_values() -> None:
    done = [
        trial(i, [v, v, v], "COMPLETE" if i % 2 else "PRUNED")
        for i, v in enumerate([1, 2, 3, 4, 5])
    ]
    p = QuantilePruner(0.8, warmup=3)
    assert decide(p, trial(9, [4.0], "RUNNING"), done, "max")  # 0.8-quantile = 4.2
    assert not decide(p, trial(9, [4.5], "RUNNING"), done, "max")
    assert decide(p, trial(9, [2.0], "RUNNING"), done, "min")  # 0.2-quantile = 1.8
    assert not decide(p, trial(9, [1.5], "RUNNING"), done, "min")
    assert not decide(p, trial(9, [0, 0, 0], "RUNNING"), done, "max")  # full length
    assert not decide(QuantilePruner(80, warmup=6), trial(9, [0.0], "RUNNING"), done, "max")
    assert QuantilePruner(80).q == 0.8


class _PyHopperTopK:
    """A reference written from PyHopper's description (stateful, fed in finishing order)."""

    def __init__(self, k: int, direction: str) -> None:
        self.k, self.sign, self.n = k, (1 if direction == "min" else -1), None
        self.top: list[list[float]] = []

    def append(self, values: list[float]) -> None:
        if self.n is None:
            self.n = len(values)
        if len(values) < self.n:
            return
        self.top.append(values)
        self.top.sort(key=lambda v: self.sign * v[-1])
        del self.top[self.k :]

    def should_prune(self, values: list[float]) -> bool:
        if len(self.top) < self.k or len(values) == self.n:
            return False
        return any(
            all(self.sign * v > self.sign * t[i] for t in self.top) for i, v in enumerate(values)
        )


class _PyHopperQuantile:
    def __init__(self, q: float, warmup: int, direction: str) -> None:
        self.q, self.warmup, self.direction = q, warmup, direction
        self.n: int | None = None
        self.at: list[list[float]] = []

    def append(self, values: list[float]) -> None:
        if self.n is None:
            self.n = len(values)
            self.at = [[] for _ in range(self.n)]
        for i, v in enumerate(values):
            self.at[i].append(v)

    def should_prune(self, values: list[float]) -> bool:
        if self.n is None or len(values) == self.n:
            return False
        ref = self.at[len(values) - 1]
        if len(ref) < max(self.warmup, 1):
            return False
        if self.direction == "max":
            return values[-1] < np.quantile(ref, self.q)
        return values[-1] > np.quantile(ref, 1 - self.q)


@pytest.mark.parametrize("direction", ["min", "max"])
@pytest.mark.parametrize("kind", ["top_k", "quantile"])
def test_stateless_rules_match_pyhoppers_stateful_ones(kind: str, direction: str) -> None:
    """Sequential runs: the stateless pruner reading the trials takes PyHopper's decisions."""
    rng = np.random.default_rng(3)
    ours = TopKPruner(3) if kind == "top_k" else QuantilePruner(0.7, warmup=4)
    ref = _PyHopperTopK(3, direction) if kind == "top_k" else _PyHopperQuantile(0.7, 4, direction)
    done: list = []
    n_pruned = 0
    for number in range(40):
        level, slope = rng.normal(), rng.normal(0, 0.3)
        values: list[float] = []
        pruned = False
        for step in range(6):
            values.append(float(level + slope * step + rng.normal(0, 0.2)))
            mine = decide(ours, trial(number, values, "RUNNING"), done, direction)
            assert mine == ref.should_prune(values), (number, step)
            if mine:
                pruned = True
                break
        done.append(trial(number, values, "PRUNED" if pruned else "COMPLETE"))
        ref.append(values)
        n_pruned += pruned
    assert 5 < n_pruned < 38


# ------------------------------------------------------------------ threshold, patience
def test_threshold() -> None:
    assert decide(ThresholdPruner(upper=1.0), trial(9, [2.0], "RUNNING"), [])
    assert not decide(ThresholdPruner(upper=1.0), trial(9, [1.0], "RUNNING"), [])
    assert decide(ThresholdPruner(lower=0.0), trial(9, [-0.1], "RUNNING"), [])
    assert decide(ThresholdPruner(0.5), trial(9, [0.6], "RUNNING"), [], "min")
    assert not decide(ThresholdPruner(0.5), trial(9, [0.6], "RUNNING"), [], "max")
    assert decide(ThresholdPruner(0.5), trial(9, [0.4], "RUNNING"), [], "max")
    assert decide(ThresholdPruner(upper=1.0), trial(9, [float("inf")], "RUNNING"), [])
    assert not decide(ThresholdPruner(upper=1.0, n_warmup_steps=1), trial(9, [5.0], "RUNNING"), [])
    with pytest.raises(ValueError, match="needs a bound"):
        ThresholdPruner()
    with pytest.raises(ValueError, match="lower"):
        ThresholdPruner(lower=2, upper=1)


def test_patience() -> None:
    p = PatiencePruner(2)
    # before the last 3: best 3; the last 3 (3.5, 3.2, 3.1) do not improve on it
    assert decide(p, trial(9, [5, 4, 3, 3.5, 3.2, 3.1], "RUNNING"), [])
    assert not decide(p, trial(9, [5, 4, 3, 3.5, 3.2, 2.9], "RUNNING"), [])
    assert decide(
        PatiencePruner(2, min_delta=0.2), trial(9, [5, 4, 3, 3.5, 3.2, 2.9], "RUNNING"), []
    )
    assert not decide(p, trial(9, [5, 6, 7], "RUNNING"), [])  # too short
    assert decide(p, trial(9, [5, 6, 7, 8], "RUNNING"), [])  # a plateau or worse stops
    assert not decide(p, trial(9, [5, 6, 7, 8], "RUNNING"), [], "max")
    # wrapped: both must agree
    wrapped = PatiencePruner(2, wrapped=ThresholdPruner(upper=100.0))
    assert not decide(wrapped, trial(9, [5, 6, 7, 8], "RUNNING"), [])


# ------------------------------------------------------------------ names
@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("none", NopPruner),
        ("median", MedianPruner),
        ("percentile", PercentilePruner),
        ("top_k", TopKPruner),
        ("topk", TopKPruner),
        ("quantile", QuantilePruner),
        ("patience", PatiencePruner),
        ("sha", hh.pruning.SuccessiveHalvingPruner),
        ("ASHA", hh.pruning.SuccessiveHalvingPruner),
        ("hyperband", hh.pruning.HyperbandPruner),
        ("lce", hh.pruning.LCEPruner),
    ],
)
def test_make_pruner_names(name: str, cls: type) -> None:
    assert type(make_pruner(name)) is cls
    assert type(hh.Study(hh.Space({"x": hh.float(0, 1)}), pruner=name).pruner) is cls


def test_make_pruner_errors_say_what_is_allowed() -> None:
    with pytest.raises(ValueError, match="'median'"):
        make_pruner("medain")
    with pytest.raises(ValueError, match="needs a bound"):
        make_pruner("threshold")
    with pytest.raises(ValueError, match="does not take"):
        make_pruner("median", bogus=1)
    with pytest.raises(ValueError, match="n_startup_trials"):
        MedianPruner(n_startup_trials=-1)
    with pytest.raises(ValueError, match="percentile"):
        PercentilePruner(120.0)
    with pytest.raises(ValueError, match="'q'"):
        QuantilePruner(0.0)
    assert make_pruner("percentile", percentile=10.0).percentile == 10.0
    assert make_pruner(None) == NopPruner()


def test_any_of_several_pruners() -> None:
    both = hh.pruning.AnyPruner((ThresholdPruner(upper=10.0), MedianPruner(n_startup_trials=2)))
    assert decide(both, trial(9, [11.0], "RUNNING"), [])  # the threshold alone
    assert decide(both, trial(9, [4.0], "RUNNING"), COMPLETED)  # the median alone
    assert not decide(both, trial(9, [2.0], "RUNNING"), COMPLETED)
    combo = make_pruner("sha+lce", hh.Fidelity("epochs", 1, 27))
    assert [type(p).__name__ for p in combo.pruners] == ["SuccessiveHalvingPruner", "LCEPruner"]
    assert combo.pruners[0].max_resource == 27 and combo.pruners[1].max_resource == 27
    with pytest.raises(ValueError, match="combination"):
        make_pruner("sha+lce", reduction_factor=2)
    with pytest.raises(ValueError, match="'pruner'"):
        make_pruner("sha+nope")
