"""Optuna's distributions, as JSON records and as hyperhop parameters.

A trial stores each parameter it suggested as ``{"v": value, "d": record}`` in its system
attributes; the record (``{"type": "float", "low": ..., "high": ..., "log": ..., "step":
...}``) rebuilds the hyperhop parameter that the samplers model.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import hyperhop as hh

Record = dict[str, Any]
CategoricalChoice = None | bool | int | float | str


class BaseDistribution:
    """Optuna's distribution base: ``record()`` is its JSON form."""

    def record(self) -> Record:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BaseDistribution) and self.record() == other.record()

    def __hash__(self) -> int:
        return hash(json.dumps(self.record(), sort_keys=True))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.record().items() if k != "type")
        return f"{type(self).__name__}({args})"


class FloatDistribution(BaseDistribution):
    """Floats in ``[low, high]``, on a log scale or a ``step`` grid."""

    def __init__(
        self, low: float, high: float, log: bool = False, step: float | None = None
    ) -> None:
        self.low, self.high, self.log, self.step = float(low), float(high), bool(log), step

    def record(self) -> Record:
        return {
            "type": "float",
            "low": self.low,
            "high": self.high,
            "log": self.log,
            "step": self.step,
        }


class IntDistribution(BaseDistribution):
    """Integers in ``[low, high]``, on a log scale or a ``step`` grid."""

    def __init__(self, low: int, high: int, log: bool = False, step: int = 1) -> None:
        self.low, self.high, self.log, self.step = int(low), int(high), bool(log), int(step)

    def record(self) -> Record:
        return {
            "type": "int",
            "low": self.low,
            "high": self.high,
            "log": self.log,
            "step": self.step,
        }


class CategoricalDistribution(BaseDistribution):
    """One of ``choices`` (None, bool, int, float or str)."""

    def __init__(self, choices: Sequence[CategoricalChoice]) -> None:
        self.choices = tuple(choices)

    def record(self) -> Record:
        return {"type": "categorical", "choices": list(self.choices)}


def from_record(record: Record) -> BaseDistribution:
    kind = record["type"]
    if kind == "float":
        return FloatDistribution(record["low"], record["high"], record["log"], record["step"])
    if kind == "int":
        return IntDistribution(record["low"], record["high"], record["log"], record["step"])
    return CategoricalDistribution(record["choices"])


def check(name: str, record: Record) -> None:
    """Optuna's rules for a suggestion, with the fix in the message."""
    if record["type"] == "categorical":
        if not record["choices"]:
            raise ValueError(f"suggest_categorical({name!r}) needs at least one choice.")
        for c in record["choices"]:
            if c is not None and not isinstance(c, (bool, int, float, str)):
                raise ValueError(
                    f"suggest_categorical({name!r}): choices must be None, bool, int, float or str; "
                    f"got {c!r}. Suggest an index or a name and map it to the object yourself."
                )
        return
    low, high, step = record["low"], record["high"], record["step"]
    if low > high:
        raise ValueError(
            f"suggest_{record['type']}({name!r}): low <= high must hold; got low={low}, high={high}."
        )
    if record["log"] and (low <= 0 or (step is not None and record["type"] == "float")):
        raise ValueError(
            f"suggest_{record['type']}({name!r}, log=True) needs low > 0 and no step; got low={low}, step={step}."
        )
    if step is not None and step <= 0:
        raise ValueError(f"suggest_{record['type']}({name!r}): step must be > 0; got {step}.")


def single(record: Record) -> bool:
    """Whether the distribution holds one value (it is then not searched)."""
    if record["type"] == "categorical":
        return len(record["choices"]) == 1
    return bool(record["low"] == record["high"])


def to_param(record: Record) -> hh.Parameter:
    """The hyperhop parameter a distribution is modelled as."""
    kind = record["type"]
    if kind == "categorical":
        return hh.choice(*record["choices"])
    low, high, step, log = record["low"], record["high"], record["step"], record["log"]
    if kind == "int":
        return hh.int(low, high, log=log, step=step)
    if step is not None:
        n = math.floor((high - low) / step + 1e-9)
        return hh.float(low, low + n * step, q=step)
    return hh.float(low, high, log=log)


def to_raw(record: Record, value: Any) -> Any:
    """The hyperhop raw value of a suggested value (a choice's index)."""
    if record["type"] == "categorical":
        for i, c in enumerate(record["choices"]):
            if type(c) is type(value) and c == value:
                return i
        return record["choices"].index(value)
    return value


def to_value(record: Record, raw: Any) -> Any:
    """The value the objective sees for a hyperhop raw value."""
    if record["type"] == "categorical":
        return record["choices"][int(raw)]
    if record["type"] == "int":
        return int(raw)
    return float(raw)
