"""The parameter classes behind PyHopper's constructors: hyperhop parameters that also
carry PyHopper's ``init``, ``seeding_fn`` and ``mutation_fn``, an unbounded float, and
arrays with one bound per entry."""

from __future__ import annotations

import builtins
import copy
from collections.abc import Callable
from typing import Any

import numpy as np

import hyperhop as hh
from hyperhop.space.categorical import Choice
from hyperhop.space.custom import _arity
from hyperhop.space.numeric import Float, Int


class Parameter:
    """PyHopper's base for your own parameter types: set ``initial_value`` and implement
    ``sample()`` and ``mutate(value, temperature)``.

    Example:
        >>> from hyperhop import pyhopper
        >>> class Odd(pyhopper.Parameter):
        ...     initial_value = 1
        ...     def sample(self):
        ...         return 3
        ...     def mutate(self, value, temperature):
        ...         return value + 2
        >>> pyhopper.Search(n=Odd()).best["n"]
        1
    """

    initial_value: Any = None


def as_custom(param: Parameter) -> hh.Parameter:
    """A hyperhop parameter for an instance of a :class:`Parameter` subclass of your own."""
    init = getattr(param, "initial_value", None)
    sample = getattr(param, "sample", None)
    mutate = getattr(param, "mutate", None)
    if not callable(sample) or not callable(mutate):
        raise TypeError(
            f"{type(param).__name__} subclasses pyhopper.Parameter: implement sample() and "
            "mutate(value, temperature)."
        )
    return hh.custom(sample=sample, mutate=mutate, init=init)


def _call(fn: Callable[..., Any], value: Any, temperature: builtins.float) -> Any:
    return fn(value, temperature) if _arity(fn) >= 2 else fn(value)


class _Hooks:
    """PyHopper's ``init``, ``seeding_fn`` and ``mutation_fn`` over a hyperhop parameter
    (listed first among the bases, so that these methods come before the parameter's)."""

    _init_raw: Any = None
    _seeding_fn: Callable[[], Any] | None = None
    _mutation_fn: Callable[..., Any] | None = None
    _raw_is_value = False

    def _hook(self, init: Any, seeding_fn: Any, mutation_fn: Any, func: str) -> None:
        for name, fn in (("seeding_fn", seeding_fn), ("mutation_fn", mutation_fn)):
            if fn is not None and not callable(fn):
                raise ValueError(
                    f"The '{name}' parameter of {func} must be callable. Got {fn!r} instead."
                )
        self._seeding_fn = seeding_fn
        self._mutation_fn = mutation_fn
        if init is not None:
            self._init_raw = init if self._raw_is_value else self.from_value(init)  # type: ignore[attr-defined]

    @property
    def initial_value(self) -> Any:
        """The value the search starts from (PyHopper's ``init``)."""
        return self.to_value(self.default())  # type: ignore[attr-defined]

    def default(self) -> Any:
        if self._init_raw is not None:
            return copy.deepcopy(self._init_raw)
        return super().default()  # type: ignore[misc]

    def _user_value(self, raw: Any) -> Any:
        return raw if self._raw_is_value else self.to_value(raw)  # type: ignore[attr-defined]

    def _from_user(self, value: Any) -> Any:
        return value if self._raw_is_value else self.from_value(value)  # type: ignore[attr-defined]

    def sample(self, rng: np.random.Generator) -> Any:
        if self._seeding_fn is not None:
            return self._from_user(self._seeding_fn())
        return super().sample(rng)  # type: ignore[misc]

    def mutate(self, value: Any, temperature: builtins.float, rng: np.random.Generator) -> Any:
        if self._mutation_fn is not None:
            return self._from_user(_call(self._mutation_fn, self._user_value(value), temperature))
        return super().mutate(value, temperature, rng)  # type: ignore[misc]

    def local_step(self, value: Any, temperature: builtins.float, rng: np.random.Generator) -> Any:
        if self._mutation_fn is not None:
            return self.mutate(value, temperature, rng)
        return super().local_step(value, temperature, rng)  # type: ignore[misc]

    def contains(self, value: Any) -> builtins.bool:
        if self._seeding_fn is not None or self._mutation_fn is not None:
            return True  # your functions decide the domain
        if isinstance(self, Choice):
            return builtins.bool(super().contains(value))  # type: ignore[misc]
        # PyHopper evaluates init and your guesses as given, even outside the bounds
        return _is_number(value) or builtins.bool(super().contains(value))  # type: ignore[misc]


def _is_number(value: Any) -> builtins.bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "iuf" and builtins.bool(np.all(np.isfinite(value)))
    return (
        isinstance(value, (builtins.int, builtins.float, np.integer, np.floating))
        and not isinstance(value, builtins.bool)
        and np.isfinite(value)
    )


class FloatParameter(_Hooks, Float, Parameter):
    """``pyhopper.float`` with bounds."""


class IntParameter(_Hooks, Int, Parameter):
    """``pyhopper.int`` with bounds."""


class ChoiceParameter(_Hooks, Choice, Parameter):
    """``pyhopper.choice``: ``seeding_fn`` returns an option's index and ``mutation_fn``
    receives and returns one, as in PyHopper."""

    _raw_is_value = True


class UnboundedFloat(_Hooks, hh.Parameter, Parameter):
    """``pyhopper.float()`` without bounds: drawn from N(0, 1), moved by N(0, temperature)."""

    kind = "custom"
    _raw_is_value = True

    def __init__(self, shape: tuple[builtins.int, ...] | None) -> None:
        self.shape = shape

    def _super_sample(self, rng: np.random.Generator) -> Any:
        if self.shape is None:
            return builtins.float(rng.normal())
        return rng.normal(size=self.shape).astype(np.float32)

    def sample(self, rng: np.random.Generator) -> Any:
        if self._seeding_fn is not None:
            return self._seeding_fn()
        return self._super_sample(rng)

    def mutate(self, value: Any, temperature: builtins.float, rng: np.random.Generator) -> Any:
        if self._mutation_fn is not None:
            return _call(self._mutation_fn, value, temperature)
        step = rng.normal(0.0, temperature + 1e-8, size=self.shape)
        return (
            builtins.float(value + step)
            if self.shape is None
            else (value + step).astype(np.float32)
        )

    def local_step(self, value: Any, temperature: builtins.float, rng: np.random.Generator) -> Any:
        return self.mutate(value, temperature, rng)

    def default(self) -> Any:
        if self._init_raw is not None:
            return copy.deepcopy(self._init_raw)
        return 0.0 if self.shape is None else np.zeros(self.shape, dtype=np.float32)

    def contains(self, value: Any) -> builtins.bool:
        return True

    def definition(self) -> dict[str, Any]:
        return {"type": "custom", "class": "pyhopper.float", "shape": self.shape}


class ArrayBounds(_Hooks, hh.Parameter, Parameter):
    """A float or int array with one bound per entry (PyHopper's array bounds)."""

    kind = "custom"
    _raw_is_value = True

    def __init__(self, low: np.ndarray, high: np.ndarray, integer: builtins.bool) -> None:
        self.low, self.high, self.integer = low, high, integer
        self.shape = tuple(low.shape)

    def _clip(self, v: np.ndarray) -> np.ndarray:
        v = np.clip(v, self.low, self.high)
        return np.round(v).astype(np.int64) if self.integer else v

    def sample(self, rng: np.random.Generator) -> Any:
        if self._seeding_fn is not None:
            return self._seeding_fn()
        if self.integer:
            return rng.integers(self.low, self.high, endpoint=True).astype(np.int64)
        return rng.uniform(self.low, self.high)

    def mutate(self, value: Any, temperature: builtins.float, rng: np.random.Generator) -> Any:
        if self._mutation_fn is not None:
            return _call(self._mutation_fn, value, temperature)
        spread = (self.high - self.low) / 2
        return self._clip(value + temperature * rng.uniform(-spread, spread))

    def local_step(self, value: Any, temperature: builtins.float, rng: np.random.Generator) -> Any:
        return self.mutate(value, temperature, rng)

    def default(self) -> Any:
        if self._init_raw is not None:
            return copy.deepcopy(self._init_raw)
        return self._clip((self.low + self.high) / 2)

    def contains(self, value: Any) -> builtins.bool:
        return True

    def definition(self) -> dict[str, Any]:
        return {
            "type": "custom",
            "class": "pyhopper.int" if self.integer else "pyhopper.float",
            "low": self.low.tolist(),
            "high": self.high.tolist(),
        }
