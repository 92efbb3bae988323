"""Recording a trial's outcome: every result lands, or its trial fails loudly.

A live process never leaves its own trial RUNNING. Whatever goes wrong while an outcome
is written (a value that cannot be encoded, one nested too deeply, one larger than the
storage takes, an attachment the storage refuses, the database refusing the row), the
trial ends FAILED with a structured reason (``invalid_value``, ``too_large``,
``storage_error``) and the message. If even that write fails, :func:`record` raises at
once, naming the trial. The same code runs on every backend, so each gives the same
outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from hyperhop.exceptions import StorageError, TrialStateError, ValueTooLargeError
from hyperhop.storage import Storage, codec
from hyperhop.study.results import Outcome
from hyperhop.trial import FailReason, Trial, TrialError, TrialState

log = logging.getLogger("hyperhop.study")


class UnstorableError(ValueError):
    """An outcome that no storage could hold (the message says which key and why)."""


def storable_attrs(attrs: Mapping[str, Any], number: int) -> dict[str, Any]:
    """The result's extra keys as they will be stored: a value that is not JSON is kept as
    its text (with a warning), as before; one that cannot even be written as text (nested
    too deeply) raises UnstorableError naming the key."""
    out: dict[str, Any] = {}
    for key, value in attrs.items():
        try:
            codec.dumps(value)
            out[key] = value
            continue
        except RecursionError:
            raise UnstorableError(
                f"The result's key {key!r} is nested too deeply to store "
                "(RecursionError while encoding it as JSON)."
            ) from None
        except (TypeError, ValueError) as e:
            reason = e
        try:
            out[key] = repr(value)
        except RecursionError:
            raise UnstorableError(
                f"The result's key {key!r} is neither JSON nor printable as text "
                "(RecursionError: nested too deeply)."
            ) from None
        log.warning(
            "trial %d: the result's key %r is not JSON and was stored as text (%s)",
            number,
            key,
            reason,
        )
    return out


def record(storage: Storage, trial: Trial, outcome: Outcome) -> Trial:
    """Write ``outcome`` as the final state of ``trial`` (RUNNING, owned by
    ``trial.owner``) and return the new snapshot; on any failure to write it, the trial
    ends FAILED with the reason. A lost compare-and-set (the trial was reaped or finished
    elsewhere) raises TrialStateError as before: the trial is no longer this process's."""
    try:
        user_attrs = storable_attrs(outcome.user_attrs, trial.number)
        for name, data in outcome.attachments.items():
            storage.set_attachment(trial.id, name, data)
        return storage.update_trial(
            trial.id,
            expect_state=TrialState.RUNNING,
            expect_owner=trial.owner,
            state=outcome.state,
            values=outcome.values,
            error=outcome.error,
            user_attrs=user_attrs or None,
            system_attrs=outcome.system_attrs or None,
        )
    except TrialStateError:
        raise
    except Exception as e:
        if _bare_failure(outcome):  # the fallback would be the same write: say so at once
            raise _unrecorded(storage, trial, e, None) from e
        return _fail(storage, trial, outcome, e)


def _bare_failure(outcome: Outcome) -> bool:
    return (
        outcome.state is TrialState.FAILED
        and outcome.values is None
        and not (outcome.user_attrs or outcome.attachments or outcome.system_attrs)
    )


def _unrecorded(storage: Storage, trial: Trial, e: Exception, e2: Exception | None) -> Exception:
    """The error that says a trial could not be recorded at all (it stays RUNNING)."""
    last = e if e2 is None else e2
    cls = type(last) if isinstance(last, StorageError) else StorageError
    msg = (
        f"Trial {trial.number} (id {trial.id}) could not be recorded in {storage.url}: "
        f"{type(e).__name__}: {e}"
    )
    if e2 is not None:
        msg += f"; marking it FAILED failed too ({type(e2).__name__}: {e2})"
    return cls(msg + ". It stays RUNNING until another worker reaps it as stale.")


def _reason(e: Exception) -> str:
    if isinstance(e, ValueTooLargeError):
        return FailReason.TOO_LARGE.value
    if isinstance(e, StorageError):
        return FailReason.STORAGE_ERROR.value
    if isinstance(e, (TypeError, ValueError, RecursionError)):
        return FailReason.INVALID_VALUE.value
    return FailReason.STORAGE_ERROR.value


def _fail(storage: Storage, trial: Trial, outcome: Outcome, e: Exception) -> Trial:
    """The outcome could not be written: record the trial FAILED with why, or raise."""
    message = str(e) if isinstance(e, UnstorableError) else f"The result could not be stored: {e}"
    if outcome.values is not None:
        message += f" (the objective's value {list(outcome.values)} is lost)"
    error = TrialError(_reason(e), message, type(e).__name__)
    try:
        return storage.update_trial(
            trial.id,
            expect_state=TrialState.RUNNING,
            expect_owner=trial.owner,
            state=TrialState.FAILED,
            error=error,
        )
    except TrialStateError:
        raise
    except Exception as e2:
        raise _unrecorded(storage, trial, e, e2) from e2
