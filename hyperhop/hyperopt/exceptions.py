"""Hyperopt's exceptions, rooted at :class:`~hyperhop.HyperhopError` like every hyperhop error."""

from __future__ import annotations

from hyperhop.exceptions import HyperhopError, NoCompletedTrialsError

__all__ = [
    "AllTrialsFailed",
    "BadSearchSpace",
    "DuplicateLabel",
    "InvalidAnnotatedParameter",
    "InvalidLoss",
    "InvalidResultStatus",
    "InvalidTrial",
]


class BadSearchSpace(HyperhopError, ValueError):
    """Something is wrong in the description of the search space."""


class DuplicateLabel(BadSearchSpace):
    """Two different ``hp.*`` nodes of one space carry the same label."""


class InvalidTrial(HyperhopError, ValueError):
    """A trial document lacks a key of Hyperopt's layout, or its keys disagree."""

    def __init__(self, msg: str, obj: object = None) -> None:
        super().__init__(msg)
        self.obj = obj


class InvalidResultStatus(HyperhopError, ValueError):
    """The objective returned a dict whose ``status`` is not one of ``STATUS_STRINGS``."""

    def __init__(self, result: object) -> None:
        super().__init__(
            f"The result's 'status' must be one of 'new', 'running', 'suspended', 'ok', "
            f"'fail'; the objective returned {result!r}."
        )
        self.result = result


class InvalidLoss(HyperhopError, ValueError):
    """A result with status ``ok`` has no ``loss`` that converts to float."""

    def __init__(self, result: object) -> None:
        super().__init__(
            f"A result with status 'ok' needs a 'loss' that converts to float; "
            f"the objective returned {result!r}."
        )
        self.result = result


class AllTrialsFailed(NoCompletedTrialsError):
    """No trial has status ``ok`` with a loss that is a number."""


class InvalidAnnotatedParameter(HyperhopError, ValueError):
    """With ``space="annotated"`` every argument of the objective must be annotated with
    an ``hp.*`` expression."""
