"""Weights & Biases: each finished trial as a run, grouped by study.

``WandbCallback(project=...)`` is a study callback. Each finished trial becomes a run named
``trial-<number>`` in the group named after the study: the config's values as the run's
config (nested keys dotted), the intermediate values logged as ``intermediate`` by step, and
in the summary the objective values (``value``, or the objectives' names), the trial's
state, number, failure reason and JSON attributes (``attr.<key>``); the run's tags hold the
state. A FAILED trial's run finishes with exit code 1. ``mode="offline"`` writes runs under
``dir`` for ``wandb sync`` later (what the tests use). ``pip install 'hyperhop[wandb]'``.

Example:
    >>> from hyperhop.integration.wandb import WandbCallback
    >>> WandbCallback(project="tuning", mode="offline").project
    'tuning'
"""

from __future__ import annotations

import os
import threading
from typing import Any

from hyperhop._lazy import require
from hyperhop.integration._flat import flat_config, objective_names
from hyperhop.trial import Trial, TrialState

__all__ = ["WandbCallback"]


class WandbCallback:
    """Log each finished trial of a study as a Weights & Biases run.

    Args:
        project: the W&B project (default: the study's name).
        mode: ``"online"``, ``"offline"`` or ``"disabled"`` (None: W&B's default, from
            ``WANDB_MODE`` or your login).
        dir: where runs are written locally.
        intermediate_name: the logged key that holds the intermediate values.
        init_kwargs: more arguments for ``wandb.init`` (``entity=``, ``job_type=``...).
    """

    def __init__(
        self,
        project: str | None = None,
        *,
        mode: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        intermediate_name: str = "intermediate",
        init_kwargs: dict[str, Any] | None = None,
    ) -> None:
        self._wandb = require("wandb", "wandb", "hyperhop.integration.wandb")
        self.project = project
        self.mode = mode
        self.dir = None if dir is None else os.fspath(dir)
        self.intermediate_name = intermediate_name
        self.init_kwargs = dict(init_kwargs or {})
        self._lock = threading.Lock()  # one run at a time: wandb.init is not thread-safe

    def __call__(self, study: Any, trial: Trial) -> None:
        try:
            config = trial.config
        except AttributeError:
            config = trial.params
        kwargs: dict[str, Any] = {
            "project": self.project or study.name,
            "name": f"trial-{trial.number}",
            "group": study.name,
            "config": flat_config(config),
            "tags": [trial.state.name],
            "reinit": "create_new",
            **self.init_kwargs,
        }
        if self.mode is not None:
            kwargs["mode"] = self.mode
        if self.dir is not None:
            kwargs["dir"] = self.dir
        with self._lock:
            run = self._wandb.init(**kwargs)
            try:
                for step, v in sorted(trial.intermediate.items()):
                    run.log({self.intermediate_name: float(v)}, step=int(step))
                summary: dict[str, Any] = {"state": trial.state.name, "trial_number": trial.number}
                if trial.values is not None:
                    names = objective_names(study, len(trial.values))
                    summary.update(zip(names, map(float, trial.values), strict=True))
                if trial.error is not None:
                    summary["fail_reason"] = trial.error.reason
                    summary["error"] = str(trial.error)[:5000]
                for k, v in trial.user_attrs.items():
                    summary[f"attr.{k}"] = v
                run.summary.update(summary)
            finally:
                run.finish(exit_code=1 if trial.state is TrialState.FAILED else 0)
