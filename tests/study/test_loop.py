"""The optimize loop's handling of what an objective hands back."""

from __future__ import annotations

import hyperhop as hh
from hyperhop.pruning import Pruner
from hyperhop.trial import TrialState


class _Always(Pruner):
    def should_prune(self, trial, history) -> bool:
        return bool(trial.intermediate)


def test_a_pruned_objective_s_returned_attributes_are_kept() -> None:
    def objective(cfg, trial):
        trial.report(cfg["x"], 0)
        trial.should_prune()  # says yes; the objective returns anyway
        return {"value": cfg["x"], "seconds": 1.5, "note": "stopped"}

    study = hh.Study({"x": hh.float(0, 1)}, pruner=_Always(), seed=0)
    study.optimize(objective, n_trials=3, progress=False)
    for t in study.trials:
        assert t.state is TrialState.PRUNED
        assert t.user_attrs == {"seconds": 1.5, "note": "stopped"}
