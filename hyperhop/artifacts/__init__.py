"""Artifacts: models, arrays and files kept with each trial, in safe formats.

Inside an objective that takes the trial, ``trial.save_artifact("model", model)``; after
the study, ``study.load_artifact(trial, "model")``. Files live in an artifact store beside
the storage (``runs.db`` -> ``runs.db.artifacts/``; a directory of your choice for a
database server: ``Study(..., artifacts="/shared/dir")``) and go with the study when it is
deleted (:func:`delete_study`, ``hyperhop delete``).

Example:
    >>> import hyperhop as hh, numpy as np
    >>> def objective(cfg, trial):
    ...     trial.save_artifact("weights", np.full(3, cfg["x"]))
    ...     return cfg["x"]
    >>> study = hh.Study({"x": hh.float(0, 1)}, seed=0)
    >>> _ = study.optimize(objective, n_trials=2, progress=False)
    >>> study.load_artifact(study.best, "weights").shape
    (3,)
"""

from __future__ import annotations

from hyperhop.artifacts.binding import delete_study, store_for
from hyperhop.artifacts.store import ArtifactStore, check_name
from hyperhop.exceptions import ArtifactNotFoundError, UntrustedArtifactError

__all__ = [
    "ArtifactNotFoundError",
    "ArtifactStore",
    "UntrustedArtifactError",
    "check_name",
    "delete_study",
    "store_for",
]
