"""Successive halving and Hyperband: rungs, promotions and brackets, by hand and on a
simulated clock."""

from __future__ import annotations

import math
from collections import Counter

import pytest

import hyperhop as hh
from hyperhop.pruning import Fidelity, HyperbandPruner, SuccessiveHalvingPruner, make_pruner
from hyperhop.trial import TrialState

from ._helpers import SPACE, decide, history, saturating, simulate, trial


def test_rungs() -> None:
    assert SuccessiveHalvingPruner(1, 3, 81).levels() == [1, 3, 9, 27]
    assert SuccessiveHalvingPruner(2, 2, 20).levels() == [2, 4, 8, 16]
    assert SuccessiveHalvingPruner(1, 3, 81, min_early_stopping_rate=1).levels() == [3, 9, 27]
    assert SuccessiveHalvingPruner(1, 4).levels()[:3] == [1, 4, 16]
    assert make_pruner("sha", Fidelity("epochs", 2, 50)).levels() == [2, 6, 18]
    explicit = SuccessiveHalvingPruner(min_resource=4).with_fidelity(Fidelity("e", 1, 100))
    assert explicit.levels() == [4, 12, 36]


def test_asha_promotions_for_a_sequence_of_reports() -> None:
    """Eight trials reach rung 1 in turn, then four reach rung 3 (minimize, eta=3).

    At rung 1 the n-th arrival is promoted when fewer than max(1, n // 3) earlier values
    beat it: A 0.5 (n=1: go), B 0.7 (n=2, top 1, A beats it: stop), C 0.3 (go), D 0.4
    (n=4, top 1, C beats it: stop), E 0.2 (go), F 0.45 (n=6, top 2; C, D, E beat it: stop),
    G 0.35 (n=7, top 2; C, E: stop), H 0.25 (n=8, top 2; E only: go).
    """
    study = hh.Study(SPACE, pruner=SuccessiveHalvingPruner(1, 3, 27), seed=0, algo="random")
    trials = {name: study.ask() for name in "ABCDEFGH"}

    def report(name: str, step: int, v: float) -> bool:
        study.report(trials[name], v, step)
        return study.should_prune(trials[name])

    rung1 = {"A": 0.5, "B": 0.7, "C": 0.3, "D": 0.4, "E": 0.2, "F": 0.45, "G": 0.35, "H": 0.25}
    decisions = {name: report(name, 0, v) for name, v in rung1.items()}
    assert decisions == {
        "A": False, "B": True, "C": False, "D": True,
        "E": False, "F": True, "G": True, "H": False,
    }  # fmt: skip
    for name, stop in decisions.items():
        if stop:
            study.tell(trials[name], TrialState.PRUNED)
    # step 1 is resource 2: no rung, never a stop (even when far worse than everyone)
    assert not any(report(n, 1, 9.0) for n in "ACEH")
    # rung 3 (step 2): A 0.4 (n=1: go), C 0.1 (n=2, top 1: go), E 0.3 (n=3, top 1, C: stop),
    # H 0.05 (n=4, top 1: go)
    assert [report(n, 2, v) for n, v in [("A", 0.4), ("C", 0.1), ("E", 0.3), ("H", 0.05)]] == [
        False,
        False,
        True,
        False,
    ]
    pruned = study.trials[1]
    assert pruned.state is TrialState.PRUNED and pruned.intermediate == {0: 0.7}
    assert pruned.value == 0.7


def test_asha_maximize_and_skipped_steps() -> None:
    p = SuccessiveHalvingPruner(1, 3, 27)
    done = [trial(0, [0.9, 0.9, 0.9]), trial(1, [0.8, 0.8, 0.8])]
    assert decide(p, trial(9, [0.7], "RUNNING"), done, "max")
    assert not decide(p, trial(9, [0.95], "RUNNING"), done, "max")
    # a report at step 4 (resource 5) after step 0 crossed rung 3: judged by that value
    assert decide(p, trial(9, {0: 0.95, 4: 0.5}, "RUNNING"), done, "max")
    assert not decide(p, trial(9, {0: 0.95, 4: 0.95}, "RUNNING"), done, "max")
    # rungs stop below max_resource: past rung 9, nothing is judged
    late = trial(9, {0: 0.95, 2: 0.95, 8: 0.95, 26: 0.0}, "RUNNING")
    assert not decide(p, late, done, "max")


def test_hyperband_brackets() -> None:
    hb = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    assert hb.n_brackets(27) == 4
    assert hb.bracket_sizes(27) == [27, 12, 6, 4]
    assert [hb.bracket_levels(b, 27) for b in range(4)] == [[1, 3, 9], [3, 9], [9], []]
    counts = Counter(hb.bracket_of(n, 27) for n in range(4900))
    for b, size in enumerate(hb.bracket_sizes(27)):
        assert math.isclose(counts[b] / 4900, size / 49, abs_tol=0.01)
    # the same number always lands in the same bracket
    assert [hb.bracket_of(n, 27) for n in range(20)] == [hb.bracket_of(n, 27) for n in range(20)]
    assert HyperbandPruner(max_resource=1).n_brackets(1) == 1


def test_hyperband_competes_within_a_bracket_only() -> None:
    hb = HyperbandPruner(min_resource=1, max_resource=27)
    by_bracket: dict[int, list[int]] = {}
    for n in range(60):
        by_bracket.setdefault(hb.bracket_of(n, 27), []).append(n)
    b0, b1 = by_bracket[0], by_bracket[1]
    # a great trial of bracket 1 does not stop a bracket-0 trial at rung 1
    others = [trial(b1[0], [0.0, 0.0, 0.0])]
    assert not decide(hb, trial(b0[1], [5.0], "RUNNING"), others)
    others.append(trial(b0[0], [1.0, 1.0, 1.0]))
    assert decide(hb, trial(b0[1], [5.0], "RUNNING"), others)
    # bracket 1 has no rung at resource 1
    assert not decide(hb, trial(b1[1], [9.0], "RUNNING"), others)
    # bracket 3 never prunes
    b3 = by_bracket[3]
    assert not decide(hb, trial(b3[1], [9.0] * 20, "RUNNING"), [trial(b3[0], [0.0] * 27)])


def test_hyperband_auto_max_resource_waits_for_a_completed_trial() -> None:
    hb = HyperbandPruner()
    assert not decide(hb, trial(1, [5.0], "RUNNING"), [trial(0, [1.0], "RUNNING")])
    assert hb._max_resource(history([trial(0, [1.0] * 9)])) == 9


# ------------------------------------------------------------------ simulated clock
def _curve(cfg: dict, step: int) -> float:
    """Loss curves whose final value is (x - 0.62)**2, converging at a rate set by x."""
    x = cfg["x"]
    final = (x - 0.62) ** 2
    return saturating(-final, 0.5 + x, start=-1.5)(step) * -1.0


@pytest.mark.parametrize("n_workers", [1, 4])
@pytest.mark.parametrize("pruner", ["sha", "hyperband"])
def test_simulated_asynchronous_runs_save_epochs_and_keep_the_best(
    pruner: str, n_workers: int
) -> None:
    fid = Fidelity("epochs", 1, 27)
    runs = {}
    for name in ("none", pruner):
        study = hh.Study(SPACE, algo="random", seed=4, pruner=name, fidelity=fid)
        runs[name] = (
            study,
            simulate(study, _curve, n_trials=60, n_workers=n_workers, max_steps=27),
        )
    (full, full_sim), (cut, cut_sim) = runs["none"], runs[pruner]
    assert full_sim.epochs == 60 * 27
    assert cut_sim.epochs < full_sim.epochs * (1 / 3 if pruner == "sha" else 0.45)
    assert cut_sim.clock < full_sim.clock / 2
    assert cut.best_value <= full.best_value + 0.02
    for t in cut.trials:
        assert t.intermediate, t
        if t.state is TrialState.PRUNED:
            last = max(t.intermediate)
            assert t.value == t.intermediate[last]
            if pruner == "sha":
                assert last + 1 in (1, 3, 9)  # stopped at a rung, nowhere else


def test_simulation_is_deterministic() -> None:
    def run() -> list:
        study = hh.Study(SPACE, algo="random", seed=1, pruner="sha", fidelity=Fidelity("e", 1, 27))
        return simulate(study, _curve, n_trials=30, n_workers=3, max_steps=27).events

    assert run() == run()
