"""Learning-curve extrapolation on synthetic curves whose answer is clear."""

from __future__ import annotations

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.pruning import LCEPruner
from hyperhop.pruning.curves import FAMILIES, fit_family

from ._helpers import decide, history, trial


def _curve(
    final: float, scale: float, rate: float, n: int, noise: float = 0.0, seed: int = 0
) -> list[float]:
    rng = np.random.default_rng(seed)
    x = np.arange(1, n + 1, dtype=float)
    return list(final - scale * x**-rate + rng.normal(0, noise, n))


BEST = [trial(0, _curve(0.95, 0.5, 0.8, 50))]  # accuracy-like, maximize; final about 0.95


@pytest.mark.parametrize("noise", [0.0, 0.005])
def test_a_curve_that_saturates_below_the_best_is_pruned(noise: float) -> None:
    p = LCEPruner(max_resource=50)
    low = trial(1, _curve(0.70, 0.3, 0.5, 10, noise), "RUNNING")
    assert decide(p, low, BEST, "max")
    fits = p.fits(low, 50.0)
    assert {f.family for f in fits} == {"pow3", "exp3", "loglin2"}
    assert p.prob_beating(low, 0.95, 50.0, "max") < 0.01


@pytest.mark.parametrize("noise", [0.0, 0.005])
def test_a_curve_behind_now_but_ahead_at_the_end_goes_on(noise: float) -> None:
    """At 10 epochs it is at 0.94, below the best's 0.95; extrapolated it reaches 0.98."""
    p = LCEPruner(max_resource=50)
    climbing = trial(1, _curve(1.0, 0.3, 0.7, 10, noise, seed=1), "RUNNING")
    assert climbing.intermediate[9] < 0.95
    assert not decide(p, climbing, BEST, "max")
    assert p.prob_beating(climbing, 0.95, 50.0, "max") > 0.5


def test_minimize_mirrors() -> None:
    p = LCEPruner(max_resource=50)
    best = [trial(0, [-v for v in _curve(0.95, 0.5, 0.8, 50)])]
    low = trial(1, [-v for v in _curve(0.70, 0.3, 0.5, 10)], "RUNNING")
    assert decide(p, low, best, "min")


def test_no_decision_too_early_without_a_best_or_at_the_end() -> None:
    p = LCEPruner(max_resource=50)
    low = _curve(0.70, 0.3, 0.5, 10)
    assert not decide(p, trial(1, low[:3], "RUNNING"), BEST, "max")  # min_points=4
    assert decide(p, trial(1, low[:4], "RUNNING"), BEST, "max")
    assert not decide(p, trial(1, low, "RUNNING"), [], "max")  # no completed trial
    assert not decide(LCEPruner(max_resource=10), trial(1, low, "RUNNING"), BEST, "max")
    # max_resource from the longest completed trial
    assert decide(LCEPruner(), trial(1, low, "RUNNING"), BEST, "max")
    assert LCEPruner().with_fidelity(hh.Fidelity("e", 1, 30)).max_resource == 30


def test_a_flat_noisy_curve_near_the_best_is_kept() -> None:
    """Noise as large as the gap: the pruner must not be sure."""
    p = LCEPruner(max_resource=50)
    rng = np.random.default_rng(5)
    flat = trial(1, list(0.945 + rng.normal(0, 0.01, 8)), "RUNNING")
    assert not decide(p, flat, BEST, "max")


def test_fits_recover_their_own_family() -> None:
    x = np.arange(1, 16, dtype=float)
    for name, truth in {
        "pow3": 0.9 - 0.4 * x**-0.6,
        "exp3": 0.9 - 0.4 * np.exp(-0.3 * x),
        "loglin2": 0.1 * np.log(x) + 0.3,
    }.items():
        fit = fit_family(FAMILIES[name], x[:10], truth[:10], 15.0, 1e-6)
        assert fit is not None
        assert fit.mean == pytest.approx(truth[-1], abs=1e-3), name


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="families"):
        LCEPruner(families=("spline",))
    with pytest.raises(ValueError, match="min_points"):
        LCEPruner(min_points=2)
    with pytest.raises(ValueError, match="prob_threshold"):
        LCEPruner(prob_threshold=2.0)


def test_before_a_fit_only_outliers_stop() -> None:
    others = [trial(i, [0.9 + 0.002 * i], "RUNNING") for i in range(10)]
    p = LCEPruner(max_resource=50)
    assert decide(p, trial(20, [0.5], "RUNNING"), [*BEST, *others], "max")
    assert not decide(p, trial(20, [0.89], "RUNNING"), [*BEST, *others], "max")
    assert not decide(p, trial(20, [0.5], "RUNNING"), [*BEST, *others[:8]], "max")  # too few
    assert not decide(
        LCEPruner(max_resource=50, outlier_iqr=None),
        trial(20, [0.5], "RUNNING"),
        [*BEST, *others],
        "max",
    )


def test_calibration_learns_from_completed_trials_that_jumped_late() -> None:
    """Completed curves that rose slowly, then jumped (a learning-rate drop): a new curve
    that starts the same way is kept, though its own extrapolation is hopeless."""
    prefix = [0.5, 0.55, 0.58, 0.6, 0.61, 0.615]
    jumped = [trial(i, prefix + [0.62 + 0.01 * i] * 3 + [0.95 + 0.005 * i] * 41) for i in range(3)]
    running = trial(9, prefix, "RUNNING")
    assert decide(LCEPruner(max_resource=50, calibrate=False), running, jumped, "max")
    assert not decide(LCEPruner(max_resource=50), running, jumped, "max")
    bias, spread = LCEPruner(max_resource=50).calibration(history(jumped, "max"), 6, 50.0)
    assert bias > 0.2 and spread > 0.25
