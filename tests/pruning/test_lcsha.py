"""Learning-curve successive halving: shapes borrowed from completed trials, rungs ranked by
predicted finals, and stops between rungs, on curves whose answer is clear."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.pruning import CurveHalvingPruner, Fidelity, SuccessiveHalvingPruner, make_pruner
from hyperhop.pruning.lcsha import predict, reference_shapes
from hyperhop.pruning.serialize import parse_pruner, pruner_from_dict, pruner_to_dict

from ._helpers import decide, trial

N = 27


def _power(c: float, a: float, n: int, b: float = 0.5) -> list[float]:
    """``c - a x^-b`` at x = 1..n (rising toward ``c``)."""
    x = np.arange(1, n + 1, dtype=float)
    return list(c - a * x**-b)


REF = trial(0, _power(0.80, 0.5, N))
"""A completed trial: 0.511 at 3 epochs, 0.704 at 27."""


def test_predict_recovers_a_power_law_from_two_points() -> None:
    shapes = reference_shapes([(np.arange(1.0, N + 1), np.array(_power(0.8, 0.5, N)))])
    assert len(shapes) == 1 and math.isclose(shapes[0][0], 0.5, rel_tol=0.05)
    y = np.array(_power(0.95, 0.7, 2))
    pred = predict(np.array([1.0, 2.0]), y, shapes, float(N), 1e-3)
    assert pred is not None
    assert math.isclose(pred.mean, _power(0.95, 0.7, N)[-1], abs_tol=0.01)
    assert predict(np.array([1.0]), y[:1], shapes, float(N), 1e-3) is None
    assert predict(np.array([1.0, 2.0]), y, [], float(N), 1e-3) is None


def test_a_rung_ranks_predicted_finals_not_current_values() -> None:
    """At rung 3 (three trials there, one goes on): A leads now (0.562) but has flattened
    (final 0.601); B is behind (0.546) but still climbing (final 0.815). Successive halving
    keeps A and stops B; ranked by extrapolated curves it is the other way round."""
    a = trial(1, _power(0.62, 0.1, 3), "RUNNING")
    b = trial(2, _power(0.95, 0.7, 3), "RUNNING")
    assert a.intermediate[2] > b.intermediate[2] > REF.intermediate[2]
    sha = SuccessiveHalvingPruner(1, 3, N)
    assert not decide(sha, a, [REF], "max") and decide(sha, b, [REF, a], "max")
    rank_only = CurveHalvingPruner(1, 3, N, prob_threshold=0.0)
    assert decide(rank_only, a, [REF, b], "max")
    assert not decide(rank_only, b, [REF, a], "max")


def test_minimize_mirrors() -> None:
    def neg(t: hh.Trial, state: str = "RUNNING") -> hh.Trial:
        return trial(t.number, [-v for v in t.intermediate.values()], state)

    a = neg(trial(1, _power(0.62, 0.1, 3), "RUNNING"))
    b = neg(trial(2, _power(0.95, 0.7, 3), "RUNNING"))
    ref = neg(REF, "COMPLETE")
    p = CurveHalvingPruner(1, 3, N, prob_threshold=0.0)
    assert decide(p, a, [ref, b], "min") and not decide(p, b, [ref, a], "min")


def test_a_clearly_bad_curve_stops_at_the_first_rung() -> None:
    others = [trial(i, _power(0.8 + 0.01 * i, 0.5, 1), "PRUNED") for i in range(1, 6)]
    bad = trial(6, [0.05], "RUNNING")
    assert decide(CurveHalvingPruner(1, 3, N), bad, [REF, *others], "max")


def test_between_rungs_a_curve_that_cannot_beat_the_best_stops() -> None:
    """Promoted at rung 3 (alone there besides the best), then at 4 epochs its extrapolated
    final (0.60) is far below the best completed (0.704): stopped before rung 9; a curve
    heading above the best goes on."""
    p = CurveHalvingPruner(1, 3, N)
    low = trial(1, _power(0.62, 0.1, 4), "RUNNING")
    high = trial(2, _power(0.95, 0.7, 4), "RUNNING")
    assert decide(p, low, [REF], "max")
    assert not decide(p, high, [REF], "max")
    assert not decide(CurveHalvingPruner(1, 3, N, prob_threshold=0.0), low, [REF], "max")


def test_without_a_completed_trial_it_is_successive_halving() -> None:
    rng = np.random.default_rng(0)
    lc = CurveHalvingPruner(1, 3, N)
    sha = SuccessiveHalvingPruner(1, 3, N)
    done: list[hh.Trial] = []
    for i in range(12):
        t = trial(i, list(rng.uniform(0, 1, 4)), "RUNNING")
        assert decide(lc, t, done, "max") == decide(sha, t, done, "max")
        done.append(trial(i, dict(t.intermediate), "PRUNED"))


def _family(seed: int, n: int) -> list[list[float]]:
    """Seeded power-law curves ``final - a x^-rate``: finals, scales and rates drawn at
    random (so curves cross), small noise."""
    rng = np.random.default_rng(seed)
    x = np.arange(1, N + 1, dtype=float)
    out = []
    for _ in range(n):
        final, a, rate = rng.uniform(0.5, 0.95), rng.uniform(0.2, 0.5), rng.uniform(0.3, 1.5)
        out.append([float(v) for v in final - a * x**-rate + rng.normal(0, 0.003, N)])
    return out


def _replay(curves: list[list[float]], pruner: str) -> tuple[int, float]:
    """Epochs spent and best final when the curves run one after the other."""
    study = hh.Study(
        {"i": hh.int(0, len(curves) - 1)},
        direction="max",
        algo="random",
        seed=0,
        pruner=pruner,
        fidelity=hh.Fidelity("epochs", 1, N),
    )
    for i in range(len(curves)):
        study.enqueue({"i": i})

    def objective(cfg: dict[str, int]):  # type: ignore[no-untyped-def]
        yield from curves[cfg["i"]][: cfg["epochs"]]

    study.optimize(objective, n_trials=len(curves), progress=False)
    done = [t.value for t in study.trials if t.state is hh.TrialState.COMPLETE]
    return sum(len(t.intermediate) for t in study.trials), max(v for v in done if v is not None)


def test_keeps_the_best_of_a_seeded_family_with_fewer_epochs_than_halving() -> None:
    """Six seeded families of 60 curves: the best final (within 0.01) on at least five,
    under a third of the epochs on each, and fewer epochs than ``sha`` in all."""
    kept = 0
    spent = {"sha": 0, "lcsha": 0}
    for seed in range(6):
        curves = _family(seed, 60)
        for name in spent:
            epochs, best = _replay(curves, name)
            spent[name] += epochs
            if name == "lcsha":
                assert epochs < len(curves) * N / 3
                kept += best >= max(c[-1] for c in curves) - 0.01
    assert kept >= 5
    assert spent["lcsha"] < spent["sha"]


def test_round_trips_and_command_line() -> None:
    p = CurveHalvingPruner(min_resource=2, reduction_factor=2, prob_threshold=0.1)
    assert pruner_from_dict(pruner_to_dict(p)) == p
    assert pruner_to_dict(p)["name"] == "lcsha"
    assert parse_pruner("lcsha:prob_threshold=0.1,n_reference_trials=5") == CurveHalvingPruner(
        prob_threshold=0.1, n_reference_trials=5
    )
    assert make_pruner("lcsha", Fidelity("epochs", 1, 27)).levels() == [1, 3, 9]  # type: ignore[attr-defined]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="'prob_threshold' parameter of CurveHalvingPruner"):
        CurveHalvingPruner(prob_threshold=1.5)
    with pytest.raises(ValueError, match="'reduction_factor' parameter of CurveHalvingPruner"):
        CurveHalvingPruner(reduction_factor=1)
    with pytest.raises(ValueError, match="'n_reference_trials'"):
        CurveHalvingPruner(n_reference_trials=0)
    with pytest.raises(ValueError, match="does not take these arguments"):
        make_pruner("lcsha", families=("pow3",))


def test_without_a_fidelity_the_budget_is_the_longest_completed_trial() -> None:
    """No ``max_resource``: finals are predicted at the completed trial's 27 epochs."""
    p = CurveHalvingPruner(min_resource=1)
    assert p.max_resource is None
    low = trial(1, _power(0.62, 0.1, 4), "RUNNING")
    assert decide(p, low, [REF], "max")
    assert not decide(p, low, [], "max")  # no completed trial: no budget, no extrapolation
