"""XGBoost: a training callback that reports an evaluation metric and prunes.

``XGBoostPruningCallback(trial, "valid-logloss")`` reports the metric named
``"<data name>-<metric>"`` (the names of ``evals=[(dvalid, "valid")]``, or
``"validation_0"`` in the scikit-learn API) after each boosting round, and ends training
(XGBoost's own early stop: the booster is returned as usual) when the study's pruner says
so; the trial then ends PRUNED. ``pip install 'hyperhop[xgboost]'``.

Example (run by tests/integration/test_xgboost.py)::

    def objective(cfg, trial):
        booster = xgb.train({"eta": cfg["eta"], "objective": "binary:logistic"}, dtrain, 50,
                            evals=[(dvalid, "valid")], verbose_eval=False,
                            callbacks=[XGBoostPruningCallback(trial, "valid-logloss")])
        return booster.best_score  # or evaluate the booster your way
"""

from __future__ import annotations

import functools
from typing import Any

from hyperhop._lazy import require
from hyperhop.integration._report import PruningReporter


@functools.cache
def _build() -> type:
    xgb = require("xgboost", "xgboost", "hyperhop.integration.xgboost")

    base: Any = xgb.callback.TrainingCallback

    class XGBoostPruningCallback(base):
        """Report ``monitor`` (``"<data>-<metric>"``) each round; stop when pruned.

        Args:
            trial: the trial that ``objective(config, trial)`` receives.
            monitor: the evaluation to report, e.g. ``"valid-logloss"``.

        After pruning, ``pruned`` is True and ``check_pruned()`` raises ``hh.Pruned``.
        """

        def __init__(self, trial: Any, monitor: str) -> None:
            super().__init__()
            self._reporter = PruningReporter(trial, monitor, "XGBoostPruningCallback")

        @property
        def pruned(self) -> bool:
            return self._reporter.pruned

        def check_pruned(self) -> None:
            self._reporter.check_pruned()

        def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
            monitor = self._reporter.monitor
            found = [
                values
                for data, metrics in evals_log.items()
                for metric, values in metrics.items()
                if f"{data}-{metric}" == monitor
            ]
            if not found:
                raise self._reporter.missing(
                    f"{d}-{m}" for d, metrics in evals_log.items() for m in metrics
                )
            last = found[0][-1]
            value = last[0] if isinstance(last, tuple) else last  # xgb.cv: (mean, std)
            return self._reporter.step(value, epoch)

    return XGBoostPruningCallback


def __getattr__(name: str) -> Any:
    if name == "XGBoostPruningCallback":
        return _build()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
