"""Failures that speak: how a failed trial is logged, and when a run stops early.

The first failure of each kind (same exception type at the same line, or the same invalid
result) is logged as a warning with the user's own traceback; repeats are logged at INFO,
so a study with hidden-constraint failures does not flood the terminal. When the first
``fail_fast`` trials of a run all fail the same way, the run stops with
:class:`~hyperhop.exceptions.TooManyFailuresError` whose ``__cause__`` is the objective's
own exception, so the traceback ends at the user's line.
"""

from __future__ import annotations

import logging
import re

from hyperhop.exceptions import TooManyFailuresError
from hyperhop.trial import FailReason, Trial, TrialError

log = logging.getLogger("hyperhop.study")

_FRAME = re.compile(r'^\s*File "(?P<file>[^"]*)", line (?P<line>\d+)', re.M)


class ObjectiveTraceback(Exception):
    """The traceback of an objective that ran in another process, as text (chained to the
    error that stopped the run, as :mod:`concurrent.futures` does)."""

    def __str__(self) -> str:
        return "\n" + str(self.args[0]) if self.args else ""


def where(error: TrialError | None) -> str | None:
    """``file:line`` of the innermost frame of a failure's traceback, if any."""
    if error is None or not error.traceback:
        return None
    frames = list(_FRAME.finditer(error.traceback))
    if not frames:
        return None
    last = frames[-1]
    return f"{last['file']}:{last['line']}"


def kind(error: TrialError | None) -> tuple[str, ...] | None:
    """What makes two failures 'the same': the exception's type and line, or the invalid
    result's message. None for failures that say nothing about the objective's code (a
    timeout, a stale worker, a NaN, a result dict saying ``status='fail'``)."""
    if error is None:
        return None
    if error.reason == FailReason.EXCEPTION.value:
        return ("exception", error.type or "", where(error) or error.message)
    if error.reason == FailReason.INVALID_VALUE.value and "NaN" not in error.message:
        return ("invalid_value", error.message)
    return None


class FailureLog:
    """Logs a study's failed trials: a warning with the traceback for a new kind, INFO for
    a kind seen before."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, ...]] = set()

    def failed(self, trial: Trial) -> None:
        err = trial.error
        key = kind(err) or ("other", err.reason if err else "", err.type or "" if err else "")
        if key in self._seen:
            log.info("trial %d failed: %s", trial.number, err)
            return
        self._seen.add(key)
        tb = err.traceback if err is not None and err.traceback else None
        if tb:
            log.warning("trial %d failed: %s\n%s", trial.number, err, tb.rstrip())
        else:
            log.warning("trial %d failed: %s", trial.number, err)


class FailFast:
    """One run's watch over its first trials (see the module's docstring)."""

    def __init__(self, first: int | None) -> None:
        self.first = first
        self.seen = 0
        self.kinds: set[tuple[str, ...] | None] = set()

    def after(self, trial: Trial, cause: BaseException | None) -> TooManyFailuresError | None:
        """Note a finished trial; the error to stop with when the run should stop now."""
        if self.first is None or self.seen >= self.first:
            return None
        self.seen += 1
        self.kinds.add(kind(trial.error))
        if self.seen < self.first or len(self.kinds) != 1 or None in self.kinds:
            return None
        err = trial.error
        assert err is not None
        at = where(err)
        error = TooManyFailuresError(
            f"The first {self.first} trials of this run all failed the same way: {err}"
            + (f" (at {at})" if at else "")
            + ". Fix the objective (its own traceback is above), or pass fail_fast=None "
            "to go on."
        )
        error.__cause__ = cause_of(err, cause)
        return error


def cause_of(err: TrialError | None, cause: BaseException | None) -> BaseException | None:
    """The objective's own exception, or its traceback as text when it ran elsewhere."""
    if cause is not None:
        return cause
    if err is not None and err.traceback:
        return ObjectiveTraceback(err.traceback.rstrip())
    return None
