"""Optuna's exceptions, on hyperhop's."""

from __future__ import annotations

from hyperhop.exceptions import HyperhopError
from hyperhop.optuna.study import DuplicatedStudyError
from hyperhop.optuna.trial import TrialPruned

OptunaError = HyperhopError

__all__ = ["DuplicatedStudyError", "OptunaError", "TrialPruned"]
