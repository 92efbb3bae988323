"""Categorical parameters: choices (plain, weighted, ordinal, nested) and Hyperopt's randint."""

from __future__ import annotations

import json
import math
from typing import Any, ClassVar

import numpy as np

from hyperhop._validation import check_label, describe, fail, integer
from hyperhop.space.base import Const, Expr, Parameter, Raw, callable_name, same_constant
from hyperhop.space.conditions import Gated


def has_parameters(obj: Any) -> bool:
    """Whether a template holds any parameter or expression (else it is a constant)."""
    if isinstance(obj, (Parameter, Expr)):
        return True
    if isinstance(obj, Gated):
        return has_parameters(obj.template)
    if isinstance(obj, dict):
        return any(has_parameters(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return any(has_parameters(v) for v in obj)
    return False


def describe_template(obj: Any) -> Any:
    """A JSON description of a template, stable across runs (no memory addresses)."""
    if isinstance(obj, Parameter):
        d = obj.definition()
        return d if obj.label is None else {**d, "label": obj.label}
    if isinstance(obj, Const):
        return describe_template(obj.value)
    if isinstance(obj, Gated):
        return {
            "type": "gated",
            "when": obj.when.definition(),
            "template": describe_template(obj.template),
        }
    if isinstance(obj, Expr):
        return {
            "type": "expr",
            "fn": callable_name(obj.fn),
            "args": [describe_template(a) for a in obj.args],
            "kwargs": {str(k): describe_template(v) for k, v in obj.kwargs.items()},
        }
    if isinstance(obj, dict):
        return {"type": "dict", "items": {str(k): describe_template(v) for k, v in obj.items()}}
    if isinstance(obj, (list, tuple)):
        return {"type": type(obj).__name__, "items": [describe_template(v) for v in obj]}
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else repr(obj)
    if isinstance(obj, (np.integer, np.floating)):
        return obj.item()
    return {"type": "object", "name": callable_name(obj)}


def _canonical(obj: Any) -> str | None:
    try:
        return json.dumps(obj, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        return None


class _Categorical(Parameter):
    """Shared code for parameters whose raw value is one of ``n`` categories."""

    _n: int
    ordinal: bool = False

    @property
    def n_values(self) -> int:
        return self._n

    @property
    def n_columns(self) -> int:
        return 1

    def _move(self, k: int, temperature: float, rng: np.random.Generator) -> int:
        n = self._n
        if n == 1:
            return k
        if self.ordinal:
            delta = int(round(temperature * 0.5 * rng.uniform(-n, n)))
            if delta == 0:
                delta = int(rng.choice((-1, 1)))
            k2 = k + delta
            period = 2 * (n - 1)
            k2 = abs(k2) % period
            return period - k2 if k2 > n - 1 else k2
        other = int(rng.integers(0, n - 1))
        return other + 1 if other >= k else other


class Choice(_Categorical):
    """One of several options; an option may be a nested space (its parameters are then
    conditional on that option). The raw value is the option's index.

    Made by :func:`hyperhop.choice` and :func:`hyperhop.pchoice`.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.space import Choice
        >>> c = Choice(("adam", "sgd"), probs=[0.8, 0.2])
        >>> c.options, hh.sample({"opt": c}, seed=0)["opt"] in c.options
        (('adam', 'sgd'), True)
    """

    def __init__(
        self,
        options: tuple[Any, ...],
        *,
        probs: Any = None,
        ordinal: bool = False,
        label: str | None = None,
        func: str = "hh.choice()",
    ) -> None:
        self.label = None if label is None else check_label(label, func)
        self.options = tuple(options)
        if not self.options:
            raise fail(
                func,
                "options",
                "non-empty",
                "no options",
                label=label,
                fix="Pass at least one option.",
            )
        self._n = len(self.options)
        self.ordinal = bool(ordinal)
        self._nested = tuple(has_parameters(o) for o in self.options)
        seen: dict[str, int] = {}
        for i, opt in enumerate(self.options):
            key = None if self._nested[i] else _canonical(opt)
            if key is not None:
                if key in seen:
                    raise fail(
                        func,
                        "options",
                        "distinct",
                        f"{describe(opt)} at positions {seen[key]} and {i}",
                        label=label,
                    )
                seen[key] = i
        self.probs: np.ndarray | None = None
        if probs is not None:
            try:
                p = np.asarray(probs, dtype=float).reshape(-1)
            except (TypeError, ValueError):
                raise fail(
                    func, "probs", "a list of numbers", describe(probs), label=label
                ) from None
            if p.shape[0] != self._n:
                raise fail(
                    func,
                    "probs",
                    f"a list of {self._n} probabilities (one per option)",
                    f"{p.shape[0]} values",
                    label=label,
                )
            if not np.all(np.isfinite(p)) or np.any(p < 0):
                raise fail(
                    func, "probs", "finite and non-negative", describe(p.tolist()), label=label
                )
            if abs(p.sum() - 1.0) > 1e-6:
                raise fail(func, "probs", "summing to 1", f"a sum of {p.sum():.6g}", label=label)
            self.probs = p / p.sum()
            self._cum = np.cumsum(self.probs)

    @property
    def kind(self) -> str:  # type: ignore[override]
        return "ordinal" if self.ordinal else "categorical"

    @property
    def nested(self) -> tuple[bool, ...]:
        """For each option, whether it holds parameters."""
        return self._nested

    def sample(self, rng: np.random.Generator) -> Raw:
        if self.probs is None:
            return int(rng.integers(0, self._n))
        return min(int(np.searchsorted(self._cum, rng.random(), side="right")), self._n - 1)

    def mutate(self, value: Raw, temperature: float, rng: np.random.Generator) -> Raw:
        if temperature >= 1.0:
            return self.sample(rng)
        return self._move(int(value), temperature, rng)

    def default(self) -> Raw:
        return (self._n - 1) // 2 if self.ordinal else 0

    def contains(self, value: Raw) -> bool:
        return bool(
            isinstance(value, (int, np.integer))
            and not isinstance(value, bool)
            and 0 <= value < self._n
        )

    def encode(self, value: Raw) -> np.ndarray:
        return np.array([(int(value) + 0.5) / self._n])

    def decode(self, x: np.ndarray) -> Raw:
        return int(
            min(max(math.floor(float(np.asarray(x).reshape(-1)[0]) * self._n), 0), self._n - 1)
        )

    def to_value(self, value: Raw) -> Any:
        return self.options[int(value)]

    def display_value(self, value: Raw) -> Any:
        """The option itself; for a dict option, its constant entries (a single one as its
        value: ``"svm"`` for ``{"kind": "svm", "C": hh.float(...)}``); for an option made only
        of parameters, its index (the parameters show under their own labels)."""
        i = int(value)
        opt = self.options[i]
        if isinstance(opt, dict):
            consts = {k: v for k, v in opt.items() if not has_parameters(v)}
            if len(consts) == 1:
                return next(iter(consts.values()))
            return consts or i
        return i if self._nested[i] else opt

    def display_values(self, values: list[Raw]) -> list[Any]:
        table = [self.display_value(i) for i in range(self._n)]
        try:  # every trial has this choice (the common case)
            return list(map(table.__getitem__, values))
        except TypeError:
            return [None if v is None else table[v] for v in values]

    def index_of(self, value: Any) -> int | None:
        """The index of a constant option equal to ``value`` (None when there is none); an
        estimator equals an option of its class with the same ``get_params``."""
        for i, opt in enumerate(self.options):
            if self._nested[i]:
                continue
            if type(opt) is type(value) and same_constant(opt, value):  # it catches == errors
                return i
        for i, opt in enumerate(self.options):  # 1 == 1.0: accept numerically equal options
            if (
                not self._nested[i]
                and isinstance(opt, (int, float))
                and isinstance(value, (int, float))
            ):
                if opt == value and not isinstance(opt, bool) and not isinstance(value, bool):
                    return i
        return None

    def definition(self) -> dict[str, Any]:
        return {
            "type": "choice",
            "options": [describe_template(o) for o in self.options],
            "probs": None if self.probs is None else [float(p) for p in self.probs],
            "ordinal": self.ordinal,
        }


class RandInt(_Categorical):
    """Hyperopt's ``randint``: an integer in ``[low, upper)`` with no order (categorical).

    Made by :func:`hyperhop.randint`.

    Example:
        >>> import numpy as np
        >>> from hyperhop.space import RandInt
        >>> RandInt(3, 6).sample(np.random.default_rng(0)) in (3, 4, 5)
        True
    """

    kind: ClassVar[str] = "categorical"

    def __init__(
        self, low: int, upper: int, *, label: str | None = None, func: str = "hh.randint()"
    ) -> None:
        self.label = None if label is None else check_label(label, func)
        self.low = integer(low, func, "low", label=label)
        self.upper = integer(upper, func, "upper", label=label)
        if not self.low < self.upper:
            raise fail(func, "upper", "> low", f"low={self.low}, upper={self.upper}", label=label)
        self._n = self.upper - self.low

    def sample(self, rng: np.random.Generator) -> Raw:
        return int(rng.integers(self.low, self.upper))

    def mutate(self, value: Raw, temperature: float, rng: np.random.Generator) -> Raw:
        if temperature >= 1.0:
            return self.sample(rng)
        return self.low + self._move(int(value) - self.low, temperature, rng)

    def default(self) -> Raw:
        return self.low

    def contains(self, value: Raw) -> bool:
        return bool(
            isinstance(value, (int, np.integer))
            and not isinstance(value, bool)
            and self.low <= value < self.upper
        )

    def encode(self, value: Raw) -> np.ndarray:
        return np.array([(int(value) - self.low + 0.5) / self._n])

    def decode(self, x: np.ndarray) -> Raw:
        k = min(max(math.floor(float(np.asarray(x).reshape(-1)[0]) * self._n), 0), self._n - 1)
        return self.low + int(k)

    def to_value(self, value: Raw) -> Any:
        return int(value)

    def from_value(self, value: Any) -> Raw:
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            return int(value)
        return int(value) if isinstance(value, np.integer) else value

    def definition(self) -> dict[str, Any]:
        return {"type": "randint", "low": self.low, "upper": self.upper}
