"""MLflow: log each finished trial as a run, in one experiment per study.

``MLflowCallback(tracking_uri=...)`` is a study callback
(``study.optimize(objective, callbacks=[MLflowCallback(...)])``). Each finished trial
becomes a run named ``trial-<number>`` in the experiment named after the study (or
``experiment_name=``): the config's values as params (nested keys dotted: ``model.C``),
the objective values as metrics (``value``, or the objectives' names), the intermediate
values as the metric ``intermediate`` with their steps, the trial's state, number and
failure reason as tags (``hyperhop.state``...), and its JSON attributes as tags
``attr.<key>``. A COMPLETE trial's run is FINISHED, a FAILED one FAILED, a PRUNED one
KILLED. With ``parent_run_id=`` every run is nested under that run.
``pip install 'hyperhop[mlflow]'``.

MLflow 3 refuses its local file store unless ``MLFLOW_ALLOW_FILE_STORE=true`` is set; a
SQLite URI (``sqlite:///mlflow.db``) works as it is.

Example:
    >>> from hyperhop.integration.mlflow import MLflowCallback
    >>> callback = MLflowCallback(tracking_uri="sqlite:///mlflow.db", parent_run_id=None)
    >>> callback.experiment_name is None  # one experiment per study, named after it
    True
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from hyperhop._lazy import require
from hyperhop.integration._flat import flat_config, objective_names
from hyperhop.trial import Trial, TrialState

__all__ = ["MLflowCallback"]

_STATUS = {
    TrialState.COMPLETE: "FINISHED",
    TrialState.FAILED: "FAILED",
    TrialState.PRUNED: "KILLED",
}


class MLflowCallback:
    """Log each finished trial of a study as an MLflow run.

    Args:
        tracking_uri: where MLflow stores runs (a ``file:`` URI, a database, a server);
            None uses MLflow's default (``MLFLOW_TRACKING_URI`` or ``./mlruns``).
        experiment_name: the experiment (default: the study's name), created if missing.
        parent_run_id: nest every trial's run under this run.
        intermediate_name: the metric that holds the intermediate values.
    """

    def __init__(
        self,
        tracking_uri: str | None = None,
        experiment_name: str | None = None,
        *,
        parent_run_id: str | None = None,
        intermediate_name: str = "intermediate",
    ) -> None:
        self._mlflow = require("mlflow", "mlflow", "hyperhop.integration.mlflow")
        self.tracking_uri = tracking_uri
        self.experiment_name = experiment_name
        self.parent_run_id = parent_run_id
        self.intermediate_name = intermediate_name
        self._client_obj: Any = None
        self._experiments: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def _client(self) -> Any:
        """The MLflow client, made at the first trial (making it opens the store)."""
        with self._lock:
            if self._client_obj is None:
                self._client_obj = self._mlflow.tracking.MlflowClient(
                    tracking_uri=self.tracking_uri
                )
            return self._client_obj

    def _experiment_id(self, name: str) -> str:
        client = self._client
        with self._lock:
            if name not in self._experiments:
                found = client.get_experiment_by_name(name)
                self._experiments[name] = (
                    found.experiment_id if found is not None else client.create_experiment(name)
                )
            return self._experiments[name]

    def __call__(self, study: Any, trial: Trial) -> None:
        entities = self._mlflow.entities
        exp = self._experiment_id(self.experiment_name or study.name)
        tags = {
            "mlflow.runName": f"trial-{trial.number}",
            "hyperhop.study": study.name,
            "hyperhop.trial_number": str(trial.number),
            "hyperhop.state": trial.state.name,
        }
        if self.parent_run_id is not None:
            tags["mlflow.parentRunId"] = self.parent_run_id
        if trial.error is not None:
            tags["hyperhop.fail_reason"] = trial.error.reason
            tags["hyperhop.error"] = str(trial.error)[:5000]
        for k, v in trial.user_attrs.items():
            tags[f"attr.{k}"] = json.dumps(v, default=str)[:5000]
        start_ms = int(1000 * (trial.datetime_start or time.time()))
        end_ms = int(1000 * (trial.datetime_complete or time.time()))
        run = self._client.create_run(exp, start_time=start_ms, tags=tags)
        run_id = run.info.run_id
        metrics = [
            entities.Metric(self.intermediate_name, float(v), end_ms, int(step))
            for step, v in sorted(trial.intermediate.items())
        ]
        if trial.values is not None:
            names = objective_names(study, len(trial.values))
            metrics += [
                entities.Metric(n, float(v), end_ms, 0)
                for n, v in zip(names, trial.values, strict=True)
            ]
        params = [entities.Param(k, str(v)[:6000]) for k, v in flat_config(_config(trial)).items()]
        self._client.log_batch(run_id, metrics=metrics, params=params)
        self._client.set_terminated(
            run_id, status=_STATUS.get(trial.state, "FINISHED"), end_time=end_ms
        )


def _config(trial: Trial) -> Any:
    try:
        return trial.config
    except AttributeError:  # a trial read outside a study: its flat assignment
        return trial.params
