"""The exception hierarchy: one root, each refining the built-in it resembles.

Catch :class:`HyperhopError` for anything hyperhop raises on purpose; catch the built-in
(``ValueError``, ``KeyError``...) where code already does.
"""

from __future__ import annotations

from hyperhop._deprecated import module_getattr

__all__ = [
    "BudgetReachedError",
    "ArtifactNotFoundError",
    "CorruptStateError",
    "DuplicateStudyError",
    "HyperhopError",
    "IncompatibleFormatError",
    "InfeasibleSpaceError",
    "InvalidAssignmentError",
    "InvalidSpaceError",
    "MissingDependencyError",
    "NoCompletedTrialsError",
    "SearchExhaustedError",
    "StaleTrialError",
    "StorageError",
    "StorageFullError",
    "StudyNotFoundError",
    "TooManyFailuresError",
    "TrialNotFoundError",
    "TrialStateError",
    "ValueTooLargeError",
    "UntrustedArtifactError",
]


class HyperhopError(Exception):
    """Root of every error hyperhop raises on purpose.

    Example:
        >>> import hyperhop as hh
        >>> try:
        ...     hh.float(3, 1, label="lr")
        ... except hh.HyperhopError as e:
        ...     print(type(e).__name__)
        InvalidSpaceError
    """


class InvalidSpaceError(HyperhopError, ValueError):
    """A search space (or one parameter of it) breaks a rule; raised where it is defined.

    Example:
        >>> import hyperhop as hh
        >>> hh.float(3, 1, label="lr")
        Traceback (most recent call last):
        ...
        hyperhop.exceptions.InvalidSpaceError: The 'low' parameter of hh.float() (parameter 'lr') must be < high. Got low=3, high=1 instead.
    """


__getattr__ = module_getattr(
    "hyperhop.exceptions",
    {"InvalidSearchSpaceError": ("hyperhop.InvalidSpaceError", lambda: InvalidSpaceError)},
)


class InvalidAssignmentError(HyperhopError, ValueError):
    """A flat assignment or config does not fit its space.

    Example:
        >>> import hyperhop as hh
        >>> hh.Space({"x": hh.int(0, 2)}).to_config({"y": 1})
        Traceback (most recent call last):
        ...
        hyperhop.exceptions.InvalidAssignmentError: The assignment lacks the active parameter 'x'.
    """


class InfeasibleSpaceError(HyperhopError, RuntimeError):
    """No point satisfying the space's constraints was found.

    Example:
        >>> import hyperhop as hh
        >>> space = hh.Space({"x": hh.float(0, 1)}, constraints=[lambda c: c["x"] > 2])
        >>> try:
        ...     hh.sample(space, seed=0)
        ... except hh.InfeasibleSpaceError:
        ...     print("no feasible point")
        no feasible point
    """


class MissingDependencyError(HyperhopError, ImportError):
    """An optional dependency is needed for a feature; the message names the extra."""


class StorageError(HyperhopError, RuntimeError):
    """A storage backend failed; the backend's own exception is chained."""


class StorageFullError(StorageError, OSError):
    """The disk under a storage is full; nothing partial was committed."""


class ValueTooLargeError(StorageError, ValueError):
    """A value is larger than the storage stores in one piece (``Storage.max_value_bytes``);
    nothing was sent or written."""


class CorruptStateError(StorageError):
    """A persisted file is damaged; the message names the file and the offset."""


class IncompatibleFormatError(StorageError):
    """A storage was written by a newer (or unknown) format version."""


class StudyNotFoundError(HyperhopError, KeyError):
    """No study of that name exists in the storage."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class DuplicateStudyError(HyperhopError, ValueError):
    """A study of that name already exists and ``load_if_exists`` is False."""


class TrialNotFoundError(HyperhopError, KeyError):
    """No trial with that id exists."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class TrialStateError(HyperhopError, RuntimeError):
    """A state change lost a race or starts from the wrong state (compare-and-set failed)."""


class StaleTrialError(TrialStateError):
    """The trial was reaped (its lease expired) before this worker reported it."""


class NoCompletedTrialsError(HyperhopError, ValueError):
    """A best trial was asked for, but no trial has completed."""


class TooManyFailuresError(HyperhopError, RuntimeError):
    """The study stopped because too many trials failed in a row."""


class SearchExhaustedError(HyperhopError, RuntimeError):
    """The sampler has nothing left to propose (every grid point tried); ``optimize``
    stops there, ``ask`` raises it."""


class BudgetReachedError(HyperhopError, RuntimeError):
    """No trial was started: the study's shared ``n_trials`` budget is taken by the trials
    that ran or are running (raised by a storage asked to create one within a cap)."""


class ArtifactNotFoundError(HyperhopError, KeyError):
    """The trial has no artifact of that name (the message lists those it has).

    Example:
        >>> import hyperhop as hh
        >>> def objective(cfg, trial):
        ...     trial.save_artifact("coefs", {"w": [1, 2]})
        ...     return cfg["x"]
        >>> study = hh.Study({"x": hh.float(0, 1)}, seed=0)
        >>> _ = study.optimize(objective, n_trials=1, progress=False)
        >>> study.load_artifact(study.trials[0], "coefs")
        {'w': [1, 2]}
        >>> study.load_artifact(study.trials[0], "model")
        Traceback (most recent call last):
        ...
        hyperhop.exceptions.ArtifactNotFoundError: Trial 0 has no artifact 'model'; it has ['coefs'].
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UntrustedArtifactError(HyperhopError, PermissionError):
    """An artifact needs code execution to load (pickle, unknown skops types): pass
    ``trusted=True`` only if you trust whoever wrote it.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.artifacts import UntrustedArtifactError
        >>> def objective(cfg, trial):
        ...     trial.save_artifact("seen", {1, 2}, pickle=True)  # a set: JSON cannot hold it
        ...     return cfg["x"]
        >>> study = hh.Study({"x": hh.float(0, 1)}, seed=0)
        >>> _ = study.optimize(objective, n_trials=1, progress=False)
        >>> try:
        ...     study.load_artifact(study.trials[0], "seen")
        ... except UntrustedArtifactError:
        ...     print("refused")
        refused
        >>> study.load_artifact(study.trials[0], "seen", trusted=True)
        {1, 2}
    """
