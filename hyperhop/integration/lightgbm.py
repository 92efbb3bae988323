"""LightGBM: a callback that reports an evaluation result and prunes.

``LightGBMPruningCallback(trial, "binary_logloss", valid_name="valid")`` reports the
metric on the named validation set (``valid_names=`` of ``lgb.train``; ``"valid_0"`` by
default, as in the scikit-learn API) after each boosting round, and ends training with
LightGBM's own early-stopping signal when the study's pruner says so: ``lgb.train``
returns the booster as usual and the trial ends PRUNED. ``pip install 'hyperhop[lightgbm]'``.

Example (run by tests/integration/test_lightgbm.py)::

    def objective(cfg, trial):
        booster = lgb.train({"learning_rate": cfg["lr"], "objective": "binary", "verbose": -1},
                            dtrain, 50, valid_sets=[dvalid], valid_names=["valid"],
                            callbacks=[LightGBMPruningCallback(trial, "binary_logloss", "valid")])
        return booster.best_score["valid"]["binary_logloss"]
"""

from __future__ import annotations

from typing import Any

from hyperhop._lazy import require
from hyperhop.integration._report import PruningReporter

__all__ = ["LightGBMPruningCallback"]


class LightGBMPruningCallback:
    """Report ``monitor`` on ``valid_name`` each round; stop when pruned.

    Args:
        trial: the trial that ``objective(config, trial)`` receives.
        monitor: the metric's name as LightGBM logs it (``"binary_logloss"``, ``"auc"``,
            ``"l2"``...).
        valid_name: the validation set's name (``valid_names=``; default ``"valid_0"``).

    After pruning, ``pruned`` is True and ``check_pruned()`` raises ``hh.Pruned``.
    """

    order = 30  # after LightGBM's own logging (10) and recording (20)

    def __init__(self, trial: Any, monitor: str, valid_name: str = "valid_0") -> None:
        self._lgb = require("lightgbm", "lightgbm", "hyperhop.integration.lightgbm")
        self._reporter = PruningReporter(trial, monitor, "LightGBMPruningCallback")
        self.valid_name = valid_name

    @property
    def pruned(self) -> bool:
        return self._reporter.pruned

    def check_pruned(self) -> None:
        self._reporter.check_pruned()

    def __call__(self, env: Any) -> None:
        results = env.evaluation_result_list or []
        # (data name, metric, value, is_higher_better), or with lgb.cv (..., stdv)
        match = [
            r
            for r in results
            if r[0] in (self.valid_name, "cv_agg") and r[1] == self._reporter.monitor
        ]
        if not match:
            raise self._reporter.missing(f"{r[0]}:{r[1]}" for r in results)
        if self._reporter.step(match[0][2], env.iteration):
            raise self._lgb.callback.EarlyStopException(env.iteration, results)
