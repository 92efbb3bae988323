"""What an objective may return, and how each return becomes a trial outcome.

- a number (int, float, NumPy scalar or 0-d array, Decimal): the value; NaN is an invalid
  value, plus and minus infinity are valid; ``bool`` is rejected (it is almost always a bug);
- a tuple or list of numbers, one per objective;
- a dict in Hyperopt's convention: ``loss`` or ``value`` (or ``values``), ``status``
  ``"ok"`` / ``"fail"``, ``attachments`` (name -> bytes) stored beside the trial, and any
  other JSON keys kept as the trial's user attributes;
- in a multi-objective study, a dict of named objectives (``{"acc": 0.9, "ms": 12.0}``:
  every key is an objective), or ``values`` given as such a dict; the study records the
  names and puts the values in that order;
- beside any of the dict forms, ``constraints``: a number or a list of numbers, feasible
  when every one is <= 0 (kept in the trial's system attributes, see
  :mod:`hyperhop.multiobjective.constraints`).
"""

from __future__ import annotations

import decimal
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hyperhop._validation import describe
from hyperhop.multiobjective.constraints import CONSTRAINTS_KEY, parse_constraints
from hyperhop.trial import FailReason, TrialError, TrialState


@dataclass
class Outcome:
    """A trial's final state and everything to store with it."""

    state: TrialState
    values: tuple[float, ...] | None = None
    error: TrialError | None = None
    user_attrs: dict[str, Any] = field(default_factory=dict)
    attachments: dict[str, bytes] = field(default_factory=dict)
    system_attrs: dict[str, Any] = field(default_factory=dict)
    names: tuple[str, ...] | None = None
    """The objectives' names, when the objective returned them as a dict (values in that order)."""


_RESERVED = ("status", "loss", "value", "values", "attachments", "failure", "constraints")


def _invalid(message: str) -> Outcome:
    return Outcome(TrialState.FAILED, error=TrialError(FailReason.INVALID_VALUE.value, message))


def as_number(x: Any) -> float | None:
    """A float for anything number-like (bool excluded); None when ``x`` is not a number."""
    if isinstance(x, (bool, np.bool_)):
        return None
    if isinstance(x, np.ndarray):
        if x.ndim != 0 or x.dtype.kind not in "iuf":
            return None
        return float(x)
    if isinstance(x, (numbers.Real, decimal.Decimal)):
        try:
            return float(x)
        except (TypeError, ValueError, OverflowError):
            return None
    return None


def interpret(result: Any, n_objectives: int = 1) -> Outcome:
    """Turn an objective's return value into an :class:`Outcome` (never raises)."""
    if type(result) is float and n_objectives == 1 and result == result:  # the common case
        return Outcome(TrialState.COMPLETE, (result,))
    user_attrs: dict[str, Any] = {}
    attachments: dict[str, bytes] = {}
    system_attrs: dict[str, Any] = {}
    names: tuple[str, ...] | None = None
    raw: Any = result
    if isinstance(result, Mapping):
        status = result.get("status", "ok")
        if status not in ("ok", "fail"):
            return _invalid(
                f"The result's 'status' must be 'ok' or 'fail'; got {describe(status)}."
            )
        att = result.get("attachments", {})
        if not isinstance(att, Mapping) or not all(
            isinstance(v, (bytes, bytearray)) for v in att.values()
        ):
            return _invalid("The result's 'attachments' must map names to bytes.")
        attachments = {str(k): bytes(v) for k, v in att.items()}
        bad = [k for k in attachments if not k or "\x00" in k]
        if bad:  # one rule on every backend, before the trial starts finishing
            return _invalid(
                f"An attachment name must be a non-empty string without NUL (\\x00); got "
                f"{bad[0]!r:.80}. Rename the attachment."
            )
        user_attrs = {str(k): v for k, v in result.items() if k not in _RESERVED}
        if status == "fail":
            msg = str(
                result.get("failure", result.get("error", "the objective returned status 'fail'"))
            )
            return Outcome(
                TrialState.FAILED,
                error=TrialError(FailReason.USER.value, msg),
                user_attrs=user_attrs,
                attachments=attachments,
            )
        if "constraints" in result:
            try:
                system_attrs[CONSTRAINTS_KEY] = list(parse_constraints(result["constraints"]))
            except ValueError as e:
                return _invalid(str(e))
        keys = [k for k in ("loss", "value", "values") if k in result]
        if not keys and n_objectives > 1 and user_attrs:
            raw, user_attrs = dict(user_attrs), {}  # a dict of named objectives
        elif len(keys) != 1:
            return _invalid(
                "A result dict needs exactly one of 'loss', 'value' or 'values' "
                f"(got keys {sorted(map(str, result))}); a multi-objective study also "
                "takes a dict of named objectives."
            )
        else:
            raw = result[keys[0]]
        if isinstance(raw, Mapping):
            names = tuple(str(k) for k in raw)
            raw = list(raw.values())
    if isinstance(raw, (list, tuple)) or (isinstance(raw, np.ndarray) and raw.ndim == 1):
        items = list(raw)
    else:
        items = [raw]
    if len(items) != n_objectives:
        return _invalid(
            f"The objective returned {len(items)} value(s) ({describe(raw)}) but the study has "
            f"{n_objectives} objective(s)."
        )
    values = []
    for item in items:
        v = as_number(item)
        if v is None:
            return _invalid(
                f"The objective returned {describe(item)} of type {type(item).__name__}; "
                "expected a number (bool is not accepted)."
            )
        if math.isnan(v):
            return _invalid(f"The objective returned NaN ({describe(item)}).")
        values.append(v)
    return Outcome(
        TrialState.COMPLETE,
        tuple(values),
        user_attrs=user_attrs,
        attachments=attachments,
        system_attrs=system_attrs,
        names=names,
    )
